import { PLATFORM } from '../constants';
import type { ApiFailure } from './failures';

/** Where the request went: the model's route on the credential's Base URL. */
export interface RouteContext {
	/** `/v3/seedream-5.0-pro` */
	path: string;
	/** Unknown before the credential is read (bad input is refused before that). */
	baseUrl?: string;
	/** The model was chosen by route name: the node checked only what every model shares. */
	byRouteName: boolean;
}

interface RouteAdvice {
	message: string;
	description: string;
	forModel: string;
}

/**
 * Advice that depends on the route: a 404 means the route does not exist on this Base URL (a
 * route name mistyped, a model the platform does not serve, or a Base URL of another API); a
 * 400 for a model by route name may mean the model takes other fields than the 4.5/5.0 family.
 * Undefined when the route has nothing to add.
 */
export function adviseOnRoute(
	failure: ApiFailure,
	route: RouteContext | undefined,
): RouteAdvice | undefined {
	if (!route) return undefined;
	const status = failure.statusCode;
	const where = route.baseUrl ? `${route.baseUrl}${route.path}` : route.path;
	const name = route.path.replace(/^\/v3\//, '');
	if (status === 404) {
		return {
			message: `The route ${route.path} does not exist on ${route.baseUrl ?? 'this Base URL'} (404): ${failure.message}`,
			description:
				`POST ${where} answered 404: the model "${name}" is not served there. ` +
				(route.byRouteName
					? `Check Model Route against the model's reference page (the name after /v3/), or pick a model from the list. `
					: '') +
				`Check that the Base URL in the ${PLATFORM} credential points at ${PLATFORM} (or a platform with the same API).`,
			forModel: `Nothing was generated or billed. The model "${name}" does not exist there; calling again will not help: tell the user.`,
		};
	}
	if (status === 400 && route.byRouteName) {
		const code = failure.code ? ` ${failure.code}` : '';
		return {
			message: `Seedream rejected the request (400${code}): ${failure.message}`,
			description:
				`The model "${name}" was chosen by route name, so the node sent the body of the ` +
				'Seedream 4.5/5.0 family and checked only what every model shares. This model may take ' +
				'other fields or other values: compare the message above with its reference page, and ' +
				'change Size, Reference Images, Image Set or Prompt Optimization to what it takes.',
			forModel: 'Nothing was billed. Correct what the message names and call again.',
		};
	}
	return undefined;
}
