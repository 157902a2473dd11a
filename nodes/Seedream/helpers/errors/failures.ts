import type { IDataObject } from 'n8n-workflow';

/** What went wrong with a request to the API or a download, before it becomes a node error. */
export interface ApiFailure {
	statusCode?: number;
	code?: string;
	message: string;
	attempts: number;
	/** The API may have generated and billed images that this node never received. */
	uncertain: boolean;
	timedOut: boolean;
	rateLimited: boolean;
	/** Links of images that were generated (and paid for) but could not be delivered. */
	paidLinks?: string[];
	/** Rate limits: how long the request waited them out. */
	waitedMs?: number;
	/** The API's last Retry-After, when it gave one: when calling again may work. */
	retryAfterMs?: number;
}

/** The one place a failure is made: everything not said is false, one attempt. */
export function makeFailure(fields: Partial<ApiFailure> & { message: string }): ApiFailure {
	return { attempts: 1, uncertain: false, timedOut: false, rateLimited: false, ...fields };
}

/** Thrown below the operation; the operation turns it into a NodeApiError for its item. */
export class ApiRequestError extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
	}
}

export function parseJsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

/**
 * An error answer: the platform's `{code, reason, message}`, an upstream `{error: {code,
 * message}}`, or whatever text came back.
 */
export function failureFromResponse(
	statusCode: number,
	body: unknown,
	attempts: number,
): ApiFailure {
	const parsed = parseJsonBody(body);
	let code: string | undefined;
	let message: string;
	if (parsed && typeof parsed === 'object') {
		const record = parsed as IDataObject;
		const nested = (
			record.error && typeof record.error === 'object' ? record.error : {}
		) as IDataObject;
		code = String(record.reason ?? nested.code ?? record.code ?? '') || undefined;
		message = String(record.message ?? nested.message ?? JSON.stringify(parsed));
	} else {
		message = String(parsed ?? '').slice(0, 500) || `HTTP ${statusCode}`;
	}
	return makeFailure({
		statusCode,
		code,
		message,
		attempts,
		// 504: a gateway gave up waiting; the generation may still finish and bill.
		uncertain: statusCode === 504,
		rateLimited: statusCode === 429,
	});
}
