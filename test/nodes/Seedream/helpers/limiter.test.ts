/**
 * The adaptive concurrency limit and the shared "not before" gate of an execution. Tasks here
 * are promises the test settles, so every step is observed, never timed.
 */
import { Limiter, RateGate } from '../../../../nodes/Seedream/helpers/limiter';

function deferred<T = void>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((res, rej) => {
		resolve = res;
		reject = rej;
	});
	return { promise, resolve, reject };
}

/** Lets every pending promise callback run. */
async function settle(): Promise<void> {
	for (let turn = 0; turn < 20; turn++) await Promise.resolve();
}

/** Tasks the test finishes one by one, recording start order and how many ran at once. */
function tracker(limiter: Limiter) {
	const started: number[] = [];
	const gates = new Map<number, ReturnType<typeof deferred<void>>>();
	let active = 0;
	let peak = 0;
	const submit = (id: number) =>
		limiter.run(async () => {
			started.push(id);
			peak = Math.max(peak, ++active);
			const gate = deferred();
			gates.set(id, gate);
			try {
				await gate.promise;
				return id;
			} finally {
				active--;
			}
		});
	return {
		started,
		peak: () => peak,
		submit,
		async finish(id: number) {
			gates.get(id)!.resolve();
			await settle();
		},
		async fail(id: number, error: Error) {
			gates.get(id)!.reject(error);
			await settle();
		},
	};
}

/** How many tasks the limiter starts at once right now (the probe calls neither onSuccess nor onRateLimited). */
async function widthOf(limiter: Limiter): Promise<number> {
	const gate = deferred();
	let started = 0;
	const runs = Array.from({ length: 40 }, async () =>
		await limiter.run(async () => {
			started++;
			await gate.promise;
		}),
	);
	await settle();
	const width = started;
	gate.resolve();
	await Promise.all(runs);
	return width;
}

describe('Limiter: how many run at once', () => {
	test('never more than the limit, and every task runs', async () => {
		const limiter = new Limiter(3);
		const tasks = tracker(limiter);
		const results = Array.from({ length: 10 }, (_, id) => tasks.submit(id));
		await settle();
		expect(tasks.started).toEqual([0, 1, 2]);
		for (let id = 0; id < 10; id++) await tasks.finish(id);
		expect(await Promise.all(results)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
		expect(tasks.peak()).toBe(3);
	});

	test('waiting tasks start in the order they came (FIFO), whatever order the running ones end', async () => {
		const limiter = new Limiter(2);
		const tasks = tracker(limiter);
		for (let id = 0; id < 6; id++) void tasks.submit(id);
		await settle();
		await tasks.finish(1);
		await tasks.finish(0);
		await tasks.finish(3);
		await tasks.finish(2);
		expect(tasks.started).toEqual([0, 1, 2, 3, 4, 5]);
		await tasks.finish(4);
		await tasks.finish(5);
	});

	test('a task that throws gives its place to the next one, and its caller gets the error', async () => {
		const limiter = new Limiter(1);
		const tasks = tracker(limiter);
		const first = tasks.submit(0);
		const second = tasks.submit(1);
		await settle();
		await tasks.fail(0, new Error('boom'));
		await expect(first).rejects.toThrow('boom');
		expect(tasks.started).toEqual([0, 1]);
		await tasks.finish(1);
		await expect(second).resolves.toBe(1);
	});

	test('a limit below one, or fractional, is held to a whole number of at least one', async () => {
		expect(await widthOf(new Limiter(0))).toBe(1);
		expect(await widthOf(new Limiter(-3))).toBe(1);
		expect(await widthOf(new Limiter(2.7))).toBe(2);
	});
});

describe('Limiter: adapting to rate limits', () => {
	test('a rate limit lowers the width by one: running tasks finish, no new one starts in their place', async () => {
		const limiter = new Limiter(3);
		const tasks = tracker(limiter);
		for (let id = 0; id < 6; id++) void tasks.submit(id);
		await settle();
		expect(tasks.started).toEqual([0, 1, 2]);
		limiter.onRateLimited();
		await tasks.finish(0);
		expect(tasks.started).toEqual([0, 1, 2]);
		await tasks.finish(1);
		expect(tasks.started).toEqual([0, 1, 2, 3]);
		for (const id of [2, 3, 4, 5]) await tasks.finish(id);
		expect(tasks.started).toEqual([0, 1, 2, 3, 4, 5]);
	});

	test('never below one, however many rate limits', async () => {
		const limiter = new Limiter(4);
		for (let hit = 0; hit < 10; hit++) limiter.onRateLimited();
		expect(await widthOf(limiter)).toBe(1);
	});

	test('climbs back by one after as many successes in a row as it is wide', async () => {
		const limiter = new Limiter(4);
		limiter.onRateLimited();
		limiter.onRateLimited();
		limiter.onRateLimited();
		expect(await widthOf(limiter)).toBe(1);
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(2);
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(2);
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(3);
		limiter.onSuccess();
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(3);
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(4);
	});

	test('climbing back starts a waiting task at once', async () => {
		const limiter = new Limiter(2);
		const tasks = tracker(limiter);
		limiter.onRateLimited();
		for (let id = 0; id < 3; id++) void tasks.submit(id);
		await settle();
		expect(tasks.started).toEqual([0]);
		limiter.onSuccess();
		await settle();
		expect(tasks.started).toEqual([0, 1]);
		for (const id of [0, 1, 2]) await tasks.finish(id);
	});

	test('a rate limit starts the count of successes again', async () => {
		const limiter = new Limiter(5);
		limiter.onRateLimited(); // 4
		limiter.onSuccess();
		limiter.onSuccess();
		limiter.onRateLimited(); // 3: the two successes no longer count
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(3);
		limiter.onSuccess();
		limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(4);
	});

	test('never above the setting, however many successes', async () => {
		const limiter = new Limiter(2);
		for (let success = 0; success < 20; success++) limiter.onSuccess();
		expect(await widthOf(limiter)).toBe(2);
		const fractional = new Limiter(2.5);
		for (let success = 0; success < 20; success++) fractional.onSuccess();
		expect(await widthOf(fractional)).toBe(2);
	});
});

describe('RateGate: one "not before" time for every request', () => {
	beforeEach(() => {
		jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
	});
	afterEach(() => {
		jest.useRealTimers();
	});

	/** A wait whose end the test can check. */
	function waiting(gate: RateGate, signal?: AbortSignal) {
		let done = false;
		const promise = gate.wait(signal).then(() => {
			done = true;
		});
		return { promise, done: () => done };
	}

	test('without a hold, wait returns at once', async () => {
		const wait = waiting(new RateGate());
		await settle();
		expect(wait.done()).toBe(true);
	});

	test('holdFor(ms): every waiter is released together, when the time is up and not before', async () => {
		const gate = new RateGate();
		gate.holdFor(1000);
		const first = waiting(gate);
		const second = waiting(gate);
		await jest.advanceTimersByTimeAsync(999);
		expect([first.done(), second.done()]).toEqual([false, false]);
		await jest.advanceTimersByTimeAsync(1);
		expect([first.done(), second.done()]).toEqual([true, true]);
	});

	test('a shorter hold never shortens a longer one', async () => {
		const gate = new RateGate();
		gate.holdFor(2000);
		gate.holdFor(100);
		const wait = waiting(gate);
		await jest.advanceTimersByTimeAsync(1999);
		expect(wait.done()).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		expect(wait.done()).toBe(true);
	});

	test('a hold made while others wait extends their wait too', async () => {
		const gate = new RateGate();
		gate.holdFor(1000);
		const wait = waiting(gate);
		await jest.advanceTimersByTimeAsync(500);
		gate.holdFor(1000);
		await jest.advanceTimersByTimeAsync(999);
		expect(wait.done()).toBe(false);
		await jest.advanceTimersByTimeAsync(1);
		expect(wait.done()).toBe(true);
	});

	test('a hold that has passed holds nobody', async () => {
		const gate = new RateGate();
		gate.holdFor(1000);
		await jest.advanceTimersByTimeAsync(1000);
		const wait = waiting(gate);
		await settle();
		expect(wait.done()).toBe(true);
	});

	test('cancelling the execution ends the wait at once', async () => {
		const gate = new RateGate();
		gate.holdFor(60_000);
		const controller = new AbortController();
		const wait = waiting(gate, controller.signal);
		await jest.advanceTimersByTimeAsync(10);
		expect(wait.done()).toBe(false);
		controller.abort();
		await settle();
		expect(wait.done()).toBe(true);
	});

	test('an execution already cancelled does not wait', async () => {
		const gate = new RateGate();
		gate.holdFor(60_000);
		const controller = new AbortController();
		controller.abort();
		const wait = waiting(gate, controller.signal);
		await settle();
		expect(wait.done()).toBe(true);
	});
});
