import {
	ASPECT_RATIOS,
	formatPixelRange,
	formatRatio,
	formatRatioRange,
	resolutionsOf,
	type AspectRatio,
	type ModelRules,
	type Resolution,
} from '../models';
import { InvalidInput } from '../errors/nodeErrors';

/** The Size parameter's values besides the model's presets. */
export const SIZE_MODES = { aspectRatio: 'aspectRatio', custom: 'custom' } as const;

/** The Size, Aspect Ratio, Resolution, Width and Height parameters as the user set them. */
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
	/** Known when the request names pixels (not for a preset, where the model picks the ratio). */
	width?: number;
	height?: number;
}

function presetList(model: ModelRules): string {
	return resolutionsOf(model).join(', ');
}

/** Throws unless width x height is a size the model accepts. */
export function checkPixelSize(width: number, height: number, model: ModelRules): void {
	if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
		throw new InvalidInput(
			`Width and height must be positive whole numbers of pixels, found ${width} x ${height}`,
		);
	}
	const pixels = width * height;
	const [min, max] = model.pixels;
	if (pixels < min || pixels > max) {
		throw new InvalidInput(
			`Size ${width}x${height} has ${pixels.toLocaleString('en-US')} pixels; ${model.name} accepts ` +
				`${formatPixelRange(model.pixels)} (for example ${model.presets['2K']?.['1:1'] ?? '2048x2048'})`,
			'Change Width and Height, or pick a preset under Size.',
		);
	}
	const ratio = width / height;
	if (ratio < model.sizeRatio[0] || ratio > model.sizeRatio[1]) {
		throw new InvalidInput(
			`Size ${width}x${height} has an aspect ratio of ${formatRatio(ratio)}; ${model.name} accepts ` +
				`ratios from ${formatRatioRange(model.sizeRatio)}`,
		);
	}
}

function presetTable(model: ModelRules, resolution: unknown) {
	const table = model.presets[resolution as Resolution];
	if (!table) {
		throw new InvalidInput(
			`${model.name} has no ${String(resolution)} preset: its presets are ${presetList(model)}`,
			'Pick one of them, or another model under Model.',
		);
	}
	return table;
}

/** The request's `size` for the model, checked against the model's rules. */
export function resolveSize(choice: SizeChoice, model: ModelRules): ResolvedSize {
	if (choice.size === SIZE_MODES.aspectRatio) {
		const table = presetTable(model, choice.resolution);
		const value = table[choice.aspectRatio as AspectRatio];
		if (!value) {
			throw new InvalidInput(
				`Unknown aspect ratio "${choice.aspectRatio}"; expected one of ${ASPECT_RATIOS.join(', ')}`,
			);
		}
		const [width, height] = value.split('x').map(Number);
		return { value, width, height };
	}
	if (choice.size === SIZE_MODES.custom) {
		const width = Number(choice.width);
		const height = Number(choice.height);
		checkPixelSize(width, height, model);
		return { value: `${width}x${height}`, width, height };
	}
	if (/^\dK$/.test(choice.size)) {
		presetTable(model, choice.size);
		return { value: choice.size };
	}
	throw new InvalidInput(
		`Unknown size "${choice.size}"; expected ${presetList(model)}, aspectRatio or custom`,
	);
}
