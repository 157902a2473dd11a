// The spending cap's bookkeeping against what it guards: a request's latency. Measured with the
// built node's own code (dist/) in this process: open the ledger, reserve the most a request can
// bill, settle what it billed, close; alone and with 4 requests reserving at once (Concurrency
// 4), against one generation request to the emulator at its configured latency, in the same run.
const path = require('node:path');

const { requestMs } = require('./bench-reuse');

const ROOT = path.resolve(__dirname, '..');
const ROUNDS = 20_000;

/** Just what SpendingCap.open reads from n8n's IExecuteFunctions. */
function context(executionId) {
	const node = {};
	return {
		getExecutionId: () => executionId,
		getContext: () => node,
		getNode: () => ({ name: 'Seedream' }),
		getExecutionCancelSignal: () => undefined,
	};
}

/** Milliseconds per request of reserve + settle, `atOnce` requests reserving together. */
async function bookkeepingMs(SpendingCap, atOnce) {
	const cap = SpendingCap.open(context(`bench-${atOnce}`), ROUNDS * 2);
	const started = performance.now();
	for (let n = 0; n < ROUNDS; n += atOnce) {
		const held = await Promise.all(Array.from({ length: atOnce }, () => cap.reserve(1)));
		for (const reservation of held) reservation.settle(1);
	}
	const ms = (performance.now() - started) / ROUNDS;
	cap.close();
	return ms;
}

async function runCap({ emulator, baseUrl, key, latencyMs, print, progress, round }) {
	const { SpendingCap } = require(path.join(ROOT, 'dist/nodes/Seedream/helpers/pacing/spendingCap.js'));
	progress(`cap: ${ROUNDS} reservations alone and 4 at once, against one request at ${latencyMs} ms latency`);
	await bookkeepingMs(SpendingCap, 1); // warm-up
	const alone = await bookkeepingMs(SpendingCap, 1);
	const contended = await bookkeepingMs(SpendingCap, 4);
	emulator.reset();
	emulator.configure({ latencyMs });
	const request = await requestMs(baseUrl, key);
	print('cap_request_ms', round(request, 1));
	print('cap_bookkeeping_ms_per_request', round(alone, 5));
	print('cap_bookkeeping_ms_per_request_4_at_once', round(contended, 5));
	print('cap_bookkeeping_share_of_request', round(Math.max(alone, contended) / request, 8));
}

module.exports = { runCap };
