#!/usr/bin/env node
'use strict';

/**
 * Run the HighwayAPI emulator as a process:
 *
 *   node test/emulator/cli.js [--port 8787] [--key KEY] [--latency MS] [--max-concurrent K]
 *                             [--per-minute R] [--shape url] [--image-bytes N] [--verbose]
 *
 * Everything else is changeable at run time through POST /__emulator/config (see README.md).
 */

const { parseArgs } = require('node:util');
const { createEmulator, RESULT_SHAPES } = require('./server');

const USAGE = `Usage: node test/emulator/cli.js [options]
  --port N             port on 127.0.0.1 (default 8787; 0 picks a free one)
  --key KEY            API key expected as "Authorization: Bearer KEY" (default test-key)
  --latency MS         delay before each generation answers (default 0)
  --max-concurrent K   generation requests in flight before 429 (default unlimited)
  --per-minute R       generation requests per sliding minute before 429 (default unlimited)
  --retry-after S      Retry-After seconds on concurrency 429s (default 1)
  --shape SHAPE        result entries: ${RESULT_SHAPES.join(', ')} (default url)
  --image-bytes N      pad each PNG to about N bytes (default 0: small files)
  --include-usage      add "usage": {"generated_images": n} to results
  --verbose            log one line per request (the key is never logged)
  --help               this text`;

function numberOption(values, name) {
	if (values[name] === undefined) return undefined;
	const value = Number(values[name]);
	if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a number >= 0`);
	return value;
}

/** Command-line arguments to emulator options (only the ones given). */
function optionsFromArgs(argv) {
	const { values } = parseArgs({
		args: argv,
		options: {
			port: { type: 'string' },
			key: { type: 'string' },
			latency: { type: 'string' },
			'max-concurrent': { type: 'string' },
			'per-minute': { type: 'string' },
			'retry-after': { type: 'string' },
			shape: { type: 'string' },
			'image-bytes': { type: 'string' },
			'include-usage': { type: 'boolean' },
			verbose: { type: 'boolean' },
			help: { type: 'boolean' },
		},
	});
	const config = {
		apiKey: values.key,
		latencyMs: numberOption(values, 'latency'),
		maxConcurrent: numberOption(values, 'max-concurrent'),
		perMinute: numberOption(values, 'per-minute'),
		retryAfterSeconds: numberOption(values, 'retry-after'),
		resultShape: values.shape,
		imageBytes: numberOption(values, 'image-bytes'),
		includeUsage: values['include-usage'],
	};
	for (const key of Object.keys(config)) if (config[key] === undefined) delete config[key];
	const port = numberOption(values, 'port') ?? 8787;
	return { help: Boolean(values.help), verbose: Boolean(values.verbose), port, config };
}

async function main() {
	let parsed;
	try {
		parsed = optionsFromArgs(process.argv.slice(2));
	} catch (error) {
		console.error(`${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (parsed.help) {
		console.log(USAGE);
		return;
	}
	const emulator = createEmulator({
		...parsed.config,
		// Quiet by default: a parent that reads only the first line must not fill the pipe.
		logger: parsed.verbose ? (line) => console.log(line) : undefined,
	});
	// Handlers go in before the line is printed: a parent may signal as soon as it reads it.
	const shutdown = () => {
		emulator.stop().then(() => process.exit(0));
	};
	process.once('SIGINT', shutdown);
	process.once('SIGTERM', shutdown);

	const url = await emulator.start(parsed.port);
	const key = emulator.config.apiKey;
	console.log(`HighwayAPI emulator listening on ${url} (API key: ${key})`);
}

// `node --test` on a folder can pick this file up as a test file; it must not start a server that
// never exits then. NODE_TEST_CONTEXT is set in the processes the test runner spawns.
if (require.main === module && !process.env.NODE_TEST_CONTEXT) {
	main().catch((error) => {
		console.error(error.message);
		process.exitCode = 1;
	});
}

module.exports = { optionsFromArgs };
