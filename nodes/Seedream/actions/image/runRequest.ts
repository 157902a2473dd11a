import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { toolAnswer } from '../../helpers/agent/toolAnswer';
import type { ToolRun } from '../../helpers/agent/toolRun';
import { readImageInfo } from '../../helpers/binary/imageInfo';
import { ApiRequestError, makeFailure } from '../../helpers/errors/failures';
import { generateImages } from '../../helpers/pacing/generateImages';
import type { Limiter } from '../../helpers/pacing/limiter';
import type { RequestPolicy } from '../../helpers/pacing/retryPolicy';
import type { SpendingCap } from '../../helpers/pacing/spendingCap';
import { buildRequestBody, mostBilled } from '../../helpers/request/requestBody';
import type { Billing, RequestCost } from '../../helpers/results/billing';
import {
	probeImage,
	storeImage,
	type ImageEntry,
	type ImageOutcome,
} from '../../helpers/results/downloads';
import { fileNameFor, imageItems, type ReuseNote } from '../../helpers/results/outputItems';
import { parseResponse, type ResultEntry } from '../../helpers/results/responseParsing';
import type { PaidResults, Reused } from '../../helpers/reuse/paidResults';
import type { BatchControl } from '../batch';
import type { PreparedRequest } from './readRequest';

/** What every request of one execution shares. */
export interface ExecutionRun {
	context: IExecuteFunctions;
	baseUrl: string;
	policy: RequestPolicy;
	limiters: { items: Limiter; downloads: Limiter };
	toolRun: ToolRun;
	paid: PaidResults;
	cap: SpendingCap;
	billing: Billing;
	batch: BatchControl;
}

/** The images of one request: paid for now (and what that cost), or reused from an identical earlier request. */
interface Answer {
	entries: ResultEntry[];
	usage?: IDataObject;
	reused?: Reused;
	cost?: RequestCost;
}

/**
 * Sends the request once the spending cap holds room for the most it can bill, and keeps what it
 * paid for; rejects an answer of the wrong shape. The cap counts what the answer billed (failed
 * images of a set are not billed), or, when the node cannot know (a timeout, a lost connection,
 * an unreadable answer), the most the request could have billed.
 */
async function generate(
	run: ExecutionRun,
	request: PreparedRequest,
	url: string,
	body: Buffer,
	key: string | undefined,
): Promise<Answer> {
	const reservation = await run.cap.reserve(mostBilled(request));
	const policy = { ...run.policy, beforeResend: reservation.renew };
	const { body: response } = await generateImages(run.context, url, body, policy).catch(
		async (error: unknown) => {
			reservation.fail(error instanceof ApiRequestError && error.failure.uncertain);
			return await Promise.reject(error);
		},
	);
	const parsed = parseResponse(response);
	if ('shapeError' in parsed) {
		reservation.fail(true);
		throw new ApiRequestError(
			makeFailure({ code: 'UNEXPECTED_SHAPE', message: parsed.shapeError }),
		);
	}
	const billed = parsed.entries.filter((entry) => entry.kind !== 'failed').length;
	reservation.settle(billed);
	run.paid.remember(key, parsed);
	return { ...parsed, cost: run.billing.add(billed, request.model.usdPerImage) };
}

/**
 * The request's answer. The body (reference images included) is built only once this request
 * has its turn among the execution's items: memory holds the bodies of `concurrency` requests,
 * not of every item, and requests join the account's queue in item order. The body is also
 * what identifies the request, so an identical earlier one's result is looked up only then.
 */
async function answer(run: ExecutionRun, request: PreparedRequest, reuse = true): Promise<Answer> {
	const url = `${run.baseUrl}${request.model.path}`;
	const attempt = async (): Promise<Answer> => {
		const body = await buildRequestBody(run.context, request);
		const key = run.paid.keyOf(url, body);
		const reused = reuse ? run.paid.find(key) : undefined;
		if (reused) return { entries: reused.entries, usage: reused.result.usage, reused };
		return await generate(run, request, url, body, key);
	};
	return await run.limiters.items.run(
		async () =>
			await attempt().catch(async (error: unknown) => {
				run.batch.failed();
				return await Promise.reject(error);
			}),
	);
}

/** Downloads each image, or (links only) checks a reused link still serves its image. */
async function fetchImages(
	run: ExecutionRun,
	request: PreparedRequest,
	{ entries, reused }: Answer,
): Promise<ImageOutcome[]> {
	const { context, policy, limiters } = run;
	const images = entries.filter((entry): entry is ImageEntry => entry.kind !== 'failed');
	return await Promise.all(
		images.map(async (entry) => {
			if (!request.output.downloadImages) {
				if (reused && entry.kind === 'url')
					return await probeImage(context, entry, policy, limiters.downloads);
				return { entry, info: entry.kind === 'inline' ? readImageInfo(entry.bytes) : undefined };
			}
			const name = (info: { extension: string }) =>
				fileNameFor(
					request.output.fileName,
					request.itemIndexes[0],
					entry.index,
					entries.length,
					info.extension,
				);
			return await storeImage(context, entry, name, policy, limiters.downloads);
		}),
	);
}

function noImages(entries: ResultEntry[]): ApiRequestError {
	const failed = entries.find((entry) => entry.kind === 'failed');
	return new ApiRequestError(
		failed?.kind === 'failed'
			? makeFailure({ statusCode: 400, code: failed.code, message: failed.message })
			: makeFailure({ code: 'NO_IMAGES', message: 'The API answered without images' }),
	);
}

/**
 * One request from prepared parameters to output items. A reused result whose links no longer
 * download (expired early, deleted) is dropped and the request paid for anew, once: reuse never
 * costs an item.
 */
export async function runRequest(
	run: ExecutionRun,
	request: PreparedRequest,
): Promise<INodeExecutionData[]> {
	let result = await answer(run, request);
	let outcomes = await fetchImages(run, request, result);
	let reuse: ReuseNote | undefined;
	const broken = outcomes.find((outcome) => outcome.downloadError);
	if (result.reused && broken) {
		run.paid.forget(result.reused);
		reuse = {
			fallback: `An identical earlier request's images no longer download (${broken.downloadError}): generated anew`,
		};
		result = await answer(run, request, false);
		outcomes = await fetchImages(run, request, result);
	} else if (result.reused) {
		reuse = { reusedFrom: result.reused.result.generatedAt };
	}
	const { entries, usage } = result;
	const cost = result.cost ?? { images: 0, usd: 0 };
	if (outcomes.length === 0) throw noImages(entries);

	const { output } = request;
	if (output.downloadImages && outcomes.every((outcome) => !outcome.binary)) {
		throw new ApiRequestError(
			makeFailure({
				code: 'NOT_DOWNLOADED',
				message: `Seedream generated ${outcomes.length} image(s), but none could be downloaded: ${outcomes[0].downloadError}`,
				paidLinks: outcomes.flatMap(({ entry }) => (entry.kind === 'url' ? [entry.url] : [])),
			}),
		);
	}
	if (run.toolRun)
		return [toolAnswer({ ...request, reuse, imagesLeft: run.cap.remaining }, outcomes, entries)];
	return imageItems(
		{
			itemIndexes: request.itemIndexes,
			prompt: request.prompt,
			seed: request.seed,
			width: request.size.width,
			height: request.size.height,
			binaryPropertyOutput: output.binaryPropertyOutput,
			downloadImages: output.downloadImages,
			inputJson: output.includeInputJson
				? run.context.getInputData()[request.itemIndexes[0]].json
				: {},
			reuse,
			cost,
			matched: request.size.input && {
				input: `${request.size.input.width}x${request.size.input.height}`,
				clamped: request.size.clamped,
			},
		},
		outcomes,
		entries,
		usage,
	);
}
