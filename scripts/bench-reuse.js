// The `reuse_` section of `npm run bench`: what a Retry of a failed execution pays for, with the
// Seedream node and with the HTTP Request chain a user would build instead, in a real n8n
// against the emulator; and what looking up an earlier result adds to each request.
//
//   reuse_retry_generations_node        images the Retry paid for (the refused item: 1)
//   reuse_retry_generations_http_chain  the same for the HTTP Request chain
//   reuse_lookup_ms_per_item*           hashing the request and searching the kept results
//   reuse_lookup_share_of_request*      that, over one generation request measured in this run
const { performance } = require('node:perf_hooks');
const path = require('node:path');

const n8n = require('../test/e2e/lib/n8n');
const { postWebhook } = require('../test/e2e/lib/queue');
const { restSession } = require('../test/e2e/lib/rest');
const { node, seedream, webhook, workflow } = require('../test/e2e/workflows');
const { benchCredentials, chainNodes } = require('./bench-burst');

const ROOT = path.resolve(__dirname, '..');
const ROWS = ['red', 'blue', 'green', '[fault:illegal-prompt*1] grey', 'gold'];

const splitRows = () =>
	node('Rows', 'n8n-nodes-base.splitOut', 1, {
		fieldToSplitOut: 'body.rows',
		include: 'noOtherFields',
		options: {},
	});

function flows(baseUrl) {
	return {
		node: workflow('reuse-bench-node', [
			webhook('reuse-bench-node'),
			splitRows(),
			// All five at once, as n8n's HTTP Request node sends its items.
			seedream({ prompt: '={{ $json.prompt }}', options: { concurrency: 5 } }),
		]),
		http_chain: workflow('reuse-bench-http', [
			webhook('reuse-bench-http'),
			splitRows(),
			chainNodes(baseUrl, {
				jsonBody: "={{ JSON.stringify({ prompt: $json.prompt, size: '2K', watermark: true }) }}",
			}),
		]),
	};
}

/** A failed production run and its Retry from the executions list: images each paid for. */
async function failAndRetry({ emulator, instance, rest, hook, workflowId, tag }) {
	emulator.reset();
	const rows = ROWS.map((colour) => ({ prompt: `${colour} ${tag}` }));
	const failed = await postWebhook(instance.server.url, hook, { rows });
	if (failed.status !== 500)
		throw new Error(`${hook}: expected the run to fail, got ${failed.status}`);
	const paidFirst = emulator.stats().generated;
	const [last] = await rest.executions(workflowId);
	const retried = await rest.retry(last.id);
	const finished = await rest.waitForExecution(retried.id);
	if (finished.status !== 'success') throw new Error(`${hook}: the Retry ended ${finished.status}`);
	return { first: paidFirst, retry: emulator.stats().generated - paidFirst };
}

/** Median milliseconds of `fn` over `rounds`. */
function medianMs(fn, rounds) {
	const times = [];
	for (let n = 0; n < rounds; n++) {
		const started = performance.now();
		fn();
		times.push(performance.now() - started);
	}
	return times.sort((a, b) => a - b)[Math.floor(rounds / 2)];
}

/**
 * The lookup each request does before it is sent, with the built node's own code: hash the body,
 * then search the execution's kept results (300, the most kept) and the process's memory.
 */
function lookupCost() {
	const { PaidResults, MAX_STORED_RESULTS, SHELF_FIELD } = require(
		path.join(ROOT, 'dist/nodes/Seedream/helpers/reuse/paidResults.js'),
	);
	const results = {};
	for (let n = 0; n < MAX_STORED_RESULTS; n++) {
		results[n.toString(16).padStart(64, '0')] = [
			{
				generatedAt: Date.now(),
				validUntil: Date.now() + 3_600_000,
				count: 1,
				links: [{ index: 0, url: `https://cdn.test/${n}.png?X-Expires=1` }],
			},
		];
	}
	const context = { [SHELF_FIELD]: { version: 1, results } };
	const fake = { getMode: () => 'retry', getContext: () => context };
	const paid = PaidResults.open(fake, 'always', 'https://api.highwayapi.ai 0123');
	const url = 'https://api.highwayapi.ai/v3/seedream-4.5';
	const text = Buffer.from(
		JSON.stringify({
			prompt: 'a red kite over a beach at dawn, product shot',
			size: '2K',
			watermark: true,
		}),
	);
	const reference = Buffer.from(
		`${text.toString().slice(0, -1)},"image":["data:image/png;base64,${Buffer.alloc(5 * 1024 * 1024, 7).toString('base64')}"]}`,
	);
	const look = (body) => () => paid.find(paid.keyOf(url, body));
	return { text: medianMs(look(text), 201), reference5mb: medianMs(look(reference), 21) };
}

/** One generation request of the emulator at its configured latency, timed from here. */
async function requestMs(baseUrl, key) {
	const started = performance.now();
	const response = await fetch(`${baseUrl}/v3/seedream-4.5`, {
		method: 'POST',
		headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
		body: JSON.stringify({ prompt: 'the baseline request', size: '2K', watermark: true }),
	});
	await response.arrayBuffer();
	return performance.now() - started;
}

async function runReuse({
	emulator,
	baseUrl,
	key,
	install,
	tarball,
	latencyMs,
	print,
	progress,
	round,
}) {
	const instance = await n8n.createInstance({
		install,
		binaryMode: 'filesystem',
		tarball,
		log: false,
	});
	try {
		await instance.importCredentials(benchCredentials(baseUrl, key));
		const all = flows(baseUrl);
		const names = Object.keys(all);
		const ids = Object.fromEntries(
			(await instance.importWorkflows(names.map((name) => all[name]))).map((id, n) => [
				names[n],
				id,
			]),
		);
		for (const id of Object.values(ids)) await instance.publishWorkflow(id);
		await instance.startServer();
		await instance.waitForWebhooks(['reuse-bench-node', 'reuse-bench-http']);
		const rest = await restSession(instance.server.url);
		for (const name of names) {
			progress(
				`reuse: ${name}: five rows, the fourth refused once; then the executions list's Retry`,
			);
			const paid = await failAndRetry({
				emulator,
				instance,
				rest,
				hook: `reuse-bench-${name === 'node' ? 'node' : 'http'}`,
				workflowId: ids[name],
				tag: name,
			});
			print(`reuse_first_run_generations_${name}`, paid.first);
			print(`reuse_retry_generations_${name}`, paid.retry);
			print(`reuse_total_generations_${name}`, paid.first + paid.retry);
		}
	} finally {
		await instance.cleanup();
	}
	progress(
		`reuse: one generation request at ${latencyMs} ms latency, and the lookup before each request`,
	);
	emulator.reset();
	emulator.configure({ latencyMs });
	const request = await requestMs(baseUrl, key);
	const lookup = lookupCost();
	print('reuse_request_ms', round(request, 1));
	print('reuse_lookup_ms_per_item', round(lookup.text, 4));
	print('reuse_lookup_ms_per_item_ref5mb', round(lookup.reference5mb, 3));
	print('reuse_lookup_share_of_request', round(lookup.text / request, 6));
	print('reuse_lookup_share_of_request_ref5mb', round(lookup.reference5mb / request, 5));
}

module.exports = { runReuse, requestMs };
