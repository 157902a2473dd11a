import type { IExecuteFunctions } from 'n8n-workflow';

import { IMAGE_HEADER_BYTES } from '../../helpers/constants';
import { ApiRequestError } from '../../helpers/errors/failures';
import { InvalidInput } from '../../helpers/errors/nodeErrors';
import type { ModelRules } from '../../helpers/models';
import { checkImageBytes } from '../../helpers/request/referenceChecks';
import type { Dimensions } from '../../helpers/request/matchInput';
import type { Reference } from '../../helpers/request/referenceImages';
import { downloadImage } from '../../helpers/results/downloads';

/** Reading a link's first bytes: quick, and retried like any free download. */
const LINK_READ = { timeoutMs: 60_000, maxRetries: 2 };

const ADVICE =
	'Size "Match Input Image" reads the width and height from the start of the image. Check that ' +
	'the link is public and serves an image, give the image as binary data or a data URI, or ' +
	'choose another Size.';

/**
 * The size in pixels of the image a request edits (its first reference), for Size "Match Input
 * Image": read from its header when the node inspected it (binary data, data URIs); for a link,
 * from its first bytes, fetched once per link and execution (never the whole image, never with
 * the API key). The same checks as for any reference apply to what the header says.
 */
export class LinkSizes {
	private readonly read = new Map<string, Promise<Dimensions>>();

	constructor(private readonly context: IExecuteFunctions) {}

	async of(model: ModelRules, reference: Reference): Promise<Dimensions> {
		if (reference.width !== undefined && reference.height !== undefined) {
			return { width: reference.width, height: reference.height };
		}
		if (reference.kind !== 'text') {
			throw new InvalidInput(
				`${reference.label} does not say its width and height in its first ${IMAGE_HEADER_BYTES / 1024} KB`,
				ADVICE,
			);
		}
		const url = reference.value;
		let size = this.read.get(url);
		if (!size) {
			size = this.fetch(model, reference.label, url);
			this.read.set(url, size);
		}
		return await size;
	}

	private async fetch(model: ModelRules, label: string, url: string): Promise<Dimensions> {
		const policy = { ...LINK_READ, signal: this.context.getExecutionCancelSignal?.() };
		const head = await downloadImage(this.context, url, policy, async (download) => {
			download.stream?.destroy();
			return download.head;
		}).catch(async (error: unknown) => {
			if (!(error instanceof ApiRequestError)) return await Promise.reject(error);
			throw new InvalidInput(
				`${label} could not be read to match its size: ${error.failure.message}`,
				ADVICE,
			);
		});
		// Only the first bytes are here: the byte limit is the API's to check for a link.
		const { width, height } = checkImageBytes(model, label, head, head.length, undefined);
		if (width === undefined || height === undefined) {
			throw new InvalidInput(
				`${label} does not say its width and height in its first ${IMAGE_HEADER_BYTES / 1024} KB`,
				ADVICE,
			);
		}
		return { width, height };
	}
}
