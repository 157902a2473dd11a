import { asGiven, InvalidInput } from './errors/nodeErrors';
import {
	DEFAULT_MODEL,
	IMAGE_FORMATS,
	isModelId,
	MODEL_IDS,
	MODELS,
	RESOLUTIONS,
	type ModelRules,
	type Resolution,
	type SizeTable,
} from './models';

/**
 * "Other (by route name)": a Seedream model HighwayAPI serves that this node has no row for yet
 * (`seedream-5.0-pro`). It gets the body of the 4.5/5.0 family, the template the newest routes
 * share, and only the checks every model shares, at the widest range any known model allows:
 * the API's own 400 speaks for the rest.
 */

export const OTHER_MODEL = 'other';

/** A route name as it follows `/v3/`: no slashes, no spaces, nothing to escape. */
const ROUTE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

const known = MODEL_IDS.map((id) => MODELS[id]);
const family = known.filter((model) => model.imageSets);

/** Every preset any model has, each with the table of the first model (in table order) that has it. */
const widestPresets = Object.fromEntries(
	RESOLUTIONS.flatMap((resolution) => {
		const table = family.find((model) => model.presets[resolution])?.presets[resolution];
		return table ? [[resolution, table]] : [];
	}),
) as Partial<Record<Resolution, SizeTable>>;

function widest(ranges: Array<[number, number]>): [number, number] {
	return [Math.min(...ranges.map(([min]) => min)), Math.max(...ranges.map(([, max]) => max))];
}

/** The rules of a model by route name: the family's body, the widest known limits, no price. */
export function otherModel(route: string): ModelRules {
	return {
		id: OTHER_MODEL,
		name: `${route} (by route name)`,
		released: '',
		summary: 'Any other Seedream model HighwayAPI serves, by its route name',
		path: `/v3/${route}`,
		referenceField: 'image',
		maxReferences: Math.max(...known.map((model) => model.maxReferences)),
		referenceFormats: IMAGE_FORMATS,
		referenceRatio: widest(known.map((model) => model.referenceRatio)),
		presets: widestPresets,
		pixels: widest(known.map((model) => model.pixels)),
		sizeRatio: widest(known.map((model) => model.sizeRatio)),
		imageSets: true,
		promptOptimizationModes: [...new Set(known.flatMap((model) => model.promptOptimizationModes))],
	};
}

/** The route name a user typed, checked: it becomes part of the URL. */
export function readRoute(value: unknown): string {
	const route = typeof value === 'string' ? value.trim().replace(/^\/?v3\//, '') : value;
	if (typeof route === 'string' && ROUTE_NAME.test(route)) return route;
	throw new InvalidInput(
		`Model Route must be a route name such as seedream-5.0-pro (letters, digits, dots, dashes and underscores, after /v3/), found ${asGiven(value)}`,
		'Copy the model name from the end of the route on its HighwayAPI reference page: POST /v3/<route>.',
	);
}

/**
 * The chosen model's rules. A saved workflow without the parameter (made before models existed)
 * calls Seedream 4.5.
 */
export function chooseModel(value: unknown, route: () => unknown): ModelRules {
	const id = value === undefined || value === '' ? DEFAULT_MODEL : value;
	if (id === OTHER_MODEL) return otherModel(readRoute(route()));
	if (!isModelId(id)) {
		throw new InvalidInput(
			`Unknown model: expected one of ${[...MODEL_IDS, OTHER_MODEL].join(', ')}, found ${asGiven(id)}`,
		);
	}
	return MODELS[id];
}

/** The Model list's entry for a model by route name, and its parameters' limits. */
export const OTHER_CHOICE: ModelRules = { ...otherModel('<route>'), name: 'Other (by Route Name)' };
