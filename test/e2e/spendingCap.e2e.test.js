// The spending cap in a real n8n, as a marketer meets it: a sheet of 30 rows where 20 images
// were allowed, with and without Continue On Fail, then the cap raised in the saved workflow and
// the failed execution retried from the executions list; a Loop Over Items whose second batch
// reaches the cap; the same 30 rows in queue mode. What is counted is what the emulator billed,
// and the execution's custom data is read back through the REST API the executions list uses.
const { randomBytes } = require('node:crypto');
const { rmSync } = require('node:fs');
const path = require('node:path');

const { createEmulator } = require('../emulator/server');
const n8n = require('./lib/n8n');
const { createQueueCluster, postWebhook, probeServicesSync } = require('./lib/queue');
const { outputOf, restSession } = require('./lib/rest');
const { node, rows, seedream, trigger, webhook, workflow } = require('./workflows');

const ROOT = path.resolve(__dirname, '../..');
const VERSION = process.env.SEEDREAM_N8N_VERSION || n8n.N8N_VERSIONS.pinned;
const KEY = `cap-${randomBytes(12).toString('hex')}`;
const log = (line) => process.stderr.write(`[e2e cap] ${String(line).trimEnd()}\n`);
const services = probeServicesSync();
const queueSkipped = !services.ok && !process.env.CI;

const prompts = (tag, count) => Array.from({ length: count }, (_, n) => ({ prompt: `${tag} poster ${n + 1}` }));
const capped = (cap) => ({ prompt: '={{ $json.prompt }}', options: { concurrency: 4, maxImagesPerExecution: cap } });
const continueOnFail = { onError: 'continueRegularOutput' };
/** The refusal's wording for the request that could bill one more image past `cap`. */
const refusal = (cap) =>
	`Spending cap reached, not sent: Max Images per Execution is ${cap}, this execution has had ${cap} image(s) billed by this node, and this request could bill 1 more`;

/** Webhook → one item per row of the body → Seedream capped at 20 (the Retry case). */
const hookFlow = (hookPath) =>
	workflow(`cap: 30 rows by webhook (${hookPath})`, [
		webhook(hookPath),
		node('Rows', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.rows', include: 'noOtherFields', options: {} }),
		seedream(capped(20)),
	]);

/** Start → 9 rows → Loop Over Items (batches of 3) → Seedream capped at 5 → back to the loop. */
function loopFlow() {
	const pieces = [trigger(), ...rows('Rows', prompts('loop', 9))];
	const loop = node('Loop Over Items', 'n8n-nodes-base.splitInBatches', 3, { batchSize: 3, options: {} });
	const image = seedream(capped(5), continueOnFail);
	const done = node('Done', 'n8n-nodes-base.noOp', 1, {});
	const flow = workflow('cap: loop over items', [...pieces, loop, image]);
	flow.nodes.push(done);
	flow.connections[loop.name] = {
		main: [[{ node: done.name, type: 'main', index: 0 }], [{ node: image.name, type: 'main', index: 0 }]],
	};
	flow.connections[image.name] = { main: [[{ node: loop.name, type: 'main', index: 0 }]] };
	return flow;
}

let emulator;
let tarball;
let credential;

beforeAll(async () => {
	emulator = createEmulator({ apiKey: KEY });
	const baseUrl = await emulator.start();
	await n8n.ensureN8n({ log, version: VERSION });
	tarball = await n8n.packPackage({ repoDir: ROOT, log: false });
	credential = { id: 'highway-emulator', name: 'HighwayAPI account', type: 'highwayApi', data: { apiKey: KEY, baseUrl } };
});

afterAll(async () => {
	await emulator?.stop();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
});

/** Images the emulator billed while `action` ran. */
async function paidDuring(action) {
	const before = emulator.stats().generated;
	const result = await action();
	return { result, paid: emulator.stats().generated - before };
}

/** The execution's custom data as the REST API answers it (the executions list's detail view). */
async function customData(rest, id) {
	return (await rest.get(`executions/${id}`)).customData;
}

/** The saved workflow with Seedream's cap set to `cap`, saved as the editor saves it. */
async function raiseCap(rest, workflowId, cap) {
	const saved = await rest.get(`workflows/${workflowId}`);
	const nodes = saved.nodes.map((one) =>
		one.name === 'Seedream'
			? { ...one, parameters: { ...one.parameters, options: { ...one.parameters.options, maxImagesPerExecution: cap } } }
			: one,
	);
	await rest.patch(`workflows/${workflowId}`, { ...saved, nodes });
}

/**
 * 30 rows posted to `hookPath` with the cap at 20: the execution fails naming the cap after 20
 * paid images; the cap raised to 30 in the saved workflow, the Retry pays for the 10 held back.
 * Returns the two executions' ids.
 */
async function capThenRetry({ url, hookPath, workflowId, session, tag }) {
	const failed = await paidDuring(() => postWebhook(url(), hookPath, { rows: prompts(tag, 30) }));
	log(`30 rows, cap 20, no Continue On Fail: HTTP ${failed.result.status}, ${failed.paid} image(s) at the emulator`);
	expect(failed.result.status).toBe(500);
	expect(failed.paid).toBe(20);
	let rest = await session();
	const [last] = await rest.executions(workflowId);
	expect(last).toMatchObject({ status: 'error' });
	const execution = await rest.waitForExecution(last.id);
	expect(execution.data.resultData.error.message).toBe(refusal(20));
	// The 20 paid images went with the failed execution for its Retry.
	const billed = await customData(rest, last.id);
	log(`custom data of the failed execution: ${JSON.stringify(billed)}`);
	expect(billed).toEqual({ seedream_images_billed: '20', seedream_cost_usd: '0.8' });

	await raiseCap(rest, workflowId, 30);
	const retry = await paidDuring(async () => {
		const retried = await rest.retry(last.id, { loadWorkflow: true });
		return await rest.waitForExecution(retried.id);
	});
	log(`Retry with the cap raised to 30: ${retry.paid} image(s) at the emulator`);
	expect(retry.paid).toBe(10);
	expect(retry.result).toMatchObject({ mode: 'retry', retryOf: last.id, status: 'success' });
	const images = outputOf(retry.result, 'Seedream');
	expect(images.map((item) => item.json.prompt)).toEqual(prompts(tag, 30).map((row) => row.prompt));
	expect(images.filter((item) => item.json.reused).length).toBe(20);
	for (const item of images) {
		expect(item.binary.data.mimeType).toBe('image/png');
		expect(item.json).toMatchObject(item.json.reused ? { billedImages: 0, costUsd: 0 } : { billedImages: 1, costUsd: 0.04 });
	}
	const retried = await customData(rest, retry.result.id);
	log(`custom data of the Retry: ${JSON.stringify(retried)}`);
	expect(retried).toEqual({ seedream_images_billed: '10', seedream_cost_usd: '0.4' });
	return { failedId: last.id, retryId: retry.result.id };
}

describe(`one n8n ${VERSION}`, () => {
	let instance;
	let session;
	const ids = {};
	const flows = {
		continueOnFail: workflow('cap: 30 rows, Continue On Fail', [
			trigger(),
			...rows('Rows', prompts('sheet', 30)),
			seedream(capped(20), continueOnFail),
		]),
		hook: hookFlow('cap-retry'),
		loop: loopFlow(),
	};
	const rest = async () => (session ??= await restSession(instance.server.url));

	beforeAll(async () => {
		instance = await n8n.createInstance({ binaryMode: 'filesystem', tarball, log, version: VERSION });
		await instance.importCredentials([credential]);
		const names = Object.keys(flows);
		const imported = await instance.importWorkflows(names.map((name) => flows[name]));
		names.forEach((name, index) => (ids[name] = imported[index]));
		await instance.publishWorkflow(ids.hook);
		await instance.startServer();
		await instance.waitForWebhooks(['cap-retry']);
	});

	afterAll(async () => {
		await instance?.cleanup();
	});

	/** A run by hand, as the editor's Execute workflow button starts it. */
	async function byHand(name) {
		const api = await rest();
		const { executionId } = await api.runManually(ids[name], 'Start');
		return await api.waitForExecution(executionId);
	}

	test('30 rows, cap 20, Continue On Fail: 20 images billed, 10 error items naming the cap, the cost in the custom data', async () => {
		const run = await paidDuring(() => byHand('continueOnFail'));
		log(`30 rows, cap 20, Continue On Fail: ${run.paid} image(s) at the emulator`);
		expect(run.paid).toBe(20);
		expect(run.result).toMatchObject({ mode: 'manual', status: 'success' });
		const items = outputOf(run.result, 'Seedream');
		expect(items).toHaveLength(30);
		const refused = items.filter((item) => item.json.error);
		expect(refused).toHaveLength(10);
		for (const item of refused) {
			expect(item.json.error).toBe(refusal(20));
			expect(item.binary).toBeUndefined();
		}
		// Every input row has its item: the 20 images and the 10 refusals, paired with their rows.
		expect(items.map((item) => item.pairedItem.item).sort((a, b) => a - b)).toEqual([...Array(30).keys()]);
		expect(items.filter((item) => item.binary?.data).length).toBe(20);
		expect(instance.server.stdout).toContain(
			'Seedream: 20 image(s) generated and billed (about $0.80), 0 reused from identical earlier requests',
		);
		expect(await customData(await rest(), run.result.id)).toEqual({
			seedream_images_billed: '20',
			seedream_cost_usd: '0.8',
		});
	});

	test('30 rows, cap 20, no Continue On Fail: the execution fails naming the cap; raised, the Retry pays for the 10 held back', async () => {
		await capThenRetry({ url: () => instance.server.url, hookPath: 'cap-retry', workflowId: ids.hook, session: rest, tag: 'hook' });
	});

	test('Loop Over Items, 3 batches of 3, cap 5: reached in the second batch, counted across the loop', async () => {
		const run = await paidDuring(() => byHand('loop'));
		log(`loop, cap 5: ${run.paid} image(s) at the emulator`);
		expect(run.paid).toBe(5);
		expect(run.result.status).toBe('success');
		const batches = run.result.data.resultData.runData.Seedream.map((one) => one.data.main[0]);
		expect(batches.map((items) => items.length)).toEqual([3, 3, 3]);
		expect(batches.map((items) => items.filter((item) => item.json.error).length)).toEqual([0, 1, 3]);
		for (const item of batches.flat().filter((one) => one.json.error)) expect(item.json.error).toBe(refusal(5));
		expect(await customData(await rest(), run.result.id)).toEqual({
			seedream_images_billed: '5',
			seedream_cost_usd: '0.2',
		});
	});
});

(queueSkipped ? describe.skip : describe)('queue mode: a main and two workers, Redis and PostgreSQL', () => {
	let cluster;
	let workflowId;
	let session;

	beforeAll(async () => {
		if (!services.ok) throw new Error(`CI needs Redis and PostgreSQL: ${services.missing.join('; ')}`);
		cluster = await createQueueCluster({ tarball, workers: 2, concurrency: 5, log, version: VERSION });
		await cluster.instance.importCredentials([credential]);
		[workflowId] = await cluster.instance.importWorkflows([hookFlow('cap-queue')]);
		await cluster.start([workflowId]);
		await cluster.instance.waitForWebhooks(['cap-queue']);
	});

	afterAll(async () => {
		await cluster?.cleanup();
	});

	test('30 rows, cap 20 on a worker: 20 billed and the execution fails naming the cap; the Retry pays for 10', async () => {
		await capThenRetry({
			url: () => cluster.url,
			hookPath: 'cap-queue',
			workflowId,
			session: async () => (session ??= await restSession(cluster.url)),
			tag: 'queue',
		});
	});
});
