import { captureApi } from '../../support/api';
import { runSeedream, type FixtureItem, type RunOptions } from '../../support/engine';
import { jpeg, largePng, png } from '../../support/images';

/** Runs the node with an API that would record any request; none may arrive. */
async function rejected(parameters: RunOptions['parameters'], items?: FixtureItem[]) {
	const api = captureApi({ times: 20 });
	const result = await runSeedream({ parameters: { prompt: 'a kite', ...parameters }, items });
	expect(api.requests).toHaveLength(0);
	expect(result.items).toBeUndefined();
	expect(result.error?.name).toBe('NodeOperationError');
	return result.error!;
}

const refs = (count: number) =>
	Object.fromEntries(Array.from({ length: count }, (_, index) => [`img${index}`, { bytes: png(20, 20, index) }]));

describe('bad input is rejected before any request is sent', () => {
	test('an empty prompt: n8n itself refuses to start the workflow', async () => {
		const api = captureApi();
		const result = await runSeedream({ parameters: { prompt: '' } });
		expect(api.requests).toHaveLength(0);
		expect(result.error?.message).toMatch(/The 'Seedream' node has issues/);
	});

	test('a prompt of spaces', async () => {
		const error = await rejected({ prompt: '   \n ' });
		expect(error.message).toBe(
			'The prompt is empty: expected a description of the image to generate, found "   \\n "',
		);
	});

	test('a prompt expression that resolves to nothing names the problem', async () => {
		const error = await rejected({ prompt: '={{ $json.missing }}' });
		expect(error.message).toMatch(/prompt/i);
	});

	test.each([
		[1024, 1024, /1,048,576 pixels; Seedream 4.5 accepts 3,686,400 to 16,777,216/],
		[1919, 1920, /3,684,480 pixels/],
		[4097, 4096, /16,781,312 pixels/],
		[16384, 256, /aspect ratio of 64:1; Seedream 4.5 accepts ratios from 1:16 to 16:1/],
		[240, 16000, /aspect ratio of 1:66.67/],
		[2048.5, 2048, /whole numbers/],
	])('custom size %p x %p', async (width, height, message) => {
		const error = await rejected({ size: 'custom', width, height });
		expect(error.message).toMatch(message);
	});

	test('a missing binary property names the properties the item has', async () => {
		const error = await rejected({ referenceImages: 'binary', binaryPropertyNames: 'image' }, [
			{ binary: { data: { bytes: png() }, logo: { bytes: png() } } },
		]);
		expect(error.message).toBe(
			'Item 0 has no binary property "image" (binary properties found: data, logo)',
		);
	});

	test('an item without any binary data, with *', async () => {
		const error = await rejected({ referenceImages: 'binary', binaryPropertyNames: '*' }, [{ json: {} }]);
		expect(error.message).toBe('Item 0 has no binary data to use as reference images: expected at least one binary property, found none');
	});

	test('a binary that is not an image says what it found', async () => {
		const error = await rejected({ referenceImages: 'binary' }, [
			{ binary: { data: { bytes: Buffer.from('%PDF-1.7 ...'), mimeType: 'application/pdf', fileName: 'brief.pdf' } } },
		]);
		expect(error.message).toBe(
			'Binary property "data" (brief.pdf) is not an image Seedream 4.5 accepts: expected jpeg, png, webp, bmp, tiff, gif, found a PDF document (declared as application/pdf)',
		);
	});

	test('base64 text stored as a binary is recognised as such', async () => {
		const error = await rejected({ referenceImages: 'binary' }, [
			{ binary: { data: { bytes: Buffer.from(png().toString('base64')), mimeType: 'image/png' } } },
		]);
		expect(error.message).toMatch(/found plain text \(base64 text, perhaps, rather than binary data\?\)/);
	});

	test.each(['filesystem', 'default'] as const)('a reference over 10 MB (%s mode)', async (binaryMode) => {
		const api = captureApi();
		const result = await runSeedream({
			binaryMode,
			parameters: { prompt: 'x', referenceImages: 'binary' },
			items: [{ binary: { data: { bytes: largePng(10 * 1024 * 1024 + 1), mimeType: 'image/png' } } }],
		});
		expect(api.requests).toHaveLength(0);
		expect(result.error?.message).toBe(
			'Binary property "data" is 10.0 MB; Seedream 4.5 accepts references up to 10.0 MB',
		);
	});

	test('a reference of 8000x4500 (36 million pixels) is accepted', async () => {
		const api = captureApi();
		const result = await runSeedream({
			parameters: { prompt: 'x', referenceImages: 'binary' },
			items: [{ binary: { data: { bytes: jpeg(8000, 4500) } } }],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	test('a reference of exactly 10 MB is accepted', async () => {
		const api = captureApi();
		const result = await runSeedream({
			parameters: { prompt: 'x', referenceImages: 'binary' },
			items: [{ binary: { data: { bytes: largePng(10 * 1024 * 1024), mimeType: 'image/png' } } }],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests).toHaveLength(1);
	});

	test.each([
		[png(14, 100), /14x100 pixels; Seedream 4.5 needs width and height of at least 15 pixels/],
		[jpeg(6001, 6000), /6001x6000 pixels; Seedream 4.5 accepts at most 6000x6000 \(36 million\) pixels/],
		[png(20, 400), /20x400 pixels; Seedream 4.5 accepts reference aspect ratios from 1:16 to 16:1/],
	])('reference dimensions out of range', async (bytes, message) => {
		const error = await rejected({ referenceImages: 'binary' }, [{ binary: { data: { bytes } } }]);
		expect(error.message).toMatch(message);
	});

	test('15 binary references', async () => {
		const error = await rejected({ referenceImages: 'binary', binaryPropertyNames: '*' }, [{ binary: refs(15) }]);
		expect(error.message).toBe('15 reference images; Seedream 4.5 accepts at most 14');
	});

	test('14 binary references are accepted', async () => {
		const api = captureApi();
		const result = await runSeedream({
			parameters: { prompt: 'x', referenceImages: 'binary', binaryPropertyNames: '*' },
			items: [{ binary: refs(14) }],
		});
		expect(result.error).toBeUndefined();
		expect(api.requests[0].body.image).toHaveLength(14);
	});

	test('more than 14 references across combined items', async () => {
		const error = await rejected(
			{ referenceImages: 'binary', binaryPropertyNames: '*', options: { combineItems: true } },
			[{ binary: refs(8) }, { binary: refs(7) }],
		);
		expect(error.message).toBe('15 reference images across the combined items; Seedream 4.5 accepts at most 14');
	});

	test.each([
		['ftp://example.com/a.png', /Image URL 1 is not an http\(s\) URL or data URI: found "ftp:\/\/example.com\/a.png"/],
		['not a link', /Image URL 1 is not an http\(s\) URL or data URI/],
		['data:image/png;base64,SGVsbG8gd29ybGQh', /Image URL 1 is not an image Seedream 4.5 accepts: .* found text \("Hello world!"\) \(declared as image\/png\)/],
		['data:text/plain,hello', /Image URL 1 is not a base64 data URI/],
		[' \n, ', /No image URLs given/],
	])('image URL %p', async (imageUrls, message) => {
		const error = await rejected({ referenceImages: 'url', imageUrls });
		expect(error.message).toMatch(message);
	});

	test('a bad third item stops the node before the first two items are sent', async () => {
		const error = await rejected({ referenceImages: 'binary' }, [
			{ binary: { data: { bytes: png() } } },
			{ binary: { data: { bytes: png() } } },
			{ json: {} },
		]);
		expect(error.message).toMatch(/Item 2 has no binary property "data"/);
		expect((error as { context?: { itemIndex?: number } }).context?.itemIndex).toBe(2);
	});

	test('with continue on fail the bad item becomes an error item and the others are generated', async () => {
		const api = captureApi({ times: 2 });
		const result = await runSeedream({
			continueOnFail: true,
			parameters: { prompt: '={{ $json.prompt }}' },
			items: [{ json: { prompt: 'first' } }, { json: { prompt: ' ' } }, { json: { prompt: 'third' } }],
		});
		expect(api.requests.map((request) => request.body.prompt).sort()).toEqual(['first', 'third']);
		expect(result.items?.map((item) => [item.json.prompt ?? item.json.error, item.pairedItem])).toEqual([
			['first', { item: 0 }],
			['The prompt is empty: expected a description of the image to generate, found " "', { item: 1 }],
			['third', { item: 2 }],
		]);
	});
});
