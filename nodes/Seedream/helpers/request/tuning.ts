import { asGiven, InvalidInput } from '../errors/nodeErrors';
import type { ModelRules } from '../models';

/**
 * What only some models take: a seed and a guidance scale (Seedream 3.0 today), and, the other
 * way round, the references a text-to-image model does not take. Each follows a column of the
 * model's row, never its name.
 */

export interface Tuning {
	/** `seed`: -1 = random; the same seed, prompt and size give the same image again. */
	seed?: number;
	/** `guidance_scale`: how strictly the image follows the prompt. */
	guidanceScale?: number;
}

/** A number, or text that spells one; "" and nothing are `empty`. */
function numberOf(value: unknown): number | 'empty' {
	if (value === undefined || value === null) return 'empty';
	if (typeof value === 'number') return value;
	if (typeof value === 'string') return value.trim() === '' ? 'empty' : Number(value);
	return Number.NaN;
}

function readSeed([min, max]: [number, number], given: unknown, model: ModelRules): number {
	const seed = numberOf(given);
	if (seed === 'empty') return -1;
	if (!Number.isInteger(seed) || seed < min || seed > max) {
		throw new InvalidInput(
			`Seed must be a whole number from ${min} to ${max} for ${model.name} (-1 = random), found ${asGiven(given)}`,
			'Set Seed to -1 for a new image each time, or to the seed of an image to make it again.',
		);
	}
	return seed;
}

function readGuidance([min, max]: [number, number], given: unknown, model: ModelRules): number {
	const scale = numberOf(given);
	if (scale === 'empty' || !Number.isFinite(scale) || scale < min || scale > max) {
		throw new InvalidInput(
			`Guidance Scale must be a number from ${min} to ${max} for ${model.name}, found ${asGiven(given)}`,
			'Higher follows the prompt more strictly; 2.5 is the API default.',
		);
	}
	return scale;
}

/** The seed and guidance scale to send, for the models whose row takes them. */
export function readTuning(model: ModelRules, seed: unknown, guidanceScale: unknown): Tuning {
	const tuning: Tuning = {};
	if (model.seed) tuning.seed = readSeed(model.seed, seed, model);
	if (model.guidanceScale)
		tuning.guidanceScale = readGuidance(model.guidanceScale, guidanceScale, model);
	return tuning;
}

/**
 * A model that takes no references refuses any source of them, before any request: the
 * parameter is hidden for it, so only an expression or a saved workflow can set one.
 */
export function refuseReferences(model: ModelRules, mode: unknown, needsImage: boolean): void {
	if (model.maxReferences > 0 || mode === 'none') return;
	throw new InvalidInput(
		needsImage
			? `${model.name} cannot edit images: it takes no reference images, found ${asGiven(mode)} under Image Source`
			: `${model.name} takes no reference images: expected Reference Images None, found ${asGiven(mode)}`,
		needsImage
			? 'Pick a model that takes reference images under Model.'
			: 'Set Reference Images to None, or pick a model that takes references.',
	);
}
