import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { MAX_IMAGES_TOTAL, type ModelRules } from '../models';
import { encodeReference, type Reference } from './referenceImages';
import type { ResolvedSize } from './size';
import type { Tuning } from './tuning';

/** What one API request asks for, checked and ready: everything but the reference bytes. */
export interface GenerationRequest extends Tuning {
	model: ModelRules;
	prompt: string;
	size: ResolvedSize;
	watermark: boolean;
	sequentialImageGeneration: 'auto' | 'disabled';
	maxImages?: number;
	promptOptimizationMode?: string;
	references: Reference[];
}

/** The most images the request can bill: one, or the image set's Max Images (after the references). */
export function mostBilled(request: GenerationRequest): number {
	return request.sequentialImageGeneration === 'auto' ? (request.maxImages ?? MAX_IMAGES_TOTAL) : 1;
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

/**
 * The request's JSON fields, in the order they are sent. `prompt`, `size` and `watermark` always
 * go explicitly, so behaviour never depends on the API's defaults; the rest only where the
 * model's row takes them.
 */
export function requestFields(request: GenerationRequest): IDataObject {
	const { model } = request;
	const fields: IDataObject = { prompt: request.prompt };
	if (model.modelVersion) fields.model = model.modelVersion;
	fields.size = request.size.value;
	fields.watermark = request.watermark;
	if (model.imageSets) fields.sequential_image_generation = request.sequentialImageGeneration;
	if (request.maxImages !== undefined) {
		fields.sequential_image_generation_options = { max_images: request.maxImages };
	}
	if (request.promptOptimizationMode) {
		fields.optimize_prompt_options = { mode: request.promptOptimizationMode };
	}
	if (request.seed !== undefined) fields.seed = request.seed;
	if (request.guidanceScale !== undefined) fields.guidance_scale = request.guidanceScale;
	if (model.responseFormat) fields.response_format = model.responseFormat;
	return fields;
}

/**
 * The JSON body as bytes. Reference images are read and base64-encoded one at a time straight
 * into the body (under the model's own field name), so fourteen 10 MB references cost the
 * body's size in memory, not three times it.
 */
export async function buildRequestBody(
	context: IExecuteFunctions,
	request: GenerationRequest,
): Promise<Buffer> {
	const fields = JSON.stringify(requestFields(request));
	if (request.references.length === 0) return Buffer.from(fields, 'utf8');
	const estimate =
		fields.length +
		request.references.reduce(
			(total, reference) =>
				total +
				(reference.kind === 'binary'
					? Math.ceil(reference.bytes / 3) * 4 + 40
					: reference.value.length + 4),
			16,
		);
	const writer = new BodyWriter(estimate);
	writer.write(fields.slice(0, -1));
	writer.write(`,${JSON.stringify(request.model.referenceField)}:[`);
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
