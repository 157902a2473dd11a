/**
 * Never paying twice: the node through n8n-core's engine against the emulator over real HTTP,
 * in the execution modes n8n runs it in. A Retry is what n8n does: a run in mode `retry` that
 * starts from the failed execution's context data (real n8n hands its Retry the same; the e2e
 * suite proves that in a real n8n, single and queue mode).
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { Container, Logger } from '../support/di';
import { EMULATOR_KEY, useEmulator } from '../support/emulator';
import { runSeedream, type RunOptions, type RunResult } from '../support/engine';
import { png } from '../support/images';

const { emulator, credentials } = useEmulator();

async function run(options: Partial<RunOptions> & { parameters: INodeParameters }): Promise<RunResult> {
	const target = credentials();
	expect(target.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	return await runSeedream({ ...options, credentials: target });
}

/** Generation requests the emulator answered with images since `from`. */
const paidSince = (from: number) => emulator().stats().generated - from;

const kites = (...prompts: string[]) => prompts.map((prompt) => ({ json: { prompt } }));
/** Five items; the API refuses the fourth once (a content-policy refusal that a fixed row passes). */
const refusedOnce = (tag: string) =>
	kites(`red ${tag}`, `blue ${tag}`, `green ${tag}`, `[fault:illegal-prompt*1] grey ${tag}`, `gold ${tag}`);
const fromItems = (options: INodeParameters = {}): INodeParameters => ({ prompt: '={{ $json.prompt }}', options });

function images(result: RunResult): INodeExecutionData[] {
	expect(result.error).toBeUndefined();
	return result.items ?? [];
}

describe('a Retry of a failed execution reuses what it paid for', () => {
	test('five items, the fourth refused: the Retry generates one image and outputs five', async () => {
		// All five in flight at once, so the first run pays for the four the API accepts.
		const parameters = fromItems({ concurrency: 5 });
		const items = refusedOnce('kite');
		const failed = await run({ parameters, items, mode: 'webhook' });
		expect(failed.error?.message).toMatch(/Seedream refused the content/);
		expect(emulator().stats().generated).toBe(4);

		const before = emulator().stats().generated;
		const retry = await run({ parameters, items, mode: 'retry', contextData: failed.contextData });
		const output = images(retry);
		expect(paidSince(before)).toBe(1);
		expect(output.map((item) => item.json.prompt)).toEqual(items.map((item) => item.json.prompt));
		expect(output.map((item) => item.json.reused ?? false)).toEqual([true, true, true, false, true]);
		for (const item of output.filter((one) => one.json.reused)) {
			expect(Date.parse(item.json.generatedAt as string)).toBeLessThanOrEqual(Date.now());
			expect(item.binary?.data.mimeType).toBe('image/png');
		}
		// The reused items carry the very links (and so the images) the failed run paid for.
		const paidLinks = emulator()
			.requests.filter((request) => request.status === 200)
			.flatMap((request) => request.imageIds);
		for (const item of output) expect(paidLinks.some((id) => String(item.json.url).includes(id))).toBe(true);
		expect(emulator().stats().generated).toBe(5);
	});

	test('at the default concurrency, what the failure kept from being sent is generated on the Retry, once', async () => {
		emulator().configure({ latencyMs: 300 });
		const parameters = fromItems();
		const items = refusedOnce('balloon');
		const failed = await run({ parameters, items, mode: 'trigger' });
		expect(failed.error).toBeDefined();
		// Three were in flight when the fourth was refused; the fifth was never sent.
		expect(emulator().stats().generated).toBe(3);
		const retry = await run({ parameters, items, mode: 'retry', contextData: failed.contextData });
		expect(images(retry).map((item) => item.json.reused ?? false)).toEqual([true, true, true, false, false]);
		// Every image was paid for exactly once over both runs.
		expect(emulator().stats().generated).toBe(5);
	});

	test('a Retry of a Retry still reuses the first run\'s images', async () => {
		const parameters = fromItems({ concurrency: 5 });
		const items = kites('red owl', 'blue owl', '[fault:illegal-prompt*2] grey owl');
		const first = await run({ parameters, items, mode: 'webhook' });
		const second = await run({ parameters, items, mode: 'retry', contextData: first.contextData });
		expect(second.error).toBeDefined();
		const third = await run({ parameters, items, mode: 'retry', contextData: second.contextData });
		expect(images(third).map((item) => item.json.reused ?? false)).toEqual([true, true, false]);
		expect(emulator().stats().generated).toBe(3);
	});

	test('what is kept with the failed execution: links, sizes and a hash, never the key or the image', async () => {
		const failed = await run({ parameters: fromItems({ concurrency: 5 }), items: refusedOnce('lark'), mode: 'webhook' });
		const kept = JSON.stringify(failed.contextData);
		expect(kept).toContain('/files/');
		expect(kept).not.toContain(EMULATOR_KEY);
		expect(kept).not.toContain('lark'); // the prompt is in the hash only
		expect(kept).not.toMatch(/iVBOR/); // no PNG as base64
		const shelf = (failed.contextData?.['node:Seedream'] as IDataObject).paidResults as IDataObject;
		const results = Object.values(shelf.results as IDataObject) as IDataObject[][];
		expect(Object.keys(shelf.results as IDataObject).every((key) => /^[0-9a-f]{64}$/.test(key))).toBe(true);
		expect(results.flat()).toHaveLength(4);
		expect(results.flat()[0]).toEqual({
			generatedAt: expect.any(Number),
			validUntil: expect.any(Number),
			count: 1,
			links: [{ index: 0, url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]+\.png\?X-Expires=/) }],
		});
	});

	test('a successful run keeps nothing with its execution: nothing would retry it', async () => {
		const done = await run({ parameters: { prompt: 'a quiet sea' }, mode: 'webhook' });
		expect(images(done)).toHaveLength(1);
		expect(JSON.stringify(done.contextData ?? {})).not.toContain('paidResults');
	});

	test('with Never, a Retry generates everything again', async () => {
		const parameters = fromItems({ concurrency: 5, reuseResults: 'never' });
		const items = refusedOnce('wren');
		const failed = await run({ parameters, items, mode: 'webhook' });
		const retry = await run({ parameters, items, mode: 'retry', contextData: failed.contextData });
		expect(images(retry).some((item) => item.json.reused)).toBe(false);
		expect(emulator().stats().generated).toBe(9);
	});
});

describe('Always While Links Are Valid', () => {
	const always = (prompt: string, options: INodeParameters = {}): INodeParameters => ({
		prompt,
		options: { reuseResults: 'always', ...options },
	});

	test('Seedream 3.0: the same fixed seed is reused with its seed; another seed pays', async () => {
		const v30 = (seed: number) => ({
			...always('a lantern at dawn, seeded'),
			model: 'seedream-3-0-txt2img',
			size: 'custom',
			width: 512,
			height: 512,
			seed,
		});
		const first = images(await run({ parameters: v30(11) }));
		const second = images(await run({ parameters: v30(11) }));
		expect(emulator().stats().requests).toBe(1);
		expect(second[0].json).toMatchObject({ reused: true, seed: 11, url: first[0].json.url });
		images(await run({ parameters: v30(12) }));
		expect(emulator().requests.map((request) => request.body?.seed)).toEqual([11, 12]);
	});

	test('a second identical run sends nothing; any changed parameter pays for one', async () => {
		const first = images(await run({ parameters: always('a lantern at dusk') }));
		expect(emulator().stats().requests).toBe(1);
		const second = images(await run({ parameters: always('a lantern at dusk') }));
		expect(emulator().stats().requests).toBe(1);
		expect(second[0].json).toMatchObject({ reused: true, url: first[0].json.url });
		expect(second[0].json.generatedAt).toEqual(expect.any(String));
		const bytes = await Promise.all([first, second].map(async ([item]) => await runBytes(item)));
		expect(bytes[0].equals(bytes[1])).toBe(true);

		const changes: INodeParameters[] = [
			{ ...always('a lantern at dusk'), watermark: false },
			{ ...always('a lantern at dusk'), size: '4K' },
			{ ...always('a lantern at dawn') },
			{ ...always('a lantern at dusk'), model: 'seedream-5.0-lite' },
			{ ...always('a lantern at dusk'), referenceImages: 'url', imageUrls: 'https://example.com/a.png' },
		];
		for (const [position, parameters] of changes.entries()) {
			const changed = images(await run({ parameters }));
			expect(changed[0].json.reused).toBeUndefined();
			expect(emulator().stats().requests).toBe(2 + position);
		}
	});

	test('ten identical items still give ten images; the next run reuses all ten', async () => {
		const items = Array.from({ length: 10 }, () => ({ json: {} }));
		const first = images(await run({ parameters: always('a paper crane'), items }));
		expect(new Set(first.map((item) => item.json.url)).size).toBe(10);
		const second = images(await run({ parameters: always('a paper crane'), items: [...items, { json: {} }] }));
		expect(second.filter((item) => item.json.reused)).toHaveLength(10);
		expect(new Set(second.map((item) => item.json.url)).size).toBe(11);
		expect(emulator().stats().generated).toBe(11);
	});

	test('the same image from a binary property or a data URI is the same request', async () => {
		const logo = png(64, 64, 'logo');
		images(
			await run({
				parameters: { ...always('the logo on a mug'), referenceImages: 'binary' },
				items: [{ binary: { data: { bytes: logo, mimeType: 'image/png', fileName: 'logo.png' } } }],
			}),
		);
		const again = images(
			await run({
				parameters: {
					...always('the logo on a mug'),
					referenceImages: 'url',
					imageUrls: `data:image/png;base64,${logo.toString('base64')}`,
				},
			}),
		);
		expect(again[0].json.reused).toBe(true);
		expect(emulator().stats().generated).toBe(1);
	});

	test('links that no longer download fall back to one new generation, and say so', async () => {
		images(await run({ parameters: always('a glass whale') }));
		emulator().revokeLinks('expired');
		const fallback = images(await run({ parameters: always('a glass whale') }));
		expect(emulator().stats().generated).toBe(2);
		expect(fallback[0].json.reused).toBeUndefined();
		expect(fallback[0].json.reuseFallback).toMatch(
			/^An identical earlier request's images no longer download \(The image link has expired or was refused by the storage host\): generated anew$/,
		);
		expect(fallback[0].binary?.data.mimeType).toBe('image/png');
		// The dead result is forgotten: the next run reuses the new one.
		const next = images(await run({ parameters: always('a glass whale') }));
		expect(next[0].json.reused).toBe(true);
		expect(emulator().stats().generated).toBe(2);
	});

	test('links only: a reused link is checked before it is handed on; a deleted one is generated anew', async () => {
		const parameters = always('a copper fox', { downloadImages: false });
		images(await run({ parameters }));
		const reused = images(await run({ parameters }));
		expect(reused[0].json).toMatchObject({ reused: true, mimeType: 'image/png', width: 2048, height: 2048 });
		expect(reused[0].binary).toBeUndefined();
		emulator().revokeLinks('deleted');
		const fallback = images(await run({ parameters }));
		expect(fallback[0].json.reuseFallback).toMatch(/HTTP 404/);
		expect(emulator().stats().generated).toBe(2);
	});

	test('the workflow\'s static data is never written: a Retry or a queue worker would save over it', async () => {
		// n8n saves static data after a production run whenever it changed; a Retry and a
		// queue-mode worker start without the stored one, so a write would erase the trigger's.
		for (const mode of ['trigger', 'retry'] as const) {
			const staticData: IDataObject = { 'node:Schedule Trigger': { recurrenceRules: [1] } };
			images(await run({ parameters: always(`a tin robot (${mode})`), mode, staticData }));
			expect((staticData as { __dataChanged?: boolean }).__dataChanged).toBe(false);
			expect(staticData).toEqual({ 'node:Schedule Trigger': { recurrenceRules: [1] } });
		}
	});

	test('the log line says how many images were reused and how many billed, and what they cost', async () => {
		const info = jest.spyOn(Container.get(Logger), 'info');
		try {
			images(await run({ parameters: always('a chalk horse'), items: kites('a', 'b') }));
			images(await run({ parameters: always('a chalk horse'), items: kites('a', 'b', 'c') }));
			const lines = info.mock.calls.map(([message]) => String(message)).filter((line) => line.startsWith('Seedream:'));
			expect(lines).toEqual([
				'Seedream: 2 image(s) generated and billed (about $0.08), 0 reused from identical earlier requests',
				'Seedream: 1 image(s) generated and billed (about $0.04), 2 reused from identical earlier requests',
			]);
		} finally {
			info.mockRestore();
		}
	});
});

describe('outside a Retry, by default, every run is billed', () => {
	test.each([
		['the default', {}],
		['Never', { reuseResults: 'never' }],
	])('%s: two identical runs pay twice', async (_name, options) => {
		for (const mode of ['manual', 'trigger'] as const) {
			images(await run({ parameters: { prompt: 'a mossy stone', options }, mode }));
			images(await run({ parameters: { prompt: 'a mossy stone', options }, mode }));
		}
		expect(emulator().stats().generated).toBe(4);
	});
});

async function runBytes(item: INodeExecutionData): Promise<Buffer> {
	const download = await fetch(String(item.json.url));
	return Buffer.from(await download.arrayBuffer());
}
