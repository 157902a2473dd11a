import type { INodeProperties } from 'n8n-workflow';

import {
	ASPECT_RATIOS,
	MAX_IMAGES_TOTAL,
	MODEL_IDS,
	MODELS,
	RESOLUTIONS,
	resolutionsOf,
} from '../helpers/models';

/** The models the node knows: a model by route name has no known sizes or price to promise. */
const models = MODEL_IDS.map((id) => MODELS[id]);
const offered = RESOLUTIONS.filter((resolution) =>
	models.some((model) => resolutionsOf(model).includes(resolution)),
);
const priceOf = (model: (typeof models)[number]) => model.usdPerImage ?? 0;
const prices = models.map(priceOf);
/** "; Seedream 3.0: 512 to 2048 pixels a side": what a model without presets offers instead. */
const sideSizes = models
	.filter((model) => model.sides)
	.map((model) => `; ${model.name}: ${model.sides![0]} to ${model.sides![1]} pixels a side`)
	.join('');
const noSets = models.filter((model) => !model.imageSets).map((model) => model.name);
const setNote = noSets.length ? ` (not on ${noSets.join(' or ')})` : '';

/**
 * What an AI agent's model reads about the tool before it calls it. n8n's automatic one says
 * only "Generate images in Seedream"; this one says what comes back, how much a call makes and
 * that each image is paid. Built from the model table, so it stays true when models change.
 */
export const DEFAULT_TOOL_DESCRIPTION =
	'Generates images with ByteDance Seedream from a text prompt. Returns JSON with temporary ' +
	'links to the images (they expire after about 24 hours: share them as they are), each ' +
	"image's size and type, and why any image failed; never image data. A call makes one " +
	`image, or a set of up to ${MAX_IMAGES_TOTAL} related images when the arguments ask for a set${setNote}. ` +
	`Sizes from ${offered[0]} to ${offered[offered.length - 1]}${sideSizes}; aspect ratios ${ASPECT_RATIOS.join(', ')}. ` +
	`Every image is paid (about $${Math.min(...prices)} to $${Math.max(...prices)} ` +
	'each): call once per image or set you need, and reuse the links rather than calling again.';

const editModels = models.filter((model) => model.maxReferences > 0);
const editPrices = editModels.map(priceOf);

/** The same for Image → Edit Image: what to hand it (a link and an instruction) and what comes back. */
export const DEFAULT_EDIT_TOOL_DESCRIPTION =
	'Edits an image with ByteDance Seedream: give it the link to the image and an instruction ' +
	'saying what to change (what to keep, what to add or replace); links to further images, such ' +
	'as a logo or a style, may follow the first. Returns JSON with temporary links to the edited ' +
	'images (they expire after about 24 hours: share them as they are), their size and type; ' +
	'never image data. The result keeps the shape of the image. Every image is paid (about ' +
	`$${Math.min(...editPrices)} to $${Math.max(...editPrices)} each): call once per edit you ` +
	'need, and reuse the links rather than calling again.';

const TOOL_DESCRIPTION_HELP =
	'What the AI agent reads about this tool before calling it. Say what it should use it for; keep what it returns and that each image is paid.';

/**
 * The tool's Description, shown only when the node is an AI agent's tool, one per action. n8n
 * adds its own "Tool Description" parameters to a tool unless the node has a
 * `toolDescription`; it then hands the model this parameter's value.
 */
export const toolDescriptions: INodeProperties[] = [
	{
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		default: DEFAULT_TOOL_DESCRIPTION,
		required: true,
		typeOptions: { rows: 4 },
		description: TOOL_DESCRIPTION_HELP,
		displayOptions: { show: { '@tool': [true], operation: ['generate'] } },
	},
	{
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		default: DEFAULT_EDIT_TOOL_DESCRIPTION,
		required: true,
		typeOptions: { rows: 4 },
		description: TOOL_DESCRIPTION_HELP,
		displayOptions: { show: { '@tool': [true], operation: ['edit'] } },
	},
];
