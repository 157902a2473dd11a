import { MODELS } from '../../../nodes/Seedream/helpers/models';
import { captureApi } from '../../support/api';
import { runSeedream } from '../../support/engine';

async function bodyFor(parameters: Record<string, unknown>, credentials?: Record<string, string>) {
	const api = captureApi();
	const result = await runSeedream({ parameters: { prompt: 'a red kite', ...parameters }, credentials });
	expect(result.error).toBeUndefined();
	expect(api.scope.isDone()).toBe(true);
	return api.requests[0];
}

describe('request body', () => {
	test('defaults send prompt, size 2K, watermark true and image sets disabled, nothing else', async () => {
		const { body } = await bodyFor({});
		expect(body).toEqual({
			prompt: 'a red kite',
			size: '2K',
			watermark: true,
			sequential_image_generation: 'disabled',
		});
	});

	test('the prompt is trimmed and sent in the item language as is', async () => {
		const { body } = await bodyFor({ prompt: '  一只红色的风筝 in the sky \n' });
		expect(body.prompt).toBe('一只红色的风筝 in the sky');
	});

	test('the API key goes in a Bearer Authorization header with a JSON content type', async () => {
		const { headers } = await bodyFor({});
		expect(headers.authorization).toBe('Bearer sk-test-secret-key');
		expect(headers['content-type']).toBe('application/json');
	});

	test('a base URL with a trailing slash reaches the same path', async () => {
		const api = captureApi({ host: 'http://127.0.0.1:9911' });
		const result = await runSeedream({
			parameters: { prompt: 'x' },
			credentials: { apiKey: 'k', baseUrl: 'http://127.0.0.1:9911//' },
		});
		expect(result.error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	test('size 4K is sent as is', async () => {
		expect((await bodyFor({ size: '4K' })).body.size).toBe('4K');
	});

	const presets = Object.entries(MODELS['seedream-4.5'].presets).flatMap(([resolution, sizes]) =>
		Object.entries(sizes).map(([ratio, size]) => [ratio, resolution, size]),
	);
	test.each(presets)('aspect ratio %s at %s is sent as %s', async (aspectRatio, resolution, expected) => {
		const { body } = await bodyFor({ size: 'aspectRatio', aspectRatio, resolution });
		expect(body.size).toBe(expected);
	});

	test('the preset table is the one documented for Seedream 4.5', () => {
		const { presets: table } = MODELS['seedream-4.5'];
		expect(Object.keys(table)).toEqual(['2K', '4K']);
		expect(table['2K']?.['16:9']).toBe('2848x1600');
		expect(table['4K']?.['16:9']).toBe('5504x3040');
		expect(table['2K']?.['21:9']).toBe('3136x1344');
		expect(table['4K']?.['21:9']).toBe('6240x2656');
		expect(Object.keys(table['2K'] ?? {})).toEqual(['1:1', '4:3', '3:4', '16:9', '9:16', '3:2', '2:3', '21:9']);
	});

	test.each([
		[2048, 2048, '2048x2048'],
		[1920, 1920, '1920x1920'],
		[4096, 4096, '4096x4096'],
		[8192, 512, '8192x512'],
		[512, 8192, '512x8192'],
	])('custom %i x %i is sent as %s', async (width, height, expected) => {
		expect((await bodyFor({ size: 'custom', width, height })).body.size).toBe(expected);
	});

	test('watermark off is sent as false', async () => {
		expect((await bodyFor({ watermark: false })).body.watermark).toBe(false);
	});

	test('an image set sends auto with max_images', async () => {
		const { body } = await bodyFor({ sequentialImageGeneration: 'auto', maxImages: 4 });
		expect(body.sequential_image_generation).toBe('auto');
		expect(body.sequential_image_generation_options).toEqual({ max_images: 4 });
	});

	test('an image set defaults to max_images 15', async () => {
		const { body } = await bodyFor({ sequentialImageGeneration: 'auto' });
		expect(body.sequential_image_generation_options).toEqual({ max_images: 15 });
	});

	test('prompt optimisation standard is sent as optimize_prompt_options', async () => {
		const { body } = await bodyFor({ options: { promptOptimizationMode: 'standard' } });
		expect(body.optimize_prompt_options).toEqual({ mode: 'standard' });
	});

	test('every parameter at once gives exactly this body', async () => {
		const { body } = await bodyFor({
			prompt: 'four frames of a kite story, 4 images',
			size: 'aspectRatio',
			aspectRatio: '3:2',
			resolution: '4K',
			watermark: false,
			sequentialImageGeneration: 'auto',
			maxImages: 4,
			referenceImages: 'url',
			imageUrls: 'https://example.com/a.png\nhttps://example.com/b.jpg',
			options: { promptOptimizationMode: 'standard' },
		});
		expect(body).toEqual({
			prompt: 'four frames of a kite story, 4 images',
			size: '4992x3328',
			watermark: false,
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 4 },
			optimize_prompt_options: { mode: 'standard' },
			image: ['https://example.com/a.png', 'https://example.com/b.jpg'],
		});
	});

	test('references count toward the total of 15: max_images becomes 15 minus the references', async () => {
		const urls = Array.from({ length: 12 }, (_, index) => `https://example.com/${index}.png`);
		const { body } = await bodyFor({
			sequentialImageGeneration: 'auto',
			maxImages: 10,
			referenceImages: 'url',
			imageUrls: urls.join('\n'),
		});
		expect(body.sequential_image_generation_options).toEqual({ max_images: 3 });
		expect(body.image).toEqual(urls);
	});

	test('expressions are resolved per item: each item sends its own prompt and size', async () => {
		const api = captureApi({ times: 2 });
		const result = await runSeedream({
			parameters: {
				prompt: '={{ $json.product }} on a beach',
				size: 'custom',
				width: '={{ $json.w }}',
				height: 2048,
			},
			items: [{ json: { product: 'sunglasses', w: 2048 } }, { json: { product: 'sandals', w: 3072 } }],
		});
		expect(result.error).toBeUndefined();
		const sent = api.requests.map((request) => [request.body.prompt, request.body.size]).sort();
		expect(sent).toEqual([
			['sandals on a beach', '3072x2048'],
			['sunglasses on a beach', '2048x2048'],
		]);
	});
});
