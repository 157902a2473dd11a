import { captureApi } from '../../support/api';
import { runSeedream, type BinaryMode } from '../../support/engine';
import { bmp, dataUri, gif, jpeg, png, tiff, webp } from '../../support/images';

describe.each<BinaryMode>(['filesystem', 'default'])('binary references (%s binary mode)', (binaryMode) => {
	test('named properties are sent in the order given, as data URIs with the sniffed format', async () => {
		const first = png(32, 32, 'first');
		const second = jpeg(64, 48);
		const api = captureApi();
		const result = await runSeedream({
			binaryMode,
			parameters: { prompt: 'blend', referenceImages: 'binary', binaryPropertyNames: 'photo, logo' },
			items: [{ binary: { logo: { bytes: first, mimeType: 'image/png' }, photo: { bytes: second, mimeType: 'image/jpeg' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests[0].body.image).toEqual([dataUri(second, 'jpeg'), dataUri(first, 'png')]);
	});

	test('* takes every binary property in the item key order', async () => {
		const images = { a: gif(), b: bmp(), c: webp(), d: tiff() };
		const api = captureApi();
		const result = await runSeedream({
			binaryMode,
			parameters: { prompt: 'all', referenceImages: 'binary', binaryPropertyNames: '*' },
			items: [{ binary: Object.fromEntries(Object.entries(images).map(([key, bytes]) => [key, { bytes }])) }],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests[0].body.image).toEqual([
			dataUri(images.a, 'gif'),
			dataUri(images.b, 'bmp'),
			dataUri(images.c, 'webp'),
			dataUri(images.d, 'tiff'),
		]);
	});

	test('the format comes from the bytes, not the declared mime type or file name', async () => {
		const bytes = png(20, 20);
		const api = captureApi();
		const result = await runSeedream({
			binaryMode,
			parameters: { prompt: 'x', referenceImages: 'binary' },
			items: [{ binary: { data: { bytes, mimeType: 'image/jpeg', fileName: 'photo.jpg' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests[0].body.image).toEqual([dataUri(bytes, 'png')]);
	});

	test('each item sends its own references', async () => {
		const one = png(20, 20, 'one');
		const two = png(20, 20, 'two');
		const api = captureApi({ times: 2 });
		const result = await runSeedream({
			binaryMode,
			parameters: { prompt: '={{ $json.name }}', referenceImages: 'binary', options: { concurrency: 1 } },
			items: [
				{ json: { name: 'one' }, binary: { data: { bytes: one } } },
				{ json: { name: 'two' }, binary: { data: { bytes: two } } },
			],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests.map((request) => [request.body.prompt, request.body.image])).toEqual([
			['one', [dataUri(one, 'png')]],
			['two', [dataUri(two, 'png')]],
		]);
	});

	test('combineItems sends one request with every item\'s references in item order, paired with all items', async () => {
		const refs = [png(20, 20, 'r0'), jpeg(30, 30), png(20, 20, 'r2')];
		const api = captureApi({ images: 2 });
		const result = await runSeedream({
			binaryMode,
			parameters: {
				prompt: '={{ $json.prompt }}',
				referenceImages: 'binary',
				options: { combineItems: true },
			},
			items: refs.map((bytes, index) => ({ json: { prompt: `prompt ${index}` }, binary: { data: { bytes } } })),
		});
		expect(result.error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
		expect(api.requests[0].body.prompt).toBe('prompt 0');
		expect(api.requests[0].body.image).toEqual([
			dataUri(refs[0], 'png'),
			dataUri(refs[1], 'jpeg'),
			dataUri(refs[2], 'png'),
		]);
		expect(result.items).toHaveLength(2);
		for (const item of result.items ?? []) {
			expect(item.pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(item.json.itemIndexes).toEqual([0, 1, 2]);
		}
	});
});

describe('URL references', () => {
	test('one URL per line, commas too, sent in order', async () => {
		const { scope, requests } = captureApi();
		const result = await runSeedream({
			parameters: {
				prompt: 'x',
				referenceImages: 'url',
				imageUrls: 'https://a.example/1.png\n  https://a.example/2.jpg , https://a.example/3.webp\n\n',
			},
		});
		expect(result.error).toBeUndefined();
		expect(scope.isDone()).toBe(true);
		expect(requests[0].body.image).toEqual([
			'https://a.example/1.png',
			'https://a.example/2.jpg',
			'https://a.example/3.webp',
		]);
	});

	test('data URIs keep their payload; image/jpg is sent as image/jpeg, and the format is checked', async () => {
		const photo = jpeg(40, 40);
		const { requests } = captureApi();
		const result = await runSeedream({
			parameters: {
				prompt: 'x',
				referenceImages: 'url',
				imageUrls: `data:image/jpg;base64,${photo.toString('base64')}, https://a.example/2.png`,
			},
		});
		expect(result.error).toBeUndefined();
		expect(requests[0].body.image).toEqual([dataUri(photo, 'jpeg'), 'https://a.example/2.png']);
	});

	test('an expression that returns an array of strings works', async () => {
		const { requests } = captureApi();
		const result = await runSeedream({
			parameters: { prompt: 'x', referenceImages: 'url', imageUrls: '={{ $json.links }}' },
			items: [{ json: { links: ['https://a.example/1.png', 'https://a.example/2.png'] } }],
		});
		expect(result.error).toBeUndefined();
		expect(requests[0].body.image).toEqual(['https://a.example/1.png', 'https://a.example/2.png']);
	});

	test('combineItems joins every item\'s URLs in item order', async () => {
		const { requests } = captureApi();
		const result = await runSeedream({
			parameters: {
				prompt: 'x',
				referenceImages: 'url',
				imageUrls: '={{ $json.link }}',
				options: { combineItems: true },
			},
			items: [{ json: { link: 'https://a.example/1.png' } }, { json: { link: 'https://a.example/2.png' } }],
		});
		expect(result.error).toBeUndefined();
		expect(requests).toHaveLength(1);
		expect(requests[0].body.image).toEqual(['https://a.example/1.png', 'https://a.example/2.png']);
	});
});
