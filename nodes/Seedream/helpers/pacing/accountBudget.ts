import { sleep } from 'n8n-workflow';

/**
 * After a 429, requests are let go one at a time this far apart until one sent after the 429
 * succeeds: a refusal comes back at once, so the next request learns of a new hold before it
 * is sent, and a window that frees one slot does not get four requests.
 */
const PACING_MS = 250;

interface Waiter {
	ticket: number;
	admit: () => void;
}

/** What a budget holds now, without anything that names the account. */
export interface BudgetState {
	active: number;
	queued: number;
	limit: number;
	ceiling: number;
	users: number;
	holdMs: number;
}

/**
 * The rate budget of one API account in this n8n process, shared by every request of every
 * execution that uses the account:
 * - at most `limit` requests in flight. The limit adapts: a 429 lowers it by one (once per round
 *   of requests, not once per refused request), and it climbs back after as many successes in a
 *   row as it is wide, never above the widest Concurrency setting of the executions using it;
 * - one "not before" time: when the API says "retry after N seconds", no request is sent before;
 * - first come, first served: a request keeps its ticket across retries, so one refused with a
 *   429 goes before those that arrived after it; when a hold ends, requests go in ticket order,
 *   paced (PACING_MS apart) until the API accepts again, not all at the same instant.
 */
export class AccountBudget {
	/** Executions holding a lease on this budget (see accountBudgets.ts). */
	users = 0;

	private active = 0;

	private limit: number;

	private ceiling: number;

	private successes = 0;

	private notBefore = 0;

	private lastDecrease = 0;

	private lastRefusal = 0;

	private lastAdmission = 0;

	private pacing = false;

	private nextTicket = 0;

	private wakeAt: number | undefined;

	private readonly queue: Waiter[] = [];

	constructor(concurrency: number) {
		this.limit = this.ceiling = Math.max(1, Math.floor(concurrency));
	}

	/** An execution with a wider Concurrency joins: the ceiling rises, the limit too unless a 429 lowered it. */
	widen(concurrency: number): void {
		const wider = Math.floor(concurrency);
		if (wider <= this.ceiling) return;
		if (this.limit === this.ceiling) this.limit = wider;
		this.ceiling = wider;
		this.pump();
	}

	/** A place in the queue, kept by a request for all its attempts. */
	ticket(): number {
		return this.nextTicket++;
	}

	/**
	 * Resolves true when the request may send: a slot is free, no Retry-After holds, and every
	 * older ticket waiting went first. Resolves false when the execution is cancelled meanwhile.
	 * Every true must be followed by one `release()`.
	 */
	async acquire(ticket: number, signal?: AbortSignal): Promise<boolean> {
		if (signal?.aborted) return false;
		return await new Promise<boolean>((resolve) => {
			const onAbort = () => {
				const index = this.queue.indexOf(waiter);
				if (index >= 0) this.queue.splice(index, 1);
				resolve(false);
			};
			const waiter: Waiter = {
				ticket,
				admit: () => {
					signal?.removeEventListener('abort', onAbort);
					resolve(true);
				},
			};
			const after = this.queue.findIndex((other) => other.ticket > ticket);
			this.queue.splice(after < 0 ? this.queue.length : after, 0, waiter);
			signal?.addEventListener('abort', onAbort, { once: true });
			this.pump();
		});
	}

	release(): void {
		this.active--;
		this.pump();
	}

	/** A request sent at `sentAt` succeeded: the API accepts again if it was sent after the last 429. */
	onSuccess(sentAt: number): void {
		if (this.pacing && sentAt >= this.lastRefusal) {
			this.pacing = false;
			this.pump();
		}
		if (this.limit >= this.ceiling) return;
		this.successes++;
		if (this.successes >= this.limit) {
			this.successes = 0;
			this.limit++;
			this.pump();
		}
	}

	/**
	 * A request sent at `sentAt` was refused with a 429: nothing is sent for `waitMs`, and the
	 * limit drops by one unless it already dropped for a refusal of a request sent earlier.
	 */
	onRateLimited(sentAt: number, waitMs: number): void {
		const now = Date.now();
		this.successes = 0;
		this.pacing = true;
		this.lastRefusal = now;
		if (sentAt > this.lastDecrease) {
			this.limit = Math.max(1, this.limit - 1);
			this.lastDecrease = now;
		}
		this.notBefore = Math.max(this.notBefore, now + waitMs);
	}

	/** The earliest time a request may be sent, as far as Retry-After is concerned. */
	get openAt(): number {
		return this.notBefore;
	}

	/** Nothing in flight, queued or held, and no execution holding it: it can be forgotten. */
	isIdle(now = Date.now()): boolean {
		return (
			this.users === 0 && this.active === 0 && this.queue.length === 0 && this.notBefore <= now
		);
	}

	state(): BudgetState {
		return {
			active: this.active,
			queued: this.queue.length,
			limit: this.limit,
			ceiling: this.ceiling,
			users: this.users,
			holdMs: Math.max(0, this.notBefore - Date.now()),
		};
	}

	/** Admits waiting requests in ticket order while slots are free and no hold applies. */
	private pump(): void {
		while (this.queue.length > 0 && this.active < this.limit) {
			const now = Date.now();
			const next = Math.max(this.notBefore, this.pacing ? this.lastAdmission + PACING_MS : 0);
			if (next > now) {
				this.wakeIn(next - now);
				return;
			}
			this.active++;
			this.lastAdmission = now;
			this.queue.shift()?.admit();
		}
	}

	/** One pending wake-up is enough when it comes no later than needed: it pumps again. */
	private wakeIn(ms: number): void {
		const at = Date.now() + ms;
		if (this.wakeAt !== undefined && this.wakeAt <= at) return;
		this.wakeAt = at;
		void sleep(ms).then(() => {
			if (this.wakeAt === at) this.wakeAt = undefined;
			this.pump();
		});
	}
}
