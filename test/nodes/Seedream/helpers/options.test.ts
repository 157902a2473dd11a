/**
 * The numeric options held to the bounds written once in OPTION_BOUNDS, and the execution's
 * settings read from the first item.
 */
import type { IExecuteFunctions } from 'n8n-workflow';

import {
	clampOption,
	OPTION_BOUNDS,
	readExecutionSettings,
} from '../../../../nodes/Seedream/helpers/options';

const NAMES = Object.keys(OPTION_BOUNDS) as Array<keyof typeof OPTION_BOUNDS>;

/** The least of contexts: parameters by name, per item; records which items were asked. */
function fakeContext(perItem: Array<Record<string, unknown>>) {
	const askedItems: number[] = [];
	const context = {
		getNodeParameter(name: string, itemIndex: number, fallback?: unknown) {
			askedItems.push(itemIndex);
			const values = perItem[itemIndex] ?? {};
			return name in values ? values[name] : fallback;
		},
	} as unknown as IExecuteFunctions;
	return { context, askedItems };
}

describe('OPTION_BOUNDS', () => {
	test('the documented bounds, each default inside its own range', () => {
		expect(OPTION_BOUNDS).toEqual({
			concurrency: { default: 4, min: 1, max: 32 },
			maxRetries: { default: 4, min: 0, max: 10 },
			timeout: { default: 900, min: 1, max: 86_400 },
		});
		for (const name of NAMES) {
			const { default: fallback, min, max } = OPTION_BOUNDS[name];
			expect(fallback).toBeGreaterThanOrEqual(min);
			expect(fallback).toBeLessThanOrEqual(max);
		}
	});
});

describe('clampOption', () => {
	test.each(NAMES)('%s: held to [min, max] of OPTION_BOUNDS', (name) => {
		const { min, max } = OPTION_BOUNDS[name];
		expect(clampOption(name, min)).toBe(min);
		expect(clampOption(name, max)).toBe(max);
		expect(clampOption(name, min - 1)).toBe(min);
		expect(clampOption(name, -1e9)).toBe(min);
		expect(clampOption(name, max + 1)).toBe(max);
		expect(clampOption(name, 1e12)).toBe(max);
	});

	test.each(NAMES)('%s: whole numbers only, rounded down; numbers written as text count', (name) => {
		const { min } = OPTION_BOUNDS[name];
		expect(clampOption(name, min + 1.9)).toBe(min + 1);
		expect(clampOption(name, String(min + 2))).toBe(min + 2);
		expect(clampOption(name, ` ${min + 1} `)).toBe(min + 1);
	});

	test.each(NAMES)('%s: anything that is not a number gives the default, not the minimum', (name) => {
		const fallback = OPTION_BOUNDS[name].default;
		for (const value of [undefined, null, '', '   ', 'fast', Number.NaN, Number.POSITIVE_INFINITY, {}, [], true]) {
			expect([value, clampOption(name, value)]).toEqual([value, fallback]);
		}
	});
});

describe('readExecutionSettings', () => {
	test('defaults when no option is set', () => {
		const { context } = fakeContext([{}]);
		expect(readExecutionSettings(context)).toEqual({
			combineItems: false,
			concurrency: 4,
			maxRetries: 4,
			timeoutSeconds: 900,
			retryUncertain: false,
			reuseResults: 'retrying',
		});
	});

	test('the options as set, the numeric ones clamped', () => {
		const { context } = fakeContext([
			{
				'options.combineItems': true,
				'options.concurrency': 100,
				'options.maxRetries': -2,
				'options.timeout': 120.7,
				'options.retryUncertain': true,
				'options.reuseResults': 'always',
			},
		]);
		expect(readExecutionSettings(context)).toEqual({
			combineItems: true,
			concurrency: 32,
			maxRetries: 0,
			timeoutSeconds: 120,
			retryUncertain: true,
			reuseResults: 'always',
		});
	});

	test('read from the first item only: they hold for the whole execution', () => {
		const { context, askedItems } = fakeContext([{ 'options.concurrency': 2 }, { 'options.concurrency': 9 }]);
		expect(readExecutionSettings(context).concurrency).toBe(2);
		expect(new Set(askedItems)).toEqual(new Set([0]));
	});
});

describe('reuseResults', () => {
	test.each(['retrying', 'always', 'never'])('%s is taken as it is', (mode) => {
		const { context } = fakeContext([{ 'options.reuseResults': mode }]);
		expect(readExecutionSettings(context).reuseResults).toBe(mode);
	});

	test('anything else is refused, quoting what was found', () => {
		const { context } = fakeContext([{ 'options.reuseResults': 'sometimes' }]);
		expect(() => readExecutionSettings(context)).toThrow(
			'Unknown Reuse Identical Results: expected one of retrying, always, never, found "sometimes"',
		);
	});
});
