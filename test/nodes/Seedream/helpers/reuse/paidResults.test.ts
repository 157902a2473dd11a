import type { IDataObject, IExecuteFunctions, WorkflowExecuteMode } from 'n8n-workflow';

import type { ReuseMode } from '../../../../../nodes/Seedream/helpers/options';
import type { ParsedResponse } from '../../../../../nodes/Seedream/helpers/results/responseParsing';
import { PaidResults, SAFETY_MARGIN_MS, SHELF_FIELD } from '../../../../../nodes/Seedream/helpers/reuse/paidResults';

/** What n8n gives the node: its mode and the execution's node context. */
function execution(mode: WorkflowExecuteMode, context: IDataObject = {}) {
	const fake = {
		getMode: () => mode,
		getContext: () => context,
		getWorkflowStaticData: () => ({}),
	} as unknown as IExecuteFunctions & { getWorkflowStaticData: () => IDataObject };
	return { fake, context };
}

let accounts = 0;
/** A fresh account per test: the memory shelf is shared by the whole process. */
const newAccount = () => `https://api.test acct-${++accounts}`;
const TOMORROW = Date.now() + 86_400_000;
const link = (name: string, expires = TOMORROW) => `https://cdn.test/${name}.png?X-Expires=${expires}`;
const answer = (...urls: string[]): ParsedResponse => ({
	entries: urls.map((url, index) => ({ index, kind: 'url' as const, url })),
});
const body = Buffer.from('{"prompt":"a kite"}');
const URL_45 = 'https://api.test/v3/seedream-4.5';

function open(mode: WorkflowExecuteMode, reuse: ReuseMode, account: string, context?: IDataObject) {
	const run = execution(mode, context);
	return { paid: PaidResults.open(run.fake, reuse, account), ...run };
}

describe('PaidResults', () => {
	test('by default a run keeps what it paid for only when it fails, and only a Retry looks', () => {
		const account = newAccount();
		const first = open('webhook', 'retrying', account);
		const key = first.paid.keyOf(URL_45, body)!;
		expect(first.paid.find(key)).toBeUndefined();
		first.paid.remember(key, answer(link('a')));
		expect(first.context[SHELF_FIELD]).toBeUndefined();
		first.paid.keepForRetry();
		expect(first.context[SHELF_FIELD]).toBeDefined();

		// The same context in a run that is not a Retry: not looked at.
		expect(open('manual', 'retrying', account, first.context).paid.find(key)).toBeUndefined();
		const retry = open('retry', 'retrying', account, first.context);
		expect(retry.paid.find(key)?.entries).toEqual(answer(link('a')).entries);
		expect(retry.paid.counts).toEqual({ billed: 0, reused: 1, fallbacks: 0 });
	});

	test('within one run each identical request takes its own result, and a new one is never handed to its twin', () => {
		const account = newAccount();
		const first = open('webhook', 'retrying', account);
		const key = first.paid.keyOf(URL_45, body)!;
		first.paid.remember(key, answer(link('a')));
		first.paid.remember(key, answer(link('b')));
		first.paid.keepForRetry();
		const retry = open('retry', 'retrying', account, first.context);
		expect(retry.paid.find(key)?.result.links[0].url).toMatch(/\/a\.png/);
		expect(retry.paid.find(key)?.result.links[0].url).toMatch(/\/b\.png/);
		expect(retry.paid.find(key)).toBeUndefined();
		retry.paid.remember(key, answer(link('c')));
		expect(retry.paid.find(key)).toBeUndefined();
	});

	test('Never keeps nothing and finds nothing, but still counts what it paid for', () => {
		const run = open('retry', 'never', newAccount(), { [SHELF_FIELD]: { version: 1, results: {} } });
		expect(run.paid.keyOf(URL_45, body)).toBeUndefined();
		run.paid.remember(undefined, answer(link('a'), link('b')));
		run.paid.keepForRetry();
		expect(run.context[SHELF_FIELD]).toEqual({ version: 1, results: {} });
		expect(run.paid.summary()).toBe('Seedream: 2 image(s) generated and billed, 0 reused from identical earlier requests');
		expect(run.paid.summary('$0.08')).toBe(
			'Seedream: 2 image(s) generated and billed (about $0.08), 0 reused from identical earlier requests',
		);
	});

	test('Always finds the results of other runs in this process', () => {
		const account = newAccount();
		const first = open('manual', 'always', account);
		const key = first.paid.keyOf(URL_45, body)!;
		first.paid.remember(key, answer(link('m')));
		expect(open('webhook', 'always', account).paid.find(key)?.result.links[0].url).toMatch(/m\.png/);
		// Only with Always: the default looks in the failed execution's context, on a Retry.
		expect(open('retry', 'retrying', account).paid.find(key)).toBeUndefined();
	});

	test('another account never sees the results', () => {
		const mine = open('manual', 'always', newAccount());
		const key = mine.paid.keyOf(URL_45, body)!;
		mine.paid.remember(key, answer(link('mine')));
		const theirs = open('manual', 'always', newAccount());
		expect(theirs.paid.keyOf(URL_45, body)).not.toBe(key);
		expect(theirs.paid.find(theirs.paid.keyOf(URL_45, body))).toBeUndefined();
	});

	test('the workflow\'s static data is never read or written', () => {
		const run = open('trigger', 'always', newAccount());
		run.fake.getWorkflowStaticData = () => {
			throw new Error('static data touched');
		};
		const again = PaidResults.open(run.fake, 'always', newAccount());
		again.remember(again.keyOf(URL_45, body), answer(link('r')));
		again.keepForRetry();
		expect(again.find(again.keyOf(URL_45, body))).toBeUndefined();
	});

	test('inline images and links that expire too soon are counted, not kept', () => {
		const run = open('webhook', 'retrying', newAccount());
		const key = run.paid.keyOf(URL_45, body);
		run.paid.remember(key, { entries: [{ index: 0, kind: 'inline', bytes: Buffer.from('x') }] });
		run.paid.remember(key, answer(link('soon', Date.now() + SAFETY_MARGIN_MS - 1000)));
		run.paid.keepForRetry();
		expect(run.context[SHELF_FIELD]).toBeUndefined();
		expect(run.paid.counts.billed).toBe(2);
	});

	test('a failed image is kept in its place, and not counted as billed', () => {
		const run = open('webhook', 'retrying', newAccount());
		const key = run.paid.keyOf(URL_45, body)!;
		run.paid.remember(key, {
			entries: [
				{ index: 0, kind: 'url', url: link('ok') },
				{ index: 1, kind: 'failed', code: 'OutputImageSensitiveContentDetected', message: 'sensitive' },
			],
			usage: { generated_images: 1 },
		});
		run.paid.keepForRetry();
		expect(run.paid.counts.billed).toBe(1);
		const stored = (run.context[SHELF_FIELD] as { results: Record<string, unknown[]> }).results[key];
		expect(stored).toEqual([
			{
				generatedAt: expect.any(Number),
				validUntil: expect.any(Number),
				count: 2,
				links: [{ index: 0, url: link('ok') }],
				failed: [{ index: 1, code: 'OutputImageSensitiveContentDetected', message: 'sensitive' }],
				usage: { generated_images: 1 },
			},
		]);
	});

	test('a result whose links died is forgotten everywhere and counted as a fallback', () => {
		const account = newAccount();
		const context: IDataObject = {};
		const first = open('webhook', 'always', account, context);
		const key = first.paid.keyOf(URL_45, body)!;
		first.paid.remember(key, answer(link('dead')));
		first.paid.keepForRetry();
		const second = open('webhook', 'always', account, context);
		const reused = second.paid.find(key)!;
		second.paid.forget(reused);
		expect(second.paid.counts).toEqual({ billed: 0, reused: 0, fallbacks: 1 });
		expect(JSON.stringify(context)).not.toContain('dead.png');
		expect(open('webhook', 'always', account, context).paid.find(key)).toBeUndefined();
		expect(second.paid.summary()).toBe(
			'Seedream: 0 image(s) generated and billed, 0 reused from identical earlier requests; 1 earlier result(s) no longer downloaded and were generated again',
		);
	});
});
