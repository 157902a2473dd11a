/**
 * Image → Edit Image and Size "Match Input Image", through n8n-core's engine against the emulator
 * over real HTTP: the request the API receives, the image that comes back, and bad input refused
 * before anything is sent. The size computation itself is proven over many shapes in
 * test/nodes/Seedream/helpers/request/matchInput.test.ts.
 */
import type { INodeParameters } from 'n8n-workflow';

import { MODEL_IDS, MODELS, resolutionsOf } from '../../nodes/Seedream/helpers/models';
import { useEmulator } from '../support/emulator';
import { runSeedream, type FixtureItem, type RunOptions, type RunResult } from '../support/engine';
import { jpeg, png } from '../support/images';
import { runAsTool } from '../support/toolEngine';

const { emulator, credentials } = useEmulator();

async function run(
	options: Partial<RunOptions> & { parameters: INodeParameters },
): Promise<RunResult> {
	return await runSeedream({ ...options, credentials: credentials() });
}

const edit = (parameters: INodeParameters = {}): INodeParameters => ({
	operation: 'edit',
	prompt: 'Put the bottle on a wooden table at a beach at sunset; keep the label',
	...parameters,
});
const photo = (bytes: Buffer, mimeType = 'image/jpeg', name = 'data'): FixtureItem[] => [
	{ json: { sku: 'BOTTLE-1' }, binary: { [name]: { bytes, mimeType, fileName: 'product.jpg' } } },
];
const sent = () => emulator().requests;
/** The body the API received in request `n`, references summarised by the emulator. */
const body = (n = 0) => sent()[n].body as { size: string; image: Array<{ width: number }> };

describe('Edit Image', () => {
	test('a 1080x1350 (4:5) product photo: the API gets a 4:5 size in range and the photo; the image that comes back is 4:5', async () => {
		const result = await run({
			parameters: edit(),
			items: photo(png(1080, 1350, 'bottle'), 'image/png'),
		});
		expect(result.error).toBeUndefined();
		const [request] = sent();
		expect(request.body).toEqual({
			prompt: 'Put the bottle on a wooden table at a beach at sunset; keep the label',
			size: '1856x2320',
			watermark: true,
			sequential_image_generation: 'disabled',
			image: [expect.objectContaining({ dataUri: true, format: 'png', width: 1080, height: 1350 })],
		});
		const [item] = result.items!;
		expect(item.json).toMatchObject({
			size: '1856x2320',
			width: 1856,
			height: 2320,
			requestedSize: '1856x2320',
			inputSize: '1080x1350',
			billedImages: 1,
		});
		expect((item.json.width as number) / (item.json.height as number)).toBe(0.8);
		expect(item.binary?.data.mimeType).toBe('image/png');
	});

	test('extra references follow the image to edit; the size follows the first', async () => {
		const items: FixtureItem[] = [
			{
				json: {},
				binary: {
					data: { bytes: jpeg(1920, 1080), mimeType: 'image/jpeg' },
					logo: { bytes: png(400, 400, 'logo'), mimeType: 'image/png' },
				},
			},
		];
		const result = await run({ parameters: edit({ binaryPropertyNames: 'data, logo' }), items });
		expect(result.error).toBeUndefined();
		expect(body().size).toBe('2816x1584');
		expect(body().image.map((image) => image.width)).toEqual([1920, 400]);
	});

	test('another Size still works for an edit: the aspect-ratio preset', async () => {
		const result = await run({
			parameters: edit({ size: 'aspectRatio', aspectRatio: '16:9', resolution: '2K' }),
			items: photo(jpeg(1080, 1350)),
		});
		expect(result.error).toBeUndefined();
		expect(body().size).toBe('2848x1600');
		expect(result.items![0].json).not.toHaveProperty('inputSize');
	});

	test('the image to edit from a link: its first bytes are read for the size, and the link is sent as it is', async () => {
		// A 1080x1350 image the emulator serves (made by a 4.0 request of that size).
		const made = await run({
			parameters: {
				model: 'seedream-4.0',
				prompt: 'a bottle',
				size: 'custom',
				width: 1080,
				height: 1350,
				options: { downloadImages: false },
			},
		});
		const link = made.items![0].json.url as string;
		emulator().reset();
		const result = await run({ parameters: edit({ referenceImages: 'url', imageUrls: link }) });
		expect(result.error).toBeUndefined();
		expect(sent()[0].body).toMatchObject({ size: '1856x2320', image: [link] });
		expect(result.items![0].json).toMatchObject({
			inputSize: '1080x1350',
			width: 1856,
			height: 2320,
		});
		// The link was read for its header and downloaded once as the result: never with the key.
		expect(emulator().downloads.every((download) => !download.authorizationPresent)).toBe(true);
	});

	test('Continue On Fail: each item is edited at its own shape', async () => {
		const items: FixtureItem[] = [
			...photo(jpeg(1080, 1350)),
			...photo(jpeg(1080, 1920)),
			{ json: { note: 'no photo' } },
		];
		const result = await run({ parameters: edit(), items, continueOnFail: true });
		expect(result.items!.map((item) => item.json.size ?? item.json.error)).toEqual([
			'1856x2320',
			'1584x2816',
			'Item 2 has no binary property "data" (binary properties found: none)',
		]);
	});
});

describe('bad input for an edit is refused before any request, quoting what was found', () => {
	test.each([
		[
			'an image too small',
			edit(),
			photo(jpeg(10, 40)),
			'Binary property "data" (product.jpg) is 10x40 pixels; Seedream 4.5 needs width and height of at least 15 pixels',
		],
		[
			'no image at all',
			edit(),
			[{ json: {} }],
			'Item 0 has no binary property "data" (binary properties found: none)',
		],
		[
			'"none" as the image source',
			// n8n asks for Image URLs too when an expression sets the source.
			edit({ referenceImages: '={{ "none" }}', imageUrls: 'https://cdn.example.com/a.jpg' }),
			photo(jpeg(1080, 1350)),
			'Edit Image needs the image to edit: expected an image from binary data or a link, found "none" under Image Source',
		],
		[
			'Match Input Image on Generate without a reference image',
			{ prompt: 'a kite', size: 'matchInput' },
			[{ json: {} }],
			'Size "Match Input Image" needs an image to match: expected a reference image, found none',
		],
	] as const)('%s', async (_name, parameters, items, message) => {
		const result = await run({
			parameters: parameters as INodeParameters,
			items: items as FixtureItem[],
		});
		expect(result.error?.message).toBe(message);
		expect(sent()).toHaveLength(0);
	});

	test('a link that cannot be read with Match Input Image', async () => {
		const broken = `${credentials().baseUrl}/files/missing.png?X-Expires=1&X-Signature=x`;
		const result = await run({ parameters: edit({ referenceImages: 'url', imageUrls: broken }) });
		expect(result.error?.message).toBe(
			'Image URL 1 could not be read to match its size: The image download answered HTTP 404',
		);
		expect(result.error?.description).toMatch(
			/give the image as binary data or a data URI, or choose another Size/,
		);
		expect(sent()).toHaveLength(0);
	});

	test('a link to something that is not an image', async () => {
		const result = await run({
			parameters: edit({
				referenceImages: 'url',
				imageUrls: `${credentials().baseUrl}/openai/v1/models`,
			}),
		});
		expect(result.error?.message).toMatch(
			/^Image URL 1 (could not be read to match its size|is not an image Seedream 4.5 accepts)/,
		);
		expect(sent()).toHaveLength(0);
	});
});

describe('the emulator accepts every matched size', () => {
	const shapes: Array<[number, number]> = [
		[1024, 1024],
		[1080, 1350],
		[1080, 1920],
		[1920, 1080],
		[3000, 1000],
		[1000, 3000],
		[1600, 100],
		[100, 1600],
		[6000, 6000],
		[15, 15],
		[1001, 777],
		[333, 1999],
	];
	const cases = MODEL_IDS.flatMap((model) =>
		resolutionsOf(MODELS[model]).map((resolution) => [model, resolution] as const),
	);

	test.each(cases)(
		'%s at %s, every shape the model takes as a reference',
		async (model, resolution) => {
			const [low, high] = MODELS[model].referenceRatio;
			const taken = shapes.filter(
				([width, height]) => width / height >= low && width / height <= high,
			);
			const items = taken.map(([width, height]) => photo(jpeg(width, height))[0]);
			const result = await run({
				parameters: edit({ model, resolution, options: { downloadImages: false, concurrency: 8 } }),
				items,
			});
			expect(result.error).toBeUndefined();
			expect(sent().map((request) => request.status)).toEqual(taken.map(() => 200));
			expect(result.items).toHaveLength(taken.length);
		},
	);
});

describe('as an AI agent tool', () => {
	test.each(['ownRun', 'inProcess'] as const)(
		"%s: the agent hands a link and an instruction; the API gets the photo's shape",
		async (kind) => {
			const made = await run({
				parameters: {
					model: 'seedream-4.0',
					prompt: 'a bottle',
					size: 'custom',
					width: 1080,
					height: 1350,
					options: { downloadImages: false },
				},
			});
			const link = made.items![0].json.url as string;
			emulator().reset();
			const result = await runAsTool(
				kind,
				{
					operation: 'edit',
					referenceImages: 'url',
					imageUrls: "={{ $fromAI('imageUrl', 'Link to the image to edit', 'string') }}",
					prompt: "={{ $fromAI('instruction', 'What to change', 'string') }}",
				},
				{ imageUrl: link, instruction: 'Make it winter' },
				credentials(),
			);
			expect(sent()[0].body).toMatchObject({
				prompt: 'Make it winter',
				size: '1856x2320',
				image: [link],
			});
			const [answer] = JSON.parse(result.call!.observation);
			expect(answer.images[0].size).toBe('1856x2320');
			expect(result.call!.toolDescription).toMatch(/^Edits an image with ByteDance Seedream/);
		},
	);
});
