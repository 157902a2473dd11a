import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import {
	Billing,
	CUSTOM_DATA,
	formatUsd,
	roundUsd,
	TOTALS_FIELD,
} from '../../../../../nodes/Seedream/helpers/results/billing';

/** n8n's custom data as both lines of n8n hand it over: strings by key. */
function customData(initial: Record<string, string> = {}) {
	const values: Record<string, string> = { ...initial };
	return {
		values,
		api: {
			set: (key: string, value: string) => (values[key] = value),
			setAll: (all: Record<string, string>) => Object.assign(values, all),
			get: (key: string) => values[key],
			getAll: () => ({ ...values }),
		},
	};
}

/** A run's context on n8n 2.x (`customData`) or 1.x (`$execution.customData` in expressions). */
function contextOf(
	executionId: string,
	flow: IDataObject,
	data: ReturnType<typeof customData>,
	line: 1 | 2 = 2,
) {
	return {
		getExecutionId: () => executionId,
		getContext: (type: string) => (type === 'flow' ? flow : {}),
		...(line === 2 ? { customData: data.api } : {}),
		getWorkflowDataProxy: () => ({ $execution: { customData: data.api } }),
	} as unknown as IExecuteFunctions;
}

describe('money', () => {
	test('sums stay exact to the millionth of a dollar', () => {
		expect(roundUsd(0.035 * 3)).toBe(0.105);
		expect(roundUsd(0.1 + 0.2)).toBe(0.3);
	});

	test('formatUsd: cents, or finer where cents would hide the amount', () => {
		expect(formatUsd(0.8)).toBe('$0.80');
		expect(formatUsd(0.105)).toBe('$0.105');
		expect(formatUsd(0)).toBe('$0.00');
	});
});

describe('Billing', () => {
	test.each([2, 1] as const)(
		'every Seedream node of an execution adds to one total in the custom data (n8n %s.x)',
		(line) => {
			const flow: IDataObject = {};
			const data = customData();
			const first = new Billing(contextOf('7', flow, data, line), undefined);
			expect(first.add(3, 0.04)).toEqual({ images: 3, usd: 0.12 });
			// A second Seedream node later in the same execution, with a price of its own.
			const second = new Billing(contextOf('7', flow, data, line), 0.02);
			expect(second.add(2, 0.035)).toEqual({ images: 2, usd: 0.04 });
			expect(data.values).toEqual({ [CUSTOM_DATA.images]: '5', [CUSTOM_DATA.usd]: '0.16' });
			expect(flow[TOTALS_FIELD]).toEqual({ executionId: '7', images: 5, usd: 0.16 });
		},
	);

	test("a Retry starts from zero although n8n hands it the failed execution's figures", () => {
		const flow: IDataObject = { [TOTALS_FIELD]: { executionId: '7', images: 5, usd: 0.2 } };
		const data = customData({
			[CUSTOM_DATA.images]: '5',
			[CUSTOM_DATA.usd]: '0.2',
			campaign: 'spring',
		});
		const retry = new Billing(contextOf('8', flow, data), undefined);
		expect(data.values).toEqual({
			[CUSTOM_DATA.images]: '0',
			[CUSTOM_DATA.usd]: '0',
			campaign: 'spring',
		});
		retry.add(1, 0.04);
		expect(data.values).toMatchObject({ [CUSTOM_DATA.images]: '1', [CUSTOM_DATA.usd]: '0.04' });
	});

	test('nothing billed, nothing written: an execution that reused everything gets no custom data', () => {
		const data = customData();
		new Billing(contextOf('9', {}, data), undefined).add(0, 0.04);
		expect(data.values).toEqual({});
	});

	test('images without a known price count, and the estimate says so', () => {
		const data = customData();
		const billing = new Billing(contextOf('10', {}, data), undefined);
		expect(billing.add(2, undefined)).toEqual({ images: 2, usd: undefined });
		billing.add(1, 0.04);
		expect(billing.estimate()).toBe('$0.04 plus 2 image(s) at no known price');
		expect(data.values).toEqual({ [CUSTOM_DATA.images]: '3', [CUSTOM_DATA.usd]: '0.04' });
	});

	test('where n8n gives no custom data, billing still counts', () => {
		const context = {
			getExecutionId: () => '11',
			getContext: () => ({}),
			getWorkflowDataProxy: () => {
				throw new Error('no proxy here');
			},
		} as unknown as IExecuteFunctions;
		const billing = new Billing(context, undefined);
		expect(billing.add(1, 0.03)).toEqual({ images: 1, usd: 0.03 });
		expect(billing.estimate()).toBe('$0.03');
	});
});
