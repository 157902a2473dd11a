#!/usr/bin/env node
// `npm run bench`: the Seedream node against what a user would build instead, in a real n8n
// (the pinned one) against the local emulator with injected latency. A benchmark, not a test: it prints
// `name: value` lines. Times come from n8n's own run data (each node's startTime and
// executionTime), so n8n's start-up does not count.
//
// The alternative ("HTTP chain"): HTTP Request (POST the prompt) → Split Out (images) →
// HTTP Request (download each URL as a file). n8n's HTTP Request node sends all items at once.
//
// The burst section (scripts/bench-burst.js) starts 20 and 40 webhook executions at once against
// the rate-limited API, in a single n8n and in queue mode, beside the HTTP Request node.
//
// The reuse section (scripts/bench-reuse.js): what the Retry of a failed execution pays for,
// node against HTTP chain, and what the lookup of earlier results adds to a request.
//
// The cap section (scripts/bench-cap.js): the spending cap's bookkeeping per request against a
// request's latency.
//
//   ITEMS=20 LATENCY_MS=2000 npm run bench          BENCH_ONLY=burst BURSTS=20,40 npm run bench
const { execFile } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { mkdirSync, readFileSync, writeFileSync, rmSync } = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const n8n = require('../test/e2e/lib/n8n');
const { createEmulator } = require('../test/emulator/server');
const { renderPng } = require('../test/emulator/png');
const { node, rows, seedream, trigger, workflow } = require('../test/e2e/workflows');
const { benchCredentials, chainNodes, runBurst, runRestart } = require('./bench-burst');
const { runCap } = require('./bench-cap');
const { runReuse } = require('./bench-reuse');

const ROOT = path.resolve(__dirname, '..');
const ITEMS = Number(process.env.ITEMS || 20);
const LATENCY_MS = Number(process.env.LATENCY_MS || 2000);
const CONCURRENCY = 4; // the node's default
const RATE_K = Number(process.env.RATE_K || 4); // requests at once
const RATE_R = Number(process.env.RATE_R || 15); // requests per minute
const MEMORY_ROUNDS = Number(process.env.MEMORY_ROUNDS || 3);
const KEY = `bench-${randomBytes(8).toString('hex')}`;
const progress = (line) => process.stderr.write(`[bench] ${line}\n`);
const print = (name, value) => process.stdout.write(`${name}: ${value}\n`);
const round = (value, digits = 3) => Number(value.toFixed(digits));

const prompts = (count, prefix) =>
	Array.from({ length: count }, (_, n) => ({ prompt: `${prefix} product shot ${n}` }));

const GENERATE_BODY =
	"={{ JSON.stringify({ prompt: $json.prompt, size: '2K', watermark: true }) }}";

/** What a user builds instead: one generation per prompt item, each image downloaded. */
function httpChain(name, baseUrl, options) {
	return workflow(name, [
		trigger(),
		rows('Prompts', prompts(ITEMS, name)),
		chainNodes(baseUrl, { jsonBody: GENERATE_BODY, ...options }),
	]);
}

/** The HTTP chain for one 4K image set of `count` (memory baseline: n8n's own streaming). */
function httpSetChain(name, baseUrl, count) {
	const jsonBody = JSON.stringify({
		prompt: `a set of ${count} images`,
		size: '4K',
		sequential_image_generation: 'auto',
		sequential_image_generation_options: { max_images: count },
	});
	return workflow(name, [trigger(), chainNodes(baseUrl, { jsonBody })]);
}

/** n8n's Read/Write Files node: one item with binary `data` per file matching `glob`. */
const readFiles = (glob) =>
	node('Read Files', 'n8n-nodes-base.readWriteFile', 1, { fileSelector: glob, options: {} });

function seedreamFlow(name, count, options) {
	return workflow(name, [
		trigger(),
		rows('Prompts', prompts(count, name)),
		seedream({ prompt: '={{ $json.prompt }}', options }),
	]);
}

/** Seconds from the first node's start to the last node's end, from n8n's run data. */
function span(execution, nodeNames) {
	const runs = n8n.runData(execution);
	let start = Infinity;
	let end = 0;
	for (const name of nodeNames) {
		for (const run of runs[name] ?? []) {
			start = Math.min(start, run.startTime);
			end = Math.max(end, run.startTime + run.executionTime);
		}
	}
	return end > 0 ? (end - start) / 1000 : NaN;
}

function imagesOut(execution, nodeName) {
	try {
		return n8n
			.nodeOutput(execution, nodeName)
			.filter((item) => item.binary && Object.keys(item.binary).length).length;
	} catch {
		return 0; // the node failed or never ran
	}
}

/** Result links of one generation of `count` 4K images, asked of the emulator directly. */
async function imageLinks(baseUrl, count) {
	const response = await fetch(`${baseUrl}/v3/seedream-4.5`, {
		method: 'POST',
		headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
		body: JSON.stringify({
			prompt: `a set of ${count} images`,
			size: '4K',
			sequential_image_generation: count > 1 ? 'auto' : 'disabled',
			sequential_image_generation_options: { max_images: count },
		}),
	});
	const links = (await response.json()).images ?? []; // the emulator's default shape: links
	if (links.length !== count)
		throw new Error(`the emulator gave ${links.length} links, not ${count}`);
	return links;
}

/**
 * The runtime alone: the same links downloaded by a bare script on n8n's Node.js, streamed
 * into files the way n8n's filesystem store writes a stream (scripts/bench-node-download.js).
 */
async function nodeDownload(install, dir, links) {
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	// Asynchronous: the emulator serving the links runs in this process.
	const output = await new Promise((resolve, reject) => {
		execFile(
			install.nodeBin,
			[path.join(__dirname, 'bench-node-download.js'), dir, ...links],
			{ encoding: 'utf8', timeout: 5 * 60 * 1000 },
			(error, stdout, stderr) =>
				error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
		);
	});
	const { peakMb, idleMb } = JSON.parse(output.trim().split('\n').pop());
	return peakMb - idleMb;
}

/** Peak RSS of one run that must deliver `images` images from `nodeName`. */
async function peakOf(instance, id, nodeName, images) {
	const result = await execute(instance, id);
	const delivered = imagesOut(result.execution, nodeName);
	if (delivered !== images)
		throw new Error(`${nodeName} delivered ${delivered} images, not ${images}`);
	return result.peakMb;
}

const median = (values) => {
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/** Runs a workflow; samples the n8n process's peak resident memory (VmHWM) while it runs. */
async function execute(instance, id) {
	let peakKb = 0;
	let timer;
	const result = await instance.execute(id, {
		timeoutMs: 20 * 60 * 1000,
		onSpawn: (child) => {
			const sample = () => {
				try {
					const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
					const match = /VmHWM:\s+(\d+)/.exec(status);
					if (match) peakKb = Math.max(peakKb, Number(match[1]));
				} catch {
					// the process has ended
				}
			};
			timer = setInterval(sample, 25);
		},
	});
	clearInterval(timer);
	return { ...result, peakMb: peakKb / 1024 };
}

async function main() {
	progress(
		`items ${ITEMS}, latency ${LATENCY_MS} ms, rate limit ${RATE_K} at once and ${RATE_R}/min`,
	);
	const emulator = createEmulator({ apiKey: KEY });
	const baseUrl = await emulator.start();
	/** The emulator's defaults (no latency, no limits, no records) plus `config`. */
	const fresh = (config) => {
		emulator.reset();
		emulator.configure(config);
	};
	const install = await n8n.ensureN8n({ log: progress });
	const tarball = await n8n.packPackage({ repoDir: ROOT, log: false });
	// "speed", "ratelimit", "memory", "burst", "reuse" or "cap" (comma-separated) for a quicker look.
	const only = process.env.BENCH_ONLY;
	const wants = (section) => !only || only.split(',').includes(section);
	try {
		if (['speed', 'ratelimit', 'memory'].some(wants))
			await oneExecutionSections({ emulator, baseUrl, fresh, install, tarball, wants });
		const bursts = {
			emulator,
			baseUrl,
			key: KEY,
			install,
			tarball,
			rateLimited: () => fresh({ latencyMs: LATENCY_MS, maxConcurrent: RATE_K, perMinute: RATE_R }),
			print,
			progress,
			round,
		};
		if (wants('burst')) await runBurst({ ...bursts, bound: rateLimitBound });
		if (wants('reuse')) await runReuse({ ...bursts, latencyMs: LATENCY_MS });
		if (wants('cap')) await runCap({ ...bursts, latencyMs: LATENCY_MS });
		// Only when asked for by name: it restarts workers on purpose.
		if (only && only.split(',').includes('restart')) await runRestart(bursts);
	} finally {
		await emulator.stop();
		rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
}

/** The sections that time one execution: speed, rate limit and memory. */
async function oneExecutionSections({ emulator, baseUrl, fresh, install, tarball, wants }) {
	const filesDir = path.join(os.tmpdir(), `seedream-bench-${process.pid}`);
	mkdirSync(path.join(filesDir, 'refs14'), { recursive: true });
	mkdirSync(path.join(filesDir, 'ref1'), { recursive: true });
	mkdirSync(path.join(filesDir, 'ref3'), { recursive: true });
	const instance = await n8n.createInstance({
		install,
		binaryMode: 'filesystem',
		tarball,
		log: false,
		env: { N8N_RESTRICT_FILE_ACCESS_TO: filesDir },
	});
	try {
		await instance.importCredentials(benchCredentials(baseUrl, KEY));
		const flows = {
			seedream: seedreamFlow('seedream', ITEMS, { concurrency: CONCURRENCY }),
			seedreamWide: seedreamFlow('seedream-wide', ITEMS, { concurrency: ITEMS }),
			seedreamDefaults: seedreamFlow('seedream-defaults', ITEMS, {}),
			chain: httpChain('chain', baseUrl),
			chainRetry: httpChain('chain-retry', baseUrl, { retry: true }),
			idle: workflow('idle', [
				trigger(),
				{
					id: 'noop',
					name: 'No Op',
					type: 'n8n-nodes-base.noOp',
					typeVersion: 1,
					position: [0, 0],
					parameters: {},
				},
			]),
			refs14: workflow('refs14', [
				trigger(),
				readFiles(path.join(filesDir, 'refs14', '*.png')),
				seedream({
					prompt: 'one scene with all fourteen products',
					referenceImages: 'binary',
					options: { combineItems: true },
				}),
			]),
			...Object.fromEntries(
				[1, 14].map((count) => [
					`chainOut${count}`,
					httpSetChain(`chain-out${count}`, baseUrl, count),
				]),
			),
			// One product → a set of 1 or 14; three products → three sets of 14 (42 images): does
			// the peak keep growing with the images, or level off?
			...Object.fromEntries(
				[
					[1, 1],
					[1, 14],
					[3, 14],
				].map(([products, count]) => [
					`out${products * count}`,
					workflow(`out${products * count}`, [
						trigger(),
						readFiles(path.join(filesDir, `ref${products}`, '*.png')),
						seedream({
							prompt: `a set of ${count} images of this product`,
							referenceImages: 'binary',
							size: '4K',
							sequentialImageGeneration: 'auto',
							maxImages: count,
						}),
					]),
				]),
			),
		};
		const names = Object.keys(flows);
		const ids = Object.fromEntries(
			(await instance.importWorkflows(names.map((name) => flows[name]))).map((id, index) => [
				names[index],
				id,
			]),
		);

		if (wants('speed')) {
			// Unlimited API.
			progress('unlimited API: Seedream at concurrency 4');
			fresh({ latencyMs: LATENCY_MS });
			const seedreamRun = await execute(instance, ids.seedream);
			if (imagesOut(seedreamRun.execution, 'Seedream') !== ITEMS)
				throw new Error('Seedream did not deliver every image');
			const seedreamS = span(seedreamRun.execution, ['Seedream']);
			const limitS = (LATENCY_MS / 1000) * Math.ceil(ITEMS / CONCURRENCY);
			progress(`unlimited API: Seedream at concurrency ${ITEMS}`);
			const wideRun = await execute(instance, ids.seedreamWide);
			const wideS = span(wideRun.execution, ['Seedream']);
			progress('unlimited API: HTTP chain');
			const chainRun = await execute(instance, ids.chain);
			if (imagesOut(chainRun.execution, 'Download') !== ITEMS)
				throw new Error('the HTTP chain did not deliver every image');
			const chainS = span(chainRun.execution, ['Generate', 'Split Out', 'Download']);
			print('items', ITEMS);
			print('latency_ms', LATENCY_MS);
			print('concurrency', CONCURRENCY);
			print('seedream_s', round(seedreamS));
			print('limit_s', round(limitS));
			print('overhead_vs_limit', round(seedreamS / limitS));
			print('http_chain_s', round(chainS));
			print('seedream_same_concurrency_s', round(wideS));
			print('ratio_vs_http_chain_same_concurrency', round(wideS / chainS));
		}

		if (wants('ratelimit')) {
			// Rate-limited API, as the real one is.
			const rateLimited = async (label, id, lastNode, nodes) => {
				fresh({ latencyMs: LATENCY_MS, maxConcurrent: RATE_K, perMinute: RATE_R });
				progress(`rate-limited API: ${label}`);
				const run = await execute(instance, id);
				const delivered = imagesOut(run.execution, lastNode);
				const stats = emulator.stats();
				print(`${label}delivered`, round(delivered / ITEMS));
				print(`${label}paid_extra`, stats.generated - delivered);
				print(`${label}s`, round(span(run.execution, nodes)));
			};
			await rateLimited('rl_seedream_', ids.seedreamDefaults, 'Seedream', ['Seedream']);
			await rateLimited('rl_http_chain_', ids.chain, 'Download', [
				'Generate',
				'Split Out',
				'Download',
			]);
			await rateLimited('rl_http_chain_retry_', ids.chainRetry, 'Download', [
				'Generate',
				'Split Out',
				'Download',
			]);
			print('ratelimit_bound_s', round(rateLimitBound(ITEMS)));
		}

		if (wants('memory')) {
			// Memory, filesystem binary mode.
			fresh({ imageBytes: 8_000_000 });
			for (let n = 0; n < 14; n++) {
				writeFileSync(
					path.join(filesDir, 'refs14', `ref-${String(n).padStart(2, '0')}.png`),
					renderPng({ width: 3000, height: 3000, seed: `ref-${n}`, imageBytes: 9_000_000 }),
				);
			}
			writeFileSync(
				path.join(filesDir, 'ref1', 'product.png'),
				renderPng({ width: 1024, height: 1024, seed: 'product' }),
			);
			for (let n = 0; n < 3; n++) {
				writeFileSync(
					path.join(filesDir, 'ref3', `product-${n}.png`),
					renderPng({ width: 1024, height: 1024, seed: `product-${n}` }),
				);
			}
			progress('memory: idle');
			const idle = await execute(instance, ids.idle);
			progress('memory: 14 references of 9 MB'); // the idle run sent no request
			const refs14 = await execute(instance, ids.refs14);
			if (!refs14.ok)
				throw new Error(
					`refs14 failed: ${JSON.stringify(n8n.nodeError(refs14.execution, 'Seedream'))}`,
				);
			const bodyMb = emulator.requests[0].bodyBytes / 1024 / 1024;
			// Each image-set case runs MEMORY_ROUNDS times, interleaved, and the median is shown:
			// when V8 collects the downloads' spent buffers varies from run to run by ±30 MB.
			const bare = path.join(filesDir, 'bare');
			const cases = {
				out1: async () => await peakOf(instance, ids.out1, 'Seedream', 1),
				out14: async () => await peakOf(instance, ids.out14, 'Seedream', 14),
				out42: async () => await peakOf(instance, ids.out42, 'Seedream', 42),
				chainOut1: async () => await peakOf(instance, ids.chainOut1, 'Download', 1),
				chainOut14: async () => await peakOf(instance, ids.chainOut14, 'Download', 14),
				// a bare script: growth above its own idle (it idles at ~50 MB, not ~400)
				bare1: async () => await nodeDownload(install, bare, await imageLinks(baseUrl, 1)),
				bare14: async () => await nodeDownload(install, bare, await imageLinks(baseUrl, 14)),
				bare42: async () =>
					await nodeDownload(install, bare, [
						...(await imageLinks(baseUrl, 14)),
						...(await imageLinks(baseUrl, 14)),
						...(await imageLinks(baseUrl, 14)),
					]),
			};
			const runs = Object.fromEntries(Object.keys(cases).map((name) => [name, []]));
			for (let round = 1; round <= MEMORY_ROUNDS; round++) {
				progress(
					`memory: round ${round}/${MEMORY_ROUNDS}: 4K sets of 1, 14 and 3 × 14 images (node, HTTP chain, bare Node.js)`,
				);
				for (const [name, run] of Object.entries(cases)) runs[name].push(await run());
			}
			const mb = Object.fromEntries(
				Object.entries(runs).map(([name, values]) => [name, median(values)]),
			);
			print('rss_idle_mb', round(idle.peakMb, 1));
			print('peak_rss_mb_refs14', round(refs14.peakMb, 1));
			print('body_mb', round(bodyMb, 1));
			print('peak_rss_mb_out1', round(mb.out1, 1));
			print('peak_rss_mb_out14', round(mb.out14, 1));
			print('refs14_growth_vs_body', round((refs14.peakMb - idle.peakMb) / bodyMb));
			print('out14_vs_out1', round(mb.out14 / mb.out1));
			print('peak_rss_mb_out42', round(mb.out42, 1));
			print('out42_vs_out14', round(mb.out42 / mb.out14));
			print('memory_rounds', MEMORY_ROUNDS);
			for (const name of ['out1', 'out14', 'out42']) {
				print(`peak_rss_mb_${name}_runs`, runs[name].map((value) => round(value, 1)).join(' '));
			}
			print('http_chain_peak_rss_mb_out1', round(mb.chainOut1, 1));
			print('http_chain_peak_rss_mb_out14', round(mb.chainOut14, 1));
			print('http_chain_out14_vs_out1', round(mb.chainOut14 / mb.chainOut1));
			print('growth_mb_out1', round(mb.out1 - idle.peakMb, 1));
			print('growth_mb_out14', round(mb.out14 - idle.peakMb, 1));
			print('growth_mb_out42', round(mb.out42 - idle.peakMb, 1));
			print('bare_node_growth_mb_out1', round(mb.bare1, 1));
			print('bare_node_growth_mb_out14', round(mb.bare14, 1));
			print('bare_node_growth_mb_out42', round(mb.bare42, 1));
		}
	} finally {
		await instance.cleanup();
		rmSync(filesDir, { recursive: true, force: true });
	}
}

/**
 * The least time the emulator's limit allows for `count` requests of LATENCY_MS: at most RATE_K
 * at once, and at most RATE_R admissions in any 60 s.
 */
function rateLimitBound(count) {
	const latency = LATENCY_MS / 1000;
	const admissions = [];
	const running = [];
	let time = 0;
	for (let n = 0; n < count; n++) {
		// Earliest time with a free concurrency slot and a free per-minute slot.
		running.sort((a, b) => a - b);
		while (running.length && running[0] <= time) running.shift();
		if (running.length >= RATE_K) time = Math.max(time, running.shift());
		if (admissions.length >= RATE_R)
			time = Math.max(time, admissions[admissions.length - RATE_R] + 60);
		admissions.push(time);
		running.push(time + latency);
	}
	return Math.max(...running, ...admissions.map((start) => start + latency));
}

main().catch((error) => {
	process.stderr.write(`[bench] failed: ${error.stack}\n`);
	process.exitCode = 1;
});
