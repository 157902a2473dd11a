import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

/**
 * The one place that speaks HTTP. One attempt, no policy: an HTTP status comes back as a value,
 * a transport failure as a `network` outcome, and a cancelled execution as `cancelled`. Nothing
 * here knows about parameters, retries or node errors.
 */
export type Outcome =
	| { type: 'response'; statusCode: number; headers: IDataObject; body: unknown }
	| { type: 'network'; code: string; message: string; uncertain: boolean }
	| { type: 'cancelled' };

/** Network failures after which the request surely did not reach the API. */
const NOT_SENT_CODES = new Set([
	'ECONNREFUSED',
	'ENOTFOUND',
	'EAI_AGAIN',
	'EHOSTUNREACH',
	'ENETUNREACH',
]);
const CANCELLED_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

export function normaliseBaseUrl(baseUrl: unknown): string {
	return String(baseUrl ?? '')
		.trim()
		.replace(/\/+$/, '');
}

export function errorCode(error: unknown): string {
	let current = error as { code?: unknown; cause?: unknown; name?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (typeof current.code === 'string' && current.code !== '') return current.code;
		if (current.name === 'AbortError' || current.name === 'CanceledError') return 'ERR_CANCELED';
		current = current.cause as typeof current;
	}
	return 'UNKNOWN';
}

/**
 * The socket's own words ("socket hang up", "connect ECONNREFUSED 127.0.0.1:8787"): n8n wraps
 * transport errors in generic text, some of which ("you can retry immediately") is wrong here.
 */
function rootMessage(error: unknown): string {
	let message = error instanceof Error ? error.message : String(error);
	let current = error as { cause?: unknown } | undefined;
	for (let depth = 0; current && depth < 5; depth++) {
		if (current.cause instanceof Error && current.cause.message) message = current.cause.message;
		current = current.cause as typeof current;
	}
	return message;
}

export function isTimeout(code: string, message: string): boolean {
	return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
}

/**
 * Sends one request: with the credential's authentication when `credentialType` is given (the
 * API), without it otherwise (result links: the key belongs to the API host only).
 */
export async function send(
	context: IExecuteFunctions,
	options: IHttpRequestOptions,
	credentialType: string | undefined,
	signal: AbortSignal | undefined,
): Promise<Outcome> {
	const request: IHttpRequestOptions = {
		...options,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		abortSignal: signal,
	};
	try {
		const response = (
			credentialType
				? await context.helpers.httpRequestWithAuthentication.call(context, credentialType, request)
				: await context.helpers.httpRequest(request)
		) as IN8nHttpFullResponse;
		return {
			type: 'response',
			statusCode: response.statusCode,
			headers: (response.headers ?? {}) as IDataObject,
			body: response.body,
		};
	} catch (error) {
		const code = errorCode(error);
		if (CANCELLED_CODES.has(code) || signal?.aborted) return { type: 'cancelled' };
		// Keep only the code and message: the raw error holds the request, headers included.
		return {
			type: 'network',
			code,
			message: rootMessage(error),
			uncertain: !NOT_SENT_CODES.has(code),
		};
	}
}
