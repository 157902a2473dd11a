import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import {
	IMAGE_HEADER_BYTES,
	MAX_ASPECT_RATIO,
	MAX_REFERENCE_BYTES,
	MAX_REFERENCE_IMAGES,
	MAX_REFERENCE_PIXELS,
	MIN_ASPECT_RATIO,
	MIN_REFERENCE_SIDE,
	REFERENCE_FORMATS,
	type ImageFormat,
} from './constants';
import { describeBytes, readImageInfo } from './imageInfo';
import { readUpTo } from './streams';

/**
 * Reference images are checked in two steps so that every check runs before any paid request,
 * yet each binary is read in full only once, when its request is built:
 * `inspectReferences` looks at metadata and the first bytes; `encodeReference` reads the bytes.
 */
export type Reference =
	| {
			kind: 'binary';
			itemIndex: number;
			property: string;
			format: ImageFormat;
			bytes: number;
			label: string;
	  }
	/** A URL, or a data URI already checked and normalised: sent as it is. */
	| { kind: 'text'; value: string; label: string };

const FORMAT_LIST = REFERENCE_FORMATS.join(', ');

export function isDataUri(value: string): boolean {
	return /^data:/i.test(value);
}

function megabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function problem(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

/** Checks the bytes the API will receive: format from the magic number, size and dimensions. */
function checkImageBytes(
	context: IExecuteFunctions,
	itemIndex: number,
	label: string,
	head: Buffer,
	totalBytes: number,
	declared: string | undefined,
): ImageFormat {
	const info = readImageInfo(head);
	if (!info) {
		throw problem(
			context,
			itemIndex,
			`${label} is not an image the API accepts: expected ${FORMAT_LIST}, found ${describeBytes(head)}` +
				(declared ? ` (declared as ${declared})` : ''),
			'Seedream accepts JPEG, PNG, WebP, BMP, TIFF and GIF references. Convert the file first, ' +
				'or check that the binary property holds the image and not, say, base64 text.',
		);
	}
	if (totalBytes > MAX_REFERENCE_BYTES) {
		throw problem(
			context,
			itemIndex,
			`${label} is ${megabytes(totalBytes)}; the API accepts references up to ${megabytes(MAX_REFERENCE_BYTES)}`,
			'Resize or recompress the image (for example with the Edit Image node) before this node.',
		);
	}
	const { width, height } = info;
	if (width !== undefined && height !== undefined) {
		const sizeText = `${width}x${height}`;
		if (width < MIN_REFERENCE_SIDE || height < MIN_REFERENCE_SIDE) {
			throw problem(
				context,
				itemIndex,
				`${label} is ${sizeText} pixels; the API needs width and height of at least ${MIN_REFERENCE_SIDE} pixels`,
			);
		}
		if (width * height > MAX_REFERENCE_PIXELS) {
			throw problem(
				context,
				itemIndex,
				`${label} is ${sizeText} pixels; the API accepts at most 6000x6000 (36 million) pixels`,
				'Resize the image (for example with the Edit Image node) before this node.',
			);
		}
		const ratio = width / height;
		if (ratio < MIN_ASPECT_RATIO || ratio > MAX_ASPECT_RATIO) {
			throw problem(
				context,
				itemIndex,
				`${label} is ${sizeText} pixels; the API accepts aspect ratios from 1:16 to 16:1`,
			);
		}
	}
	return info.format;
}

async function readHead(
	context: IExecuteFunctions,
	itemIndex: number,
	property: string,
	binary: IBinaryData,
): Promise<Buffer> {
	if (!binary.id) {
		// Kept in memory by n8n: the helper decodes it for us.
		return await context.helpers.getBinaryDataBuffer(itemIndex, property);
	}
	// Stored on disk or in a database: read only the first chunk.
	const stream = await context.helpers.getBinaryStream(binary.id, IMAGE_HEADER_BYTES);
	return await readUpTo(stream, IMAGE_HEADER_BYTES);
}

async function binaryByteLength(
	context: IExecuteFunctions,
	binary: IBinaryData,
	head: Buffer,
): Promise<number> {
	if (!binary.id) return head.length;
	if (typeof binary.bytes === 'number') return binary.bytes;
	return (await context.helpers.getBinaryMetadata(binary.id)).fileSize;
}

export function parseBinaryPropertyNames(value: string, item: INodeExecutionData): string[] {
	const trimmed = value.trim();
	if (trimmed === '*') return Object.keys(item.binary ?? {});
	return trimmed
		.split(',')
		.map((name) => name.trim())
		.filter((name) => name !== '');
}

async function inspectBinaryReferences(
	context: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
	propertyNames: string,
): Promise<Reference[]> {
	const names = parseBinaryPropertyNames(propertyNames, item);
	const available = Object.keys(item.binary ?? {});
	const availableText = available.length ? available.join(', ') : 'none';
	if (names.length === 0) {
		throw problem(
			context,
			itemIndex,
			propertyNames.trim() === '*'
				? `Item ${itemIndex} has no binary data to use as reference images`
				: 'No binary property names given for the reference images',
			'Set "Binary Property Names" to the binary fields of the input item that hold the images, ' +
				'for example "data" or "image1, image2", or "*" for all of them.',
		);
	}
	const references: Reference[] = [];
	for (const property of names) {
		const binary = item.binary?.[property];
		if (!binary) {
			throw problem(
				context,
				itemIndex,
				`Item ${itemIndex} has no binary property "${property}" (binary properties found: ${availableText})`,
				'The reference images are read from the binary data of each input item. Check the ' +
					'"Binary Property Names" parameter against the previous node\'s output.',
			);
		}
		const label = `Binary property "${property}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
		const head = await readHead(context, itemIndex, property, binary);
		const size = await binaryByteLength(context, binary, head);
		const format = checkImageBytes(context, itemIndex, label, head, size, binary.mimeType);
		references.push({ kind: 'binary', itemIndex, property, format, bytes: size, label });
	}
	return references;
}

/**
 * One URL or data URI per line; commas separate too, except the one inside a data URI.
 * An expression may also give an array.
 */
export function splitImageUrls(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((entry) => String(entry))
		: String(value ?? '').split(/[\r\n,]/);
	const entries: string[] = [];
	for (const raw of parts) {
		const part = raw.trim();
		if (part === '') continue;
		const previous = entries[entries.length - 1];
		// The comma after "data:image/png;base64" was split off: join the payload back.
		if (previous !== undefined && /^data:[^,]*$/i.test(previous)) {
			entries[entries.length - 1] = `${previous},${part}`;
		} else {
			entries.push(part);
		}
	}
	return entries;
}

function inspectDataUri(
	context: IExecuteFunctions,
	itemIndex: number,
	label: string,
	value: string,
): Reference {
	const match = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/is.exec(value);
	if (!match) {
		throw problem(
			context,
			itemIndex,
			`${label} is not a base64 data URI: expected data:image/<format>;base64,<data>, found "${value.slice(0, 40)}…"`,
		);
	}
	const payload = match[3].replace(/\s+/g, '');
	const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
	const totalBytes = Math.floor((payload.length * 3) / 4) - padding;
	const head = Buffer.from(payload.slice(0, Math.ceil(IMAGE_HEADER_BYTES / 3) * 4), 'base64');
	const format = checkImageBytes(context, itemIndex, label, head, totalBytes, match[1] || undefined);
	// The API wants the real format, in lower case, as it lists it (image/jpeg, not image/jpg).
	return { kind: 'text', value: `data:image/${format};base64,${payload}`, label };
}

function inspectUrlReferences(
	context: IExecuteFunctions,
	itemIndex: number,
	imageUrls: unknown,
): Reference[] {
	const entries = splitImageUrls(imageUrls);
	if (entries.length === 0) {
		throw problem(
			context,
			itemIndex,
			'No image URLs given: expected one URL or data URI per line',
			'Set "Image URLs", or choose "None" under "Reference Images" for text to image.',
		);
	}
	return entries.map((entry, position) => {
		const label = `Image URL ${position + 1}`;
		if (isDataUri(entry)) return inspectDataUri(context, itemIndex, label, entry);
		let url: URL | undefined;
		try {
			url = new URL(entry);
		} catch {
			url = undefined;
		}
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
			throw problem(
				context,
				itemIndex,
				`${label} is not an http(s) URL or data URI: found "${entry.slice(0, 80)}"`,
				'Give one https:// link or data:image/...;base64, URI per line. For images in the ' +
					'item\'s binary data, choose "From Binary Data" under "Reference Images".',
			);
		}
		return { kind: 'text', value: entry, label };
	});
}

export async function inspectReferences(
	context: IExecuteFunctions,
	itemIndex: number,
	item: INodeExecutionData,
	mode: string,
): Promise<Reference[]> {
	let references: Reference[];
	if (mode === 'binary') {
		const names = context.getNodeParameter('binaryPropertyNames', itemIndex, 'data') as string;
		references = await inspectBinaryReferences(context, itemIndex, item, names);
	} else if (mode === 'url') {
		references = inspectUrlReferences(
			context,
			itemIndex,
			context.getNodeParameter('imageUrls', itemIndex, ''),
		);
	} else {
		references = [];
	}
	checkReferenceCount(context, itemIndex, references.length);
	return references;
}

export function checkReferenceCount(
	context: IExecuteFunctions,
	itemIndex: number,
	count: number,
	combined = false,
): void {
	if (count > MAX_REFERENCE_IMAGES) {
		throw problem(
			context,
			itemIndex,
			`${count} reference images${combined ? ' across the combined items' : ''}; the API accepts at most ${MAX_REFERENCE_IMAGES}`,
			'Use fewer binary properties or URLs, or split the items.',
		);
	}
}

/** What goes into the request's `image` array: text as is, or binary bytes to base64-encode. */
export type EncodedReference = { text: string } | { prefix: string; bytes: Buffer };

export async function encodeReference(
	context: IExecuteFunctions,
	reference: Reference,
): Promise<EncodedReference> {
	if (reference.kind === 'text') return { text: reference.value };
	const bytes = await context.helpers.getBinaryDataBuffer(reference.itemIndex, reference.property);
	return { prefix: `data:image/${reference.format};base64,`, bytes };
}
