import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import {
	ASPECT_RATIO_SIZES,
	DEFAULT_CONCURRENCY,
	DEFAULT_MAX_RETRIES,
	DEFAULT_TIMEOUT_SECONDS,
	MAX_CONCURRENCY,
	MAX_IMAGES_TOTAL,
	MAX_REFERENCE_IMAGES,
	MAX_TOTAL_PIXELS,
	MIN_TOTAL_PIXELS,
} from '../../helpers/constants';

const properties: INodeProperties[] = [
	{
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. A bright product photo of a red sneaker on a white background',
		description:
			'What to generate, in English or Chinese. Keep it under about 600 English words. For an image set, say how many images you want.',
		typeOptions: { rows: 4 },
	},
	{
		displayName: 'Reference Images',
		name: 'referenceImages',
		type: 'options',
		default: 'none',
		description: `Images the model should build on, up to ${MAX_REFERENCE_IMAGES}`,
		options: [
			{ name: 'None', value: 'none', description: 'Text to image' },
			{
				name: 'From Binary Data',
				value: 'binary',
				description: 'Images in the input item, e.g. from Read Files, HTTP Request or a form upload',
			},
			{
				name: 'From URLs',
				value: 'url',
				description: 'Public image links or data:image/...;base64, URIs',
			},
		],
	},
	{
		displayName: 'Binary Property Names',
		name: 'binaryPropertyNames',
		type: 'string',
		default: 'data',
		required: true,
		placeholder: 'e.g. data, image2',
		description:
			'Names of the binary properties of the input item that hold the images, separated by commas, in the order to send them. Use * for every binary property of the item.',
		hint: 'JPEG, PNG, WebP, BMP, TIFF or GIF, up to 10 MB each',
		displayOptions: { show: { referenceImages: ['binary'] } },
	},
	{
		displayName: 'Image URLs',
		name: 'imageUrls',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'https://example.com/product.jpg',
		description:
			'One image URL or data:image/...;base64, URI per line (commas separate too). An expression that returns an array of strings also works.',
		typeOptions: { rows: 3 },
		displayOptions: { show: { referenceImages: ['url'] } },
	},
	{
		displayName: 'Size',
		name: 'size',
		type: 'options',
		default: '2K',
		options: [
			{ name: '2K (Model Picks the Aspect Ratio)', value: '2K' },
			{ name: '4K (Model Picks the Aspect Ratio)', value: '4K' },
			{ name: 'Aspect Ratio Preset', value: 'aspectRatio' },
			{ name: 'Custom Width and Height', value: 'custom' },
		],
		description:
			'With 2K or 4K the model chooses the aspect ratio from the prompt and references',
	},
	{
		displayName: 'Aspect Ratio',
		name: 'aspectRatio',
		type: 'options',
		default: '1:1',
		options: Object.entries(ASPECT_RATIO_SIZES).map(([ratio, sizes]) => ({
			name: ratio,
			value: ratio,
			description: `${sizes['2K']} at 2K, ${sizes['4K']} at 4K`,
		})),
		displayOptions: { show: { size: ['aspectRatio'] } },
	},
	{
		displayName: 'Resolution',
		name: 'resolution',
		type: 'options',
		default: '2K',
		options: [
			{ name: '2K', value: '2K' },
			{ name: '4K', value: '4K' },
		],
		displayOptions: { show: { size: ['aspectRatio'] } },
	},
	{
		displayName: 'Width',
		name: 'width',
		type: 'number',
		default: 2048,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		description: 'In pixels',
		hint: `Width × height: ${MIN_TOTAL_PIXELS.toLocaleString('en-US')} to ${MAX_TOTAL_PIXELS.toLocaleString('en-US')} pixels (e.g. 2048 × 2048 up to 4096 × 4096)`,
		displayOptions: { show: { size: ['custom'] } },
	},
	{
		displayName: 'Height',
		name: 'height',
		type: 'number',
		default: 2048,
		typeOptions: { minValue: 1, numberPrecision: 0 },
		description: 'In pixels',
		hint: 'Width ÷ height: between 1:16 and 16:1',
		displayOptions: { show: { size: ['custom'] } },
	},
	{
		displayName: 'Watermark',
		name: 'watermark',
		type: 'boolean',
		default: true,
		description: 'Whether to add an "AI generated" mark at the bottom right of each image',
	},
	{
		displayName: 'Image Set',
		name: 'sequentialImageGeneration',
		type: 'options',
		default: 'disabled',
		options: [
			{ name: 'Off (One Image)', value: 'disabled' },
			{
				name: 'Auto (Related Images)',
				value: 'auto',
				description: 'The model decides from the prompt how many related images to return',
			},
		],
		description: 'Whether the model may return a set of related images, e.g. a storyboard',
	},
	{
		displayName: 'Max Images',
		name: 'maxImages',
		type: 'number',
		default: MAX_IMAGES_TOTAL,
		typeOptions: { minValue: 1, maxValue: MAX_IMAGES_TOTAL, numberPrecision: 0 },
		description: 'The most images the set may hold; the model may return fewer',
		hint: `Reference images count toward the API's total of ${MAX_IMAGES_TOTAL}: the node asks for at most ${MAX_IMAGES_TOTAL} minus the number of references`,
		displayOptions: { show: { sequentialImageGeneration: ['auto'] } },
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Binary Property Output',
				name: 'binaryPropertyOutput',
				type: 'string',
				default: 'data',
				description: 'Name of the binary property that holds each generated image',
			},
			{
				displayName: 'Combine Into One Request',
				name: 'combineItems',
				type: 'boolean',
				default: false,
				description:
					"Whether to send one request for all input items: their reference images go together (in item order), and the first item's prompt and settings are used",
			},
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				default: DEFAULT_CONCURRENCY,
				typeOptions: { minValue: 1, maxValue: MAX_CONCURRENCY, numberPrecision: 0 },
				description:
					"How many items' requests run at once. The node lowers it by itself when the API answers with a rate limit.",
			},
			{
				displayName: 'Download Images',
				name: 'downloadImages',
				type: 'boolean',
				default: true,
				description:
					'Whether to download each image as binary data. Turn off to get only the links (they expire after about 24 hours) and metadata, e.g. for an AI agent.',
			},
			{
				displayName: 'File Name',
				name: 'fileName',
				type: 'string',
				default: '',
				placeholder: 'e.g. banner-{{ $json.sku }}',
				description:
					'File name of each image, without extension (the real one is added). Several images from one request get -1, -2 … appended. Empty: seedream-item0-image0 and so on, by item and image.',
			},
			{
				displayName: 'Include Input Fields',
				name: 'includeInputJson',
				type: 'boolean',
				default: false,
				description: "Whether to copy the input item's fields into each output item",
			},
			{
				displayName: 'Max Retries',
				name: 'maxRetries',
				type: 'number',
				default: DEFAULT_MAX_RETRIES,
				typeOptions: { minValue: 0, maxValue: 10, numberPrecision: 0 },
				description:
					'Retries on rate limits (429), server errors (5xx) and failed connections, with growing pauses that respect Retry-After. 0 means one attempt. Rejected requests (400, 401, 403) are never retried.',
			},
			{
				displayName: 'Prompt Optimization',
				name: 'promptOptimizationMode',
				type: 'options',
				default: 'standard',
				options: [
					{ name: 'Standard', value: 'standard', description: 'Better prompts, slower' },
					{ name: 'Fast', value: 'fast', description: 'Quicker, lighter rewriting' },
				],
				description: 'Let the model rewrite the prompt before generating. Not sent unless set.',
			},
			{
				displayName: 'Retry After Timeout',
				name: 'retryUncertain',
				type: 'boolean',
				default: false,
				description:
					'Whether to retry when the request timed out, the connection was lost after it was sent, or the answer was unreadable. The API may already have generated and billed those images, so a retry can pay for them twice.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeout',
				type: 'number',
				default: DEFAULT_TIMEOUT_SECONDS,
				typeOptions: { minValue: 10, numberPrecision: 0 },
				description: 'How long to wait for one request. Image sets at 4K can take several minutes.',
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);
