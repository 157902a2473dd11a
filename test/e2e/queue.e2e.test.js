// End-to-end in queue mode: the packed package in the pinned n8n with Redis, PostgreSQL, a main and
// two workers (concurrency 5), binary data in the mode n8n picks there (`database`), and
// production executions started through webhooks, as a Webhook or Form trigger starts them.
// The same webhooks on a single n8n (SQLite, filesystem binary data) must give the same items
// and the same images. Skipped, saying what to start, where no Redis or PostgreSQL answers
// (but not in CI, which always has them: there a missing service fails the suite).
const { createHash, randomBytes } = require('node:crypto');
const { rmSync } = require('node:fs');
const path = require('node:path');

const { createEmulator } = require('../emulator/server');
const n8n = require('./lib/n8n');
const { createQueueCluster, postWebhook, probeServicesSync } = require('./lib/queue');
const { hashBinary, seedream, webhook, workflow } = require('./workflows');

const ROOT = path.resolve(__dirname, '../..');
const KEY = `e2e-queue-${randomBytes(12).toString('hex')}`;
const log = (line) => process.stderr.write(`[e2e-queue] ${String(line).trimEnd()}\n`);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

const services = probeServicesSync();
const skip = !services.ok && !process.env.CI;
if (skip) log(`SKIPPED: ${services.missing.join('; ')}`);

const flows = {
	generate: workflow('queue: generate', [
		webhook('seedream-generate'),
		seedream({
			prompt: '={{ $json.body.prompt }}',
			model: "={{ $json.body.model || 'seedream-4.5' }}",
			size: "={{ $json.body.size || '2K' }}",
		}),
		hashBinary(),
	]),
	imageSet: workflow('queue: image set', [
		webhook('seedream-set'),
		seedream({
			prompt: '={{ $json.body.prompt }}',
			sequentialImageGeneration: 'auto',
			maxImages: 4,
			options: { fileName: 'frame' },
		}),
		hashBinary(),
	]),
	file: workflow('queue: the image as the answer', [
		webhook('seedream-file', 'firstEntryBinary'),
		seedream({ prompt: '={{ $json.body.prompt }}' }),
	]),
};

(skip ? describe.skip : describe)(
	'queue mode: a main and two workers, Redis and PostgreSQL',
	() => {
		let emulator;
		let tarball;
		let cluster;
		let single;

		beforeAll(async () => {
			if (!services.ok)
				throw new Error(`CI needs Redis and PostgreSQL: ${services.missing.join('; ')}`);
			emulator = createEmulator({ apiKey: KEY });
			const baseUrl = await emulator.start();
			await n8n.ensureN8n({ log });
			tarball = await n8n.packPackage({ repoDir: ROOT, log: false });
			const credential = {
				id: 'highway-emulator',
				name: 'HighwayAPI account',
				type: 'highwayApi',
				data: { apiKey: KEY, baseUrl },
			};
			const names = Object.keys(flows);
			const hooks = names.map((name) => flows[name].nodes[0].parameters.path);
			const setUp = async (instance) => {
				await instance.importCredentials([credential]);
				const ids = await instance.importWorkflows(names.map((name) => flows[name]));
				for (const id of ids) await instance.publishWorkflow(id);
			};
			// The two set up side by side: each mostly waits for its own n8n commands.
			await Promise.all([
				(async () => {
					cluster = await createQueueCluster({ tarball, workers: 2, concurrency: 5, log });
					await setUp(cluster.instance);
					await cluster.start();
					await cluster.instance.waitForWebhooks(hooks);
				})(),
				(async () => {
					single = await n8n.createInstance({ binaryMode: 'filesystem', tarball, log });
					await setUp(single);
					await single.startServer();
					await single.waitForWebhooks(hooks);
				})(),
			]);
		});

		afterAll(async () => {
			await cluster?.cleanup();
			await single?.cleanup();
			await emulator?.stop();
			if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
		});

		/** The answer of one webhook call, checked for the key; and what the API saw meanwhile. */
		async function call(url, hook, body) {
			const answer = await postWebhook(url, hook, body);
			expect(answer.bytes.toString('latin1')).not.toContain(KEY);
			return answer;
		}

		/** Every item's JSON without the link (its id and expiry differ per run). */
		const withoutLinks = (items) => items.map(({ url, ...rest }) => rest);

		/** Each item's hash (from n8n's Crypto node, reading the stored binary) is the served image's. */
		async function expectServedImages(items) {
			for (const item of items) {
				const served = Buffer.from(await (await fetch(item.url)).arrayBuffer());
				expect(item.sha256).toBe(sha256(served));
			}
		}

		/** SHA-256 of every binary stored in the queue setup's database. */
		async function storedHashes() {
			const rows = await cluster.query(
				"SELECT encode(sha256(data), 'hex') AS hash FROM binary_data",
			);
			return new Set(rows.map((row) => row.hash));
		}

		test.each([
			['Seedream 4.5 at 2K', { prompt: 'a red kite over a beach' }],
			[
				'Seedream 5.0 Lite at 3K',
				{ prompt: 'a kite festival banner', model: 'seedream-5.0-lite', size: '3K' },
			],
		])('%s: the same items and image through a worker as in a single n8n', async (_name, body) => {
			emulator.reset();
			const queued = await call(cluster.url, 'seedream-generate', body);
			const alone = await call(single.server.url, 'seedream-generate', body);
			expect([queued.status, alone.status]).toEqual([200, 200]);
			expect(queued.json).toHaveLength(1);
			expect(withoutLinks(queued.json)).toEqual(withoutLinks(alone.json));
			await expectServedImages([...queued.json, ...alone.json]);
			expect(await storedHashes()).toContain(queued.json[0].sha256);
			expect(emulator.stats().generated).toBe(2);
		});

		test('an image set: four items in order, each image stored in the database and intact', async () => {
			emulator.reset();
			const body = { prompt: 'a storyboard, a set of 4 images' };
			const queued = await call(cluster.url, 'seedream-set', body);
			const alone = await call(single.server.url, 'seedream-set', body);
			expect([queued.status, alone.status]).toEqual([200, 200]);
			expect(queued.json.map((item) => [item.index, item.count, item.fileName])).toEqual([
				[0, 4, 'frame-1.png'],
				[1, 4, 'frame-2.png'],
				[2, 4, 'frame-3.png'],
				[3, 4, 'frame-4.png'],
			]);
			expect(withoutLinks(queued.json)).toEqual(withoutLinks(alone.json));
			await expectServedImages(queued.json);
			const stored = await storedHashes();
			for (const item of queued.json) expect(stored).toContain(item.sha256);
		});

		test('the main answers with the image a worker stored in the database', async () => {
			emulator.reset();
			const queued = await call(cluster.url, 'seedream-file', { prompt: 'a lighthouse at dusk' });
			const alone = await call(single.server.url, 'seedream-file', {
				prompt: 'a lighthouse at dusk',
			});
			expect([queued.status, alone.status]).toEqual([200, 200]);
			expect(queued.bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
			expect(sha256(queued.bytes)).toBe(sha256(alone.bytes));
			expect(await storedHashes()).toContain(sha256(queued.bytes));
		});

		test('an API failure fails the execution on the worker as on a single n8n', async () => {
			emulator.reset();
			const body = { prompt: '[fault:no-balance] anything' };
			const queued = await call(cluster.url, 'seedream-generate', body);
			const alone = await call(single.server.url, 'seedream-generate', body);
			expect([queued.status, alone.status]).toEqual([500, 500]);
			expect(emulator.stats().generated).toBe(0);
		});

		test('12 webhook calls at once against 4 requests at once: both workers run them, every image delivered and paid once', async () => {
			emulator.reset();
			emulator.configure({ latencyMs: 500, maxConcurrent: 4 });
			const before = cluster.executionsByWorker().map((ids) => ids.length);
			const prompts = Array.from({ length: 12 }, (_, n) => `burst product ${n}`);
			const answers = await Promise.all(
				prompts.map((prompt) => call(cluster.url, 'seedream-generate', { prompt })),
			);
			expect(answers.map((answer) => answer.status)).toEqual(prompts.map(() => 200));
			expect(answers.map((answer) => answer.json[0].prompt)).toEqual(prompts);
			const paid = emulator.requests
				.filter((request) => request.status === 200)
				.map((request) => request.body.prompt);
			expect(paid.sort()).toEqual([...prompts].sort());
			expect(emulator.stats().generated).toBe(12);
			expect(emulator.stats().downloaded).toBe(12);
			const ran = cluster.executionsByWorker().map((ids, worker) => ids.length - before[worker]);
			expect(ran.reduce((sum, count) => sum + count, 0)).toBe(12);
			for (const count of ran) expect(count).toBeGreaterThan(0);
			const stored = await storedHashes();
			for (const answer of answers) expect(stored).toContain(answer.json[0].sha256);
		});
	},
);
