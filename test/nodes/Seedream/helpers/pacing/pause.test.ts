/** The wait between retries: as long as asked, cut short by cancelling, never a rejection. */
import { pause } from '../../../../../nodes/Seedream/helpers/pacing/pause';

beforeEach(() => {
	jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask', 'setImmediate'] });
});
afterEach(() => {
	jest.useRealTimers();
	jest.restoreAllMocks();
});

async function settle(): Promise<void> {
	for (let turn = 0; turn < 10; turn++) await Promise.resolve();
}

/** A pause whose end the test can check. */
function pausing(ms: number, signal?: AbortSignal) {
	let done = false;
	const promise = pause(ms, signal).then(() => {
		done = true;
	});
	return { promise, done: () => done };
}

test.each([0, -1, -1000])('%p ms: resolves at once', async (ms) => {
	const wait = pausing(ms);
	await settle();
	expect(wait.done()).toBe(true);
});

test('without a signal: resolves after the time, not before', async () => {
	const wait = pausing(1500);
	await jest.advanceTimersByTimeAsync(1499);
	expect(wait.done()).toBe(false);
	await jest.advanceTimersByTimeAsync(1);
	expect(wait.done()).toBe(true);
});

test('with a signal that never fires: resolves after the time, not before', async () => {
	const wait = pausing(1500, new AbortController().signal);
	await jest.advanceTimersByTimeAsync(1499);
	expect(wait.done()).toBe(false);
	await jest.advanceTimersByTimeAsync(1);
	expect(wait.done()).toBe(true);
});

test('cancelling resolves it at once, without an error', async () => {
	const controller = new AbortController();
	const wait = pausing(60_000, controller.signal);
	await jest.advanceTimersByTimeAsync(100);
	expect(wait.done()).toBe(false);
	controller.abort(new Error('stopped'));
	await expect(wait.promise).resolves.toBeUndefined();
	expect(wait.done()).toBe(true);
});

test('an execution already cancelled does not wait, nor listen', async () => {
	const controller = new AbortController();
	controller.abort();
	const listen = jest.spyOn(controller.signal, 'addEventListener');
	const wait = pausing(60_000, controller.signal);
	await settle();
	expect(wait.done()).toBe(true);
	expect(listen).not.toHaveBeenCalled();
});

test('its abort listener is removed afterwards, so a long execution does not collect them', async () => {
	const controller = new AbortController();
	const added = jest.spyOn(controller.signal, 'addEventListener');
	const removed = jest.spyOn(controller.signal, 'removeEventListener');
	for (let round = 0; round < 3; round++) {
		const wait = pausing(10, controller.signal);
		await jest.advanceTimersByTimeAsync(10);
		expect(wait.done()).toBe(true);
	}
	expect(added).toHaveBeenCalledTimes(3);
	expect(removed).toHaveBeenCalledTimes(3);
	for (const [index, call] of added.mock.calls.entries()) {
		expect(removed.mock.calls[index][0]).toBe('abort');
		expect(removed.mock.calls[index][1]).toBe(call[1]);
	}
});
