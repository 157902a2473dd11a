/**
 * Max Images per Execution and what a run cost: the node through n8n-core's engine against the
 * emulator over real HTTP. What was paid is always read from the emulator (what a bill would
 * show), never from the node.
 */
import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { useEmulator } from '../support/emulator';
import { runSeedream, type RunOptions, type RunResult } from '../support/engine';
import { runInLoop } from '../support/loop';
import { runAsTool } from '../support/toolEngine';

const { emulator, credentials } = useEmulator();

async function run(
	options: Partial<RunOptions> & { parameters: INodeParameters },
): Promise<RunResult> {
	return await runSeedream({ ...options, credentials: credentials() });
}

const paid = () => emulator().stats().generated;
const rows = (count: number, tag: string) =>
	Array.from({ length: count }, (_, row) => ({ json: { prompt: `${tag} poster ${row + 1}` } }));
const capped = (cap: number, options: IDataObject = {}): INodeParameters => ({
	prompt: '={{ $json.prompt }}',
	options: { maxImagesPerExecution: cap, ...options },
});
const capMessage = (cap: number, billed: number, most: number) =>
	`Spending cap reached, not sent: Max Images per Execution is ${cap}, this execution has had ${billed} image(s) billed by this node, and this request could bill ${most} more`;
const errorsOf = (items: INodeExecutionData[]) =>
	items.filter((item) => item.json.error !== undefined);

beforeEach(() => emulator().configure({ latencyMs: 40 }));

describe('the cap holds before paying', () => {
	test('30 rows, a cap of 20, Continue On Fail: 20 images paid, 10 error items naming the cap', async () => {
		const result = await run({
			parameters: capped(20),
			items: rows(30, 'spring'),
			continueOnFail: true,
		});
		expect(result.error).toBeUndefined();
		const items = result.items!;
		expect(paid()).toBe(20);
		expect(items).toHaveLength(30);
		expect(
			items.slice(0, 20).every((item) => item.binary?.data && item.json.billedImages === 1),
		).toBe(true);
		expect(items.slice(0, 20).map((item) => item.json.costUsd)).toEqual(Array(20).fill(0.04));
		const errors = items.slice(20);
		expect(errors.map((item) => item.pairedItem)).toEqual(
			rows(10, '').map((_, n) => ({ item: 20 + n })),
		);
		for (const item of errors) expect(item.json.error).toBe(capMessage(20, 20, 1));
		expect(errors[0].json.description).toMatch(
			/raise Options → Max Images per Execution \(0 means no cap\)/,
		);
		expect(result.customData).toEqual({ seedream_images_billed: '20', seedream_cost_usd: '0.8' });
	});

	test('without Continue On Fail: 20 paid, the node fails naming the cap; a Retry with the cap raised pays for the 10 held back only', async () => {
		const items = rows(30, 'summer');
		const failed = await run({ parameters: capped(20), items, mode: 'webhook' });
		expect(failed.error?.message).toBe(capMessage(20, 20, 1));
		expect(failed.error?.description).toMatch(/only the items held back are paid for/);
		expect(paid()).toBe(20);
		expect(failed.customData).toEqual({ seedream_images_billed: '20', seedream_cost_usd: '0.8' });

		// n8n hands a Retry the failed execution's context and custom data.
		const { contextData, customData } = failed;
		const retry = await run({
			parameters: capped(30),
			items,
			mode: 'retry',
			contextData,
			customData,
		});
		expect(retry.error).toBeUndefined();
		expect(paid()).toBe(30);
		const output = retry.items!;
		expect(output.map((item) => item.json.reused ?? false)).toEqual([
			...Array(20).fill(true),
			...Array(10).fill(false),
		]);
		expect(
			output.slice(0, 20).every((item) => item.json.billedImages === 0 && item.json.costUsd === 0),
		).toBe(true);
		// The Retry is an execution of its own: its custom data counts what it paid, not the failed run's.
		expect(retry.customData).toEqual({ seedream_images_billed: '10', seedream_cost_usd: '0.4' });
	});

	test('a Retry without raising the cap counts only what it bills itself', async () => {
		const items = rows(30, 'autumn');
		const failed = await run({ parameters: capped(20), items, mode: 'webhook' });
		expect(failed.error).toBeDefined();
		const { contextData, customData } = failed;
		const retry = await run({
			parameters: capped(20),
			items,
			mode: 'retry',
			contextData,
			customData,
		});
		expect(retry.error).toBeUndefined();
		expect(paid()).toBe(30);
		expect(retry.customData).toEqual({ seedream_images_billed: '10', seedream_cost_usd: '0.4' });
	});

	test('a Retry that pays for nothing says so in its custom data, not what the failed run paid', async () => {
		const items = rows(3, 'reused');
		const failed = await run({
			parameters: { prompt: '={{ $json.prompt }}', options: { concurrency: 3 } },
			items: [...items, { json: { prompt: '[fault:illegal-prompt*1] refused once' } }],
			continueOnFail: false,
		});
		expect(failed.customData).toEqual({ seedream_images_billed: '3', seedream_cost_usd: '0.12' });
		const { contextData, customData } = failed;
		const retry = await run({
			parameters: { prompt: '={{ $json.prompt }}', options: { concurrency: 3 } },
			items,
			mode: 'retry',
			contextData,
			customData: { ...customData, campaign: 'spring' },
		});
		expect(retry.items!.every((item) => item.json.reused)).toBe(true);
		expect(retry.customData).toEqual({
			seedream_images_billed: '0',
			seedream_cost_usd: '0',
			campaign: 'spring',
		});
	});

	test('concurrency 4 with image sets of 4: requests in flight together never pass the cap', async () => {
		const sets = Array.from({ length: 8 }, (_, n) => ({
			json: { prompt: `4 images of a kite, set ${n}` },
		}));
		const result = await run({
			parameters: {
				...capped(10, { concurrency: 4 }),
				sequentialImageGeneration: 'auto',
				maxImages: 4,
			},
			items: sets,
			continueOnFail: true,
		});
		expect(paid()).toBe(8);
		expect(emulator().stats().generationRequests).toBe(2);
		const errors = errorsOf(result.items!);
		expect(errors).toHaveLength(6);
		expect(errors.map((item) => item.json.error)).toEqual(Array(6).fill(capMessage(10, 8, 4)));
	});

	test('what a set did not use is given back: sets of at most 4 that return 2 each let a third request through', async () => {
		const sets = Array.from({ length: 4 }, (_, n) => ({
			json: { prompt: `2 images of a lamp, set ${n}` },
		}));
		const result = await run({
			parameters: {
				...capped(8, { concurrency: 4 }),
				sequentialImageGeneration: 'auto',
				maxImages: 4,
			},
			items: sets,
			continueOnFail: true,
		});
		// Without giving back, two reservations of 4 would have filled the cap of 8.
		expect(paid()).toBe(6);
		expect(emulator().stats().generationRequests).toBe(3);
		expect(errorsOf(result.items!).map((item) => item.json.error)).toEqual([capMessage(8, 6, 4)]);
		expect(result.customData?.seedream_images_billed).toBe('6');
	});

	test('images of a set that the API refused are not billed and do not count', async () => {
		const result = await run({
			parameters: {
				...capped(4, { concurrency: 1 }),
				sequentialImageGeneration: '={{ $json.set }}',
				maxImages: 4,
			},
			items: [
				{ json: { prompt: '4 images of a boat [fault:partial]', set: 'auto' } },
				{ json: { prompt: 'one more boat', set: 'disabled' } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(paid()).toBe(4);
		expect(result.items!.map((item) => item.json.billedImages)).toEqual([3, 3, 3, 1]);
	});

	test('reused images cost nothing and do not count', async () => {
		const parameters = capped(3, { reuseResults: 'always' });
		const first = await run({ parameters, items: rows(3, 'winter') });
		expect(first.error).toBeUndefined();
		const second = await run({
			parameters,
			items: [...rows(3, 'winter'), ...rows(5, 'frost').slice(0, 2)],
		});
		expect(second.error).toBeUndefined();
		expect(paid()).toBe(5);
		expect(second.items!.map((item) => item.json.billedImages)).toEqual([0, 0, 0, 1, 1]);
		expect(second.customData).toEqual({ seedream_images_billed: '2', seedream_cost_usd: '0.08' });
	});

	test('a lost answer may have been billed: it counts in full, so a cap of 1 holds back the retry', async () => {
		emulator().configure({ faults: [{ kind: 'reset-after-generate' }] });
		const refused = await run({
			parameters: capped(1, { retryUncertain: true }),
			items: rows(1, 'lost'),
		});
		expect(refused.error?.message).toBe(capMessage(1, 1, 1));
		expect(paid()).toBe(1);

		emulator().reset();
		emulator().configure({ latencyMs: 40, faults: [{ kind: 'reset-after-generate' }] });
		const retried = await run({
			parameters: capped(2, { retryUncertain: true, concurrency: 1 }),
			items: rows(2, 'lost again'),
			continueOnFail: true,
		});
		// The first item's lost answer and its retry fill the cap of 2: the second item is held back.
		expect(paid()).toBe(2);
		expect(retried.items!.map((item) => item.json.error ?? 'image')).toEqual([
			'image',
			capMessage(2, 2, 1),
		]);
	});

	test('a request that timed out counts as billed; one the API refused does not', async () => {
		emulator().configure({ faults: [{ kind: 'hang' }, { kind: 'illegal-prompt' }] });
		const result = await run({
			parameters: capped(2, { concurrency: 1, timeout: 1 }),
			items: rows(4, 'timed'),
			continueOnFail: true,
		});
		const outcomes = result.items!.map(
			(item) => (item.json.error as string | undefined)?.slice(0, 30) ?? 'image',
		);
		expect(outcomes).toEqual([
			'Seedream did not answer within',
			'Seedream refused the content: ',
			'image',
			capMessage(2, 2, 1).slice(0, 30),
		]);
		expect(paid()).toBe(1);
	});

	test('no cap (0, the default) sends everything, as before', async () => {
		const result = await run({ parameters: capped(0), items: rows(6, 'plain') });
		expect(result.error).toBeUndefined();
		expect(paid()).toBe(6);
	});

	test('a price per image of your own prices the items and the custom data', async () => {
		const result = await run({
			parameters: capped(0, { pricePerImage: 0.025 }),
			items: rows(3, 'priced'),
		});
		expect(result.items!.map((item) => item.json.costUsd)).toEqual([0.025, 0.025, 0.025]);
		expect(result.customData).toEqual({ seedream_images_billed: '3', seedream_cost_usd: '0.075' });
	});
});

describe('the cap counts every run of the node in one execution', () => {
	test('a loop of three batches of 3 with a cap of 5: the second batch reaches it, the third sends nothing', async () => {
		const { runs, customData } = await runInLoop(capped(5), rows(9, 'loop'), 3, {
			continueOnFail: true,
			credentials: credentials(),
		});
		expect(paid()).toBe(5);
		const outputs = runs.map((task) => task.data?.main?.[0] ?? []);
		// The loop ends after the third batch: three runs of Seedream in one execution.
		expect(outputs.map((items) => errorsOf(items).length)).toEqual([0, 1, 3]);
		expect(errorsOf(outputs[1])[0].json.error).toBe(capMessage(5, 5, 1));
		expect(customData).toEqual({ seedream_images_billed: '5', seedream_cost_usd: '0.2' });
	});

	test.each(['ownRun', 'inProcess'] as const)(
		'an AI agent (%s) whose third tool call meets a cap of 2 is told to stop',
		async (kind) => {
			const result = await runAsTool(
				kind,
				{ prompt: "={{ $fromAI('prompt') }}", options: { maxImagesPerExecution: 2 } },
				[{ prompt: 'a red kite' }, { prompt: 'a blue kite' }, { prompt: 'a green kite' }],
				credentials(),
			);
			expect(paid()).toBe(2);
			const [first, second, third] = result.call!.observations;
			expect(first).toContain("The workflow's spending cap allows 1 more image(s) in this run.");
			expect(second).toContain(
				"The workflow's spending cap allows no more images in this run: do not call this tool again.",
			);
			expect(third).toContain(capMessage(2, 2, 1));
			expect(third).toContain(
				'do not call this tool again; tell the user the spending cap was reached',
			);
			expect(result.customData).toEqual({ seedream_images_billed: '2', seedream_cost_usd: '0.08' });
		},
	);
});
