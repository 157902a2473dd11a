/**
 * Many executions at once in one process, as a Webhook or a Schedule starts them in n8n: each
 * runs the node through n8n-core's real engine against the emulator over real HTTP, and they
 * all share the account's one rate budget (its concurrency limit and its Retry-After hold).
 */
import { sleep } from 'n8n-workflow';

import { budgetStates } from '../../nodes/Seedream/helpers/pacing/accountBudgets';
import { createEmulator } from '../emulator/server';
import { EMULATOR_KEY, useEmulator } from '../support/emulator';
import { runSeedream, type RunResult } from '../support/engine';

const { emulator, credentials } = useEmulator();

/**
 * `count` executions of one item each, `prompt n` for the n-th, started at once or, like webhook
 * calls arriving one after another, `spacingMs` apart.
 */
async function burst(
	count: number,
	prefix: string,
	target = credentials(),
	spacingMs = 0,
): Promise<RunResult[]> {
	return await Promise.all(
		Array.from({ length: count }, async (_, n) => {
			await sleep(n * spacingMs);
			return await runSeedream({ parameters: { prompt: `${prefix} ${n}` }, credentials: target });
		}),
	);
}

async function expectDelivered(results: RunResult[]): Promise<void> {
	for (const result of results) {
		expect(result.error).toBeUndefined();
		expect(result.items).toHaveLength(1);
		const bytes = await result.readBinary(result.items![0]);
		expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
	}
}

/** Each prompt generated (and so paid for) exactly once. */
function expectPaidOnce(prompts: string[]): void {
	const paid = emulator()
		.requests.filter((request) => request.status === 200)
		.map((request) => String(request.body?.prompt));
	expect(paid.sort()).toEqual([...prompts].sort());
	expect(emulator().stats().generated).toBe(prompts.length);
	expect(emulator().stats().downloaded).toBe(prompts.length);
}

const prompts = (count: number, prefix: string) =>
	Array.from({ length: count }, (_, n) => `${prefix} ${n}`);

afterEach(() => {
	// Released when idle: no execution, nothing queued, no hold left.
	expect(budgetStates()).toEqual([]);
});

test('12 executions at once share the Concurrency of 4: never more than 4 requests in flight', async () => {
	emulator().configure({ latencyMs: 1000 });
	const snapshots: string[] = [];
	let running = true;
	const watch = (async () => {
		while (running) {
			snapshots.push(JSON.stringify(budgetStates()));
			await sleep(100);
		}
	})();
	const results = await burst(12, 'shared');
	running = false;
	await watch;
	await expectDelivered(results);
	expect(emulator().stats().maxInFlight).toBeLessThanOrEqual(4);
	expectPaidOnce(prompts(12, 'shared'));
	// One budget for the account while they ran, and the key is nowhere in it.
	const during = snapshots.map((json) => JSON.parse(json)).filter((states) => states.length > 0);
	expect(during.length).toBeGreaterThan(0);
	for (const states of during) expect(states).toHaveLength(1);
	expect(snapshots.join('\n')).not.toContain(EMULATOR_KEY);
});

test('against an API that takes 2 at once, 10 executions at once: all delivered, none paid twice', async () => {
	emulator().configure({ latencyMs: 300, maxConcurrent: 2 });
	const results = await burst(10, 'narrow');
	await expectDelivered(results);
	expectPaidOnce(prompts(10, 'narrow'));
	expect(emulator().stats().maxInFlight).toBeLessThanOrEqual(2);
});

test("one execution's 429 holds every execution of the account, and the refused request goes first after it", async () => {
	emulator().configure({ latencyMs: 300, faults: [{ kind: '429', retryAfter: 2 }] });
	const results = await burst(8, 'held', credentials(), 100);
	await expectDelivered(results);
	expectPaidOnce(prompts(8, 'held'));
	const requests = [...emulator().requests].sort((a, b) => a.seq - b.seq);
	const refused = requests.filter((request) => request.status === 429);
	expect(refused).toHaveLength(1);
	const heldFrom = refused[0].receivedAt;
	// Requests that may have been on their way when the 429 was answered: the first few ms.
	const later = requests.filter((request) => request.receivedAt > heldFrom + 50);
	expect(later.length).toBeGreaterThan(0);
	for (const request of later) expect(request.receivedAt).toBeGreaterThanOrEqual(heldFrom + 1990);
	expect(later[0].body?.prompt).toBe(refused[0].body?.prompt);
});

test('two accounts do not share: a hold on one leaves the other free', async () => {
	const otherKey = 'emu-another-account-key';
	const other = createEmulator({ apiKey: otherKey });
	const otherUrl = await other.start();
	try {
		emulator().configure({ faults: [{ kind: '429', retryAfter: 6 }] });
		const held = runSeedream({
			parameters: { prompt: 'held account' },
			credentials: credentials(),
		});
		while (!budgetStates().some((state) => state.holdMs > 0)) await sleep(20);
		const states = budgetStates();
		const free = await burst(3, 'free account', { apiKey: otherKey, baseUrl: otherUrl });
		await expectDelivered(free);
		await expectDelivered([await held]);
		const [refused, retried] = emulator().requests;
		expect([refused.status, retried.status]).toEqual([429, 200]);
		expect(retried.receivedAt).toBeGreaterThanOrEqual(refused.receivedAt + 5990);
		// The other account's requests went while the first account's hold still ran.
		expect(other.requests.map((request) => request.status)).toEqual([200, 200, 200]);
		for (const request of other.requests)
			expect(request.receivedAt).toBeLessThan(retried.receivedAt);
		expect(states.map((state) => state.holdMs > 0)).toEqual([true]);
		expect(JSON.stringify(states)).not.toContain(EMULATOR_KEY);
	} finally {
		await other.stop();
	}
});
