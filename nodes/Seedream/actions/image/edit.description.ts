import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { DEFAULT_MODEL, MODEL_IDS, MODELS } from '../../helpers/models';
import { OTHER_CHOICE } from '../../helpers/otherModel';
import {
	outputProperties,
	promptProperty,
	referenceLimits,
	referenceProperties,
} from './common.description';
import { modelProperties, tuningProperties } from './model.description';
import { options } from './options.description';
import { sizeProperties } from './size.description';

/** The models that take reference images: the image to edit is one. */
const models = [...MODEL_IDS.map((id) => MODELS[id]), OTHER_CHOICE].filter(
	(model) => model.maxReferences > 0,
);

/**
 * Image → Edit Image: the image to edit (the first reference), extra references after it, and
 * an instruction; the size follows the image unless the user picks another.
 */
const properties: INodeProperties[] = [
	...modelProperties(models, DEFAULT_MODEL),
	promptProperty(
		'e.g. Put the bottle on a wooden table at a beach at sunset; keep the label as it is',
		'What to change in the image, in English or Chinese: what to keep, what to add or replace, the style. Extra reference images (a logo, a style) can be named here as "the second image".',
	),
	...referenceProperties(models, {
		displayName: 'Image Source',
		description: `Where the image to edit comes from. Extra reference images may follow it, ${referenceLimits(models)} images in all.`,
		withNone: false,
		binaryNames:
			'The binary property of the input item that holds the image to edit, e.g. data. Extra reference images (a logo, a style) may follow, separated by commas: data, logo.',
		urls: 'The link (or data:image/...;base64, URI) of the image to edit; extra reference images may follow, one per line.',
	}),
	...models.flatMap((model) => sizeProperties(model, 'matchInput')),
	...outputProperties(models),
	...tuningProperties(models),
	options,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['edit'] } },
	properties,
);
