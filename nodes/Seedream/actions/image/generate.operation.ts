import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { failurePolicy, prepareAll, runAll } from '../batch';
import { CREDENTIAL_TYPE, DEFAULT_BASE_URL, DOWNLOAD_CONCURRENCY } from '../../helpers/constants';
import { storeImage, type ImageEntry } from '../../helpers/results/downloads';
import type { AdviceContext } from '../../helpers/errors/errorAdvice';
import { ApiRequestError, makeFailure } from '../../helpers/errors/failures';
import { generateImages } from '../../helpers/pacing/generateImages';
import { readImageInfo } from '../../helpers/binary/imageInfo';
import { leaseBudget } from '../../helpers/pacing/accountBudgets';
import { Limiter } from '../../helpers/pacing/limiter';
import { DEFAULT_MODEL, isModelId, MODELS } from '../../helpers/models';
import { readExecutionSettings } from '../../helpers/options';
import { fileNameFor, imageItems } from '../../helpers/results/outputItems';
import { buildRequestBody } from '../../helpers/request/requestBody';
import { parseResponse } from '../../helpers/results/responseParsing';
import type { RequestPolicy } from '../../helpers/pacing/retryPolicy';
import { toolAnswer } from '../../helpers/agent/toolAnswer';
import { toolRunOf, type ToolRun } from '../../helpers/agent/toolRun';
import { normaliseBaseUrl } from '../../transport';
import { readRequest, type PreparedRequest } from './generate.parameters';

export { description } from './generate.description';

/** Sends one prepared request and turns its images into output items. */
async function runRequest(
	context: IExecuteFunctions,
	request: PreparedRequest,
	baseUrl: string,
	policy: RequestPolicy,
	limiters: { items: Limiter; downloads: Limiter },
	toolRun: ToolRun,
): Promise<INodeExecutionData[]> {
	const { downloads } = limiters;
	// The body (reference images included) is built only once this request has its turn among
	// the execution's items: memory holds the bodies of `concurrency` requests, not of every
	// item, and requests join the account's queue in item order.
	const { body } = await limiters.items.run(async () =>
		generateImages(
			context,
			`${baseUrl}${request.model.path}`,
			await buildRequestBody(context, request),
			policy,
		),
	);
	const parsed = parseResponse(body);
	if ('shapeError' in parsed)
		throw new ApiRequestError(
			makeFailure({ code: 'UNEXPECTED_SHAPE', message: parsed.shapeError }),
		);
	const { entries, usage } = parsed;
	const images = entries.filter((entry): entry is ImageEntry => entry.kind !== 'failed');
	if (images.length === 0) {
		const failed = entries.find((entry) => entry.kind === 'failed');
		throw new ApiRequestError(
			failed?.kind === 'failed'
				? makeFailure({ statusCode: 400, code: failed.code, message: failed.message })
				: makeFailure({ code: 'NO_IMAGES', message: 'The API answered without images' }),
		);
	}

	const { output } = request;
	const outcomes = await Promise.all(
		images.map(async (entry) => {
			if (!output.downloadImages)
				return { entry, info: entry.kind === 'inline' ? readImageInfo(entry.bytes) : undefined };
			const name = (info: { extension: string }) =>
				fileNameFor(
					output.fileName,
					request.itemIndexes[0],
					entry.index,
					entries.length,
					info.extension,
				);
			return await storeImage(context, entry, name, policy, downloads);
		}),
	);
	if (output.downloadImages && outcomes.every((outcome) => !outcome.binary)) {
		throw new ApiRequestError(
			makeFailure({
				code: 'NOT_DOWNLOADED',
				message: `Seedream generated ${images.length} image(s), but none could be downloaded: ${outcomes[0].downloadError}`,
				paidLinks: images.flatMap((image) => (image.kind === 'url' ? [image.url] : [])),
			}),
		);
	}
	if (toolRun) return [toolAnswer(request, outcomes, entries)];
	return imageItems(
		{
			itemIndexes: request.itemIndexes,
			prompt: request.prompt,
			width: request.size.width,
			height: request.size.height,
			binaryPropertyOutput: output.binaryPropertyOutput,
			downloadImages: output.downloadImages,
			inputJson: output.includeInputJson ? context.getInputData()[request.itemIndexes[0]].json : {},
		},
		outcomes,
		entries,
		usage,
	);
}

/**
 * Image → Generate for the whole batch: every request is read and checked before the first is
 * sent; then requests run `concurrency` at a time, and the output keeps the input order.
 */
export async function execute(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
): Promise<INodeExecutionData[]> {
	if (items.length === 0) return [];
	const settings = readExecutionSettings(this);
	const toolRun = toolRunOf(this);
	const onFailure = failurePolicy(this, toolRun);
	const groups = settings.combineItems
		? [items.map((_, index) => index)]
		: items.map((_, index) => [index]);
	const adviceFor = (group: number[]): AdviceContext => {
		const model = this.getNodeParameter('model', group[0], DEFAULT_MODEL);
		return {
			timeoutSeconds: settings.timeoutSeconds,
			modelName: MODELS[isModelId(model) ? model : DEFAULT_MODEL].name,
			forModel: toolRun !== undefined,
		};
	};

	const prepared = await prepareAll(
		this,
		groups,
		async (group) => await readRequest(this, group, toolRun !== undefined),
		adviceFor,
		onFailure,
	);

	const credentials = await this.getCredentials(CREDENTIAL_TYPE);
	const baseUrl = normaliseBaseUrl(credentials.baseUrl || DEFAULT_BASE_URL);
	// Every execution in this process using the same account shares its rate budget.
	const lease = leaseBudget(baseUrl, String(credentials.apiKey ?? ''), settings.concurrency);
	const policy: RequestPolicy = {
		timeoutMs: settings.timeoutSeconds * 1000,
		maxRetries: settings.maxRetries,
		retryUncertain: settings.retryUncertain,
		budget: lease.budget,
		signal: this.getExecutionCancelSignal(),
	};
	const limiters = {
		items: new Limiter(settings.concurrency),
		downloads: new Limiter(DOWNLOAD_CONCURRENCY),
	};
	try {
		return await runAll(
			this,
			prepared,
			groups,
			async (request, stopped) =>
				await runRequest(
					this,
					request,
					baseUrl,
					{ ...policy, isStopped: stopped },
					limiters,
					toolRun,
				),
			adviceFor,
			onFailure,
		);
	} finally {
		lease.release();
	}
}
