'use strict';

/**
 * Request-body checks of the text-to-image template (POST /v3/seedream-3-0-txt2img), as its
 * reference page documents it (shared/design/api-notes.md, "Seedream 3.0"), and its answer:
 * `{ "image_urls": [...], "binary_data_base64": [...] }`, the unused array empty.
 */

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

function resolveSize(size, model, fail) {
	const { minSide, maxSide } = model.size;
	if (size === undefined) return { ...model.size.default };
	const expected = `${model.id} takes "WxH" with each side from ${minSide} to ${maxSide}, such as "1024x1024"`;
	if (typeof size !== 'string') fail(`size must be a string: ${expected}`);
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) fail(`size ${size}: ${expected}`);
	const width = Number(match[1]);
	const height = Number(match[2]);
	if ([width, height].some((side) => side < minSide || side > maxSide)) {
		fail(`size ${size}: ${expected}`);
	}
	return { width, height };
}

function inRange(fail, value, { min, max }, name, integer) {
	if (value === undefined) return undefined;
	const kind = integer ? 'an integer' : 'a number';
	const ok =
		typeof value === 'number' && (integer ? Number.isInteger(value) : Number.isFinite(value));
	if (!ok || value < min || value > max) fail(`${name} must be ${kind} from ${min} to ${max}`);
	return value;
}

/**
 * Check a parsed body against the txt2img rules of `model`; returns what generation needs.
 * `fail(message)` throws validation.js's ValidationError.
 */
function validateTxt2imgBody(body, model, fail) {
	if (!isObject(body)) fail('request body must be a JSON object');
	const unknown = Object.keys(body).filter((field) => !model.fields.includes(field));
	if (unknown.length > 0) {
		fail(
			`${unknown.join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of ${model.id}: it takes ${model.fields.join(', ')}`,
		);
	}
	const { prompt } = body;
	if (prompt === undefined) fail('prompt is required');
	if (typeof prompt !== 'string') fail('prompt must be a string');
	if (prompt.trim() === '') fail('prompt must not be blank');
	if (body.model !== undefined && !model.versions.includes(body.model)) {
		fail(`model must be ${model.versions.join(' or ')} on ${model.id}`);
	}
	const size = resolveSize(body.size, model, fail);
	const seed = inRange(fail, body.seed, model.seed, 'seed', true) ?? model.seed.random;
	const guidanceScale =
		inRange(fail, body.guidance_scale, model.guidanceScale, 'guidance_scale', false) ??
		model.guidanceScale.default;
	if (body.watermark !== undefined && typeof body.watermark !== 'boolean') {
		fail('watermark must be a boolean');
	}
	const format = body.response_format ?? model.responseFormats[0];
	if (!model.responseFormats.includes(format)) {
		fail(`response_format must be one of ${model.responseFormats.join(', ')}`);
	}
	return {
		model: model.id,
		template: 'txt2img',
		prompt,
		width: size.width,
		height: size.height,
		references: [],
		mode: 'disabled',
		watermark: body.watermark ?? true,
		seed,
		guidanceScale,
		responseFormat: format,
	};
}

/** The answer: links or base64, in the documented two arrays (the unused one empty). */
function txt2imgAnswer(request, links, base64s) {
	return { image_urls: links, binary_data_base64: base64s };
}

module.exports = { validateTxt2imgBody, txt2imgAnswer };
