'use strict';
/**
 * The example workflows (examples/*.json) as the demo, dev and the tests run them. An example that
 * downloads a sample photo names the emulator where `npm run dev` and `npm run emulator` start it,
 * http://127.0.0.1:8787 (its /samples/ route stands in for a shop's or CDN's photo links); where
 * the emulator listens elsewhere, `readExample(name, { emulatorUrl })` points those links at it.
 * Nothing else in the example changes.
 */
const { readFileSync, readdirSync } = require('node:fs');
const path = require('node:path');

const EXAMPLES_DIR = path.resolve(__dirname, '../../../examples');
/** Where an example's sample links point: the emulator of `npm run dev` and `npm run emulator`. */
const EXAMPLE_SAMPLES = 'http://127.0.0.1:8787/samples/';

/** The example's names (file names without .json). */
function exampleNames() {
	return readdirSync(EXAMPLES_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => file.replace(/\.json$/, ''));
}

/** Whether the workflow downloads a sample photo from the emulator. */
function usesSamples(workflow) {
	return JSON.stringify(workflow).includes(EXAMPLE_SAMPLES);
}

/** The workflow with its sample links pointed at the emulator at `emulatorUrl`. */
function pointSamplesAt(workflow, emulatorUrl) {
	if (!emulatorUrl) return workflow;
	const text = JSON.stringify(workflow).replaceAll(
		EXAMPLE_SAMPLES,
		`${emulatorUrl.replace(/\/+$/, '')}/samples/`,
	);
	return JSON.parse(text);
}

/** examples/<name>.json, its sample links pointed at `emulatorUrl` when given. */
function readExample(name, { emulatorUrl } = {}) {
	const file = path.join(EXAMPLES_DIR, `${name.replace(/\.json$/, '')}.json`);
	return pointSamplesAt(JSON.parse(readFileSync(file, 'utf8')), emulatorUrl);
}

module.exports = { EXAMPLES_DIR, EXAMPLE_SAMPLES, exampleNames, usesSamples, pointSamplesAt, readExample };
