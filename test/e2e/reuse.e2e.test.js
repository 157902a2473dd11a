// Never paying twice, in a real n8n: the packed package installed as a community package, the
// emulator as the API, and what a user does: a production execution fails, the user clicks
// Retry in the executions list (n8n's REST API, as the editor calls it); runs by hand from the
// editor; headless runs. Single n8n (with a restart between the failure and the Retry) and
// queue mode (the Retry on the other worker).
const { createHash, randomBytes } = require('node:crypto');
const { rmSync } = require('node:fs');
const path = require('node:path');

const { createEmulator } = require('../emulator/server');
const n8n = require('./lib/n8n');
const { createQueueCluster, postWebhook, probeServicesSync } = require('./lib/queue');
const { outputOf, restSession } = require('./lib/rest');
const { hashBinary, node, seedream, trigger, webhook, workflow } = require('./workflows');

const ROOT = path.resolve(__dirname, '../..');
const VERSION = process.env.SEEDREAM_N8N_VERSION || n8n.N8N_VERSIONS.pinned;
const KEY = `e2e-${randomBytes(12).toString('hex')}`;
const log = (line) => process.stderr.write(`[e2e reuse] ${String(line).trimEnd()}\n`);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const services = probeServicesSync();
const queueSkipped = !services.ok && !process.env.CI;

/** Five rows; the API refuses the fourth once, as a content filter refuses a row the user then fixes. */
const fiveRows = (tag) =>
	['red', 'blue', 'green', '[fault:illegal-prompt*1] grey', 'gold'].map((colour) => ({
		prompt: `${colour} ${tag}`,
	}));

/** Webhook → one item per row → Seedream (all five at once) → Crypto (the stored image's hash). */
const retryFlow = (hookPath) =>
	workflow(`reuse: retry (${hookPath})`, [
		webhook(hookPath),
		node('Rows', 'n8n-nodes-base.splitOut', 1, {
			fieldToSplitOut: 'body.rows',
			include: 'noOtherFields',
			options: {},
		}),
		seedream({ prompt: '={{ $json.prompt }}', options: { concurrency: 5 } }),
		hashBinary(),
	]);
const byHand = (name, parameters) =>
	workflow(`reuse: ${name}`, [trigger(), seedream(parameters), hashBinary()]);
const always = { reuseResults: 'always' };

let emulator;
let tarball;
let credential;

beforeAll(async () => {
	emulator = createEmulator({ apiKey: KEY });
	const baseUrl = await emulator.start();
	await n8n.ensureN8n({ log, version: VERSION });
	tarball = await n8n.packPackage({ repoDir: ROOT, log: false });
	credential = {
		id: 'highway-emulator',
		name: 'HighwayAPI account',
		type: 'highwayApi',
		data: { apiKey: KEY, baseUrl },
	};
});

afterAll(async () => {
	await emulator?.stop();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
});

/** Images the emulator was paid for while `action` ran. */
async function paidDuring(action) {
	const before = emulator.stats().generated;
	const result = await action();
	return { result, paid: emulator.stats().generated - before };
}

/**
 * A failed production run of `flow` and its Retry: the failure pays for four images, the Retry
 * for one, and outputs all five, each image the one its link serves. `between` runs between
 * the two (a restart, a stopped worker); `rest` is the session to retry with.
 */
async function failThenRetry({
	url,
	hookPath,
	workflowId,
	tag,
	between = async () => {},
	session,
	loadWorkflow = false,
}) {
	const rows = fiveRows(tag);
	const failed = await paidDuring(() => postWebhook(url(), hookPath, { rows }));
	expect(failed.result.status).toBe(500);
	expect(failed.paid).toBe(4);
	let rest = await session();
	const [last] = await rest.executions(workflowId);
	expect(last).toMatchObject({ status: 'error' });
	rest = (await between(last.id)) ?? rest;

	const retry = await paidDuring(async () => {
		// In queue mode the answer of the Retry lacks the run data the worker made: read it back.
		const retried = await rest.retry(last.id, { loadWorkflow });
		return await rest.waitForExecution(retried.id);
	});
	expect(retry.paid).toBe(1);
	expect(retry.result).toMatchObject({ mode: 'retry', retryOf: last.id, status: 'success' });
	const images = outputOf(retry.result, 'Seedream');
	expect(images.map((item) => item.json.prompt)).toEqual(rows.map((row) => row.prompt));
	expect(images.map((item) => item.json.reused ?? false)).toEqual([true, true, true, false, true]);
	const hashes = outputOf(retry.result, 'Hash').map((item) => item.json.sha256);
	for (const [index, item] of images.entries()) {
		const served = Buffer.from(await (await fetch(item.json.url)).arrayBuffer());
		expect(hashes[index]).toBe(sha256(served));
	}
	// The reused links are the ones the failed run paid for.
	const paidIds = emulator.requests
		.filter((request) => request.status === 200)
		.flatMap((request) => request.imageIds);
	for (const item of images) expect(paidIds.some((id) => item.json.url.includes(id))).toBe(true);
	expect(JSON.stringify(retry.result)).not.toContain(KEY);
	return { failedId: last.id, retry: retry.result };
}

describe(`one n8n ${VERSION}`, () => {
	let instance;
	const ids = {};
	const flows = {
		retry: retryFlow('reuse-retry'),
		restart: retryFlow('reuse-restart'),
		always: byHand('always', { prompt: 'a brass lantern at dusk', options: always }),
		changed: byHand('always, watermark off', {
			prompt: 'a brass lantern at dusk',
			watermark: false,
			options: always,
		}),
		expired: byHand('always, links revoked', { prompt: 'a glass whale', options: always }),
		headless: byHand('always, headless', { prompt: 'a tin robot', options: always }),
		byDefault: byHand('default', { prompt: 'a mossy stone' }),
		never: byHand('never', { prompt: 'a mossy stone', options: { reuseResults: 'never' } }),
	};
	const hooks = ['reuse-retry', 'reuse-restart'];
	let session;
	/** The owner's REST session on the started n8n (started here when a test needs it first). */
	const rest = async () => {
		if (!instance.server) await instance.startServer();
		return (session ??= await restSession(instance.server.url));
	};

	beforeAll(async () => {
		instance = await n8n.createInstance({
			binaryMode: 'filesystem',
			tarball,
			log,
			version: VERSION,
		});
		await instance.importCredentials([credential]);
		const names = Object.keys(flows);
		const imported = await instance.importWorkflows(names.map((name) => flows[name]));
		names.forEach((name, index) => (ids[name] = imported[index]));
		for (const name of ['retry', 'restart']) await instance.publishWorkflow(ids[name]);
	});

	afterAll(async () => {
		await instance?.cleanup();
	});

	test('Always remembers within one n8n process: each headless run (a process of its own) pays', async () => {
		const first = await paidDuring(() => instance.execute(ids.headless));
		expect(first.result.ok).toBe(true);
		const second = await paidDuring(() => instance.execute(ids.headless));
		expect([first.paid, second.paid]).toEqual([1, 1]);
		expect(second.result.stdout).toContain(
			'Seedream: 1 image(s) generated and billed (about $0.04), 0 reused from identical earlier requests',
		);
	});

	test('a Retry of a failed execution pays for the refused image only, and outputs all five', async () => {
		await rest();
		await instance.waitForWebhooks(hooks);
		await failThenRetry({
			url: () => instance.server.url,
			hookPath: 'reuse-retry',
			workflowId: ids.retry,
			tag: 'kite',
			session: rest,
		});
		expect(instance.server.stdout).toContain(
			'Seedream: 1 image(s) generated and billed (about $0.04), 4 reused from identical earlier requests',
		);
	});

	test('… also when n8n restarts between the failure and the Retry (with the currently saved workflow)', async () => {
		await rest();
		await instance.waitForWebhooks(hooks);
		await failThenRetry({
			loadWorkflow: true,
			url: () => instance.server.url,
			hookPath: 'reuse-restart',
			workflowId: ids.restart,
			tag: 'balloon',
			session: rest,
			between: async () => {
				await instance.stopServer();
				await instance.startServer();
				session = undefined;
				return await rest();
			},
		});
	});

	/** A run by hand, as the editor's Execute workflow button starts it; its Seedream items. */
	async function byHandRun(name) {
		const api = await rest();
		const { executionId } = await api.runManually(ids[name], 'Start');
		const execution = await api.waitForExecution(executionId);
		expect(execution).toMatchObject({ mode: 'manual', status: 'success' });
		return outputOf(execution, 'Seedream');
	}

	test('Always: a second identical run by hand sends nothing; one with a parameter changed pays for one', async () => {
		const first = await paidDuring(() => byHandRun('always'));
		expect(first.paid).toBe(1);
		const requests = emulator.stats().requests;
		const second = await paidDuring(() => byHandRun('always'));
		expect(emulator.stats().requests).toBe(requests);
		expect(second.result[0].json).toMatchObject({ reused: true, url: first.result[0].json.url });
		const changed = await paidDuring(() => byHandRun('changed'));
		expect(changed.paid).toBe(1);
		expect(changed.result[0].json.reused).toBeUndefined();
	});

	test('Always: links that no longer download fall back to one new generation, and the item says so', async () => {
		await byHandRun('expired');
		emulator.revokeLinks('expired');
		const fallback = await paidDuring(() => byHandRun('expired'));
		expect(fallback.paid).toBe(1);
		expect(fallback.result[0].json.reuseFallback).toMatch(/no longer download .*: generated anew/);
		expect(fallback.result[0].binary.data.mimeType).toBe('image/png');
	});

	test("the workflow's static data is left alone (a Retry or a queue worker would save over it)", async () => {
		const api = await rest();
		for (const name of ['headless', 'always', 'retry'])
			expect((await api.get(`workflows/${ids[name]}`)).staticData ?? null).toBeNull();
	});

	test.each([
		['the default, outside a Retry', 'byDefault'],
		['Never', 'never'],
	])('%s: every run is billed', async (_label, name) => {
		const runs = await paidDuring(async () => {
			await byHandRun(name);
			await byHandRun(name);
		});
		expect(runs.paid).toBe(2);
	});
});

(queueSkipped ? describe.skip : describe)(
	'queue mode: a main and two workers, Redis and PostgreSQL',
	() => {
		let cluster;
		let workflowId;

		beforeAll(async () => {
			if (!services.ok)
				throw new Error(`CI needs Redis and PostgreSQL: ${services.missing.join('; ')}`);
			cluster = await createQueueCluster({
				tarball,
				workers: 2,
				concurrency: 5,
				log,
				version: VERSION,
			});
			await cluster.instance.importCredentials([credential]);
			[workflowId] = await cluster.instance.importWorkflows([retryFlow('reuse-queue')]);
			await cluster.start([workflowId]);
			await cluster.instance.waitForWebhooks(['reuse-queue']);
		});

		afterAll(async () => {
			await cluster?.cleanup();
		});

		test('the Retry runs on the other worker and pays for the refused image only', async () => {
			let session;
			let survivor;
			const { failedId, retry } = await failThenRetry({
				url: () => cluster.url,
				hookPath: 'reuse-queue',
				workflowId,
				tag: 'owl',
				session: async () => (session ??= await restSession(cluster.url)),
				// The worker that ran the failure stops, so the other one must take the Retry.
				between: async (failed) => {
					const ran = cluster.executionsByWorker().findIndex((ids) => ids.includes(failed));
					expect(ran).toBeGreaterThanOrEqual(0);
					await cluster.instance.stopWorker(cluster.instance.workers[ran]);
					[survivor] = cluster.instance.workers;
				},
			});
			expect(survivor.stdout).toContain(`Worker started execution ${retry.id} `);
			expect(survivor.stdout).not.toContain(`Worker started execution ${failedId} `);
			expect(survivor.stdout).toContain(
				'Seedream: 1 image(s) generated and billed (about $0.04), 4 reused from identical earlier requests',
			);
		});
	},
);
