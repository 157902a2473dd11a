/**
 * Every input error, as a user meets it: the node run through n8n-core's engine with the value
 * typed into the parameter or given by an expression, no request sent, and the message saying
 * what was expected and quoting what was found as it was given ("abc", not NaN).
 */
import type { INodeParameters } from 'n8n-workflow';

import { captureApi } from '../../support/api';
import { runSeedream, type FixtureItem } from '../../support/engine';
import { jpeg, largePng, png, webp } from '../../support/images';

interface Row {
	parameters: INodeParameters;
	items?: FixtureItem[];
	message: string;
}

const binary = (...files: Array<[string, Buffer, string?]>): FixtureItem[] => [
	{
		binary: Object.fromEntries(
			files.map(([name, bytes, mimeType]) => [name, { bytes, mimeType: mimeType ?? 'image/png' }]),
		),
	},
];
const manyPngs = (count: number) =>
	binary(...Array.from({ length: count }, (_, index): [string, Buffer] => [`img${index}`, png(20, 20, index)]));
const custom = (width: unknown, height: unknown = 2048) => ({ size: 'custom', width, height }) as INodeParameters;
const longUrl = `ftp://cdn.example.com/${'a'.repeat(120)}.png`;
const ALL_RATIOS = '1:1, 4:3, 3:4, 16:9, 9:16, 3:2, 2:3, 21:9';
const FORMATS_45 = 'jpeg, png, webp, bmp, tiff, gif';

/** One row per input error the node raises; where a value can come as text, a number or nothing, one row each. */
const rows: Record<string, Row> = {
	'unknown model': {
		parameters: { model: '={{ "seedream-9" }}' },
		message: 'Unknown model: expected one of seedream-4.5, seedream-5.0-lite, seedream-4.0, seedream-3-0-txt2img, other, found "seedream-9"',
	},
	'prompt of spaces and a line break': {
		parameters: { prompt: '  \n ' },
		message: 'The prompt is empty: expected a description of the image to generate, found "  \\n "',
	},
	'prompt from an expression that gives a number': {
		parameters: { prompt: '={{ 42 }}' },
		message: 'The prompt must be text, found 42',
	},
	'prompt from an expression that gives a list': {
		parameters: { prompt: '={{ ["a kite", "a dog"] }}' },
		message: 'The prompt must be text, found ["a kite","a dog"]',
	},
	'width as text that is not a number': {
		parameters: custom('={{ "abc" }}'),
		message: 'Width and height must be positive whole numbers of pixels, found "abc" x 2048',
	},
	'width from an expression that gives nothing': {
		parameters: custom('={{ $json.width }}'),
		message: 'Width and height must be positive whole numbers of pixels, found nothing x 2048',
	},
	'height with a fraction': {
		parameters: custom(2048, 2048.5),
		message: 'Width and height must be positive whole numbers of pixels, found 2048 x 2048.5',
	},
	'too few pixels': {
		parameters: custom(1024, 1024),
		message:
			'Size 1024x1024 has 1,048,576 pixels; Seedream 4.5 accepts 3,686,400 to 16,777,216 (for example 2048x2048)',
	},
	'too wide': {
		parameters: custom(16384, 256),
		message: 'Size 16384x256 has an aspect ratio of 64:1; Seedream 4.5 accepts ratios from 1:16 to 16:1',
	},
	'a preset the model lacks': {
		parameters: { model: 'seedream-5.0-lite', size: '4K' },
		message: 'Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "4K"',
	},
	'a resolution the model lacks': {
		parameters: { model: 'seedream-5.0-lite', size: 'aspectRatio', resolution: '4K', aspectRatio: '1:1' },
		message: 'Seedream 5.0 Lite has no such preset: expected one of 2K, 3K, found "4K"',
	},
	'an unknown size': {
		parameters: { size: '={{ "huge" }}' },
		message: 'Unknown size: expected 2K, 4K, aspectRatio, custom or matchInput, found "huge"',
	},
	'an unknown aspect ratio': {
		parameters: { size: 'aspectRatio', resolution: '2K', aspectRatio: '={{ "5:4" }}' },
		message: `Unknown aspect ratio: expected one of ${ALL_RATIOS}, found "5:4"`,
	},
	'an unknown image set mode': {
		parameters: { sequentialImageGeneration: '={{ "always" }}' },
		message: 'Unknown Image Set mode: expected auto or disabled, found "always"',
	},
	'max images as text': {
		parameters: { sequentialImageGeneration: 'auto', maxImages: '={{ "many" }}' },
		message: 'Max Images must be a whole number from 1 to 15, found "many"',
	},
	'max images of zero': {
		parameters: { sequentialImageGeneration: 'auto', maxImages: 0 },
		message: 'Max Images must be a whole number from 1 to 15, found 0',
	},
	'a prompt optimization the model lacks': {
		parameters: { options: { promptOptimizationMode: 'fast' } },
		message: 'Seedream 4.5 does not offer this prompt optimization: expected standard, found "fast"',
	},
	'a watermark that is not true or false': {
		parameters: { watermark: '={{ "yes" }}' },
		message: 'Watermark must be true or false, found "yes"',
	},
	'an unknown Reuse Identical Results': {
		parameters: { options: { reuseResults: '={{ "sometimes" }}' } },
		message: 'Unknown Reuse Identical Results: expected one of retrying, always, never, found "sometimes"',
	},
	'a negative Max Images per Execution': {
		parameters: { options: { maxImagesPerExecution: -1 } },
		message: 'Max Images per Execution must be a whole number of images, 0 for no cap, found -1',
	},
	'Max Images per Execution as a word': {
		parameters: { options: { maxImagesPerExecution: '={{ "many" }}' } },
		message: 'Max Images per Execution must be a whole number of images, 0 for no cap, found "many"',
	},
	'Max Images per Execution with a fraction': {
		parameters: { options: { maxImagesPerExecution: 2.5 } },
		message: 'Max Images per Execution must be a whole number of images, 0 for no cap, found 2.5',
	},
	'a negative Price per Image': {
		parameters: { options: { pricePerImage: '={{ "-0.04" }}' } },
		message: "Price per Image must be an amount in US dollars, 0 for the model's list price, found \"-0.04\"",
	},
	'no binary property names': {
		parameters: { referenceImages: 'binary', binaryPropertyNames: ' , ' },
		items: binary(['data', png()]),
		message: 'No binary property names given for the reference images: expected names such as "data", found " , "',
	},
	'a binary property the item lacks': {
		parameters: { referenceImages: 'binary', binaryPropertyNames: 'image' },
		items: binary(['data', png()], ['logo', png()]),
		message: 'Item 0 has no binary property "image" (binary properties found: data, logo)',
	},
	'every binary property of an item that has none': {
		parameters: { referenceImages: 'binary', binaryPropertyNames: '*' },
		items: [{ json: {} }],
		message:
			'Item 0 has no binary data to use as reference images: expected at least one binary property, found none',
	},
	'a PDF as a reference': {
		parameters: { referenceImages: 'binary' },
		items: binary(['data', Buffer.from('%PDF-1.7\n%stuff'), 'application/pdf']),
		message: `Binary property "data" is not an image Seedream 4.5 accepts: expected ${FORMATS_45}, found a PDF document (declared as application/pdf)`,
	},
	'a WebP reference on Seedream 4.0': {
		parameters: { model: 'seedream-4.0', referenceImages: 'binary' },
		items: binary(['data', webp(), 'image/webp']),
		message:
			'Binary property "data" is not an image Seedream 4.0 accepts: expected jpeg, png, found a WEBP image (declared as image/webp)',
	},
	'a reference over 10 MB': {
		parameters: { referenceImages: 'binary' },
		items: binary(['data', largePng(11 * 1024 * 1024)]),
		message: 'Binary property "data" is 11.0 MB; Seedream 4.5 accepts references up to 10.0 MB',
	},
	'a reference under 15 pixels a side': {
		parameters: { referenceImages: 'binary' },
		items: binary(['data', png(10, 40)]),
		message: 'Binary property "data" is 10x40 pixels; Seedream 4.5 needs width and height of at least 15 pixels',
	},
	'a reference over 36 million pixels': {
		parameters: { referenceImages: 'binary' },
		items: binary(['data', jpeg(6100, 6000), 'image/jpeg']),
		message: 'Binary property "data" is 6100x6000 pixels; Seedream 4.5 accepts at most 6000x6000 (36 million) pixels',
	},
	'a reference too wide for Seedream 4.0': {
		parameters: { model: 'seedream-4.0', referenceImages: 'binary' },
		items: binary(['data', png(400, 100)]),
		message: 'Binary property "data" is 400x100 pixels; Seedream 4.0 accepts reference aspect ratios from 1:3 to 3:1',
	},
	'15 references': {
		parameters: { referenceImages: 'binary', binaryPropertyNames: '*' },
		items: manyPngs(15),
		message: '15 reference images; Seedream 4.5 accepts at most 14',
	},
	'no image URLs': {
		parameters: { referenceImages: 'url', imageUrls: ' \n, ' },
		message: 'No image URLs given: expected one URL or data URI per line, found " \\n, "',
	},
	'no image URLs from an expression that gives nothing': {
		parameters: { referenceImages: 'url', imageUrls: '={{ $json.links }}' },
		message: 'No image URLs given: expected one URL or data URI per line, found nothing',
	},
	'a link that is not http(s)': {
		parameters: { referenceImages: 'url', imageUrls: 'ftp://example.com/a.png' },
		message: 'Image URL 1 is not an http(s) URL or data URI: found "ftp://example.com/a.png"',
	},
	'a long link is quoted in part': {
		parameters: { referenceImages: 'url', imageUrls: longUrl },
		message: `Image URL 1 is not an http(s) URL or data URI: found "${longUrl.slice(0, 79)}…"`,
	},
	'a data URI that is not base64': {
		parameters: { referenceImages: 'url', imageUrls: 'data:text/plain,hello' },
		message:
			'Image URL 1 is not a base64 data URI: expected data:image/<format>;base64,<data>, found "data:text/plain,hello"',
	},
	'a data URI of text': {
		parameters: { referenceImages: 'url', imageUrls: 'data:image/png;base64,SGVsbG8gd29ybGQh' },
		message: `Image URL 1 is not an image Seedream 4.5 accepts: expected ${FORMATS_45}, found text ("Hello world!") (declared as image/png)`,
	},
};

test.each(Object.entries(rows))('%s', async (_name, { parameters, items, message }) => {
	const api = captureApi({ times: 20 });
	const result = await runSeedream({ parameters: { prompt: 'a kite', ...parameters }, items });
	expect(api.requests).toHaveLength(0);
	expect(result.error?.name).toBe('NodeOperationError');
	expect(result.error?.message).toBe(message);
});

test('text that spells a number or a switch is taken as one, as a sheet would give it', async () => {
	const api = captureApi();
	const result = await runSeedream({
		parameters: { prompt: 'a kite', ...custom('={{ "3000" }}', '={{ " 2000 " }}'), watermark: '={{ "False" }}' },
	});
	expect(result.error).toBeUndefined();
	expect(api.requests[0].body).toMatchObject({ size: '3000x2000', watermark: false });
});
