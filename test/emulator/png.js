'use strict';

/**
 * PNG writer and image-header reader for the HighwayAPI emulator.
 *
 * The emulator has to hand out 4K images (4096x4096, 50 MB of raw pixels) many times per test
 * run, so the synthetic images are built to make compression nearly free:
 *
 * - The picture is a stack of horizontal bands. Only the first row of a band carries pixels
 *   (filter type 0). Every other row repeats the row above, which PNG's "Up" filter (type 2)
 *   turns into all zeros.
 * - The zlib stream is assembled from independently compressed raw-deflate segments that each end
 *   on a byte boundary (Z_SYNC_FLUSH). A run of N zero rows of a given width is the same bytes in
 *   every image, so it is compressed once and cached. Only the few band rows are compressed per
 *   image. The stream's Adler-32 is combined from the per-segment checksums, so cached segments
 *   are never re-read.
 * - Optional padding (`imageBytes`) appends rows of pseudo-random noise kept in stored (level 0)
 *   deflate blocks, wrapped in its own IDAT chunk whose CRC is computed once per size. The noise
 *   is deterministic, so the same image id always serves the same bytes.
 *
 * An image is returned as a list of Buffers (`parts`) so that a server can stream it without
 * concatenating, and large cached parts are shared between images instead of copied.
 */

const zlib = require('node:zlib');
const crypto = require('node:crypto');

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const BYTES_PER_PIXEL = 3; // RGB, 8 bits per channel
const BAND_COUNT = 16;
const MAX_CACHE_ENTRIES = 32;

// ---------------------------------------------------------------------------------------------
// Checksums
// ---------------------------------------------------------------------------------------------

/** CRC-32 as used by PNG chunks: zlib's own (Node >= 20.15, as package.json requires). */
const crc32 = zlib.crc32;

const ADLER_BASE = 65521;
// Largest n such that 255n(n+1)/2 + (n+1)(BASE-1) fits in 32 bits: sums may grow that long
// before they must be reduced (same constant as zlib's NMAX).
const ADLER_NMAX = 5552;

/** Adler-32 (the zlib stream checksum) of `buffer`, continuing from `adler` (start value 1). */
function adler32(buffer, adler = 1) {
	let a = adler & 0xffff;
	let b = (adler >>> 16) & 0xffff;
	let i = 0;
	while (i < buffer.length) {
		const end = Math.min(i + ADLER_NMAX, buffer.length);
		for (; i < end; i++) {
			a += buffer[i];
			b += a;
		}
		a %= ADLER_BASE;
		b %= ADLER_BASE;
	}
	return ((b << 16) | a) >>> 0;
}

/**
 * Adler-32 of A followed by B, from adler(A), adler(B) and the length of B (zlib's
 * adler32_combine). Lets cached segments keep their checksum instead of being re-scanned.
 */
function adler32Combine(adler1, adler2, length2) {
	const rem = length2 % ADLER_BASE;
	let sum1 = adler1 & 0xffff;
	let sum2 = (rem * sum1) % ADLER_BASE;
	sum1 += (adler2 & 0xffff) + ADLER_BASE - 1;
	sum2 += ((adler1 >>> 16) & 0xffff) + ((adler2 >>> 16) & 0xffff) + ADLER_BASE - rem;
	if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
	if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
	if (sum2 >= ADLER_BASE * 2) sum2 -= ADLER_BASE * 2;
	if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
	return ((sum2 << 16) | sum1) >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Chunks and deflate segments
// ---------------------------------------------------------------------------------------------

/** One PNG chunk: length, type, data, CRC over type + data. */
function makeChunk(type, data) {
	const chunk = Buffer.alloc(12 + data.length);
	chunk.writeUInt32BE(data.length, 0);
	chunk.write(type, 4, 'latin1');
	data.copy(chunk, 8);
	chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
	return chunk;
}

function makeIhdr(width, height) {
	const data = Buffer.alloc(13);
	data.writeUInt32BE(width, 0);
	data.writeUInt32BE(height, 4);
	data[8] = 8; // bit depth
	data[9] = 2; // colour type: truecolour RGB
	data[10] = 0; // compression: deflate
	data[11] = 0; // filter method: adaptive
	data[12] = 0; // no interlace
	return makeChunk('IHDR', data);
}

function makeText(keyword, text) {
	return makeChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1'));
}

const IEND_CHUNK = makeChunk('IEND', Buffer.alloc(0));

/**
 * A raw-deflate segment that can be concatenated with others: non-final blocks ending in a sync
 * flush, so it is byte aligned and never refers back into data before it.
 */
function deflateSegment(raw, level) {
	return {
		data: zlib.deflateRawSync(raw, { level, finishFlush: zlib.constants.Z_SYNC_FLUSH }),
		rawLength: raw.length,
		adler: adler32(raw),
	};
}

// The zlib header for deflate with a 32 KiB window and "fastest" level hint; 0x7801 % 31 === 0.
const ZLIB_HEADER = Buffer.from([0x78, 0x01]);
// A final, empty fixed-Huffman block: what zlib itself writes when finishing with no input.
const FINAL_EMPTY_BLOCK = Buffer.from([0x03, 0x00]);

/** A tiny map with insertion-order eviction: bounded memory for the per-size caches. */
function boundedCache(limit) {
	const map = new Map();
	return {
		get(key, make) {
			let value = map.get(key);
			if (value === undefined) {
				value = make();
				map.set(key, value);
				if (map.size > limit) map.delete(map.keys().next().value);
			}
			return value;
		},
	};
}

const zeroRunCache = boundedCache(MAX_CACHE_ENTRIES);
const noiseCache = boundedCache(4); // entries can be many MB each

/** `rows` rows that repeat the row above: filter byte 2 ("Up") followed by zeros. */
function zeroRunSegment(stride, rows) {
	return zeroRunCache.get(`${stride}x${rows}`, () => {
		const raw = Buffer.alloc(rows * (stride + 1));
		for (let r = 0; r < rows; r++) raw[r * (stride + 1)] = 2;
		return deflateSegment(raw, 6);
	});
}

/** `length` pseudo-random bytes from xorshift32: deterministic, so a size always gets the same noise. */
function noiseBytes(length, seed) {
	const words = new Uint32Array(Math.ceil(length / 4));
	let x = seed >>> 0 || 0x9e3779b9;
	for (let i = 0; i < words.length; i++) {
		x ^= x << 13;
		x ^= x >>> 17;
		x ^= x << 5;
		words[i] = x >>> 0;
	}
	return Buffer.from(words.buffer, 0, length);
}

/**
 * `rows` rows of incompressible noise (filter byte 0), stored deflate, as a complete IDAT chunk
 * with its CRC, cached per size and shared by every padded image of that size.
 */
function noiseChunk(stride, rows) {
	return noiseCache.get(`${stride}x${rows}`, () => {
		const rowLength = stride + 1;
		const raw = noiseBytes(rows * rowLength, stride * 31 + rows);
		for (let r = 0; r < rows; r++) raw[r * rowLength] = 0;
		const segment = deflateSegment(raw, 0);
		return { chunk: makeChunk('IDAT', segment.data), rawLength: raw.length, adler: segment.adler };
	});
}

// ---------------------------------------------------------------------------------------------
// Synthetic pictures
// ---------------------------------------------------------------------------------------------

/**
 * Colours and stripe layout derived from a seed string (e.g. prompt + image index), so that every
 * prompt and every index in a set gives a visibly different picture.
 */
function paletteFromSeed(seed) {
	const hash = crypto.createHash('sha256').update(String(seed)).digest();
	const base = [hash[0], hash[1], hash[2]];
	const accent = [255 - hash[0], hash[3], 255 - hash[2]];
	const stripeCount = 3 + (hash[4] % 4);
	const stripes = [];
	for (let s = 0; s < stripeCount; s++) {
		stripes.push({
			start: hash[5 + s * 2] / 256, // fraction of the width
			width: 1 / 64 + (hash[6 + s * 2] / 256) * (1 / 8),
			colour: [hash[16 + s], hash[20 + s], hash[24 + s]],
		});
	}
	return { hash, base, accent, stripes };
}

/** The pixel row (with its filter byte 0) that starts band `band`. */
function bandRow(width, band, palette) {
	const row = Buffer.alloc(1 + width * BYTES_PER_PIXEL);
	// Alternate base and accent colours, shaded a little per band, to make visible bands.
	const source = band % 2 === 0 ? palette.base : palette.accent;
	const shade = (band * 9) % 64;
	const colour = source.map((c) => (c + shade) & 0xff);
	fillPixels(row, 0, width, colour);
	for (const stripe of palette.stripes) {
		// Stripes drift with the band so each image gets a staircase of its own.
		const start = Math.floor(((stripe.start + band * 0.013) % 1) * width);
		const end = Math.min(width, start + Math.max(1, Math.floor(stripe.width * width)));
		fillPixels(row, start, end, stripe.colour);
	}
	return row;
}

function fillPixels(row, from, to, [r, g, b]) {
	for (let x = from; x < to; x++) {
		const at = 1 + x * BYTES_PER_PIXEL;
		row[at] = r;
		row[at + 1] = g;
		row[at + 2] = b;
	}
}

/** How many bottom rows must be noise so that the file is about `imageBytes` long. */
function noiseRowsFor(width, height, imageBytes) {
	if (!imageBytes || imageBytes <= 0) return 0;
	const rowLength = width * BYTES_PER_PIXEL + 1;
	// Stored deflate costs 5 bytes per 64 KiB block on top of the raw rows.
	const perRow = rowLength * (1 + 5 / 65535);
	const rows = Math.ceil(imageBytes / perRow);
	const minContentRows = Math.min(height, BAND_COUNT);
	return Math.max(0, Math.min(rows, height - minContentRows));
}

/**
 * Render a synthetic PNG as parts to stream in order.
 *
 * @param {object} options
 * @param {number} options.width
 * @param {number} options.height
 * @param {string} options.seed what makes the picture unique (the emulator uses prompt + index)
 * @param {number} [options.imageBytes] pad with noise so the file is about this many bytes
 * @param {string} [options.comment] written as a tEXt "Comment" chunk
 * @returns {{parts: Buffer[], length: number}}
 */
function renderPngParts({ width, height, seed, imageBytes = 0, comment }) {
	assertDimensions(width, height);
	const stride = width * BYTES_PER_PIXEL;
	const palette = paletteFromSeed(seed);
	const noiseRows = noiseRowsFor(width, height, imageBytes);
	const contentRows = height - noiseRows;

	// Content: bands of one pixel row followed by zero rows. Equal band heights (the last one
	// takes the remainder) keep the number of distinct cached zero runs at two per size.
	const bands = Math.min(BAND_COUNT, contentRows);
	const bandHeight = Math.floor(contentRows / bands);
	const segments = [];
	for (let band = 0; band < bands; band++) {
		const rows = band === bands - 1 ? contentRows - bandHeight * (bands - 1) : bandHeight;
		segments.push(deflateSegment(bandRow(width, band, palette), 6));
		if (rows > 1) segments.push(zeroRunSegment(stride, rows - 1));
	}

	let adler = 1;
	for (const segment of segments) adler = adler32Combine(adler, segment.adler, segment.rawLength);
	const idatParts = [ZLIB_HEADER, ...segments.map((s) => s.data)];

	const parts = [PNG_SIGNATURE, makeIhdr(width, height)];
	if (comment) parts.push(makeText('Comment', comment));
	parts.push(makeChunk('IDAT', Buffer.concat(idatParts)));
	if (noiseRows > 0) {
		const noise = noiseChunk(stride, noiseRows);
		adler = adler32Combine(adler, noise.adler, noise.rawLength);
		parts.push(noise.chunk);
	}
	const trailer = Buffer.alloc(6);
	FINAL_EMPTY_BLOCK.copy(trailer, 0);
	trailer.writeUInt32BE(adler, 2);
	parts.push(makeChunk('IDAT', trailer), IEND_CHUNK);

	return { parts, length: parts.reduce((sum, part) => sum + part.length, 0) };
}

/** Same as renderPngParts, as one Buffer. */
function renderPng(options) {
	const { parts, length } = renderPngParts(options);
	return Buffer.concat(parts, length);
}

/**
 * Plain PNG encoder for small fixtures: `rgb` is width*height*3 bytes (default mid grey).
 * Not tuned for size or speed; use renderPng for big synthetic images.
 */
function encodePng(width, height, rgb) {
	assertDimensions(width, height);
	const stride = width * BYTES_PER_PIXEL;
	const raw = Buffer.alloc(height * (stride + 1));
	for (let y = 0; y < height; y++) {
		const at = y * (stride + 1);
		raw[at] = 0;
		if (rgb) rgb.copy(raw, at + 1, y * stride, (y + 1) * stride);
		else raw.fill(128, at + 1, at + 1 + stride);
	}
	return Buffer.concat([
		PNG_SIGNATURE,
		makeIhdr(width, height),
		makeChunk('IDAT', zlib.deflateSync(raw)),
		IEND_CHUNK,
	]);
}

function assertDimensions(width, height) {
	for (const [name, value] of [
		['width', width],
		['height', height],
	]) {
		if (!Number.isInteger(value) || value < 1 || value > 0x7fffffff) {
			throw new RangeError(`PNG ${name} must be a positive integer, got ${value}`);
		}
	}
}

// ---------------------------------------------------------------------------------------------
// Reading image headers
// ---------------------------------------------------------------------------------------------

/** The image format from magic numbers alone, or null. */
function detectImageFormat(buffer) {
	if (!Buffer.isBuffer(buffer) || buffer.length < 4) return null;
	if (buffer.length >= 8 && buffer.subarray(0, 8).equals(PNG_SIGNATURE)) return 'png';
	if (buffer[0] === 0xff && buffer[1] === 0xd8 && buffer[2] === 0xff) return 'jpeg';
	const head = buffer.toString('latin1', 0, Math.min(12, buffer.length));
	if (head.startsWith('GIF87a') || head.startsWith('GIF89a')) return 'gif';
	if (head.startsWith('BM')) return 'bmp';
	if (head.startsWith('RIFF') && head.slice(8, 12) === 'WEBP') return 'webp';
	if (head.startsWith('II*\0') || head.startsWith('MM\0*')) return 'tiff';
	return null;
}

/**
 * `{format, width, height}` read from the file's own headers (no decoding), or null when the
 * format is unknown or its header is too short or malformed to give a size.
 */
function readImageInfo(buffer) {
	const format = detectImageFormat(buffer);
	if (!format) return null;
	const readers = {
		png: pngSize,
		jpeg: jpegSize,
		gif: gifSize,
		bmp: bmpSize,
		webp: webpSize,
		tiff: tiffSize,
	};
	let size = null;
	try {
		size = readers[format](buffer);
	} catch {
		size = null; // a header that runs past the end of the buffer
	}
	if (!size || !(size.width > 0) || !(size.height > 0)) return null;
	return { format, width: size.width, height: size.height };
}

function pngSize(b) {
	if (b.toString('latin1', 12, 16) !== 'IHDR') return null;
	return { width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
}

// Start-of-frame markers carry the size; C4 (DHT), C8 (JPG) and CC (DAC) share the range but don't.
const JPEG_SOF = new Set([
	0xc0, 0xc1, 0xc2, 0xc3, 0xc5, 0xc6, 0xc7, 0xc9, 0xca, 0xcb, 0xcd, 0xce, 0xcf,
]);

function jpegSize(b) {
	let at = 2;
	while (at + 4 <= b.length) {
		if (b[at] !== 0xff) return null; // lost sync: not a marker where one must be
		const marker = b[at + 1];
		if (marker === 0xff) {
			at += 1; // fill byte before a marker
			continue;
		}
		// Markers without a length field: TEM, RST0-7, SOI, EOI.
		if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9)) {
			at += 2;
			continue;
		}
		if (JPEG_SOF.has(marker)) {
			return { height: b.readUInt16BE(at + 5), width: b.readUInt16BE(at + 7) };
		}
		if (marker === 0xda) return null; // start of scan before any frame header
		at += 2 + b.readUInt16BE(at + 2);
	}
	return null;
}

function gifSize(b) {
	return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
}

function bmpSize(b) {
	const dibSize = b.readUInt32LE(14);
	if (dibSize === 12) return { width: b.readUInt16LE(18), height: b.readUInt16LE(20) }; // OS/2 v1
	if (dibSize < 40) return null;
	// A negative height means rows are stored top-down; the size is its absolute value.
	return { width: Math.abs(b.readInt32LE(18)), height: Math.abs(b.readInt32LE(22)) };
}

function webpSize(b) {
	const chunk = b.toString('latin1', 12, 16);
	if (chunk === 'VP8 ') {
		// Key frame: 3-byte frame tag, start code 9d 01 2a, then 14-bit width and height.
		if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return null;
		return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
	}
	if (chunk === 'VP8L') {
		if (b[20] !== 0x2f) return null; // lossless signature byte
		const bits = b.readUInt32LE(21);
		return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
	}
	if (chunk === 'VP8X') {
		// Canvas size minus one, 24-bit little endian each.
		return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
	}
	return null;
}

const TIFF_IMAGE_WIDTH = 256;
const TIFF_IMAGE_LENGTH = 257;
const TIFF_SHORT = 3;
const TIFF_LONG = 4;

function tiffSize(b) {
	const little = b[0] === 0x49;
	const u16 = (at) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
	const u32 = (at) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
	const ifd = u32(4);
	const entries = u16(ifd);
	const size = {};
	for (let i = 0; i < entries; i++) {
		const at = ifd + 2 + i * 12;
		const tag = u16(at);
		if (tag !== TIFF_IMAGE_WIDTH && tag !== TIFF_IMAGE_LENGTH) continue;
		const type = u16(at + 2);
		// A single SHORT sits in the first two bytes of the 4-byte value field.
		const value = type === TIFF_SHORT ? u16(at + 8) : type === TIFF_LONG ? u32(at + 8) : null;
		if (value === null) return null;
		size[tag === TIFF_IMAGE_WIDTH ? 'width' : 'height'] = value;
	}
	return size.width && size.height ? size : null;
}

module.exports = {
	renderPngParts,
	renderPng,
	encodePng,
	detectImageFormat,
	readImageInfo,
};
