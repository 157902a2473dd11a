import type {
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { API_PATH } from '../helpers/constants';
import { Limiter, RateGate, backoffMs, parseRetryAfter, pause } from '../helpers/limiter';
import { asNodeError } from '../helpers/nodeErrors';
import { readUpTo } from '../helpers/streams';

/** How hard to try, shared by every request of one execution. */
export interface RequestPolicy {
	timeoutMs: number;
	maxRetries: number;
	/** Retry when the API may already have generated (and billed) the images. */
	retryUncertain: boolean;
	limiter: Limiter;
	gate: RateGate;
	signal?: AbortSignal;
	/** True once another item failed and the node will fail: start no more paid requests. */
	isStopped?: () => boolean;
}

type Outcome =
	| { type: 'response'; statusCode: number; headers: IDataObject; body: unknown }
	| { type: 'network'; code: string; message: string; uncertain: boolean };

/** Network failures after which the request surely did not reach the API. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const CANCELLED_CODES = new Set(['ERR_CANCELED', 'ABORT_ERR']);

export function normaliseBaseUrl(baseUrl: unknown): string {
	return String(baseUrl ?? '').trim().replace(/\/+$/, '');
}

function errorCode(error: unknown): string {
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

function isTimeout(code: string, message: string): boolean {
	return code === 'ECONNABORTED' || code === 'ETIMEDOUT' || /timeout/i.test(message);
}

/** Sends once; HTTP statuses come back as values, transport failures as a network outcome. */
async function sendOnce(
	context: IExecuteFunctions,
	send: () => Promise<IN8nHttpFullResponse>,
	policy: RequestPolicy,
): Promise<Outcome> {
	try {
		const response = await send();
		return {
			type: 'response',
			statusCode: response.statusCode,
			headers: (response.headers ?? {}) as IDataObject,
			body: response.body,
		};
	} catch (error) {
		const code = errorCode(error);
		if (CANCELLED_CODES.has(code) || policy.signal?.aborted) {
			throw new NodeApiError(
				context.getNode(),
				{ code: 'CANCELLED' },
				{ message: 'The execution was cancelled while the request was in flight' },
			);
		}
		// Keep only the code and message: the raw error holds the request, headers included.
		const message = rootMessage(error);
		return { type: 'network', code, message, uncertain: !NOT_SENT_CODES.has(code) };
	}
}

function parseJsonBody(body: unknown): unknown {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return body;
	try {
		return JSON.parse(body);
	} catch {
		return body;
	}
}

export interface ApiFailure {
	statusCode?: number;
	code?: string;
	message: string;
	attempts: number;
	/** The API may have generated and billed images that this node never received. */
	uncertain: boolean;
	timedOut: boolean;
	rateLimited: boolean;
}

function failureFromResponse(statusCode: number, body: unknown, attempts: number): ApiFailure {
	const parsed = parseJsonBody(body);
	let code: string | undefined;
	let message: string;
	if (parsed && typeof parsed === 'object') {
		const record = parsed as IDataObject;
		const nested = (record.error && typeof record.error === 'object' ? record.error : {}) as IDataObject;
		code = String(record.reason ?? nested.code ?? record.code ?? '') || undefined;
		message = String(record.message ?? nested.message ?? JSON.stringify(parsed));
	} else {
		message = String(parsed ?? '').slice(0, 500) || `HTTP ${statusCode}`;
	}
	return {
		statusCode,
		code,
		message,
		attempts,
		uncertain: false,
		timedOut: false,
		rateLimited: statusCode === 429,
	};
}

/** Thrown by the transport; the operation turns it into a NodeApiError for the item. */
export class ApiRequestError extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
	}
}

function shouldRetryStatus(statusCode: number): boolean {
	// 504: a gateway gave up waiting, the generation may still finish and bill: uncertain.
	return statusCode === 429 || (statusCode >= 500 && statusCode !== 504);
}

/**
 * POST the generation request. Retries 429 (after `Retry-After`, shared with every request of
 * the execution), 5xx and connection failures with exponential backoff and jitter. A timeout,
 * a connection lost after the request was sent, a 504 or a malformed 200 answer may mean the
 * images were made and billed: those are retried only when the policy allows it.
 */
export async function generateImages(
	context: IExecuteFunctions,
	baseUrl: string,
	body: Buffer,
	policy: RequestPolicy,
): Promise<{ body: unknown; attempts: number }> {
	const options: IHttpRequestOptions = {
		method: 'POST',
		url: `${baseUrl}${API_PATH}`,
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body,
		timeout: policy.timeoutMs,
		returnFullResponse: true,
		ignoreHttpStatusErrors: true,
		json: false,
	};
	for (let attempt = 0; ; attempt++) {
		await policy.gate.wait(policy.signal);
		if (policy.isStopped?.()) {
			throw new ApiRequestError({
				code: 'NOT_SENT',
				message: 'Not sent: another item failed first and the node stopped',
				attempts: attempt,
				uncertain: false,
				timedOut: false,
				rateLimited: false,
			});
		}
		const outcome = await sendOnce(
			context,
			async () =>
				(await context.helpers.httpRequestWithAuthentication.call(context, 'highwayApi', {
					...options,
				})) as IN8nHttpFullResponse,
			policy,
		);
		const attempts = attempt + 1;
		let failure: ApiFailure;
		let retryAfterMs: number | undefined;
		if (outcome.type === 'response' && outcome.statusCode >= 200 && outcome.statusCode < 300) {
			const parsed = parseJsonBody(outcome.body);
			if (parsed && typeof parsed === 'object') {
				policy.limiter.onSuccess();
				return { body: parsed, attempts };
			}
			failure = {
				statusCode: outcome.statusCode,
				code: 'MALFORMED_RESPONSE',
				message: `The API answered ${outcome.statusCode} with a body that is not JSON: "${String(parsed).slice(0, 120)}"`,
				attempts,
				uncertain: true,
				timedOut: false,
				rateLimited: false,
			};
		} else if (outcome.type === 'response') {
			failure = failureFromResponse(outcome.statusCode, outcome.body, attempts);
			failure.uncertain = outcome.statusCode === 504;
			if (shouldRetryStatus(outcome.statusCode)) {
				retryAfterMs = parseRetryAfter(outcome.headers['retry-after']);
			} else if (!failure.uncertain) {
				throw new ApiRequestError(failure);
			}
		} else {
			failure = {
				code: outcome.code,
				message: outcome.message,
				attempts,
				uncertain: outcome.uncertain,
				timedOut: isTimeout(outcome.code, outcome.message),
				rateLimited: false,
			};
		}
		if (attempt >= policy.maxRetries || (failure.uncertain && !policy.retryUncertain)) {
			throw new ApiRequestError(failure);
		}
		const waitMs = retryAfterMs ?? backoffMs(attempt);
		if (failure.rateLimited) {
			policy.limiter.onRateLimited();
			policy.gate.holdFor(waitMs);
		} else {
			await pause(waitMs, policy.signal);
		}
	}
}

export interface Download {
	/** The first bytes (for sniffing), already pushed back into `stream` unless it ended. */
	head: Buffer;
	/** The rest of the image still to be read; undefined when `head` holds all of it. */
	stream?: NodeJS.ReadableStream & { unshift(chunk: Buffer): void; destroy(): void };
}

type ReadableBody = NonNullable<Download['stream']> & {
	read(): Buffer | null;
	readableEnded: boolean;
	once(event: string, listener: (...args: unknown[]) => void): unknown;
	off(event: string, listener: (...args: unknown[]) => void): unknown;
};

function isStreamFailure(error: unknown): boolean {
	const code = errorCode(error);
	return (
		code === 'ECONNRESET' ||
		code === 'ERR_STREAM_PREMATURE_CLOSE' ||
		/^aborted$|socket hang up/i.test((error as Error)?.message ?? '')
	);
}

/** Reads at least `size` bytes (or to the end) without consuming them for the next reader. */
async function peek(stream: ReadableBody, size: number): Promise<Download> {
	const chunks: Buffer[] = [];
	let length = 0;
	while (length < size && !stream.readableEnded) {
		const chunk = stream.read() as Buffer | null;
		if (chunk) {
			chunks.push(chunk);
			length += chunk.length;
			continue;
		}
		await new Promise<void>((resolve, reject) => {
			const settle = (error?: unknown) => {
				stream.off('readable', onReadable);
				stream.off('end', onReadable);
				stream.off('error', settle);
				if (error) reject(error);
				else resolve();
			};
			const onReadable = () => settle();
			stream.once('readable', onReadable);
			stream.once('end', onReadable);
			stream.once('error', settle);
		});
	}
	const head = Buffer.concat(chunks);
	if (stream.readableEnded) return { head };
	stream.unshift(head);
	return { head, stream };
}

async function readAll(stream: ReadableBody, limit: number): Promise<string> {
	return (await readUpTo(stream, limit)).toString('utf8').slice(0, limit);
}

/**
 * GET a result image. Result links are presigned storage URLs: they get no Authorization
 * header (the key belongs to the API host only). Downloads are free, so every transient
 * failure is retried. The body is returned as a stream so that n8n can write it to its
 * binary storage without holding the image in memory.
 */
export async function downloadImage<T>(
	context: IExecuteFunctions,
	url: string,
	policy: RequestPolicy,
	headBytes: number,
	consume: (download: Download) => Promise<T>,
): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		const outcome = await sendOnce(
			context,
			async () =>
				(await context.helpers.httpRequest({
					method: 'GET',
					url,
					encoding: 'stream',
					returnFullResponse: true,
					ignoreHttpStatusErrors: true,
					timeout: policy.timeoutMs,
					abortSignal: policy.signal,
				})) as IN8nHttpFullResponse,
			policy,
		);
		let failure: ApiFailure;
		if (outcome.type === 'response') {
			const stream = outcome.body as ReadableBody;
			if (outcome.statusCode >= 200 && outcome.statusCode < 300) {
				// A body that breaks off, while peeking or while the consumer stores it, is
				// downloaded again; an error of the consumer's own (a full disk) is not ours to retry.
				let broken: unknown;
				stream.once('error', (error: unknown) => (broken ??= error));
				stream.once('aborted', () => (broken ??= new Error('aborted')));
				try {
					return await consume(await peek(stream, headBytes));
				} catch (error) {
					if (!broken && !isStreamFailure(error)) throw asNodeError(context.getNode(), error);
					failure = {
						code: errorCode(broken ?? error),
						message: `The download broke off: ${((broken ?? error) as Error).message}`,
						attempts: attempt + 1,
						uncertain: false,
						timedOut: false,
						rateLimited: false,
					};
				}
			} else {
				const text = await readAll(stream, 2000).catch(() => '');
				const expired = outcome.statusCode === 403 && /expire|AccessDenied/i.test(text);
				failure = {
					statusCode: outcome.statusCode,
					code: expired ? 'LINK_EXPIRED' : `HTTP_${outcome.statusCode}`,
					message: expired
						? 'The image link has expired or was refused by the storage host'
						: `The image download answered HTTP ${outcome.statusCode}`,
					attempts: attempt + 1,
					uncertain: false,
					timedOut: false,
					rateLimited: outcome.statusCode === 429,
				};
				if (!shouldRetryStatus(outcome.statusCode) && outcome.statusCode !== 408) {
					throw new ApiRequestError(failure);
				}
			}
		} else {
			failure = {
				code: outcome.code,
				message: `The image download failed: ${outcome.message}`,
				attempts: attempt + 1,
				uncertain: false,
				timedOut: isTimeout(outcome.code, outcome.message),
				rateLimited: false,
			};
		}
		if (attempt >= policy.maxRetries) throw new ApiRequestError(failure);
		await pause(backoffMs(attempt, 500), policy.signal);
	}
}

/** A NodeApiError carrying only what the API said: never the request, so never the key. */
export function toNodeApiError(
	context: IExecuteFunctions,
	failure: ApiFailure,
	itemIndex: number,
	description: string,
	message: string,
): NodeApiError {
	const response: JsonObject = {
		message: failure.message,
		attempts: failure.attempts,
	};
	if (failure.code) response.code = failure.code;
	if (failure.statusCode) response.httpCode = String(failure.statusCode);
	const error = new NodeApiError(context.getNode(), response, {
		message,
		description,
		itemIndex,
		httpCode: failure.statusCode ? String(failure.statusCode) : undefined,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET …) for a generic
	// one; ours already says what happened and what to do.
	error.message = message;
	return error;
}
