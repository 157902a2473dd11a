// Image files for tests, made in code so no fixture binaries are committed. PNGs are real
// (the emulator's encoder); the other formats carry a correct signature and header, which is
// all the node reads (format and dimensions) before sending them on.
const { renderPng } = require('../emulator/png');

/** A real PNG; different seeds give different pixels. */
function png(width = 16, height = 16, seed = 'fixture') {
	return renderPng({ width, height, seed: String(seed) });
}

function jpeg(width = 32, height = 24) {
	const app0 = Buffer.from('ffe000104a46494600010100000100010000', 'hex');
	const sof0 = Buffer.alloc(19);
	sof0.writeUInt16BE(0xffc0, 0);
	sof0.writeUInt16BE(17, 2);
	sof0[4] = 8;
	sof0.writeUInt16BE(height, 5);
	sof0.writeUInt16BE(width, 7);
	sof0[9] = 3;
	return Buffer.concat([Buffer.from('ffd8', 'hex'), app0, sof0, Buffer.from('ffd9', 'hex')]);
}

function gif(width = 20, height = 20) {
	const header = Buffer.alloc(13);
	header.write('GIF89a', 0, 'latin1');
	header.writeUInt16LE(width, 6);
	header.writeUInt16LE(height, 8);
	return Buffer.concat([header, Buffer.from('3b', 'hex')]);
}

function bmp(width = 20, height = 20) {
	const file = Buffer.alloc(54 + width * height * 3);
	file.write('BM', 0, 'latin1');
	file.writeUInt32LE(file.length, 2);
	file.writeUInt32LE(54, 10);
	file.writeUInt32LE(40, 14);
	file.writeInt32LE(width, 18);
	file.writeInt32LE(height, 22);
	file.writeUInt16LE(1, 26);
	file.writeUInt16LE(24, 28);
	return file;
}

function webp(width = 40, height = 30) {
	const file = Buffer.alloc(30);
	file.write('RIFF', 0, 'latin1');
	file.writeUInt32LE(22, 4);
	file.write('WEBPVP8X', 8, 'latin1');
	file.writeUInt32LE(10, 16);
	file.writeUIntLE(width - 1, 24, 3);
	file.writeUIntLE(height - 1, 27, 3);
	return file;
}

function tiff(width = 50, height = 60) {
	const file = Buffer.alloc(8 + 2 + 2 * 12 + 4);
	file.write('II', 0, 'latin1');
	file.writeUInt16LE(42, 2);
	file.writeUInt32LE(8, 4);
	file.writeUInt16LE(2, 8);
	[[256, width], [257, height]].forEach(([tag, value], index) => {
		const at = 10 + index * 12;
		file.writeUInt16LE(tag, at);
		file.writeUInt16LE(4, at + 2);
		file.writeUInt32LE(1, at + 4);
		file.writeUInt32LE(value, at + 8);
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
