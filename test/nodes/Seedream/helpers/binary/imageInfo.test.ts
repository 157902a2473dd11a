/**
 * Image sniffing from the first bytes: the format from the magic number, the size from the
 * header when it is there, and for anything else a name for what it looks like.
 */
import {
	describeBytes,
	readImageInfo,
	sniffFormat,
} from '../../../../../nodes/Seedream/helpers/binary/imageInfo';
import { bmp, gif, jpeg, png, tiff, webp } from '../../../../support/images';

const text = (value: string) => Buffer.from(value, 'latin1');

describe('readImageInfo: format, mime type, extension and size of each format', () => {
	test.each([
		['png', png(33, 17), 'image/png', 'png', 33, 17],
		['jpeg', jpeg(640, 480), 'image/jpeg', 'jpg', 640, 480],
		['gif', gif(300, 200), 'image/gif', 'gif', 300, 200],
		['bmp', bmp(21, 13), 'image/bmp', 'bmp', 21, 13],
		['webp', webp(1920, 1080), 'image/webp', 'webp', 1920, 1080],
		['tiff', tiff(50, 60), 'image/tiff', 'tiff', 50, 60],
	])('%s', (format, bytes, mimeType, extension, width, height) => {
		expect(sniffFormat(bytes)).toBe(format);
		expect(readImageInfo(bytes)).toEqual({ format, mimeType, extension, width, height });
	});
});

describe('JPEG: the size is in the frame header, wherever it is', () => {
	test('after a large EXIF segment (a camera photo)', () => {
		const photo = jpeg(4000, 3000, { exif: 60_000 });
		expect(photo.length).toBeGreaterThan(60_000);
		expect(readImageInfo(photo)).toMatchObject({ format: 'jpeg', width: 4000, height: 3000 });
	});

	test('after quantisation and Huffman tables: DHT (0xC4) is not a frame header', () => {
		expect(readImageInfo(jpeg(800, 600, { tables: true }))).toMatchObject({ width: 800, height: 600 });
	});

	test('in a progressive frame header (SOF2)', () => {
		const progressive = jpeg(1024, 768, { progressive: true, tables: true, exif: 300 });
		expect(readImageInfo(progressive)).toMatchObject({ format: 'jpeg', width: 1024, height: 768 });
	});

	test('fill bytes (0xFF 0xFF) before a marker are skipped', () => {
		const plain = jpeg(90, 70);
		// SOI, then two fill bytes before the APP0 marker.
		const padded = Buffer.concat([plain.subarray(0, 2), Buffer.from('ffff', 'hex'), plain.subarray(2)]);
		expect(readImageInfo(padded)).toMatchObject({ width: 90, height: 70 });
	});

	test('a header cut before the frame header: still a JPEG, size unknown', () => {
		const head = jpeg(4000, 3000, { exif: 60_000 }).subarray(0, 30_000);
		expect(readImageInfo(head)).toEqual({
			format: 'jpeg',
			mimeType: 'image/jpeg',
			extension: 'jpg',
			width: undefined,
			height: undefined,
		});
	});
});

describe('BMP, WebP and TIFF header variants', () => {
	test('a top-down BMP (negative height) reports its height positive', () => {
		expect(readImageInfo(bmp(30, 20, { topDown: true }))).toMatchObject({ width: 30, height: 20 });
	});

	test.each(['VP8X', 'VP8L', 'VP8 '] as const)('WebP %s', (chunk) => {
		expect(readImageInfo(webp(1000, 750, { chunk }))).toMatchObject({
			format: 'webp',
			width: 1000,
			height: 750,
		});
	});

	test('WebP VP8L at its largest, 16384 x 16384', () => {
		expect(readImageInfo(webp(16384, 16384, { chunk: 'VP8L' }))).toMatchObject({
			width: 16384,
			height: 16384,
		});
	});

	test.each([
		['little-endian, LONG values', { bigEndian: false, short: false }],
		['little-endian, SHORT values', { bigEndian: false, short: true }],
		['big-endian, LONG values', { bigEndian: true, short: false }],
		['big-endian, SHORT values', { bigEndian: true, short: true }],
	])('TIFF %s', (_, options) => {
		const bytes = tiff(640, 480, options);
		expect(sniffFormat(bytes)).toBe('tiff');
		expect(readImageInfo(bytes)).toMatchObject({ width: 640, height: 480 });
	});

	test('a TIFF whose first directory lies beyond the bytes: size unknown', () => {
		const bytes = tiff(640, 480);
		bytes.writeUInt32LE(100_000, 4);
		expect(readImageInfo(bytes)).toMatchObject({ format: 'tiff', width: undefined });
	});
});

describe('truncated headers: the format when the magic number is whole, never a throw', () => {
	test.each([
		['png', png(33, 17), 8, 23],
		['gif', gif(300, 200), 4, 9],
		['webp', webp(100, 100), 12, 29],
		['tiff', tiff(50, 60), 4, 9],
		['jpeg', jpeg(32, 24), 3, 25],
	])('%s', (format, bytes, magic, withoutSize) => {
		expect(readImageInfo(bytes.subarray(0, magic - 1))).toBeUndefined();
		for (let length = magic; length <= withoutSize; length++) {
			expect(readImageInfo(bytes.subarray(0, length))).toMatchObject({ format, width: undefined });
		}
	});

	test('a BMP shorter than its header is not taken for one', () => {
		expect(sniffFormat(bmp().subarray(0, 25))).toBeUndefined();
		expect(sniffFormat(bmp().subarray(0, 26))).toBe('bmp');
	});

	test('an empty buffer', () => {
		expect(sniffFormat(Buffer.alloc(0))).toBeUndefined();
		expect(readImageInfo(Buffer.alloc(0))).toBeUndefined();
	});
});

describe('non-images are not images, and are named', () => {
	const base64Png = text(png(20, 20).toString('base64'));
	test.each([
		['a PDF', text('%PDF-1.7\n%âãÏÓ\n1 0 obj'), 'a PDF document'],
		['a ZIP (or DOCX)', Buffer.from('504b0304140006000800000021', 'hex'), 'a ZIP archive'],
		['a JSON object', text('{"error":{"code":"NOT_FOUND"}}'), 'JSON text'],
		['a JSON array, after whitespace', text('  \n[1, 2, 3]'), 'JSON text'],
		['an HTML page', text('<!DOCTYPE html><html><body>Not found</body></html>'), 'HTML or XML text'],
		['an SVG', text('<svg xmlns="http://www.w3.org/2000/svg"/>'), 'HTML or XML text'],
		['base64 text of a PNG', base64Png, 'plain text (base64 text, perhaps, rather than binary data?)'],
		['a short sentence', text('Error: file not found.'), 'text ("Error: file not found.")'],
		['a long sentence, cut', text('Forbidden: the link expired at 12:00, ask again.'), 'text ("Forbidden: the link expired at")'],
		['binary noise', Buffer.from('000102030405fefd', 'hex'), 'unknown bytes (starting 00010203)'],
		['a WAV file (RIFF, not WEBP)', text('RIFF\x24\x00\x00\x00WAVEfmt \x10\x00\x00\x00'), 'unknown bytes (starting 52494646)'],
		['nothing', Buffer.alloc(0), 'an empty file'],
	])('%s', (_, bytes, description) => {
		expect(sniffFormat(bytes)).toBeUndefined();
		expect(readImageInfo(bytes)).toBeUndefined();
		expect(describeBytes(bytes)).toBe(description);
	});
});
