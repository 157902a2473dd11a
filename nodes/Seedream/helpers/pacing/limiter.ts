/**
 * Runs at most `limit` tasks at once, first come first served: the items of one execution (its
 * Concurrency setting) and its downloads. The account's shared, adaptive limit is in
 * accountBudget.ts.
 */
export class Limiter {
	private active = 0;

	private readonly limit: number;

	private readonly waiting: Array<() => void> = [];

	constructor(limit: number) {
		this.limit = Math.max(1, Math.floor(limit));
	}

	async run<T>(task: () => Promise<T>): Promise<T> {
		if (this.active < this.limit) this.active++;
		else await new Promise<void>((resolve) => this.waiting.push(resolve));
		try {
			return await task();
		} finally {
			const next = this.waiting.shift();
			if (next) next();
			else this.active--;
		}
	}
}
