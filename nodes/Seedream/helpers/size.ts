import {
	ASPECT_RATIO_SIZES,
	MAX_ASPECT_RATIO,
	MAX_TOTAL_PIXELS,
	MIN_ASPECT_RATIO,
	MIN_TOTAL_PIXELS,
	RESOLUTIONS,
	type Resolution,
} from './constants';

export interface SizeChoice {
	size: string;
	aspectRatio?: string;
	resolution?: string;
	width?: number;
	height?: number;
}

export interface ResolvedSize {
	/** What the request's `size` carries. */
	value: string;
	/** Known when the request names pixels (not for 2K/4K, where the model picks the ratio). */
	width?: number;
	height?: number;
}

/** Thrown for a size the API would reject; the caller turns it into a node error. */
export class SizeError extends Error {}

function formatRatio(ratio: number): string {
	return ratio >= 1 ? `${ratio.toFixed(2)}:1` : `1:${(1 / ratio).toFixed(2)}`;
}

export function checkPixelSize(width: number, height: number): void {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
		throw new SizeError(
			`Width and height must be positive whole numbers of pixels, found ${width} x ${height}`,
		);
	}
	const pixels = width * height;
	if (pixels < MIN_TOTAL_PIXELS || pixels > MAX_TOTAL_PIXELS) {
		throw new SizeError(
			`Size ${width}x${height} has ${pixels.toLocaleString('en-US')} pixels; the API accepts ` +
				`${MIN_TOTAL_PIXELS.toLocaleString('en-US')} to ${MAX_TOTAL_PIXELS.toLocaleString('en-US')} ` +
				`(for example 2048x2048 or 4096x4096)`,
		);
	}
	const ratio = width / height;
	if (ratio < MIN_ASPECT_RATIO || ratio > MAX_ASPECT_RATIO) {
		throw new SizeError(
			`Size ${width}x${height} has an aspect ratio of ${formatRatio(ratio)}; the API accepts ` +
				`ratios from 1:16 to 16:1`,
		);
	}
}

export function resolveSize(choice: SizeChoice): ResolvedSize {
	if ((RESOLUTIONS as readonly string[]).includes(choice.size)) {
		return { value: choice.size };
	}
	if (choice.size === 'aspectRatio') {
		const row = ASPECT_RATIO_SIZES[choice.aspectRatio ?? ''];
		const resolution = choice.resolution as Resolution;
		if (!row || !(RESOLUTIONS as readonly string[]).includes(resolution)) {
			throw new SizeError(
				`Unknown aspect ratio "${choice.aspectRatio}" or resolution "${choice.resolution}"; ` +
					`expected one of ${Object.keys(ASPECT_RATIO_SIZES).join(', ')} at ${RESOLUTIONS.join(' or ')}`,
			);
		}
		const [width, height] = row[resolution].split('x').map(Number);
		return { value: row[resolution], width, height };
	}
	if (choice.size === 'custom') {
		const width = Number(choice.width);
		const height = Number(choice.height);
		checkPixelSize(width, height);
		return { value: `${width}x${height}`, width, height };
	}
	throw new SizeError(
		`Unknown size "${choice.size}"; expected 2K, 4K, aspectRatio or custom`,
	);
}
