// The burst section of `npm run bench` (BENCH_ONLY=burst): N webhook executions started at once,
// as a Webhook or Form trigger starts them in production, against the rate-limited emulator
// (RATE_K at once, RATE_R per minute, 429 with Retry-After, LATENCY_MS per generation), in a
// single n8n and in queue mode (a main and two workers at concurrency 5, Redis, PostgreSQL),
// each workflow answering with the first image once its last node is done. Beside the node:
// n8n's HTTP Request node doing the same (generate → Split Out → download), with and without
// its Retry On Fail. Prints, per mode and N, `burst_<flow>_<measure>_<mode>_n<N>`:
//   delivered          executions that answered with an image, over N
//   paid_extra         images generated (paid) but never delivered
//   failed_executions  executions that did not answer with an image
//   s                  first POST to last answer, in seconds
// and `burst_bound_s_<mode>_n<N>`, the least time the limit allows (rateLimitBound), with
// `burst_seedream_vs_bound_<mode>_n<N>`.
const n8n = require('../test/e2e/lib/n8n');
const { createQueueCluster, postWebhook, probeServices } = require('../test/e2e/lib/queue');
const { node, seedream, webhook, workflow } = require('../test/e2e/workflows');

const BURSTS = (process.env.BURSTS || '20,40').split(',').map(Number);

/** Webhook → what a user builds with the HTTP Request node: generate, Split Out, download. */
function httpFlow(path, baseUrl, retry) {
	const jsonBody =
		"={{ JSON.stringify({ prompt: $json.body.prompt, size: '2K', watermark: true }) }}";
	return workflow(path, [
		webhook(path, 'firstEntryBinary'),
		chainNodes(baseUrl, { retry, jsonBody }),
	]);
}

function flows(baseUrl) {
	return {
		seedream: workflow('burst-seedream', [
			webhook('burst-seedream', 'firstEntryBinary'),
			seedream({ prompt: '={{ $json.body.prompt }}' }),
		]),
		http: httpFlow('burst-http', baseUrl, false),
		http_retry: httpFlow('burst-http-retry', baseUrl, true),
	};
}

const isPng = (bytes) => bytes.length > 8 && bytes.subarray(1, 4).toString('latin1') === 'PNG';

/** Waits until the emulator has nothing in flight (a failed execution may leave requests). */
async function drained(emulator) {
	for (let n = 0; n < 600 && emulator.stats().inFlight > 0; n++)
		await new Promise((r) => setTimeout(r, 100));
}

/**
 * Fires `count` POSTs at once at `hook`; resolves what the burst delivered and cost. `during`
 * (optional) runs alongside, given the burst's start time.
 */
async function burst({ url, hook, count, emulator, fresh, during, timeoutMs }) {
	await drained(emulator);
	fresh();
	const started = Date.now();
	const side = during ? during(started) : Promise.resolve();
	const answers = await Promise.all(
		Array.from({ length: count }, (_, n) =>
			postWebhook(url, hook, { prompt: `burst product ${n}` }, { timeoutMs }).catch((error) => ({
				status: 0,
				bytes: Buffer.alloc(0),
				error,
			})),
		),
	);
	const seconds = (Date.now() - started) / 1000;
	await side;
	const delivered = answers.filter((answer) => answer.status === 200 && isPng(answer.bytes)).length;
	return {
		delivered,
		paidExtra: emulator.stats().generated - delivered,
		failed: count - delivered,
		seconds,
		answers,
		stats: emulator.stats(),
	};
}

/** The node's credential and the HTTP Request chain's header auth, both for the emulator. */
function benchCredentials(baseUrl, key) {
	return [
		{
			id: 'highway-emulator',
			name: 'HighwayAPI account',
			type: 'highwayApi',
			data: { apiKey: key, baseUrl },
		},
		{
			id: 'benchHeaderAuth',
			name: 'Bench header auth',
			type: 'httpHeaderAuth',
			data: { name: 'Authorization', value: `Bearer ${key}` },
		},
	];
}

/**
 * Generate (POST `jsonBody`) → Split Out → Download (each link as a file): the nodes a user
 * chains with n8n's HTTP Request node, on the header auth of benchCredentials; `retry` turns on
 * its Retry On Fail (3 tries, 1 s apart) on both requests.
 */
function chainNodes(baseUrl, { retry = false, jsonBody }) {
	const retryOptions = retry ? { retryOnFail: true, maxTries: 3, waitBetweenTries: 1000 } : {};
	const credentials = { httpHeaderAuth: { id: 'benchHeaderAuth', name: 'Bench header auth' } };
	return [
		node(
			'Generate',
			'n8n-nodes-base.httpRequest',
			4.2,
			{
				method: 'POST',
				url: `${baseUrl}/v3/seedream-4.5`,
				authentication: 'genericCredentialType',
				genericAuthType: 'httpHeaderAuth',
				sendBody: true,
				specifyBody: 'json',
				jsonBody,
				options: {},
			},
			{ credentials, ...retryOptions },
		),
		node('Split Out', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'images', options: {} }),
		node(
			'Download',
			'n8n-nodes-base.httpRequest',
			4.2,
			{
				url: '={{ $json.images }}',
				options: { response: { response: { responseFormat: 'file' } } },
			},
			retryOptions,
		),
	];
}

/** A main and two workers at concurrency 5, the flows published, for `fn`; removed after. */
async function withQueueCluster({ install, tarball, baseUrl, key }, fn) {
	const cluster = await createQueueCluster({
		install,
		tarball,
		workers: 2,
		concurrency: 5,
		log: false,
	});
	try {
		await prepare(cluster.instance, baseUrl, key);
		await cluster.start();
		await cluster.instance.waitForWebhooks(HOOKS);
		return await fn(cluster);
	} finally {
		await cluster.cleanup();
	}
}

/** Imports the flows into an instance (before it starts) and publishes them. */
async function prepare(instance, baseUrl, key) {
	await instance.importCredentials(benchCredentials(baseUrl, key));
	const all = flows(baseUrl);
	const ids = await instance.importWorkflows(Object.values(all));
	for (const id of ids) await instance.publishWorkflow(id);
}

const HOOKS = ['burst-seedream', 'burst-http', 'burst-http-retry'];

async function runMode({ mode, url, emulator, rateLimited, print, progress, round, bound }) {
	for (const count of BURSTS) {
		const suffix = `${mode}_n${count}`;
		const boundS = bound(count);
		for (const [flow, hook] of [
			['seedream', 'burst-seedream'],
			['http', 'burst-http'],
			['http_retry', 'burst-http-retry'],
		]) {
			progress(`burst: ${mode}, ${count} at once, ${flow}`);
			const result = await burst({ url, hook, count, emulator, fresh: rateLimited });
			print(`burst_${flow}_delivered_${suffix}`, round(result.delivered / count));
			print(`burst_${flow}_paid_extra_${suffix}`, result.paidExtra);
			print(`burst_${flow}_failed_executions_${suffix}`, result.failed);
			print(`burst_${flow}_s_${suffix}`, round(result.seconds));
			print(
				`burst_${flow}_answers_${suffix}`,
				JSON.stringify(countBy(result.answers.map((answer) => answer.status))),
			);
			if (flow === 'seedream')
				print(`burst_seedream_vs_bound_${suffix}`, round(result.seconds / boundS));
		}
		print(`burst_bound_s_${suffix}`, round(boundS));
	}
}

/**
 * The burst section, given the bench's setup: `emulator` serves at `baseUrl` with key `key`;
 * `rateLimited()` resets it to the rate-limited configuration; `bound(count)` is the least time
 * the limit allows.
 */
async function runBurst(setup) {
	const { install, tarball, baseUrl, key, progress } = setup;
	progress('burst: a single n8n (regular mode, filesystem binary data)');
	const single = await n8n.createInstance({
		install,
		binaryMode: 'filesystem',
		tarball,
		log: false,
	});
	try {
		await prepare(single, baseUrl, key);
		const server = await single.startServer();
		await single.waitForWebhooks(HOOKS);
		await runMode({ ...setup, mode: 'single', url: server.url });
	} finally {
		await single.cleanup();
	}

	const services = await probeServices();
	if (!services.ok) {
		progress(`burst: queue mode SKIPPED: ${services.missing.join('; ')}`);
		setup.print('burst_queue_skipped', 1);
		return;
	}
	progress('burst: queue mode (a main and two workers at concurrency 5, Redis, PostgreSQL)');
	await withQueueCluster(setup, async (cluster) =>
		runMode({ ...setup, mode: 'queue', url: cluster.url }),
	);
}

/**
 * What a worker restart in the middle of a burst does (BENCH_ONLY=restart, not part of the
 * default run): `RESTART_N` (20) executions at once in queue mode; `RESTART_AFTER_S` (10) seconds
 * in, one worker is ended with `signal` (SIGKILL: a crash; SIGTERM: a deploy, which lets running
 * executions finish for n8n's graceful-shutdown time) and a new one started. Prints
 * `restart_<signal>_*`: what was delivered, what was paid and never delivered, and how n8n
 * recorded the executions (status counts and the failed ones' error messages, from its database).
 */
async function runRestart({
	emulator,
	baseUrl,
	key,
	install,
	tarball,
	rateLimited,
	print,
	progress,
	round,
}) {
	const count = Number(process.env.RESTART_N || 20);
	const afterMs = Number(process.env.RESTART_AFTER_S || 10) * 1000;
	for (const signal of ['SIGKILL', 'SIGTERM']) {
		await withQueueCluster({ install, tarball, baseUrl, key }, async (cluster) => {
			const tag = `restart_${signal.toLowerCase()}`;
			let victimRan = [];
			let restartedAt;
			progress(
				`restart: ${count} at once, ${signal} to a worker after ${afterMs / 1000} s, then a new worker`,
			);
			const result = await burst({
				url: cluster.url,
				hook: 'burst-seedream',
				count,
				emulator,
				fresh: rateLimited,
				timeoutMs: 6 * 60 * 1000,
				during: async (started) => {
					await new Promise((r) => setTimeout(r, afterMs));
					const [victim] = cluster.instance.workers;
					victimRan = [...victim.stdout.matchAll(/Worker started execution (\d+)/g)].map(
						(m) => m[1],
					);
					await cluster.instance.stopWorker(victim, { signal, graceMs: 120_000 });
					restartedAt = (Date.now() - started) / 1000;
					await cluster.instance.startWorker({ concurrency: 5 });
				},
			});
			const statuses = await cluster.query(
				'SELECT status, count(*)::int AS n FROM execution_entity GROUP BY status',
			);
			print(`${tag}_delivered`, round(result.delivered / count));
			print(`${tag}_failed_executions`, result.failed);
			print(`${tag}_paid_extra`, result.paidExtra);
			print(`${tag}_abandoned_generations`, result.stats.abandoned);
			print(`${tag}_worker_had_executions`, victimRan.length);
			print(`${tag}_worker_ended_s`, round(restartedAt ?? NaN));
			print(`${tag}_s`, round(result.seconds));
			print(
				`${tag}_answers`,
				JSON.stringify(countBy(result.answers.map((answer) => answer.status))),
			);
			const failed = await cluster.query(
				`SELECT d.data FROM execution_data d JOIN execution_entity e ON e.id = d."executionId"
				 WHERE e.status IN ('error', 'crashed')`,
			);
			print(
				`${tag}_failure_messages`,
				JSON.stringify(countBy(failed.map((row) => executionErrorMessage(row.data)))),
			);
			print(
				`${tag}_execution_statuses`,
				JSON.stringify(Object.fromEntries(statuses.map((row) => [row.status, row.n]))),
			);
		});
	}
}

/**
 * The error message n8n recorded for an execution, from its stored data (n8n keeps it in the
 * `flatted` format: a JSON array whose first entry is the root, every string value an index).
 */
function executionErrorMessage(stored) {
	const table = JSON.parse(stored);
	const at = (ref) => table[Number(ref)];
	const error = at(at(table[0].resultData).error);
	return error ? at(error.message) : 'no error recorded';
}

const countBy = (values) =>
	values.reduce((counts, value) => ({ ...counts, [value]: (counts[value] ?? 0) + 1 }), {});

module.exports = {
	runBurst,
	runRestart,
	burst,
	prepare,
	drained,
	benchCredentials,
	chainNodes,
};
