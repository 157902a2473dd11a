/**
 * The API the node must call, as HighwayAPI's reference pages state it: written here, not taken
 * from the node's constants, so that a wrong constant fails the tests. No nock here: importing
 * nock turns interception on, which the fault suite (real HTTP) must not have.
 */
export const API_HOST = 'https://api.highwayapi.ai';
export const API_PATH = '/v3/seedream-4.5';
/** Each model of the 4.5/5.0 family: its route and the body field of its references. */
export const MODEL_ROUTES = {
	'seedream-4.5': { path: '/v3/seedream-4.5', referenceField: 'image' },
	'seedream-5.0-lite': { path: '/v3/seedream-5.0-lite', referenceField: 'image' },
	'seedream-4.0': { path: '/v3/seedream-4.0', referenceField: 'images' },
} as const;
export type FamilyModel = keyof typeof MODEL_ROUTES;
export const FAMILY_MODELS = Object.keys(MODEL_ROUTES) as FamilyModel[];
/** Seedream 3.0 text-to-image: its own route, and the model version its body names. */
export const TXT2IMG_ROUTE = {
	path: '/v3/seedream-3-0-txt2img',
	model: 'seedream-3-0-t2i-250415',
} as const;
