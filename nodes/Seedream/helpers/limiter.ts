import { pause } from './pause';

/**
 * Runs at most `limit` tasks at once. The limit adapts: a rate-limit answer lowers it by one,
 * and it climbs back after as many successes in a row as it is wide, never above the user's
 * setting. So a node set too wide for the account's limit settles at what the API admits
 * instead of collecting 429s.
 */
export class Limiter {
	private active = 0;

	private limit: number;

	/** The setting as a whole number of at least one: the limit starts here and never exceeds it. */
	private readonly maxLimit: number;

	private successes = 0;

	private readonly waiting: Array<() => void> = [];

	constructor(maxLimit: number) {
		this.maxLimit = Math.max(1, Math.floor(maxLimit));
		this.limit = this.maxLimit;
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
