/**
 * Size resolution against each model's rules: presets go as they are, aspect-ratio presets and
 * custom sizes become WxH, and every rejection names the model and its limits.
 */
import { MODELS, type ModelId } from '../../../../../nodes/Seedream/helpers/models';
import { checkPixelSize, resolveSize } from '../../../../../nodes/Seedream/helpers/request/size';
import { rejection } from '../../../../support/invalidInput';

const v45 = MODELS['seedream-4.5'];
const lite = MODELS['seedream-5.0-lite'];

describe('resolveSize: presets', () => {
	test.each([
		['seedream-4.5', '2K'],
		['seedream-4.5', '4K'],
		['seedream-5.0-lite', '2K'],
		['seedream-5.0-lite', '3K'],
		['seedream-4.0', '1K'],
		['seedream-4.0', '2K'],
		['seedream-4.0', '4K'],
	])('%s: the preset %s is sent as it is, without pixels', (id, size) => {
		expect(resolveSize({ size }, MODELS[id as ModelId])).toEqual({ value: size });
	});

	test.each([
		['seedream-4.5', '1K', 'Seedream 4.5 has no such preset: expected one of 2K, 4K, found "1K"'],
		['seedream-4.5', '3K', 'Seedream 4.5 has no such preset: expected one of 2K, 4K, found "3K"'],
		['seedream-5.0-lite', '4K', 'Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "4K"'],
		['seedream-5.0-lite', '1K', 'Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "1K"'],
		['seedream-4.0', '3K', 'Seedream 4.0 has no such preset: expected one of 1K, 2K, 4K, found "3K"'],
		['seedream-4.5', '8K', 'Seedream 4.5 has no such preset: expected one of 2K, 4K, found "8K"'],
	])('%s: the preset %s is refused, naming the model and its presets', (id, size, message) => {
		const error = rejection(() => resolveSize({ size }, MODELS[id as ModelId]));
		expect(error.message).toBe(message);
		expect(error.description).toBe('Pick one of them, or another model under Model.');
	});

	test.each([
		['seedream-4.5', 'Unknown size: expected 2K, 4K, aspectRatio, custom or matchInput, found "huge"'],
		['seedream-5.0-lite', 'Unknown size: expected 2K, 3K, aspectRatio, custom or matchInput, found "huge"'],
		['seedream-4.0', 'Unknown size: expected 1K, 2K, 4K, aspectRatio, custom or matchInput, found "huge"'],
	])('%s: an unknown size lists what the model takes', (id, message) => {
		expect(rejection(() => resolveSize({ size: 'huge' }, MODELS[id as ModelId])).message).toBe(message);
	});

	test('a lower-case preset is not a preset', () => {
		expect(rejection(() => resolveSize({ size: '2k' }, v45)).message).toMatch(/^Unknown size: .*, found "2k"$/);
	});
});

describe('resolveSize: aspect ratio presets', () => {
	test.each([
		['seedream-4.5', '2K', '1:1', '2048x2048'],
		['seedream-4.5', '2K', '16:9', '2848x1600'],
		['seedream-4.5', '4K', '21:9', '6240x2656'],
		['seedream-5.0-lite', '3K', '9:16', '2304x4096'],
		['seedream-5.0-lite', '2K', '3:2', '2496x1664'],
		['seedream-4.0', '1K', '4:3', '1216x912'],
		// 4.0's own 2K table differs from the others in the wide ratios.
		['seedream-4.0', '2K', '16:9', '2560x1440'],
		['seedream-4.0', '2K', '21:9', '3024x1296'],
	])('%s %s %s: the model\'s own WxH, with its pixels', (id, resolution, aspectRatio, value) => {
		const [width, height] = value.split('x').map(Number);
		expect(resolveSize({ size: 'aspectRatio', resolution, aspectRatio }, MODELS[id as ModelId])).toEqual({
			value,
			width,
			height,
		});
	});

	test('a resolution the model lacks is refused with the model\'s presets', () => {
		const error = rejection(() =>
			resolveSize({ size: 'aspectRatio', resolution: '4K', aspectRatio: '1:1' }, lite),
		);
		expect(error.message).toBe('Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "4K"');
	});

	test('an unknown ratio lists the eight ratios', () => {
		const error = rejection(() =>
			resolveSize({ size: 'aspectRatio', resolution: '2K', aspectRatio: '5:4' }, v45),
		);
		expect(error.message).toBe(
			'Unknown aspect ratio: expected one of 1:1, 4:3, 3:4, 16:9, 9:16, 3:2, 2:3, 21:9, found "5:4"',
		);
	});

	test('a missing ratio is refused, not sent as "undefined"', () => {
		const error = rejection(() => resolveSize({ size: 'aspectRatio', resolution: '2K' }, v45));
		expect(error.message).toMatch(/^Unknown aspect ratio: .*, found nothing$/);
	});
});

describe('resolveSize: custom sizes', () => {
	test('width and height become WxH, numbers from text included', () => {
		expect(resolveSize({ size: 'custom', width: 2560, height: 1440 }, v45)).toEqual({
			value: '2560x1440',
			width: 2560,
			height: 1440,
		});
		const fromText = { size: 'custom', width: '3000', height: '2000' } as unknown as {
			size: string;
			width: number;
			height: number;
		};
		expect(resolveSize(fromText, v45)).toEqual({ value: '3000x2000', width: 3000, height: 2000 });
	});

	test('a custom size outside the model is refused with the pixel check\'s text', () => {
		const error = rejection(() => resolveSize({ size: 'custom', width: 1024, height: 1024 }, v45));
		expect(error.message).toBe(
			'Size 1024x1024 has 1,048,576 pixels; Seedream 4.5 accepts 3,686,400 to 16,777,216 (for example 2048x2048)',
		);
	});
});

describe('checkPixelSize: each model\'s pixel range, inclusive', () => {
	test.each<[ModelId, number, number]>([
		['seedream-4.5', 1920, 1920],
		['seedream-4.5', 4096, 4096],
		['seedream-5.0-lite', 1920, 1920],
		['seedream-5.0-lite', 3225, 3226],
		['seedream-4.0', 1024, 1024],
		['seedream-4.0', 4096, 4096],
	])('%s: %p x %p is accepted', (id, width, height) => {
		expect(() => checkPixelSize(width, height, MODELS[id])).not.toThrow();
	});

	test.each<[ModelId, number, number, string]>([
		['seedream-4.5', 1919, 1920, 'Size 1919x1920 has 3,684,480 pixels; Seedream 4.5 accepts 3,686,400 to 16,777,216'],
		['seedream-4.5', 4097, 4096, 'Size 4097x4096 has 16,781,312 pixels; Seedream 4.5 accepts 3,686,400 to 16,777,216'],
		['seedream-5.0-lite', 3226, 3226, 'Size 3226x3226 has 10,407,076 pixels; Seedream 5.0 Lite accepts 3,686,400 to 10,404,496'],
		['seedream-5.0-lite', 4096, 4096, 'Size 4096x4096 has 16,777,216 pixels; Seedream 5.0 Lite accepts 3,686,400 to 10,404,496'],
		['seedream-4.0', 1024, 1023, 'Size 1024x1023 has 1,047,552 pixels; Seedream 4.0 accepts 1,048,576 to 16,777,216'],
		['seedream-4.0', 4097, 4096, 'Size 4097x4096 has 16,781,312 pixels; Seedream 4.0 accepts 1,048,576 to 16,777,216'],
	])('%s: %p x %p is refused, naming the model and its range', (id, width, height, message) => {
		const error = rejection(() => checkPixelSize(width, height, MODELS[id]));
		expect(error.message).toBe(`${message} (for example 2048x2048)`);
		expect(error.description).toBe('Change Width and Height, or pick a preset under Size.');
	});

	test('ratios up to 16:1 and 1:16 pass; beyond, the ratio is named', () => {
		expect(() => checkPixelSize(8000, 500, v45)).not.toThrow();
		expect(() => checkPixelSize(500, 8000, v45)).not.toThrow();
		expect(rejection(() => checkPixelSize(8192, 500, v45)).message).toBe(
			'Size 8192x500 has an aspect ratio of 16.38:1; Seedream 4.5 accepts ratios from 1:16 to 16:1',
		);
		expect(rejection(() => checkPixelSize(500, 8192, lite)).message).toBe(
			'Size 500x8192 has an aspect ratio of 1:16.38; Seedream 5.0 Lite accepts ratios from 1:16 to 16:1',
		);
	});

	test.each([
		[2048.5, 2048],
		[0, 2048],
		[-2048, -2048],
		[Number.NaN, 2048],
		[2048, Number.POSITIVE_INFINITY],
	])('%p x %p: not a whole positive number of pixels', (width, height) => {
		expect(rejection(() => checkPixelSize(width, height, v45)).message).toBe(
			`Width and height must be positive whole numbers of pixels, found ${width} x ${height}`,
		);
	});
});
