import type { IDataObject } from 'n8n-workflow';

/**
 * The API reference leaves the shape of each `images` entry open and the sister platforms
 * differ, so every shape seen in the wild is accepted: a URL string, a data URI, bare base64,
 * or an object with `url`, `image_url` or `b64_json`; an `error` entry marks one failed image.
 * Seedream 3.0 answers in two arrays of its own instead, `image_urls` (links) and
 * `binary_data_base64` (base64), the unused one empty or absent.
 */
export type ResultEntry =
	| { index: number; kind: 'url'; url: string }
	| { index: number; kind: 'inline'; bytes: Buffer }
	| { index: number; kind: 'failed'; code?: string; message: string };

export interface ParsedResponse {
	entries: ResultEntry[];
	usage?: IDataObject;
}

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

function fromString(index: number, value: string): ResultEntry {
	const text = value.trim();
	if (/^https?:\/\//i.test(text)) return { index, kind: 'url', url: text };
	const dataUri = /^data:[^,]*;base64,(.*)$/is.exec(text);
	if (dataUri) return { index, kind: 'inline', bytes: Buffer.from(dataUri[1], 'base64') };
	const compact = text.replace(/\s+/g, '');
	if (compact.length >= 16 && BASE64.test(compact)) {
		return { index, kind: 'inline', bytes: Buffer.from(compact, 'base64') };
	}
	return {
		index,
		kind: 'failed',
		message: `Unrecognised image entry: "${text.slice(0, 60)}"`,
	};
}

function describeError(error: unknown): { code?: string; message: string } {
	if (typeof error === 'string') return { message: error };
	if (error && typeof error === 'object') {
		const { code, message, reason } = error as IDataObject;
		return {
			code: code === undefined ? undefined : String(code),
			message: String(message ?? reason ?? JSON.stringify(error)),
		};
	}
	return { message: 'The API reported a failure for this image' };
}

function fromObject(index: number, value: IDataObject): ResultEntry {
	if (value.error !== undefined && value.error !== null) {
		return { index, kind: 'failed', ...describeError(value.error) };
	}
	for (const key of ['url', 'image_url', 'imageUrl']) {
		const candidate = value[key];
		if (typeof candidate === 'string') return fromString(index, candidate);
		if (
			candidate &&
			typeof candidate === 'object' &&
			typeof (candidate as IDataObject).url === 'string'
		) {
			return fromString(index, (candidate as IDataObject).url as string);
		}
	}
	for (const key of ['b64_json', 'b64', 'base64', 'data']) {
		const candidate = value[key];
		if (typeof candidate === 'string') return fromString(index, candidate);
	}
	return {
		index,
		kind: 'failed',
		message: `Unrecognised image entry with fields: ${Object.keys(value).join(', ') || 'none'}`,
	};
}

const EXPECTED = 'Expected a JSON object with an "images" (or "image_urls") array';

/** The answer's image entries, in whichever of the documented shapes it came. */
function imagesOf(record: IDataObject): unknown[] | undefined {
	const images = record.images ?? record.data;
	if (Array.isArray(images)) return images;
	const links = record.image_urls;
	const inline = record.binary_data_base64;
	if (!Array.isArray(links) && !Array.isArray(inline)) return undefined;
	return [...(Array.isArray(links) ? links : []), ...(Array.isArray(inline) ? inline : [])];
}

/** The answer's images, or what is wrong with its shape. */
export function parseResponse(body: unknown): ParsedResponse | { shapeError: string } {
	if (!body || typeof body !== 'object' || Array.isArray(body)) {
		return {
			shapeError: `${EXPECTED}, found ${Array.isArray(body) ? 'an array' : typeof body}`,
		};
	}
	const record = body as IDataObject;
	const images = imagesOf(record);
	if (!images) {
		return {
			shapeError: `${EXPECTED}, found the fields: ${Object.keys(record).join(', ') || 'none'}`,
		};
	}
	const entries = images.map((entry: unknown, index: number): ResultEntry => {
		if (typeof entry === 'string') return fromString(index, entry);
		if (entry && typeof entry === 'object') return fromObject(index, entry as IDataObject);
		return { index, kind: 'failed', message: `Empty image entry (${String(entry)})` };
	});
	const usage =
		record.usage && typeof record.usage === 'object' ? (record.usage as IDataObject) : undefined;
	return { entries, usage };
}
