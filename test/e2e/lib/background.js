'use strict';
/**
 * n8n's long-running processes for the harness (see n8n.js): `n8n start` and `n8n worker`, each
 * in its own process group and waited for until it serves, and the production webhooks a started
 * n8n serves. Node built-ins only.
 */

const http = require('node:http');

const { describeOutput, hasExited, killGroup, spawnInGroup } = require('./processes');

/**
 * `n8n start` (provisioned `install`) with exactly `env`, in `cwd`, listening on `port`. Resolves
 * the process (spawnInGroup) with { url, startupMs } once the REST API answers (/healthz answers
 * before its routes exist, so it waits for GET /rest/settings) and the active workflows are
 * activated.
 */
async function startServer({ install, cwd, env, port, timeoutMs }) {
	const server = spawnInGroup(install.nodeBin, [install.n8nMain, 'start'], { cwd, env });
	const url = `http://127.0.0.1:${port}`;
	server.url = url;
	server.startupMs = null;
	const started = Date.now();
	while (true) {
		if (hasExited(server)) {
			throw new Error(
				`n8n start exited (${server.child.exitCode ?? server.child.signalCode}) before its REST API answered\n${describeOutput(server)}`,
			);
		}
		if (Date.now() - started > timeoutMs) {
			killGroup(server.pid, 'SIGKILL');
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
 * Resolves the process (spawnInGroup) with { startupMs } once it says it is ready.
 */
async function startWorker({ install, cwd, env, concurrency, timeoutMs }) {
	const worker = spawnInGroup(
		install.nodeBin,
		[install.n8nMain, 'worker', `--concurrency=${concurrency}`],
		{ cwd, env },
	);
	worker.startupMs = null;
	const started = Date.now();
	while (!/n8n worker is now ready/.test(worker.stdout + worker.stderr)) {
		if (hasExited(worker))
			throw new Error(`n8n worker exited before it was ready\n${describeOutput(worker)}`);
		if (Date.now() - started > timeoutMs) {
			killGroup(worker.pid, 'SIGKILL');
			throw new Error(`n8n worker not ready within ${timeoutMs} ms\n${describeOutput(worker)}`);
		}
		await new Promise((r) => setTimeout(r, 200));
	}
	worker.startupMs = Date.now() - started;
	return worker;
}

module.exports = { startServer, waitForWebhooks, startWorker };
