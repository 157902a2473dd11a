'use strict';

/**
 * Reference images: what an entry of a model's reference field is (a URL or a data URI, decoded
 * and measured), whether that model can use it, and the short form the request log keeps.
 * `rules` is a model's `references` entry of models.js.
 */

const crypto = require('node:crypto');
const { detectImageFormat, readImageInfo } = require('./png');
const { MODELS, REFERENCE_FIELDS } = require('./models');

const DATA_URI = /^data:image\/([^;,]*);base64,/;

/** 4 decimals at most, no trailing zeros (and no "16." for 16.00001). */
const formatRatio = (ratio) => String(Number(ratio.toFixed(4)));

/**
 * What is wrong with the shape width x height (of a size or a reference) when the long side may
 * be at most `maxRatio` times the short one, or null. Compared in integers, so 1000x3000 against
 * 3 is exactly on the edge.
 */
function aspectRatioProblem(width, height, maxRatio) {
	if (Math.max(width, height) <= maxRatio * Math.min(width, height)) return null;
	return `aspect ratio ${formatRatio(width / height)} out of range [1/${maxRatio}, ${maxRatio}]`;
}

/**
 * What a reference entry is, judged by `rules`: `{kind: 'url', url}` or, for a data URI,
 * `{kind: 'data', declaredFormat, format, bytes, width, height, sha256}`; `problem` says why the
 * model cannot use it (null when it can).
 */
function inspectReference(entry, rules) {
	if (typeof entry !== 'string') return { kind: 'other', problem: 'expected a string' };
	if (/^https?:\/\//i.test(entry)) {
		try {
			new URL(entry);
			return { kind: 'url', url: entry, problem: null };
		} catch {
			return { kind: 'url', url: entry, problem: 'invalid URL' };
		}
	}
	const match = DATA_URI.exec(entry);
	if (!match) {
		return {
			kind: 'other',
			problem: 'expected an http(s) URL or a data:image/<format>;base64,<data> URI',
		};
	}
	return inspectDataUri(match[1], entry.slice(match[0].length), rules);
}

function inspectDataUri(declaredFormat, data, rules) {
	const result = {
		kind: 'data',
		declaredFormat,
		format: null,
		bytes: 0,
		width: null,
		height: null,
		sha256: null,
		problem: null,
	};
	if (!rules.formats.includes(declaredFormat)) {
		const lower = declaredFormat.toLowerCase();
		result.problem = rules.formats.includes(lower)
			? `format must be lower case: "${lower}", not "${declaredFormat}"`
			: `unsupported format "${declaredFormat}"; expected one of ${rules.formats.join(', ')}`;
		return result;
	}
	if (data.length === 0) return { ...result, problem: 'empty base64 data' };
	if (data.length % 4 !== 0) return { ...result, problem: 'data is not valid base64' };
	// Size from the text first, so an oversized upload is refused without decoding it.
	const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
	result.bytes = (data.length / 4) * 3 - padding;
	if (result.bytes > rules.maxBytes) {
		result.problem = `${result.bytes} bytes decoded, more than ${rules.maxBytes} (10 MB)`;
		return result;
	}
	// Node's decoder skips characters outside the alphabet; a round trip that gives back the
	// same text proves the data was strict base64, and is several times faster than a regex
	// over 13 MB of text.
	const bytes = Buffer.from(data, 'base64');
	if (bytes.toString('base64') !== data) return { ...result, problem: 'data is not valid base64' };
	result.sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
	result.format = detectImageFormat(bytes);
	const info = readImageInfo(bytes);
	if (info) {
		result.width = info.width;
		result.height = info.height;
	}
	result.problem = imageProblem(declaredFormat, result.format, info, rules);
	return result;
}

function imageProblem(declaredFormat, detectedFormat, info, rules) {
	if (detectedFormat !== declaredFormat) {
		return `declared ${declaredFormat} but the data is ${detectedFormat ?? 'not a recognised image'}`;
	}
	if (!info) return `the ${declaredFormat} header could not be read`;
	const { width, height } = info;
	if (width <= rules.minSide || height <= rules.minSide) {
		return `${width}x${height}: width and height must be greater than ${rules.minSide}`;
	}
	const ratioProblem = aspectRatioProblem(width, height, rules.maxAspectRatio);
	if (ratioProblem) return `${width}x${height}: ${ratioProblem}`;
	if (width * height > rules.maxPixels) {
		return `${width}x${height}: more than 6000x6000 pixels`;
	}
	return null;
}

/** Summary of a reference for the request log: data URIs shrink to what tests need to assert. */
function summarizeReference(entry, reference) {
	if (reference.kind !== 'data') return entry;
	return {
		dataUri: true,
		format: reference.format ?? reference.declaredFormat,
		bytes: reference.bytes,
		width: reference.width,
		height: reference.height,
		sha256: reference.sha256,
	};
}

/**
 * The body as recorded: a copy where each data-URI entry of any reference field (the model's
 * own or a wrong one, which must not be logged whole either) is replaced by its summary.
 * `references` are the inspections validation already made of the model's field, if any.
 */
function summarizeBody(body, modelId, references) {
	if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
	const rules = MODELS[modelId].references;
	const summarize = (entry, i, own) =>
		summarizeReference(entry, (own && references?.[i]) || inspectReference(entry, rules));
	const copy = { ...body };
	for (const field of REFERENCE_FIELDS) {
		const value = body[field];
		const own = field === rules.field;
		// A lone string instead of an array is invalid, but a data URI must still not be logged whole.
		if (typeof value === 'string') copy[field] = summarize(value, 0, false);
		else if (Array.isArray(value)) copy[field] = value.map((entry, i) => summarize(entry, i, own));
	}
	return copy;
}

module.exports = { aspectRatioProblem, inspectReference, summarizeBody };
