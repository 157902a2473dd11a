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
import { asGiven, InvalidInput } from '../errors/nodeErrors';
import { matchInputSize, type Dimensions } from './matchInput';

/** The Size parameter's values besides the model's presets. */
export const SIZE_MODES = {
	aspectRatio: 'aspectRatio',
	custom: 'custom',
	matchInput: 'matchInput',
} as const;

/**
 * The Size, Aspect Ratio, Resolution, Width and Height parameters as the user set them: an
 * expression can give any type, and an error quotes what it gave.
 */
export interface SizeChoice {
	size: unknown;
	aspectRatio?: unknown;
	resolution?: unknown;
	width?: unknown;
	height?: unknown;
	/** With Match Input Image: the first reference image's size in pixels, when known. */
	input?: Dimensions;
}

export interface ResolvedSize {
	/** What the request's `size` carries. */
	value: string;
	/** Known when the request names pixels (not for a preset, where the model picks the ratio). */
	width?: number;
	height?: number;
	/** With Match Input Image: the size of the image it matched, and why the ratio differs, if it does. */
	input?: Dimensions;
	clamped?: string;
}

function presetList(model: ModelRules): string {
	return resolutionsOf(model).join(', ');
}

/** A number, or text that spells one ("2048"); anything else (an empty field, "abc") is NaN. */
function pixelsOf(value: unknown): number {
	if (typeof value === 'number') return value;
	return typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
}

/** Throws unless width x height, as given, is a size the model accepts; the size in pixels. */
export function checkPixelSize(
	givenWidth: unknown,
	givenHeight: unknown,
	model: ModelRules,
): { width: number; height: number } {
	const width = pixelsOf(givenWidth);
	const height = pixelsOf(givenHeight);
	if (!Number.isInteger(width) || !Number.isInteger(height) || width <= 0 || height <= 0) {
		throw new InvalidInput(
			`Width and height must be positive whole numbers of pixels, found ${asGiven(givenWidth)} x ${asGiven(givenHeight)}`,
		);
	}
	const example = (model.ratioSizes ?? model.presets['2K'])?.['1:1'] ?? '2048x2048';
	if (
		model.sides &&
		[width, height].some((side) => side < model.sides![0] || side > model.sides![1])
	) {
		throw new InvalidInput(
			`Size ${width}x${height} is out of range; ${model.name} accepts ${model.sides[0]} to ${model.sides[1]} pixels a side (for example ${example})`,
			'Change Width and Height, or pick an aspect ratio under Size.',
		);
	}
	const pixels = width * height;
	const [min, max] = model.pixels;
	if (pixels < min || pixels > max) {
		throw new InvalidInput(
			`Size ${width}x${height} has ${pixels.toLocaleString('en-US')} pixels; ${model.name} accepts ` +
				`${formatPixelRange(model.pixels)} (for example ${example})`,
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
	return { width, height };
}

function presetTable(model: ModelRules, resolution: unknown) {
	if (resolutionsOf(model).length === 0) {
		throw new InvalidInput(
			`${model.name} has no size presets: expected aspectRatio or custom, found ${asGiven(resolution)}`,
			'Pick Aspect Ratio Preset or Custom Width and Height under Size.',
		);
	}
	const table = resolutionsOf(model).includes(resolution as Resolution)
		? model.presets[resolution as Resolution]
		: undefined;
	if (!table) {
		throw new InvalidInput(
			`${model.name} has no such preset: expected one of ${presetList(model)}, found ${asGiven(resolution)}`,
			'Pick one of them, or another model under Model.',
		);
	}
	return table;
}

/** The request's `size` for the model, checked against the model's rules. */
export function resolveSize(choice: SizeChoice, model: ModelRules): ResolvedSize {
	if (choice.size === SIZE_MODES.aspectRatio) {
		// A model without presets has one recommended size per ratio, and no Resolution.
		const table = model.ratioSizes ?? presetTable(model, choice.resolution);
		const ratio = choice.aspectRatio as AspectRatio;
		const value = ASPECT_RATIOS.includes(ratio) ? table[ratio] : undefined;
		if (!value) {
			throw new InvalidInput(
				`Unknown aspect ratio: expected one of ${ASPECT_RATIOS.join(', ')}, found ${asGiven(choice.aspectRatio)}`,
			);
		}
		const [width, height] = value.split('x').map(Number);
		return { value, width, height };
	}
	if (choice.size === SIZE_MODES.matchInput && model.maxReferences > 0) {
		presetTable(model, choice.resolution);
		if (!choice.input) {
			throw new InvalidInput(
				'Size "Match Input Image" needs an image to match: expected a reference image, found none',
				'Add the image (Reference Images, or the image to edit), or choose another Size.',
			);
		}
		const resolution = choice.resolution as Resolution;
		const { width, height, clamped } = matchInputSize(model, resolution, choice.input);
		return { value: `${width}x${height}`, width, height, input: choice.input, clamped };
	}
	if (choice.size === SIZE_MODES.custom) {
		const { width, height } = checkPixelSize(choice.width, choice.height, model);
		return { value: `${width}x${height}`, width, height };
	}
	if (typeof choice.size === 'string' && /^\dK$/.test(choice.size)) {
		presetTable(model, choice.size);
		return { value: choice.size };
	}
	const modes =
		model.maxReferences > 0 ? 'aspectRatio, custom or matchInput' : 'aspectRatio or custom';
	const presets = presetList(model);
	throw new InvalidInput(
		`Unknown size: expected ${presets ? `${presets}, ` : ''}${modes}, found ${asGiven(choice.size)}`,
	);
}
