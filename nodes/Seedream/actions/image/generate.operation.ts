import type {
	IBinaryData,
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	IPairedItemData,
} from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import {
	DEFAULT_CONCURRENCY,
	DEFAULT_MAX_RETRIES,
	DEFAULT_TIMEOUT_SECONDS,
	IMAGE_HEADER_BYTES,
	MAX_CONCURRENCY,
	MAX_IMAGES_TOTAL,
} from '../../helpers/constants';
import { adviseOnApiFailure } from '../../helpers/errorAdvice';
import { readImageInfo, type ImageInfo } from '../../helpers/imageInfo';
import { asNodeError } from '../../helpers/nodeErrors';
import { Limiter } from '../../helpers/limiter';
import {
	checkReferenceCount,
	encodeReference,
	inspectReferences,
	type Reference,
} from '../../helpers/referenceImages';
import { parseResponse, ResponseShapeError, type ResultEntry } from '../../helpers/responseParsing';
import { resolveSize, SizeError, type ResolvedSize } from '../../helpers/size';
import {
	ApiRequestError,
	downloadImage,
	generateImages,
	toNodeApiError,
	type RequestPolicy,
} from '../../transport';

export { description } from './generate.description';

/** Settings of the whole execution, read from the first item. */
export interface ExecutionSettings {
	combineItems: boolean;
	concurrency: number;
	maxRetries: number;
	timeoutSeconds: number;
	retryUncertain: boolean;
}

export function readExecutionSettings(context: IExecuteFunctions): ExecutionSettings {
	const option = <T>(name: string, fallback: T): T =>
		context.getNodeParameter(`options.${name}`, 0, fallback) as T;
	const clamp = (value: number, min: number, max: number, fallback: number) =>
		Number.isFinite(value) ? Math.min(max, Math.max(min, Math.floor(value))) : fallback;
	return {
		combineItems: option('combineItems', false),
		concurrency: clamp(option('concurrency', DEFAULT_CONCURRENCY), 1, MAX_CONCURRENCY, DEFAULT_CONCURRENCY),
		maxRetries: clamp(option('maxRetries', DEFAULT_MAX_RETRIES), 0, 10, DEFAULT_MAX_RETRIES),
		timeoutSeconds: clamp(option('timeout', DEFAULT_TIMEOUT_SECONDS), 1, 24 * 3600, DEFAULT_TIMEOUT_SECONDS),
		retryUncertain: option('retryUncertain', false),
	};
}

interface OutputSettings {
	downloadImages: boolean;
	binaryPropertyOutput: string;
	fileName: string;
	includeInputJson: boolean;
}

/** One API request, checked and ready to send: everything but the reference bytes. */
export interface PreparedRequest {
	itemIndexes: number[];
	prompt: string;
	size: ResolvedSize;
	watermark: boolean;
	sequentialImageGeneration: 'auto' | 'disabled';
	maxImages?: number;
	promptOptimizationMode?: string;
	references: Reference[];
	output: OutputSettings;
}

function operationError(
	context: IExecuteFunctions,
	itemIndex: number,
	message: string,
	description?: string,
): NodeOperationError {
	return new NodeOperationError(context.getNode(), message, { itemIndex, description });
}

/**
 * Reads and checks one request's parameters and references. Runs for every item before any
 * request is sent, so bad input never costs a paid request.
 */
export async function prepareRequest(
	context: IExecuteFunctions,
	itemIndexes: number[],
	toolMode: boolean,
): Promise<PreparedRequest> {
	const items = context.getInputData();
	const first = itemIndexes[0];
	const parameter = <T>(name: string, fallback?: T): T =>
		context.getNodeParameter(name, first, fallback) as T;

	const promptValue = parameter<unknown>('prompt', '');
	const prompt = typeof promptValue === 'string' ? promptValue.trim() : '';
	if (prompt === '') {
		throw operationError(
			context,
			first,
			typeof promptValue === 'string'
				? 'The prompt is empty: expected a description of the image to generate'
				: `The prompt must be text, found ${Array.isArray(promptValue) ? 'an array' : typeof promptValue}`,
			'Fill in "Prompt", or check that the expression in it resolves to text for every item.',
		);
	}

	let size: ResolvedSize;
	try {
		size = resolveSize({
			size: parameter('size', '2K'),
			aspectRatio: parameter('aspectRatio', '1:1'),
			resolution: parameter('resolution', '2K'),
			width: parameter('width', 2048),
			height: parameter('height', 2048),
		});
	} catch (error) {
		throw error instanceof SizeError
			? operationError(context, first, error.message)
			: asNodeError(context.getNode(), error, first);
	}

	const mode = parameter<string>('referenceImages', 'none');
	const references: Reference[] = [];
	for (const itemIndex of itemIndexes) {
		references.push(...(await inspectReferences(context, itemIndex, items[itemIndex], mode)));
	}
	checkReferenceCount(context, first, references.length, itemIndexes.length > 1);

	const sequential = parameter<string>('sequentialImageGeneration', 'disabled');
	if (sequential !== 'auto' && sequential !== 'disabled') {
		throw operationError(context, first, `Unknown image set mode "${sequential}": expected auto or disabled`);
	}
	let maxImages: number | undefined;
	if (sequential === 'auto') {
		const asked = Number(parameter('maxImages', MAX_IMAGES_TOTAL));
		if (!Number.isInteger(asked) || asked < 1 || asked > MAX_IMAGES_TOTAL) {
			throw operationError(
				context,
				first,
				`Max Images must be a whole number from 1 to ${MAX_IMAGES_TOTAL}, found ${asked}`,
			);
		}
		// References count toward the API's total of 15 images per request.
		maxImages = Math.min(asked, MAX_IMAGES_TOTAL - references.length);
	}

	const optimization = parameter<string>('options.promptOptimizationMode', '');
	return {
		itemIndexes,
		prompt,
		size,
		watermark: parameter('watermark', true),
		sequentialImageGeneration: sequential,
		maxImages,
		promptOptimizationMode: optimization || undefined,
		references,
		output: {
			// An AI agent gets links and metadata: binary data would only flood its context.
			downloadImages: !toolMode && parameter('options.downloadImages', true),
			binaryPropertyOutput: parameter<string>('options.binaryPropertyOutput', 'data').trim() || 'data',
			fileName: String(parameter('options.fileName', '') ?? '').trim(),
			includeInputJson: parameter('options.includeInputJson', false),
		},
	};
}

/** Writes a body of known size in place, growing only if the estimate was short. */
class BodyWriter {
	private buffer: Buffer;

	private length = 0;

	constructor(estimate: number) {
		this.buffer = Buffer.allocUnsafe(Math.max(estimate, 256));
	}

	write(text: string): void {
		const needed = Buffer.byteLength(text, 'utf8');
		if (this.length + needed > this.buffer.length) {
			const grown = Buffer.allocUnsafe(Math.max(this.length + needed, this.buffer.length * 1.5));
			this.buffer.copy(grown, 0, 0, this.length);
			this.buffer = grown;
		}
		this.length += this.buffer.write(text, this.length, 'utf8');
	}

	result(): Buffer {
		return this.buffer.subarray(0, this.length);
	}
}

/** The request's JSON fields, in the order they are sent. */
export function requestFields(request: PreparedRequest): IDataObject {
	const fields: IDataObject = {
		prompt: request.prompt,
		size: request.size.value,
		watermark: request.watermark,
		sequential_image_generation: request.sequentialImageGeneration,
	};
	if (request.maxImages !== undefined) {
		fields.sequential_image_generation_options = { max_images: request.maxImages };
	}
	if (request.promptOptimizationMode) {
		fields.optimize_prompt_options = { mode: request.promptOptimizationMode };
	}
	return fields;
}

/**
 * The JSON body as bytes. Reference images are read and base64-encoded one at a time straight
 * into the body, so fourteen 10 MB references cost the body's size in memory, not three times it.
 */
export async function buildRequestBody(
	context: IExecuteFunctions,
	request: PreparedRequest,
): Promise<Buffer> {
	const fields = JSON.stringify(requestFields(request));
	if (request.references.length === 0) return Buffer.from(fields, 'utf8');
	const estimate =
		fields.length +
		request.references.reduce(
			(total, reference) => total + (reference.kind === 'binary' ? Math.ceil(reference.bytes / 3) * 4 + 40 : reference.value.length + 4),
			16,
		);
	const writer = new BodyWriter(estimate);
	writer.write(fields.slice(0, -1));
	writer.write(',"image":[');
	for (const [position, reference] of request.references.entries()) {
		if (position > 0) writer.write(',');
		const encoded = await encodeReference(context, reference);
		if ('text' in encoded) {
			writer.write(JSON.stringify(encoded.text));
		} else {
			writer.write(`"${encoded.prefix}`);
			writer.write(encoded.bytes.toString('base64'));
			writer.write('"');
		}
	}
	writer.write(']}');
	return writer.result();
}

function pairedItems(request: PreparedRequest): IPairedItemData | IPairedItemData[] {
	return request.itemIndexes.length === 1
		? { item: request.itemIndexes[0] }
		: request.itemIndexes.map((item) => ({ item }));
}

function fileNameFor(base: string, itemIndex: number, index: number, count: number, extension: string) {
	if (!base) return `seedream-item${itemIndex}-image${index}.${extension}`;
	const stem = base.replace(/\.(png|jpe?g|webp|gif|bmp|tiff?)$/i, '');
	return `${stem}${count > 1 ? `-${index + 1}` : ''}.${extension}`;
}

interface ImageOutcome {
	entry: ResultEntry & { kind: 'url' | 'inline' };
	binary?: IBinaryData;
	info?: ImageInfo;
	downloadError?: string;
}

async function storeImage(
	context: IExecuteFunctions,
	request: PreparedRequest,
	entry: ResultEntry & { kind: 'url' | 'inline' },
	count: number,
	policy: RequestPolicy,
	downloads: Limiter,
): Promise<ImageOutcome> {
	if (!request.output.downloadImages) {
		return { entry, info: entry.kind === 'inline' ? readImageInfo(entry.bytes) : undefined };
	}
	const named = (info: ImageInfo) =>
		fileNameFor(request.output.fileName, request.itemIndexes[0], entry.index, count, info.extension);
	if (entry.kind === 'inline') {
		const info = readImageInfo(entry.bytes);
		if (!info) return { entry, downloadError: 'The API returned inline data that is not an image' };
		const binary = await context.helpers.prepareBinaryData(entry.bytes, named(info), info.mimeType);
		return { entry, binary, info };
	}
	return await downloads.run(async () => {
		try {
			return await downloadImage(context, entry.url, policy, IMAGE_HEADER_BYTES, async (download) => {
				const info = readImageInfo(download.head);
				if (!info) {
					download.stream?.destroy();
					return { entry, downloadError: 'The image link returned something that is not an image' };
				}
				// Streamed into n8n's binary storage: the image never sits whole in memory.
				const binary = await context.helpers.prepareBinaryData(
					(download.stream ?? download.head) as Buffer,
					named(info),
					info.mimeType,
				);
				return { entry, binary, info };
			});
		} catch (error) {
			if (error instanceof ApiRequestError) return { entry, downloadError: error.message };
			throw asNodeError(context.getNode(), error, request.itemIndexes[0]);
		}
	});
}

function failureList(entries: ResultEntry[]): IDataObject[] {
	return entries
		.filter((entry): entry is ResultEntry & { kind: 'failed' } => entry.kind === 'failed')
		.map(({ index, code, message }) => (code ? { index, code, message } : { index, message }));
}

/** Sends one prepared request and turns its images into output items. */
export async function runRequest(
	context: IExecuteFunctions,
	request: PreparedRequest,
	baseUrl: string,
	policy: RequestPolicy,
	downloads: Limiter,
	timeoutSeconds: number,
): Promise<INodeExecutionData[]> {
	const first = request.itemIndexes[0];
	const apiError = (failure: ApiRequestError['failure']) => {
		const advice = adviseOnApiFailure(failure, timeoutSeconds);
		return toNodeApiError(context, failure, first, advice.description, advice.message);
	};

	let body: unknown;
	try {
		// The body (reference images included) is built only once this request has its turn:
		// memory holds the bodies of the requests in flight, not of every item, and requests
		// start in item order.
		({ body } = await policy.limiter.run(async () => {
			const requestBody = await buildRequestBody(context, request);
			return await generateImages(context, baseUrl, requestBody, policy);
		}));
	} catch (error) {
		throw error instanceof ApiRequestError
			? apiError(error.failure)
			: asNodeError(context.getNode(), error, first);
	}

	let parsed;
	try {
		parsed = parseResponse(body);
	} catch (error) {
		if (!(error instanceof ResponseShapeError)) throw asNodeError(context.getNode(), error, first);
		throw new NodeApiError(
			context.getNode(),
			{ message: error.message },
			{
				message: `Seedream answered in an unexpected shape: ${error.message}`,
				description: 'Check that the Base URL in the credential points at a Seedream 4.5 API.',
				itemIndex: first,
			},
		);
	}
	const { entries, usage } = parsed;
	const failed = failureList(entries);
	const images = entries.filter(
		(entry): entry is ResultEntry & { kind: 'url' | 'inline' } => entry.kind !== 'failed',
	);
	if (images.length === 0) {
		const firstFailure = failed[0];
		const advice = firstFailure
			? adviseOnApiFailure(
					{
						code: firstFailure.code as string | undefined,
						statusCode: 400,
						message: String(firstFailure.message),
						attempts: 1,
						uncertain: false,
						timedOut: false,
						rateLimited: false,
					},
					timeoutSeconds,
				)
			: undefined;
		throw new NodeApiError(
			context.getNode(),
			{ message: 'no images', failedImages: failed.length },
			{
				message: firstFailure
					? `Seedream generated no image: ${advice?.message}`
					: 'Seedream returned no images for this request',
				description: firstFailure
					? advice?.description
					: 'The API answered without images. Try again, or rephrase the prompt.',
				itemIndex: first,
			},
		);
	}

	const outcomes = await Promise.all(
		images.map(async (entry) => await storeImage(context, request, entry, entries.length, policy, downloads)),
	);
	if (request.output.downloadImages && outcomes.every((outcome) => !outcome.binary)) {
		const links = images
			.filter((image): image is ResultEntry & { kind: 'url' } => image.kind === 'url')
			.map((image) => image.url);
		throw new NodeApiError(
			context.getNode(),
			{ message: outcomes[0].downloadError ?? 'download failed' },
			{
				message: `Seedream generated ${images.length} image(s), but none could be downloaded: ${outcomes[0].downloadError}`,
				description:
					(links.length ? `The links, valid for about 24 hours: ${links.join(' ')}. ` : '') +
					'Turn off Options → Download Images to get the links without downloading.',
				itemIndex: first,
			},
		);
	}

	const inputJson = request.output.includeInputJson ? context.getInputData()[first].json : {};
	return outcomes.map(({ entry, binary, info, downloadError }) => {
		const width = info?.width ?? request.size.width;
		const height = info?.height ?? request.size.height;
		const json: IDataObject = {
			...inputJson,
			index: entry.index,
			count: entries.length,
			url: entry.kind === 'url' ? entry.url : undefined,
			size: width && height ? `${width}x${height}` : undefined,
			width,
			height,
			mimeType: info?.mimeType,
			fileName: binary?.fileName,
			prompt: request.prompt,
			itemIndex: first,
		};
		if (request.itemIndexes.length > 1) json.itemIndexes = request.itemIndexes;
		if (usage) json.usage = usage;
		if (failed.length) json.failedImages = failed;
		if (downloadError) json.downloadError = downloadError;
		if (!request.output.downloadImages && entry.kind === 'inline') {
			json.note = 'The API returned this image inline; turn on Download Images to get it as binary data';
		}
		for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
		const item: INodeExecutionData = { json, pairedItem: pairedItems(request) };
		if (binary) item.binary = { [request.output.binaryPropertyOutput]: binary };
		return item;
	});
}
