import type { INodeExecutionData } from 'n8n-workflow';

import { useEmulator, EMULATOR_KEY } from '../support/emulator';
import { runSeedream } from '../support/engine';

const { emulator, credentials, logs } = useEmulator();

/** What one item's fault should end in; `paidLost` images are billed but cannot be delivered. */
interface Expectation {
	directive: string;
	images: number;
	error: boolean;
	paidLost: number;
}

const SET = 2; // every prompt asks for a set of two images

const FAULTS: Array<[weight: number, expectation: Expectation]> = [
	[50, { directive: '', images: SET, error: false, paidLost: 0 }],
	[6, { directive: '[fault:429*2]', images: SET, error: false, paidLost: 0 }],
	[6, { directive: '[fault:500*1]', images: SET, error: false, paidLost: 0 }],
	[4, { directive: '[fault:502*1]', images: SET, error: false, paidLost: 0 }],
	[4, { directive: '[fault:503*1]', images: SET, error: false, paidLost: 0 }],
	[4, { directive: '[fault:download-500]', images: SET, error: false, paidLost: 0 }],
	[3, { directive: '[fault:download-reset]', images: SET, error: false, paidLost: 0 }],
	[5, { directive: '[fault:partial]', images: SET - 1, error: false, paidLost: 0 }],
	[4, { directive: '[fault:illegal-prompt]', images: 0, error: true, paidLost: 0 }],
	[3, { directive: '[fault:no-balance]', images: 0, error: true, paidLost: 0 }],
	[3, { directive: '[fault:empty-images]', images: 0, error: true, paidLost: 0 }],
	[3, { directive: '[fault:reset*1]', images: 0, error: true, paidLost: 0 }],
	[3, { directive: '[fault:malformed-json]', images: 0, error: true, paidLost: SET },],
	[3, { directive: '[fault:reset-after-generate]', images: 0, error: true, paidLost: SET }],
	[2, { directive: '[fault:expired-links]', images: 0, error: true, paidLost: SET }],
];

/** A small seeded generator, so a failing soak can be replayed exactly. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

function pick(next: () => number): Expectation {
	const total = FAULTS.reduce((sum, [weight]) => sum + weight, 0);
	let roll = next() * total;
	for (const [weight, expectation] of FAULTS) {
		roll -= weight;
		if (roll < 0) return expectation;
	}
	return FAULTS[0][1];
}

test('soak: 500 items with random faults, continue on fail: no item lost or duplicated, no image lost', async () => {
	const ITEMS = 500;
	const next = random(20261124);
	const plan = Array.from({ length: ITEMS }, () => pick(next));
	emulator().configure({ retryAfterSeconds: 0, latencyMs: 5 });

	expect(credentials().baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	const result = await runSeedream({
		credentials: credentials(),
		continueOnFail: true,
		parameters: {
			prompt: '={{ $json.directive }} soak item {{ $json.n }}, a set of 2 images',
			sequentialImageGeneration: 'auto',
			maxImages: SET,
			size: '2K',
			options: { concurrency: 8, maxRetries: 4 },
		},
		items: plan.map((expectation, n) => ({ json: { n, directive: expectation.directive } })),
	});
	expect(result.error).toBeUndefined();
	const items = result.items ?? [];

	// Group the output by input item; pairedItem says which.
	const byInput = new Map<number, INodeExecutionData[]>();
	let lastInput = -1;
	for (const item of items) {
		const input = (item.pairedItem as { item: number }).item;
		expect(input).toBeGreaterThanOrEqual(lastInput); // output stays in input order
		lastInput = input;
		byInput.set(input, [...(byInput.get(input) ?? []), item]);
	}
	expect(byInput.size).toBe(ITEMS); // every input item accounted for

	const mismatches: string[] = [];
	plan.forEach((expectation, input) => {
		const outputs = byInput.get(input) ?? [];
		const errors = outputs.filter((item) => item.json.error !== undefined);
		const images = outputs.filter((item) => item.binary?.data);
		const ok = expectation.error
			? errors.length === 1 && outputs.length === 1
			: errors.length === 0 && images.length === expectation.images;
		if (!ok) mismatches.push(`item ${input} ${expectation.directive || 'plain'}: ${JSON.stringify(outputs.map((o) => o.json.error ?? o.json.index))}`);
	});
	expect(mismatches).toEqual([]);

	// No image twice, and every image the emulator billed reached an item, except those the
	// plan says cannot (a lost or unreadable answer, expired links).
	const urls = items.filter((item) => item.binary?.data).map((item) => String(item.json.url));
	expect(new Set(urls).size).toBe(urls.length);
	const stats = emulator().stats();
	const expectedLost = plan.reduce((sum, expectation) => sum + expectation.paidLost, 0);
	expect(stats.downloaded).toBe(urls.length);
	expect(stats.generated - stats.downloaded).toBe(expectedLost);
	expect(stats.maxInFlight).toBeLessThanOrEqual(8);

	expect(JSON.stringify(items) + logs.join('\n')).not.toContain(EMULATOR_KEY);
});
