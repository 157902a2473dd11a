/**
 * Seedream 3.0 text-to-image through n8n-core's engine with the API mocked: its own body (model
 * version, seed, guidance scale, response format, sizes by aspect ratio or width and height),
 * its own answer shape, and what it does not take refused before any request. The route and
 * version expected here are written in apiContract.ts from HighwayAPI's page.
 */
import nock from 'nock';

import { captureApi, API_HOST } from '../../support/api';
import { TXT2IMG_ROUTE } from '../../support/apiContract';
import { runSeedream } from '../../support/engine';
import { png } from '../../support/images';
import { unmatchedRequests } from '../../support/nockLifecycle';

const model = 'seedream-3-0-txt2img';

async function bodyFor(parameters: Record<string, unknown> = {}) {
	const api = captureApi({ path: TXT2IMG_ROUTE.path });
	const result = await runSeedream({ parameters: { model, prompt: 'a red kite', ...parameters } });
	expect(result.error).toBeUndefined();
	expect(api.requests).toHaveLength(1);
	return { body: api.requests[0].body, items: result.items! };
}

/**
 * No interceptor: a request would be unmatched, and nockLifecycle fails the test for it. The
 * model comes from an expression: that is how a value of a parameter hidden for 3.0 reaches the
 * node (n8n cannot hide by an expression's value; a saved workflow's hidden values it drops).
 */
async function refused(parameters: Record<string, unknown>, operation?: string) {
	const result = await runSeedream({
		parameters: {
			model: `={{ "${model}" }}`,
			prompt: 'x',
			size: 'aspectRatio',
			...(operation ? { operation } : {}),
			...parameters,
		},
		items: [{ json: {}, binary: { data: { bytes: png(64, 64), mimeType: 'image/png' } } }],
	});
	expect(unmatchedRequests()).toEqual([]);
	expect(result.error?.name).toBe('NodeOperationError');
	return result.error!.message;
}

describe('Seedream 3.0: the body', () => {
	test('defaults: its model version, 1024x1024, a random seed, guidance 2.5, links; no family fields', async () => {
		const { body, items } = await bodyFor();
		expect(body).toEqual({
			prompt: 'a red kite',
			model: TXT2IMG_ROUTE.model,
			size: '1024x1024',
			watermark: true,
			seed: -1,
			guidance_scale: 2.5,
			response_format: 'url',
		});
		expect(items[0].json).toMatchObject({ seed: -1, size: '16x16' });
	});

	test.each([
		['1:1', '1024x1024'],
		['4:3', '1152x864'],
		['3:4', '864x1152'],
		['16:9', '1280x720'],
		['9:16', '720x1280'],
		['3:2', '1248x832'],
		['2:3', '832x1248'],
		['21:9', '1512x648'],
	])('aspect ratio %s sends the recommended %s (no Resolution)', async (aspectRatio, size) => {
		const { body } = await bodyFor({ size: 'aspectRatio', aspectRatio, resolution: '4K' });
		expect(body.size).toBe(size);
	});

	test.each([
		[512, 512],
		[2048, 2048],
		[512, 2048],
		[1000, 700],
	])('custom %i x %i is sent as WxH', async (width, height) => {
		const { body } = await bodyFor({ size: 'custom', width, height });
		expect(body.size).toBe(`${width}x${height}`);
	});

	test('a fixed seed and a guidance scale are sent, and the item carries the seed', async () => {
		const { body, items } = await bodyFor({
			seed: 2147483647,
			guidanceScale: 7.5,
			watermark: false,
		});
		expect(body).toMatchObject({ seed: 2147483647, guidance_scale: 7.5, watermark: false });
		expect(items[0].json.seed).toBe(2147483647);
		const again = await bodyFor({ seed: '42', guidanceScale: '1' });
		expect(again.body).toMatchObject({ seed: 42, guidance_scale: 1 });
		expect((await bodyFor({ seed: '' })).body.seed).toBe(-1);
	});

	test('the family models take no seed or guidance, even when a saved workflow holds them', async () => {
		const api = captureApi();
		const result = await runSeedream({ parameters: { prompt: 'x', seed: 5, guidanceScale: 3 } });
		expect(result.error).toBeUndefined();
		expect(Object.keys(api.requests[0].body)).toEqual([
			'prompt',
			'size',
			'watermark',
			'sequential_image_generation',
		]);
	});
});

describe('Seedream 3.0: the answer', () => {
	const link = 'https://files.example.com/abc.jpeg?X-Expires=9999999999999';

	test.each([
		['links in image_urls, base64 empty', { image_urls: [link], binary_data_base64: [] }, 'url'],
		['links in image_urls, no base64 field', { image_urls: [link] }, 'url'],
		[
			'base64 in binary_data_base64, no links',
			{ image_urls: [], binary_data_base64: [png(24, 24).toString('base64')] },
			'inline',
		],
	])('%s', async (_name, answer, kind) => {
		nock(API_HOST).post(TXT2IMG_ROUTE.path).reply(200, answer);
		const result = await runSeedream({
			parameters: { model, prompt: 'x', seed: 9, options: { downloadImages: false } },
		});
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const json = result.items![0].json;
		expect(json).toMatchObject({ index: 0, count: 1, seed: 9, billedImages: 1, costUsd: 0.03 });
		if (kind === 'url') expect(json.url).toBe(link);
		else expect(json).toMatchObject({ width: 24, height: 24, mimeType: 'image/png' });
	});

	test('an answer with neither array is an unexpected shape, naming the fields found', async () => {
		nock(API_HOST).post(TXT2IMG_ROUTE.path).reply(200, { task_id: 't1' });
		const result = await runSeedream({ parameters: { model, prompt: 'x' } });
		expect(result.error?.message).toBe(
			'Seedream answered in an unexpected shape: Expected a JSON object with an "images" (or "image_urls") array, found the fields: task_id',
		);
	});
});

describe('Seedream 3.0: refused before any request, quoting what was found', () => {
	test.each([
		[
			{ referenceImages: 'binary' },
			'Seedream 3.0 takes no reference images: expected Reference Images None, found "binary"',
		],
		[
			{ referenceImages: 'url', imageUrls: 'https://a.example/1.png' },
			'Seedream 3.0 takes no reference images: expected Reference Images None, found "url"',
		],
		[
			{ sequentialImageGeneration: 'auto' },
			'Seedream 3.0 does not make image sets: expected Image Set disabled, found "auto"',
		],
		[
			{ options: { promptOptimizationMode: 'standard' } },
			'Seedream 3.0 does not offer prompt optimization: expected none, found "standard"',
		],
		[
			{ size: '2K' },
			'Seedream 3.0 has no size presets: expected aspectRatio or custom, found "2K"',
		],
		[{ size: 'matchInput' }, 'Unknown size: expected aspectRatio or custom, found "matchInput"'],
		[
			{ size: 'custom', width: 511, height: 1024 },
			'Size 511x1024 is out of range; Seedream 3.0 accepts 512 to 2048 pixels a side (for example 1024x1024)',
		],
		[
			{ size: 'custom', width: 1024, height: 2049 },
			'Size 1024x2049 is out of range; Seedream 3.0 accepts 512 to 2048 pixels a side (for example 1024x1024)',
		],
		[
			{ seed: -2 },
			'Seed must be a whole number from -1 to 2147483647 for Seedream 3.0 (-1 = random), found -2',
		],
		[
			{ seed: 2147483648 },
			'Seed must be a whole number from -1 to 2147483647 for Seedream 3.0 (-1 = random), found 2147483648',
		],
		[
			{ seed: '={{ "abc" }}' },
			'Seed must be a whole number from -1 to 2147483647 for Seedream 3.0 (-1 = random), found "abc"',
		],
		[
			{ seed: 1.5 },
			'Seed must be a whole number from -1 to 2147483647 for Seedream 3.0 (-1 = random), found 1.5',
		],
		[
			{ guidanceScale: 0.5 },
			'Guidance Scale must be a number from 1 to 10 for Seedream 3.0, found 0.5',
		],
		[
			{ guidanceScale: '={{ "strict" }}' },
			'Guidance Scale must be a number from 1 to 10 for Seedream 3.0, found "strict"',
		],
		[
			{ guidanceScale: 10.5 },
			'Guidance Scale must be a number from 1 to 10 for Seedream 3.0, found 10.5',
		],
	])('%j', async (parameters, message) => {
		expect(await refused(parameters)).toBe(message);
	});

	test("a saved workflow's values of parameters hidden for 3.0 never reach it: n8n drops them on load", async () => {
		const { body } = await bodyFor({
			referenceImages: 'binary',
			sequentialImageGeneration: 'auto',
			maxImages: 4,
			options: { promptOptimizationMode: 'standard' },
		});
		expect(Object.keys(body)).toEqual([
			'prompt',
			'model',
			'size',
			'watermark',
			'seed',
			'guidance_scale',
			'response_format',
		]);
	});

	test('Edit Image with 3.0 (by expression) is refused: it cannot take the image to edit', async () => {
		expect(await refused({ referenceImages: 'binary' }, 'edit')).toBe(
			'Seedream 3.0 cannot edit images: it takes no reference images, found "binary" under Image Source',
		);
	});
});
