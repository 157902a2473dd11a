'use strict';

/**
 * Request-body checks of POST /v3/<model>, each model by its own rules in models.js. Each check
 * throws a ValidationError whose message says what is wrong, and the server answers it as 400
 * INVALID_REQUEST_BODY.
 */

const { MODELS, REFERENCE_FIELDS } = require('./models');
const { aspectRatioProblem, inspectReference } = require('./references');
const { validateTxt2imgBody } = require('./txt2img');

class ValidationError extends Error {}

function fail(message) {
	throw new ValidationError(message);
}

const isObject = (value) => value !== null && typeof value === 'object' && !Array.isArray(value);

/** "a" or "one of a, b": the allowed values of a field, for a message. */
const allowed = (values) => (values.length === 1 ? values[0] : `one of ${values.join(', ')}`);

/** A preset of the model (any case), or `WxH` within its pixel and ratio range, to pixels. */
function resolveSize(size, model) {
	const rules = model.size;
	if (size === undefined) return { ...rules.default };
	const presets = Object.keys(rules.presets);
	const names = presets.map((name) => `"${name}"`).join(', ');
	const expected = `${model.id} takes ${names} or "WxH" such as "2048x2048"`;
	if (typeof size !== 'string') fail(`size must be a string: ${expected}`);
	const preset = presets.find((name) => name.toLowerCase() === size.toLowerCase());
	if (preset) return { ...rules.presets[preset] };
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) fail(`size ${size}: ${expected}`);
	const width = Number(match[1]);
	const height = Number(match[2]);
	const pixels = width * height;
	if (pixels < rules.minPixels || pixels > rules.maxPixels) {
		fail(
			`size ${size}: total pixels ${pixels} out of range` +
				` [${rules.minPixels}, ${rules.maxPixels}] for ${model.id}`,
		);
	}
	const ratioProblem = aspectRatioProblem(width, height, rules.maxAspectRatio);
	if (ratioProblem) fail(`size ${size}: ${ratioProblem}`);
	return { width, height };
}

/** The model's reference field, inspected; another model's field is refused, not ignored. */
function validateReferences(body, model) {
	const rules = model.references;
	const { field } = rules;
	for (const other of REFERENCE_FIELDS) {
		if (other !== field && body[other] !== undefined) {
			fail(`${other} is not a field of ${model.id}: send reference images as "${field}"`);
		}
	}
	const entries = body[field];
	if (entries === undefined) return [];
	if (!Array.isArray(entries)) fail(`${field} must be an array of URLs or data URIs`);
	if (entries.length < 1 || entries.length > rules.max) {
		fail(`${field} has ${entries.length} entries; expected 1 to ${rules.max} for ${model.id}`);
	}
	return entries.map((entry, index) => {
		const reference = inspectReference(entry, rules);
		if (reference.problem) fail(`${field}[${index}]: ${reference.problem}`);
		return reference;
	});
}

function validatePrompt(prompt) {
	if (prompt === undefined) fail('prompt is required');
	if (typeof prompt !== 'string') fail('prompt must be a string');
	if (prompt.trim() === '') fail('prompt must not be blank');
	return prompt;
}

function validateSequential(body, referenceCount, rules) {
	const mode = body.sequential_image_generation;
	if (mode !== undefined && !rules.modes.includes(mode)) {
		fail(`sequential_image_generation must be ${allowed(rules.modes)}`);
	}
	const options = body.sequential_image_generation_options;
	let maxImages;
	if (options !== undefined) {
		if (!isObject(options)) fail('sequential_image_generation_options must be an object');
		maxImages = options.max_images;
		if (
			maxImages !== undefined &&
			!(Number.isInteger(maxImages) && maxImages >= 1 && maxImages <= rules.maxImages)
		) {
			fail(
				`sequential_image_generation_options.max_images must be an integer from 1 to ${rules.maxImages}`,
			);
		}
	}
	if (mode === 'auto') {
		const asked = maxImages ?? rules.maxImages;
		const total = referenceCount + asked;
		if (total > rules.maxTotal) {
			fail(
				`${referenceCount} reference images + max_images ${asked} = ${total}, more than ${rules.maxTotal}`,
			);
		}
	}
	return { mode: mode ?? 'disabled', maxImages };
}

function validateOptimize(options, model) {
	if (options === undefined) return undefined;
	if (!isObject(options)) fail('optimize_prompt_options must be an object');
	if (options.mode !== undefined && !model.optimizeModes.includes(options.mode)) {
		fail(`optimize_prompt_options.mode must be ${allowed(model.optimizeModes)} for ${model.id}`);
	}
	return options.mode;
}

/**
 * Check a parsed body against the rules of `modelId` (a key of MODELS); returns what generation
 * needs, or throws ValidationError. The first problem found is reported, as a single message.
 */
function validateGenerationBody(body, modelId) {
	const model = MODELS[modelId];
	if (!model) throw new TypeError(`unknown model "${modelId}"`);
	if (model.template === 'txt2img') return validateTxt2imgBody(body, model, fail);
	if (!isObject(body)) fail('request body must be a JSON object');
	const prompt = validatePrompt(body.prompt);
	const size = resolveSize(body.size, model);
	const references = validateReferences(body, model);
	if (body.watermark !== undefined && typeof body.watermark !== 'boolean') {
		fail('watermark must be a boolean');
	}
	const sequential = validateSequential(body, references.length, model.sequential);
	const optimizeMode = validateOptimize(body.optimize_prompt_options, model);
	return {
		model: model.id,
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
	const rules = MODELS[request.model].sequential;
	const asked = /(\d+)\s+images?/i.exec(request.prompt);
	const wanted = asked ? Number(asked[1]) : 3;
	const cap = Math.min(
		request.maxImages ?? rules.maxImages,
		rules.maxTotal - request.references.length,
	);
	return Math.max(1, Math.min(cap, wanted));
}

module.exports = {
	MODELS,
	ValidationError,
	validateGenerationBody,
	countImages,
};
