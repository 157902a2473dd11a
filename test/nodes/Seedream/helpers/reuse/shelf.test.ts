import {
	addResult,
	emptyShelf,
	entriesOf,
	prune,
	readShelf,
	removeResult,
	validResults,
	type StoredResult,
} from '../../../../../nodes/Seedream/helpers/reuse/shelf';

const result = (name: string, generatedAt: number, validUntil = generatedAt + 1000): StoredResult => ({
	generatedAt,
	validUntil,
	count: 1,
	links: [{ index: 0, url: `https://cdn.example.com/${name}.png` }],
});

describe('a shelf of paid results', () => {
	test('results of one request stay in the order they were made; expired ones are not offered', () => {
		const shelf = emptyShelf();
		addResult(shelf, 'k', result('a', 100), 100, 10);
		addResult(shelf, 'k', result('b', 200), 200, 10);
		addResult(shelf, 'k', result('short', 300, 350), 300, 10);
		expect(validResults(shelf, 'k', 400).map((r) => r.links[0].url)).toEqual([
			'https://cdn.example.com/a.png',
			'https://cdn.example.com/b.png',
		]);
		expect(validResults(shelf, 'other', 400)).toEqual([]);
	});

	test('the same result is kept once', () => {
		const shelf = emptyShelf();
		addResult(shelf, 'k', result('a', 100), 100, 10);
		addResult(shelf, 'k', result('a', 100), 100, 10);
		expect(shelf.results.k).toHaveLength(1);
	});

	test('never more than the bound: the oldest go first, across requests', () => {
		const shelf = emptyShelf();
		for (let n = 0; n < 8; n++) addResult(shelf, `k${n % 3}`, result(`r${n}`, n * 10, 10_000), n * 10, 5);
		const kept = Object.values(shelf.results).flat().map((r) => r.generatedAt).sort((a, b) => a - b);
		expect(kept).toEqual([30, 40, 50, 60, 70]);
		prune(shelf, 10_001, 5);
		expect(shelf.results).toEqual({});
	});

	test('a result whose links died is taken off', () => {
		const shelf = emptyShelf();
		addResult(shelf, 'k', result('a', 100), 100, 10);
		addResult(shelf, 'k', result('b', 100), 100, 10);
		expect(removeResult(shelf, 'k', 'https://cdn.example.com/a.png')).toBe(true);
		expect(removeResult(shelf, 'k', 'https://cdn.example.com/a.png')).toBe(false);
		expect(removeResult(shelf, 'k', 'https://cdn.example.com/b.png')).toBe(true);
		expect(shelf.results).toEqual({});
	});

	test.each([undefined, null, 'text', [], { version: 2, results: {} }, { version: 1 }])(
		'anything that is not a shelf reads as an empty one: %p',
		(value) => {
			expect(readShelf(value)).toEqual(emptyShelf());
		},
	);

	test('damaged entries are dropped, sound ones kept', () => {
		const shelf = readShelf({
			version: 1,
			results: { k: [result('a', 1), { generatedAt: 'x' }, { ...result('b', 1), links: [] }], bad: 'x' },
		});
		expect(shelf.results).toEqual({ k: [result('a', 1)] });
	});

	test('entries come back as the API gave them, failed images in place', () => {
		expect(
			entriesOf({
				generatedAt: 1,
				validUntil: 2,
				count: 3,
				links: [
					{ index: 2, url: 'https://cdn.example.com/c.png' },
					{ index: 0, url: 'https://cdn.example.com/a.png' },
				],
				failed: [{ index: 1, code: 'OutputImageSensitiveContentDetected', message: 'sensitive' }],
			}),
		).toEqual([
			{ index: 0, kind: 'url', url: 'https://cdn.example.com/a.png' },
			{ index: 1, kind: 'failed', code: 'OutputImageSensitiveContentDetected', message: 'sensitive' },
			{ index: 2, kind: 'url', url: 'https://cdn.example.com/c.png' },
		]);
	});
});
