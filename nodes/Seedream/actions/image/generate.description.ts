import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_MODEL, MAX_IMAGES_TOTAL, MODEL_IDS, MODELS } from '../../helpers/models';
import { options } from './options.description';
import { sizeProperties } from './size.description';

const models = MODEL_IDS.map((id) => MODELS[id]);
const maxReferences = Math.max(...models.map((model) => model.maxReferences));
const fewerReferences = models.filter((model) => model.maxReferences < maxReferences);

const properties: INodeProperties[] = [
	{
		displayName: 'Model',
		name: 'model',
		type: 'options',
		default: DEFAULT_MODEL,
		options: models.map((model) => ({
			name: model.name,
			value: model.id,
			description: `${model.summary}. About $${model.usdPerImage} an image.`,
		})),
		description: 'Which Seedream model generates the images. Sizes and limits follow the model.',
	},
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
		description:
			`Images the model should build on, up to ${maxReferences}` +
			fewerReferences.map((model) => ` (${model.name}: ${model.maxReferences})`).join(''),
		options: [
			{ name: 'None', value: 'none', description: 'Text to image' },
			{
				name: 'From Binary Data',
				value: 'binary',
				description:
					'Images in the input item, e.g. from Read Files, HTTP Request or a form upload',
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
		hint: 'JPEG, PNG, WebP, BMP, TIFF or GIF (Seedream 4.0: JPEG or PNG), up to 10 MB each',
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
	...models.flatMap(sizeProperties),
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
		description:
			'The most images the set may hold; the model may return fewer. Each image is billed.',
		hint: `Reference images count toward the API's total of ${MAX_IMAGES_TOTAL}: the node asks for at most ${MAX_IMAGES_TOTAL} minus the number of references`,
		displayOptions: { show: { sequentialImageGeneration: ['auto'] } },
	},
	options,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);
