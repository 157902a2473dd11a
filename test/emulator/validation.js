'use strict';

/**
 * Request-body checks of POST /v3/seedream-4.5, as documented for Seedream 4.5 (see
 * shared/design/api-notes.md). Each check throws a ValidationError whose message says what is
 * wrong, and the server answers it as 400 INVALID_REQUEST_BODY.
 */

const crypto = require('node:crypto');
const { detectImageFormat, readImageInfo } = require('./png');

const MIN_PIXELS = 3686400;
const MAX_PIXELS = 16777216;
const MAX_ASPECT_RATIO = 16;
const DEFAULT_SIZE = { width: 2048, height: 2048 };
const NAMED_SIZES = { '2k': { width: 2048, height: 2048 }, '4k': { width: 4096, height: 4096 } };

const MAX_REFERENCES = 14;
const MAX_SET_TOTAL = 15; // reference images + generated images, in `auto` mode
const DEFAULT_MAX_IMAGES = 15;
const REFERENCE_FORMATS = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'];
const MAX_REFERENCE_BYTES = 10 * 1024 * 1024;
const MIN_REFERENCE_SIDE = 14; // width and height must be greater than this
// "At most 6000x6000" is read as a pixel budget (as in the model docs' "total pixels"), so a
// 7000x3000 reference passes.
const MAX_REFERENCE_PIXELS = 6000 * 6000;

const SEQUENTIAL_MODES = ['auto', 'disabled'];
const OPTIMIZE_MODES = ['standard', 'fast'];

const DATA_URI = /^data:image\/([^;,]*);base64,/;

class ValidationError extends Error {}

function fail(message) {
	throw new ValidationError(message);
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function formatRatio(ratio) {
	return Number.isInteger(ratio) ? String(ratio) : ratio.toFixed(4).replace(/0+$/, '');
}

/** What is wrong with the shape width x height (of a size or a reference), or null. */
function aspectRatioProblem(width, height) {
	const ratio = width / height;
	if (ratio >= 1 / MAX_ASPECT_RATIO && ratio <= MAX_ASPECT_RATIO) return null;
	return `aspect ratio ${formatRatio(ratio)} out of range [1/16, 16]`;
}

function checkAspectRatio(label, width, height) {
	const problem = aspectRatioProblem(width, height);
	if (problem) fail(`${label}: ${problem}`);
}

/** `2K`, `4K` (any case) or `WxH` to pixel dimensions; absent means 2048x2048. */
function resolveSize(size) {
	if (size === undefined) return { ...DEFAULT_SIZE };
	if (typeof size !== 'string') {
		fail('size must be a string: "2K", "4K" or "WxH" such as "2048x2048"');
	}
	const named = NAMED_SIZES[size.toLowerCase()];
	if (named) return { ...named };
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) fail(`size ${size}: expected "2K", "4K" or "WxH" such as "2048x2048"`);
	const width = Number(match[1]);
	const height = Number(match[2]);
	const pixels = width * height;
	if (pixels < MIN_PIXELS || pixels > MAX_PIXELS) {
		fail(`size ${size}: total pixels ${pixels} out of range [${MIN_PIXELS}, ${MAX_PIXELS}]`);
	}
	checkAspectRatio(`size ${size}`, width, height);
	return { width, height };
}

/**
 * What a reference image entry is, without judging it: `{kind: 'url', url}` or, for a data URI,
 * `{kind: 'data', declaredFormat, format, bytes, width, height, sha256, problem}` where `problem`
 * is why it cannot be used (null when it can).
 */
function inspectReference(entry) {
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
	return inspectDataUri(match[1], entry.slice(match[0].length));
}

function inspectDataUri(declaredFormat, data) {
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
	if (!REFERENCE_FORMATS.includes(declaredFormat)) {
		const lower = declaredFormat.toLowerCase();
		result.problem = REFERENCE_FORMATS.includes(lower)
			? `format must be lower case: "${lower}", not "${declaredFormat}"`
			: `unsupported format "${declaredFormat}"; expected one of ${REFERENCE_FORMATS.join(', ')}`;
		return result;
	}
	if (data.length === 0) return { ...result, problem: 'empty base64 data' };
	if (data.length % 4 !== 0) return { ...result, problem: 'data is not valid base64' };
	// Size from the text first, so an oversized upload is refused without decoding it.
	const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
	result.bytes = (data.length / 4) * 3 - padding;
	if (result.bytes > MAX_REFERENCE_BYTES) {
		result.problem = `${result.bytes} bytes decoded, more than ${MAX_REFERENCE_BYTES} (10 MB)`;
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
	result.problem = referenceImageProblem(declaredFormat, result.format, info);
	return result;
}

function referenceImageProblem(declaredFormat, detectedFormat, info) {
	if (detectedFormat !== declaredFormat) {
		return `declared ${declaredFormat} but the data is ${detectedFormat ?? 'not a recognised image'}`;
	}
	if (!info) return `the ${declaredFormat} header could not be read`;
	const { width, height } = info;
	if (width <= MIN_REFERENCE_SIDE || height <= MIN_REFERENCE_SIDE) {
		return `${width}x${height}: width and height must be greater than ${MIN_REFERENCE_SIDE}`;
	}
	const ratioProblem = aspectRatioProblem(width, height);
	if (ratioProblem) return `${width}x${height}: ${ratioProblem}`;
	if (width * height > MAX_REFERENCE_PIXELS) {
		return `${width}x${height}: more than 6000x6000 pixels`;
	}
	return null;
}

function validateReferences(image) {
	if (image === undefined) return [];
	if (!Array.isArray(image)) fail('image must be an array of URLs or data URIs');
	if (image.length < 1 || image.length > MAX_REFERENCES) {
		fail(`image has ${image.length} entries; expected 1 to ${MAX_REFERENCES}`);
	}
	return image.map((entry, index) => {
		const reference = inspectReference(entry);
		if (reference.problem) fail(`image[${index}]: ${reference.problem}`);
		return reference;
	});
}

function validatePrompt(prompt) {
	if (prompt === undefined) fail('prompt is required');
	if (typeof prompt !== 'string') fail('prompt must be a string');
	if (prompt.trim() === '') fail('prompt must not be blank');
	return prompt;
}

function validateSequential(body, referenceCount) {
	const mode = body.sequential_image_generation;
	if (mode !== undefined && !SEQUENTIAL_MODES.includes(mode)) {
		fail(`sequential_image_generation must be one of ${SEQUENTIAL_MODES.join(', ')}`);
	}
	const options = body.sequential_image_generation_options;
	let maxImages;
	if (options !== undefined) {
		if (!isObject(options)) fail('sequential_image_generation_options must be an object');
		maxImages = options.max_images;
		if (
			maxImages !== undefined &&
			!(Number.isInteger(maxImages) && maxImages >= 1 && maxImages <= 15)
		) {
			fail('sequential_image_generation_options.max_images must be an integer from 1 to 15');
		}
	}
	if (mode === 'auto') {
		const total = referenceCount + (maxImages ?? DEFAULT_MAX_IMAGES);
		if (total > MAX_SET_TOTAL) {
			fail(
				`${referenceCount} reference images + max_images ${maxImages ?? DEFAULT_MAX_IMAGES}` +
					` = ${total}, more than ${MAX_SET_TOTAL}`,
			);
		}
	}
	return { mode: mode ?? 'disabled', maxImages };
}

function validateOptimize(options) {
	if (options === undefined) return undefined;
	if (!isObject(options)) fail('optimize_prompt_options must be an object');
	if (options.mode !== undefined && !OPTIMIZE_MODES.includes(options.mode)) {
		fail(`optimize_prompt_options.mode must be one of ${OPTIMIZE_MODES.join(', ')}`);
	}
	return options.mode;
}

/**
 * Check a parsed body; returns what generation needs, or throws ValidationError. The first
 * problem found is reported, as a single message.
 */
function validateGenerationBody(body) {
	if (!isObject(body)) fail('request body must be a JSON object');
	const prompt = validatePrompt(body.prompt);
	const size = resolveSize(body.size);
	const references = validateReferences(body.image);
	if (body.watermark !== undefined && typeof body.watermark !== 'boolean') {
		fail('watermark must be a boolean');
	}
	const sequential = validateSequential(body, references.length);
	const optimizeMode = validateOptimize(body.optimize_prompt_options);
	return {
		prompt,
		width: size.width,
		height: size.height,
		references,
		mode: sequential.mode,
		maxImages: sequential.maxImages,
		watermark: body.watermark ?? true,
		optimizeMode,
	};
}

/**
 * How many images a valid request yields: 1 unless `auto`; in `auto` the number the prompt asks
 * for ("a set of 4 images"), 3 if it names none, capped by max_images and the 15-image budget.
 */
function countImages(request) {
	if (request.mode !== 'auto') return 1;
	const asked = /(\d+)\s+images?/i.exec(request.prompt);
	const wanted = asked ? Number(asked[1]) : 3;
	const cap = Math.min(
		request.maxImages ?? DEFAULT_MAX_IMAGES,
		MAX_SET_TOTAL - request.references.length,
	);
	return Math.max(1, Math.min(cap, wanted));
}

/** Summary of a reference for the request log: data URIs shrink to what tests need to assert. */
function summarizeReference(entry, reference = inspectReference(entry)) {
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

/** The body as recorded: a copy where each data-URI image is replaced by its summary. */
function summarizeBody(body, references) {
	if (!isObject(body)) return body;
	// A lone string instead of an array is invalid, but a data URI must still not be logged whole.
	if (typeof body.image === 'string') return { ...body, image: summarizeReference(body.image) };
	if (!Array.isArray(body.image)) return body;
	return {
		...body,
		image: body.image.map((entry, i) => summarizeReference(entry, references?.[i])),
	};
}

module.exports = {
	ValidationError,
	validateGenerationBody,
	countImages,
	summarizeBody,
};
