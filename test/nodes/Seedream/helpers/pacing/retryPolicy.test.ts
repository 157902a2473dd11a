/**
 * When a failed request is tried again and after how long: retries are counted, a failure that
 * may have been billed is retried only with the user's consent, and the server's Retry-After
 * beats the node's own backoff.
 */
import { makeFailure, type ApiFailure } from '../../../../../nodes/Seedream/helpers/errors/failures';
import { AccountBudget } from '../../../../../nodes/Seedream/helpers/pacing/accountBudget';
import {
	backoffMs,
	isRetryableStatus,
	parseRetryAfter,
	rateLimitDelay,
	retryDelay,
	type RequestPolicy,
} from '../../../../../nodes/Seedream/helpers/pacing/retryPolicy';

const policy = (fields: Partial<RequestPolicy> = {}): RequestPolicy => ({
	timeoutMs: 60_000,
	maxRetries: 3,
	retryUncertain: false,
	budget: new AccountBudget(1),
	...fields,
});

const serverError: ApiFailure = makeFailure({ statusCode: 500, message: 'Internal error' });
const timedOut: ApiFailure = makeFailure({ message: 'timeout', timedOut: true, uncertain: true });

afterEach(() => {
	jest.restoreAllMocks();
});

describe('isRetryableStatus', () => {
	test.each([429, 500, 502, 503, 599])('%p is worth another try', (status) => {
		expect(isRetryableStatus(status)).toBe(true);
	});

	test.each([400, 401, 403, 404, 408, 422, 504])('%p is not (504 may have billed)', (status) => {
		expect(isRetryableStatus(status)).toBe(false);
	});
});

describe('retryDelay', () => {
	test('retries until maxRetries retries were made, then gives up', () => {
		const three = policy({ maxRetries: 3 });
		expect(retryDelay(serverError, 0, three, 10)).toBe(10);
		expect(retryDelay(serverError, 2, three, 10)).toBe(10);
		expect(retryDelay(serverError, 3, three, 10)).toBeUndefined();
		expect(retryDelay(serverError, 0, policy({ maxRetries: 0 }), 10)).toBeUndefined();
	});

	test('a failure that may have been billed is not retried without consent', () => {
		expect(retryDelay(timedOut, 0, policy({ retryUncertain: false }), 10)).toBeUndefined();
		const gateway = makeFailure({ statusCode: 504, message: 'Gateway Timeout', uncertain: true });
		expect(retryDelay(gateway, 0, policy({ retryUncertain: false }), undefined)).toBeUndefined();
	});

	test('with consent, an uncertain failure is retried like any other, within maxRetries', () => {
		const consenting = policy({ retryUncertain: true, maxRetries: 1 });
		expect(retryDelay(timedOut, 0, consenting, 10)).toBe(10);
		expect(retryDelay(timedOut, 1, consenting, 10)).toBeUndefined();
	});

	test('a sure failure is retried whatever retryUncertain says', () => {
		expect(retryDelay(serverError, 0, policy({ retryUncertain: false }), 10)).toBe(10);
		expect(retryDelay(serverError, 0, policy({ retryUncertain: true }), 10)).toBe(10);
	});

	test('Retry-After wins over the backoff, even when it is zero or long', () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.5);
		expect(retryDelay(serverError, 2, policy(), 0)).toBe(0);
		expect(retryDelay(serverError, 0, policy(), 45_000)).toBe(45_000);
	});

	test('without Retry-After, the backoff for the attempt', () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		expect(retryDelay(serverError, 0, policy(), undefined)).toBe(500);
		expect(retryDelay(serverError, 2, policy(), undefined)).toBe(2000);
	});
});

describe('backoffMs: exponential with jitter', () => {
	test('the ceiling doubles per attempt from the base, up to the cap', () => {
		jest.spyOn(Math, 'random').mockReturnValue(0.999999);
		expect([0, 1, 2, 3, 4, 5, 6, 10].map((attempt) => backoffMs(attempt))).toEqual([
			1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000,
		]);
		expect(backoffMs(3, 500)).toBe(4000);
		expect(backoffMs(3, 1000, 5000)).toBe(5000);
	});

	test('jitter takes it down to half the ceiling at most', () => {
		jest.spyOn(Math, 'random').mockReturnValue(0);
		expect([0, 1, 2, 5, 10].map((attempt) => backoffMs(attempt))).toEqual([500, 1000, 2000, 15000, 15000]);
	});

	test('real random values stay within [ceiling / 2, ceiling] and vary', () => {
		const samples = Array.from({ length: 200 }, () => backoffMs(2));
		for (const sample of samples) {
			expect(sample).toBeGreaterThanOrEqual(2000);
			expect(sample).toBeLessThanOrEqual(4000);
			expect(Number.isInteger(sample)).toBe(true);
		}
		expect(new Set(samples).size).toBeGreaterThan(10);
	});
});

describe('parseRetryAfter', () => {
	const now = Date.parse('2026-03-01T12:00:00Z');

	test.each([
		['120', 120_000],
		[' 2 ', 2000],
		['0', 0],
		['1.5', 1500],
		['-5', 0],
		[30, 30_000],
	])('seconds %p → %p ms', (value, ms) => {
		expect(parseRetryAfter(value, now)).toBe(ms);
	});

	test('an HTTP date counts from now; one in the past means now', () => {
		expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
		expect(parseRetryAfter('Sun, 01 Mar 2026 11:59:00 GMT', now)).toBe(0);
	});

	test('the date is measured against the clock when no time is given', () => {
		const inOneMinute = new Date(Date.now() + 60_000).toUTCString();
		const ms = parseRetryAfter(inOneMinute)!;
		expect(ms).toBeGreaterThan(55_000);
		expect(ms).toBeLessThanOrEqual(60_000);
	});

	test.each([undefined, null, '', '   ', 'soon', 'Thursday-ish', {}, true])(
		'%p is unreadable: undefined',
		(value) => {
			expect(parseRetryAfter(value, now)).toBeUndefined();
		},
	);

	test('a repeated header (an array) uses its first value', () => {
		expect(parseRetryAfter(['3', '60'], now)).toBe(3000);
		expect(parseRetryAfter(['soon', '60'], now)).toBeUndefined();
		expect(parseRetryAfter([], now)).toBeUndefined();
	});
});

describe('rateLimitDelay: a 429 is waited out until the deadline, however many came before', () => {
	test('waits what Retry-After asks while sending again still comes by the deadline', () => {
		expect(rateLimitDelay(0, 5000, 0, 10_000, 0)).toBe(5000);
		expect(rateLimitDelay(25, 5000, 0, 10_000, 0)).toBe(5000);
		expect(rateLimitDelay(0, 5000, 0, 4999, 0)).toBeUndefined();
	});

	test("the account's hold counts too: sending again must come after it", () => {
		expect(rateLimitDelay(0, 1000, 20_000, 10_000, 0)).toBeUndefined();
		expect(rateLimitDelay(0, 1000, 9000, 10_000, 0)).toBe(1000);
	});

	test('without Retry-After, the growing backoff of the refusals so far', () => {
		jest.spyOn(Math, 'random').mockReturnValue(1);
		expect(rateLimitDelay(0, undefined, 0, 60_000, 0)).toBe(1000);
		expect(rateLimitDelay(3, undefined, 0, 60_000, 0)).toBe(8000);
		expect(rateLimitDelay(10, undefined, 0, 60_000, 0)).toBe(30_000);
	});
});
