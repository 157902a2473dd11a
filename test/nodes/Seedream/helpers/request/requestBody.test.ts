/**
 * The request body: its fields in a fixed order, optional ones only when set, references last
 * under the model's own field. Binary references are covered by the engine tests
 * (test/nodes/Seedream/requestBody.test.ts); text ones need no context at all.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import { MODELS } from '../../../../../nodes/Seedream/helpers/models';
import type { Reference } from '../../../../../nodes/Seedream/helpers/request/referenceImages';
import {
	buildRequestBody,
	requestFields,
	type GenerationRequest,
} from '../../../../../nodes/Seedream/helpers/request/requestBody';

const request = (fields: Partial<GenerationRequest> = {}): GenerationRequest => ({
	model: MODELS['seedream-4.5'],
	prompt: 'a red kite over the sea',
	size: { value: '2K' },
	watermark: false,
	sequentialImageGeneration: 'disabled',
	references: [],
	...fields,
});

/** A context that fails the test if anything on it is used: text references need none. */
const untouchable = new Proxy(
	{},
	{
		get(_, property) {
			throw new Error(`the context was used: ${String(property)}`);
		},
	},
) as IExecuteFunctions;

const url = (value: string, position = 1): Reference => ({ kind: 'text', value, label: `Image URL ${position}` });

describe('requestFields', () => {
	test('prompt, size, watermark and the image set mode always go, in this order', () => {
		const fields = requestFields(request());
		expect(Object.keys(fields)).toEqual(['prompt', 'size', 'watermark', 'sequential_image_generation']);
		expect(fields).toEqual({
			prompt: 'a red kite over the sea',
			size: '2K',
			watermark: false,
			sequential_image_generation: 'disabled',
		});
	});

	test('the size value is sent as resolved: a WxH for a custom size', () => {
		expect(requestFields(request({ size: { value: '2560x1440', width: 2560, height: 1440 } })).size).toBe(
			'2560x1440',
		);
	});

	test('max images and prompt optimization follow, only when set', () => {
		const fields = requestFields(
			request({ sequentialImageGeneration: 'auto', maxImages: 4, promptOptimizationMode: 'fast', watermark: true }),
		);
		expect(Object.keys(fields)).toEqual([
			'prompt',
			'size',
			'watermark',
			'sequential_image_generation',
			'sequential_image_generation_options',
			'optimize_prompt_options',
		]);
		expect(fields.sequential_image_generation_options).toEqual({ max_images: 4 });
		expect(fields.optimize_prompt_options).toEqual({ mode: 'fast' });
		expect(fields.watermark).toBe(true);
	});

	test('an empty optimization mode is not sent', () => {
		expect(requestFields(request({ promptOptimizationMode: '' }))).not.toHaveProperty('optimize_prompt_options');
	});
});

describe('buildRequestBody', () => {
	test('without references: exactly the fields as JSON', async () => {
		const body = await buildRequestBody(untouchable, request({ maxImages: 2, sequentialImageGeneration: 'auto' }));
		expect(body.toString('utf8')).toBe(JSON.stringify(requestFields(request({ maxImages: 2, sequentialImageGeneration: 'auto' }))));
	});

	test('text references go last, in order, under "image" for 4.5 and 5.0 Lite', async () => {
		const references = [url('https://a.example/1.png', 1), url('data:image/png;base64,iVBORw0KGgo=', 2)];
		for (const id of ['seedream-4.5', 'seedream-5.0-lite'] as const) {
			const body = JSON.parse((await buildRequestBody(untouchable, request({ model: MODELS[id], references }))).toString());
			expect(Object.keys(body)).toEqual(['prompt', 'size', 'watermark', 'sequential_image_generation', 'image']);
			expect(body.image).toEqual(['https://a.example/1.png', 'data:image/png;base64,iVBORw0KGgo=']);
		}
	});

	test('under "images" for 4.0', async () => {
		const body = JSON.parse(
			(await buildRequestBody(untouchable, request({ model: MODELS['seedream-4.0'], references: [url('https://a.example/1.png')] }))).toString(),
		);
		expect(body).not.toHaveProperty('image');
		expect(body.images).toEqual(['https://a.example/1.png']);
	});

	test('references that take more bytes than characters (escapes, non-ASCII) still make valid JSON', async () => {
		const odd = Array.from(
			{ length: 14 },
			(_, index) => `https://例え.example/${'"\\'.repeat(40)}/画像-${index}-🪁.png?q=${'é'.repeat(50)}`,
		);
		const body = await buildRequestBody(untouchable, request({ references: odd.map((value, index) => url(value, index + 1)) }));
		expect(JSON.parse(body.toString('utf8'))).toEqual({ ...requestFields(request()), image: odd });
	});

	test('one reference that doubles once escaped, far past the size estimate, is written whole', async () => {
		const quoted = `https://a.example/?q=${'"'.repeat(4000)}`;
		const body = await buildRequestBody(untouchable, request({ references: [url(quoted)] }));
		expect(JSON.parse(body.toString('utf8')).image).toEqual([quoted]);
	});
});
