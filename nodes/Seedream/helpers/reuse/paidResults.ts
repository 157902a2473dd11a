import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { ReuseMode } from '../options';
import type { ParsedResponse, ResultEntry } from '../results/responseParsing';
import { linkExpiresAt } from './linkExpiry';
import { requestKey } from './requestKey';
import {
	addResult,
	emptyShelf,
	entriesOf,
	readShelf,
	removeResult,
	resultId,
	validResults,
	type Shelf,
	type StoredResult,
} from './shelf';

/** A reused link must go on working for a while after the node hands it on. */
export const SAFETY_MARGIN_MS = 60 * 60 * 1000;
/** Results kept per node in an execution's node context. */
export const MAX_STORED_RESULTS = 300;
/** Results kept in this process's memory, for every workflow and account together. */
export const MAX_REMEMBERED_RESULTS = 1000;
/** The field of the node context that holds the shelf. */
export const SHELF_FIELD = 'paidResults';

/** Paid results this process made: module state, shared by every execution it runs. */
const memory: Shelf = emptyShelf();

/** A result taken off a shelf for one request. */
export interface Reused {
	key: string;
	result: StoredResult;
	entries: ResultEntry[];
}

/**
 * The paid results one run of the node may reuse, and what it adds for later runs:
 * - every run (but with Never) keeps what it paid for; if the node fails, that goes into the
 *   execution's node context, which n8n stores with the failed execution and hands to its
 *   Retry — on this n8n or after a restart, on whichever queue-mode worker runs it;
 * - a Retry (and, with Always, every run) looks there first; with Always also in this process's
 *   memory (editor runs, agent calls, production runs on the same main or worker);
 * - requests that are identical within one run never share a result: each takes its own, so
 *   ten items with one prompt still give ten images.
 *
 * The workflow's static data is not used: in n8n 2.41.1 a Retry and a queue-mode worker start
 * without it and save whatever they end with over the stored one, so writing there would erase
 * the state of the workflow's trigger (a Schedule Trigger keeps its rules there).
 */
export class PaidResults {
	readonly counts = { billed: 0, reused: 0, fallbacks: 0 };

	private readonly handedOut = new Set<string>();

	private readonly made: Array<[string, StoredResult]> = [];

	/** The execution's shelf, read (and checked) once per run. */
	private readonly kept: Shelf;

	private constructor(
		private readonly mode: ReuseMode,
		private readonly lookups: boolean,
		private readonly account: string,
		/** This execution's node context: n8n stores it with the execution; a Retry carries it. */
		private readonly execution: IDataObject,
	) {
		this.kept = readShelf(execution[SHELF_FIELD]);
	}

	static open(context: IExecuteFunctions, mode: ReuseMode, account: string): PaidResults {
		const lookups = mode === 'always' || (mode === 'retrying' && context.getMode() === 'retry');
		return new PaidResults(mode, lookups, account, context.getContext('node'));
	}

	/** The request's hash, or undefined when results are neither kept nor reused. */
	keyOf(url: string, body: Buffer): string | undefined {
		return this.mode === 'never' ? undefined : requestKey(this.account, url, body);
	}

	private shelves(): Shelf[] {
		return this.mode === 'always' ? [this.kept, memory] : [this.kept];
	}

	/** A valid result of an identical earlier request that this run has not handed out yet. */
	find(key: string | undefined, now = Date.now()): Reused | undefined {
		if (!key || !this.lookups) return undefined;
		for (const shelf of this.shelves()) {
			const result = validResults(shelf, key, now).find(
				(candidate) => !this.handedOut.has(resultId(candidate)),
			);
			if (result) {
				this.handedOut.add(resultId(result));
				this.counts.reused += result.links.length;
				return { key, result, entries: entriesOf(result) };
			}
		}
		return undefined;
	}

	/** Counts a paid answer and keeps its links; inline images cannot be kept, only counted. */
	remember(key: string | undefined, answer: ParsedResponse, now = Date.now()): void {
		const images = answer.entries.filter((entry) => entry.kind !== 'failed');
		this.counts.billed += images.length;
		if (!key || images.some((entry) => entry.kind !== 'url')) return;
		const links = images.flatMap((entry) => (entry.kind === 'url' ? [entry] : []));
		const validUntil =
			Math.min(...links.map((link) => linkExpiresAt(link.url, now))) - SAFETY_MARGIN_MS;
		if (links.length === 0 || validUntil <= now) return;
		const failed = answer.entries.flatMap((entry) =>
			entry.kind === 'failed'
				? [
						entry.code
							? { index: entry.index, code: entry.code, message: entry.message }
							: { index: entry.index, message: entry.message },
					]
				: [],
		);
		const result: StoredResult = {
			generatedAt: now,
			validUntil,
			count: answer.entries.length,
			links: links.map(({ index, url }) => ({ index, url })),
			...(failed.length ? { failed } : {}),
			...(answer.usage ? { usage: answer.usage } : {}),
		};
		this.handedOut.add(resultId(result));
		this.made.push([key, result]);
		if (this.mode === 'always') addResult(memory, key, result, now, MAX_REMEMBERED_RESULTS);
	}

	/** A reused result whose links no longer download: off every shelf, so nothing tries it again. */
	forget({ key, result }: Reused): void {
		const id = resultId(result);
		this.counts.reused -= result.links.length;
		this.counts.fallbacks++;
		removeResult(memory, key, id);
		if (removeResult(this.kept, key, id)) this.store();
	}

	/** The node is failing: what this run paid for goes with the execution, for its Retry. */
	keepForRetry(now = Date.now()): void {
		if (this.made.length === 0) return;
		for (const [key, result] of this.made)
			addResult(this.kept, key, result, now, MAX_STORED_RESULTS);
		this.store();
	}

	private store(): void {
		this.execution[SHELF_FIELD] = this.kept as unknown as IDataObject;
	}

	/** The run's line in n8n's log: what was billed (and, given, its estimated cost), what was reused. */
	summary(cost?: string): string {
		const { billed, reused, fallbacks } = this.counts;
		const fellBack = fallbacks
			? `; ${fallbacks} earlier result(s) no longer downloaded and were generated again`
			: '';
		const estimate = cost && billed > 0 ? ` (about ${cost})` : '';
		return `Seedream: ${billed} image(s) generated and billed${estimate}, ${reused} reused from identical earlier requests${fellBack}`;
	}
}
