import type { IExecuteFunctions } from 'n8n-workflow';

import { send, isTimeout, type Outcome } from '../../transport';
import { CREDENTIAL_TYPE } from '../constants';
import {
	ApiRequestError,
	failureFromResponse,
	makeFailure,
	parseJsonBody,
	type ApiFailure,
} from '../errors/failures';
import { pause } from './pause';
import {
	isRetryableStatus,
	parseRetryAfter,
	rateLimitDelay,
	retryDelay,
	type RequestPolicy,
} from './retryPolicy';

/**
 * Thrown when the execution is stopped while a request waits or is in flight. Upstream finishes,
 * and bills, a generation whose caller went away: one cancelled in flight may have been billed.
 */
export function cancelled(attempts: number, inFlight = false): ApiRequestError {
	return new ApiRequestError(
		makeFailure({
			code: 'CANCELLED',
			message: inFlight
				? 'The execution was cancelled while the request was in flight'
				: 'The execution was cancelled before the request was sent',
			attempts,
			uncertain: inFlight,
		}),
	);
}

function notSent(attempts: number): ApiRequestError {
	return new ApiRequestError(
		makeFailure({
			code: 'NOT_SENT',
			message: 'Not sent: another item failed first and the node stopped',
			attempts,
		}),
	);
}

/** What is known about the 429s a request met so far. */
interface Refusals {
	count: number;
	firstAt: number;
	last?: ApiFailure;
	retryAfterMs?: number;
}

/** The 429 that ends a request: how long it waited, and what the API asked for last. */
function rateLimitFailure(refusals: Refusals, failure: ApiFailure, retryAfterMs?: number) {
	return new ApiRequestError({
		...failure,
		waitedMs: Date.now() - refusals.firstAt,
		retryAfterMs,
	});
}

/**
 * POST one generation request to `{baseUrl}{path}`, through the account's rate budget (one slot
 * per attempt, in order of arrival). A 429 is not billed: it is retried after `Retry-After`
 * (held for every request of the account) until the request's deadline, Timeout after its first
 * attempt. 5xx and connection failures count against Max Retries, with exponential backoff and
 * jitter, as `retryDelay` decides. Resolves the parsed JSON answer; rejects with ApiRequestError.
 */
export async function generateImages(
	context: IExecuteFunctions,
	url: string,
	body: Buffer,
	policy: RequestPolicy,
): Promise<{ body: object; attempts: number }> {
	const { budget } = policy;
	const ticket = budget.ticket();
	let failures = 0;
	let deadline = Infinity;
	const refusals: Refusals = { count: 0, firstAt: 0 };
	for (let attempt = 0; ; attempt++) {
		if (!(await budget.acquire(ticket, policy.signal))) throw cancelled(attempt);
		const sentAt = Date.now();
		if (refusals.last && sentAt > deadline) {
			budget.release();
			throw rateLimitFailure(refusals, refusals.last, refusals.retryAfterMs);
		}
		deadline = Math.min(deadline, sentAt + policy.timeoutMs);
		let outcome: Outcome;
		try {
			if (policy.isStopped?.()) throw notSent(attempt);
			outcome = await send(
				context,
				{
					method: 'POST',
					url,
					headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
					body,
					timeout: policy.timeoutMs,
					json: false,
				},
				CREDENTIAL_TYPE,
				policy.signal,
			);
		} finally {
			budget.release();
		}
		const attempts = attempt + 1;
		let failure: ApiFailure;
		let retryAfterMs: number | undefined;
		if (outcome.type === 'cancelled') throw cancelled(attempts, true);
		if (outcome.type === 'network') {
			failure = makeFailure({
				code: outcome.code,
				message: outcome.message,
				attempts,
				uncertain: outcome.uncertain,
				timedOut: isTimeout(outcome.code, outcome.message),
			});
		} else if (outcome.statusCode >= 200 && outcome.statusCode < 300) {
			const parsed = parseJsonBody(outcome.body);
			if (parsed && typeof parsed === 'object') {
				budget.onSuccess(sentAt);
				return { body: parsed, attempts };
			}
			failure = makeFailure({
				statusCode: outcome.statusCode,
				code: 'MALFORMED_RESPONSE',
				message: `The API answered ${outcome.statusCode} with a body that is not JSON: "${String(parsed).slice(0, 120)}"`,
				attempts,
				uncertain: true,
			});
		} else {
			failure = failureFromResponse(outcome.statusCode, outcome.body, attempts);
			if (!isRetryableStatus(outcome.statusCode) && !failure.uncertain)
				throw new ApiRequestError(failure);
			retryAfterMs = parseRetryAfter(outcome.headers['retry-after']);
		}
		if (failure.rateLimited) {
			if (refusals.count++ === 0) refusals.firstAt = sentAt;
			const waitMs = rateLimitDelay(refusals.count - 1, retryAfterMs, budget.openAt, deadline);
			budget.onRateLimited(sentAt, waitMs ?? retryAfterMs ?? 0);
			if (waitMs === undefined) throw rateLimitFailure(refusals, failure, retryAfterMs);
			refusals.last = failure;
			refusals.retryAfterMs = retryAfterMs;
			continue;
		}
		const waitMs = retryDelay(failure, failures++, policy, retryAfterMs);
		if (waitMs === undefined) throw new ApiRequestError({ ...failure, retryAfterMs });
		await pause(waitMs, policy.signal);
		if (failure.uncertain) await policy.beforeResend?.();
	}
}
