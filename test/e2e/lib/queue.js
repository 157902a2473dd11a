'use strict';
/**
 * n8n in queue mode for the end-to-end tests and the benchmark: Redis and PostgreSQL (already
 * running: their addresses come from the environment), a main and workers, all from one
 * provisioned n8n (see n8n.js). Node built-ins only, plus n8n's own `pg` and `ioredis` from the
 * provisioned install.
 *
 *   const probe = await probeServices();        // { ok, redis, postgres, missing: [...] }
 *   const cluster = await createQueueCluster({ tarball, workers: 2, concurrency: 5 });
 *   await cluster.instance.importCredentials([...]);
 *   const [id] = await cluster.instance.importWorkflows([workflow]);
 *   await cluster.start([id]);                  // publish, then the main and the workers
 *   await cluster.cleanup();                    // processes, the database, the Redis keys
 *
 * Facts this relies on (n8n 2.41.1's own code, measured here; shared/design/toolchain.md):
 * - every process gets EXECUTIONS_MODE=queue, QUEUE_BULL_REDIS_HOST/PORT, DB_TYPE=postgresdb and
 *   DB_POSTGRESDB_*, and the same N8N_ENCRYPTION_KEY and user folder (the package is installed
 *   there once); each its own task-broker port;
 * - N8N_DEFAULT_BINARY_DATA_MODE is left unset: n8n picks `database` in queue mode
 *   (BinaryDataConfig: `mode ??= executions.mode === 'queue' ? 'database' : 'filesystem'`);
 * - only production executions (webhooks, schedules) go to the workers; a workflow is published
 *   before `n8n start` (the CLI says a running n8n does not see it);
 * - each run gets its own database and Bull/Redis key prefix, so runs (and other people's n8n on
 *   the same Redis) never see each other's jobs.
 */

const crypto = require('node:crypto');
const net = require('node:net');
const path = require('node:path');

const n8n = require('./n8n');

/** Where the services are: REDIS_HOST/REDIS_PORT and PGHOST/PGPORT/PGUSER, or the defaults. */
function serviceAddresses(env = process.env) {
	return {
		redis: { host: env.REDIS_HOST || '127.0.0.1', port: Number(env.REDIS_PORT || 6379) },
		postgres: {
			host: env.PGHOST || '127.0.0.1',
			port: Number(env.PGPORT || 5432),
			user: env.PGUSER || 'postgres',
			password: env.PGPASSWORD || undefined,
		},
	};
}

/** Sends `payload` to host:port and resolves the first bytes answered ('' when nothing answers). */
function ask(host, port, payload, timeoutMs = 2000) {
	return new Promise((resolve) => {
		const socket = net.connect({ host, port });
		let answer = '';
		const done = () => {
			socket.destroy();
			resolve(answer);
		};
		socket.setTimeout(timeoutMs, done);
		socket.on('error', done);
		socket.on('connect', () => socket.write(payload));
		socket.on('data', (chunk) => {
			answer += chunk.toString('latin1');
			done();
		});
	});
}

/**
 * Whether Redis answers PING and PostgreSQL answers a startup packet (any answer: 'R' for
 * authentication, 'E' for an error, means a server is there). `missing` says what to start.
 */
async function probeServices(env = process.env) {
	const { redis, postgres } = serviceAddresses(env);
	const redisUp = (await ask(redis.host, redis.port, 'PING\r\n')).startsWith('+PONG');
	// An SSL request: a PostgreSQL server answers 'S' or 'N'.
	const sslRequest = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
	const pgUp = /^[SN]/.test(await ask(postgres.host, postgres.port, sslRequest));
	const missing = [];
	if (!redisUp)
		missing.push(
			`no Redis answers at ${redis.host}:${redis.port}: start one (redis-server --daemonize yes --bind 127.0.0.1 --port ${redis.port} --save "" --appendonly no) or set REDIS_HOST/REDIS_PORT`,
		);
	if (!pgUp)
		missing.push(
			`no PostgreSQL answers at ${postgres.host}:${postgres.port}: start one (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set PGHOST/PGPORT/PGUSER`,
		);
	return { ok: missing.length === 0, redis, postgres, missing };
}

/**
 * probeServices, synchronously (for a test file deciding at load time whether to skip): runs
 * the probe in a child Node.js.
 */
function probeServicesSync(env = process.env) {
	const script = `require(${JSON.stringify(__filename)}).probeServices().then((p) => process.stdout.write(JSON.stringify(p)))`;
	const result = require('node:child_process').spawnSync(process.execPath, ['-e', script], {
		env,
		encoding: 'utf8',
		timeout: 20_000,
	});
	try {
		return JSON.parse(result.stdout);
	} catch {
		return {
			ok: false,
			missing: [`could not probe Redis and PostgreSQL: ${result.stderr || result.error}`],
		};
	}
}

/** A module of the provisioned n8n (pg, ioredis), loaded from its node_modules. */
function n8nModule(install, name) {
	return require(path.join(install.dir, 'n8n', 'node_modules', name));
}

async function withPostgres(install, postgres, database, work) {
	const { Client } = n8nModule(install, 'pg');
	const client = new Client({ ...postgres, database });
	await client.connect();
	try {
		return await work(client);
	} finally {
		await client.end();
	}
}

/**
 * A fresh n8n queue-mode setup: its own database and key prefix, the package installed from
 * `tarball`, nothing started yet. `start(workflowIds)` publishes and starts the main and the
 * workers; `cleanup()` removes everything it made.
 */
async function createQueueCluster({
	tarball,
	workers = 2,
	concurrency = 5,
	version,
	log,
	env = {},
} = {}) {
	const install = await n8n.ensureN8n({ log, version });
	const probe = await probeServices();
	if (!probe.ok)
		throw new Error(`queue mode needs Redis and PostgreSQL: ${probe.missing.join('; ')}`);
	const tag = crypto.randomBytes(5).toString('hex');
	const database = `seedream_queue_${tag}`;
	await withPostgres(install, probe.postgres, 'postgres', (client) =>
		client.query(`CREATE DATABASE ${database}`),
	);
	const prefix = `seedream-${tag}`;
	const queueEnv = {
		EXECUTIONS_MODE: 'queue',
		QUEUE_BULL_REDIS_HOST: probe.redis.host,
		QUEUE_BULL_REDIS_PORT: probe.redis.port,
		QUEUE_BULL_PREFIX: prefix,
		N8N_REDIS_KEY_PREFIX: prefix,
		DB_TYPE: 'postgresdb',
		DB_POSTGRESDB_HOST: probe.postgres.host,
		DB_POSTGRESDB_PORT: probe.postgres.port,
		DB_POSTGRESDB_DATABASE: database,
		DB_POSTGRESDB_USER: probe.postgres.user,
		DB_POSTGRESDB_PASSWORD: probe.postgres.password,
		N8N_ENCRYPTION_KEY: crypto.randomBytes(24).toString('hex'),
		...env,
	};
	let instance;
	try {
		instance = await n8n.createInstance({
			install,
			tarball,
			binaryMode: null,
			useTemplate: false,
			log,
			env: queueEnv,
		});
	} catch (error) {
		await dropDatabase(install, probe.postgres, database).catch(() => {});
		throw error;
	}

	const cluster = {
		instance,
		database,
		prefix,
		workers: [],
		get url() {
			return instance.server?.url;
		},
		/** Publishes the workflows, then starts the main and the workers. */
		async start(workflowIds = []) {
			for (const id of workflowIds) await instance.publishWorkflow(id);
			await instance.startServer();
			cluster.workers = await Promise.all(
				Array.from({ length: workers }, () => instance.startWorker({ concurrency })),
			);
			return cluster;
		},
		/** Runs SQL in this setup's database; resolves the rows. */
		async query(sql, params = []) {
			return await withPostgres(
				install,
				probe.postgres,
				database,
				async (client) => (await client.query(sql, params)).rows,
			);
		},
		/** Executions each worker started, from its log ("Worker started execution N"). */
		executionsByWorker() {
			return instance.workers.map((worker) =>
				[...worker.stdout.matchAll(/Worker started execution (\d+)/g)].map((m) => m[1]),
			);
		},
		async cleanup() {
			await instance.cleanup();
			await dropDatabase(install, probe.postgres, database).catch(() => {});
			await deleteKeys(install, probe.redis, prefix).catch(() => {});
		},
	};
	return cluster;
}

async function dropDatabase(install, postgres, database) {
	await withPostgres(install, postgres, 'postgres', (client) =>
		client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`),
	);
}

/** Removes this run's keys from Redis (Bull's queue and n8n's own). */
async function deleteKeys(install, redis, prefix) {
	const Redis = n8nModule(install, 'ioredis');
	const client = new Redis({
		host: redis.host,
		port: redis.port,
		lazyConnect: true,
		maxRetriesPerRequest: 1,
	});
	await client.connect();
	try {
		let cursor = '0';
		do {
			const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
			if (keys.length) await client.del(...keys);
			cursor = next;
		} while (cursor !== '0');
	} finally {
		client.disconnect();
	}
}

/**
 * POSTs `body` as JSON to a production webhook; resolves { status, json, text, ms } (never
 * rejects on an HTTP status).
 */
async function postWebhook(baseUrl, webhookPath, body, { timeoutMs = 15 * 60 * 1000 } = {}) {
	const started = Date.now();
	const response = await fetch(`${baseUrl}/webhook/${webhookPath}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify(body),
		signal: AbortSignal.timeout(timeoutMs),
	});
	const bytes = Buffer.from(await response.arrayBuffer());
	let json;
	try {
		json = JSON.parse(bytes.toString('utf8'));
	} catch {
		json = undefined;
	}
	return { status: response.status, json, bytes, ms: Date.now() - started };
}

module.exports = {
	serviceAddresses,
	probeServices,
	probeServicesSync,
	createQueueCluster,
	postWebhook,
};
