import type { IBinaryData, IExecuteFunctions } from 'n8n-workflow';

import { errorCode, isTimeout, send } from '../../transport';
import { IMAGE_HEADER_BYTES } from '../constants';
import { ApiRequestError, makeFailure, type ApiFailure } from '../errors/failures';
import { readImageInfo, type ImageInfo } from '../binary/imageInfo';
import type { Limiter } from '../pacing/limiter';
import { pause } from '../pacing/pause';
import type { ResultEntry } from './responseParsing';
import { backoffMs, isRetryableStatus, type RequestPolicy } from '../pacing/retryPolicy';
import { peek, readUpTo, type Peeked, type ReadableBody } from '../binary/streams';

export type ImageEntry = ResultEntry & { kind: 'url' | 'inline' };

/** One generated image after the node tried to store it. */
export interface ImageOutcome {
	entry: ImageEntry;
	binary?: IBinaryData;
	info?: ImageInfo;
	downloadError?: string;
}

function isStreamFailure(error: unknown): boolean {
	const code = errorCode(error);
	return (
		code === 'ECONNRESET' ||
		code === 'ERR_STREAM_PREMATURE_CLOSE' ||
		/^aborted$|socket hang up/i.test((error as Error)?.message ?? '')
	);
}

/** A failed answer of the storage host: an expired link says so. */
async function downloadFailure(
	statusCode: number,
	stream: ReadableBody,
	attempts: number,
): Promise<ApiFailure> {
	const text = (await readUpTo(stream, 2000).catch(() => Buffer.alloc(0))).toString('utf8');
	const expired = statusCode === 403 && /expire|AccessDenied/i.test(text);
	return makeFailure({
		statusCode,
		code: expired ? 'LINK_EXPIRED' : `HTTP_${statusCode}`,
		message: expired
			? 'The image link has expired or was refused by the storage host'
			: `The image download answered HTTP ${statusCode}`,
		attempts,
		rateLimited: statusCode === 429,
	});
}

/**
 * GET a result image. Result links are presigned storage URLs: they get no Authorization
 * header (the key belongs to the API host only). Downloads are free, so every transient
 * failure is retried, including a body that breaks off while `consume` stores it. The body is
 * handed over as a stream so that n8n can write it to its binary storage without holding the
 * image in memory.
 */
export async function downloadImage<T>(
	context: IExecuteFunctions,
	url: string,
	policy: Pick<RequestPolicy, 'timeoutMs' | 'maxRetries' | 'signal'>,
	consume: (download: Peeked) => Promise<T>,
): Promise<T> {
	for (let attempt = 0; ; attempt++) {
		const attempts = attempt + 1;
		const outcome = await send(
			context,
			{ method: 'GET', url, encoding: 'stream', timeout: policy.timeoutMs },
			undefined,
			policy.signal,
		);
		let failure: ApiFailure;
		if (outcome.type === 'cancelled') {
			throw new ApiRequestError(
				makeFailure({
					code: 'CANCELLED',
					message: 'The execution was cancelled during a download',
					attempts,
				}),
			);
		} else if (outcome.type === 'network') {
			failure = makeFailure({
				code: outcome.code,
				message: `The image download failed: ${outcome.message}`,
				attempts,
				timedOut: isTimeout(outcome.code, outcome.message),
			});
		} else if (outcome.statusCode < 200 || outcome.statusCode >= 300) {
			failure = await downloadFailure(outcome.statusCode, outcome.body as ReadableBody, attempts);
			if (!isRetryableStatus(outcome.statusCode) && outcome.statusCode !== 408)
				throw new ApiRequestError(failure);
		} else {
			const stream = outcome.body as ReadableBody;
			let broken: unknown;
			stream.once('error', (error: unknown) => (broken ??= error));
			stream.once('aborted', () => (broken ??= new Error('aborted')));
			const stored = await peek(stream, IMAGE_HEADER_BYTES)
				.then(consume)
				.then(
					(value) => ({ value }),
					(error: unknown) => ({ error }),
				);
			if ('value' in stored) return stored.value;
			// An error of the consumer's own (a full disk) is not ours to retry.
			if (!broken && !isStreamFailure(stored.error)) throw stored.error;
			failure = makeFailure({
				code: errorCode(broken ?? stored.error),
				message: `The download broke off: ${((broken ?? stored.error) as Error).message}`,
				attempts,
			});
		}
		if (attempt >= policy.maxRetries) throw new ApiRequestError(failure);
		await pause(backoffMs(attempt, 500), policy.signal);
	}
}

/** A download that failed is reported on its image, not thrown: the image was paid for. */
async function reported(
	entry: ImageEntry,
	attempt: () => Promise<ImageOutcome>,
): Promise<ImageOutcome> {
	return await attempt().catch((error: unknown) => {
		if (error instanceof ApiRequestError && error.failure.code !== 'CANCELLED') {
			return { entry, downloadError: error.message };
		}
		return Promise.reject(error);
	});
}

/**
 * Stores one generated image as n8n binary data: inline bytes as they are, a link downloaded
 * and streamed into n8n's binary storage (the image never sits whole in memory). A link that
 * cannot be downloaded is reported, not thrown: the image was paid for, its link still counts.
 */
export async function storeImage(
	context: IExecuteFunctions,
	entry: ImageEntry,
	fileName: (info: ImageInfo) => string,
	policy: RequestPolicy,
	downloads: Limiter,
): Promise<ImageOutcome> {
	if (entry.kind === 'inline') {
		const info = readImageInfo(entry.bytes);
		if (!info) return { entry, downloadError: 'The API returned inline data that is not an image' };
		const binary = await context.helpers.prepareBinaryData(
			entry.bytes,
			fileName(info),
			info.mimeType,
		);
		return { entry, binary, info };
	}
	const store = async (download: Peeked): Promise<ImageOutcome> => {
		const info = readImageInfo(download.head);
		if (!info) {
			download.stream?.destroy();
			return { entry, downloadError: 'The image link returned something that is not an image' };
		}
		const binary = await context.helpers.prepareBinaryData(
			(download.stream ?? download.head) as Buffer,
			fileName(info),
			info.mimeType,
		);
		return { entry, binary, info };
	};
	return await downloads.run(
		async () =>
			await reported(entry, async () => await downloadImage(context, entry.url, policy, store)),
	);
}

/**
 * Checks that a link still serves an image, reading only its first bytes: what a reused link
 * must pass when the node hands out links without downloading them. Says the image's format
 * and size on the way.
 */
export async function probeImage(
	context: IExecuteFunctions,
	entry: ImageEntry & { kind: 'url' },
	policy: RequestPolicy,
	downloads: Limiter,
): Promise<ImageOutcome> {
	const look = async (download: Peeked): Promise<ImageOutcome> => {
		download.stream?.destroy();
		const info = readImageInfo(download.head);
		return info
			? { entry, info }
			: { entry, downloadError: 'The image link returned something that is not an image' };
	};
	return await downloads.run(
		async () =>
			await reported(entry, async () => await downloadImage(context, entry.url, policy, look)),
	);
}
