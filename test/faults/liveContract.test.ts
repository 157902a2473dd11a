/**
 * The emulator against what the API was recorded answering: each recorded request, as it was
 * recorded, sent to the emulator; its answer must have the recording's status, headers and
 * shape (field names and types). A recording the emulator cannot reproduce fails here, with the
 * difference named: the emulator follows the real API, not our beliefs. And no recording may
 * hold anything that looks like a key.
 */
import { renderPng } from '../emulator/png';
import { answerDifferences, FIXTURE_FOLDERS, readFixtures, redactLink, REDACTED, secretsIn } from '../live/recorder';
import { EMULATOR_KEY, useEmulator } from '../support/emulator';
import { readRepoFile, readText } from '../support/system';
import { jpeg } from '../support/images';

const { credentials } = useEmulator();
const recordings = readFixtures();

/** A recorded body with each summarised reference made again: an image of its format and size. */
function rebuild(value: unknown): unknown {
	if (Array.isArray(value)) return value.map(rebuild);
	if (value && typeof value === 'object') {
		const record = value as Record<string, unknown>;
		if (record.dataUri === true) {
			const width = Number(record.width ?? 64);
			const height = Number(record.height ?? 64);
			const bytes = record.format === 'jpeg' ? jpeg(width, height) : renderPng({ width, height, seed: 'contract' });
			return `data:image/${String(record.format ?? 'png')};base64,${bytes.toString('base64')}`;
		}
		return Object.fromEntries(Object.entries(record).map(([key, entry]) => [key, rebuild(entry)]));
	}
	return value;
}

test('the recordings are where the README says: the real API\'s, and the emulator\'s marked as such', () => {
	for (const { folder, fixture } of recordings) expect(fixture.source).toBe(folder === 'live' ? 'live' : 'emulator');
	expect(recordings.filter(({ folder }) => folder === 'emulator').length).toBeGreaterThan(0);
	expect(FIXTURE_FOLDERS.emulator).toMatch(/test\/fixtures\/emulator-recorded$/);
	const live = recordings.some(({ folder }) => folder === 'live');
	const readme = readRepoFile('README.md').replace(/\s+/g, ' ');
	expect(readme.includes('no recording of the real API has been made yet')).toBe(!live);
});

test.each(recordings.map(({ file }) => [file.slice(file.indexOf('test/fixtures/')), file]))(
	'%s holds nothing that looks like a key',
	(_name, file) => {
		expect(secretsIn(readText(file))).toEqual([]);
	},
);

test('the secret check finds what it must', () => {
	expect(secretsIn('{"authorization": "Bearer sk-abcdefabcdefabcdef"}')).toHaveLength(3);
	expect(secretsIn('https://x.test/a.png?X-Amz-Signature=0123456789abcdef')).toHaveLength(1);
	expect(secretsIn(redactLink('https://x.test/a.png?X-Tos-Signature=0123&X-Tos-Credential=AK%2F1&X-Tos-Expires=86400'))).toEqual([]);
	expect(redactLink('https://x.test/a.png?X-Tos-Signature=0123&X-Tos-Expires=86400')).toBe(
		`https://x.test/a.png?X-Tos-Signature=${REDACTED}&X-Tos-Expires=86400`,
	);
});

test.each(recordings.map(({ folder, file, fixture }) => [`${folder}: ${fixture.model ?? 'platform'} ${fixture.case}`, file, fixture] as const))(
	'%s: the emulator answers the recorded request alike',
	async (_name, file, fixture) => {
		const { request } = fixture;
		const response = await fetch(`${credentials().baseUrl}${request.path}`, {
			method: request.method,
			headers: { authorization: `Bearer ${EMULATOR_KEY}`, 'content-type': 'application/json' },
			body: request.body === undefined ? undefined : JSON.stringify(rebuild(request.body)),
		});
		const text = await response.text();
		let body: unknown = text;
		try {
			body = JSON.parse(text);
		} catch {
			// kept as text: the recording may hold text too
		}
		const differences = answerDifferences(fixture.response, {
			status: response.status,
			headers: Object.fromEntries(response.headers.entries()),
			body,
		});
		if (differences.length) throw new Error(`${file}: the emulator differs from the recording:\n- ${differences.join('\n- ')}`);
	},
);
