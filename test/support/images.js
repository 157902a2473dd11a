// Image files for tests, made in code so no fixture binaries are committed. PNGs are real
// (the emulator's encoder); the other formats carry a correct signature and header, which is
// all the node reads (format and dimensions) before sending them on.
const { renderPng } = require('../emulator/png');

/** A real PNG; different seeds give different pixels. */
function png(width = 16, height = 16, seed = 'fixture') {
	return renderPng({ width, height, seed: String(seed) });
}

/**
 * A JPEG header. `exif` puts an APP1 (EXIF) segment of that many bytes before the frame header, as
 * cameras do; `tables` puts quantisation and Huffman tables (DQT, DHT) there, as encoders do;
 * `progressive` writes the frame header as SOF2 instead of SOF0.
 */
function jpeg(width = 32, height = 24, { exif = 0, tables = false, progressive = false } = {}) {
	const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
	const segments = [];
	if (exif > 0) {
		const app1 = Buffer.alloc(Math.max(exif, 10), 0x2a);
		app1.writeUInt16BE(0xffe1, 0);
		app1.writeUInt16BE(app1.length - 2, 2);
		app1.write('Exif\0\0', 4, 'latin1');
		segments.push(app1);
	}
	if (tables) {
		const dqt = Buffer.alloc(2 + 67, 1);
		dqt.writeUInt16BE(0xffdb, 0);
		dqt.writeUInt16BE(67, 2);
		dqt[4] = 0;
		const dht = Buffer.alloc(2 + 31, 0);
		dht.writeUInt16BE(0xffc4, 0);
		dht.writeUInt16BE(31, 2);
		segments.push(dqt, dht);
	}
	const sof = Buffer.alloc(19);
	sof.writeUInt16BE(progressive ? 0xffc2 : 0xffc0, 0);
	sof.writeUInt16BE(17, 2);
	sof[4] = 8;
	sof.writeUInt16BE(height, 5);
	sof.writeUInt16BE(width, 7);
	sof[9] = 3;
	return Buffer.concat([Buffer.from('ffd8', 'hex'), app0, ...segments, sof, Buffer.from('ffd9', 'hex')]);
}

function gif(width = 20, height = 20) {
	const header = Buffer.alloc(13);
	header.write('GIF89a', 0, 'latin1');
	header.writeUInt16LE(width, 6);
	header.writeUInt16LE(height, 8);
	return Buffer.concat([header, Buffer.from('3b', 'hex')]);
}

/** A 24-bit BMP; `topDown` stores the rows top first, which the header says with a negative height. */
function bmp(width = 20, height = 20, { topDown = false } = {}) {
	const file = Buffer.alloc(54 + width * height * 3);
	file.write('BM', 0, 'latin1');
	file.writeUInt32LE(file.length, 2);
	file.writeUInt32LE(54, 10);
	file.writeUInt32LE(40, 14);
	file.writeInt32LE(width, 18);
	file.writeInt32LE(topDown ? -height : height, 22);
	file.writeUInt16LE(1, 26);
	file.writeUInt16LE(24, 28);
	return file;
}

/**
 * A WebP header in one of its three layouts: `VP8X` (extended, the default), `VP8L` (lossless) or
 * `VP8 ` (lossy), each of which stores the size differently.
 */
function webp(width = 40, height = 30, { chunk = 'VP8X' } = {}) {
	const file = Buffer.alloc(30);
	file.write('RIFF', 0, 'latin1');
	file.writeUInt32LE(22, 4);
	file.write('WEBP', 8, 'latin1');
	file.write(chunk, 12, 'latin1');
	file.writeUInt32LE(10, 16);
	if (chunk === 'VP8X') {
		file.writeUIntLE(width - 1, 24, 3);
		file.writeUIntLE(height - 1, 27, 3);
	} else if (chunk === 'VP8L') {
		file[20] = 0x2f;
		// 14 bits each of width - 1 and height - 1, then alpha and version bits.
		file.writeUInt32LE(((width - 1) | ((height - 1) << 14) | (1 << 28)) >>> 0, 21);
	} else {
		// Frame tag (a key frame), start code, then 14-bit width and height with 2 scale bits.
		Buffer.from('9d012a', 'hex').copy(file, 23);
		file.writeUInt16LE(width | (1 << 14), 26);
		file.writeUInt16LE(height | (2 << 14), 28);
	}
	return file;
}

/**
 * A TIFF header: little-endian (II) by default, big-endian (MM) with `bigEndian`; the width and
 * height tags as LONG values, or as SHORT values with `short`.
 */
function tiff(width = 50, height = 60, { bigEndian = false, short = false } = {}) {
	const file = Buffer.alloc(8 + 2 + 2 * 12 + 4);
	const u16 = (value, at) => (bigEndian ? file.writeUInt16BE(value, at) : file.writeUInt16LE(value, at));
	const u32 = (value, at) => (bigEndian ? file.writeUInt32BE(value, at) : file.writeUInt32LE(value, at));
	file.write(bigEndian ? 'MM' : 'II', 0, 'latin1');
	u16(42, 2);
	u32(8, 4);
	u16(2, 8);
	[[256, width], [257, height]].forEach(([tag, value], index) => {
		const at = 10 + index * 12;
		u16(tag, at);
		u16(short ? 3 : 4, at + 2);
		u32(1, at + 4);
		// A SHORT sits in the first two bytes of the value field, whatever the byte order.
		if (short) u16(value, at + 8);
		else u32(value, at + 8);
	});
	return file;
}

/** A PNG of about `bytes` bytes: a valid header followed by padding (only the header is read). */
function largePng(bytes) {
	const head = png(64, 64);
	return Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length), 7)]);
}

/** `bytes` as a data URI declaring image/<format> (what the node sends for a reference). */
function dataUri(bytes, format = 'png') {
	return `data:image/${format};base64,${bytes.toString('base64')}`;
}

module.exports = { png, jpeg, gif, bmp, webp, tiff, largePng, dataUri };
