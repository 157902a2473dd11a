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

const models = [...MODEL_IDS.map((id) => MODELS[id]), OTHER_CHOICE];

/** Image → Generate: a prompt, and reference images if the user wants them. */
const properties: INodeProperties[] = [
	...modelProperties(models, DEFAULT_MODEL),
	promptProperty(
		'e.g. A bright product photo of a red sneaker on a white background',
		'What to generate, in English or Chinese. Keep it under about 600 English words. For an image set, say how many images you want.',
	),
	...referenceProperties(models, {
		displayName: 'Reference Images',
		description: `Images the model should build on, ${referenceLimits(models)}`,
		withNone: true,
		binaryNames:
			'Names of the binary properties of the input item that hold the images, separated by commas, in the order to send them. Use * for every binary property of the item.',
		urls: 'One image URL or data:image/...;base64, URI per line (commas separate too). An expression that returns an array of strings also works.',
	}),
	...models.flatMap((model) => sizeProperties(model, '2K')),
	...outputProperties(models),
	...tuningProperties(models),
	options,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['image'], operation: ['generate'] } },
	properties,
);
