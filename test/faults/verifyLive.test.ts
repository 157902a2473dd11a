/**
 * `npm run verify:live` itself, against the emulator (its loopback address and any key), as a
 * maintainer runs it: it explains what it needs without a key, asks before sending, keeps to
 * the cap, and writes recordings that reproduce the committed ones.
 */
import { readFixtures, answerDifferences } from '../live/recorder';
import { useEmulator } from '../support/emulator';
import { makeTempDir, runRepoScript } from '../support/system';

const { emulator, credentials } = useEmulator();
const live = (env: Record<string, string | undefined>, args: string[] = [], input = '') =>
	runRepoScript('scripts/verify-live.js', args, { env: { HIGHWAY_API_KEY: undefined, HIGHWAY_BASE_URL: undefined, ...env }, input });

test('without a key it says what it needs and sends nothing', async () => {
	const { code, output } = await live({});
	expect(code).toBe(2);
	expect(output).toMatch(/needs a HighwayAPI key: HIGHWAY_API_KEY=<your key> npm run verify:live/);
	expect(output).toMatch(/Nothing was sent\./);
	expect(emulator().stats().requests).toBe(0);
});

test('it shows what it will send and the most it can cost, and sends nothing unless told yes', async () => {
	const { code, output } = await live({ HIGHWAY_API_KEY: credentials().apiKey, HIGHWAY_BASE_URL: credentials().baseUrl }, ['--out', makeTempDir('live-no-')], 'n\n');
	expect(code).toBe(1);
	expect(output).toMatch(/POST \/v3\/seedream-4\.0 {2}smallest-image: one image at 1K, at most 1 image\(s\) × \$0\.03/);
	// The cheapest case there is comes first: Seedream 3.0 at 512x512.
	expect(output).toMatch(/^ {2}POST \/v3\/seedream-3-0-txt2img {2}smallest-image: one image at 512x512, at most 1 image\(s\) × \$0\.03$/m);
	expect(output.indexOf('seedream-3-0-txt2img  smallest-image')).toBeLessThan(output.indexOf('seedream-4.0  smallest-image'));
	expect(output).toMatch(/At most 8 image\(s\), about \$0\.295 at upstream list prices \(cap: 8 images\)/);
	expect(output).toMatch(/Send these requests\? \[y\/N\] Nothing was sent\./);
	expect(emulator().stats().requests).toBe(0);
});

test('told yes, it stops at the cap and writes recordings that reproduce the committed ones', async () => {
	const out = makeTempDir('live-yes-');
	const { code, output } = await live({ HIGHWAY_API_KEY: credentials().apiKey, HIGHWAY_BASE_URL: credentials().baseUrl }, ['--out', out, '--cap', '3'], 'y\n');
	expect(code).toBe(0);
	expect(output).toMatch(/seedream-4\.5 smallest-image: not sent \(the cap of 3 image\(s\)\)/);
	expect(output).toMatch(/seedream-4\.5 image-set-of-2: not sent \(the cap of 3 image\(s\)\)/);
	expect(emulator().stats().generated).toBeLessThanOrEqual(3);
	const fresh = readFixtures({ emulator: out });
	const committed = readFixtures().filter(({ folder }) => folder === 'emulator');
	expect(fresh.map(({ fixture }) => `${fixture.model} ${fixture.case}`)).toEqual([
		'null credential-test',
		'seedream-3-0-txt2img smallest-image',
		'seedream-4.0 smallest-image',
		'seedream-5.0-lite smallest-image',
	]);
	for (const { fixture } of fresh) {
		const same = committed.find((one) => one.fixture.case === fixture.case && one.fixture.model === fixture.model)!;
		expect(fixture.request).toEqual(same.fixture.request);
		expect(answerDifferences(same.fixture.response, fixture.response)).toEqual([]);
		expect(fixture.downloads).toEqual(same.fixture.downloads);
	}
	expect(output).not.toContain(credentials().apiKey);
});
