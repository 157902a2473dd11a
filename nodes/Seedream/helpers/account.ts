import { createHash } from 'crypto';

/**
 * Who pays for a request: the base URL and a SHA-256 of the API key, never the key itself. Rate
 * budgets and reused results are kept per account, so two keys (or one key on two platforms)
 * never share either. `crypto` is one of the few modules n8n's community-node rules allow
 * (`@n8n/community-nodes/no-restricted-imports`), so no hash is written by hand.
 */
export function accountId(baseUrl: string, apiKey: string): string {
	return `${baseUrl} ${sha256Hex(apiKey)}`;
}

/** SHA-256 of text (as UTF-8) or bytes, as hex. */
export function sha256Hex(data: string | Buffer): string {
	return createHash('sha256').update(data).digest('hex');
}
