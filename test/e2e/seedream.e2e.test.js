// End-to-end: n8n-nodes-seedream packed with `npm pack`, installed into a fresh n8n user folder
// the way n8n installs community packages, a credential pointing at the local emulator
// imported, and workflows (the examples and the ones below) run headless with `n8n execute`.
// Both binary modes: filesystem (n8n 2.x's default) and in-memory (1.x's default).
// On the pinned n8n by default; SEEDREAM_N8N_VERSION=1.123.81 runs the examples and the
// key behaviours (`everyVersion`) on the last n8n 1.x (npm test's e2e-1x step).
const { createHash, randomBytes } = require('node:crypto');

const { readImageInfo, renderPng } = require('../emulator/png');
const n8n = require('./lib/n8n');
const { readExample } = require('./lib/examples');
const { restSession } = require('./lib/rest');
const { workflowSuite } = require('./lib/suite');
const { jpeg } = require('../support/images');
const { rows, seedream, toFile, trigger, workflow } = require('./workflows');

const VERSION = process.env.SEEDREAM_N8N_VERSION || n8n.N8N_VERSIONS.pinned;
/** Tests that run on every tested n8n version; plain `test` runs on the pinned 2.x only. */
const everyVersion = test;
const pinnedOnly = VERSION === n8n.N8N_VERSIONS.pinned ? test : () => {};
const KEY = `e2e-${randomBytes(12).toString('hex')}`;
const log = (line) => process.stderr.write(`[e2e] ${String(line).trimEnd()}\n`);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
const example = (name) => readExample(name);

const logo = renderPng({ width: 256, height: 256, seed: 'example-reference' });
const refs = [0, 1, 2].map((n) => renderPng({ width: 64 + n * 16, height: 64, seed: `ref-${n}` }));
const photo = jpeg(400, 300);

const testWorkflows = {
	urlReferences: workflow('e2e: URL references', [
		trigger(),
		rows('Links', [{ links: ['https://img.example.com/a.png', 'https://img.example.com/b.jpg'] }]),
		seedream({ prompt: 'blend these', referenceImages: 'url', imageUrls: '={{ $json.links }}', size: '4K' }),
	]),
	combined: workflow('e2e: combined items', [
		trigger(),
		rows('Photos', refs.map((bytes, n) => ({ n, photo: bytes.toString('base64') }))),
		toFile('Convert to File', 'photo', 'photo.png', 'image/png'),
		seedream({
			prompt: 'one scene with all three products',
			referenceImages: 'binary',
			binaryPropertyNames: 'photo',
			options: { combineItems: true },
		}),
	]),
	continueOnFail: workflow('e2e: continue on fail', [
		trigger(),
		rows('Prompts', [{ prompt: 'first' }, { prompt: '[fault:illegal-prompt] second' }, { prompt: 'third' }]),
		seedream({ prompt: '={{ $json.prompt }}', options: { concurrency: 2 } }, { onError: 'continueRegularOutput' }),
	]),
	failure: workflow('e2e: failure', [
		trigger(),
		rows('Prompt', [{ prompt: '[fault:no-balance] anything' }]),
		seedream({ prompt: '={{ $json.prompt }}' }),
	]),
	badInput: workflow('e2e: bad input', [
		trigger(),
		rows('Not an image', [{ text: Buffer.from('just some text, not a picture').toString('base64') }]),
		toFile('Convert to File', 'text', 'notes.txt', 'text/plain'),
		seedream({ prompt: 'x', referenceImages: 'binary', binaryPropertyNames: 'text' }),
	]),
	linksOnly: workflow('e2e: links only', [
		trigger(),
		seedream({ prompt: 'a poster', options: { downloadImages: false } }),
	]),
	modelLite: workflow('e2e: Seedream 5.0 Lite at 3K', [
		trigger(),
		seedream({
			model: 'seedream-5.0-lite',
			prompt: 'a wide banner of a kite festival',
			size: 'aspectRatio',
			aspectRatio: '16:9',
			resolution: '3K',
		}),
	]),
	modelV40: workflow('e2e: Seedream 4.0 with a JPEG reference at 1K', [
		trigger(),
		rows('Photo', [{ photo: photo.toString('base64') }]),
		toFile('Convert to File', 'photo', 'photo.jpg', 'image/jpeg'),
		seedream({
			model: 'seedream-4.0',
			prompt: 'the same product on a beach',
			referenceImages: 'binary',
			binaryPropertyNames: 'photo',
			size: 'aspectRatio',
			aspectRatio: '4:3',
			resolution: '1K',
		}),
	]),
	liteAt4K: workflow('e2e: a 4K preset on 5.0 Lite', [
		trigger(),
		seedream({ model: 'seedream-5.0-lite', prompt: 'x', size: '4K' }),
	]),
	v30Seeded: workflow('e2e: Seedream 3.0 with a fixed seed, never reused', [
		trigger(),
		seedream({
			model: 'seedream-3-0-txt2img',
			prompt: 'a red kite over a beach, flat illustration',
			size: 'aspectRatio',
			aspectRatio: '16:9',
			seed: 424242,
			guidanceScale: 4,
			options: { reuseResults: 'never' },
		}),
	]),
	otherRoute: workflow('e2e: Other (by route name)', [
		trigger(),
		seedream({ model: 'other', modelRoute: 'seedream-5.0-lite', prompt: 'a kite festival poster' }),
	]),
	otherMissing: workflow('e2e: Other, a route the Base URL lacks', [
		trigger(),
		seedream({ model: 'other', modelRoute: 'seedream-5.0-pro', prompt: 'a kite festival poster' }),
	]),
};

const suite = workflowSuite({
	key: KEY,
	version: VERSION,
	log,
	workflows: () => ({
		campaign: example('campaign-visuals'),
		logo: example('logo-mockup-from-binary'),
		storyboard: example('storyboard-image-set'),
		...testWorkflows,
	}),
});
const { run } = suite;

/** The image bytes of an item, checked against what the emulator serves for its URL. */
async function expectServedImage(instance, item, property = 'data') {
	const binary = item.binary?.[property];
	expect(binary).toBeDefined();
	const bytes = await instance.readBinary(binary);
	const served = Buffer.from(await (await fetch(item.json.url)).arrayBuffer());
	expect(sha256(bytes)).toBe(sha256(served));
	const info = readImageInfo(bytes);
	expect(info).toMatchObject({ format: 'png', width: item.json.width, height: item.json.height });
	expect(binary.mimeType).toBe('image/png');
	expect(binary.fileExtension).toBe('png');
	expect(binary.bytes ?? bytes.length).toBe(bytes.length);
	return { bytes, binary };
}

describe.each(['filesystem', 'default'])('in a real n8n, %s binary mode', (binaryMode) => {
	everyVersion('example campaign-visuals: three products in, three 16:9 images out, named by SKU', async () => {
		const { result, output, requests, instance } = await run(binaryMode, 'campaign');
		expect(result.ok).toBe(true);
		expect(requests.map((request) => request.body.prompt).sort()).toEqual([
			'Advertising photo of a red stunt kite over a windy beach at golden hour, crisp product focus, no text',
			'Advertising photo of a teal ceramic coffee mug on a sunlit wooden cafe table, crisp product focus, no text',
			'Advertising photo of oak-brown hiking boots on a mossy mountain trail in morning mist, crisp product focus, no text',
		]);
		for (const request of requests) {
			// Saved before the Model parameter existed: still Seedream 4.5.
			expect(request.model).toBe('seedream-4.5');
			expect(request.authorization).toBe('Bearer ***');
			expect(request.body).toMatchObject({ size: '2848x1600', watermark: false, sequential_image_generation: 'disabled' });
			expect(Object.keys(request.body).sort()).toEqual(['prompt', 'sequential_image_generation', 'size', 'watermark']);
		}
		expect(output).toHaveLength(3);
		expect(output.map((item) => [item.pairedItem, item.json.sku, item.json.fileName, item.json.size])).toEqual([
			[{ item: 0 }, 'KITE-RED', 'KITE-RED.png', '2848x1600'],
			[{ item: 1 }, 'BOOT-OAK', 'BOOT-OAK.png', '2848x1600'],
			[{ item: 2 }, 'MUG-TEAL', 'MUG-TEAL.png', '2848x1600'],
		]);
		for (const item of output) {
			const { binary } = await expectServedImage(instance, item);
			expect(binary.fileName).toBe(item.json.fileName);
			if (binaryMode === 'filesystem') expect(binary.id).toMatch(/^filesystem-v2:/);
			else expect(binary.id).toBeUndefined();
		}
		expect(suite.emulator.downloads.every((download) => !download.authorizationPresent)).toBe(true);
	});

	everyVersion('example logo-mockup-from-binary: a Convert to File binary becomes the reference', async () => {
		const { result, output, requests, instance } = await run(binaryMode, 'logo');
		expect(result.ok).toBe(true);
		expect(requests).toHaveLength(1);
		expect(requests[0].body.size).toBe('1728x2304');
		expect(requests[0].body.image).toEqual([
			expect.objectContaining({ dataUri: true, format: 'png', bytes: logo.length, width: 256, height: 256, sha256: sha256(logo) }),
		]);
		expect(output).toHaveLength(1);
		expect(output[0].binary.data).toBeUndefined();
		await expectServedImage(instance, output[0], 'mockup');
		expect(output[0].json).toMatchObject({ width: 1728, height: 2304, index: 0, count: 1 });
	});
});

describe('in a real n8n, filesystem binary mode', () => {
	const mode = 'filesystem';

	everyVersion('example storyboard-image-set: one request, four images, one item each', async () => {
		const { result, output, requests, instance, stats } = await run(mode, 'storyboard');
		expect(result.ok).toBe(true);
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toMatchObject({
			size: '2K',
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 4 },
		});
		expect(output.map((item) => [item.json.index, item.json.count, item.json.fileName, item.pairedItem])).toEqual([
			[0, 4, 'storyboard-1.png', { item: 0 }],
			[1, 4, 'storyboard-2.png', { item: 0 }],
			[2, 4, 'storyboard-3.png', { item: 0 }],
			[3, 4, 'storyboard-4.png', { item: 0 }],
		]);
		const hashes = [];
		for (const item of output) hashes.push(sha256((await expectServedImage(instance, item)).bytes));
		expect(new Set(hashes).size).toBe(4);
		expect(stats.generated).toBe(4);
	});

	pinnedOnly('URL references are sent as links, at 4K', async () => {
		const { result, output, requests } = await run(mode, 'urlReferences');
		expect(result.ok).toBe(true);
		expect(requests[0].body).toMatchObject({
			size: '4K',
			image: ['https://img.example.com/a.png', 'https://img.example.com/b.jpg'],
		});
		expect(output).toHaveLength(1);
		expect(output[0].json).toMatchObject({ width: 4096, height: 4096, size: '4096x4096' });
	});

	pinnedOnly('combined items: three items\' binaries in one request, the image paired with all three', async () => {
		const { result, output, requests } = await run(mode, 'combined');
		expect(result.ok).toBe(true);
		expect(requests).toHaveLength(1);
		expect(requests[0].body.image.map((image) => image.sha256)).toEqual(refs.map(sha256));
		expect(output).toHaveLength(1);
		expect(output[0].pairedItem).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
	});

	everyVersion('continue on fail: the refused item becomes an error item between the two images', async () => {
		const { result, output, stats } = await run(mode, 'continueOnFail');
		expect(result.ok).toBe(true);
		expect(output.map((item) => [item.pairedItem, item.json.error ? 'error' : item.json.prompt])).toEqual([
			[{ item: 0 }, 'first'],
			[{ item: 1 }, 'error'],
			[{ item: 2 }, 'third'],
		]);
		expect(output[1].json.error).toMatch(/Seedream refused the content/);
		expect(output[1].binary).toBeUndefined();
		expect(stats.generated).toBe(2);
	});

	everyVersion('an API failure fails the execution with the API\'s message and advice', async () => {
		const { result } = await run(mode, 'failure');
		expect(result.ok).toBe(false);
		const error = n8n.nodeError(result.execution, 'Seedream');
		expect(error.message).toMatch(/HighwayAPI reports an insufficient balance: Insufficient balance/);
		expect(error.description).toMatch(/Top up/);
	});

	everyVersion('a text file as reference is refused before any request', async () => {
		const { result, stats } = await run(mode, 'badInput');
		expect(result.ok).toBe(false);
		const error = n8n.nodeError(result.execution, 'Seedream');
		expect(error.message).toBe(
			'Binary property "text" (notes.txt) is not an image Seedream 4.5 accepts: expected jpeg, png, webp, bmp, tiff, gif, found text ("just some text, not a picture") (declared as text/plain)',
		);
		expect(stats.requests).toBe(0);
	});

	everyVersion('download off: links and metadata only, nothing downloaded', async () => {
		const { result, output, stats } = await run(mode, 'linksOnly');
		expect(result.ok).toBe(true);
		expect(output).toHaveLength(1);
		expect(output[0].binary).toBeUndefined();
		expect(output[0].json.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/files\/.+\.png\?X-Expires=/);
		expect(stats.downloadsTotal).toBe(0);
	});
});

describe('each model in a real n8n', () => {
	const mode = 'filesystem';

	everyVersion('Seedream 5.0 Lite: the 3K 16:9 preset goes to its route and comes back at 4096x2304', async () => {
		const { result, output, requests, instance } = await run(mode, 'modelLite');
		expect(result.ok).toBe(true);
		expect(requests.map((request) => [request.model, request.status, request.body.size])).toEqual([
			['seedream-5.0-lite', 200, '4096x2304'],
		]);
		expect(output).toHaveLength(1);
		await expectServedImage(instance, output[0]);
		expect(output[0].json).toMatchObject({ width: 4096, height: 2304 });
	});

	pinnedOnly('Seedream 4.0: a JPEG reference goes in "images", the 1K 4:3 preset comes back at 1216x912', async () => {
		const { result, output, requests, instance } = await run(mode, 'modelV40');
		expect(result.ok).toBe(true);
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ model: 'seedream-4.0', status: 200 });
		expect(requests[0].body.size).toBe('1216x912');
		expect(requests[0].body.image).toBeUndefined();
		expect(requests[0].body.images).toEqual([
			expect.objectContaining({ dataUri: true, format: 'jpeg', width: 400, height: 300, sha256: sha256(photo) }),
		]);
		await expectServedImage(instance, output[0]);
		expect(output[0].json).toMatchObject({ width: 1216, height: 912 });
	});

	pinnedOnly('a 4K preset on 5.0 Lite is refused before any request, naming the model and its presets', async () => {
		const { result, stats } = await run(mode, 'liteAt4K');
		expect(result.ok).toBe(false);
		expect(n8n.nodeError(result.execution, 'Seedream').message).toBe(
			'Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "4K"',
		);
		expect(stats.requests).toBe(0);
	});
});

describe('Seedream 3.0 and Other (by route name) in a real n8n', () => {
	const mode = 'filesystem';

	everyVersion('Seedream 3.0: a fixed seed run twice with reuse Never sends two requests with that seed, and gets the same image', async () => {
		const runs = [await run(mode, 'v30Seeded'), await run(mode, 'v30Seeded')];
		const hashes = [];
		for (const { result, output, requests, instance } of runs) {
			expect(result.ok).toBe(true);
			expect(requests.map((request) => [request.model, request.status])).toEqual([['seedream-3-0-txt2img', 200]]);
			expect(requests[0].body).toEqual({
				prompt: 'a red kite over a beach, flat illustration',
				model: 'seedream-3-0-t2i-250415',
				size: '1280x720',
				watermark: true,
				seed: 424242,
				guidance_scale: 4,
				response_format: 'url',
			});
			expect(output).toHaveLength(1);
			expect(output[0].json).toMatchObject({ seed: 424242, width: 1280, height: 720, billedImages: 1, costUsd: 0.03 });
			expect(output[0].json.reused).toBeUndefined();
			hashes.push(sha256((await expectServedImage(instance, output[0])).bytes));
		}
		expect(hashes[0]).toBe(hashes[1]);
	});

	everyVersion('Other (by route name): the named route reaches the emulator with the family body, no cost estimated', async () => {
		const { result, output, requests, instance } = await run(mode, 'otherRoute');
		expect(result.ok).toBe(true);
		expect(requests.map((request) => [request.model, request.status])).toEqual([['seedream-5.0-lite', 200]]);
		expect(requests[0].body).toEqual({
			prompt: 'a kite festival poster',
			size: '2K',
			watermark: true,
			sequential_image_generation: 'disabled',
		});
		expect(output).toHaveLength(1);
		expect(output[0].json.billedImages).toBe(1);
		expect(output[0].json.costUsd).toBeUndefined();
		await expectServedImage(instance, output[0]);
	});

	pinnedOnly('Other (by route name): a route the Base URL lacks fails with the 404 advice naming route and Base URL', async () => {
		const { result, stats } = await run(mode, 'otherMissing');
		expect(result.ok).toBe(false);
		const error = n8n.nodeError(result.execution, 'Seedream');
		expect(error.message).toBe(
			`The route /v3/seedream-5.0-pro does not exist on ${suite.emulator.url} (404): No route for POST /v3/seedream-5.0-pro; models served: seedream-4.5, seedream-5.0-lite, seedream-4.0, seedream-3-0-txt2img`,
		);
		expect(error.description).toMatch(/Check Model Route/);
		expect(stats.generated).toBe(0);
	});
});

describe('the credential test, through the n8n editor\'s REST API', () => {
	everyVersion('a good key passes, a wrong one fails, and no image is generated', async () => {
		const { emulator, instances } = suite;
		const instance = instances.filesystem;
		const server = await instance.startServer();
		try {
			const rest = await restSession(server.url);
			emulator.reset();
			const check = async (apiKey, baseUrl) =>
				await rest.post('credentials/test', { credentials: { id: 'highway-emulator', name: 'x', type: 'highwayApi', data: { apiKey, baseUrl } } });
			expect(await check(KEY, `${emulator.url}/`)).toEqual({ status: 'OK', message: 'Connection successful!' });
			expect((await check('not-the-key', emulator.url)).status).toBe('Error');
			expect(emulator.stats().generated).toBe(0);
			expect(emulator.requests).toHaveLength(0);
		} finally {
			await instance.stopServer();
		}
	});
});
