'use strict';
/**
 * Running n8n's CLI for the harness (see n8n.js): the environment an n8n process gets, one
 * command under the provisioned Node 24, and the migrated database every instance starts from.
 * Node built-ins only.
 */

const crypto = require('node:crypto');
const fsp = require('node:fs/promises');
const path = require('node:path');

const { ensureN8n } = require('./install');
const { describeOutput, getFreePort, makeTempDir, runProcess } = require('./processes');

const DEFAULT_CLI_TIMEOUT_MS = 180_000;

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
// migrated-database template (saves the ~3.5 s of migrations on every new instance)

const templates = new Map(); // install.dir -> Promise<{ dir, encryptionKey }>

/**
 * A user folder whose database n8n has migrated, made once per install and process; an instance
 * copies its `.n8n` and must use its key. Resolves { dir, encryptionKey, durationMs }.
 */
function migratedTemplate(install, say) {
	if (!templates.has(install.dir)) {
		const p = (async () => {
			const dir = await makeTempDir('n8n-e2e-template-');
			const encryptionKey = crypto.randomBytes(24).toString('hex');
			const emptyDir = path.join(dir, 'empty');
			await fsp.mkdir(emptyDir);
			const env = buildEnv(install, {
				...QUIET_ENV,
				N8N_USER_FOLDER: dir,
				N8N_ENCRYPTION_KEY: encryptionKey,
				N8N_PORT: await getFreePort(),
				N8N_RUNNERS_BROKER_PORT: await getFreePort(),
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

module.exports = {
	DEFAULT_CLI_TIMEOUT_MS,
	buildEnv,
	QUIET_ENV,
	spawnN8n,
	migratedTemplate,
};
