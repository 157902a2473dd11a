import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { IMAGE_HEADER_BYTES } from '../constants';
import type { ImageFormat, ModelRules } from '../models';
import { asGiven, InvalidInput } from '../errors/nodeErrors';
import { checkImageBytes, checkReferenceCount } from './referenceChecks';
import { readUpTo } from '../binary/streams';

/**
 * Reference images are checked in two steps so that every check runs before any paid request,
 * yet each binary is read in full only once, when its request is built:
 * `inspectReferences` looks at metadata and the first bytes; `encodeReference` reads the bytes.
 */
export type Reference = (
	| {
			kind: 'binary';
			itemIndex: number;
			property: string;
			format: ImageFormat;
			bytes: number;
	  }
	/** A URL, or a data URI already checked and normalised: sent as it is. */
	| { kind: 'text'; value: string }
) & {
	label: string;
	/** In pixels, read from the image's header: known for binary data and data URIs, not for links. */
	width?: number;
	height?: number;
};

export function isDataUri(value: string): boolean {
	return /^data:/i.test(value);
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

/** Comma-separated names (or a list from an expression); `*` is every binary of the item. */
export function parseBinaryPropertyNames(value: unknown, item: INodeExecutionData): string[] {
	const names = Array.isArray(value) ? value.map(String) : String(value ?? '').split(',');
	if (names.length === 1 && names[0].trim() === '*') return Object.keys(item.binary ?? {});
	return names.map((name) => name.trim()).filter((name) => name !== '');
}

async function inspectBinaryReferences(
	context: IExecuteFunctions,
	model: ModelRules,
	itemIndex: number,
	item: INodeExecutionData,
	propertyNames: unknown,
): Promise<Reference[]> {
	const names = parseBinaryPropertyNames(propertyNames, item);
	const available = Object.keys(item.binary ?? {});
	const availableText = available.length ? available.join(', ') : 'none';
	if (names.length === 0) {
		throw new InvalidInput(
			String(propertyNames).trim() === '*'
				? `Item ${itemIndex} has no binary data to use as reference images: expected at least one binary property, found none`
				: `No binary property names given for the reference images: expected names such as "data", found ${asGiven(propertyNames)}`,
			'Set "Binary Property Names" to the binary fields of the input item that hold the images, ' +
				'for example "data" or "image1, image2", or "*" for all of them.',
		);
	}
	const references: Reference[] = [];
	for (const property of names) {
		const binary = item.binary?.[property];
		if (!binary) {
			throw new InvalidInput(
				`Item ${itemIndex} has no binary property ${asGiven(property)} (binary properties found: ${availableText})`,
				'The reference images are read from the binary data of each input item. Check the ' +
					'"Binary Property Names" parameter against the previous node\'s output.',
			);
		}
		const label = `Binary property "${property}"${binary.fileName ? ` (${binary.fileName})` : ''}`;
		const head = await readHead(context, itemIndex, property, binary);
		const size = await binaryByteLength(context, binary, head);
		const { format, width, height } = checkImageBytes(model, label, head, size, binary.mimeType);
		references.push({
			kind: 'binary',
			itemIndex,
			property,
			format,
			bytes: size,
			label,
			width,
			height,
		});
	}
	return references;
}

/**
 * One URL or data URI per line; commas separate too, where a new URL or data URI follows, so the
 * commas inside a link (an image CDN's `w_400,h_300`, map coordinates) or a data URI stay. An
 * expression may also give an array: one entry each.
 */
export function splitImageUrls(value: unknown): string[] {
	const parts = Array.isArray(value)
		? value.map((entry) => String(entry).trim())
		: String(value ?? '')
				.split(/[\r\n]+|,(?=\s*(?:https?:|data:))/i)
				.map((part) => part.replace(/^[\s,]+|[\s,]+$/g, ''));
	const entries: string[] = [];
	for (const part of parts) {
		if (part === '') continue;
		const previous = entries[entries.length - 1];
		// "data:image/png;base64," with its payload on the next line: join the payload back.
		if (previous !== undefined && /^data:[^,]*$/i.test(previous)) {
			entries[entries.length - 1] = `${previous},${part}`;
		} else {
			entries.push(part);
		}
	}
	return entries;
}

function inspectDataUri(model: ModelRules, label: string, value: string): Reference {
	const match = /^data:([^;,]*)((?:;[^;,]*)*?);base64,(.*)$/is.exec(value);
	if (!match) {
		throw new InvalidInput(
			`${label} is not a base64 data URI: expected data:image/<format>;base64,<data>, found ${asGiven(value)}`,
		);
	}
	const payload = match[3].replace(/\s+/g, '');
	const padding = payload.endsWith('==') ? 2 : payload.endsWith('=') ? 1 : 0;
	const totalBytes = Math.floor((payload.length * 3) / 4) - padding;
	const head = Buffer.from(payload.slice(0, Math.ceil(IMAGE_HEADER_BYTES / 3) * 4), 'base64');
	const { format, width, height } = checkImageBytes(
		model,
		label,
		head,
		totalBytes,
		match[1] || undefined,
	);
	// The API wants the real format, in lower case, as it lists it (image/jpeg, not image/jpg).
	return { kind: 'text', value: `data:image/${format};base64,${payload}`, label, width, height };
}

function inspectUrlReferences(model: ModelRules, imageUrls: unknown): Reference[] {
	const entries = splitImageUrls(imageUrls);
	if (entries.length === 0) {
		throw new InvalidInput(
			`No image URLs given: expected one URL or data URI per line, found ${asGiven(imageUrls)}`,
			'Set "Image URLs", or choose "None" under "Reference Images" for text to image.',
		);
	}
	return entries.map((entry, position) => {
		const label = `Image URL ${position + 1}`;
		if (isDataUri(entry)) return inspectDataUri(model, label, entry);
		let url: URL | undefined;
		try {
			url = new URL(entry);
		} catch {
			url = undefined;
		}
		if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
			throw new InvalidInput(
				`${label} is not an http(s) URL or data URI: found ${asGiven(entry)}`,
				'Give one https:// link or data:image/...;base64, URI per line. For images in the ' +
					'item\'s binary data, choose "From Binary Data" under "Reference Images".',
			);
		}
		return { kind: 'text', value: entry, label };
	});
}

/** Every reference of one item, checked against the model's rules; nothing read in full. */
export async function inspectReferences(
	context: IExecuteFunctions,
	model: ModelRules,
	itemIndex: number,
	item: INodeExecutionData,
	mode: string,
): Promise<Reference[]> {
	let references: Reference[] = [];
	if (mode === 'binary') {
		const names = context.getNodeParameter('binaryPropertyNames', itemIndex, 'data');
		references = await inspectBinaryReferences(context, model, itemIndex, item, names);
	} else if (mode === 'url') {
		references = inspectUrlReferences(model, context.getNodeParameter('imageUrls', itemIndex, ''));
	}
	checkReferenceCount(model, references.length);
	return references;
}

/** What goes into the request's references: text as is, or binary bytes to base64-encode. */
export type EncodedReference = { text: string } | { prefix: string; bytes: Buffer };

export async function encodeReference(
	context: IExecuteFunctions,
	reference: Reference,
): Promise<EncodedReference> {
	if (reference.kind === 'text') return { text: reference.value };
	const bytes = await context.helpers.getBinaryDataBuffer(reference.itemIndex, reference.property);
	return { prefix: `data:image/${reference.format};base64,`, bytes };
}
