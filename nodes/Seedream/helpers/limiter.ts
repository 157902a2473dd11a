import { sleep } from 'n8n-workflow';

/**
 * Runs at most `limit` tasks at once. The limit adapts: a rate-limit answer lowers it by one,
 * and it climbs back after as many successes in a row as it is wide, never above the user's
 * setting. So a node set too wide for the account's limit settles at what the API admits
 * instead of collecting 429s.
 */
export class Limiter {
	private active = 0;

	private limit: number;

	private successes = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(private readonly maxLimit: number) {
		this.limit = Math.max(1, Math.floor(maxLimit));
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		await this.acquire();
		try {
			return await task();
		} finally {
			this.release();
		}
	}

	onRateLimited(): void {
		this.successes = 0;
		this.limit = Math.max(1, this.limit - 1);
	}

	onSuccess(): void {
		if (this.limit >= this.maxLimit) return;
		this.successes++;
		if (this.successes >= this.limit) {
			this.successes = 0;
			this.limit++;
			this.dispatch();
		}
	}

	private async acquire(): Promise<void> {
		if (this.active < this.limit) {
			this.active++;
			return;
		}
		await new Promise<void>((resolve) => this.waiting.push(resolve));
	}

	private release(): void {
		this.active--;
		this.dispatch();
	}

	private dispatch(): void {
		while (this.active < this.limit && this.waiting.length > 0) {
			this.active++;
			this.waiting.shift()?.();
		}
	}
}

/** Resolves after `ms`, or at once when the execution is cancelled. */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
	if (ms <= 0 || signal?.aborted) return;
	if (!signal) {
		await sleep(ms);
		return;
	}
	let onAbort: (() => void) | undefined;
	try {
		await Promise.race([
			sleep(ms),
			new Promise<void>((resolve) => {
				onAbort = resolve;
				signal.addEventListener('abort', onAbort, { once: true });
			}),
		]);
	} finally {
		if (onAbort) signal.removeEventListener('abort', onAbort);
	}
}

/**
 * One "not before" time shared by every request of an execution: when the API says "retry
 * after N seconds", every request waits, not only the one that was told.
 */
export class RateGate {
	private notBefore = 0;

	holdFor(ms: number): void {
		this.notBefore = Math.max(this.notBefore, Date.now() + ms);
	}

	async wait(signal?: AbortSignal): Promise<void> {
		let remaining = this.notBefore - Date.now();
		while (remaining > 0 && !signal?.aborted) {
			await pause(remaining, signal);
			remaining = this.notBefore - Date.now();
		}
	}
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
