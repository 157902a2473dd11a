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
	};
}
