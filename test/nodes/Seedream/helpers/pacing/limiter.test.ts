/**
 * The fixed first-come-first-served limit of an execution's items and downloads. Tasks here are
 * promises the test settles, so every step is observed, never timed. The account's adaptive
 * limit and its Retry-After hold are tested in accountBudget.test.ts.
 */
import { Limiter } from '../../../../../nodes/Seedream/helpers/pacing/limiter';

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

/** How many tasks the limiter starts at once right now. */
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
