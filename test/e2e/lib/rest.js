'use strict';
/**
 * n8n's REST API as the editor calls it, for the tests that do what a user does in the editor:
 * the owner account and its login cookie, running a workflow by hand, the executions list, and
 * its Retry button.
 *
 *   const rest = await restSession(instance.server.url);   // sets up the owner once, logs in
 *   const { executionId } = await rest.runManually(workflowId, 'Start');
 *   const execution = await rest.waitForExecution(executionId);   // { id, status, mode, data, … }
 *   const retried = await rest.retry(failedId);            // POST /rest/executions/:id/retry
 *
 * Facts (n8n 2.41.1's own code, checked by the tests that use this):
 * - `POST /rest/owner/setup` works once per database; `POST /rest/login` takes
 *   `emailOrLdapLoginId` and `password` and sets the `n8n-auth` cookie;
 * - `POST /rest/workflows/:id/run` with `{ triggerToStartFrom: { name } }` runs the saved workflow
 *   as the editor's "Execute workflow" does (mode `manual`) and answers `{ executionId }` at once
 *   (1.123.81 also needs `workflowData`, the workflow as the editor holds it);
 * - `GET /rest/executions/:id` answers the execution with its run data as a `flatted` string;
 * - `POST /rest/executions/:id/retry` (body `{ loadWorkflow }`, false for "Retry with original
 *   workflow" as the executions list offers first) answers once the retry has finished, with the
 *   new execution (mode `retry`, `retryOf` the failed one) and its run data as an object.
 */
const { parse } = require('flatted');

const OWNER = {
	email: 'owner@example.com',
	firstName: 'E2e',
	lastName: 'Owner',
	password: 'E2ePassw0rd!',
};

/** The owner's session on the n8n at `url`: the account is created the first time. */
async function restSession(url, owner = OWNER) {
	const call = async (method, route, body, cookie) => {
		const response = await fetch(`${url}/rest/${route}`, {
			method,
			headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		let json;
		try {
			json = JSON.parse(text);
		} catch {
			json = undefined;
		}
		return { status: response.status, json, text, headers: response.headers };
	};
	const setup = await call('POST', 'owner/setup', owner);
	if (setup.status !== 200 && !/already/i.test(setup.text))
		throw new Error(`owner setup: ${setup.status} ${setup.text.slice(0, 300)}`);
	const login = await call('POST', 'login', {
		emailOrLdapLoginId: owner.email,
		password: owner.password,
	});
	if (login.status !== 200) throw new Error(`login: ${login.status} ${login.text.slice(0, 300)}`);
	const cookie = login.headers.get('set-cookie').split(';')[0];

	/** The `data` of a 200 answer; anything else throws with the answer. */
	const data = async (method, route, body) => {
		const answer = await call(method, route, body, cookie);
		if (answer.status !== 200)
			throw new Error(`${method} /rest/${route}: ${answer.status} ${answer.text.slice(0, 500)}`);
		return answer.json.data;
	};

	const session = {
		cookie,
		owner,
		get: (route) => data('GET', route),
		post: (route, body) => data('POST', route, body),
		/** Saves a workflow as the editor's Save button does (the whole workflow, with its versionId). */
		patch: (route, body) => data('PATCH', route, body),
		/**
		 * Runs the saved workflow from `trigger`, as the editor's "Execute workflow" button does
		 * (n8n 1.x also wants the workflow itself in the body; 2.x reads it from the database).
		 */
		async runManually(workflowId, trigger) {
			const workflowData = await data('GET', `workflows/${workflowId}`);
			return await data('POST', `workflows/${workflowId}/run`, {
				workflowData,
				triggerToStartFrom: { name: trigger },
			});
		},
		/** One execution with its run data parsed. */
		async execution(id) {
			const execution = await data('GET', `executions/${id}`);
			if (typeof execution.data === 'string') execution.data = parse(execution.data);
			return execution;
		},
		/** Polls until the execution has ended (any status but new, running or waiting). */
		async waitForExecution(id, { timeoutMs = 120_000 } = {}) {
			const started = Date.now();
			for (;;) {
				const execution = await session.execution(id);
				if (!['new', 'running', 'waiting', undefined].includes(execution.status)) return execution;
				if (Date.now() - started > timeoutMs)
					throw new Error(`execution ${id} still ${execution.status} after ${timeoutMs} ms`);
				await new Promise((resolve) => setTimeout(resolve, 250));
			}
		},
		/** The workflow's executions, newest first (summaries, without run data). */
		async executions(workflowId) {
			const list = await data(
				'GET',
				`executions?filter=${encodeURIComponent(JSON.stringify({ workflowId }))}`,
			);
			return list.results ?? list;
		},
		/** The executions list's Retry; resolves the finished retry with its run data. */
		async retry(id, { loadWorkflow = false } = {}) {
			const execution = await data('POST', `executions/${id}/retry`, { loadWorkflow });
			if (typeof execution.data === 'string') execution.data = parse(execution.data);
			return execution;
		},
	};
	return session;
}

/** A node's first output of an execution's run data (`[]` when it has none). */
function outputOf(execution, nodeName) {
	const runs = execution.data?.resultData?.runData?.[nodeName] ?? [];
	return runs.at(-1)?.data?.main?.[0] ?? [];
}

module.exports = { restSession, outputOf, OWNER };
