import type { IDataObject, INodeExecutionData, IPairedItemData } from 'n8n-workflow';

import type { RequestCost } from './billing';
import type { ImageOutcome } from './downloads';
import type { ResultEntry } from './responseParsing';

/** What the output items of one request need to know about it. */
export interface ItemSource {
	itemIndexes: number[];
	prompt: string;
	/** Known when the request named pixels. */
	width?: number;
	height?: number;
	binaryPropertyOutput: string;
	downloadImages: boolean;
	inputJson: IDataObject;
	/** How the answer was had, when not simply paid for now. */
	reuse?: ReuseNote;
	/** What the request billed (nothing when reused), and its estimated cost. */
	cost: RequestCost;
	/** With Size "Match Input Image": the size of the image matched, and why the shape differs, if it does. */
	matched?: { input: string; clamped?: string };
	/** The seed sent, for models that take one: copied into a later run, it remakes the image. */
	seed?: number;
}

/**
 * An answer reused from an identical earlier request (when it was generated), or a reuse that
 * fell back to generating because the earlier links no longer downloaded (why).
 */
export type ReuseNote = { reusedFrom: number } | { fallback: string };

export function pairedItems(itemIndexes: number[]): IPairedItemData | IPairedItemData[] {
	return itemIndexes.length === 1
		? { item: itemIndexes[0] }
		: itemIndexes.map((item) => ({ item }));
}

/**
 * `banner.png`, `banner-2.png` … for a set; without a name, one that says which item and which
 * image it is. The extension is always the image's real one.
 */
export function fileNameFor(
	base: string,
	itemIndex: number,
	index: number,
	count: number,
	extension: string,
) {
	if (!base) return `seedream-item${itemIndex}-image${index}.${extension}`;
	const stem = base.replace(/\.(png|jpe?g|webp|gif|bmp|tiff?)$/i, '');
	return `${stem}${count > 1 ? `-${index + 1}` : ''}.${extension}`;
}

/** The images that failed inside an answer, as the output shows them. */
export function failureList(entries: ResultEntry[]): IDataObject[] {
	return entries
		.filter((entry): entry is ResultEntry & { kind: 'failed' } => entry.kind === 'failed')
		.map(({ index, code, message }) => (code ? { index, code, message } : { index, message }));
}

/** One output item per generated image, in the order the API returned them. */
export function imageItems(
	source: ItemSource,
	outcomes: ImageOutcome[],
	entries: ResultEntry[],
	usage: IDataObject | undefined,
): INodeExecutionData[] {
	const first = source.itemIndexes[0];
	const failed = failureList(entries);
	return outcomes.map(({ entry, binary, info, downloadError }) => {
		const width = info?.width ?? source.width;
		const height = info?.height ?? source.height;
		const json: IDataObject = {
			...source.inputJson,
			index: entry.index,
			count: entries.length,
			url: entry.kind === 'url' ? entry.url : undefined,
			size: width && height ? `${width}x${height}` : undefined,
			width,
			height,
			mimeType: info?.mimeType,
			fileName: binary?.fileName,
			prompt: source.prompt,
			seed: source.seed,
			itemIndex: first,
		};
		if (source.itemIndexes.length > 1) json.itemIndexes = source.itemIndexes;
		if (source.matched) {
			json.requestedSize = `${source.width}x${source.height}`;
			json.inputSize = source.matched.input;
			json.sizeNote = source.matched.clamped;
		}
		json.billedImages = source.cost.images;
		json.costUsd = source.cost.usd;
		if (usage) json.usage = usage;
		if (failed.length) json.failedImages = failed;
		if (downloadError) json.downloadError = downloadError;
		if (source.reuse && 'reusedFrom' in source.reuse) {
			json.reused = true;
			json.generatedAt = new Date(source.reuse.reusedFrom).toISOString();
		} else if (source.reuse) {
			json.reuseFallback = source.reuse.fallback;
		}
		if (!source.downloadImages && entry.kind === 'inline') {
			json.note =
				'The API returned this image inline; turn on Download Images to get it as binary data';
		}
		for (const key of Object.keys(json)) if (json[key] === undefined) delete json[key];
		const item: INodeExecutionData = { json, pairedItem: pairedItems(source.itemIndexes) };
		if (binary) item.binary = { [source.binaryPropertyOutput]: binary };
		return item;
	});
}

/**
 * With "continue on fail": one error item per input item of the failed request. For a model,
 * the message alone (it already says what to do): the description is written for people.
 */
export function errorItems(
	itemIndexes: number[],
	error: Error,
	forModel = false,
): INodeExecutionData[] {
	const description = (error as { description?: unknown }).description;
	return itemIndexes.map((item) => ({
		json:
			!forModel && typeof description === 'string' && description
				? { error: error.message, description }
				: { error: error.message },
		pairedItem: { item },
	}));
}
