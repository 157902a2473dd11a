import type { ImageFormat } from '../models';

export interface ImageInfo {
	format: ImageFormat;
	mimeType: string;
	extension: string;
	/** Undefined when the header that holds it is not within the bytes given. */
	width?: number;
	height?: number;
}

const EXTENSIONS: Record<ImageFormat, string> = {
	jpeg: 'jpg',
	png: 'png',
	webp: 'webp',
	bmp: 'bmp',
	tiff: 'tiff',
	gif: 'gif',
};

function startsWith(bytes: Buffer, signature: number[], offset = 0): boolean {
	if (bytes.length < offset + signature.length) return false;
	return signature.every((byte, index) => bytes[offset + index] === byte);
}

/** The format from the file's magic number: what the bytes are, whatever a name or header says. */
export function sniffFormat(bytes: Buffer): ImageFormat | undefined {
	if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
	if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
	if (startsWith(bytes, [0x47, 0x49, 0x46, 0x38])) return 'gif';
	if (
		startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) &&
		startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)
	) {
		return 'webp';
	}
	if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) {
		return 'tiff';
	}
	if (startsWith(bytes, [0x42, 0x4d]) && bytes.length >= 26) return 'bmp';
	return undefined;
}

function jpegDimensions(bytes: Buffer): [number, number] | undefined {
	let offset = 2;
	while (offset + 9 < bytes.length) {
		if (bytes[offset] !== 0xff) {
			offset++;
			continue;
		}
		const marker = bytes[offset + 1];
		// Fill bytes and markers without a length.
		if (marker === 0xff || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
			offset += marker === 0xff ? 1 : 2;
			continue;
		}
		const isStartOfFrame =
			marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
		if (isStartOfFrame) {
			return [bytes.readUInt16BE(offset + 7), bytes.readUInt16BE(offset + 5)];
		}
		offset += 2 + bytes.readUInt16BE(offset + 2);
	}
	return undefined;
}

function webpDimensions(bytes: Buffer): [number, number] | undefined {
	if (bytes.length < 30) return undefined;
	const chunk = bytes.toString('ascii', 12, 16);
	if (chunk === 'VP8X') {
		return [bytes.readUIntLE(24, 3) + 1, bytes.readUIntLE(27, 3) + 1];
	}
	if (chunk === 'VP8L') {
		const bits = bytes.readUInt32LE(21);
		return [(bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1];
	}
	if (chunk === 'VP8 ') {
		return [bytes.readUInt16LE(26) & 0x3fff, bytes.readUInt16LE(28) & 0x3fff];
	}
	return undefined;
}

function tiffDimensions(bytes: Buffer): [number, number] | undefined {
	// The magic number takes 4 bytes, the offset of the first directory the next 4.
	if (bytes.length < 8) return undefined;
	const little = bytes[0] === 0x49;
	const u16 = (at: number) => (little ? bytes.readUInt16LE(at) : bytes.readUInt16BE(at));
	const u32 = (at: number) => (little ? bytes.readUInt32LE(at) : bytes.readUInt32BE(at));
	const ifd = u32(4);
	if (ifd + 2 > bytes.length) return undefined;
	let width: number | undefined;
	let height: number | undefined;
	const entries = u16(ifd);
	for (let entry = 0; entry < entries; entry++) {
		const at = ifd + 2 + entry * 12;
		if (at + 12 > bytes.length) break;
		const tag = u16(at);
		const type = u16(at + 2);
		const value = type === 3 ? u16(at + 8) : u32(at + 8);
		if (tag === 256) width = value;
		if (tag === 257) height = value;
	}
	return width && height ? [width, height] : undefined;
}

function dimensions(format: ImageFormat, bytes: Buffer): [number, number] | undefined {
	switch (format) {
		case 'png':
			return bytes.length >= 24 ? [bytes.readUInt32BE(16), bytes.readUInt32BE(20)] : undefined;
		case 'gif':
			return bytes.length >= 10 ? [bytes.readUInt16LE(6), bytes.readUInt16LE(8)] : undefined;
		case 'bmp':
			// Height is negative for top-down bitmaps.
			return [bytes.readInt32LE(18), Math.abs(bytes.readInt32LE(22))];
		case 'jpeg':
			return jpegDimensions(bytes);
		case 'webp':
			return webpDimensions(bytes);
		case 'tiff':
			return tiffDimensions(bytes);
	}
}

/** Format, mime type, extension and (when the header is present) size of an image's bytes. */
export function readImageInfo(bytes: Buffer): ImageInfo | undefined {
	const format = sniffFormat(bytes);
	if (!format) return undefined;
	const size = dimensions(format, bytes);
	return {
		format,
		mimeType: `image/${format}`,
		extension: EXTENSIONS[format],
		width: size?.[0],
		height: size?.[1],
	};
}

/** Names what non-image bytes look like, so an error can say what was found instead. */
export function describeBytes(bytes: Buffer): string {
	if (bytes.length === 0) return 'an empty file';
	const head = bytes.subarray(0, 8).toString('latin1');
	if (head.startsWith('%PDF')) return 'a PDF document';
	if (startsWith(bytes, [0x50, 0x4b, 0x03, 0x04])) return 'a ZIP archive';
	if (/^\s*[{[]/.test(head)) return 'JSON text';
	if (/^\s*</.test(head)) return 'HTML or XML text';
	if (/^[A-Za-z0-9+/=\s]+$/.test(bytes.subarray(0, 64).toString('latin1'))) {
		return 'plain text (base64 text, perhaps, rather than binary data?)';
	}
	const sample = bytes.subarray(0, 40).toString('latin1');
	if (/^[\x20-\x7e\r\n\t]+$/.test(sample)) return `text ("${sample.trim().slice(0, 30)}")`;
	return `unknown bytes (starting ${bytes.subarray(0, 4).toString('hex')})`;
}
