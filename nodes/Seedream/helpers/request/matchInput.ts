import { formatRatio, type ModelRules, type Resolution } from '../models';

/** Both sides of a size the node computes are multiples of this (the models' own tables are). */
export const SIZE_STEP = 16;

/**
 * How far from the resolution's pixel count a matched size may go while it looks for the closest
 * aspect ratio: ±10 % of the pixels is about ±5 % of each side, which no one sees, while the
 * choice of sides in steps of 16 gets wide enough to match a ratio to within a fraction of a
 * percent.
 */
export const PIXEL_TOLERANCE = 0.1;

export interface Dimensions {
	width: number;
	height: number;
}

export interface MatchedSize extends Dimensions {
	/** Why the ratio differs from the input's, when the model cannot take the input's. */
	clamped?: string;
}

/** How far apart two aspect ratios are, the same whichever is wider: |ln(a / b)|. */
export function ratioError(width: number, height: number, ratio: number): number {
	return Math.abs(Math.log(width / height / ratio));
}

/** The pixel count a resolution stands for: its square size in the model's table. */
export function targetPixels(model: ModelRules, resolution: Resolution): number {
	const [width, height] = (model.presets[resolution]?.['1:1'] ?? '2048x2048')
		.split('x')
		.map(Number);
	const [min, max] = model.pixels;
	return Math.min(max, Math.max(min, width * height));
}

/**
 * Every size in steps of SIZE_STEP within the model's ranges whose pixels lie in [low, high],
 * close to `ratio`: for each height, the widths on either side of height × ratio.
 */
export function candidateSizes(
	model: ModelRules,
	ratio: number,
	[low, high]: [number, number],
): Dimensions[] {
	const [minPixels, maxPixels] = model.pixels;
	const [minRatio, maxRatio] = model.sizeRatio;
	const from = Math.max(low, minPixels);
	const to = Math.min(high, maxPixels);
	const sizes: Dimensions[] = [];
	const first = Math.max(1, Math.floor(Math.sqrt(from / ratio) / SIZE_STEP) - 1);
	const last = Math.ceil(Math.sqrt(to / ratio) / SIZE_STEP) + 1;
	for (let step = first; step <= last; step++) {
		const height = step * SIZE_STEP;
		const near = (height * ratio) / SIZE_STEP;
		for (const width of new Set([Math.floor(near), Math.ceil(near)].map((n) => n * SIZE_STEP))) {
			const pixels = width * height;
			const shape = width / height;
			if (width < SIZE_STEP || pixels < from || pixels > to) continue;
			if (shape < minRatio || shape > maxRatio) continue;
			sizes.push({ width, height });
		}
	}
	return sizes;
}

/**
 * The size that keeps an input image's shape at a resolution of the model: the aspect ratio as
 * close to the input's as the model allows (clamped to its range, and said so), then the pixels
 * as close as possible to the resolution's, within PIXEL_TOLERANCE of them and the model's range;
 * both sides multiples of SIZE_STEP.
 */
export function matchInputSize(
	model: ModelRules,
	resolution: Resolution,
	input: Dimensions,
): MatchedSize {
	const [minRatio, maxRatio] = model.sizeRatio;
	const given = input.width / input.height;
	const ratio = Math.min(maxRatio, Math.max(minRatio, given));
	const target = targetPixels(model, resolution);
	const band: [number, number] = [target * (1 - PIXEL_TOLERANCE), target * (1 + PIXEL_TOLERANCE)];
	let sizes = candidateSizes(model, ratio, band);
	// A narrow range at an extreme ratio: any size the model takes.
	if (sizes.length === 0) sizes = candidateSizes(model, ratio, model.pixels);
	const score = ({ width, height }: Dimensions): [number, number] => [
		// Ratios equal to within a millionth count as equal, so that the pixels decide.
		Math.round(ratioError(width, height, ratio) * 1e6),
		Math.abs(width * height - target),
	];
	const best = sizes.reduce((a, b) => {
		const [ra, pa] = score(a);
		const [rb, pb] = score(b);
		return rb < ra || (rb === ra && pb < pa) ? b : a;
	});
	if (ratio === given) return best;
	return {
		...best,
		clamped: `The input's aspect ratio ${formatRatio(given)} is beyond what ${model.name} makes; the closest it takes is ${formatRatio(ratio)}`,
	};
}
