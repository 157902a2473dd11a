/** How long result links live when they do not say: 24 hours upstream (api-notes.md). */
export const DEFAULT_LINK_LIFE_MS = 24 * 60 * 60 * 1000;

/** `20261205T093000Z`, as AWS and Volcengine TOS presigned links carry it. */
function parseCompactDate(value: string | null): number | undefined {
	const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value ?? '');
	if (!match) return undefined;
	const [, year, month, day, hour, minute, second] = match.map(Number);
	return Date.UTC(year, month - 1, day, hour, minute, second);
}

/**
 * When a result link stops working, read from the link itself: a presigned link's
 * `X-Amz-Expires`/`X-Tos-Expires` (seconds after its `…-Date`), an `X-Expires` or `Expires`
 * that is a moment (epoch milliseconds or seconds) or a life in seconds; otherwise the platform's
 * 24 hours after `generatedAt`.
 */
export function linkExpiresAt(link: string, generatedAt: number): number {
	let query: URLSearchParams;
	try {
		query = new URL(link).searchParams;
	} catch {
		return generatedAt + DEFAULT_LINK_LIFE_MS;
	}
	for (const prefix of ['X-Amz-', 'X-Tos-', 'x-amz-', 'x-tos-']) {
		const life = Number(query.get(`${prefix}Expires`));
		const signedAt = parseCompactDate(query.get(`${prefix}Date`));
		if (life > 0 && signedAt !== undefined) return signedAt + life * 1000;
	}
	const value = Number(query.get('X-Expires') ?? query.get('Expires') ?? Number.NaN);
	if (Number.isFinite(value) && value > 0) {
		if (value > 1e11) return value; // epoch milliseconds
		if (value > 1e9) return value * 1000; // epoch seconds
		return generatedAt + value * 1000; // a life in seconds
	}
	return generatedAt + DEFAULT_LINK_LIFE_MS;
}
