'use strict';
/**
 * The cheapest requests that exercise HighwayAPI's contract, for `npm run verify:live` and the
 * tests that replay what it recorded. Built from the node's own model table (`models`: the
 * source's in the tests, the built one in the script), so a new model gets its case.
 *
 * kind `node`: the Seedream node's parameters, run through n8n-core's engine, paying for at most
 * `maxImages`; kind `raw`: a request sent straight through the node's transport (an invalid
 * one, whose error shape the node's own checks would never let it see; the credential test).
 */
const { renderPng } = require('../emulator/png');

const DEFAULT_MODEL = 'seedream-4.5';
/** The reference image of the reference case: small, so cheap to send, and always the same. */
const REFERENCE = renderPng({ width: 64, height: 64, seed: 'live-reference' });
const RESOLUTION_ORDER = ['1K', '2K', '3K', '4K'];

/** The model's smallest preset: the cheapest size to generate. */
const smallestPreset = (model) => RESOLUTION_ORDER.find((resolution) => model.presets[resolution]);

/**
 * The size parameters of the cheapest image a model makes: its smallest preset, or, for a model
 * without presets (Seedream 3.0), its smallest square, with the pixels it has for ordering.
 */
function smallestSize(model) {
	const preset = smallestPreset(model);
	if (preset) {
		const [width, height] = model.presets[preset]['1:1'].split('x').map(Number);
		return { what: preset, parameters: { size: preset }, pixels: width * height };
	}
	const side = model.sides[0];
	return {
		what: `${side}x${side}`,
		parameters: { size: 'custom', width: side, height: side },
		pixels: side * side,
	};
}

function liveCases(models) {
	// Cheapest first: by list price, then by pixels (Seedream 3.0 at 512x512 leads).
	const smallest = Object.values(models)
		.map((model) => ({ model, size: smallestSize(model) }))
		.sort((a, b) => a.model.usdPerImage - b.model.usdPerImage || a.size.pixels - b.size.pixels);
	const cases = smallest.map(({ model, size }) => ({
		id: 'smallest-image',
		model: model.id,
		kind: 'node',
		what: `one image at ${size.what}`,
		maxImages: 1,
		parameters: {
			model: model.id,
			prompt: 'a small red kite on a plain white background',
			...size.parameters,
			// A fixed seed where the model takes one: the same image each run, so recordings compare.
			...(model.seed ? { seed: 1 } : {}),
		},
	}));
	const base = models[DEFAULT_MODEL];
	cases.push(
		{
			id: 'reference-data-uri',
			model: base.id,
			kind: 'node',
			what: 'one image from a PNG reference sent as a data URI',
			maxImages: 1,
			parameters: {
				model: base.id,
				prompt: 'the kite in this picture, painted blue',
				size: smallestPreset(base),
				referenceImages: 'url',
				imageUrls: `data:image/png;base64,${REFERENCE.toString('base64')}`,
			},
		},
		{
			id: 'image-set-of-2',
			model: base.id,
			kind: 'node',
			what: 'an image set of at most 2',
			maxImages: 2,
			parameters: {
				model: base.id,
				prompt: 'a set of 2 images: a red kite on a beach, then the same kite high in the sky',
				size: smallestPreset(base),
				sequentialImageGeneration: 'auto',
				maxImages: 2,
			},
		},
		{
			id: 'invalid-size',
			model: base.id,
			kind: 'raw',
			what: 'a size far below the minimum, which the node itself would refuse (the API error shape)',
			// Should be refused; counted in case the API generates anyway.
			maxImages: 1,
			request: {
				method: 'POST',
				path: base.path,
				body: { prompt: 'a small red kite', size: '64x64', watermark: true },
			},
		},
		{
			id: 'credential-test',
			model: null,
			kind: 'raw',
			what: "the credential test's request (lists models; generates nothing)",
			maxImages: 0,
			request: { method: 'GET', path: '/openai/v1/models' },
		},
	);
	return cases;
}

/** The case a recording was made for. */
function caseFor(models, fixture) {
	return liveCases(models).find((one) => one.id === fixture.case && one.model === fixture.model);
}

module.exports = { liveCases, caseFor, smallestPreset, smallestSize, REFERENCE, DEFAULT_MODEL };
