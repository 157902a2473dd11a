/**
 * Reading the API's answer: every entry shape seen on the platforms becomes a link, inline
 * bytes or a failed image; an answer without an image list is a shape error that says what came.
 */
import { parseResponse, type ParsedResponse } from '../../../../../nodes/Seedream/helpers/results/responseParsing';
import { dataUri, png } from '../../../../support/images';

const image = png(20, 20);
const base64 = image.toString('base64');
const url = 'https://cdn.example.com/results/a.png?X-Amz-Signature=abc';

/** The parsed answer; fails the test on a shape error. */
function parsed(body: unknown): ParsedResponse {
	const result = parseResponse(body);
	if ('shapeError' in result) throw new Error(`unexpected shape error: ${result.shapeError}`);
	return result;
}

const only = (entry: unknown) => parsed({ images: [entry] }).entries[0];

describe('each accepted entry shape', () => {
	test('a URL string is a link, trimmed', () => {
		expect(only(`  ${url}\n`)).toEqual({ index: 0, kind: 'url', url });
		expect(only('HTTP://cdn.example.com/b.png')).toEqual({
			index: 0,
			kind: 'url',
			url: 'HTTP://cdn.example.com/b.png',
		});
	});

	test('a data URI is inline bytes, whatever its declared type', () => {
		expect(only(dataUri(image, 'png'))).toEqual({ index: 0, kind: 'inline', bytes: image });
		expect(only(`data:application/octet-stream;base64,${base64}`)).toEqual({
			index: 0,
			kind: 'inline',
			bytes: image,
		});
	});

	test('bare base64 is inline bytes, line breaks and URL-safe alphabet included', () => {
		expect(only(base64)).toEqual({ index: 0, kind: 'inline', bytes: image });
		const wrapped = base64.replace(/(.{76})/g, '$1\n');
		expect(only(wrapped)).toEqual({ index: 0, kind: 'inline', bytes: image });
		const urlSafe = base64.replace(/\+/g, '-').replace(/\//g, '_');
		expect((only(urlSafe) as { bytes: Buffer }).bytes.equals(image)).toBe(true);
	});

	test('short or non-base64 text is a failed entry that quotes it', () => {
		expect(only('QUJD')).toEqual({
			index: 0,
			kind: 'failed',
			message: 'Unrecognised image entry: "QUJD"',
		});
		expect(only('ftp://example.com/a.png')).toMatchObject({ kind: 'failed' });
		expect(only('x'.repeat(50) + ' not base64!')).toEqual({
			index: 0,
			kind: 'failed',
			message: `Unrecognised image entry: "${'x'.repeat(50)} not base6"`,
		});
	});

	test('{url}, {image_url: string}, {image_url: {url}} and {imageUrl} are links', () => {
		const entries = parsed({
			images: [{ url }, { image_url: url }, { image_url: { url } }, { imageUrl: url }],
		}).entries;
		expect(entries).toEqual([0, 1, 2, 3].map((index) => ({ index, kind: 'url', url })));
	});

	test('an object\'s url field may hold a data URI', () => {
		expect(only({ url: dataUri(image) })).toEqual({ index: 0, kind: 'inline', bytes: image });
	});

	test('{b64_json}, {b64}, {base64} and {data} are inline bytes', () => {
		const entries = parsed({
			images: [{ b64_json: base64 }, { b64: base64 }, { base64 }, { data: base64 }],
		}).entries;
		expect(entries).toEqual([0, 1, 2, 3].map((index) => ({ index, kind: 'inline', bytes: image })));
	});

	test('a link wins over inline data in the same entry', () => {
		expect(only({ b64_json: base64, url })).toEqual({ index: 0, kind: 'url', url });
	});

	test.each([
		[{ error: { code: 'OutputImageSensitiveContentDetected', message: 'Flagged' } }, { code: 'OutputImageSensitiveContentDetected', message: 'Flagged' }],
		[{ error: { code: 1301, reason: 'Sensitive' } }, { code: '1301', message: 'Sensitive' }],
		[{ error: 'Generation failed' }, { message: 'Generation failed' }],
		[{ error: { detail: 'x' } }, { message: '{"detail":"x"}' }],
		[{ error: 42 }, { message: 'The API reported a failure for this image' }],
		[{ error: { message: 'Flagged' }, url }, { message: 'Flagged' }],
	])('%#: an {error} entry is a failed image with its code and message', (entry, failure) => {
		const result = only(entry);
		expect(result).toEqual({ index: 0, kind: 'failed', code: undefined, ...failure });
	});

	test('a null error does not mark the entry failed', () => {
		expect(only({ error: null, url })).toEqual({ index: 0, kind: 'url', url });
	});

	test.each([
		[{ revised_prompt: 'a kite', size: '2048x2048' }, 'Unrecognised image entry with fields: revised_prompt, size'],
		[{}, 'Unrecognised image entry with fields: none'],
		[{ url: 42 }, 'Unrecognised image entry with fields: url'],
		[{ image_url: { href: url } }, 'Unrecognised image entry with fields: image_url'],
	])('%#: an object without an image names its fields', (entry, message) => {
		expect(only(entry)).toEqual({ index: 0, kind: 'failed', message });
	});

	test.each([null, undefined, 7, true])('junk entry %p is a failed image', (entry) => {
		expect(only(entry)).toEqual({ index: 0, kind: 'failed', message: `Empty image entry (${String(entry)})` });
	});

	test('entries keep their positions, failed ones included', () => {
		const entries = parsed({ images: [url, { error: 'no' }, base64] }).entries;
		expect(entries.map((entry) => [entry.index, entry.kind])).toEqual([
			[0, 'url'],
			[1, 'failed'],
			[2, 'inline'],
		]);
	});
});

describe('the answer around the entries', () => {
	test('the list is read from "images", or from "data" (the OpenAI shape)', () => {
		expect(parsed({ images: [url] }).entries).toHaveLength(1);
		expect(parsed({ data: [{ url }, { b64_json: base64 }] }).entries.map((e) => e.kind)).toEqual([
			'url',
			'inline',
		]);
		expect(parsed({ images: [] }).entries).toEqual([]);
	});

	test('"images" wins over "data" when both are present', () => {
		const entries = parsed({ images: [url], data: [base64, base64] }).entries;
		expect(entries).toEqual([{ index: 0, kind: 'url', url }]);
	});

	test('usage is kept when it is an object, dropped otherwise', () => {
		const usage = { generated_images: 1, output_tokens: 16384, total_tokens: 16384 };
		expect(parsed({ images: [url], usage }).usage).toEqual(usage);
		expect(parsed({ images: [url] }).usage).toBeUndefined();
		expect(parsed({ images: [url], usage: 'n/a' }).usage).toBeUndefined();
		expect(parsed({ images: [url], usage: null }).usage).toBeUndefined();
	});
});

describe('shape errors say what came instead', () => {
	test.each([
		[null, 'Expected a JSON object with an "images" (or "image_urls") array, found object'],
		[undefined, 'Expected a JSON object with an "images" (or "image_urls") array, found undefined'],
		['<html>Bad gateway</html>', 'Expected a JSON object with an "images" (or "image_urls") array, found string'],
		[42, 'Expected a JSON object with an "images" (or "image_urls") array, found number'],
		[[url], 'Expected a JSON object with an "images" (or "image_urls") array, found an array'],
		[{ id: 'task-1', status: 'queued' }, 'Expected a JSON object with an "images" (or "image_urls") array, found the fields: id, status'],
		[{}, 'Expected a JSON object with an "images" (or "image_urls") array, found the fields: none'],
		[{ images: url }, 'Expected a JSON object with an "images" (or "image_urls") array, found the fields: images'],
		[{ images: null, data: { url } }, 'Expected a JSON object with an "images" (or "image_urls") array, found the fields: images, data'],
	])('%#: %p', (body, shapeError) => {
		expect(parseResponse(body)).toEqual({ shapeError });
	});
});
