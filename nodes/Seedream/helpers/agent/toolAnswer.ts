import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import type { ImageOutcome } from '../results/downloads';
import { pairedItems, type ReuseNote } from '../results/outputItems';
import type { ResultEntry } from '../results/responseParsing';
import type { ResolvedSize } from '../request/size';

/** What the answer needs to know about its request. */
export interface AnswerSource {
	itemIndexes: number[];
	size: ResolvedSize;
	reuse?: ReuseNote;
	/** With a spending cap: how many more images this execution may have billed. */
	imagesLeft?: number;
	/** The seed sent, for models that take one: the model can pass it again to remake the image. */
	seed?: number;
}

const MIME_BY_EXTENSION: Record<string, string> = {
	png: 'image/png',
	jpg: 'image/jpeg',
	jpeg: 'image/jpeg',
	webp: 'image/webp',
	gif: 'image/gif',
	bmp: 'image/bmp',
	tif: 'image/tiff',
	tiff: 'image/tiff',
};

/** The type a link names by its extension (`…/abc.png?X-Expires=…`); nothing is fetched. */
export function mimeTypeFromLink(url: string): string | undefined {
	const path = url.split(/[?#]/)[0];
	const extension = /\.([a-z]+)$/i.exec(path)?.[1].toLowerCase();
	return extension ? MIME_BY_EXTENSION[extension] : undefined;
}

/** Enough for the API's reason; a whole error page would only fill the model's context. */
export const MAX_REASON_LENGTH = 200;

function reasonOf(code: string | undefined, message: string): string {
	const reason = code ? `${code}: ${message}` : message;
	return reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
}

const LINKS_NOTE =
	'The links expire in about 24 hours: give them to the user as they are. Each image was billed: reuse these links instead of calling again for the same images.';

const FAILED_NOTE = 'Failed images are not billed.';

function reusedNote(generatedAt: number): string {
	return (
		`Nothing was billed for this call: these are the images of an identical earlier call, made at ${new Date(generatedAt).toISOString()}. ` +
		'Their links expire about 24 hours after that: give them to the user as they are.'
	);
}

function capNote(imagesLeft: number): string {
	return imagesLeft > 0
		? `The workflow's spending cap allows ${imagesLeft} more image(s) in this run.`
		: "The workflow's spending cap allows no more images in this run: do not call this tool again.";
}

function inlineNote(count: number): string {
	return (
		`${count} image(s) came back as data without a link, which n8n cannot pass to an agent. ` +
		'They were billed: do not call again for them; tell the user to run the Seedream node outside the agent to get them as files.'
	);
}

/**
 * The answer an AI agent's model reads for one request (n8n sends it the item's JSON): what was
 * made, as links with size and type, what failed and why, and what to do next. Nothing else: no
 * base64, no prompt (the model wrote it), no file names or item indexes, which serve people.
 */
export function toolAnswer(
	source: AnswerSource,
	outcomes: ImageOutcome[],
	entries: ResultEntry[],
): INodeExecutionData {
	const requested = source.size.width
		? `${source.size.width}x${source.size.height}`
		: source.size.value;
	const images = outcomes.map(({ entry, info }): IDataObject => {
		const size = info ? `${info.width}x${info.height}` : requested;
		if (entry.kind === 'url') {
			const mimeType = info?.mimeType ?? mimeTypeFromLink(entry.url);
			return mimeType ? { url: entry.url, size, mimeType } : { url: entry.url, size };
		}
		return info ? { size, mimeType: info.mimeType } : { size };
	});
	const failed = entries.flatMap((entry) =>
		entry.kind === 'failed'
			? [{ image: entry.index + 1, reason: reasonOf(entry.code, entry.message) }]
			: [],
	);
	const inline = outcomes.filter(({ entry }) => entry.kind === 'inline').length;
	const json: IDataObject = { generated: outcomes.length, images };
	if (source.seed !== undefined) json.seed = source.seed;
	if (failed.length) json.failed = failed;
	const reusedFrom =
		source.reuse && 'reusedFrom' in source.reuse ? source.reuse.reusedFrom : undefined;
	if (reusedFrom !== undefined) json.reused = true;
	const notes = [
		failed.length && reusedFrom === undefined ? FAILED_NOTE : '',
		inline ? inlineNote(inline) : '',
		reusedFrom !== undefined ? reusedNote(reusedFrom) : inline < outcomes.length ? LINKS_NOTE : '',
		source.imagesLeft !== undefined ? capNote(source.imagesLeft) : '',
	];
	json.note = notes.filter(Boolean).join(' ');
	return { json, pairedItem: pairedItems(source.itemIndexes) };
}
