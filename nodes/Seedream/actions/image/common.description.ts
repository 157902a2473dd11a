import type { INodeProperties } from 'n8n-workflow';

import { MAX_IMAGES_TOTAL, type ModelRules } from '../../helpers/models';

/**
 * The parameters every Image action shares, written once: each action's description file puts
 * them together with its own texts and defaults. The names are what saved workflows store.
 */

export function promptProperty(placeholder: string, description: string): INodeProperties {
	return {
		displayName: 'Prompt',
		name: 'prompt',
		type: 'string',
		required: true,
		default: '',
		placeholder,
		description,
		typeOptions: { rows: 4 },
	};
}

/** "up to 14 (Seedream 4.0: 10)": the reference limits of the models that take references. */
export function referenceLimits(models: ModelRules[]): string {
	const most = Math.max(...models.map((model) => model.maxReferences));
	const fewer = models.filter((model) => model.maxReferences < most && model.maxReferences > 0);
	return `up to ${most}${fewer.map((model) => ` (${model.name}: ${model.maxReferences})`).join('')}`;
}

const FROM_BINARY = {
	name: 'From Binary Data',
	value: 'binary',
	description: 'Images in the input item, e.g. from Read Files, HTTP Request or a form upload',
};
const FROM_URLS = {
	name: 'From URLs',
	value: 'url',
	description: 'Public image links or data:image/...;base64, URIs',
};

/** The ids of the models a column leaves out: their parameters for it are hidden. */
function idsWithout(models: ModelRules[], takes: (model: ModelRules) => boolean): string[] {
	return models.filter((model) => !takes(model)).map((model) => model.id);
}

/**
 * Where the reference images come from, and the field that names them for each source; hidden
 * for models that take no references.
 */
export function referenceProperties(
	models: ModelRules[],
	texts: {
		displayName: string;
		description: string;
		withNone: boolean;
		binaryNames: string;
		urls: string;
	},
): INodeProperties[] {
	const { displayName, description } = texts;
	const hide = { model: idsWithout(models, (model) => model.maxReferences > 0) };
	const source: INodeProperties = texts.withNone
		? {
				displayName,
				name: 'referenceImages',
				type: 'options',
				default: 'none',
				description,
				options: [
					{ name: 'None', value: 'none', description: 'Text to image' },
					FROM_BINARY,
					FROM_URLS,
				],
				displayOptions: { hide },
			}
		: {
				displayName,
				name: 'referenceImages',
				type: 'options',
				default: 'binary',
				description,
				options: [FROM_BINARY, FROM_URLS],
			};
	return [
		source,
		{
			displayName: 'Binary Property Names',
			name: 'binaryPropertyNames',
			type: 'string',
			default: 'data',
			required: true,
			placeholder: 'e.g. data, image2',
			description: texts.binaryNames,
			hint: 'JPEG, PNG, WebP, BMP, TIFF or GIF (Seedream 4.0: JPEG or PNG), up to 10 MB each',
			displayOptions: { show: { referenceImages: ['binary'] }, hide },
		},
		{
			displayName: 'Image URLs',
			name: 'imageUrls',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://example.com/product.jpg',
			description: texts.urls,
			typeOptions: { rows: 3 },
			displayOptions: { show: { referenceImages: ['url'] }, hide },
		},
	];
}

/** Watermark and Image Set: how many images, and marked or not; no Image Set for models without sets. */
export function outputProperties(models: ModelRules[]): INodeProperties[] {
	const hide = { model: idsWithout(models, (model) => model.imageSets) };
	return [
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
			displayOptions: { hide },
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
			displayOptions: { show: { sequentialImageGeneration: ['auto'] }, hide },
		},
	];
}
