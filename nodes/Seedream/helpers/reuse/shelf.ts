import type { IDataObject } from 'n8n-workflow';

import type { ResultEntry } from '../results/responseParsing';

/**
 * One paid answer, kept so that an identical request can reuse it instead of paying again:
 * its links, what failed, and when it was made and stops being valid. Never image bytes, never
 * the API key: the request is known only by its hash (requestKey.ts).
 */
export interface StoredResult {
	/** Epoch ms. */
	generatedAt: number;
	/** Epoch ms: the links' own expiry, less a safety margin. */
	validUntil: number;
	/** Entries the API returned, failed ones included. */
	count: number;
	links: Array<{ index: number; url: string }>;
	failed?: Array<{ index: number; code?: string; message: string }>;
	usage?: IDataObject;
}

/** Paid answers by request hash, oldest first for each hash; a plain object, stored as JSON. */
export interface Shelf {
	version: 1;
	results: Record<string, StoredResult[]>;
}

export function emptyShelf(): Shelf {
	return { version: 1, results: {} };
}

function isStoredResult(value: unknown): value is StoredResult {
	const result = value as StoredResult;
	return (
		typeof result === 'object' &&
		result !== null &&
		typeof result.generatedAt === 'number' &&
		typeof result.validUntil === 'number' &&
		typeof result.count === 'number' &&
		Array.isArray(result.links) &&
		result.links.length > 0 &&
		result.links.every((link) => typeof link?.url === 'string' && typeof link.index === 'number')
	);
}

/** A shelf as stored earlier, or an empty one for anything else (an older format, a hand edit). */
export function readShelf(value: unknown): Shelf {
	const shelf = value as Shelf;
	if (!shelf || shelf.version !== 1 || typeof shelf.results !== 'object' || !shelf.results) {
		return emptyShelf();
	}
	const results: Shelf['results'] = {};
	for (const [key, list] of Object.entries(shelf.results)) {
		const valid = Array.isArray(list) ? list.filter(isStoredResult) : [];
		if (valid.length) results[key] = valid;
	}
	return { version: 1, results };
}

/** The one link that names a result: no two generations share it. */
export function resultId(result: StoredResult): string {
	return result.links[0].url;
}

/** The results still valid for `key`, oldest first. */
export function validResults(shelf: Shelf, key: string, now: number): StoredResult[] {
	return (shelf.results[key] ?? []).filter((result) => result.validUntil > now);
}

/**
 * Drops what has expired, then the oldest results until at most `max` remain: a shelf never
 * grows past a few hundred entries.
 */
export function prune(shelf: Shelf, now: number, max: number): void {
	const all: Array<[string, StoredResult]> = [];
	for (const [key, list] of Object.entries(shelf.results)) {
		for (const result of list) if (result.validUntil > now) all.push([key, result]);
	}
	all.sort((a, b) => a[1].generatedAt - b[1].generatedAt);
	const kept = all.slice(Math.max(0, all.length - max));
	shelf.results = {};
	for (const [key, result] of kept) (shelf.results[key] ??= []).push(result);
}

export function addResult(
	shelf: Shelf,
	key: string,
	result: StoredResult,
	now: number,
	max: number,
): void {
	const list = (shelf.results[key] ??= []);
	if (!list.some((stored) => resultId(stored) === resultId(result))) list.push(result);
	prune(shelf, now, max);
}

/** Takes a result off the shelf (its links no longer download). True when it was there. */
export function removeResult(shelf: Shelf, key: string, id: string): boolean {
	const list = shelf.results[key];
	if (!list) return false;
	const rest = list.filter((result) => resultId(result) !== id);
	if (rest.length === list.length) return false;
	if (rest.length) shelf.results[key] = rest;
	else delete shelf.results[key];
	return true;
}

/** The answer's entries as the API gave them, for a result taken off the shelf. */
export function entriesOf(result: StoredResult): ResultEntry[] {
	const entries: ResultEntry[] = [
		...result.links.map(({ index, url }): ResultEntry => ({ index, kind: 'url', url })),
		...(result.failed ?? []).map(
			({ index, code, message }): ResultEntry => ({ index, kind: 'failed', code, message }),
		),
	];
	return entries.sort((a, b) => a.index - b.index);
}
