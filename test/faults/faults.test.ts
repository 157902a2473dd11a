import { sleep, type INodeExecutionData } from 'n8n-workflow';

import { useEmulator, EMULATOR_KEY } from '../support/emulator';
import { runSeedream, type RunOptions, type RunResult } from '../support/engine';
import { png } from '../support/images';

const { emulator, credentials, logs } = useEmulator();
const seen: unknown[] = [];

async function run(options: Partial<RunOptions> & { parameters: RunOptions['parameters'] }): Promise<RunResult> {
	const target = options.credentials ?? credentials();
	// Only the emulator on loopback may be called.
	expect(String(target.baseUrl)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	const result = await runSeedream({ ...options, credentials: target });
	seen.push(result.items, result.error, result.error?.description, result.error?.message);
	return result;
}

const prompt = (text: string) => ({ prompt: text });

async function expectImage(result: RunResult, count = 1): Promise<INodeExecutionData[]> {
	expect(result.error).toBeUndefined();
	expect(result.items).toHaveLength(count);
	for (const item of result.items ?? []) {
		const bytes = await result.readBinary(item);
		expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
		expect(item.json.mimeType).toBe('image/png');
	}
	return result.items ?? [];
}

describe('recovered: transient faults are retried and the image delivered', () => {
	test.each([
		['429 with Retry-After', { kind: '429', retryAfter: 1 }],
		['429 without Retry-After', { kind: '429-no-retry-after' }],
		['500', { kind: '500' }],
		['502 with an HTML body from a proxy', { kind: '502' }],
		['503', { kind: '503' }],
	])('%s', async (_name, fault) => {
		emulator().configure({ faults: [fault] });
		const result = await run({ parameters: prompt('a lighthouse') });
		await expectImage(result);
		expect(emulator().stats().generationRequests).toBe(1);
		expect(emulator().requests.map((request) => request.status)).toEqual([Number(fault.kind.slice(0, 3)), 200]);
		expect(emulator().stats().generated - emulator().stats().downloaded).toBe(0);
	});

	test('a download link that fails once with 500 is retried', async () => {
		emulator().configure({ faults: [{ kind: 'download-500' }] });
		await expectImage(await run({ parameters: prompt('a lighthouse') }));
		expect(emulator().downloads.map((download) => download.status)).toEqual([500, 200]);
	});

	test('a download that breaks off halfway is downloaded again, whole', async () => {
		emulator().configure({ faults: [{ kind: 'download-reset' }], imageBytes: 3_000_000 });
		const [item] = await expectImage(await run({ parameters: { ...prompt('flaky cdn'), size: '4K' } }));
		expect(emulator().downloads).toHaveLength(2);
		expect(emulator().downloads[0].completed).toBe(false);
		expect(item.binary?.data.bytes).toBeGreaterThan(3_000_000);
	});

	test('large 4K images of a set arrive whole, each stored as its own file', async () => {
		emulator().configure({ imageBytes: 4_000_000 });
		const items = await expectImage(
			await run({ parameters: { ...prompt('a set of 5 images'), size: '4K', sequentialImageGeneration: 'auto', maxImages: 5 } }),
			5,
		);
		expect(new Set(items.map((item) => item.binary?.data.id)).size).toBe(5);
		for (const item of items) expect(item.binary?.data.bytes).toBeGreaterThan(4_000_000);
	});

	test('a connection reset before an answer is retried when the user allows uncertain retries', async () => {
		emulator().configure({ faults: [{ kind: 'reset' }] });
		const result = await run({ parameters: { ...prompt('x'), options: { retryUncertain: true } } });
		await expectImage(result);
		expect(emulator().requests).toHaveLength(2);
	});

	test('a slow download still arrives whole', async () => {
		emulator().configure({ faults: [{ kind: 'slow-download', bytesPerSecond: 200_000 }] });
		const [item] = await expectImage(await run({ parameters: prompt('slow') }));
		expect(item.json.width).toBe(2048);
	});

	test.each(['object-url', 'image_url', 'b64_json', 'data-uri', 'base64'] as const)(
		'result shape %s gives the same image item',
		async (resultShape) => {
			emulator().configure({ resultShape });
			const [item] = await expectImage(await run({ parameters: { ...prompt('shape'), size: 'aspectRatio', aspectRatio: '16:9' } }));
			expect(item.json.size).toBe('2848x1600');
		},
	);
});

describe('a clear error on the right item', () => {
	test.each([
		['a bad key (401)', {}, { apiKey: 'wrong-key' }, /HighwayAPI rejected the API key/, /credential/],
		['no balance (403)', { kind: 'no-balance' }, undefined, /insufficient balance/, /Top up/],
		['an invalid key (403)', { kind: 'invalid-key' }, undefined, /HighwayAPI rejected the API key/, /credential/],
		['an illegal prompt (400)', { kind: 'illegal-prompt' }, undefined, /Seedream refused the content/, /Rephrase/],
	])('%s is not retried', async (_name, fault, credentialOverride, message, description) => {
		if ('kind' in fault) emulator().configure({ faults: [fault as { kind: string }] });
		const result = await run({
			parameters: prompt('x'),
			credentials: credentialOverride ? { ...credentials(), ...credentialOverride } : undefined,
		});
		expect(result.items).toBeUndefined();
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toMatch(message);
		expect(result.error?.description).toMatch(description);
		expect(emulator().requests).toHaveLength(1);
	});

	test('a request that never answers times out with advice, and is not retried (the API may bill it)', async () => {
		emulator().configure({ faults: [{ kind: 'hang' }] });
		const result = await run({ parameters: { ...prompt('x'), options: { timeout: 1 } } });
		expect(result.error?.message).toBe('Seedream did not answer within 1 s');
		expect(result.error?.description).toMatch(/Raise Options → Timeout/);
		expect(emulator().requests).toHaveLength(1);
	});

	test('a connection lost after the API generated is not retried by default, and says why', async () => {
		emulator().configure({ faults: [{ kind: 'reset-after-generate' }] });
		const result = await run({ parameters: prompt('x') });
		expect(result.error?.message).toMatch(/^Could not reach Seedream/);
		expect(result.error?.description).toMatch(/may have generated \(and billed\) the images/);
		expect(emulator().requests).toHaveLength(1);
	});

	test('with uncertain retries on, a lost answer is retried and the second image is paid too', async () => {
		emulator().configure({ faults: [{ kind: 'reset-after-generate' }] });
		await expectImage(await run({ parameters: { ...prompt('x'), options: { retryUncertain: true } } }));
		expect(emulator().stats().generated).toBe(2);
		expect(emulator().stats().downloaded).toBe(1);
	});

	test('malformed JSON in a 200 answer', async () => {
		emulator().configure({ faults: [{ kind: 'malformed-json' }] });
		const result = await run({ parameters: prompt('x') });
		expect(result.error?.message).toBe('Seedream sent an answer that could not be read');
		expect(emulator().requests).toHaveLength(1);
	});

	test('an empty image list', async () => {
		emulator().configure({ faults: [{ kind: 'empty-images' }] });
		const result = await run({ parameters: prompt('x') });
		expect(result.error?.message).toBe('Seedream returned no images for this request');
	});

	test('429s beyond Max Retries are still waited out: they are not billed', async () => {
		emulator().configure({ faults: [{ kind: '429', retryAfter: 0, count: 3 }] });
		await expectImage(await run({ parameters: { ...prompt('x'), options: { maxRetries: 0 } } }));
		expect(emulator().requests.map((request) => request.status)).toEqual([429, 429, 429, 200]);
		expect(emulator().stats().generated).toBe(1);
	});

	test('429s until the timeout: the error says how many attempts over how long, and what the API asked', async () => {
		emulator().configure({ faults: [{ kind: '429', retryAfter: 1, count: 100 }] });
		const result = await run({ parameters: { ...prompt('x'), options: { timeout: 3 } } });
		const attempts = emulator().requests.length;
		expect(attempts).toBeGreaterThanOrEqual(2);
		expect(attempts).toBeLessThanOrEqual(4);
		expect(result.error?.message).toMatch(
			new RegExp(`^HighwayAPI rate limit still exceeded after ${attempts} attempts over [1-4] s: Rate limit exceeded$`),
		);
		expect(result.error?.description).toMatch(/within this request's 3 s timeout; its last answer asked to wait 1 s more/);
		expect(result.error?.description).toMatch(/not billed/);
		expect(emulator().stats().generated).toBe(0);
	});

	test('expired result links: the error lists the links so the paid images are not lost', async () => {
		emulator().configure({ faults: [{ kind: 'expired-links' }] });
		const result = await run({ parameters: prompt('x') });
		expect(result.error?.message).toMatch(/generated 1 image\(s\), but none could be downloaded: The image link has expired/);
		expect(result.error?.description).toMatch(/http:\/\/127\.0\.0\.1:\d+\/files\//);
	});

	test('partial failure within a set keeps the images that succeeded', async () => {
		emulator().configure({ faults: [{ kind: 'partial', failIndexes: [1] }] });
		const result = await run({
			parameters: { ...prompt('a set of 3 images'), sequentialImageGeneration: 'auto', maxImages: 3 },
		});
		const items = await expectImage(result, 2);
		expect(items.map((item) => [item.json.index, item.json.count])).toEqual([
			[0, 3],
			[2, 3],
		]);
		expect(items[0].json.failedImages).toEqual([
			{ index: 1, code: 'OutputImageSensitiveContentDetected', message: expect.any(String) },
		]);
		expect(emulator().stats().generated).toBe(emulator().stats().downloaded);
	});
});

describe('bad input never reaches the API', () => {
	test.each([
		['a blank prompt', { prompt: '  ' }, []],
		['an invalid size', { prompt: 'x', size: 'custom', width: 1000, height: 1000 }, []],
		['an unsupported reference', { prompt: 'x', referenceImages: 'binary' }, [{ binary: { data: { bytes: Buffer.from('<svg/>'), mimeType: 'image/svg+xml' } } }]],
		['an oversize reference', { prompt: 'x', referenceImages: 'binary' }, [{ binary: { data: { bytes: Buffer.concat([png(20, 20), Buffer.alloc(11 * 1024 * 1024)]) } } }]],
	])('%s', async (_name, parameters, items) => {
		const result = await run({ parameters, items: items.length ? items : undefined });
		expect(result.error?.name).toBe('NodeOperationError');
		expect(emulator().stats().requests).toBe(0);
	});
});

describe('continue on fail accounts for every item', () => {
	test('each item yields its images or exactly one error item, in input order', async () => {
		const prompts = [
			'plain one',
			'[fault:500*1] recovers',
			'[fault:illegal-prompt] refused',
			'[fault:partial] a set of 3 images',
			'[fault:no-balance] broke',
			'plain two',
		];
		const result = await run({
			continueOnFail: true,
			parameters: {
				prompt: '={{ $json.prompt }}',
				sequentialImageGeneration: 'auto',
				maxImages: 3,
				options: { concurrency: 3 },
			},
			items: prompts.map((text) => ({ json: { prompt: text.includes('images') ? text : `${text}, 1 images` } })),
		});
		expect(result.error).toBeUndefined();
		const summary = (result.items ?? []).map((item) => [
			(item.pairedItem as { item: number }).item,
			item.json.error ? 'error' : `image ${item.json.index}`,
		]);
		expect(summary).toEqual([
			[0, 'image 0'],
			[1, 'image 0'],
			[2, 'error'],
			[3, 'image 0'],
			[3, 'image 2'],
			[4, 'error'],
			[5, 'image 0'],
		]);
	});

	test('cancelling the execution aborts the request in flight', async () => {
		emulator().configure({ faults: [{ kind: 'hang' }] });
		const started = Date.now();
		const result = await run({
			parameters: prompt('x'),
			onStart: (cancel) => cancelSoon(cancel),
		});
		expect(Date.now() - started).toBeLessThan(5000);
		expect(result.items ?? []).toEqual([]);
		expect(emulator().requests).toHaveLength(1);
		expect(emulator().requests[0].completed).toBe(false);
	});
});

/** Presses Stop half a second into the run, while the request hangs. */
function cancelSoon(cancel: () => void): void {
	void sleep(500).then(cancel);
}

afterAll(() => {
	const everything = JSON.stringify(seen) + logs.join('\n') + JSON.stringify(emulator().requests);
	expect(everything).not.toContain(EMULATOR_KEY);
});
