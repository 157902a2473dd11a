/**
 * How the node reacts when the Seedream API fails: every documented error code becomes a
 * NodeApiError with the API's own message and advice (never the key), what is retried and what
 * is not (a retry can pay twice), timeouts, lost connections, unreadable answers, "continue on
 * fail", stopping after the first failure, and cancellation. The node runs in n8n-core's real
 * engine; only the network is mocked.
 */
import nock from 'nock';
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { API_HOST, API_PATH } from '../../support/api';
import { runSeedream, TEST_CREDENTIALS, type RunResult } from '../../support/engine';
import { dataUri, png } from '../../support/images';

const API_KEY = TEST_CREDENTIALS.apiKey;

const api = () => nock(API_HOST, { reqheaders: { authorization: `Bearer ${API_KEY}` } });

// Interceptor hygiene and the unmatched-request check: test/support/nockLifecycle.ts.

/** An answer with one inline image, so that a success needs no download. */
const success = (seed: string) => ({
	images: [dataUri(png(16, 16, seed))],
});

/**
 * A socket error as Node raises it. nock 14 passes `replyWithError`'s argument to
 * @mswjs/interceptors, which only forwards real Errors carrying `code` and `errno`: a plain
 * `{ code, message }` object crashes the interceptor (Reflect.has called on non-object) and the
 * request never settles.
 */
function networkError(code: string, message: string): Error {
	return Object.assign(new Error(message), {
		code,
		errno: code === 'ECONNRESET' ? -104 : -111,
		syscall: 'read',
	});
}

/** The platform's error body. */
const apiError = (code: number, reason: string, message: string) => ({
	code,
	reason,
	message,
	metadata: {},
});

function expectFailed(result: RunResult): NonNullable<RunResult['error']> {
	expect(result.items).toBeUndefined();
	expect(result.error).toBeDefined();
	return result.error!;
}

function expectNoKey(result: RunResult): void {
	const error = result.error!;
	expect(JSON.stringify(error)).not.toContain(API_KEY);
	expect(error.message).not.toContain(API_KEY);
	expect(String(error.description ?? '')).not.toContain(API_KEY);
	// Nor anywhere in what the execution keeps.
	expect(JSON.stringify(result.run)).not.toContain(API_KEY);
}

function expectImage(item: INodeExecutionData, itemIndex: number, prompt: string): void {
	expect(item.pairedItem).toEqual({ item: itemIndex });
	expect(item.json).toEqual(
		expect.objectContaining({ index: 0, count: 1, itemIndex, prompt, mimeType: 'image/png' }),
	);
	expect(item.binary?.data?.mimeType).toBe('image/png');
}

describe('API errors become NodeApiErrors with the API message and advice', () => {
	interface ErrorCase {
		status: number;
		reason: string;
		message: string;
		advice: RegExp;
		options?: INodeParameters;
	}
	const cases: Array<[string, ErrorCase]> = [
		[
			'400 INVALID_REQUEST_BODY',
			{
				status: 400,
				reason: 'INVALID_REQUEST_BODY',
				message: 'size must be one of 2K, 4K or WxH',
				advice: /request invalid/i,
			},
		],
		[
			'401 FAILED_TO_AUTH',
			{
				status: 401,
				reason: 'FAILED_TO_AUTH',
				message: 'failed to authenticate',
				advice: /credential/i,
			},
		],
		[
			'403 INVALID_API_KEY',
			{ status: 403, reason: 'INVALID_API_KEY', message: 'invalid api key', advice: /credential/i },
		],
		[
			'403 NOT_ENOUGH_BALANCE',
			{
				status: 403,
				reason: 'NOT_ENOUGH_BALANCE',
				message: 'not enough balance',
				advice: /Top up/,
			},
		],
		[
			'400 ILLEGAL_PROMPT',
			{
				status: 400,
				reason: 'ILLEGAL_PROMPT',
				message: 'prompt contains illegal content',
				advice: /Rephrase/,
			},
		],
		[
			'500 TASK_FAILED with maxRetries 0',
			{
				status: 500,
				reason: 'TASK_FAILED',
				message: 'task failed',
				advice: /Try again later/,
				options: { maxRetries: 0 },
			},
		],
		[
			'503 SERVICE_NOT_AVAILABLE with maxRetries 0',
			{
				status: 503,
				reason: 'SERVICE_NOT_AVAILABLE',
				message: 'service not available',
				advice: /Try again later/,
				options: { maxRetries: 0 },
			},
		],
	];

	test.each(cases)(
		'%s: one request, a NodeApiError with the API message, advice and httpCode, and no key',
		async (_name, { status, reason, message, advice, options }) => {
			const first = api()
				.post(API_PATH)
				.reply(status, apiError(status, reason, message));
			// Never used: 400/401/403 are not retried, and maxRetries 0 means one attempt.
			const second = api().post(API_PATH).reply(200, success('never'));

			const result = await runSeedream({ parameters: { prompt: 'a cat', options: options ?? {} } });

			const error = expectFailed(result);
			expect(error.name).toBe('NodeApiError');
			expect(error.message).toContain(message);
			expect(error.description).toEqual(expect.stringMatching(advice));
			expect(error.httpCode).toBe(String(status));
			expectNoKey(result);
			expect(first.isDone()).toBe(true);
			expect(second.isDone()).toBe(false);
			expect(nock.pendingMocks()).toHaveLength(1);
		},
	);

	test('an error body that is not the platform JSON still gives its text in the message', async () => {
		const first = api()
			.post(API_PATH)
			.reply(400, 'Bad Request: prompt too long', { 'Content-Type': 'text/plain' });

		const result = await runSeedream({ parameters: { prompt: 'a cat' } });

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('Bad Request: prompt too long');
		expect(error.httpCode).toBe('400');
		expectNoKey(result);
		expect(first.isDone()).toBe(true);
	});
});

describe('retries', () => {
	test('429 with Retry-After: 0 then 200 succeeds after one retry (2 requests)', async () => {
		const scope = api()
			.post(API_PATH)
			.reply(429, apiError(429, 'RATE_LIMIT_EXCEEDED', 'rate limit exceeded'), {
				'Retry-After': '0',
			})
			.post(API_PATH)
			.reply(200, success('after-429'));

		const result = await runSeedream({ parameters: { prompt: 'retry' } });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expectImage(result.items![0], 0, 'retry');
		expect(scope.isDone()).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('429 is not counted by Max Retries: with 0 retries, three 429s then 200 still deliver', async () => {
		const refused = () =>
			[
				429,
				apiError(429, 'RATE_LIMIT_EXCEEDED', 'rate limit exceeded'),
				{ 'Retry-After': '0' },
			] as const;
		const scope = api()
			.post(API_PATH)
			.reply(...refused())
			.post(API_PATH)
			.reply(...refused())
			.post(API_PATH)
			.reply(...refused())
			.post(API_PATH)
			.reply(200, success('after-three'));

		const result = await runSeedream({
			parameters: { prompt: 'patient', options: { maxRetries: 0 } },
		});

		expect(result.error).toBeUndefined();
		expectImage(result.items![0], 0, 'patient');
		expect(scope.isDone()).toBe(true);
	});

	test('a 429 asking for a wait past the timeout fails at once, saying how long it waited and what it met', async () => {
		// Its own account: the hold it leaves (120 s) is shared by every request of that account.
		const other = { ...TEST_CREDENTIALS, apiKey: 'sk-another-account' };
		const otherApi = () =>
			nock(API_HOST, { reqheaders: { authorization: `Bearer ${other.apiKey}` } });
		const first = otherApi()
			.post(API_PATH)
			.reply(429, apiError(429, 'RATE_LIMIT_EXCEEDED', 'rate limit exceeded'), {
				'Retry-After': '120',
			});
		const second = otherApi().post(API_PATH).reply(200, success('never'));

		const result = await runSeedream({
			parameters: { prompt: 'a cat', options: { timeout: 60 } },
			credentials: other,
		});

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.httpCode).toBe('429');
		expect(error.message).toBe(
			'HighwayAPI rate limit exceeded: rate limit exceeded',
		);
		expect(error.description).toBe(
			"The account's limit on requests at once or per minute (429 RATE_LIMIT_EXCEEDED) did not " +
				"clear within this request's 60 s timeout; its last answer asked to wait 120 s more. " +
				'Refused requests are not billed. Every execution in this n8n process that uses this ' +
				'credential shares one rate budget: start fewer at once, or raise Options → Timeout.',
		);
		expect(JSON.stringify([result.run, error, error.message, error.description])).not.toContain(
			other.apiKey,
		);
		expect(first.isDone()).toBe(true);
		expect(second.isDone()).toBe(false);
	});

	test.each([500, 502])('%i then 200 succeeds after one retry', async (status) => {
		const scope = api()
			.post(API_PATH)
			.reply(status, apiError(status, 'SERVER_ERROR', 'upstream failure'))
			.post(API_PATH)
			.reply(200, success(`after-${status}`));

		const result = await runSeedream({
			parameters: { prompt: 'retry', options: { maxRetries: 1 } },
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expectImage(result.items![0], 0, 'retry');
		expect(scope.isDone()).toBe(true);
		expect(nock.pendingMocks()).toEqual([]);
	});

	test('with maxRetries 2, three 503s fail the node after 3 attempts and a fourth request is never sent', async () => {
		const failing = api()
			.post(API_PATH)
			.times(3)
			.reply(503, apiError(503, 'SERVICE_NOT_AVAILABLE', 'service not available'));
		const fourth = api().post(API_PATH).reply(200, success('never'));

		const result = await runSeedream({
			parameters: { prompt: 'busy', options: { maxRetries: 2 } },
		});

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('3 attempts');
		expect(error.message).toContain('service not available');
		expect(error.httpCode).toBe('503');
		expectNoKey(result);
		expect(failing.isDone()).toBe(true);
		expect(fourth.isDone()).toBe(false);
	});
});

describe('timeouts, lost connections and unreadable answers', () => {
	test('a timeout fails the node after one request (not retried by default), advising to raise the Timeout', async () => {
		const slow = api().post(API_PATH).delay(2000).reply(200, success('slow'));
		const retry = api().post(API_PATH).reply(200, success('never'));

		const started = Date.now();
		const result = await runSeedream({ parameters: { prompt: 'slow', options: { timeout: 1 } } });

		const error = expectFailed(result);
		// options.timeout is in seconds: the node gave up after 1 s, not after the 2 s delay.
		expect(Date.now() - started).toBeLessThan(2000);
		expect(error.name).toBe('NodeApiError');
		expect(error.description).toEqual(expect.stringContaining('Raise Options → Timeout'));
		expect(error.description).toEqual(expect.stringContaining('billed'));
		expectNoKey(result);
		expect(slow.isDone()).toBe(true);
		expect(retry.isDone()).toBe(false);
	});

	test('a timeout error message says Seedream did not answer within the timeout', async () => {
		const slow = api().post(API_PATH).delay(2000).reply(200, success('slow'));

		const result = await runSeedream({ parameters: { prompt: 'slow', options: { timeout: 1 } } });

		const error = expectFailed(result);
		expect(error.message).toBe('Seedream did not answer within 1 s');
		expect(slow.isDone()).toBe(true);
	});

	test('a timeout is retried when retryUncertain is on', async () => {
		const scope = api()
			.post(API_PATH)
			.delay(2000)
			.reply(200, success('slow'))
			.post(API_PATH)
			.reply(200, success('fast'));

		const result = await runSeedream({
			parameters: { prompt: 'slow', options: { timeout: 1, retryUncertain: true, maxRetries: 1 } },
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expectImage(result.items![0], 0, 'slow');
		expect(scope.isDone()).toBe(true);
	});

	test('a connection reset fails after one request (not retried by default) and the description says the API may have billed', async () => {
		const reset = api().post(API_PATH).replyWithError(networkError('ECONNRESET', 'socket hang up'));
		const retry = api().post(API_PATH).reply(200, success('never'));

		const result = await runSeedream({ parameters: { prompt: 'reset' } });

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.description).toEqual(expect.stringContaining('may have generated (and billed)'));
		expect(error.description).toEqual(
			expect.stringContaining('Options → "Retry Timeouts"'),
		);
		expectNoKey(result);
		expect(reset.isDone()).toBe(true);
		expect(retry.isDone()).toBe(false);
	});

	test('a connection reset error message says Seedream could not be reached, keeps the socket message, and does not advise an immediate retry', async () => {
		const reset = api().post(API_PATH).replyWithError(networkError('ECONNRESET', 'socket hang up'));

		const result = await runSeedream({ parameters: { prompt: 'reset' } });

		const error = expectFailed(result);
		expect(error.message).toMatch(/^Could not reach Seedream: /);
		expect(error.message).toContain('socket hang up');
		// n8n's generic ECONNRESET text says "You can retry the request immediately", which
		// contradicts the description's warning that a retry may pay twice.
		expect(error.message).not.toMatch(/retry/i);
		expect(reset.isDone()).toBe(true);
	});

	test('a connection reset is retried and succeeds when retryUncertain is on', async () => {
		const scope = api()
			.post(API_PATH)
			.replyWithError(networkError('ECONNRESET', 'socket hang up'))
			.post(API_PATH)
			.reply(200, success('after-reset'));

		const result = await runSeedream({
			parameters: { prompt: 'reset', options: { retryUncertain: true, maxRetries: 1 } },
		});

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expectImage(result.items![0], 0, 'reset');
		expect(scope.isDone()).toBe(true);
	});

	test('a refused connection (the request never reached the API) is retried by default', async () => {
		const scope = api()
			.post(API_PATH)
			.replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'))
			.post(API_PATH)
			.reply(200, success('after-refused'));

		const result = await runSeedream({ parameters: { prompt: 'refused' } });

		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		expectImage(result.items![0], 0, 'refused');
		expect(scope.isDone()).toBe(true);
	});

	test('a refused connection with no retries left says Seedream could not be reached and to check the Base URL', async () => {
		const refused = api()
			.post(API_PATH)
			.replyWithError(networkError('ECONNREFUSED', 'connect ECONNREFUSED 10.0.0.1:443'));

		const result = await runSeedream({
			parameters: { prompt: 'refused', options: { maxRetries: 0 } },
		});

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toMatch(/^Could not reach Seedream: /);
		// The socket's own text names the host and port, which is what a wrong Base URL needs.
		expect(error.message).toContain('connect ECONNREFUSED 10.0.0.1:443');
		expect(error.description).toEqual(expect.stringContaining('Base URL'));
		expectNoKey(result);
		expect(refused.isDone()).toBe(true);
	});

	test('a 200 with malformed JSON fails with a clear error and is not retried by default', async () => {
		const malformed = api()
			.post(API_PATH)
			.reply(200, '{"images": [', { 'Content-Type': 'application/json' });
		const retry = api().post(API_PATH).reply(200, success('never'));

		const result = await runSeedream({ parameters: { prompt: 'malformed' } });

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toBe('Seedream sent an answer that could not be read');
		expect(error.description).toContain('{"images": [');
		expect(error.description).toContain('billed');
		expectNoKey(result);
		expect(malformed.isDone()).toBe(true);
		expect(retry.isDone()).toBe(false);
	});
});

describe('several items', () => {
	const byPrompt = (prompt: string) => (body: IDataObject) => body.prompt === prompt;
	const items = [
		{ json: { prompt: 'p0' } },
		{ json: { prompt: 'p1' } },
		{ json: { prompt: 'p2' } },
	];
	const invalid = apiError(400, 'INVALID_REQUEST_BODY', 'watermark must be a boolean');

	test('with continueOnFail the failing item gives one error item in its place and the others go on', async () => {
		const scope = api()
			.post(API_PATH, byPrompt('p0'))
			.reply(200, success('p0'))
			.post(API_PATH, byPrompt('p1'))
			.reply(400, invalid)
			.post(API_PATH, byPrompt('p2'))
			.reply(200, success('p2'));

		const result = await runSeedream({
			parameters: { prompt: '={{ $json.prompt }}' },
			items,
			continueOnFail: true,
		});

		expect(result.error).toBeUndefined();
		const output = result.items!;
		expect(output).toHaveLength(3);
		expectImage(output[0], 0, 'p0');
		expect(output[1]).toEqual({
			json: {
				error: expect.stringContaining('watermark must be a boolean'),
				description: expect.stringMatching(/request invalid/i),
			},
			pairedItem: { item: 1 },
		});
		expectImage(output[2], 2, 'p2');
		expect(JSON.stringify(result.run)).not.toContain(API_KEY);
		expect(scope.isDone()).toBe(true);
	});

	test('without continueOnFail the first failure fails the node and later requests are never sent', async () => {
		const first = api().post(API_PATH, byPrompt('p0')).reply(400, invalid);
		const second = api().post(API_PATH, byPrompt('p1')).reply(200, success('p1'));
		const third = api().post(API_PATH, byPrompt('p2')).reply(200, success('p2'));

		const result = await runSeedream({
			parameters: { prompt: '={{ $json.prompt }}', options: { concurrency: 1 } },
			items,
		});

		const error = expectFailed(result);
		expect(error.name).toBe('NodeApiError');
		expect(error.message).toContain('watermark must be a boolean');
		expect(error.context?.itemIndex).toBe(0);
		expect(first.isDone()).toBe(true);
		expect(second.isDone()).toBe(false);
		expect(third.isDone()).toBe(false);
		expect(nock.pendingMocks()).toHaveLength(2);
	});
});

describe('cancellation', () => {
	test('cancelling while a request is in flight ends the run promptly with no output', async () => {
		let cancel: () => void = () => {};
		const slow = api().post(API_PATH).delay(3000).reply(200, success('too-late'));
		slow.on('request', () => cancel());

		const started = Date.now();
		const result = await runSeedream({
			parameters: { prompt: 'cancel me' },
			onStart: (cancelRun) => (cancel = cancelRun),
		});
		const elapsed = Date.now() - started;

		expect(slow.isDone()).toBe(true);
		expect(elapsed).toBeLessThan(1500);
		expect(result.run?.status).toBe('canceled');
		expect(result.items ?? []).toEqual([]);
	});

	test.each([false, true])(
		'cancelling (continueOnFail %s) sends no request for the items still waiting',
		async (continueOnFail) => {
			let cancel: () => void = () => {};
			const slow = api()
				.post(API_PATH, (body: IDataObject) => body.prompt === 'first')
				.delay(3000)
				.reply(200, success('too-late'));
			slow.on('request', () => cancel());
			const waiting = api()
				.post(API_PATH, (body: IDataObject) => body.prompt !== 'first')
				.times(2)
				.reply(200, success('never'));

			const started = Date.now();
			const result = await runSeedream({
				parameters: { prompt: '={{ $json.prompt }}', options: { concurrency: 1 } },
				items: [
					{ json: { prompt: 'first' } },
					{ json: { prompt: 'second' } },
					{ json: { prompt: 'third' } },
				],
				continueOnFail,
				onStart: (cancelRun) => (cancel = cancelRun),
			});

			expect(Date.now() - started).toBeLessThan(1500);
			expect(result.run?.status).toBe('canceled');
			expect(slow.isDone()).toBe(true);
			expect(waiting.isDone()).toBe(false);
			expect(nock.pendingMocks()).toHaveLength(1);
			// Without continueOnFail nothing is output. With it, n8n's own "continue" handling
			// emits one item per input item whatever the node does, so no item count is asserted.
			if (!continueOnFail) expect(result.items ?? []).toEqual([]);
		},
	);
});
