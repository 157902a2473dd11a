'use strict';
/**
 * Headless harness around a REAL n8n (pinned in scripts/n8n-versions.json) for the end-to-end tests, the demo and the
 * benchmark: this file is the n8n instance, and the entry point the callers require. Plain
 * CommonJS, Node built-ins only: it runs under the machine's Node 20 and spawns n8n under the
 * Node 24 that scripts/provision-n8n.sh installs into a cache.
 *
 *   const h = require('./n8n');
 *   const inst = await h.createInstance({ binaryMode: 'filesystem', tarball });
 *   await inst.importCredentials([{ id, name, type, data: { apiKey: 'x' } }]);
 *   const [id] = await inst.importWorkflows([workflowJson]);
 *   const res = await inst.execute(id);          // { ok, exitCode, execution, ... }, never throws on a failed run
 *   const items = h.nodeOutput(res.execution, 'Seedream');
 *   const bytes = await inst.readBinary(items[0].binary.data);
 *   await inst.cleanup();
 *
 * The rest lives beside it, each module requiring only those below it:
 *   install.js     provisioning n8n, packing this repository, installing the tarball
 *   cli.js         an n8n process's environment, one CLI command, the migrated-database template
 *   background.js  `n8n start` and `n8n worker` until they serve; registered webhooks
 *   imports.js     credentials and workflows as n8n's import commands take them
 *   execution.js   the run `n8n execute --rawOutput` prints; a node's output and error in it
 *   binary.js      where binary data is stored; the bytes of an item's binary property
 *   processes.js   spawning, process groups, the exit hook, free ports, temp folders, RSS
 *
 * Facts this relies on (read from n8n 2.41.1's own code and checked by n8n.selftest.js):
 * - every CLI command is a fresh process (3-4 s; the first one on a new user folder also runs the
 *   migrations, about 7 s). Commands on one instance are serialised: they share a SQLite file and
 *   the task-broker port.
 */

const crypto = require('node:crypto');
const fsp = require('node:fs/promises');
const path = require('node:path');

const { startServer, startWorker, waitForWebhooks } = require('./background');
const { binaryFilePath, binaryStorageRoot, readBinary } = require('./binary');
const {
	DEFAULT_CLI_TIMEOUT_MS,
	QUIET_ENV,
	buildEnv,
	migratedTemplate,
	spawnN8n,
} = require('./cli');
const { executionResult, nodeError, nodeOutput, runData } = require('./execution');
const { prepareCredentials, prepareWorkflows } = require('./imports');
const { N8N_VERSIONS, ensureN8n, installCommunityPackage, packPackage } = require('./install');
const {
	describeOutput,
	getFreePort,
	makeTempDir,
	processTreeRss,
	removeTempDir,
	stopGroup,
	toLogger,
} = require('./processes');

const DEFAULT_EXECUTE_TIMEOUT_MS = 180_000;

const BINARY_MODES = new Set(['filesystem', 'default']);

class N8nInstance {
	/**
	 * @param {object} opts
	 * @param {'filesystem'|'default'|null} [opts.binaryMode='filesystem']  N8N_DEFAULT_BINARY_DATA_MODE;
	 *   null leaves it to n8n (`database` in queue mode, as n8n sets it there)
	 * @param {string} [opts.version]            n8n version (default the pinned one)
	 * @param {string} [opts.tarball]            npm-pack tarball installed as a community package
	 * @param {string|string[]} [opts.customExtensions]  folders for N8N_CUSTOM_EXTENSIONS (type CUSTOM.<name>)
	 * @param {object} [opts.env]                extra environment (undefined/null values remove a variable)
	 * @param {boolean} [opts.useTemplate=true]  start from a migrated database copied from a template
	 * @param {'n8n'|'npm'} [opts.installMode='n8n']  how the tarball is installed (see installTarball)
	 * @param {Function|object|false} [opts.log]
	 */
	constructor(opts = {}) {
		const binaryMode = opts.binaryMode === null ? null : opts.binaryMode || 'filesystem';
		if (binaryMode !== null && !BINARY_MODES.has(binaryMode))
			throw new Error(`binaryMode must be 'filesystem' or 'default', got ${binaryMode}`);
		this.binaryMode = binaryMode;
		this.options = opts;
		this.say = toLogger(opts.log);
		this.install = null;
		this.rootDir = null;
		this.userFolder = null;
		this.ioDir = null;
		this.env = null;
		this.encryptionKey = null;
		this.port = null;
		this.brokerPort = null;
		this.nodeType = null;
		this.installedPackage = null;
		this.template = null;
		this.timings = []; // [{ command, durationMs, exitCode, signal }]
		this.server = null;
		this.workers = [];
		this._queue = Promise.resolve();
		this._ioCounter = 0;
		this._initialized = false;
	}

	async init() {
		if (this._initialized) return this;
		const opts = this.options;
		this.install = opts.install || (await ensureN8n({ log: opts.log, version: opts.version }));
		this.rootDir = await makeTempDir('n8n-e2e-');
		this.userFolder = path.join(this.rootDir, 'user');
		this.ioDir = path.join(this.rootDir, 'io');
		await fsp.mkdir(this.userFolder, { recursive: true });
		await fsp.mkdir(this.ioDir, { recursive: true });

		const extraEnv = opts.env || {};
		if (extraEnv.N8N_USER_FOLDER) {
			throw new Error('createInstance makes its own N8N_USER_FOLDER: do not pass one in env');
		}
		if (extraEnv.N8N_ENCRYPTION_KEY) {
			// A template's config file holds the template's key: n8n refuses a different one.
			this.encryptionKey = String(extraEnv.N8N_ENCRYPTION_KEY);
		} else if (opts.useTemplate !== false) {
			const template = await migratedTemplate(this.install, this.say);
			await fsp.cp(path.join(template.dir, '.n8n'), path.join(this.userFolder, '.n8n'), {
				recursive: true,
			});
			this.encryptionKey = template.encryptionKey;
			this.template = template; // { dir, encryptionKey, durationMs } (durationMs: the migrating command)
		} else {
			this.encryptionKey = crypto.randomBytes(24).toString('hex');
		}

		this.port = await getFreePort();
		this.brokerPort = await getFreePort();
		const custom = opts.customExtensions
			? (Array.isArray(opts.customExtensions) ? opts.customExtensions : [opts.customExtensions])
					.map((p) => path.resolve(p))
					.join(';')
			: undefined;
		this.env = buildEnv(this.install, {
			...QUIET_ENV,
			N8N_USER_FOLDER: this.userFolder,
			N8N_ENCRYPTION_KEY: this.encryptionKey,
			N8N_PORT: this.port,
			N8N_RUNNERS_BROKER_PORT: this.brokerPort,
			N8N_DEFAULT_BINARY_DATA_MODE: this.binaryMode ?? undefined,
			N8N_CUSTOM_EXTENSIONS: custom,
			...extraEnv,
		});

		if (opts.tarball) await this.installTarball(opts.tarball, { mode: opts.installMode });
		this._initialized = true;
		return this;
	}

	/** Absolute path of $N8N_USER_FOLDER/.n8n */
	get n8nFolder() {
		return path.join(this.userFolder, '.n8n');
	}

	/**
	 * Installs an npm-pack tarball into $N8N_USER_FOLDER/.n8n/nodes as n8n's community package
	 * installer does, or with `npm install` (mode 'npm'): see installCommunityPackage.
	 */
	async installTarball(tarball, { mode = 'n8n' } = {}) {
		const { name, version, dir, nodeModules, nodeType } = await installCommunityPackage(
			tarball,
			this.n8nFolder,
			{ mode, scratchDir: this.ioDir },
		);
		this.installedPackage = { name, version, dir };
		this.nodeType = nodeType;
		this.say(`[n8n-harness] installed ${name}@${version} into ${nodeModules}`);
		return this.installedPackage;
	}

	/** Runs `fn` after every earlier command of this instance finished (shared SQLite + ports). */
	_serial(fn) {
		const run = this._queue.then(fn, fn);
		this._queue = run.catch(() => {});
		return run;
	}

	/** Runs `n8n <args>` with this instance's environment; resolves the raw result (never throws on exit code). */
	cli(args, { timeoutMs = DEFAULT_CLI_TIMEOUT_MS, env, onSpawn } = {}) {
		if (!this._initialized)
			return Promise.reject(new Error('N8nInstance: call init() (or use createInstance) first'));
		return this._serial(async () => {
			const res = await spawnN8n(args, env ? { ...this.env, ...env } : this.env, {
				install: this.install,
				cwd: this.rootDir,
				timeoutMs,
				onSpawn,
			});
			const command = args[0];
			this.timings.push({
				command,
				durationMs: res.durationMs,
				exitCode: res.exitCode,
				signal: res.signal,
			});
			this.say(
				`[n8n-harness] n8n ${command} -> exit ${res.exitCode ?? res.signal} in ${(res.durationMs / 1000).toFixed(1)} s`,
			);
			return res;
		});
	}

	async _writeIo(name, content) {
		const file = path.join(this.ioDir, `${++this._ioCounter}-${name}`);
		await fsp.writeFile(
			file,
			typeof content === 'string' ? content : JSON.stringify(content, null, 2),
		);
		return file;
	}

	/**
	 * Imports credentials in ONE `n8n import:credentials` call. Each is
	 * `{ id?, name?, type, data: { ...plain fields } }` (n8n encrypts `data`; see imports.js).
	 * Returns the ids.
	 */
	async importCredentials(credentials, { timeoutMs } = {}) {
		const prepared = prepareCredentials(credentials);
		const file = await this._writeIo('credentials.json', prepared);
		const res = await this.cli(['import:credentials', `--input=${file}`], { timeoutMs });
		const ok =
			res.exitCode === 0 &&
			/Successfully imported \d+ credentials?\./.test(res.stdout + res.stderr);
		if (!ok)
			throw new Error(
				`n8n import:credentials failed (exit ${res.exitCode ?? res.signal}${res.timedOut ? ', timed out' : ''})\n${describeOutput(res)}`,
			);
		return prepared.map((c) => c.id);
	}

	/**
	 * Imports workflows in ONE `n8n import:workflow --separate --input=<dir>` call. Adds an `id`
	 * (16 characters; n8n needs 1..21) where missing, and node ids (see imports.js). Returns the
	 * ids in order.
	 */
	async importWorkflows(workflows, { timeoutMs } = {}) {
		const prepared = prepareWorkflows(workflows);
		if (prepared.length === 0) return [];
		const dir = path.join(this.ioDir, `${++this._ioCounter}-workflows`);
		await fsp.mkdir(dir);
		for (const [i, copy] of prepared.entries()) {
			await fsp.writeFile(
				path.join(dir, `${String(i).padStart(4, '0')}.json`),
				JSON.stringify(copy, null, 2),
			);
		}
		const ids = prepared.map((copy) => copy.id);
		const res = await this.cli(['import:workflow', '--separate', `--input=${dir}`], { timeoutMs });
		const out = res.stdout + res.stderr;
		const m = out.match(/Successfully imported (\d+) workflows?\./);
		if (res.exitCode !== 0 || !m) {
			throw new Error(
				`n8n import:workflow failed (exit ${res.exitCode ?? res.signal}${res.timedOut ? ', timed out' : ''})\n${describeOutput(res)}`,
			);
		}
		if (Number(m[1]) !== ids.length) {
			throw new Error(
				`n8n imported ${m[1]} of ${ids.length} workflows (skipped ones are logged)\n${describeOutput(res)}`,
			);
		}
		return ids;
	}

	/**
	 * `n8n execute --id=ID --rawOutput`. Resolves
	 * { ok, exitCode, signal, crashedAfterOutput, timedOut, status, execution, error, stdout, stderr, durationMs }:
	 * - `execution`: the parsed run, also for a failed run (n8n exits 1 then);
	 * - `error`: data.resultData.error (null on success);
	 * - `ok`: the run succeeded (status "success", no error, exit 0).
	 * n8n 2.41.1 sometimes dies of SIGSEGV while exiting, after it printed the complete run: then
	 * `signal` is set, `crashedAfterOutput` is true and `exitCode` is the code the CLI exits with for
	 * that run (0 success, 1 failure), so assertions stay deterministic.
	 * Throws only when n8n printed no run at all (crash, unknown id, timeout).
	 */
	async execute(workflowId, { timeoutMs = DEFAULT_EXECUTE_TIMEOUT_MS, onSpawn } = {}) {
		const res = await this.cli(['execute', `--id=${workflowId}`, '--rawOutput'], {
			timeoutMs,
			onSpawn,
		});
		return executionResult(res, workflowId, timeoutMs);
	}

	/** Folder holding filesystem binary data for this instance. */
	get binaryStorageRoot() {
		return binaryStorageRoot(this.userFolder, this.env);
	}

	/** Bytes of `item.binary.<prop>`, for both binary modes. */
	readBinary(binary) {
		return readBinary(binary, { storageRoot: this.binaryStorageRoot });
	}

	/**
	 * `n8n start` in the background (its own task-broker port, so CLI commands can still run).
	 * Resolves { url, pid, child } once the REST API answers (/healthz answers before its routes
	 * exist, so it waits for GET /rest/settings) and the active workflows are activated.
	 */
	async startServer({ timeoutMs = 90_000, env } = {}) {
		if (!this._initialized)
			throw new Error('N8nInstance: call init() (or use createInstance) first');
		if (this.server) return this.server;
		const serverBrokerPort = await getFreePort();
		const server = await startServer({
			install: this.install,
			cwd: this.rootDir,
			env: { ...this.env, N8N_RUNNERS_BROKER_PORT: String(serverBrokerPort), ...(env || {}) },
			port: this.port,
			timeoutMs,
		});
		server.brokerPort = serverBrokerPort;
		this.server = server;
		this.say(
			`[n8n-harness] n8n start: ${server.url} (pid ${server.pid}) healthy in ${(server.startupMs / 1000).toFixed(1)} s`,
		);
		return server;
	}

	/**
	 * Waits until the started server serves the production webhooks at `paths` (POST): n8n 2.x
	 * publishes workflows in the background after it says it is up (see background.js).
	 */
	async waitForWebhooks(paths, { timeoutMs = 120_000 } = {}) {
		if (!this.server) throw new Error('waitForWebhooks: no server running');
		await waitForWebhooks(this.server.url, paths, { timeoutMs });
	}

	/** RSS of the running server and its children (see processTreeRss). */
	serverRss() {
		if (!this.server) throw new Error('no server running');
		return processTreeRss(this.server.pid);
	}

	/**
	 * Makes a workflow active for production webhooks and schedules. n8n 2.x: `publish:workflow`
	 * (run before `n8n start`; it once spun for minutes in a fresh queue setup, so it is killed
	 * after `timeoutMs`); 1.x: `update:workflow --active=true`.
	 */
	async publishWorkflow(workflowId, { timeoutMs = 300_000 } = {}) {
		const args =
			this.install.major >= 2
				? ['publish:workflow', `--id=${workflowId}`]
				: ['update:workflow', `--id=${workflowId}`, '--active=true'];
		const res = await this.cli(args, { timeoutMs });
		if (res.exitCode !== 0)
			throw new Error(
				`n8n ${args[0]} --id=${workflowId} failed (exit ${res.exitCode ?? res.signal}${res.timedOut ? `, killed after ${timeoutMs} ms` : ''})\n${describeOutput(res)}`,
			);
	}

	/**
	 * `n8n worker --concurrency=N` (queue mode) in the background, with its own task-broker port.
	 * Resolves { pid, child, stdout, stderr, exitPromise, startupMs } once it says it is ready.
	 */
	async startWorker({ concurrency = 5, timeoutMs = 120_000, env } = {}) {
		const worker = await startWorker({
			install: this.install,
			cwd: this.rootDir,
			env: {
				...this.env,
				N8N_RUNNERS_BROKER_PORT: String(await getFreePort()),
				...(env || {}),
			},
			concurrency,
			timeoutMs,
		});
		this.workers.push(worker);
		this.say(`[n8n-harness] n8n worker (pid ${worker.pid}) ready in ${(worker.startupMs / 1000).toFixed(1)} s`);
		return worker;
	}

	/** Ends a worker: SIGTERM lets it finish its jobs (up to `graceMs`), SIGKILL is a crash. */
	async stopWorker(worker, { signal = 'SIGTERM', graceMs = 30_000 } = {}) {
		await stopGroup(worker, { signal, graceMs });
		this.workers = this.workers.filter((other) => other !== worker);
		return worker.exitPromise;
	}

	/** `signal` (SIGTERM) to the server's process group, SIGKILL after `graceMs`; SIGKILL is a crash. */
	async stopServer({ graceMs = 15_000, signal = 'SIGTERM' } = {}) {
		const server = this.server;
		if (!server) return null;
		this.server = null;
		return stopGroup(server, { signal, graceMs }); // also kills leftovers (task runner)
	}

	/** Stops the server and removes the temporary folder. */
	async cleanup() {
		await Promise.all(this.workers.map((worker) => this.stopWorker(worker, { graceMs: 5000 }).catch(() => {})));
		await this.stopServer().catch(() => {});
		await this._queue.catch(() => {});
		if (this.rootDir) await removeTempDir(this.rootDir);
	}
}

/** Creates and initialises an instance (see N8nInstance). */
async function createInstance(opts = {}) {
	const instance = new N8nInstance(opts);
	try {
		await instance.init();
	} catch (error) {
		await instance.cleanup().catch(() => {});
		throw error;
	}
	return instance;
}

module.exports = {
	N8N_VERSIONS,
	ensureN8n,
	packPackage,
	createInstance,
	spawnN8n,
	buildEnv,
	QUIET_ENV,
	runData,
	nodeOutput,
	nodeError,
	readBinary,
	binaryStorageRoot,
	binaryFilePath,
};
