import type { IExecuteFunctions } from 'n8n-workflow';

import { send, isTimeout } from '../transport';
import {
	ApiRequestError,
	failureFromResponse,
	makeFailure,
	parseJsonBody,
	type ApiFailure,
} from './failures';
import { pause } from './pause';
import { isRetryableStatus, parseRetryAfter, retryDelay, type RequestPolicy } from './retryPolicy';

export const CREDENTIAL_TYPE = 'highwayApi';

/** Thrown when the execution is stopped while a request waits or is in flight. */
export function cancelled(attempts: number): ApiRequestError {
	return new ApiRequestError(
		makeFailure({
			code: 'CANCELLED',
			message: 'The execution was cancelled while the request was in flight',
			attempts,
		}),
	);
}

/**
 * POST one generation request to `{baseUrl}{path}`. Retries 429 (after `Retry-After`, shared with
 * every request of the execution), 5xx and connection failures with exponential backoff and
 * jitter, as `retryDelay` decides. Resolves the parsed JSON answer; rejects with ApiRequestError.
 */
export async function generateImages(
	context: IExecuteFunctions,
	url: string,
	body: Buffer,
	policy: RequestPolicy,
): Promise<{ body: object; attempts: number }> {
	for (let attempt = 0; ; attempt++) {
		await policy.gate.wait(policy.signal);
		if (policy.signal?.aborted) throw cancelled(attempt);
		if (policy.isStopped?.()) {
			throw new ApiRequestError(
				makeFailure({
					code: 'NOT_SENT',
					message: 'Not sent: another item failed first and the node stopped',
					attempts: attempt,
				}),
			);
		}
		const outcome = await send(
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
		const attempts = attempt + 1;
		let failure: ApiFailure;
		let retryAfterMs: number | undefined;
		if (outcome.type === 'cancelled') throw cancelled(attempts);
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
				policy.limiter.onSuccess();
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
		const waitMs = retryDelay(failure, attempt, policy, retryAfterMs);
		if (waitMs === undefined) throw new ApiRequestError(failure);
		if (failure.rateLimited) {
			policy.limiter.onRateLimited();
			policy.gate.holdFor(waitMs);
		} else {
			await pause(waitMs, policy.signal);
		}
	}
}
