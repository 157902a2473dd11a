import type { IExecuteFunctions } from 'n8n-workflow';

import { asGiven, InvalidInput } from './errors/nodeErrors';

/**
 * The bounds of the numeric options, written once: the parameter descriptions show them and
 * `readExecutionSettings` holds values to them (an expression can give anything).
 */
export const OPTION_BOUNDS = {
	concurrency: { default: 4, min: 1, max: 32 },
	maxRetries: { default: 4, min: 0, max: 10 },
	/** The vendor allows up to 1200 s for a synchronous call; image sets at 4K are slow. */
	timeout: { default: 900, min: 1, max: 24 * 3600 },
} as const;

type Bounded = keyof typeof OPTION_BOUNDS;

/** Reuse Identical Results: only in n8n's Retry of a failed execution (the default), always, never. */
export const REUSE_MODES = ['retrying', 'always', 'never'] as const;
export type ReuseMode = (typeof REUSE_MODES)[number];

/** Settings of the whole execution, read from the first item. */
export interface ExecutionSettings {
	combineItems: boolean;
	concurrency: number;
	maxRetries: number;
	timeoutSeconds: number;
	retryUncertain: boolean;
	reuseResults: ReuseMode;
	/** The most images this node may have billed in one execution; undefined: no cap. */
	maxImagesPerExecution?: number;
	/** The user's own price per image in US dollars; undefined: the model's list price. */
	pricePerImage?: number;
}

/**
 * The option as a whole number within its bounds. Only a number, or text that spells one, counts:
 * `Number()` would read null, '' or [] as 0 and turn an expression that found nothing into the
 * minimum (a 1 s timeout) instead of the default.
 */
export function clampOption(name: Bounded, value: unknown): number {
	const { default: fallback, min, max } = OPTION_BOUNDS[name];
	const number =
		typeof value === 'number' || (typeof value === 'string' && value.trim() !== '')
			? Number(value)
			: Number.NaN;
	return Number.isFinite(number) ? Math.min(max, Math.max(min, Math.floor(number))) : fallback;
}

function readReuseMode(value: unknown): ReuseMode {
	if ((REUSE_MODES as readonly unknown[]).includes(value)) return value as ReuseMode;
	throw new InvalidInput(
		`Unknown Reuse Identical Results: expected one of ${REUSE_MODES.join(', ')}, found ${asGiven(value)}`,
	);
}

/** An expression that gave nothing, or an empty field: the option is not set. */
function isUnset(value: unknown): boolean {
	return (
		value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
	);
}

/** Max Images per Execution: a whole number of images, 0 (or nothing) for no cap. Never clamped: a cap guessed from a bad value would spend money the user did not allow. */
function readCap(value: unknown): number | undefined {
	if (isUnset(value)) return undefined;
	const number = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) {
		throw new InvalidInput(
			`Max Images per Execution must be a whole number of images, 0 for no cap, found ${asGiven(value)}`,
			'Set Options → Max Images per Execution to the most images this node may pay for in one execution, or to 0.',
		);
	}
	return number === 0 ? undefined : number;
}

/** Price per Image: US dollars, 0 (or nothing) for the model's list price. */
function readPrice(value: unknown): number | undefined {
	if (isUnset(value)) return undefined;
	const number = typeof value === 'string' ? Number(value.trim()) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number < 0) {
		throw new InvalidInput(
			`Price per Image must be an amount in US dollars, 0 for the model's list price, found ${asGiven(value)}`,
		);
	}
	return number === 0 ? undefined : number;
}

export function readExecutionSettings(context: IExecuteFunctions): ExecutionSettings {
	const option = <T>(name: string, fallback: T): T =>
		context.getNodeParameter(`options.${name}`, 0, fallback) as T;
	const bounded = (name: Bounded) => clampOption(name, option(name, OPTION_BOUNDS[name].default));
	return {
		combineItems: option('combineItems', false),
		concurrency: bounded('concurrency'),
		maxRetries: bounded('maxRetries'),
		timeoutSeconds: bounded('timeout'),
		retryUncertain: option('retryUncertain', false),
		reuseResults: readReuseMode(option<unknown>('reuseResults', 'retrying')),
		maxImagesPerExecution: readCap(option<unknown>('maxImagesPerExecution', 0)),
		pricePerImage: readPrice(option<unknown>('pricePerImage', 0)),
	};
}
