// End-to-end: Image → Edit Image with Size "Match Input Image" in a real n8n, the package installed
// as a community package, the API the emulator. A 1080x1350 (4:5) product photo downloaded by
// n8n's HTTP Request node (examples/edit-product-photo.json, its photo link pointed at the
// emulator's sample photos) is edited in its own shape; bad input is refused before any request.
// Runs on the pinned n8n 2.x (step e2e) and on the last 1.x (step e2e-1x, SEEDREAM_N8N_VERSION).
const { createHash, randomBytes } = require('node:crypto');

const { readImageInfo } = require('../emulator/png');
const n8n = require('./lib/n8n');
const { readExample } = require('./lib/examples');
const { workflowSuite } = require('./lib/suite');
const { node, rows, seedream, trigger, workflow } = require('./workflows');

const VERSION = process.env.SEEDREAM_N8N_VERSION || n8n.N8N_VERSIONS.pinned;
const KEY = `edit-${randomBytes(12).toString('hex')}`;
const log = (line) => process.stderr.write(`[e2e edit] ${String(line).trimEnd()}\n`);
const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');
/** Seedream 4.5's pixel range (api-notes.md): a size the API takes lies within it. */
const PIXELS_45 = [3_686_400, 16_777_216];
const INSTRUCTION =
	'Put the bottle on a wooden table at a beach at sunset, soft warm light; keep the bottle, its label and its position exactly as they are';

/** HTTP Request (n8n's own node) downloading `url` as a file into binary `data`. */
const download = (url) =>
	node('Download Product Photo', 'n8n-nodes-base.httpRequest', 4.2, {
		url,
		options: { response: { response: { responseFormat: 'file' } } },
	});
const edit = (parameters) =>
	seedream({ operation: 'edit', prompt: 'Make it winter; keep the bottle as it is', ...parameters });

const suite = workflowSuite({
	key: KEY,
	version: VERSION,
	log,
	workflows: (baseUrl) => ({
		example: readExample('edit-product-photo', { emulatorUrl: baseUrl }),
		fromLink: workflow('e2e edit: the photo as a link', [
			trigger(),
			edit({ referenceImages: 'url', imageUrls: `${baseUrl}/samples/product-1080x1350.png` }),
		]),
		noImage: workflow('e2e edit: no image', [trigger(), rows('Rows', [{ sku: 'BOTTLE-01' }]), edit({})]),
		tooSmall: workflow('e2e edit: an image too small', [
			trigger(),
			download(`${baseUrl}/samples/thumbnail-10x12.png`),
			edit({}),
		]),
		unreadableLink: workflow('e2e edit: a link that cannot be read', [
			trigger(),
			edit({
				referenceImages: 'url',
				imageUrls: `${baseUrl}/files/expired-photo.png?X-Expires=1&X-Signature=x`,
			}),
		]),
	}),
});
const { run } = suite;

/** The size the API was asked for: 4:5, within Seedream 4.5's pixel range. */
function expectFourFiveInRange(size) {
	const [width, height] = size.split('x').map(Number);
	expect(width / height).toBe(0.8);
	expect(width * height).toBeGreaterThanOrEqual(PIXELS_45[0]);
	expect(width * height).toBeLessThanOrEqual(PIXELS_45[1]);
	expect([width % 16, height % 16]).toEqual([0, 0]);
}

describe.each(['filesystem', 'default'])(`n8n ${VERSION}, %s binary mode`, (binaryMode) => {
	test('example edit-product-photo: a 1080x1350 photo from HTTP Request → Edit Image → a 4:5 image, 1856x2320', async () => {
		const { result, output, requests, stats, instance } = await run(binaryMode, 'example');
		expect(result.ok).toBe(true);
		// HTTP Request downloaded the photo once; Seedream sent it, with a 4:5 size.
		expect(stats.samplesServed).toBe(1);
		const photo = await (await fetch(`${suite.baseUrl}/samples/product-1080x1350.png`)).arrayBuffer();
		expect(requests).toHaveLength(1);
		expect(requests[0]).toMatchObject({ model: 'seedream-4.5', status: 200 });
		expect(requests[0].body).toEqual({
			prompt: INSTRUCTION,
			size: '1856x2320',
			watermark: true,
			sequential_image_generation: 'disabled',
			image: [
				expect.objectContaining({ dataUri: true, format: 'png', width: 1080, height: 1350, sha256: sha256(Buffer.from(photo)) }),
			],
		});
		expectFourFiveInRange(requests[0].body.size);
		log(`${binaryMode}: the emulator received size ${requests[0].body.size} for a 1080x1350 photo`);

		// The output: one item, its binary a 4:5 PNG of that size, read back from n8n's storage.
		expect(output).toHaveLength(1);
		const [item] = output;
		expect(item.json).toMatchObject({
			size: '1856x2320',
			width: 1856,
			height: 2320,
			requestedSize: '1856x2320',
			inputSize: '1080x1350',
			fileName: 'BOTTLE-01-beach.png',
			prompt: INSTRUCTION,
		});
		expect(item.json.sizeNote).toBeUndefined();
		const bytes = await instance.readBinary(item.binary.data);
		const info = readImageInfo(bytes);
		expect(info).toEqual({ format: 'png', width: 1856, height: 2320 });
		expect(info.width / info.height).toBe(0.8);
		if (binaryMode === 'filesystem') expect(item.binary.data.id).toMatch(/^filesystem-v2:/);
	});
});

describe(`n8n ${VERSION}, filesystem binary mode`, () => {
	const mode = 'filesystem';

	test('the photo as a link: its first bytes give the size, the link itself is sent', async () => {
		const { result, output, requests, stats, instance } = await run(mode, 'fromLink');
		expect(result.ok).toBe(true);
		expect(stats.samplesServed).toBe(1); // the node read the link's header, once
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toMatchObject({
			size: '1856x2320',
			image: [`${suite.baseUrl}/samples/product-1080x1350.png`],
		});
		expect(output[0].json).toMatchObject({ inputSize: '1080x1350', requestedSize: '1856x2320' });
		expect(readImageInfo(await instance.readBinary(output[0].binary.data))).toMatchObject({
			width: 1856,
			height: 2320,
		});
	});

	test.each([
		['no image', 'noImage', 'Item 0 has no binary property "data" (binary properties found: none)'],
		[
			'an image too small',
			'tooSmall',
			'Binary property "data" (thumbnail-10x12.png) is 10x12 pixels; Seedream 4.5 needs width and height of at least 15 pixels',
		],
		[
			'a link with Match Input Image that cannot be read',
			'unreadableLink',
			'Image URL 1 could not be read to match its size: The image download answered HTTP 404',
		],
	])('%s: refused before any request, quoting what was found', async (_label, name, message) => {
		const { result, stats } = await run(mode, name);
		expect(result.ok).toBe(false);
		const error = n8n.nodeError(result.execution, 'Seedream');
		expect(error.message).toBe(message);
		expect(stats.requests).toBe(0);
		expect(stats.generated).toBe(0);
		log(`${name}: "${error.message}"; emulator requests ${stats.requests}`);
	});
});
