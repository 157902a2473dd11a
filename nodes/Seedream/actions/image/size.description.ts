import type { INodeProperties } from 'n8n-workflow';

import {
	ASPECT_RATIOS,
	type AspectRatio,
	formatPixelRange,
	formatRatioRange,
	resolutionsOf,
	type ModelRules,
} from '../../helpers/models';
import { SIZE_MODES } from '../../helpers/request/size';

/**
 * Size, Aspect Ratio, Resolution, Width and Height for one model: its presets and limits.
 * The parameters keep their names for every model (saved workflows store them); each model
 * shows its own copy, so the presets and limits a user sees are the chosen model's.
 */
export function sizeProperties(model: ModelRules, defaultSize: string): INodeProperties[] {
	const show = { model: [model.id] };
	const matchInput =
		model.maxReferences > 0
			? [
					{
						name: 'Match Input Image',
						value: SIZE_MODES.matchInput,
						description:
							'The shape of the (first) reference image, at the resolution you pick: the node works out the width and height',
					},
				]
			: [];
	const resolutions = resolutionsOf(model);
	const sides = model.sides ? `${model.sides[0]} to ${model.sides[1]} pixels a side, ` : '';
	const limits = `${sides}${formatPixelRange(model.pixels)} pixels in all, ratio ${formatRatioRange(model.sizeRatio)}`;
	// A model without presets offers its recommended size per ratio, from a square one.
	const [square] = (model.ratioSizes?.['1:1'] ?? '2048x2048').split('x').map(Number);
	const ratioSize = (ratio: AspectRatio) =>
		model.ratioSizes
			? model.ratioSizes[ratio]
			: resolutions
					.map((resolution) => `${model.presets[resolution]?.[ratio]} at ${resolution}`)
					.join(', ');
	const resolution: INodeProperties[] = resolutions.length
		? [
				{
					displayName: 'Resolution',
					name: 'resolution',
					type: 'options',
					default: '2K',
					options: resolutions.map((name) => ({ name, value: name })),
					description: 'How many pixels the image has, as in the presets of the model',
					displayOptions: {
						show: { ...show, size: [SIZE_MODES.aspectRatio, SIZE_MODES.matchInput] },
					},
				},
			]
		: [];
	const sizeDefault = resolutions.length ? defaultSize : SIZE_MODES.aspectRatio;
	return [
		{
			displayName: 'Size',
			name: 'size',
			type: 'options',
			default: sizeDefault,
			options: [
				...resolutions.map((resolution) => ({
					name: `${resolution} (Model Picks the Aspect Ratio)`,
					value: resolution,
				})),
				{ name: 'Aspect Ratio Preset', value: SIZE_MODES.aspectRatio },
				{ name: 'Custom Width and Height', value: SIZE_MODES.custom },
				...matchInput,
			],
			description: resolutions.length
				? `With ${resolutions.join(' or ')} the model chooses the aspect ratio from the prompt and references`
				: `${model.name} has no presets: pick an aspect ratio (its recommended size) or a width and height`,
			displayOptions: { show },
		},
		{
			displayName: 'Aspect Ratio',
			name: 'aspectRatio',
			type: 'options',
			default: '1:1',
			options: ASPECT_RATIOS.map((ratio) => ({
				name: ratio,
				value: ratio,
				description: ratioSize(ratio),
			})),
			displayOptions: { show: { ...show, size: ['aspectRatio'] } },
		},
		...resolution,
		...(['width', 'height'] as const).map(
			(name): INodeProperties => ({
				displayName: name === 'width' ? 'Width' : 'Height',
				name,
				type: 'number',
				default: square,
				typeOptions: { minValue: 1, numberPrecision: 0 },
				description: `In pixels. Width × height: ${limits}.`,
				hint: `${model.name}: width × height ${limits}`,
				displayOptions: { show: { ...show, size: ['custom'] } },
			}),
		),
	];
}
