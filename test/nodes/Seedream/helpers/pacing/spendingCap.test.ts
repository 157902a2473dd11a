import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { Refusal } from '../../../../../nodes/Seedream/helpers/errors/nodeErrors';
import {
	SPENDING_FIELD,
	SpendingCap,
} from '../../../../../nodes/Seedream/helpers/pacing/spendingCap';

/** What SpendingCap reads of a run: its execution, its node and that node's context. */
function runOf(executionId: string, node: IDataObject = {}, signal?: AbortSignal) {
	return {
		context: {
			getExecutionId: () => executionId,
			getNode: () => ({ name: 'Seedream' }),
			getContext: () => node,
			getExecutionCancelSignal: () => signal,
		} as unknown as IExecuteFunctions,
		node,
	};
}

let executions = 0;
const fresh = () => runOf(`exec-${++executions}`);

/** Whether a promise has settled after the pending callbacks ran. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
	let done = false;
	promise.then(
		() => (done = true),
		() => (done = true),
	);
	await sleep(0);
	return done;
}

describe('SpendingCap', () => {
	test('without a cap every reservation is granted at once, and billed images are still counted', async () => {
		const { context, node } = fresh();
		const cap = SpendingCap.open(context, undefined);
		const reservations = await Promise.all(
			[1, 15, 15].map(async (most) => await cap.reserve(most)),
		);
		reservations.forEach((reservation) => reservation.settle(2));
		expect(cap.billed).toBe(6);
		expect(cap.remaining).toBeUndefined();
		expect(node[SPENDING_FIELD]).toMatchObject({ billed: 6 });
		cap.close();
	});

	test('a reservation that fits is granted; the rest of what it held is given back on settling', async () => {
		const cap = SpendingCap.open(fresh().context, 10);
		const set = await cap.reserve(4);
		expect(cap.remaining).toBe(6);
		set.settle(2);
		expect(cap.billed).toBe(2);
		expect(cap.remaining).toBe(8);
		cap.close();
	});

	test('one that cannot fit whatever comes back is refused at once, quoting the numbers', async () => {
		const cap = SpendingCap.open(fresh().context, 5);
		(await cap.reserve(3)).settle(3);
		const refusal = await cap.reserve(4).catch((error: unknown) => error);
		expect(refusal).toBeInstanceOf(Refusal);
		expect((refusal as Refusal).message).toBe(
			'Spending cap reached, not sent: Max Images per Execution is 5, this execution has had 3 image(s) billed by this node, and this request could bill 4 more',
		);
		expect((refusal as Refusal).description).toMatch(/or lower Max Images of the image set/);
		expect((refusal as Refusal).forModel).toBe(
			'This execution may still make 2 image(s): call again asking for at most 2, or tell the user.',
		);
		cap.close();
	});

	test('one that may fit once requests in flight answer waits for them, in order of arrival', async () => {
		const cap = SpendingCap.open(fresh().context, 4);
		const first = await cap.reserve(3);
		const second = cap.reserve(2);
		const third = cap.reserve(1);
		// The third would fit now, but the second came first.
		expect(await settled(second)).toBe(false);
		expect(await settled(third)).toBe(false);
		first.settle(1);
		expect(await settled(second)).toBe(true);
		expect(await settled(third)).toBe(true);
		expect(cap.remaining).toBe(0);
		cap.close();
	});

	test('waiters are refused once nothing in flight can free room for them', async () => {
		const cap = SpendingCap.open(fresh().context, 2);
		const first = await cap.reserve(2);
		const waiting = cap.reserve(1).then(
			() => undefined as never as Refusal,
			(error: unknown) => error as Refusal,
		);
		expect(await settled(waiting)).toBe(false);
		first.settle(2);
		expect((await waiting).message).toMatch(
			/has had 2 image\(s\) billed by this node, and this request could bill 1 more$/,
		);
		expect((await waiting).forModel).toMatch(
			/^The workflow allows no more images in this execution: do not call this tool again/,
		);
		cap.close();
	});

	test('a failed request gives everything back; an uncertain one counts all it held', async () => {
		const cap = SpendingCap.open(fresh().context, 10);
		(await cap.reserve(4)).fail(false);
		expect(cap.billed).toBe(0);
		(await cap.reserve(4)).fail(true);
		expect(cap.billed).toBe(4);
		cap.close();
	});

	test('renew counts the attempt that may have been billed and holds room for the next one', async () => {
		const cap = SpendingCap.open(fresh().context, 3);
		const reservation = await cap.reserve(2);
		await expect(reservation.renew()).rejects.toThrow(
			/has had 2 image\(s\) billed by this node, and this request could bill 2 more/,
		);
		expect(cap.billed).toBe(2);
		// Nothing more is held: failing now adds nothing.
		reservation.fail(true);
		expect(cap.billed).toBe(2);
		cap.close();
	});

	test('every run of the node in one execution shares the count, kept in the node context', async () => {
		const { context, node } = fresh();
		const loopBatch = SpendingCap.open(context, 3);
		(await loopBatch.reserve(1)).settle(1);
		// A tool call running at the same time as the first run.
		const parallel = SpendingCap.open(context, 3);
		(await parallel.reserve(1)).settle(1);
		loopBatch.close();
		parallel.close();
		const next = SpendingCap.open(context, 3);
		expect(next.billed).toBe(2);
		expect(next.remaining).toBe(1);
		expect(node[SPENDING_FIELD]).toEqual({ executionId: `exec-${executions}`, billed: 2 });
		next.close();
	});

	test("a Retry is an execution of its own: the failed execution's count does not carry over", async () => {
		const failed = fresh();
		const cap = SpendingCap.open(failed.context, 5);
		(await cap.reserve(1)).settle(1);
		cap.close();
		// n8n hands the Retry the failed execution's node context.
		const retry = SpendingCap.open(runOf('exec-retry', failed.node).context, 5);
		expect(retry.billed).toBe(0);
		retry.close();
	});

	test('cancelling the execution ends a wait', async () => {
		const controller = new AbortController();
		const cap = SpendingCap.open(runOf(`exec-${++executions}`, {}, controller.signal).context, 1);
		await cap.reserve(1);
		const waiting = cap.reserve(1);
		controller.abort();
		await expect(waiting).rejects.toMatchObject({
			failure: { code: 'CANCELLED', uncertain: false },
		});
		cap.close();
	});
});
