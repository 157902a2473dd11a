/**
 * The account's rate budget on its own (no engine, no HTTP): who goes first, what a 429 does to
 * the limit and to everyone's next request, and how an execution's cancellation leaves it.
 */
import { sleep } from 'n8n-workflow';

import { AccountBudget } from '../../../../../nodes/Seedream/helpers/pacing/accountBudget';
import { accountId } from '../../../../../nodes/Seedream/helpers/account';
import { budgetStates, leaseBudget } from '../../../../../nodes/Seedream/helpers/pacing/accountBudgets';
import { sha256 } from '../../../../support/system';

/** Starts one acquire per ticket, recording the order in which they are admitted. */
function queueUp(budget: AccountBudget, tickets: number[], admitted: number[]) {
	return tickets.map(async (ticket) => {
		const ok = await budget.acquire(ticket);
		if (ok) admitted.push(ticket);
		return ok;
	});
}

/** Lets pending promise callbacks run. */
const settle = async () => await sleep(0);

describe('the account budget', () => {
	test('admits in order of arrival through its slots', async () => {
		const budget = new AccountBudget(1);
		const tickets = [budget.ticket(), budget.ticket(), budget.ticket()];
		const admitted: number[] = [];
		const done = queueUp(budget, tickets, admitted);
		await settle();
		expect(admitted).toEqual([0]);
		expect(budget.state()).toMatchObject({ active: 1, queued: 2 });
		budget.release();
		await settle();
		expect(admitted).toEqual([0, 1]);
		budget.release();
		budget.release();
		await Promise.all(done);
		expect(admitted).toEqual([0, 1, 2]);
	});

	test('a request refused with a 429 keeps its place: it goes before those that came after it', async () => {
		const budget = new AccountBudget(1);
		const first = budget.ticket();
		expect(await budget.acquire(first)).toBe(true);
		const admitted: number[] = [];
		const later = queueUp(budget, [budget.ticket(), budget.ticket()], admitted);
		// The first request's answer is a 429 asking for 50 ms: it lets its slot go and queues again.
		budget.onRateLimited(Date.now(), 50);
		budget.release();
		await settle();
		expect(admitted).toEqual([]);
		const retry = queueUp(budget, [first], admitted);
		for (let n = 0; n < 3 && admitted.length < 3; n++) {
			while (budget.state().active === 0) await sleep(10);
			budget.release();
			await sleep(10);
		}
		await Promise.all([...later, ...retry]);
		expect(admitted).toEqual([first, 1, 2]);
	});

	test('while a Retry-After holds, nothing is admitted, whatever slots are free', async () => {
		const budget = new AccountBudget(4);
		budget.onRateLimited(Date.now(), 200);
		const admitted: number[] = [];
		const waiting = queueUp(budget, [budget.ticket(), budget.ticket()], admitted);
		await sleep(100);
		expect(admitted).toEqual([]);
		expect(budget.state().holdMs).toBeGreaterThan(0);
		await Promise.all(waiting);
		expect(admitted).toEqual([0, 1]);
	});

	test('when a hold ends, waiting requests go one at a time until one sent after the 429 succeeds', async () => {
		const budget = new AccountBudget(4);
		budget.onRateLimited(Date.now(), 30);
		const activeAtEachAdmission: number[] = [];
		const waiting = [0, 1, 2].map(async () => {
			await budget.acquire(budget.ticket());
			activeAtEachAdmission.push(budget.state().active);
		});
		await Promise.all(waiting);
		// Paced: each was admitted alone, not three at the same instant.
		expect(activeAtEachAdmission).toEqual([1, 2, 3]);
		for (let n = 0; n < 3; n++) budget.release();
		budget.onSuccess(Date.now());
		// Not paced any more: two more are let go at once.
		const admitted: number[] = [];
		const next = queueUp(budget, [budget.ticket(), budget.ticket()], admitted);
		await settle();
		expect(admitted).toHaveLength(2);
		await Promise.all(next);
	});

	test('a 429 lowers the limit once per round of requests, and successes bring it back', async () => {
		const budget = new AccountBudget(4);
		const sentAt = Date.now();
		for (let n = 0; n < 4; n++) budget.onRateLimited(sentAt, 0);
		expect(budget.state().limit).toBe(3);
		await sleep(5);
		budget.onRateLimited(Date.now(), 0);
		expect(budget.state().limit).toBe(2);
		for (let n = 0; n < 2; n++) budget.onSuccess(Date.now());
		expect(budget.state().limit).toBe(3);
		for (let n = 0; n < 3; n++) budget.onSuccess(Date.now());
		expect(budget.state().limit).toBe(4);
		for (let n = 0; n < 10; n++) budget.onSuccess(Date.now());
		expect(budget.state().limit).toBe(4);
	});

	test('an execution with a wider Concurrency widens it; a narrower one does not narrow it', () => {
		const budget = new AccountBudget(4);
		budget.widen(2);
		expect(budget.state()).toMatchObject({ limit: 4, ceiling: 4 });
		budget.widen(8);
		expect(budget.state()).toMatchObject({ limit: 8, ceiling: 8 });
	});

	test('a cancelled execution leaves the queue without taking a slot', async () => {
		const budget = new AccountBudget(1);
		expect(await budget.acquire(budget.ticket())).toBe(true);
		const controller = new AbortController();
		const cancelled = budget.acquire(budget.ticket(), controller.signal);
		const admitted: number[] = [];
		const next = queueUp(budget, [budget.ticket()], admitted);
		controller.abort();
		expect(await cancelled).toBe(false);
		budget.release();
		await Promise.all(next);
		expect(admitted).toEqual([2]);
		expect(budget.state()).toMatchObject({ active: 1, queued: 0 });
	});
});

describe('one budget per account in the process', () => {
	test('the same base URL and key share one budget, named by a hash of the key, never the key', () => {
		const a = leaseBudget(accountId('http://api.test', 'sk-key-one'), 4);
		const b = leaseBudget(accountId('http://api.test', 'sk-key-one'), 4);
		const other = leaseBudget(accountId('http://api.test', 'sk-key-two'), 4);
		const elsewhere = leaseBudget(accountId('http://proxy.test', 'sk-key-one'), 4);
		expect(b.budget).toBe(a.budget);
		expect(other.budget).not.toBe(a.budget);
		expect(elsewhere.budget).not.toBe(a.budget);
		const ids = budgetStates().map((state) => state.id);
		expect(ids.sort()).toEqual(
			[
				`http://api.test ${sha256('sk-key-one')}`,
				`http://api.test ${sha256('sk-key-two')}`,
				`http://proxy.test ${sha256('sk-key-one')}`,
			].sort(),
		);
		expect(JSON.stringify(budgetStates())).not.toMatch(/sk-key/);
		for (const lease of [a, b, other, elsewhere]) lease.release();
		expect(budgetStates()).toEqual([]);
	});

	test('a budget with a Retry-After still running outlives its executions, then is forgotten', async () => {
		const lease = leaseBudget(accountId('http://api.test', 'sk-held'), 4);
		lease.budget.onRateLimited(Date.now(), 100);
		lease.release();
		lease.release(); // twice is harmless
		expect(budgetStates()).toEqual([expect.objectContaining({ users: 0, queued: 0 })]);
		// The next execution of the account still honours the hold.
		const again = leaseBudget(accountId('http://api.test', 'sk-held'), 4);
		expect(again.budget).toBe(lease.budget);
		again.release();
		await sleep(150);
		leaseBudget(accountId('http://other.test', 'sk-other'), 1).release();
		expect(budgetStates()).toEqual([]);
	});
});
