/** How one request's images become output items: names, pairing, fields, and error items. */
import type { IBinaryData } from 'n8n-workflow';

import type { ImageOutcome } from '../../../../../nodes/Seedream/helpers/results/downloads';
import {
	errorItems,
	failureList,
	fileNameFor,
	imageItems,
	pairedItems,
	type ItemSource,
} from '../../../../../nodes/Seedream/helpers/results/outputItems';
import type { ResultEntry } from '../../../../../nodes/Seedream/helpers/results/responseParsing';

describe('fileNameFor', () => {
	test('without a name: which item and which image, with the real extension', () => {
		expect(fileNameFor('', 0, 0, 1, 'png')).toBe('seedream-item0-image0.png');
		expect(fileNameFor('', 4, 2, 3, 'jpg')).toBe('seedream-item4-image2.jpg');
	});

	test('a name for one image is used as it is, its extension replaced by the real one', () => {
		expect(fileNameFor('banner', 0, 0, 1, 'png')).toBe('banner.png');
		expect(fileNameFor('banner.png', 0, 0, 1, 'jpg')).toBe('banner.jpg');
		expect(fileNameFor('photo.JPEG', 0, 0, 1, 'webp')).toBe('photo.webp');
		expect(fileNameFor('scan.tif', 0, 0, 1, 'tiff')).toBe('scan.tiff');
	});

	test('a set numbers its images from 1', () => {
		expect([0, 1, 2].map((index) => fileNameFor('banner.png', 7, index, 3, 'png'))).toEqual([
			'banner-1.png',
			'banner-2.png',
			'banner-3.png',
		]);
	});

	test('only image extensions are taken off', () => {
		expect(fileNameFor('report.v2', 0, 0, 1, 'png')).toBe('report.v2.png');
		expect(fileNameFor('notes.txt', 0, 0, 1, 'png')).toBe('notes.txt.png');
	});
});

describe('pairedItems', () => {
	test('one input item: an object; several: a list, in order', () => {
		expect(pairedItems([3])).toEqual({ item: 3 });
		expect(pairedItems([0, 2, 5])).toEqual([{ item: 0 }, { item: 2 }, { item: 5 }]);
	});
});

describe('failureList', () => {
	test('only failed entries, with their code when they have one', () => {
		const entries: ResultEntry[] = [
			{ index: 0, kind: 'url', url: 'https://a' },
			{ index: 1, kind: 'failed', code: 'OutputImageSensitiveContentDetected', message: 'flagged' },
			{ index: 2, kind: 'failed', message: 'Empty image entry (null)' },
		];
		expect(failureList(entries)).toStrictEqual([
			{ index: 1, code: 'OutputImageSensitiveContentDetected', message: 'flagged' },
			{ index: 2, message: 'Empty image entry (null)' },
		]);
		expect(failureList([{ index: 0, kind: 'url', url: 'https://a' }])).toEqual([]);
	});
});

describe('imageItems', () => {
	const source: ItemSource = {
		itemIndexes: [2],
		prompt: 'a kite over the sea',
		binaryPropertyOutput: 'image',
		downloadImages: true,
		inputJson: {},
		cost: { images: 1, usd: 0.04 },
	};
	const urlEntry: ResultEntry & { kind: 'url' } = { index: 0, kind: 'url', url: 'https://cdn.example.com/a.png' };
	const binary = { data: 'AAAA', mimeType: 'image/png', fileName: 'kite.png' } as IBinaryData;
	const info = { format: 'png' as const, mimeType: 'image/png', extension: 'png', width: 2048, height: 2048 };

	test('a downloaded image: its binary under the chosen property, and exactly these fields', () => {
		const [item] = imageItems(source, [{ entry: urlEntry, binary, info }], [urlEntry], undefined);
		expect(item.binary).toEqual({ image: binary });
		expect(item.pairedItem).toEqual({ item: 2 });
		expect(item.json).toStrictEqual({
			index: 0,
			count: 1,
			url: 'https://cdn.example.com/a.png',
			size: '2048x2048',
			width: 2048,
			height: 2048,
			mimeType: 'image/png',
			fileName: 'kite.png',
			prompt: 'a kite over the sea',
			itemIndex: 2,
			billedImages: 1,
			costUsd: 0.04,
		});
	});

	test('fields without a value are left out, not set to undefined', () => {
		const inline: ResultEntry & { kind: 'inline' } = { index: 0, kind: 'inline', bytes: Buffer.from('x') };
		const [item] = imageItems(source, [{ entry: inline }], [inline], undefined);
		expect(item.json).toStrictEqual({ index: 0, count: 1, prompt: 'a kite over the sea', itemIndex: 2, billedImages: 1, costUsd: 0.04 });
		const [unpriced] = imageItems({ ...source, cost: { images: 1 } }, [{ entry: inline }], [inline], undefined);
		expect(unpriced.json).not.toHaveProperty('costUsd');
		expect(Object.values(item.json)).not.toContain(undefined);
		expect(item.binary).toBeUndefined();
	});

	test('the requested size stands in when the image\'s own is unknown', () => {
		const [item] = imageItems({ ...source, width: 2848, height: 1600 }, [{ entry: urlEntry }], [urlEntry], undefined);
		expect(item.json).toMatchObject({ size: '2848x1600', width: 2848, height: 1600 });
		const [measured] = imageItems({ ...source, width: 2848, height: 1600 }, [{ entry: urlEntry, info }], [urlEntry], undefined);
		expect(measured.json).toMatchObject({ size: '2048x2048', width: 2048, height: 2048 });
	});

	test('a set: one item per image in the API\'s order, each with usage and the images that failed', () => {
		const second: ResultEntry & { kind: 'url' } = { index: 2, kind: 'url', url: 'https://cdn.example.com/c.png' };
		const failed: ResultEntry = { index: 1, kind: 'failed', code: 'E', message: 'flagged' };
		const usage = { generated_images: 2 };
		const items = imageItems(
			source,
			[{ entry: urlEntry, binary, info }, { entry: second, downloadError: 'The image download answered HTTP 404' }],
			[urlEntry, failed, second],
			usage,
		);
		expect(items.map((item) => [item.json.index, item.json.count])).toEqual([
			[0, 3],
			[2, 3],
		]);
		for (const item of items) {
			expect(item.json.usage).toEqual(usage);
			expect(item.json.failedImages).toEqual([{ index: 1, code: 'E', message: 'flagged' }]);
		}
		expect(items[1].json.downloadError).toBe('The image download answered HTTP 404');
		expect(items[1].binary).toBeUndefined();
		expect(items[0].json).not.toHaveProperty('downloadError');
	});

	test('combined items: pairs with every input item and lists them; the first is the itemIndex', () => {
		const [item] = imageItems({ ...source, itemIndexes: [1, 4] }, [{ entry: urlEntry }], [urlEntry], undefined);
		expect(item.pairedItem).toEqual([{ item: 1 }, { item: 4 }]);
		expect(item.json).toMatchObject({ itemIndex: 1, itemIndexes: [1, 4] });
	});

	test('the input item\'s JSON comes first; the node\'s fields win over same-named ones', () => {
		const [item] = imageItems(
			{ ...source, inputJson: { campaign: 'spring', prompt: 'old prompt', index: 99 } },
			[{ entry: urlEntry }],
			[urlEntry],
			undefined,
		);
		expect(item.json).toMatchObject({ campaign: 'spring', prompt: 'a kite over the sea', index: 0 });
		expect(Object.keys(item.json)[0]).toBe('campaign');
	});

	test('an inline image without downloading gets a note saying how to get its bytes', () => {
		const inline: ResultEntry & { kind: 'inline' } = { index: 0, kind: 'inline', bytes: Buffer.from('x') };
		const [kept] = imageItems({ ...source, downloadImages: false }, [{ entry: inline, info }], [inline], undefined);
		expect(kept.json.note).toBe(
			'The API returned this image inline; turn on Download Images to get it as binary data',
		);
		const [linked] = imageItems({ ...source, downloadImages: false }, [{ entry: urlEntry }], [urlEntry], undefined);
		expect(linked.json).not.toHaveProperty('note');
	});

	test('no outcomes, no items', () => {
		expect(imageItems(source, [] as ImageOutcome[], [], undefined)).toEqual([]);
	});
});

describe('errorItems', () => {
	test('one item per input item of the failed request, with the description when there is one', () => {
		const error = Object.assign(new Error('Seedream failed (500): boom'), { description: 'Try again later.' });
		expect(errorItems([0, 3], error)).toStrictEqual([
			{ json: { error: 'Seedream failed (500): boom', description: 'Try again later.' }, pairedItem: { item: 0 } },
			{ json: { error: 'Seedream failed (500): boom', description: 'Try again later.' }, pairedItem: { item: 3 } },
		]);
	});

	test('no description field for an empty, missing or non-text description', () => {
		for (const description of [undefined, '', null, 42]) {
			const error = Object.assign(new Error('bad'), { description });
			expect(errorItems([1], error)).toStrictEqual([{ json: { error: 'bad' }, pairedItem: { item: 1 } }]);
		}
	});
});
