'use strict';
/**
 * Headless harness around a REAL n8n (2.41.1, pinned) for the end-to-end tests, the demo and the
 * benchmark. Plain CommonJS, Node built-ins only: it runs under the machine's Node 20 and spawns
 * n8n under the Node 24 that scripts/provision-n8n.sh installs into a cache.
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
 * Facts this relies on (read from n8n 2.41.1's own code and checked by n8n.selftest.js):
 * - every CLI command is a fresh process (3-4 s; the first one on a new user folder also runs the
 *   migrations, about 7 s). Commands on one instance are serialised: they share a SQLite file and
 *   the task-broker port.
 * - `import:workflow --separate --input=<dir>` imports every *.json in <dir> in one process;
 *   `import:credentials --input=<file>` takes an array of {id, name, type, data} with `data` as a
 *   plain object, which n8n encrypts with N8N_ENCRYPTION_KEY.
 * - `execute --id=ID --rawOutput` prints log lines, then the run as pretty-printed JSON
 *   (JSON.stringify(run, null, 2)); a failed run is printed the same way (through the logger) and
 *   the process exits 1.
 * - filesystem binary ids are `filesystem-v2:<key>`; the bytes live at
 *   `<storage root>/<key>`, storage root = N8N_BINARY_DATA_STORAGE_PATH || N8N_STORAGE_PATH ||
 *   `$N8N_USER_FOLDER/.n8n/storage` (or the legacy `.n8n/binaryData` when that folder exists).
 * - n8n loads community packages from `$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-*` and
 *   adds its own node_modules to NODE_PATH, so a package's `n8n-workflow` import resolves to
 *   n8n's copy (that is why n8n strips peerDependencies when it installs a package).
 */

const childProcess = require('node:child_process');
const crypto = require('node:crypto');
const fs = require('node:fs');
const fsp = require('node:fs/promises');
const http = require('node:http');
const net = require('node:net');
const os = require('node:os');
const path = require('node:path');

/** The n8n versions this package is tested on: the pinned 2.x (default) and the last 1.x. */
const N8N_VERSIONS = { pinned: '2.41.1', latest1x: '1.123.81' };
const N8N_VERSION = N8N_VERSIONS.pinned;
const REPO_DIR = path.resolve(__dirname, '..', '..', '..');
const PROVISION_SCRIPT = path.join(REPO_DIR, 'scripts', 'provision-n8n.sh');
const DEFAULT_CLI_TIMEOUT_MS = 180_000;
const DEFAULT_EXECUTE_TIMEOUT_MS = 180_000;
const TAIL_CHARS = 4000;

// ---------------------------------------------------------------------------------------------
// small utilities

/**
 * Raw (chunk) writer for streaming a child's progress output to a `log` option: a
 * function(string), a writable stream, or false/null for silence (undefined: stderr).
 */
function toChunkWriter(log) {
	if (log === undefined) return (c) => process.stderr.write(c);
	if (log === null || log === false) return () => {};
	if (typeof log === 'function') return (c) => log(String(c));
	if (log && typeof log.write === 'function') return (c) => log.write(c);
	throw new TypeError('log must be a function, a writable stream, or false');
}

/** Line logger for a `log` option: a function gets each line as it is, a stream one per line. */
function toLogger(log) {
	if (typeof log === 'function') return (s) => log(s);
	const write = toChunkWriter(log);
	return (s) => write(s.endsWith('\n') ? s : `${s}\n`);
}

function tail(text, max = TAIL_CHARS) {
	if (!text) return '';
	const s = String(text);
	return s.length <= max ? s : `…${s.slice(s.length - max)}`;
}

function describeOutput(res) {
	const parts = [];
	if (res.stderr && res.stderr.trim())
		parts.push(`--- stderr (tail) ---\n${tail(res.stderr).trimEnd()}`);
	if (res.stdout && res.stdout.trim())
		parts.push(`--- stdout (tail) ---\n${tail(res.stdout).trimEnd()}`);
	return parts.join('\n');
}

const NANO_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A 16-character id like the ones n8n generates (workflow ids must be 1..21 characters). */
function generateId(length = 16) {
	const bytes = crypto.randomBytes(length);
	let id = '';
	for (let i = 0; i < length; i++) id += NANO_ALPHABET[bytes[i] % NANO_ALPHABET.length];
	return id;
}

/** A free TCP port on 127.0.0.1 (bound then released; `exclude` avoids handing out one twice). */
async function getFreePort(exclude = new Set()) {
	for (let attempt = 0; attempt < 50; attempt++) {
		const port = await new Promise((resolve, reject) => {
			const srv = net.createServer();
			srv.unref();
			srv.on('error', reject);
			srv.listen(0, '127.0.0.1', () => {
				const { port: p } = srv.address();
				srv.close(() => resolve(p));
			});
		});
		if (!exclude.has(port)) {
			exclude.add(port);
			return port;
		}
	}
	throw new Error('could not find a free port on 127.0.0.1');
}

// Every port handed out by this process, so that two instances never get the same one.
const usedPorts = new Set();

// Children started detached (own process group) that are still alive: killed on exit.
const liveGroups = new Set();
const tempDirsToRemove = new Set();
let exitHookInstalled = false;
function installExitHook() {
	if (exitHookInstalled) return;
	exitHookInstalled = true;
	process.on('exit', () => {
		for (const pid of liveGroups) {
			try {
				process.kill(-pid, 'SIGKILL');
			} catch {
				/* already gone */
			}
		}
		for (const dir of tempDirsToRemove) {
			try {
				fs.rmSync(dir, { recursive: true, force: true });
			} catch {
				/* best effort */
			}
		}
	});
}

/** Signals the process group `pid` leads (children are spawned detached, so they lead one). */
function killGroup(pid, signal) {
	try {
		process.kill(-pid, signal);
		return true;
	} catch {
		return false;
	}
}

/**
 * Runs a command, capturing stdout/stderr. Resolves { exitCode, signal, stdout, stderr,
 * durationMs, timedOut }; never rejects for a non-zero exit (only when the command cannot start).
 */
function runProcess(
	command,
	args,
	{ cwd, env, timeoutMs, onStdout, onStderr, onSpawn, detached = true } = {},
) {
	installExitHook();
	return new Promise((resolve, reject) => {
		const started = Date.now();
		let child;
		try {
			child = childProcess.spawn(command, args, {
				cwd,
				env,
				stdio: ['ignore', 'pipe', 'pipe'],
				detached,
			});
		} catch (error) {
			reject(error);
			return;
		}
		if (detached) liveGroups.add(child.pid);
		if (onSpawn) onSpawn(child);
		const out = [];
		const err = [];
		let timedOut = false;
		let timer = null;
		child.stdout.on('data', (c) => {
			out.push(c);
			if (onStdout) onStdout(c);
		});
		child.stderr.on('data', (c) => {
			err.push(c);
			if (onStderr) onStderr(c);
		});
		if (timeoutMs) {
			timer = setTimeout(() => {
				timedOut = true;
				killGroup(child.pid, 'SIGKILL');
			}, timeoutMs);
		}
		child.on('error', (error) => {
			if (timer) clearTimeout(timer);
			liveGroups.delete(child.pid);
			reject(new Error(`could not run ${command}: ${error.message}`));
		});
		child.on('close', (code, signal) => {
			if (timer) clearTimeout(timer);
			if (detached) {
				// n8n may leave a task-runner child behind in its group: reap it.
				killGroup(child.pid, 'SIGKILL');
				liveGroups.delete(child.pid);
			}
			resolve({
				exitCode: code,
				signal,
				stdout: Buffer.concat(out).toString('utf8'),
				stderr: Buffer.concat(err).toString('utf8'),
				durationMs: Date.now() - started,
				timedOut,
			});
		});
	});
}

// ---------------------------------------------------------------------------------------------
// provisioning

const provisionPromises = new Map(); // version -> Promise<install>

/**
 * Runs scripts/provision-n8n.sh (cached install of Node 24 + n8n `version`, 2.41.1 unless
 * told), streaming its progress to `log`. Returns { dir, nodeBinDir, nodeBin, n8nBin, n8nMain,
 * version, major }. Memoised per process and version.
 */
function ensureN8n({ log, version = N8N_VERSION } = {}) {
	if (!provisionPromises.has(version)) {
		const promise = provision(log, version).catch((error) => {
			provisionPromises.delete(version);
			throw error;
		});
		provisionPromises.set(version, promise);
	}
	return provisionPromises.get(version);
}

async function provision(log, version) {
	if (!fs.existsSync(PROVISION_SCRIPT)) {
		throw new Error(`n8n provisioning script not found: ${PROVISION_SCRIPT}`);
	}
	const res = await runProcess('bash', [PROVISION_SCRIPT, version], {
		cwd: REPO_DIR,
		env: process.env,
		onStderr: toChunkWriter(log),
		detached: false,
	});
	if (res.exitCode !== 0) {
		throw new Error(
			`provisioning n8n ${version} failed (scripts/provision-n8n.sh exited ${res.exitCode ?? res.signal})\n${describeOutput(res)}`,
		);
	}
	const lines = res.stdout
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	const dir = lines[lines.length - 1];
	if (!dir || !fs.existsSync(path.join(dir, '.ready'))) {
		throw new Error(
			`provision-n8n.sh did not print a ready n8n folder (stdout: ${JSON.stringify(tail(res.stdout, 500))})`,
		);
	}
	return describeInstall(dir, version);
}

/** Layout of a provisioned folder (see scripts/provision-n8n.sh). */
function describeInstall(dir, expected = N8N_VERSION) {
	const nodeBinDir = path.join(dir, 'node', 'node_modules', 'node', 'bin');
	const nodeBin = path.join(nodeBinDir, 'node');
	const n8nBin = path.join(dir, 'n8n', 'node_modules', '.bin', 'n8n');
	const n8nMain = path.join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
	for (const [what, p] of [
		['Node 24', nodeBin],
		['n8n', n8nMain],
	]) {
		if (!fs.existsSync(p)) throw new Error(`the provisioned folder ${dir} has no ${what} at ${p}`);
	}
	let version = null;
	try {
		version = JSON.parse(
			fs.readFileSync(path.join(dir, 'n8n', 'node_modules', 'n8n', 'package.json'), 'utf8'),
		).version;
	} catch {
		/* reported below */
	}
	if (version !== expected) throw new Error(`expected n8n ${expected} in ${dir}, found ${version}`);
	return { dir, nodeBinDir, nodeBin, n8nBin, n8nMain, version, major: Number(version.split('.')[0]) };
}

// ---------------------------------------------------------------------------------------------
// packing the repository

/** Runs npm without the caller's NODE_OPTIONS; throws `${what} failed …` with its output. */
async function runNpm(args, { cwd, what, onStdout, onStderr }) {
	const env = { ...process.env };
	delete env.NODE_OPTIONS;
	const res = await runProcess('npm', args, { cwd, env, onStdout, onStderr, detached: false });
	if (res.exitCode !== 0) {
		throw new Error(
			`${what} failed in ${cwd} (exit ${res.exitCode ?? res.signal})\n${describeOutput(res)}`,
		);
	}
	return res;
}

/**
 * `npm run build`, then `npm pack --pack-destination <fresh temp dir>` in repoDir (with the
 * caller's Node, 20 is fine). Returns the absolute path of the tarball.
 */
async function packPackage({ repoDir = REPO_DIR, log, destination } = {}) {
	const say = toLogger(log);
	const chunk = toChunkWriter(log);
	say(`[n8n-harness] npm run build in ${repoDir}`);
	await runNpm(['run', 'build'], {
		cwd: repoDir,
		what: 'npm run build',
		onStdout: chunk,
		onStderr: chunk,
	});

	let dest = destination;
	if (dest) await fsp.mkdir(dest, { recursive: true });
	else {
		dest = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-pack-'));
		installExitHook();
		tempDirsToRemove.add(dest); // removed when this process exits
	}
	say(`[n8n-harness] npm pack --pack-destination ${dest}`);
	const pack = await runNpm(['pack', '--json', '--pack-destination', dest], {
		cwd: repoDir,
		what: 'npm pack',
		onStderr: chunk,
	});
	// `npm pack --json` prints [{ filename, ... }].
	const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
	const tarball = path.join(dest, info.filename);
	if (!fs.existsSync(tarball)) {
		throw new Error(`npm pack reported ${tarball}, which is not there\n${describeOutput(pack)}`);
	}
	say(`[n8n-harness] packed ${tarball}`);
	return tarball;
}

// ---------------------------------------------------------------------------------------------
// environment

const STRIPPED_ENV = [
	/^N8N_/,
	/^DB_/,
	/^EXECUTIONS_/,
	/^QUEUE_/,
	/^WEBHOOK_URL$/,
	/^EXTERNAL_HOOK_FILES$/,
	/^E2E_TESTS$/,
];

/**
 * The environment for an n8n process: the caller's, without anything that would change n8n's
 * behaviour (N8N_*, DB_*, …, NODE_ENV — jest sets NODE_ENV=test, which makes n8n skip
 * process.exit and refuse to load nodes — NODE_OPTIONS, NODE_PATH), with Node 24 first on PATH,
 * then `vars`.
 */
function buildEnv(install, vars = {}) {
	const env = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (STRIPPED_ENV.some((re) => re.test(k))) continue;
		if (k === 'NODE_ENV' || k === 'NODE_OPTIONS' || k === 'NODE_PATH') continue;
		env[k] = v;
	}
	env.PATH = [install.nodeBinDir, process.env.PATH || ''].filter(Boolean).join(path.delimiter);
	for (const [k, v] of Object.entries(vars)) {
		if (v === undefined || v === null) delete env[k];
		else env[k] = String(v);
	}
	return env;
}

/** Quiet, offline defaults (docs/toolchain.md). */
const QUIET_ENV = {
	N8N_DIAGNOSTICS_ENABLED: 'false',
	N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
	N8N_TEMPLATES_ENABLED: 'false',
	N8N_PERSONALIZATION_ENABLED: 'false',
	N8N_HIRING_BANNER_ENABLED: 'false',
	N8N_LISTEN_ADDRESS: '127.0.0.1',
};

/**
 * Low level: runs `n8n <args>` under Node 24 with exactly `env` (build it with buildEnv or use an
 * instance). Resolves { exitCode, signal, stdout, stderr, durationMs, timedOut }.
 */
async function spawnN8n(
	args,
	env,
	{ install, cwd, timeoutMs = DEFAULT_CLI_TIMEOUT_MS, onStdout, onStderr, onSpawn } = {},
) {
	if (!env || !env.N8N_USER_FOLDER) {
		// Without it n8n would use (and migrate) ~/.n8n.
		throw new Error('spawnN8n needs an env with N8N_USER_FOLDER (see buildEnv)');
	}
	const inst = install || (await ensureN8n({ log: false }));
	return runProcess(inst.nodeBin, [inst.n8nMain, ...args], {
		// n8n loads a `.env` from its working directory: never run it from the repository.
		cwd: cwd || env.N8N_USER_FOLDER,
		env,
		timeoutMs,
		onStdout,
		onStderr,
		onSpawn,
	});
}

// ---------------------------------------------------------------------------------------------
// execution JSON helpers

/**
 * Extracts the run printed by `n8n execute --rawOutput`: from the first line starting with `{`
 * (JSON.stringify(run, null, 2), so the object ends at the next line that is exactly `}`).
 * Candidates that are not a run (no `data`) are skipped. Returns null when there is none.
 */
function parseExecutionOutput(stdout) {
	const lines = String(stdout).split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		if (!lines[i].startsWith('{')) continue;
		let candidate = null;
		if (lines[i].trim() === '{') {
			for (let j = i + 1; j < lines.length; j++) {
				if (lines[j] === '}') {
					candidate = lines.slice(i, j + 1).join('\n');
					break;
				}
			}
		} else {
			candidate = lines[i];
		}
		if (candidate === null) candidate = lines.slice(i).join('\n');
		try {
			const parsed = JSON.parse(candidate);
			if (parsed && typeof parsed === 'object' && parsed.data && parsed.data.resultData)
				return parsed;
		} catch {
			/* try the next candidate */
		}
	}
	return null;
}

/** `execution.data.resultData.runData` (node name -> array of runs). */
function runData(execution) {
	const rd =
		execution && execution.data && execution.data.resultData && execution.data.resultData.runData;
	if (!rd) throw new Error('not an n8n execution: no data.resultData.runData');
	return rd;
}

/** All runs of a node (an array; empty when the node did not run). */
function nodeRuns(execution, nodeName) {
	return runData(execution)[nodeName] || [];
}

/** Items of the last run of `nodeName` on main output `outputIndex`. Throws if the node did not run. */
function nodeOutput(execution, nodeName, outputIndex = 0) {
	const runs = nodeRuns(execution, nodeName);
	if (runs.length === 0) {
		throw new Error(
			`node "${nodeName}" did not run; nodes that ran: ${Object.keys(runData(execution)).join(', ') || 'none'}`,
		);
	}
	const last = runs[runs.length - 1];
	const main = (last.data && last.data.main) || [];
	return main[outputIndex] || [];
}

/**
 * The error of the last run of `nodeName` (`{ message, description, name, ... }`), or null.
 * Without nodeName: the execution's error (data.resultData.error), or null.
 */
function nodeError(execution, nodeName) {
	if (nodeName === undefined) {
		return (
			(execution &&
				execution.data &&
				execution.data.resultData &&
				execution.data.resultData.error) ||
			null
		);
	}
	const runs = nodeRuns(execution, nodeName);
	if (runs.length === 0) return null;
	return runs[runs.length - 1].error || null;
}

// ---------------------------------------------------------------------------------------------
// binary data

/** Root folder of filesystem binary data for a user folder and environment (rule of n8n 2.41.1). */
function binaryStorageRoot(userFolder, env = {}) {
	if (env.N8N_BINARY_DATA_STORAGE_PATH) return path.resolve(env.N8N_BINARY_DATA_STORAGE_PATH);
	if (env.N8N_STORAGE_PATH) return path.resolve(env.N8N_STORAGE_PATH);
	const n8nFolder = path.join(userFolder, '.n8n');
	const legacy = path.join(n8nFolder, 'binaryData');
	if (fs.existsSync(legacy) && !fs.existsSync(path.join(n8nFolder, 'storage'))) return legacy;
	return path.join(n8nFolder, 'storage');
}

/** Absolute file of a `filesystem(-v2):<key>` binary id. */
function binaryFilePath(binaryId, storageRoot) {
	const sep = binaryId.indexOf(':');
	const mode = binaryId.slice(0, sep);
	const key = binaryId.slice(sep + 1);
	if (sep === -1 || (mode !== 'filesystem' && mode !== 'filesystem-v2')) {
		throw new Error(`binary id "${binaryId}" is not stored on the filesystem (mode "${mode}")`);
	}
	const root = path.resolve(storageRoot);
	const file = path.resolve(root, key);
	if (file !== root && !file.startsWith(root + path.sep)) {
		throw new Error(`binary id "${binaryId}" points outside the storage folder ${root}`);
	}
	return file;
}

/**
 * Bytes of an item's binary property (`item.binary.data`): inline base64 (binary mode "default")
 * or a `filesystem-v2:` id read from `storageRoot`.
 */
async function readBinary(binary, { storageRoot, userFolder, env } = {}) {
	if (!binary || typeof binary !== 'object')
		throw new TypeError('readBinary expects a binary property object (item.binary.<name>)');
	if (binary.id) {
		const root = storageRoot || (userFolder && binaryStorageRoot(userFolder, env));
		if (!root) throw new Error('readBinary: a stored binary needs storageRoot or userFolder');
		const file = binaryFilePath(binary.id, root);
		try {
			return await fsp.readFile(file);
		} catch (error) {
			throw new Error(`binary ${binary.id} not found at ${file}: ${error.message}`);
		}
	}
	if (typeof binary.data === 'string') {
		if (['filesystem', 'filesystem-v2', 's3', 'azure', 'database'].includes(binary.data)) {
			throw new Error(`binary is stored in mode "${binary.data}" but has no id`);
		}
		return Buffer.from(binary.data, 'base64');
	}
	throw new Error('binary has neither an id nor inline base64 data');
}

// ---------------------------------------------------------------------------------------------
// memory sampling

function readProcStat(pid) {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		const close = stat.lastIndexOf(')');
		const fields = stat.slice(close + 2).split(' ');
		return { ppid: Number(fields[1]), comm: stat.slice(stat.indexOf('(') + 1, close) };
	} catch {
		return null;
	}
}

function readVmRssKb(pid) {
	try {
		const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
		const m = status.match(/^VmRSS:\s+(\d+)\s+kB/m);
		return m ? Number(m[1]) : 0;
	} catch {
		return 0;
	}
}

/**
 * VmRSS of `pid` and all its descendants (n8n forks a JS task runner). Returns
 * { totalKb, totalBytes, processes: [{ pid, ppid, comm, rssKb }] }.
 */
function processTreeRss(pid) {
	const children = new Map();
	const info = new Map();
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const st = readProcStat(entry);
		if (!st) continue;
		const p = Number(entry);
		info.set(p, st);
		if (!children.has(st.ppid)) children.set(st.ppid, []);
		children.get(st.ppid).push(p);
	}
	const processes = [];
	const queue = [pid];
	const seen = new Set();
	while (queue.length) {
		const p = queue.shift();
		if (seen.has(p)) continue;
		seen.add(p);
		const st = info.get(p);
		if (!st) continue;
		processes.push({ pid: p, ppid: st.ppid, comm: st.comm, rssKb: readVmRssKb(p) });
		for (const c of children.get(p) || []) queue.push(c);
	}
	const totalKb = processes.reduce((s, p) => s + p.rssKb, 0);
	return { totalKb, totalBytes: totalKb * 1024, processes };
}

// ---------------------------------------------------------------------------------------------
// migrated-database template (saves the ~3.5 s of migrations on every new instance)

const templates = new Map(); // install.dir -> Promise<{ dir, encryptionKey }>

function migratedTemplate(install, say) {
	if (!templates.has(install.dir)) {
		const p = (async () => {
			installExitHook();
			const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-template-'));
			tempDirsToRemove.add(dir);
			const encryptionKey = crypto.randomBytes(24).toString('hex');
			const emptyDir = path.join(dir, 'empty');
			await fsp.mkdir(emptyDir);
			const env = buildEnv(install, {
				...QUIET_ENV,
				N8N_USER_FOLDER: dir,
				N8N_ENCRYPTION_KEY: encryptionKey,
				N8N_PORT: await getFreePort(usedPorts),
				N8N_RUNNERS_BROKER_PORT: await getFreePort(usedPorts),
			});
			say('[n8n-harness] creating a migrated database template (first n8n command, ~7 s)');
			const res = await spawnN8n(['import:workflow', '--separate', `--input=${emptyDir}`], env, {
				install,
				cwd: dir,
			});
			if (res.exitCode !== 0) {
				throw new Error(
					`could not create the n8n database template (exit ${res.exitCode ?? res.signal})\n${describeOutput(res)}`,
				);
			}
			return { dir, encryptionKey, durationMs: res.durationMs };
		})();
		p.catch(() => templates.delete(install.dir));
		templates.set(install.dir, p);
	}
	return templates.get(install.dir);
}

// ---------------------------------------------------------------------------------------------
// the instance

const BINARY_MODES = new Set(['filesystem', 'default']);

class N8nInstance {
	/**
	 * @param {object} opts
	 * @param {'filesystem'|'default'|null} [opts.binaryMode='filesystem']  N8N_DEFAULT_BINARY_DATA_MODE;
	 *   null leaves it to n8n (`database` in queue mode, as n8n sets it there)
	 * @param {string} [opts.version]            n8n version (default the pinned 2.41.1)
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
		installExitHook();
		const opts = this.options;
		this.install = opts.install || (await ensureN8n({ log: opts.log, version: opts.version }));
		this.rootDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'n8n-e2e-'));
		tempDirsToRemove.add(this.rootDir);
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

		this.port = await getFreePort(usedPorts);
		this.brokerPort = await getFreePort(usedPorts);
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
	 * Installs an npm-pack tarball into $N8N_USER_FOLDER/.n8n/nodes the way n8n 2.41.1's community
	 * package installer does (community-packages.service.js downloadPackage): unpack into
	 * nodes/node_modules/<name>, drop devDependencies/peerDependencies/optionalDependencies from its
	 * package.json, `npm install` its own dependencies inside it (skipped when it has none), and
	 * record it in nodes/package.json. mode 'npm' instead runs
	 * `npm install <tarball> --ignore-scripts --no-audit --no-fund --legacy-peer-deps` in nodes/
	 * (--legacy-peer-deps, or npm would install a second n8n-workflow from the peerDependency).
	 */
	async installTarball(tarball, { mode = 'n8n' } = {}) {
		const abs = path.resolve(tarball);
		if (!fs.existsSync(abs)) throw new Error(`tarball not found: ${abs}`);
		const nodesDir = path.join(this.n8nFolder, 'nodes');
		const nodeModules = path.join(nodesDir, 'node_modules');
		await fsp.mkdir(nodeModules, { recursive: true });
		const ledgerPath = path.join(nodesDir, 'package.json');
		let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
		if (fs.existsSync(ledgerPath)) ledger = JSON.parse(await fsp.readFile(ledgerPath, 'utf8'));
		ledger.dependencies = ledger.dependencies || {};

		let pkg;
		if (mode === 'npm') {
			await fsp.writeFile(ledgerPath, JSON.stringify(ledger, null, 2)); // npm installs into it
			await runNpm(
				[
					'install',
					abs,
					'--ignore-scripts',
					'--no-audit',
					'--no-fund',
					'--legacy-peer-deps',
					'--loglevel=error',
				],
				{ cwd: nodesDir, what: `npm install ${abs}` },
			);
			const manifest = await readTarballManifest(abs, this.ioDir);
			pkg = JSON.parse(
				await fsp.readFile(path.join(nodeModules, manifest.name, 'package.json'), 'utf8'),
			);
		} else if (mode === 'n8n') {
			const manifest = await readTarballManifest(abs, this.ioDir);
			const pkgDir = path.join(nodeModules, manifest.name);
			await fsp.rm(pkgDir, { recursive: true, force: true });
			await fsp.mkdir(pkgDir, { recursive: true });
			const untar = await runProcess('tar', ['-xzf', abs, '-C', pkgDir, '--strip-components=1'], {
				detached: false,
			});
			if (untar.exitCode !== 0)
				throw new Error(`could not unpack ${abs}\n${describeOutput(untar)}`);
			const pjPath = path.join(pkgDir, 'package.json');
			const { devDependencies, peerDependencies, optionalDependencies, ...rest } = JSON.parse(
				await fsp.readFile(pjPath, 'utf8'),
			);
			await fsp.writeFile(pjPath, JSON.stringify(rest, null, 2));
			if (rest.dependencies && Object.keys(rest.dependencies).length > 0) {
				await runNpm(
					[
						'install',
						'--audit=false',
						'--fund=false',
						'--bin-links=false',
						'--install-strategy=shallow',
						'--ignore-scripts=true',
						'--package-lock=false',
						'--loglevel=error',
					],
					{ cwd: pkgDir, what: `npm install of ${manifest.name}'s dependencies` },
				);
			}
			ledger.dependencies[rest.name] = rest.version;
			await fsp.writeFile(ledgerPath, JSON.stringify(ledger, null, 2));
			pkg = rest;
		} else {
			throw new Error(`installMode must be 'n8n' or 'npm', got ${mode}`);
		}

		const installedDir = path.join(nodeModules, pkg.name);
		if (!fs.existsSync(path.join(installedDir, 'package.json'))) {
			throw new Error(`after installing ${abs}, ${installedDir} does not exist`);
		}
		if (!pkg.n8n || !Array.isArray(pkg.n8n.nodes)) {
			throw new Error(`${pkg.name} has no "n8n.nodes" in its package.json: n8n would not load it`);
		}
		for (const rel of [...pkg.n8n.nodes, ...(pkg.n8n.credentials || [])]) {
			if (!fs.existsSync(path.join(installedDir, rel)))
				throw new Error(`${pkg.name} lists ${rel}, which is not in the tarball`);
		}
		this.installedPackage = { name: pkg.name, version: pkg.version, dir: installedDir };
		// `<package>.<node name>`; this package names each node after its file (Seedream.node.js: seedream).
		const nodeFile = path.basename(pkg.n8n.nodes[0], '.node.js');
		this.nodeType = `${pkg.name}.${nodeFile[0].toLowerCase()}${nodeFile.slice(1)}`;
		this.say(`[n8n-harness] installed ${pkg.name}@${pkg.version} into ${nodeModules}`);
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
	 * `{ id?, name?, type, data: { ...plain fields } }` (n8n encrypts `data`). Returns the ids.
	 */
	async importCredentials(credentials, { timeoutMs } = {}) {
		const list = Array.isArray(credentials) ? credentials : [credentials];
		const prepared = list.map((c, i) => {
			if (!c || typeof c !== 'object') throw new TypeError(`credential #${i} is not an object`);
			if (!c.type) throw new Error(`credential #${i} has no type`);
			if (!c.data || typeof c.data !== 'object')
				throw new Error(`credential #${i} (${c.type}) needs data as a plain object`);
			const id = c.id || generateId();
			return { ...c, id: String(id), name: c.name || `${c.type} ${id}` };
		});
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
	 * (16 characters; n8n needs 1..21) where missing, and node ids. Returns the ids in order.
	 */
	async importWorkflows(workflows, { timeoutMs } = {}) {
		const list = Array.isArray(workflows) ? workflows : [workflows];
		if (list.length === 0) return [];
		const dir = path.join(this.ioDir, `${++this._ioCounter}-workflows`);
		await fsp.mkdir(dir);
		const ids = [];
		const seen = new Set();
		for (const [i, wf] of list.entries()) {
			if (!wf || typeof wf !== 'object' || !Array.isArray(wf.nodes) || !wf.connections) {
				throw new Error(`workflow #${i} needs "nodes" (array) and "connections"`);
			}
			const copy = JSON.parse(JSON.stringify(wf));
			copy.id = copy.id ? String(copy.id) : generateId();
			if (copy.id.length > 21)
				throw new Error(
					`workflow id "${copy.id}" is longer than 21 characters: n8n execute would ignore it`,
				);
			if (seen.has(copy.id)) throw new Error(`workflow id "${copy.id}" appears twice`);
			seen.add(copy.id);
			copy.name = copy.name || `e2e ${copy.id}`;
			copy.active = false;
			copy.settings = copy.settings || {};
			copy.nodes = copy.nodes.map((n) => ({
				position: [0, 0],
				parameters: {},
				...n,
				id: n.id || crypto.randomUUID(),
			}));
			await fsp.writeFile(
				path.join(dir, `${String(i).padStart(4, '0')}.json`),
				JSON.stringify(copy, null, 2),
			);
			ids.push(copy.id);
		}
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
		const execution = parseExecutionOutput(res.stdout);
		if (!execution) {
			const why = res.timedOut
				? `timed out after ${timeoutMs} ms`
				: `exit ${res.exitCode ?? res.signal}`;
			throw new Error(
				`n8n execute --id=${workflowId} printed no execution (${why})\n${describeOutput(res)}`,
			);
		}
		const error = nodeError(execution);
		const succeeded = !error && execution.status === 'success';
		const crashedAfterOutput = res.exitCode === null;
		const exitCode = crashedAfterOutput ? (succeeded ? 0 : 1) : res.exitCode;
		return {
			ok: succeeded && exitCode === 0,
			exitCode,
			signal: res.signal,
			crashedAfterOutput,
			timedOut: res.timedOut,
			status: execution.status,
			execution,
			error,
			stdout: res.stdout,
			stderr: res.stderr,
			durationMs: res.durationMs,
		};
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
		const serverBrokerPort = await getFreePort(usedPorts);
		const serverEnv = {
			...this.env,
			N8N_RUNNERS_BROKER_PORT: String(serverBrokerPort),
			...(env || {}),
		};
		const child = childProcess.spawn(this.install.nodeBin, [this.install.n8nMain, 'start'], {
			cwd: this.rootDir,
			env: serverEnv,
			stdio: ['ignore', 'pipe', 'pipe'],
			detached: true,
		});
		liveGroups.add(child.pid);
		const out = [];
		const err = [];
		child.stdout.on('data', (c) => out.push(c));
		child.stderr.on('data', (c) => err.push(c));
		let exited = null;
		const exitPromise = new Promise((resolve) => {
			child.on('exit', (code, signal) => {
				exited = { code, signal };
				liveGroups.delete(child.pid);
				resolve(exited);
			});
		});
		const url = `http://127.0.0.1:${this.port}`;
		const started = Date.now();
		const server = {
			url,
			pid: child.pid,
			child,
			brokerPort: serverBrokerPort,
			get stdout() {
				return Buffer.concat(out).toString('utf8');
			},
			get stderr() {
				return Buffer.concat(err).toString('utf8');
			},
			exitPromise,
			startupMs: null,
		};
		while (true) {
			if (exited) {
				throw new Error(
					`n8n start exited (${exited.code ?? exited.signal}) before its REST API answered\n${describeOutput(server)}`,
				);
			}
			if (Date.now() - started > timeoutMs) {
				killGroup(child.pid, 'SIGKILL');
				throw new Error(
					`n8n start: the REST API did not answer within ${timeoutMs} ms\n${describeOutput(server)}`,
				);
			}
			// The REST API answers before the active workflows' webhooks are registered; n8n says
			// "Editor is now accessible" once they are.
			if (/Editor is now accessible/.test(server.stdout) && (await answersJson(`${url}/rest/settings`)))
				break;
			await new Promise((r) => setTimeout(r, 200));
		}
		server.startupMs = Date.now() - started;
		this.server = server;
		this.say(
			`[n8n-harness] n8n start: ${url} (pid ${child.pid}) healthy in ${(server.startupMs / 1000).toFixed(1)} s`,
		);
		return server;
	}

	/**
	 * Waits until the started server serves the production webhooks at `paths` (POST): n8n 2.x
	 * publishes workflows in the background after it says it is up. Asks with GET, which runs
	 * nothing: a path registered for POST only answers "not registered for GET requests".
	 */
	async waitForWebhooks(paths, { timeoutMs = 120_000 } = {}) {
		if (!this.server) throw new Error('waitForWebhooks: no server running');
		const started = Date.now();
		for (const webhookPath of paths) {
			for (;;) {
				const response = await fetch(`${this.server.url}/webhook/${webhookPath}`).catch(() => null);
				const text = response ? await response.text() : '';
				if (/not registered for GET requests/.test(text)) break;
				if (Date.now() - started > timeoutMs)
					throw new Error(`the webhook ${webhookPath} was not registered within ${timeoutMs} ms (last answer: ${text.slice(0, 200)})`);
				await new Promise((r) => setTimeout(r, 250));
			}
		}
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
		const workerEnv = {
			...this.env,
			N8N_RUNNERS_BROKER_PORT: String(await getFreePort(usedPorts)),
			...(env || {}),
		};
		const child = childProcess.spawn(
			this.install.nodeBin,
			[this.install.n8nMain, 'worker', `--concurrency=${concurrency}`],
			{ cwd: this.rootDir, env: workerEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
		);
		liveGroups.add(child.pid);
		const out = [];
		const err = [];
		child.stdout.on('data', (c) => out.push(c));
		child.stderr.on('data', (c) => err.push(c));
		const exitPromise = new Promise((resolve) =>
			child.on('exit', (code, signal) => {
				liveGroups.delete(child.pid);
				resolve({ code, signal });
			}),
		);
		const worker = {
			pid: child.pid,
			child,
			exitPromise,
			get stdout() {
				return Buffer.concat(out).toString('utf8');
			},
			get stderr() {
				return Buffer.concat(err).toString('utf8');
			},
			startupMs: null,
		};
		const started = Date.now();
		while (!/n8n worker is now ready/.test(worker.stdout + worker.stderr)) {
			if (child.exitCode !== null || child.signalCode !== null)
				throw new Error(`n8n worker exited before it was ready\n${describeOutput(worker)}`);
			if (Date.now() - started > timeoutMs) {
				killGroup(child.pid, 'SIGKILL');
				throw new Error(`n8n worker not ready within ${timeoutMs} ms\n${describeOutput(worker)}`);
			}
			await new Promise((r) => setTimeout(r, 200));
		}
		worker.startupMs = Date.now() - started;
		this.workers.push(worker);
		this.say(`[n8n-harness] n8n worker (pid ${child.pid}) ready in ${(worker.startupMs / 1000).toFixed(1)} s`);
		return worker;
	}

	/** Ends a worker: SIGTERM lets it finish its jobs (up to `graceMs`), SIGKILL is a crash. */
	async stopWorker(worker, { signal = 'SIGTERM', graceMs = 30_000 } = {}) {
		if (worker.child.exitCode === null && worker.child.signalCode === null) {
			killGroup(worker.pid, signal);
			const timer = setTimeout(() => killGroup(worker.pid, 'SIGKILL'), graceMs);
			await worker.exitPromise;
			clearTimeout(timer);
		}
		killGroup(worker.pid, 'SIGKILL');
		liveGroups.delete(worker.pid);
		this.workers = this.workers.filter((other) => other !== worker);
		return worker.exitPromise;
	}

	/** SIGTERM to the server's process group, SIGKILL after `graceMs`. */
	async stopServer({ graceMs = 15_000 } = {}) {
		const server = this.server;
		if (!server) return null;
		this.server = null;
		if (server.child.exitCode === null && server.child.signalCode === null) {
			killGroup(server.pid, 'SIGTERM');
			const timer = setTimeout(() => killGroup(server.pid, 'SIGKILL'), graceMs);
			await server.exitPromise;
			clearTimeout(timer);
		}
		killGroup(server.pid, 'SIGKILL'); // leftovers (task runner)
		liveGroups.delete(server.pid);
		return server.exitPromise;
	}

	/** Stops the server and removes the temporary folder. */
	async cleanup() {
		await Promise.all(this.workers.map((worker) => this.stopWorker(worker, { graceMs: 5000 }).catch(() => {})));
		await this.stopServer().catch(() => {});
		await this._queue.catch(() => {});
		if (this.rootDir) {
			await fsp.rm(this.rootDir, { recursive: true, force: true });
			tempDirsToRemove.delete(this.rootDir);
		}
	}
}

/** 200 and JSON: `GET url` answers as a REST route does (0 when it cannot connect). */
function answersJson(url) {
	return new Promise((resolve) => {
		const req = http.get(url, { timeout: 2000 }, (res) => {
			res.resume();
			resolve(res.statusCode === 200 && /json/.test(res.headers['content-type'] || ''));
		});
		req.on('timeout', () => req.destroy());
		req.on('error', () => resolve(false));
	});
}

/** Lists a tarball's package/package.json (via `tar`, as n8n itself does). */
async function readTarballManifest(tarball, scratchDir) {
	const dir = await fsp.mkdtemp(path.join(scratchDir || os.tmpdir(), 'manifest-'));
	try {
		const res = await runProcess('tar', ['-xzf', tarball, '-C', dir, 'package/package.json'], {
			detached: false,
		});
		if (res.exitCode !== 0)
			throw new Error(`${tarball} has no package/package.json\n${describeOutput(res)}`);
		return JSON.parse(await fsp.readFile(path.join(dir, 'package', 'package.json'), 'utf8'));
	} finally {
		await fsp.rm(dir, { recursive: true, force: true });
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
