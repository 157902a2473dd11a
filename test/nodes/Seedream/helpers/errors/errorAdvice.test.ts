/**
 * Every branch of the advice a failure gets: what the user reads as the error and what to do,
 * with the platform's name where its account or credential is meant and the model's name where
 * the model is.
 */
import { adviseOnApiFailure, type AdviceContext } from '../../../../../nodes/Seedream/helpers/errors/errorAdvice';
import { makeFailure, type ApiFailure } from '../../../../../nodes/Seedream/helpers/errors/failures';

const context: AdviceContext = { timeoutSeconds: 900, modelName: 'Seedream 5.0 Lite' };
const advise = (fields: Partial<ApiFailure> & { message: string }, ctx = context) =>
	adviseOnApiFailure(makeFailure(fields), ctx);

describe('codes of the node\'s own', () => {
	test('CANCELLED: the message as it is; nothing more was sent', () => {
		expect(advise({ code: 'CANCELLED', message: 'The execution was cancelled while the request was in flight' })).toEqual({
			message: 'The execution was cancelled while the request was in flight',
			description: 'The execution was stopped; nothing more was sent.',
		});
	});

	test('NOT_SENT: never sent, so never billed', () => {
		expect(advise({ code: 'NOT_SENT', message: 'Not sent: another item failed first' })).toEqual({
			message: 'Not sent: another item failed first',
			description: 'Another item failed first; this one was never sent, so never billed.',
		});
	});

	test('NO_IMAGES', () => {
		expect(advise({ code: 'NO_IMAGES', message: 'The API answered without images' })).toEqual({
			message: 'Seedream returned no images for this request',
			description: 'The API answered without images. Try again, or rephrase the prompt.',
		});
	});

	test('UNEXPECTED_SHAPE: points at the Base URL of the platform\'s credential', () => {
		expect(advise({ code: 'UNEXPECTED_SHAPE', message: 'found the fields: id, status' })).toEqual({
			message: 'Seedream answered in an unexpected shape: found the fields: id, status',
			description: 'Check that the Base URL in the HighwayAPI credential points at a Seedream API.',
		});
	});

	test('NOT_DOWNLOADED with paid links: the links come first, with how long they last', () => {
		const advice = advise({
			code: 'NOT_DOWNLOADED',
			message: 'Seedream generated 2 image(s), but none could be downloaded: HTTP 403',
			paidLinks: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'],
		});
		expect(advice.message).toBe('Seedream generated 2 image(s), but none could be downloaded: HTTP 403');
		expect(advice.description).toBe(
			'The links, valid for about 24 hours: https://cdn.example.com/a.png https://cdn.example.com/b.png. ' +
				'The images were generated and billed; download them from the links, or turn off Options → ' +
				'Download Images to get the links without downloading.',
		);
	});

	test('NOT_DOWNLOADED without links (inline images): no empty links sentence', () => {
		for (const paidLinks of [undefined, []]) {
			const advice = advise({ code: 'NOT_DOWNLOADED', message: 'none could be stored', paidLinks });
			expect(advice.description).toMatch(/^The images were generated and billed;/);
		}
	});

	test('the node\'s codes win over the flags a failure also carries', () => {
		expect(advise({ code: 'CANCELLED', message: 'x', timedOut: true, statusCode: 500 }).description).toBe(
			'The execution was stopped; nothing more was sent.',
		);
	});
});

describe('timeouts', () => {
	test('names the timeout, and the attempts when there were several', () => {
		const once = advise({ message: 'timeout of 900000ms exceeded', timedOut: true, uncertain: true });
		expect(once.message).toBe('Seedream did not answer within 900 s');
		expect(once.description).toMatch(/Raise Options → Timeout/);
		expect(once.description).toMatch(/may still have generated \(and billed\)/);
		const thrice = advise({ message: 'x', timedOut: true, attempts: 3 }, { ...context, timeoutSeconds: 60 });
		expect(thrice.message).toBe('Seedream did not answer within 60 s after 3 attempts');
	});

	test('a timeout wins over a status or a rate limit', () => {
		expect(advise({ message: 'x', timedOut: true, statusCode: 429, rateLimited: true }).message).toMatch(
			/^Seedream did not answer within/,
		);
	});
});

describe('the account: key, balance, rate limit', () => {
	test.each([
		[{ code: 'FAILED_TO_AUTH', statusCode: 400 }],
		[{ code: 'INVALID_API_KEY' }],
		[{ code: 'AuthenticationError', statusCode: 403 }],
		[{ statusCode: 401 }],
	])('%p: the platform rejected the key', (fields) => {
		const advice = advise({ message: 'invalid key', ...fields });
		expect(advice.message).toBe('HighwayAPI rejected the API key: invalid key');
		expect(advice.description).toBe(
			'Check the API key in the HighwayAPI credential (Settings → API keys in your HighwayAPI account) ' +
				'and that the Base URL points at the API you have a key for.',
		);
	});

	test.each(['NOT_ENOUGH_BALANCE', 'BILLING_BALANCE_NOT_ENOUGH'])(
		'%s: top up, or lower concurrency (the platform says this for the per-minute limit too)',
		(code) => {
			// Sent with 429, as the platform does: the balance text wins over the rate-limit one.
			const advice = advise({ code, message: 'balance too low', statusCode: 429, rateLimited: true });
			expect(advice.message).toBe('HighwayAPI reports an insufficient balance: balance too low');
			expect(advice.description).toMatch(/^Top up the HighwayAPI account\. HighwayAPI also answers/);
			expect(advice.description).toMatch(/lower Options → Concurrency/);
		},
	);

	test('a rate limit that did not clear, with the attempts and how long they took', () => {
		const advice = advise({ message: 'Too many requests', statusCode: 429, rateLimited: true, attempts: 5, waitedMs: 61_400 });
		expect(advice.message).toBe('HighwayAPI rate limit still exceeded after 5 attempts over 61 s: Too many requests');
		expect(advice.description).toMatch(/did not clear within this request's \d+ s timeout\. Refused requests are not billed\./);
		expect(advice.description).toMatch(/start fewer at once, or raise Options → Timeout\.$/);
		const quick = advise({ message: 'x', statusCode: 429, rateLimited: true, attempts: 2, waitedMs: 300 });
		expect(quick.message).toBe('HighwayAPI rate limit still exceeded after 2 attempts in under a second: x');
	});

	test('a rate limit asking for a wait past the timeout, at the first attempt', () => {
		const advice = advise({ message: 'x', statusCode: 429, rateLimited: true, code: 'RATE_LIMIT_EXCEEDED', retryAfterMs: 54_000 });
		expect(advice.message).toBe('HighwayAPI rate limit exceeded: x');
		expect(advice.description).toMatch(/\(429 RATE_LIMIT_EXCEEDED\) did not clear within this request's \d+ s timeout; its last answer asked to wait 54 s more\./);
	});
});

describe('the request', () => {
	test.each([
		'ILLEGAL_PROMPT',
		'ILLEGAL_IMAGE_CONTENT',
		'InputTextSensitiveContentDetected',
		'InputImageSensitiveContentDetected',
		'OutputImageSensitiveContentDetected',
	])('%s: the content was refused', (code) => {
		const advice = advise({ code, message: 'flagged', statusCode: 400 });
		expect(advice.message).toBe('Seedream refused the content: flagged');
		expect(advice.description).toMatch(/content policy/);
	});

	test('403: the key may not use the chosen model', () => {
		const advice = advise({ message: 'Forbidden', statusCode: 403 });
		expect(advice.message).toBe('HighwayAPI refused the request (403): Forbidden');
		expect(advice.description).toBe(
			'Check that the API key may use Seedream 5.0 Lite and that the account is active.',
		);
		expect(advise({ message: 'Forbidden', statusCode: 403 }, { ...context, modelName: 'Seedream 4.0' }).description).toMatch(
			/may use Seedream 4\.0 and/,
		);
	});

	test.each([
		[{ statusCode: 400, code: 'INVALID_SIZE' }, 'Seedream rejected the request (400 INVALID_SIZE): size too large'],
		[{ statusCode: 422 }, 'Seedream rejected the request (422): size too large'],
		[{ statusCode: 404, code: 'MODEL_NOT_FOUND' }, 'Seedream rejected the request (404 MODEL_NOT_FOUND): size too large'],
	])('%p: any other 4xx says the request was invalid', (fields, message) => {
		const advice = advise({ message: 'size too large', ...fields });
		expect(advice.message).toBe(message);
		expect(advice.description).toBe('The API found the request invalid; the message above says which field.');
	});
});

describe('the answer', () => {
	test('a malformed answer (2xx, not JSON) may have been billed', () => {
		const advice = advise({
			statusCode: 200,
			code: 'MALFORMED_RESPONSE',
			message: 'The API answered 200 with a body that is not JSON: "<html>"',
			uncertain: true,
			attempts: 2,
		});
		expect(advice.message).toBe('Seedream sent an answer that could not be read after 2 attempts');
		expect(advice.description).toBe(
			'The API answered 200 with a body that is not JSON: "<html>". The images may have been generated ' +
				'and billed; turn on Options → "Retry Timeouts" to retry automatically.',
		);
	});

	test.each([
		[500, 'INTERNAL_ERROR', 'Seedream failed (500 INTERNAL_ERROR) after 4 attempts: boom'],
		[503, undefined, 'Seedream failed (503) after 4 attempts: boom'],
	])('%p: a server error, try later', (statusCode, code, message) => {
		const advice = advise({ statusCode, code, message: 'boom', attempts: 4 });
		expect(advice.message).toBe(message);
		expect(advice.description).toBe(
			'The API had a server error. Try again later, or raise Options → Max Retries.',
		);
	});

	test('504: a gateway timed out, the images may still have been billed', () => {
		const advice = advise({ statusCode: 504, message: 'Gateway Timeout', uncertain: true });
		expect(advice.message).toBe('Seedream failed (504): Gateway Timeout');
		expect(advice.description).toBe(
			'A gateway timed out; the images may still have been generated and billed. Try again later.',
		);
	});
});

describe('the network', () => {
	test('surely not sent (refused, unknown host): check the Base URL and the network', () => {
		const advice = advise({ code: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:9', attempts: 5 });
		expect(advice.message).toBe('Could not reach Seedream after 5 attempts: connect ECONNREFUSED 127.0.0.1:9');
		expect(advice.description).toBe(
			'Check the Base URL in the HighwayAPI credential and the network connection.',
		);
	});

	test('lost after sending: the images may have been billed; retrying needs consent', () => {
		const advice = advise({ code: 'ECONNRESET', message: 'socket hang up', uncertain: true });
		expect(advice.message).toBe('Could not reach Seedream: socket hang up');
		expect(advice.description).toMatch(/^The connection was lost after the request was sent/);
		expect(advice.description).toMatch(/Turn on Options → "Retry Timeouts"/);
	});
});

describe('for an AI agent\'s model, which reads the message only', () => {
	const forModel = { ...context, forModel: true };
	const modelReads = (fields: Partial<ApiFailure> & { message: string }) => advise(fields, forModel).forModel;

	test('a workflow step gets no model text: the advice for people is unchanged', () => {
		expect(advise({ message: 'x', statusCode: 429, rateLimited: true })).not.toHaveProperty('forModel');
	});

	test.each<[string, Partial<ApiFailure> & { message: string }, string]>([
		['a rate limit with Retry-After', { message: 'x', statusCode: 429, rateLimited: true, retryAfterMs: 29_200 },
			'Nothing was generated or billed. Wait 30 seconds, then call again once.'],
		['a rate limit without it', { message: 'x', statusCode: 429, rateLimited: true },
			'Nothing was generated or billed. Wait about a minute, then call again once.'],
		['a bad key', { message: 'x', statusCode: 401, code: 'FAILED_TO_AUTH' },
			"Nothing was generated or billed. Calling again will not help; tell the user. The workflow's HighwayAPI API key must be fixed."],
		['no balance', { message: 'x', statusCode: 403, code: 'NOT_ENOUGH_BALANCE' },
			'Nothing was generated or billed. Calling again will not help until the HighwayAPI account is topped up; tell the user (if they say the balance is fine, wait a minute and call once more).'],
		['the content policy', { message: 'x', statusCode: 400, code: 'ILLEGAL_PROMPT' },
			'Nothing was billed. Rephrase the prompt (or use other reference images) and call again.'],
		['an invalid request', { message: 'x', statusCode: 400, code: 'INVALID_REQUEST_BODY' },
			'Nothing was billed. Correct what the message names and call again.'],
		['a 403 for the model', { message: 'x', statusCode: 403 },
			'Nothing was generated or billed. Calling again will not help; tell the user. The API key may not use Seedream 5.0 Lite.'],
		['a server error', { message: 'x', statusCode: 500, attempts: 5 },
			'The API had a server error, which is not billed. Wait about a minute, then call again once.'],
		['no images', { message: 'x', code: 'NO_IMAGES' },
			'Nothing was generated or billed. Rephrase the prompt and call again once.'],
		['a connection that never reached the API', { message: 'ECONNREFUSED' },
			'Nothing was sent or billed. Calling again will not help; tell the user.'],
	])('%s: what was billed and what to do', (_label, fields, expected) => {
		expect(modelReads(fields)).toBe(expected);
	});

	test.each<[string, Partial<ApiFailure> & { message: string }]>([
		['a timeout', { message: 'x', timedOut: true, uncertain: true }],
		['a 504', { message: 'x', statusCode: 504, uncertain: true }],
		['an unreadable answer', { message: 'x', statusCode: 200, code: 'MALFORMED_RESPONSE', uncertain: true }],
		['a connection lost after sending', { message: 'socket hang up', uncertain: true }],
	])('%s: the images may be billed, so calling again may pay twice', (_label, fields) => {
		expect(modelReads(fields)).toMatch(
			/The images may have been generated and billed anyway, so calling again may pay twice: ask the user before trying again\./,
		);
	});

	test('paid images that could not be delivered: their links, and not to call again', () => {
		const failure = { code: 'NOT_DOWNLOADED', message: 'x', paidLinks: ['https://cdn.example.com/a.png', 'https://cdn.example.com/b.png'] };
		expect(modelReads(failure)).toBe(
			'The images were generated and billed: do not call again for them. Give the user the links, valid for about 24 hours: https://cdn.example.com/a.png https://cdn.example.com/b.png.',
		);
	});
});
