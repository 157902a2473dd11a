'use strict';

/**
 * The Seedream models the emulator serves, each with the request rules HighwayAPI documents for
 * it (docs.jiekou.ai; see shared/design/api-notes.md, "The Seedream family on HighwayAPI").
 *
 * This is the emulator's own reading of the API, written independently of the node's model
 * table on purpose: contract tests compare the two, so neither may be derived from the other.
 * Validation (validation.js, txt2img.js, references.js) is driven by this table and nothing else.
 * Rows without a `template` take the 4.5/5.0 family's body; `template: 'txt2img'` is Seedream
 * 3.0's own body and answer.
 */

const px = (width, height) => ({ width, height });

/** Every reference format any model takes, in the order messages list them. */
const ALL_FORMATS = ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'];

/** Rules the whole family shares, written once and copied into each model below. */
const SHARED_SIZE = {
	default: px(2048, 2048), // what an absent `size` renders
};
const SHARED_REFERENCES = {
	maxBytes: 10 * 1024 * 1024, // decoded bytes of one data URI
	minSide: 14, // width and height must be greater than this
	// "At most 6000x6000" is read as a pixel budget (as in the model docs' "total pixels"), so a
	// 7000x3000 reference passes.
	maxPixels: 6000 * 6000,
};
const SHARED_SEQUENTIAL = {
	modes: ['auto', 'disabled'], // sequential_image_generation; absent means disabled
	maxImages: 15, // sequential_image_generation_options.max_images: 1..15, default 15
	maxTotal: 15, // in `auto`: references + max_images at most this
};

/**
 * One model: its route, `size` rules (case-insensitive presets to the pixels rendered, the WxH
 * pixel range, the largest long/short side ratio, i.e. the range [1/N, N]), its reference rules
 * (the body field that carries them, how many, which formats, their ratio) and the prompt
 * optimisation modes it takes.
 */
function model(id, { presets, minPixels, maxPixels, references, optimizeModes }) {
	return {
		id,
		path: `/v3/${id}`,
		size: { ...SHARED_SIZE, presets, minPixels, maxPixels, maxAspectRatio: 16 },
		references: { ...SHARED_REFERENCES, ...references },
		sequential: { ...SHARED_SEQUENTIAL },
		optimizeModes,
	};
}

const MODELS = deepFreeze({
	'seedream-4.5': model('seedream-4.5', {
		presets: { '2K': px(2048, 2048), '4K': px(4096, 4096) },
		minPixels: 3686400,
		maxPixels: 16777216,
		references: { field: 'image', max: 14, formats: ALL_FORMATS, maxAspectRatio: 16 },
		// The sister platform's 4.5 page: "Currently only standard mode is supported".
		optimizeModes: ['standard'],
	}),
	'seedream-5.0-lite': model('seedream-5.0-lite', {
		presets: { '2K': px(2048, 2048), '3K': px(3072, 3072) },
		minPixels: 3686400,
		maxPixels: 10404496,
		references: { field: 'image', max: 14, formats: ALL_FORMATS, maxAspectRatio: 16 },
		optimizeModes: ['standard'],
	}),
	'seedream-4.0': model('seedream-4.0', {
		presets: { '1K': px(1024, 1024), '2K': px(2048, 2048), '4K': px(4096, 4096) },
		minPixels: 1048576,
		maxPixels: 16777216,
		// Plural field, fewer references, fewer formats and a narrower shape than the newer models.
		references: { field: 'images', max: 10, formats: ['jpeg', 'png'], maxAspectRatio: 3 },
		optimizeModes: ['standard', 'fast'],
	}),
	// Seedream 3.0 text-to-image: a body and an answer of its own (api-notes, "Seedream 3.0").
	'seedream-3-0-txt2img': {
		id: 'seedream-3-0-txt2img',
		path: '/v3/seedream-3-0-txt2img',
		template: 'txt2img',
		// `model` is documented as the model ID; this is the only version served.
		versions: ['seedream-3-0-t2i-250415'],
		size: { default: px(1024, 1024), minSide: 512, maxSide: 2048 },
		seed: { min: -1, max: 2147483647, random: -1 },
		guidanceScale: { min: 1, max: 10, default: 2.5 },
		responseFormats: ['url', 'b64_json'],
		// Every field the route takes; anything else (references, image sets, prompt
		// optimisation) is refused rather than ignored, so a node that sends it is seen.
		fields: ['prompt', 'model', 'size', 'seed', 'guidance_scale', 'watermark', 'response_format'],
		// None taken; the shared rules only let the log summarize a reference sent by mistake.
		references: {
			...SHARED_REFERENCES,
			field: null,
			max: 0,
			formats: ALL_FORMATS,
			maxAspectRatio: 16,
		},
	},
});

/** The reference fields of the family: a body may carry only its model's one. */
const REFERENCE_FIELDS = [
	...new Set(
		Object.values(MODELS)
			.map((m) => m.references.field)
			.filter(Boolean),
	),
];

function deepFreeze(value) {
	if (value && typeof value === 'object' && !Object.isFrozen(value)) {
		Object.freeze(value);
		for (const inner of Object.values(value)) deepFreeze(inner);
	}
	return value;
}

module.exports = { MODELS, REFERENCE_FIELDS };
