'use strict';
/**
 * n8n's long-running processes for the harness (see n8n.js): `n8n start` and `n8n worker`, each
 * in its own process group and waited for until it serves, and the production webhooks a started
 * n8n serves. Node built-ins only.
 */

const childProcess = require('node:child_process');
const http = require('node:http');

const { describeOutput, killGroup, liveGroups } = require('./processes');

/**
 * `n8n start` (provisioned `install`) with exactly `env`, in `cwd`, listening on `port`. Resolves
 * { url, pid, child, stdout, stderr, exitPromise, startupMs } once the REST API answers
 * (/healthz answers before its routes exist, so it waits for GET /rest/settings) and the active
 * workflows are activated.
 */
async function startServer({ install, cwd, env, port, timeoutMs }) {
	const child = childProcess.spawn(install.nodeBin, [install.n8nMain, 'start'], {
		cwd,
		env,
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
	const url = `http://127.0.0.1:${port}`;
	const started = Date.now();
	const server = {
		url,
		pid: child.pid,
		child,
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
	return server;
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

/**
 * Waits until the n8n at `url` serves the production webhooks at `paths` (POST): n8n 2.x
 * publishes workflows in the background after it says it is up. Asks with GET, which runs
 * nothing: a path registered for POST only answers "not registered for GET requests".
 */
async function waitForWebhooks(url, paths, { timeoutMs }) {
	const started = Date.now();
	for (const webhookPath of paths) {
		for (;;) {
			const response = await fetch(`${url}/webhook/${webhookPath}`).catch(() => null);
			const text = response ? await response.text() : '';
			if (/not registered for GET requests/.test(text)) break;
			if (Date.now() - started > timeoutMs)
				throw new Error(`the webhook ${webhookPath} was not registered within ${timeoutMs} ms (last answer: ${text.slice(0, 200)})`);
			await new Promise((r) => setTimeout(r, 250));
		}
	}
}

/**
 * `n8n worker --concurrency=N` (queue mode; provisioned `install`) with exactly `env`, in `cwd`.
 * Resolves { pid, child, stdout, stderr, exitPromise, startupMs } once it says it is ready.
 */
async function startWorker({ install, cwd, env, concurrency, timeoutMs }) {
	const child = childProcess.spawn(
		install.nodeBin,
		[install.n8nMain, 'worker', `--concurrency=${concurrency}`],
		{ cwd, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
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
	return worker;
}

module.exports = { startServer, waitForWebhooks, startWorker };
