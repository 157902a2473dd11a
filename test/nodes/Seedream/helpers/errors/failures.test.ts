/** The one failure type: its defaults, and how an error answer of the API becomes one. */
import {
	ApiRequestError,
	failureFromResponse,
	makeFailure,
	parseJsonBody,
} from '../../../../../nodes/Seedream/helpers/errors/failures';

describe('makeFailure', () => {
	test('everything not said is false, one attempt, no links', () => {
		expect(makeFailure({ message: 'boom' })).toStrictEqual({
			message: 'boom',
			attempts: 1,
			uncertain: false,
			timedOut: false,
			rateLimited: false,
		});
	});

	test('what is said wins over the defaults', () => {
		expect(
			makeFailure({ message: 'x', attempts: 3, uncertain: true, timedOut: true, rateLimited: true, statusCode: 429, code: 'C', paidLinks: ['https://a'] }),
		).toStrictEqual({
			message: 'x',
			attempts: 3,
			uncertain: true,
			timedOut: true,
			rateLimited: true,
			statusCode: 429,
			code: 'C',
			paidLinks: ['https://a'],
		});
	});

	test('ApiRequestError carries the failure, with its message', () => {
		const failure = makeFailure({ code: 'NO_IMAGES', message: 'The API answered without images' });
		const error = new ApiRequestError(failure);
		expect(error).toBeInstanceOf(Error);
		expect(error.message).toBe('The API answered without images');
		expect(error.failure).toBe(failure);
	});
});

describe('parseJsonBody', () => {
	test('JSON text or bytes become a value; anything else stays as it came', () => {
		expect(parseJsonBody('{"a":1}')).toEqual({ a: 1 });
		expect(parseJsonBody(Buffer.from('[1,2]'))).toEqual([1, 2]);
		expect(parseJsonBody(Buffer.from('Bad Gateway'))).toBe('Bad Gateway');
		expect(parseJsonBody('<html>')).toBe('<html>');
		const object = { images: [] };
		expect(parseJsonBody(object)).toBe(object);
		expect(parseJsonBody(undefined)).toBeUndefined();
	});
});

describe('failureFromResponse', () => {
	test('the platform\'s {code, reason, message}: the reason is the code', () => {
		const body = { code: 400, reason: 'INVALID_SIZE', message: 'size must be between 3686400 and 16777216 pixels' };
		expect(failureFromResponse(400, JSON.stringify(body), 1)).toStrictEqual(
			makeFailure({
				statusCode: 400,
				code: 'INVALID_SIZE',
				message: 'size must be between 3686400 and 16777216 pixels',
				uncertain: false,
				rateLimited: false,
			}),
		);
	});

	test('the platform\'s shape without a reason: its code, as text', () => {
		expect(failureFromResponse(403, { code: 403, message: 'Forbidden' }, 1)).toMatchObject({
			code: '403',
			message: 'Forbidden',
		});
	});

	test('an upstream {error: {code, message}} (from bytes, as a stream body arrives)', () => {
		const body = Buffer.from(
			JSON.stringify({ error: { code: 'InputTextSensitiveContentDetected', message: 'The request failed because the input text may contain sensitive information.' } }),
		);
		expect(failureFromResponse(400, body, 2)).toMatchObject({
			statusCode: 400,
			code: 'InputTextSensitiveContentDetected',
			message: 'The request failed because the input text may contain sensitive information.',
			attempts: 2,
		});
	});

	test('a JSON answer with no message is quoted whole', () => {
		expect(failureFromResponse(500, { detail: 'upstream overloaded' }, 1)).toMatchObject({
			code: undefined,
			message: '{"detail":"upstream overloaded"}',
		});
	});

	test('a text answer is the message, cut at 500 characters', () => {
		expect(failureFromResponse(502, 'Bad Gateway', 1)).toMatchObject({ code: undefined, message: 'Bad Gateway' });
		expect(failureFromResponse(502, 'x'.repeat(2000), 1).message).toHaveLength(500);
	});

	test('an empty answer names the status', () => {
		expect(failureFromResponse(502, '', 1).message).toBe('HTTP 502');
		expect(failureFromResponse(503, undefined, 1).message).toBe('HTTP 503');
		expect(failureFromResponse(500, Buffer.alloc(0), 1).message).toBe('HTTP 500');
	});

	test('504 may have billed (uncertain); 429 is a rate limit; nothing else is either', () => {
		expect(failureFromResponse(504, 'Gateway Timeout', 1)).toMatchObject({ uncertain: true, rateLimited: false });
		expect(failureFromResponse(429, { code: 429, message: 'Too many requests' }, 1)).toMatchObject({
			uncertain: false,
			rateLimited: true,
		});
		for (const status of [400, 401, 403, 500, 502, 503]) {
			expect(failureFromResponse(status, 'x', 1)).toMatchObject({ uncertain: false, rateLimited: false, timedOut: false });
		}
	});
});
