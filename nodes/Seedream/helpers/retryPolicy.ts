import type { ApiFailure } from './failures';
import type { Limiter, RateGate } from './limiter';

/** How hard to try, shared by every request of one execution. */
export interface RequestPolicy {
	timeoutMs: number;
	maxRetries: number;
	/** Retry when the API may already have generated (and billed) the images. */
	retryUncertain: boolean;
	limiter: Limiter;
	gate: RateGate;
	signal?: AbortSignal;
	/** True once another item failed and the node will fail: start no more paid requests. */
	isStopped?: () => boolean;
}

/** Statuses worth another try: rate limits and server errors, but not 504 (may have billed). */
export function isRetryableStatus(statusCode: number): boolean {
	return statusCode === 429 || (statusCode >= 500 && statusCode !== 504);
}

/**
 * Whether a failed generation request is tried again, and after how long. A failure that may
 * have been billed (timeout, connection lost after sending, 504, unreadable answer) is retried
 * only when the user accepted paying twice.
 */
export function retryDelay(
	failure: ApiFailure,
	attempt: number,
	policy: RequestPolicy,
	retryAfterMs: number | undefined,
): number | undefined {
	if (attempt >= policy.maxRetries) return undefined;
	if (failure.uncertain && !policy.retryUncertain) return undefined;
	return retryAfterMs ?? backoffMs(attempt);
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
