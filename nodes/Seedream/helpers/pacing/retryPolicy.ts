import type { AccountBudget } from './accountBudget';
import type { ApiFailure } from '../errors/failures';

/** How hard to try, shared by every request of one execution. */
export interface RequestPolicy {
	/** Per attempt, and how long a request may keep waiting out rate limits. */
	timeoutMs: number;
	/** Retries after failures a wait does not fix or that may cost money; 429s do not count. */
	maxRetries: number;
	/** Retry when the API may already have generated (and billed) the images. */
	retryUncertain: boolean;
	/** The account's rate budget in this process, shared with every other execution using it. */
	budget: AccountBudget;
	signal?: AbortSignal;
	/** True once another item failed and the node will fail: start no more paid requests. */
	isStopped?: () => boolean;
	/**
	 * Called before a request is sent again after an attempt that may have been billed (only with
	 * Retry Timeouts on): the spending cap counts that attempt and makes room for the next, or
	 * throws.
	 */
	beforeResend?: () => Promise<void>;
}

/** Statuses worth another try: rate limits and server errors, but not 504 (may have billed). */
export function isRetryableStatus(statusCode: number): boolean {
	return statusCode === 429 || (statusCode >= 500 && statusCode !== 504);
}

/**
 * Whether a failed generation request (not a 429) is tried again, and after how long, given how
 * many such failures came before. A failure that may have been billed (timeout, connection lost
 * after sending, 504, unreadable answer) is retried only when the user accepted paying twice.
 */
export function retryDelay(
	failure: ApiFailure,
	failuresBefore: number,
	policy: RequestPolicy,
	retryAfterMs: number | undefined,
): number | undefined {
	if (failuresBefore >= policy.maxRetries) return undefined;
	if (failure.uncertain && !policy.retryUncertain) return undefined;
	return retryAfterMs ?? backoffMs(failuresBefore);
}

/**
 * How long to hold off after a 429 (not billed, so bounded by time, not by count): what
 * `Retry-After` says, or a growing backoff when it says nothing. Undefined when sending again
 * would come after `deadline`: waiting is pointless then.
 */
export function rateLimitDelay(
	refusalsBefore: number,
	retryAfterMs: number | undefined,
	openAt: number,
	deadline: number,
	now = Date.now(),
): number | undefined {
	const waitMs = retryAfterMs ?? backoffMs(refusalsBefore);
	return Math.max(now + waitMs, openAt) > deadline ? undefined : waitMs;
}

/** Exponential backoff with full jitter: 1 s, 2 s, 4 s … (capped), times a random 0.5–1. */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 30_000): number {
	const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
	return Math.round(ceiling * (0.5 + Math.random() * 0.5));
}

/** `Retry-After` in seconds or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: unknown, now = Date.now()): number | undefined {
	if (Array.isArray(value)) value = value[0];
	if (typeof value === 'number') return Math.max(0, value * 1000);
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const seconds = Number(value);
	if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
	const date = Date.parse(value);
	return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
