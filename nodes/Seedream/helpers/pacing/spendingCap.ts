import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { Refusal } from '../errors/nodeErrors';
import { cancelled } from './generateImages';

/** The field of the node context that holds what the node had billed in its execution. */
export const SPENDING_FIELD = 'spending';

/** What is stored with the execution: a Retry (an execution of its own) starts from nothing. */
interface Stored {
	executionId: string;
	billed: number;
}

interface Waiter {
	most: number;
	/** The cap of the run that waits (two runs of one execution may set different ones). */
	cap: number | undefined;
	admit: () => void;
	refuse: () => void;
}

/**
 * One node's spending in one execution: the images billed (kept in the node context, so a later
 * run of the node in the execution, a loop's next batch or an agent's next tool call, counts
 * them too, even on another process after a Wait) and the reservations of requests in flight,
 * which live only in this process. Every run of the node in the execution shares it.
 */
class Ledger {
	reserved = 0;

	runs = 0;

	readonly waiters: Waiter[] = [];

	constructor(
		public billed: number,
		private readonly store: (billed: number) => void,
	) {}

	count(images: number): void {
		this.billed += images;
		this.store(this.billed);
	}

	/**
	 * Admits the waiters in arrival order while they fit, and refuses those that never can: what
	 * is billed only grows, so a request larger than the cap less the billed images will not fit
	 * whatever the requests in flight give back. The others wait for those answers.
	 */
	pump(): void {
		while (this.waiters.length > 0) {
			const { most, cap, admit, refuse } = this.waiters[0];
			if (cap === undefined || most <= cap - this.billed - this.reserved) {
				this.reserved += most;
				this.waiters.shift();
				admit();
			} else if (most > cap - this.billed) {
				this.waiters.shift();
				refuse();
			} else return;
		}
	}
}

/** Ledgers of the node runs going on in this process, by execution and node. */
const ledgers = new Map<string, Ledger>();

/** A request's hold on the cap: what it may bill until its answer says what it did bill. */
export interface Reservation {
	/** The answer came: `images` were billed, the rest of the reservation is given back. */
	settle(images: number): void;
	/** The request failed: nothing was billed, or (uncertain) perhaps all it reserved. */
	fail(uncertain: boolean): void;
	/** Before sending again after an attempt that may have been billed: that attempt counts in full, and the new one needs room of its own. */
	renew(): Promise<void>;
}

/**
 * Max Images per Execution: before a request is sent, the most it can bill is reserved; one that
 * does not fit waits while requests in flight may still give room back, and is refused once none
 * can. Reservations are taken in one step of the event loop, so requests in flight together, of
 * this run or of any other run of the node in the execution, never pass the cap. Every billed
 * image is counted, capped or not, so that a cap set on a later run counts earlier ones too.
 */
export class SpendingCap {
	private closed = false;

	private constructor(
		private readonly ledger: Ledger,
		private readonly key: string,
		readonly cap: number | undefined,
		private readonly signal: AbortSignal | undefined,
	) {}

	static open(context: IExecuteFunctions, cap: number | undefined): SpendingCap {
		const executionId = String(context.getExecutionId() ?? '');
		const node = context.getContext('node') as IDataObject;
		// Without an execution id (nothing stores the run), each run stands alone.
		const key = executionId
			? JSON.stringify([executionId, context.getNode().name])
			: `run ${Math.random()}`;
		let ledger = ledgers.get(key);
		if (!ledger) {
			const stored = node[SPENDING_FIELD] as Stored | undefined;
			const billed =
				executionId && stored?.executionId === executionId && Number.isFinite(stored.billed)
					? stored.billed
					: 0;
			ledger = new Ledger(billed, (total) => {
				if (executionId) node[SPENDING_FIELD] = { executionId, billed: total };
			});
			ledgers.set(key, ledger);
		}
		ledger.runs++;
		return new SpendingCap(ledger, key, cap, context.getExecutionCancelSignal?.());
	}

	/** Images billed in this execution by this node, in every run so far. */
	get billed(): number {
		return this.ledger.billed;
	}

	/** How many more images this execution may still have billed; undefined without a cap. */
	get remaining(): number | undefined {
		if (this.cap === undefined) return undefined;
		return Math.max(0, this.cap - this.ledger.billed - this.ledger.reserved);
	}

	/**
	 * Waits until `most` images fit under the cap, and holds them. Rejects with a Refusal when
	 * they can never fit, or when the execution is cancelled while waiting.
	 */
	async reserve(most: number): Promise<Reservation> {
		await this.take(most);
		let held = most;
		const giveBack = (billed: number) => {
			this.ledger.reserved -= held;
			held = 0;
			this.ledger.count(billed);
			this.ledger.pump();
		};
		return {
			settle: (images) => giveBack(images),
			fail: (uncertain) => giveBack(uncertain ? held : 0),
			renew: async () => {
				giveBack(held);
				await this.take(most);
				held = most;
			},
		};
	}

	/** The run is over: a ledger no run uses any more is forgotten (its count stays stored). */
	close(): void {
		if (this.closed) return;
		this.closed = true;
		if (--this.ledger.runs === 0 && this.ledger.reserved === 0) ledgers.delete(this.key);
	}

	private async take(most: number): Promise<void> {
		const { ledger, signal } = this;
		if (signal?.aborted) throw cancelled(0);
		await new Promise<void>((resolve, reject) => {
			const onAbort = () => {
				const index = ledger.waiters.indexOf(waiter);
				if (index >= 0) ledger.waiters.splice(index, 1);
				reject(cancelled(0));
			};
			const done = () => signal?.removeEventListener('abort', onAbort);
			const waiter: Waiter = {
				most,
				cap: this.cap,
				admit: () => {
					done();
					resolve();
				},
				refuse: () => {
					done();
					reject(this.refusal(most));
				},
			};
			ledger.waiters.push(waiter);
			signal?.addEventListener('abort', onAbort, { once: true });
			ledger.pump();
		});
	}

	private refusal(most: number): Refusal {
		const cap = this.cap ?? 0;
		const billed = this.ledger.billed;
		const left = Math.max(0, cap - billed);
		return new Refusal(
			`Spending cap reached, not sent: Max Images per Execution is ${cap}, this execution has had ${billed} image(s) billed by this node, and this request could bill ${most} more`,
			`Nothing was sent for this item, so nothing was billed. To make more images in one execution, raise Options → Max Images per Execution (0 means no cap)${most > 1 ? ', or lower Max Images of the image set' : ''}. ` +
				'Then retry the execution from the executions list: with Reuse Identical Results at its default, the images it already paid for are reused, and only the items held back are paid for.',
			left > 0
				? `This execution may still make ${left} image(s): call again asking for at most ${left}, or tell the user.`
				: 'The workflow allows no more images in this execution: do not call this tool again; tell the user the spending cap was reached.',
		);
	}
}
