import type { IDataObject, IExecuteFunctions, WorkflowExecuteMode } from 'n8n-workflow';

import type { ReuseMode } from '../../../../../nodes/Seedream/helpers/options';
import type { ParsedResponse } from '../../../../../nodes/Seedream/helpers/results/responseParsing';
import { PaidResults, SAFETY_MARGIN_MS, SHELF_FIELD } from '../../../../../nodes/Seedream/helpers/reuse/paidResults';

/** What n8n gives the node: its mode, the execution's node context, the workflow's static data. */
function execution(mode: WorkflowExecuteMode, context: IDataObject = {}, staticData: IDataObject = {}) {
	const fake = {
		getMode: () => mode,
		getContext: () => context,
		getWorkflowStaticData: () => staticData,
	} as unknown as IExecuteFunctions;
	return { fake, context, staticData };
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

function open(mode: WorkflowExecuteMode, reuse: ReuseMode, account: string, context?: IDataObject, staticData?: IDataObject) {
	const run = execution(mode, context, staticData);
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
		expect(first.staticData).toEqual({});

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
	});

	test('Always finds results of other runs in this process and in the static data', () => {
		const account = newAccount();
		const first = open('manual', 'always', account);
		const key = first.paid.keyOf(URL_45, body)!;
		first.paid.remember(key, answer(link('m')));
		// A manual run: n8n does not save static data, but the process remembers.
		expect(open('manual', 'always', account).paid.find(key)?.result.links[0].url).toMatch(/m\.png/);

		// A production run on another process (a worker): only the static data has it.
		const stored = JSON.parse(JSON.stringify(first.staticData)) as IDataObject;
		expect(Object.keys((stored[SHELF_FIELD] as IDataObject).results as IDataObject)).toEqual([key]);
		const elsewhere = open('webhook', 'always', newAccount(), {}, stored);
		expect(elsewhere.paid.find(key)).toBeDefined();
	});

	test('another account never sees the results', () => {
		const mine = open('manual', 'always', newAccount());
		const key = mine.paid.keyOf(URL_45, body)!;
		mine.paid.remember(key, answer(link('mine')));
		const theirs = open('manual', 'always', newAccount());
		expect(theirs.paid.keyOf(URL_45, body)).not.toBe(key);
		expect(theirs.paid.find(theirs.paid.keyOf(URL_45, body))).toBeUndefined();
	});

	test('a Retry with Always reads the static data but never writes it', () => {
		const staticData: IDataObject = {};
		const run = open('retry', 'always', newAccount(), {}, staticData);
		run.paid.remember(run.paid.keyOf(URL_45, body), answer(link('r')));
		expect(staticData).toEqual({});
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
		const staticData: IDataObject = {};
		const first = open('webhook', 'always', account, context, staticData);
		const key = first.paid.keyOf(URL_45, body)!;
		first.paid.remember(key, answer(link('dead')));
		first.paid.keepForRetry();
		const second = open('webhook', 'always', account, context, staticData);
		const reused = second.paid.find(key)!;
		second.paid.forget(reused);
		expect(second.paid.counts).toEqual({ billed: 0, reused: 0, fallbacks: 1 });
		expect(JSON.stringify([context, staticData])).not.toContain('dead.png');
		expect(open('webhook', 'always', account, context, staticData).paid.find(key)).toBeUndefined();
		expect(second.paid.summary()).toBe(
			'Seedream: 0 image(s) generated and billed, 0 reused from identical earlier requests; 1 earlier result(s) no longer downloaded and were generated again',
		);
	});
});
