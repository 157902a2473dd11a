/**
 * The Seedream family: each model's route, body shape, presets and limits, through n8n-core's
 * engine with the API mocked. The routes and reference fields expected here are written in
 * apiContract.ts from HighwayAPI's pages, not read from the node's table.
 */
import { MODELS, RESOLUTIONS, resolutionsOf } from '../../../nodes/Seedream/helpers/models';
import { captureApi } from '../../support/api';
import { FAMILY_MODELS, MODEL_ROUTES, type FamilyModel } from '../../support/apiContract';
import { runSeedream } from '../../support/engine';
import { unmatchedRequests } from '../../support/nockLifecycle';
import { jpeg, png, webp } from '../../support/images';

/** The 4.5/5.0 family, one body shape; Seedream 3.0 has its own (seedream30.test.ts). */
type ModelId = FamilyModel;
const MODEL_IDS = FAMILY_MODELS;

async function bodyFor(model: ModelId | undefined, parameters: Record<string, unknown> = {}) {
	const api = captureApi({ path: MODEL_ROUTES[model ?? 'seedream-4.5'].path });
	const result = await runSeedream({
		parameters: { ...(model ? { model } : {}), prompt: 'a red kite', ...parameters },
	});
	expect(result.error).toBeUndefined();
	expect(api.requests).toHaveLength(1);
	return api.requests[0].body;
}

/** No interceptor: a request would be unmatched, and nockLifecycle fails the test for it. */
async function rejected(model: ModelId, parameters: Record<string, unknown>, items?: Parameters<typeof runSeedream>[0]['items']) {
	const result = await runSeedream({ parameters: { model, prompt: 'x', ...parameters }, items });
	expect(unmatchedRequests()).toEqual([]);
	expect(result.error?.name).toBe('NodeOperationError');
	return result.error as Error;
}

describe('the model parameter', () => {
	test('a workflow saved before models existed (no model parameter) calls Seedream 4.5 with the same body', async () => {
		expect(await bodyFor(undefined)).toEqual({
			prompt: 'a red kite',
			size: '2K',
			watermark: true,
			sequential_image_generation: 'disabled',
		});
	});

	test.each(MODEL_IDS)('%s: defaults are sent to its own route with the same body', async (model) => {
		expect(await bodyFor(model)).toEqual({
			prompt: 'a red kite',
			size: '2K',
			watermark: true,
			sequential_image_generation: 'disabled',
		});
	});

	test.each(MODEL_IDS)('%s: URL references go in the model\'s own field', async (model) => {
		const body = await bodyFor(model, { referenceImages: 'url', imageUrls: 'https://example.com/a.png' });
		const field = MODEL_ROUTES[model].referenceField;
		expect(body[field]).toEqual(['https://example.com/a.png']);
		expect(Object.keys(body)).not.toContain(field === 'image' ? 'images' : 'image');
	});

	test('Seedream 4.0 takes binary references in "images", as data URIs', async () => {
		const api = captureApi({ path: MODEL_ROUTES['seedream-4.0'].path });
		const result = await runSeedream({
			parameters: { model: 'seedream-4.0', prompt: 'x', referenceImages: 'binary' },
			items: [{ binary: { data: { bytes: png(64, 64), mimeType: 'image/png' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(String((api.requests[0].body.images as string[])[0])).toMatch(/^data:image\/png;base64,/);
	});

	test('an unknown model is refused before any request', async () => {
		const error = await rejected('seedream-4.5', { model: 'seedream-9' });
		expect(error.message).toBe(
			'Unknown model: expected one of seedream-4.5, seedream-5.0-lite, seedream-4.0, seedream-3-0-txt2img, other, found "seedream-9"',
		);
	});
});

describe('presets follow the model', () => {
	const named = MODEL_IDS.flatMap((model) => resolutionsOf(MODELS[model]).map((resolution) => [model, resolution]));
	test.each(named)('%s: %s is sent as is', async (model, resolution) => {
		expect((await bodyFor(model as ModelId, { size: resolution })).size).toBe(resolution);
	});

	const missing = MODEL_IDS.flatMap((model) =>
		RESOLUTIONS.filter((resolution) => !resolutionsOf(MODELS[model]).includes(resolution)).map((resolution) => [model, resolution]),
	);
	test.each(missing)('%s: %s is refused, naming the model and its presets', async (model, resolution) => {
		const rules = MODELS[model as ModelId];
		const error = await rejected(model as ModelId, { size: resolution });
		expect(error.message).toBe(`${rules.name} has no such preset: expected one of ${resolutionsOf(rules).join(', ')}, found "${resolution}"`);
	});

	test('a 4K aspect-ratio preset on 5.0 Lite is refused too', async () => {
		const error = await rejected('seedream-5.0-lite', { size: 'aspectRatio', aspectRatio: '16:9', resolution: '4K' });
		expect(error.message).toBe('Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "4K"');
	});

	const aspect = MODEL_IDS.flatMap((model) =>
		Object.entries(MODELS[model].presets).flatMap(([resolution, table]) =>
			Object.entries(table).map(([ratio, size]) => [model, ratio, resolution, size]),
		),
	);
	test.each(aspect)('%s: %s at %s is sent as %s', async (model, aspectRatio, resolution, size) => {
		expect((await bodyFor(model as ModelId, { size: 'aspectRatio', aspectRatio, resolution })).size).toBe(size);
	});

	test.each(aspect)('%s: the preset %s at %s (%s) lies inside the model\'s own limits', (model, _ratio, _resolution, size) => {
		const rules = MODELS[model as ModelId];
		const [width, height] = String(size).split('x').map(Number);
		expect(width * height).toBeGreaterThanOrEqual(rules.pixels[0]);
		expect(width * height).toBeLessThanOrEqual(rules.pixels[1]);
		expect(width / height).toBeGreaterThanOrEqual(rules.sizeRatio[0]);
		expect(width / height).toBeLessThanOrEqual(rules.sizeRatio[1]);
	});
});

describe('each model\'s limits, checked before any paid request', () => {
	const edges = MODEL_IDS.flatMap((model) => {
		const [min, max] = MODELS[model].pixels;
		const side = (pixels: number) => Math.ceil(Math.sqrt(pixels));
		return [
			[model, side(min), side(min), true],
			[model, Math.floor(Math.sqrt(min)) - 1, Math.floor(Math.sqrt(min)) - 1, false],
			[model, Math.floor(Math.sqrt(max)), Math.floor(Math.sqrt(max)), true],
			[model, side(max) + 1, side(max), false],
		];
	});
	test.each(edges)('%s: custom %i x %i accepted: %s', async (model, width, height, accepted) => {
		const rules = MODELS[model as ModelId];
		if (accepted) {
			expect((await bodyFor(model as ModelId, { size: 'custom', width, height })).size).toBe(`${width}x${height}`);
			return;
		}
		const error = await rejected(model as ModelId, { size: 'custom', width, height });
		expect(error.message).toContain(`${rules.name} accepts ${rules.pixels[0].toLocaleString('en-US')} to ${rules.pixels[1].toLocaleString('en-US')}`);
	});

	test('a size over 5.0 Lite\'s pixel maximum (4096x4096) is refused, though 4.5 takes it', async () => {
		const error = await rejected('seedream-5.0-lite', { size: 'custom', width: 4096, height: 4096 });
		expect(error.message).toBe(
			'Size 4096x4096 has 16,777,216 pixels; Seedream 5.0 Lite accepts 3,686,400 to 10,404,496 (for example 2048x2048)',
		);
		expect((await bodyFor('seedream-4.5', { size: 'custom', width: 4096, height: 4096 })).size).toBe('4096x4096');
	});

	test('Seedream 4.0 takes 1280x820 (1,049,600 pixels), which 4.5 refuses', async () => {
		expect((await bodyFor('seedream-4.0', { size: 'custom', width: 1280, height: 820 })).size).toBe('1280x820');
		await rejected('seedream-4.5', { size: 'custom', width: 1280, height: 820 });
	});

	test.each(MODEL_IDS)('%s: its maximum of references is accepted, one more is refused', async (model) => {
		const rules = MODELS[model];
		const urls = (count: number) => Array.from({ length: count }, (_, i) => `https://example.com/${i}.png`).join('\n');
		const body = await bodyFor(model, { referenceImages: 'url', imageUrls: urls(rules.maxReferences) });
		expect(body[MODEL_ROUTES[model].referenceField]).toHaveLength(rules.maxReferences);
		const error = await rejected(model, { referenceImages: 'url', imageUrls: urls(rules.maxReferences + 1) });
		expect(error.message).toBe(`${rules.maxReferences + 1} reference images; ${rules.name} accepts at most ${rules.maxReferences}`);
	});

	test('11 references on Seedream 4.0 are refused, naming the model and its limit', async () => {
		const error = await rejected('seedream-4.0', { referenceImages: 'binary', binaryPropertyNames: '*' }, [
			{ binary: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`ref${i}`, { bytes: png(32, 32, i) }])) },
		]);
		expect(error.message).toBe('11 reference images; Seedream 4.0 accepts at most 10');
	});

	test('a WebP reference is refused by Seedream 4.0 (JPEG and PNG only) and accepted by 4.5', async () => {
		const items = [{ binary: { data: { bytes: webp(64, 64), mimeType: 'image/webp', fileName: 'logo.webp' } } }];
		const error = await rejected('seedream-4.0', { referenceImages: 'binary' }, items);
		expect(error.message).toBe(
			'Binary property "data" (logo.webp) is not an image Seedream 4.0 accepts: expected jpeg, png, found a WEBP image (declared as image/webp)',
		);
		const api = captureApi();
		const result = await runSeedream({ parameters: { prompt: 'x', referenceImages: 'binary' }, items });
		expect(result.error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	test('a 1:3.5 reference is refused by Seedream 4.0 (1:3 to 3:1) but a 1:3 one is accepted', async () => {
		const error = await rejected('seedream-4.0', { referenceImages: 'binary' }, [{ binary: { data: { bytes: jpeg(100, 350) } } }]);
		expect(error.message).toBe(
			'Binary property "data" is 100x350 pixels; Seedream 4.0 accepts reference aspect ratios from 1:3 to 3:1',
		);
		const body = await bodyFor('seedream-4.0', { referenceImages: 'url', imageUrls: 'https://example.com/a.png' });
		expect(body.images).toHaveLength(1);
		const api = captureApi({ path: MODEL_ROUTES['seedream-4.0'].path });
		const ok = await runSeedream({
			parameters: { model: 'seedream-4.0', prompt: 'x', referenceImages: 'binary' },
			items: [{ binary: { data: { bytes: jpeg(100, 300) } } }],
		});
		expect(ok.error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	test('prompt optimization "fast" is sent to Seedream 4.0 and refused for 4.5 and 5.0 Lite', async () => {
		expect((await bodyFor('seedream-4.0', { options: { promptOptimizationMode: 'fast' } })).optimize_prompt_options).toEqual({
			mode: 'fast',
		});
		for (const model of ['seedream-4.5', 'seedream-5.0-lite'] as const) {
			const error = await rejected(model, { options: { promptOptimizationMode: 'fast' } });
			expect(error.message).toBe(`${MODELS[model].name} does not offer this prompt optimization: expected standard, found "fast"`);
		}
	});

	test.each(MODEL_IDS)('%s: image sets send max_images, reduced by the references', async (model) => {
		const body = await bodyFor(model, {
			sequentialImageGeneration: 'auto',
			maxImages: 10,
			referenceImages: 'url',
			imageUrls: 'https://example.com/a.png\nhttps://example.com/b.png\nhttps://example.com/c.png\nhttps://example.com/d.png\nhttps://example.com/e.png\nhttps://example.com/f.png',
		});
		expect(body.sequential_image_generation).toBe('auto');
		expect(body.sequential_image_generation_options).toEqual({ max_images: 9 });
	});
});
