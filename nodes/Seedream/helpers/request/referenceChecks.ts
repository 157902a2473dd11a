import { describeBytes, readImageInfo, type ImageInfo } from '../binary/imageInfo';
import { formatRatioRange, REFERENCE_LIMITS, type ModelRules } from '../models';
import { InvalidInput } from '../errors/nodeErrors';

/**
 * The checks every reference passes before any paid request, against the chosen model's rules:
 * they look at the first bytes only (format, dimensions) and the byte count.
 */

function megabytes(bytes: number): string {
	return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Checks the bytes the API will receive: format from the magic number, size and dimensions.
 * Returns what the header says: the format and, where it holds them, width and height.
 */
export function checkImageBytes(
	model: ModelRules,
	label: string,
	head: Buffer,
	totalBytes: number,
	declared: string | undefined,
): ImageInfo {
	const info = readImageInfo(head);
	if (!info || !model.referenceFormats.includes(info.format)) {
		const found = info ? `a ${info.format.toUpperCase()} image` : describeBytes(head);
		throw new InvalidInput(
			`${label} is not an image ${model.name} accepts: expected ${model.referenceFormats.join(', ')}, found ${found}` +
				(declared ? ` (declared as ${declared})` : ''),
			`${model.name} accepts ${model.referenceFormats.map((f) => f.toUpperCase()).join(', ')} references. ` +
				'Convert the file first (for example with the Edit Image node), or check that the binary ' +
				'property holds the image and not, say, base64 text.',
		);
	}
	if (totalBytes > REFERENCE_LIMITS.maxBytes) {
		throw new InvalidInput(
			`${label} is ${megabytes(totalBytes)}; ${model.name} accepts references up to ${megabytes(REFERENCE_LIMITS.maxBytes)}`,
			'Resize or recompress the image (for example with the Edit Image node) before this node.',
		);
	}
	const { width, height } = info;
	if (width !== undefined && height !== undefined) {
		const sizeText = `${width}x${height}`;
		if (width < REFERENCE_LIMITS.minSide || height < REFERENCE_LIMITS.minSide) {
			throw new InvalidInput(
				`${label} is ${sizeText} pixels; ${model.name} needs width and height of at least ${REFERENCE_LIMITS.minSide} pixels`,
			);
		}
		if (width * height > REFERENCE_LIMITS.maxPixels) {
			throw new InvalidInput(
				`${label} is ${sizeText} pixels; ${model.name} accepts at most 6000x6000 (36 million) pixels`,
				'Resize the image (for example with the Edit Image node) before this node.',
			);
		}
		const ratio = width / height;
		if (ratio < model.referenceRatio[0] || ratio > model.referenceRatio[1]) {
			throw new InvalidInput(
				`${label} is ${sizeText} pixels; ${model.name} accepts reference aspect ratios from ${formatRatioRange(model.referenceRatio)}`,
				'Crop the image (for example with the Edit Image node) before this node.',
			);
		}
	}
	return info;
}

export function checkReferenceCount(model: ModelRules, count: number, combined = false): void {
	if (count > model.maxReferences) {
		throw new InvalidInput(
			`${count} reference images${combined ? ' across the combined items' : ''}; ${model.name} accepts at most ${model.maxReferences}`,
			'Use fewer binary properties or URLs, split the items, or pick a model that takes more references.',
		);
	}
}
