/**
 * How the node turns a successful (or partly successful) Seedream answer into output items:
 * every response shape, downloads without the API key, one item per image in a stable order,
 * real mime types and sizes, both binary modes, the output options, and what happens when
 * some images or some downloads fail. The node runs in n8n-core's real engine; only the
 * network is mocked.
 */
import nock from 'nock';
import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { unmatchedRequests } from '../../support/nockLifecycle';
import { API_HOST, API_PATH } from '../../support/api';
import { runSeedream, TEST_CREDENTIALS, type RunResult } from '../../support/engine';
import { dataUri, jpeg, largePng, png } from '../../support/images';

const CDN_HOST = 'https://cdn.example.test';
const AUTHORIZATION = `Bearer ${TEST_CREDENTIALS.apiKey}`;

/** The API must be called with the credential's key... */
const api = () => nock(API_HOST, { reqheaders: { authorization: AUTHORIZATION } });
/** ...and the storage host never: an interceptor with `badheaders` does not match a request carrying it. */
const cdn = () => nock(CDN_HOST, { badheaders: ['authorization'] });

// Interceptor hygiene and the unmatched-request check: test/support/nockLifecycle.ts.

/** Every interceptor of the test was used, and nothing else was requested. */
function expectAllRequestsServed(): void {
	expect(nock.pendingMocks()).toEqual([]);
	expect(unmatchedRequests()).toEqual([]);
}

function outputOf(result: RunResult): INodeExecutionData[] {
	expect(result.error).toBeUndefined();
	expect(result.items).toBeDefined();
	return result.items!;
}

function jsonOf(items: INodeExecutionData[]): IDataObject[] {
	return items.map((item) => item.json);
}

async function expectBytes(
	result: RunResult,
	item: INodeExecutionData,
	expected: Buffer,
	property = 'data',
) {
	const bytes = await result.readBinary(item, property);
	expect(bytes.length).toBe(expected.length);
	expect(bytes.equals(expected)).toBe(true);
}

const url = (path: string) => `${CDN_HOST}${path}`;

describe('response shapes', () => {
	const image = png(40, 30, 'shape');

	const shapes: Array<[string, unknown, boolean]> = [
		['a URL string', url('/shape/a.png'), true],
		['a data:image/png;base64 URI', dataUri(image), false],
		['a bare base64 string', image.toString('base64'), false],
		['an object with url', { url: url('/shape/a.png') }, true],
		['an object with image_url as a string', { image_url: url('/shape/a.png') }, true],
		['an object with image_url as {url}', { image_url: { url: url('/shape/a.png') } }, true],
		['an object with b64_json', { b64_json: image.toString('base64') }, false],
	];

	test.each(shapes)('accepts %s as an image entry', async (_name, entry, downloaded) => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [entry] });
		const cdnScope = downloaded
			? cdn().get('/shape/a.png').reply(200, image, { 'Content-Type': 'image/png' })
			: undefined;

		const result = await runSeedream({ parameters: { prompt: 'a cat' } });

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].json).toEqual({
			index: 0,
			count: 1,
			...(downloaded ? { url: url('/shape/a.png') } : {}),
			size: '40x30',
			width: 40,
			height: 30,
			mimeType: 'image/png',
			fileName: 'seedream-item0-image0.png',
			prompt: 'a cat',
			itemIndex: 0,
			billedImages: 1,
			costUsd: 0.04,
		});
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].binary?.data?.mimeType).toBe('image/png');
		await expectBytes(result, items[0], image);
		expect(apiScope.isDone()).toBe(true);
		if (cdnScope) expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('a response mixing every shape gives one item per entry in API order, downloading only the links', async () => {
		const images = Array.from({ length: 7 }, (_, index) =>
			png(20 + index, 10 + index, `mix-${index}`),
		);
		const apiScope = api()
			.post(API_PATH)
			.reply(200, {
				images: [
					url('/mix/0.png'),
					dataUri(images[1]),
					images[2].toString('base64'),
					{ url: url('/mix/3.png') },
					{ image_url: url('/mix/4.png') },
					{ image_url: { url: url('/mix/5.png') } },
					{ b64_json: images[6].toString('base64') },
				],
			});
		// Exactly one download per link; the inline entries have no interceptor, so any request
		// for them would be an unmatched request.
		const cdnScope = cdn()
			.get('/mix/0.png')
			.reply(200, images[0])
			.get('/mix/3.png')
			.reply(200, images[3])
			.get('/mix/4.png')
			.reply(200, images[4])
			.get('/mix/5.png')
			.reply(200, images[5]);

		const result = await runSeedream({ parameters: { prompt: 'a mix' } });

		const items = outputOf(result);
		expect(items).toHaveLength(7);
		expect(jsonOf(items).map((json) => json.index)).toEqual([0, 1, 2, 3, 4, 5, 6]);
		expect(jsonOf(items).map((json) => json.count)).toEqual([7, 7, 7, 7, 7, 7, 7]);
		expect(jsonOf(items).map((json) => json.url)).toEqual([
			url('/mix/0.png'),
			undefined,
			undefined,
			url('/mix/3.png'),
			url('/mix/4.png'),
			url('/mix/5.png'),
			undefined,
		]);
		expect(jsonOf(items).map((json) => json.size)).toEqual(
			images.map((_, index) => `${20 + index}x${10 + index}`),
		);
		expect(jsonOf(items).map((json) => json.fileName)).toEqual(
			images.map((_, index) => `seedream-item0-image${index}.png`),
		);
		for (const [index, item] of items.entries()) {
			expect(item.pairedItem).toEqual({ item: 0 });
			await expectBytes(result, item, images[index]);
		}
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('inline images are stored without any download request', async () => {
		const first = png(16, 16, 'inline-1');
		const second = png(18, 12, 'inline-2');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(first), { b64_json: second.toString('base64') }] });

		const result = await runSeedream({ parameters: { prompt: 'inline' } });

		const items = outputOf(result);
		expect(items).toHaveLength(2);
		await expectBytes(result, items[0], first);
		await expectBytes(result, items[1], second);
		expect(items.map((item) => item.json.url)).toEqual([undefined, undefined]);
		expect(apiScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});
});

describe('authorization', () => {
	test('the API request carries the Bearer key and the result download carries no Authorization header', async () => {
		const image = png(32, 32, 'auth');
		const apiHeaders: Array<Record<string, unknown>> = [];
		const cdnHeaders: Array<Record<string, unknown>> = [];
		const apiScope = api()
			.post(API_PATH)
			.reply(function () {
				apiHeaders.push({ ...this.req.headers });
				return [200, { images: [url('/auth/a.png')] }];
			});
		const cdnScope = cdn()
			.get('/auth/a.png')
			.reply(function () {
				cdnHeaders.push({ ...this.req.headers });
				return [200, image];
			});

		const result = await runSeedream({ parameters: { prompt: 'a key' } });

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		await expectBytes(result, items[0], image);
		expect(apiHeaders).toHaveLength(1);
		expect(apiHeaders[0].authorization).toBe(AUTHORIZATION);
		expect(cdnHeaders).toHaveLength(1);
		expect(Object.keys(cdnHeaders[0]).map((name) => name.toLowerCase())).not.toContain(
			'authorization',
		);
		expect(JSON.stringify(cdnHeaders[0])).not.toContain('sk-test-secret-key');
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});
});

describe('output items', () => {
	test('items are grouped by input item in input order even when a later item finishes first', async () => {
		const images = {
			first: [png(20, 20, 'first-0'), png(21, 21, 'first-1')],
			second: [png(22, 22, 'second-0'), png(23, 23, 'second-1')],
		};
		const downloadOrder: string[] = [];
		const bodies = (prompt: string) => (body: IDataObject) => body.prompt === prompt;
		const apiScope = api()
			.post(API_PATH, bodies('first'))
			.delay(300)
			.reply(200, { images: [url('/order/first-0.png'), url('/order/first-1.png')] })
			.post(API_PATH, bodies('second'))
			.reply(200, { images: [url('/order/second-0.png'), url('/order/second-1.png')] });
		const cdnScope = cdn();
		for (const prompt of ['first', 'second'] as const) {
			images[prompt].forEach((image, index) => {
				cdnScope.get(`/order/${prompt}-${index}.png`).reply(() => {
					downloadOrder.push(`${prompt}-${index}`);
					return [200, image];
				});
			});
		}

		const result = await runSeedream({
			parameters: { prompt: '={{ $json.prompt }}', options: { concurrency: 4 } },
			items: [{ json: { prompt: 'first' } }, { json: { prompt: 'second' } }],
		});

		const items = outputOf(result);
		// The second item's request really did complete first...
		expect(downloadOrder.slice(0, 2).sort()).toEqual(['second-0', 'second-1']);
		// ...and the output is still in input order, then API order.
		expect(items).toHaveLength(4);
		expect(items.map((item) => item.pairedItem)).toEqual([
			{ item: 0 },
			{ item: 0 },
			{ item: 1 },
			{ item: 1 },
		]);
		expect(
			jsonOf(items).map((json) => [json.itemIndex, json.index, json.count, json.prompt]),
		).toEqual([
			[0, 0, 2, 'first'],
			[0, 1, 2, 'first'],
			[1, 0, 2, 'second'],
			[1, 1, 2, 'second'],
		]);
		expect(jsonOf(items).map((json) => json.fileName)).toEqual([
			'seedream-item0-image0.png',
			'seedream-item0-image1.png',
			'seedream-item1-image0.png',
			'seedream-item1-image1.png',
		]);
		expect(jsonOf(items).map((json) => json.url)).toEqual([
			url('/order/first-0.png'),
			url('/order/first-1.png'),
			url('/order/second-0.png'),
			url('/order/second-1.png'),
		]);
		await expectBytes(result, items[0], images.first[0]);
		await expectBytes(result, items[1], images.first[1]);
		await expectBytes(result, items[2], images.second[0]);
		await expectBytes(result, items[3], images.second[1]);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('the mime type and extension come from the bytes, not from the URL or the Content-Type', async () => {
		const photo = jpeg(32, 24);
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/sniff/photo.png')] });
		const cdnScope = cdn()
			.get('/sniff/photo.png')
			.reply(200, photo, { 'Content-Type': 'image/png' });

		const result = await runSeedream({ parameters: { prompt: 'a photo' } });

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].json.mimeType).toBe('image/jpeg');
		expect(items[0].json.fileName).toBe('seedream-item0-image0.jpg');
		expect(items[0].json.size).toBe('32x24');
		expect(items[0].json.width).toBe(32);
		expect(items[0].json.height).toBe(24);
		const binary = items[0].binary!.data;
		expect(binary.mimeType).toBe('image/jpeg');
		expect(binary.fileName).toBe('seedream-item0-image0.jpg');
		expect(binary.fileExtension).toBe('jpg');
		expect(binary.fileType).toBe('image');
		await expectBytes(result, items[0], photo);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('each item carries exactly the documented json fields, with the size of the real image', async () => {
		const image = png(64, 48, 'fields');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/fields/a.png')] });
		const cdnScope = cdn().get('/fields/a.png').reply(200, image, { 'Content-Type': 'image/png' });

		const result = await runSeedream({
			parameters: { prompt: 'a cat', size: 'custom', width: 2048, height: 2048 },
		});

		const items = outputOf(result);
		expect(items).toEqual([
			{
				json: {
					index: 0,
					count: 1,
					url: url('/fields/a.png'),
					size: '64x48',
					width: 64,
					height: 48,
					mimeType: 'image/png',
					fileName: 'seedream-item0-image0.png',
					prompt: 'a cat',
					itemIndex: 0,
					billedImages: 1,
					costUsd: 0.04,
				},
				binary: {
					data: expect.objectContaining({
						mimeType: 'image/png',
						fileName: 'seedream-item0-image0.png',
					}),
				},
				pairedItem: { item: 0 },
			},
		]);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('usage is copied to every item when the API reports it', async () => {
		const usage = { generated_images: 2, output_tokens: 32768, total_tokens: 32768 };
		const apiScope = api()
			.post(API_PATH)
			.reply(200, {
				images: [dataUri(png(16, 16, 'u-0')), dataUri(png(16, 16, 'u-1'))],
				usage,
			});

		const result = await runSeedream({ parameters: { prompt: 'usage' } });

		const items = outputOf(result);
		expect(items).toHaveLength(2);
		expect(items[0].json.usage).toEqual(usage);
		expect(items[1].json.usage).toEqual(usage);
		expect(apiScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('usage is absent when the API does not report it', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(16, 16, 'no-usage'))] });

		const result = await runSeedream({ parameters: { prompt: 'no usage' } });

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].json).not.toHaveProperty('usage');
		expect(apiScope.isDone()).toBe(true);
	});
});

describe('binary modes', () => {
	test.each(['filesystem', 'default'] as const)(
		'in %s mode the bytes read back equal what the CDN and the API served',
		async (binaryMode) => {
			const small = png(30, 20, `mode-${binaryMode}`);
			// Larger than the 256 KB the node sniffs first, so the rest is streamed.
			const large = largePng(700 * 1024);
			const inline = png(12, 14, `inline-${binaryMode}`);
			const apiScope = api()
				.post(API_PATH)
				.reply(200, { images: [url('/mode/small.png'), url('/mode/large.png'), dataUri(inline)] });
			const cdnScope = cdn()
				.get('/mode/small.png')
				.reply(200, small, { 'Content-Type': 'image/png' })
				.get('/mode/large.png')
				.reply(200, large, { 'Content-Type': 'image/png' });

			const result = await runSeedream({ parameters: { prompt: 'modes' }, binaryMode });

			const items = outputOf(result);
			expect(items).toHaveLength(3);
			await expectBytes(result, items[0], small);
			await expectBytes(result, items[1], large);
			await expectBytes(result, items[2], inline);
			expect(items[1].json.size).toBe('64x64');
			if (binaryMode === 'filesystem') {
				expect(items[0].binary!.data.id).toMatch(/^filesystem/);
			} else {
				expect(items[0].binary!.data.id).toBeUndefined();
				expect(Buffer.from(items[0].binary!.data.data, 'base64').equals(small)).toBe(true);
			}
			expect(apiScope.isDone()).toBe(true);
			expect(cdnScope.isDone()).toBe(true);
			expectAllRequestsServed();
		},
	);
});

describe('options', () => {
	test('binaryPropertyOutput names the binary property of each image', async () => {
		const image = png(16, 16, 'property');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/opt/property.png')] });
		const cdnScope = cdn().get('/opt/property.png').reply(200, image);

		const result = await runSeedream({
			parameters: { prompt: 'property', options: { binaryPropertyOutput: 'picture' } },
		});

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(Object.keys(items[0].binary ?? {})).toEqual(['picture']);
		await expectBytes(result, items[0], image, 'picture');
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
	});

	test('fileName with one image gives name.<real extension>', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(16, 16, 'name'))] });

		const result = await runSeedream({
			parameters: { prompt: 'name', options: { fileName: 'banner' } },
		});

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].json.fileName).toBe('banner.png');
		expect(items[0].binary!.data.fileName).toBe('banner.png');
		expect(apiScope.isDone()).toBe(true);
	});

	test('fileName with several images numbers them name-1, name-2', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(16, 16, 'n-1')), dataUri(png(16, 16, 'n-2'))] });

		const result = await runSeedream({
			parameters: { prompt: 'names', options: { fileName: 'banner' } },
		});

		const items = outputOf(result);
		expect(items.map((item) => item.json.fileName)).toEqual(['banner-1.png', 'banner-2.png']);
		expect(items.map((item) => item.binary!.data.fileName)).toEqual([
			'banner-1.png',
			'banner-2.png',
		]);
		expect(apiScope.isDone()).toBe(true);
	});

	test('an extension given in fileName is replaced by the real one', async () => {
		const photo = jpeg(40, 20);
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(16, 16, 'ext')), url('/opt/photo.png')] });
		const cdnScope = cdn().get('/opt/photo.png').reply(200, photo);

		const result = await runSeedream({
			parameters: { prompt: 'ext', options: { fileName: 'banner.jpg' } },
		});

		const items = outputOf(result);
		expect(items.map((item) => item.json.fileName)).toEqual(['banner-1.png', 'banner-2.jpg']);
		expect(items.map((item) => item.binary!.data.mimeType)).toEqual(['image/png', 'image/jpeg']);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
	});

	test('includeInputJson copies the input fields first and lets the node fields win', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(16, 16, 'input'))] });

		const result = await runSeedream({
			parameters: { prompt: 'from the node', options: { includeInputJson: true } },
			items: [{ json: { sku: 'A-1', index: 42, prompt: 'from the input', color: 'red' } }],
		});

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		const json = items[0].json;
		expect(Object.keys(json).slice(0, 4)).toEqual(['sku', 'index', 'prompt', 'color']);
		expect(json.sku).toBe('A-1');
		expect(json.color).toBe('red');
		expect(json.index).toBe(0);
		expect(json.prompt).toBe('from the node');
		expect(json.itemIndex).toBe(0);
		expect(json.count).toBe(1);
		expect(apiScope.isDone()).toBe(true);
	});

	test('without includeInputJson no input field is copied', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(16, 16, 'no-input'))] });

		const result = await runSeedream({
			parameters: { prompt: 'p' },
			items: [{ json: { sku: 'A-1' } }],
		});

		const items = outputOf(result);
		expect(items[0].json).not.toHaveProperty('sku');
		expect(apiScope.isDone()).toBe(true);
	});

	test('downloadImages false emits the links and metadata with no binary and no download request', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/nodl/a.png'), { url: url('/nodl/b.png') }] });
		// A download interceptor that must stay unused.
		const cdnScope = cdn()
			.get(/\/nodl\/.*/)
			.reply(200, png(16, 16, 'never'));

		const result = await runSeedream({
			parameters: { prompt: 'links only', options: { downloadImages: false } },
		});

		const items = outputOf(result);
		expect(items).toEqual([
			{
				json: { index: 0, count: 2, url: url('/nodl/a.png'), prompt: 'links only', itemIndex: 0, billedImages: 2, costUsd: 0.08 },
				pairedItem: { item: 0 },
			},
			{
				json: { index: 1, count: 2, url: url('/nodl/b.png'), prompt: 'links only', itemIndex: 0, billedImages: 2, costUsd: 0.08 },
				pairedItem: { item: 0 },
			},
		]);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(false);
		expect(nock.pendingMocks()).toHaveLength(1);
	});

	test('downloadImages false with an inline image gives a note and no binary', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [dataUri(png(24, 16, 'inline-note'))] });

		const result = await runSeedream({
			parameters: { prompt: 'inline', options: { downloadImages: false } },
		});

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json).not.toHaveProperty('url');
		expect(items[0].json.note).toEqual(expect.stringContaining('Download Images'));
		expect(items[0].json.index).toBe(0);
		expect(items[0].json.size).toBe('24x16');
		expect(items[0].json.mimeType).toBe('image/png');
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(apiScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});
});

describe('images that failed in the API', () => {
	const sensitive = {
		code: 'OutputImageSensitiveContentDetected',
		message: 'The generated image may contain sensitive content',
	};

	test('a partial failure emits the other images, keeps their index and lists the failed one', async () => {
		const image1 = png(16, 16, 'partial-1');
		const image3 = png(16, 16, 'partial-3');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/partial/1.png'), { error: sensitive }, url('/partial/3.png')] });
		const cdnScope = cdn()
			.get('/partial/1.png')
			.reply(200, image1)
			.get('/partial/3.png')
			.reply(200, image3);

		const result = await runSeedream({ parameters: { prompt: 'partial' } });

		const items = outputOf(result);
		expect(items).toHaveLength(2);
		expect(jsonOf(items).map((json) => json.index)).toEqual([0, 2]);
		expect(jsonOf(items).map((json) => json.count)).toEqual([3, 3]);
		expect(jsonOf(items).map((json) => json.url)).toEqual([
			url('/partial/1.png'),
			url('/partial/3.png'),
		]);
		expect(jsonOf(items).map((json) => json.fileName)).toEqual([
			'seedream-item0-image0.png',
			'seedream-item0-image2.png',
		]);
		for (const item of items) {
			expect(item.json.failedImages).toEqual([{ index: 1, ...sensitive }]);
			expect(item.pairedItem).toEqual({ item: 0 });
		}
		await expectBytes(result, items[0], image1);
		await expectBytes(result, items[1], image3);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('when every entry failed the node fails with the API message', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [{ error: sensitive }, { error: sensitive }] });

		const result = await runSeedream({ parameters: { prompt: 'all failed' } });

		expect(result.items).toBeUndefined();
		expect(result.error).toBeDefined();
		expect(result.error!.name).toBe('NodeApiError');
		expect(result.error!.message).toContain(sensitive.message);
		expect(result.error!.description).toEqual(expect.stringMatching(/rephrase/i));
		expect(apiScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('when every entry failed, continueOnFail gives one error item paired to the input', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [{ error: sensitive }] });

		const result = await runSeedream({
			parameters: { prompt: 'all failed' },
			continueOnFail: true,
		});

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].pairedItem).toEqual({ item: 0 });
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.error).toEqual(expect.stringContaining(sensitive.message));
		expect(apiScope.isDone()).toBe(true);
	});

	test('an empty images array fails the node with a clear message', async () => {
		const apiScope = api().post(API_PATH).reply(200, { images: [] });

		const result = await runSeedream({ parameters: { prompt: 'nothing' } });

		expect(result.items).toBeUndefined();
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toBe('Seedream returned no images for this request');
		expect(result.error?.description).toEqual(expect.stringContaining('without images'));
		expect(apiScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('an empty images array with continueOnFail gives an error item paired to the input', async () => {
		const apiScope = api().post(API_PATH).times(2).reply(200, { images: [] });

		const result = await runSeedream({
			parameters: { prompt: 'nothing' },
			items: [{ json: {} }, { json: {} }],
			continueOnFail: true,
		});

		const items = outputOf(result);
		expect(items).toHaveLength(2);
		expect(items.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		for (const item of items) {
			expect(item.json.error).toBe('Seedream returned no images for this request');
			expect(item.binary).toBeUndefined();
		}
		expect(apiScope.isDone()).toBe(true);
	});
});

describe('downloads that fail', () => {
	const expired =
		'<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>';

	test('an expired link (403) marks that image with downloadError and the other image is still emitted', async () => {
		const good = png(16, 16, 'good');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/dl/good.png'), url('/dl/expired.png')] });
		const cdnScope = cdn()
			.get('/dl/good.png')
			.reply(200, good)
			.get('/dl/expired.png')
			.reply(403, expired, { 'Content-Type': 'application/xml' });
		// A 403 is not retried: this second answer must stay unused.
		const retryScope = cdn()
			.get('/dl/expired.png')
			.reply(200, png(16, 16, 'late'));

		const result = await runSeedream({ parameters: { prompt: 'expired' } });

		const items = outputOf(result);
		expect(items).toHaveLength(2);
		await expectBytes(result, items[0], good);
		expect(items[0].json).not.toHaveProperty('downloadError');
		expect(items[1].binary).toBeUndefined();
		expect(items[1].json.url).toBe(url('/dl/expired.png'));
		expect(items[1].json.index).toBe(1);
		expect(items[1].json.count).toBe(2);
		expect(items[1].json.downloadError).toEqual(expect.stringMatching(/expired/i));
		expect(items[1].json).not.toHaveProperty('fileName');
		expect(items[1].pairedItem).toEqual({ item: 0 });
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expect(retryScope.isDone()).toBe(false);
		expect(unmatchedRequests()).toEqual([]);
	});

	test('when every download fails the node fails and its description gives the links', async () => {
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/dl/a.png'), url('/dl/b.png')] });
		const cdnScope = cdn()
			.get('/dl/a.png')
			.reply(403, expired)
			.get('/dl/b.png')
			.reply(403, expired);

		const result = await runSeedream({ parameters: { prompt: 'expired' } });

		expect(result.items).toBeUndefined();
		expect(result.error?.name).toBe('NodeApiError');
		expect(result.error?.message).toEqual(expect.stringContaining('none could be downloaded'));
		expect(result.error?.description).toEqual(expect.stringContaining(url('/dl/a.png')));
		expect(result.error?.description).toEqual(expect.stringContaining(url('/dl/b.png')));
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('a download answering 500 once is retried and succeeds', async () => {
		const image = png(16, 16, 'retry');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/dl/flaky.png')] });
		const cdnScope = cdn()
			.get('/dl/flaky.png')
			.reply(500, 'upstream error')
			.get('/dl/flaky.png')
			.reply(200, image);

		const result = await runSeedream({
			parameters: { prompt: 'flaky', options: { maxRetries: 2 } },
		});

		const items = outputOf(result);
		expect(items).toHaveLength(1);
		expect(items[0].json).not.toHaveProperty('downloadError');
		await expectBytes(result, items[0], image);
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});

	test('a download whose body is HTML, not an image, gets a downloadError', async () => {
		const good = png(16, 16, 'good-html');
		const apiScope = api()
			.post(API_PATH)
			.reply(200, { images: [url('/dl/page.png'), url('/dl/good.png')] });
		const cdnScope = cdn()
			.get('/dl/page.png')
			.reply(200, '<!DOCTYPE html><html><body>Sign in</body></html>', {
				'Content-Type': 'text/html',
			})
			.get('/dl/good.png')
			.reply(200, good);

		const result = await runSeedream({ parameters: { prompt: 'html' } });

		const items = outputOf(result);
		expect(items).toHaveLength(2);
		expect(items[0].binary).toBeUndefined();
		expect(items[0].json.url).toBe(url('/dl/page.png'));
		expect(items[0].json.downloadError).toEqual(expect.stringContaining('not an image'));
		expect(items[0].json).not.toHaveProperty('mimeType');
		await expectBytes(result, items[1], good);
		expect(items[1].json).not.toHaveProperty('downloadError');
		expect(apiScope.isDone()).toBe(true);
		expect(cdnScope.isDone()).toBe(true);
		expectAllRequestsServed();
	});
});
