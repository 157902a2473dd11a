#!/usr/bin/env node
// `npm run verify:live`: the node against the real HighwayAPI, the cheapest request of each part
// of the contract, each exchange recorded for the tests to replay.
//
//   HIGHWAY_API_KEY=sk-… npm run verify:live                 asks before sending anything
//   HIGHWAY_API_KEY=sk-… npm run verify:live -- --yes        no question (CI)
//   options: --cap N (most images billed, default 8), --out DIR (where recordings go)
//   HIGHWAY_BASE_URL (default https://api.highwayapi.ai): a loopback address (the emulator)
//   records into test/fixtures/emulator-recorded/, anything else into test/fixtures/live/.
//
// It prints what it will send and the most it can cost, asks, then runs the cases through the
// node's own code path (n8n-core's engine, test/live/verify.live.ts), and says what it recorded.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const readline = require('node:readline');

const { FIXTURE_FOLDERS } = require('../test/live/recorder');
const { liveCases } = require('../test/live/cases');

const ROOT = path.resolve(__dirname, '..');
const DEFAULT_BASE_URL = 'https://api.highwayapi.ai';
const DEFAULT_CAP = 8;
const say = (line = '') => process.stdout.write(`${line}\n`);

function option(name) {
	const at = process.argv.indexOf(name);
	return at === -1 ? undefined : process.argv[at + 1];
}

function isLoopback(url) {
	return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
}

async function ask(question) {
	if (!process.stdin.isTTY && process.stdin.readableEnded) return '';
	const lines = readline.createInterface({ input: process.stdin, output: process.stdout });
	const answer = await new Promise((resolve) => {
		lines.question(question, resolve);
		lines.once('close', () => resolve(''));
	});
	lines.close();
	return String(answer).trim().toLowerCase();
}

/** The node's model table as built (names and prices for the plan). */
function builtModels() {
	const build = spawnSync('npm', ['run', 'build', '--silent'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
	if (build.status !== 0) throw new Error('npm run build failed');
	return require(path.join(ROOT, 'dist/nodes/Seedream/helpers/models.js')).MODELS;
}

async function main() {
	const apiKey = process.env.HIGHWAY_API_KEY;
	if (!apiKey) {
		say('verify:live needs a HighwayAPI key: HIGHWAY_API_KEY=<your key> npm run verify:live');
		say(`It sends a few of the cheapest requests (about ${DEFAULT_CAP} images at most, after asking) to`);
		say(`HIGHWAY_BASE_URL (default ${DEFAULT_BASE_URL}) and records the answers under test/fixtures/live/.`);
		say('Nothing was sent.');
		return 2;
	}
	const baseUrl = (process.env.HIGHWAY_BASE_URL || DEFAULT_BASE_URL).replace(/\/+$/, '');
	const cap = Number(option('--cap') ?? DEFAULT_CAP);
	if (!Number.isInteger(cap) || cap < 0) {
		say(`--cap must be a whole number of images, found ${JSON.stringify(option('--cap'))}. Nothing was sent.`);
		return 2;
	}
	const source = isLoopback(baseUrl) ? 'emulator' : 'live';
	const out = path.resolve(option('--out') ?? FIXTURE_FOLDERS[source]);
	const models = builtModels();
	const cases = liveCases(models);

	say(`verify:live against ${baseUrl} (${source === 'live' ? 'the real API: this costs money' : 'a local emulator'})`);
	say();
	let planned = 0;
	let usd = 0;
	for (const liveCase of cases) {
		const model = liveCase.model ? models[liveCase.model] : undefined;
		const fits = planned + liveCase.maxImages <= cap;
		if (fits) {
			planned += liveCase.maxImages;
			usd += liveCase.maxImages * (model?.usdPerImage ?? 0);
		}
		const request = liveCase.request ?? { method: 'POST', path: model.path };
		say(
			`  ${fits ? '' : '(over the cap, not sent) '}${request.method} ${request.path}  ${liveCase.id}: ${liveCase.what}` +
				`${liveCase.maxImages ? `, at most ${liveCase.maxImages} image(s) × $${model.usdPerImage}` : ', nothing billed'}`,
		);
	}
	say();
	say(`At most ${planned} image(s), about $${usd.toFixed(3)} at upstream list prices (cap: ${cap} images).`);
	say(`Recordings go to ${path.relative(ROOT, out) || out}/<model>/<case>.json (the key and link signatures redacted).`);
	if (!process.argv.includes('--yes')) {
		const answer = await ask('Send these requests? [y/N] ');
		if (answer !== 'y' && answer !== 'yes') {
			say('Nothing was sent.');
			return 1;
		}
	}

	const work = mkdtempSync(path.join(tmpdir(), 'seedream-live-'));
	const summaryFile = path.join(work, 'summary.json');
	try {
		const jest = spawnSync(
			path.join(ROOT, 'node_modules/.bin/jest'),
			['-c', 'jest.live.config.js', '--runInBand'],
			{
				cwd: ROOT,
				stdio: 'inherit',
				env: {
					...process.env,
					LIVE_BASE_URL: baseUrl,
					LIVE_API_KEY: apiKey,
					LIVE_OUT: out,
					LIVE_SOURCE: source,
					LIVE_CAP: String(cap),
					LIVE_SUMMARY: summaryFile,
				},
			},
		);
		let summary = { billed: 0, cases: [] };
		try {
			summary = JSON.parse(readFileSync(summaryFile, 'utf8'));
		} catch {
			// The run ended before it could say; jest's own report above says why.
		}
		say();
		for (const one of summary.cases)
			say(`  ${one.model ?? 'platform'} ${one.case}: ${one.skipped ? `not sent (${one.skipped})` : `${path.relative(ROOT, one.file)}, ${one.billed} image(s)`}`);
		say(`${summary.billed} image(s) billed; ${summary.cases.filter((one) => one.file).length} recording(s) written.`);
		return jest.status === 0 ? 0 : 1;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

main().then(
	(code) => {
		process.exitCode = code;
	},
	(error) => {
		process.stderr.write(`verify:live failed: ${error.stack}\n`);
		process.exitCode = 1;
	},
);
