import { createHash } from 'crypto';

/** Changes whenever what decides a request's images, or how it is written, changes. */
const HASH_FORMAT = 'seedream-request-1';

/**
 * What identifies a paid request: the account (base URL and key hash), the endpoint (so the
 * model) and the body exactly as sent. References from binary data travel in the body as data
 * URIs of their bytes, so the same image counts as the same reference wherever it came from
 * (a binary property, another item, a data URI); a link counts by its URL. SHA-256, as hex.
 */
export function requestKey(account: string, url: string, body: Buffer): string {
	return createHash('sha256')
		.update(`${JSON.stringify([HASH_FORMAT, account, url])}\n`)
		.update(body)
		.digest('hex');
}
