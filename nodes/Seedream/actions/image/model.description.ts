import type { INodeProperties } from 'n8n-workflow';

import type { ModelRules } from '../../helpers/models';

/**
 * Model (with the route of a model chosen by name) and the parameters only some models take:
 * each is shown for the models whose row has the column. The names are what saved workflows store.
 */

function priceText(model: ModelRules): string {
	return model.usdPerImage === undefined
		? 'No list price known: the cost is not estimated'
		: `About $${model.usdPerImage} an image`;
}

/** Model, and with "Other (by Route Name)" the route to call. */
export function modelProperties(models: ModelRules[], defaultModel: string): INodeProperties[] {
	return [
		{
			displayName: 'Model',
			name: 'model',
			type: 'options',
			default: defaultModel,
			options: models.map((model) => ({
				name: model.name,
				value: model.id,
				description: `${model.summary}. ${priceText(model)}.`,
			})),
			description: 'Which Seedream model makes the images. Sizes and limits follow the model.',
		},
		{
			displayName: 'Model Route',
			name: 'modelRoute',
			type: 'string',
			default: '',
			// Not required: n8n shows it for a Model set by expression too, and an empty required
			// field would stop the workflow; an empty route is refused, with advice, when used.
			placeholder: 'e.g. seedream-5.0-pro',
			description:
				"The model's route name, what follows POST /v3/ on its HighwayAPI reference page. The node sends the body of the Seedream 4.5/5.0 family and checks only what every model shares; the API's own answer says what else this model needs.",
			hint: 'No list price is known for it: the node counts its images but does not estimate their cost',
			displayOptions: { show: { model: ['other'] } },
		},
	];
}

/** Seed and Guidance Scale, shown for the models whose row takes them. */
export function tuningProperties(models: ModelRules[]): INodeProperties[] {
	const seeded = models.filter((model) => model.seed);
	const guided = models.filter((model) => model.guidanceScale);
	const [seedMin, seedMax] = seeded[0]?.seed ?? [-1, 2147483647];
	const [scaleMin, scaleMax] = guided[0]?.guidanceScale ?? [1, 10];
	const properties: INodeProperties[] = [
		{
			displayName: 'Seed',
			name: 'seed',
			type: 'number',
			default: -1,
			typeOptions: { minValue: seedMin, maxValue: seedMax, numberPrecision: 0 },
			description:
				'-1 for a new image each time. The same seed with the same prompt and size makes the same image again: copy the seed of an output item to remake it, or change only the prompt to vary one thing.',
			displayOptions: { show: { model: seeded.map((model) => model.id) } },
		},
		{
			displayName: 'Guidance Scale',
			name: 'guidanceScale',
			type: 'number',
			default: 2.5,
			typeOptions: { minValue: scaleMin, maxValue: scaleMax, numberPrecision: 1 },
			description: `How strictly the image follows the prompt, ${scaleMin} to ${scaleMax}: higher is stricter`,
			displayOptions: { show: { model: guided.map((model) => model.id) } },
		},
	];
	// A list of models none of which takes them (Edit Image's) shows neither.
	return properties.filter((property) => (property.displayOptions?.show?.model ?? []).length > 0);
}
