/**
 * The checks each reference passes before any paid request, against the chosen model: format
 * from the bytes, byte count, sides, pixels and aspect ratio; and how many references it takes.
 */
import { MODEL_IDS as ALL_MODEL_IDS, MODELS, type ModelId } from '../../../../../nodes/Seedream/helpers/models';

/** The models that take references (Seedream 3.0 takes none: refused before any is read). */
const MODEL_IDS = ALL_MODEL_IDS.filter((id) => MODELS[id].maxReferences > 0);
import { checkImageBytes, checkReferenceCount } from '../../../../../nodes/Seedream/helpers/request/referenceChecks';
import { bmp, gif, jpeg, png, tiff, webp } from '../../../../support/images';
import { rejection } from '../../../../support/invalidInput';

const TEN_MB = 10 * 1024 * 1024;
const label = 'Binary property "data" (photo.jpg)';

const check = (id: ModelId, head: Buffer, total = head.length, declared?: string) =>
	checkImageBytes(MODELS[id], label, head, total, declared).format;

describe('checkImageBytes: the format, from the bytes', () => {
	const samples = { png: png(20, 20), jpeg: jpeg(40, 30), webp: webp(), bmp: bmp(), tiff: tiff(), gif: gif() };

	test.each(['seedream-4.5', 'seedream-5.0-lite'] as const)('%s takes all six formats and returns which it is', (id) => {
		for (const [format, bytes] of Object.entries(samples)) expect(check(id, bytes)).toBe(format);
	});

	test('Seedream 4.0 takes JPEG and PNG only', () => {
		expect(check('seedream-4.0', samples.jpeg)).toBe('jpeg');
		expect(check('seedream-4.0', samples.png)).toBe('png');
		for (const format of ['webp', 'bmp', 'tiff', 'gif'] as const) {
			const error = rejection(() => check('seedream-4.0', samples[format], undefined, `image/${format}`));
			expect(error.message).toBe(
				`${label} is not an image Seedream 4.0 accepts: expected jpeg, png, found a ${format.toUpperCase()} image (declared as image/${format})`,
			);
			expect(error.description).toMatch(/^Seedream 4\.0 accepts JPEG, PNG references\. Convert the file first/);
		}
	});

	test('what non-image bytes look like is named; the declared type is quoted, not trusted', () => {
		const pdf = Buffer.from('%PDF-1.7\n%stuff');
		expect(rejection(() => check('seedream-4.5', pdf, undefined, 'image/png')).message).toBe(
			`${label} is not an image Seedream 4.5 accepts: expected jpeg, png, webp, bmp, tiff, gif, found a PDF document (declared as image/png)`,
		);
		const base64Text = Buffer.from(png().toString('base64'));
		expect(rejection(() => check('seedream-5.0-lite', base64Text)).message).toMatch(
			/Seedream 5\.0 Lite accepts: .*, found plain text \(base64 text, perhaps, rather than binary data\?\)$/,
		);
	});

	test('the format is checked before the size: a large PDF is named a PDF', () => {
		expect(rejection(() => check('seedream-4.5', Buffer.from('%PDF-1.4'), 50 * TEN_MB)).message).toMatch(
			/found a PDF document$/,
		);
	});
});

describe('checkImageBytes: bytes, sides, pixels and ratio', () => {
	test('up to 10 MB in total (the head is all that is read)', () => {
		const head = png(20, 20);
		expect(check('seedream-4.5', head, TEN_MB)).toBe('png');
		const error = rejection(() => check('seedream-4.5', head, TEN_MB + 200 * 1024));
		expect(error.message).toBe(`${label} is 10.2 MB; Seedream 4.5 accepts references up to 10.0 MB`);
		expect(error.description).toMatch(/Resize or recompress/);
	});

	test.each(MODEL_IDS)('%s: sides of 15 pixels pass, 14 do not', (id) => {
		expect(check(id, jpeg(15, 15))).toBe('jpeg');
		expect(rejection(() => check(id, jpeg(14, 15))).message).toBe(
			`${label} is 14x15 pixels; ${MODELS[id].name} needs width and height of at least 15 pixels`,
		);
		expect(rejection(() => check(id, jpeg(15, 14))).message).toMatch(/is 15x14 pixels/);
	});

	test.each(MODEL_IDS)('%s: up to 6000 x 6000 pixels in total, whatever the shape', (id) => {
		expect(check(id, jpeg(6000, 6000))).toBe('jpeg');
		const error = rejection(() => check(id, jpeg(6001, 6000)));
		expect(error.message).toBe(
			`${label} is 6001x6000 pixels; ${MODELS[id].name} accepts at most 6000x6000 (36 million) pixels`,
		);
	});

	test.each([
		['seedream-4.5', 1600, 100, 1601, '1:16 to 16:1'],
		['seedream-5.0-lite', 1600, 100, 1601, '1:16 to 16:1'],
		['seedream-4.0', 300, 100, 301, '1:3 to 3:1'],
	] as const)('%s: ratios up to %p:%p pass, beyond is refused with the range', (id, width, height, wider, range) => {
		expect(check(id, jpeg(width, height))).toBe('jpeg');
		expect(check(id, jpeg(height, width))).toBe('jpeg');
		expect(rejection(() => check(id, jpeg(wider, height))).message).toBe(
			`${label} is ${wider}x${height} pixels; ${MODELS[id].name} accepts reference aspect ratios from ${range}`,
		);
		expect(rejection(() => check(id, jpeg(height, wider))).message).toMatch(/aspect ratios/);
	});

	test('when the head holds no size, only the format and byte count are checked', () => {
		const head = jpeg(20_000, 10, { exif: 60_000 }).subarray(0, 1000);
		expect(check('seedream-4.0', head, 2_000_000)).toBe('jpeg');
	});
});

describe('checkReferenceCount', () => {
	test.each(MODEL_IDS)('%s: up to its maximum', (id) => {
		const { maxReferences, name } = MODELS[id];
		expect(() => checkReferenceCount(MODELS[id], 0)).not.toThrow();
		expect(() => checkReferenceCount(MODELS[id], maxReferences)).not.toThrow();
		const error = rejection(() => checkReferenceCount(MODELS[id], maxReferences + 1));
		expect(error.message).toBe(`${maxReferences + 1} reference images; ${name} accepts at most ${maxReferences}`);
		expect(error.description).toMatch(/pick a model that takes more references/);
	});

	test('combined items say so', () => {
		expect(rejection(() => checkReferenceCount(MODELS['seedream-4.0'], 11, true)).message).toBe(
			'11 reference images across the combined items; Seedream 4.0 accepts at most 10',
		);
	});
});
