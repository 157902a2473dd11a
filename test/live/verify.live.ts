/**
 * The requests of `npm run verify:live`, started by scripts/verify-live.js once the maintainer has
 * agreed to the cost: every live case through the node's own code path (n8n-core's engine),
 * through a recording proxy to the API, its output checked, its exchange saved (redacted).
 * Stops before a case that could take the run past the cap of billed images.
 */
import { MODELS } from '../../nodes/Seedream/helpers/models';
import { parseResponse } from '../../nodes/Seedream/helpers/results/responseParsing';
import { liveCases } from './cases';
import { createRecordingProxy, fixturePath, secretsIn, toFixture, writeFixture, type Exchange } from './recorder';
import { runCase, storedImages } from './runCase';
import { writeText } from '../support/system';
import { liveSettings } from './settings';

const settings = liveSettings();
const cases = liveCases(MODELS);
const done: Array<{ case: string; model: string | null; file?: string; billed: number; skipped?: string }> = [];
let billed = 0;

afterAll(() => {
	if (settings.summaryFile) writeText(settings.summaryFile, JSON.stringify({ billed, cases: done }, null, 2));
});

test.each(cases.map((liveCase) => [`${liveCase.model ?? 'platform'} ${liveCase.id}`, liveCase] as const))(
	'%s',
	async (_name, liveCase) => {
		if (!settings.baseUrl || !settings.apiKey || !settings.out || !settings.source)
			throw new Error('run through npm run verify:live, which sets the live settings');
		if (billed + liveCase.maxImages > settings.cap) {
			done.push({ case: liveCase.id, model: liveCase.model, billed: 0, skipped: `the cap of ${settings.cap} image(s)` });
			return;
		}
		const proxy = await createRecordingProxy({ target: settings.baseUrl });
		let exchange: Exchange | undefined;
		let caseBilled = 0;
		try {
			const run = await runCase(liveCase, { apiKey: settings.apiKey, baseUrl: proxy.url });
			exchange = proxy.exchanges.find((one) => one.request.path === (liveCase.request?.path ?? MODELS[liveCase.model as keyof typeof MODELS].path));
			expect(exchange).toBeDefined();
			// Read as the node reads it: `images`, or 3.0's `image_urls` and `binary_data_base64`.
			const answer = parseResponse(exchange!.response.body);
			caseBilled =
				exchange!.response.status === 200 && 'entries' in answer
					? answer.entries.filter((entry) => entry.kind !== 'failed').length
					: 0;
			let downloads;
			if (liveCase.kind === 'node') {
				// Checked the way the end-to-end tests check the emulator's images.
				expect(run.result?.error).toBeUndefined();
				expect(run.result?.items?.length).toBeGreaterThan(0);
				downloads = await storedImages(run.result!);
			} else {
				expect(run.outcome?.type).toBe('response');
			}
			const fixture = toFixture(exchange!, {
				caseId: liveCase.id,
				model: liveCase.model,
				source: settings.source,
				secrets: [settings.apiKey],
				downloads,
			});
			expect(secretsIn(JSON.stringify(fixture))).toEqual([]);
			const file = fixturePath(settings.out, liveCase.model, liveCase.id);
			writeFixture(file, fixture);
			done.push({ case: liveCase.id, model: liveCase.model, file, billed: caseBilled });
		} finally {
			billed += caseBilled;
			await proxy.stop();
		}
	},
);
