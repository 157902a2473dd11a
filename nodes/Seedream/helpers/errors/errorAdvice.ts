import { PLATFORM } from '../constants';
import type { ApiFailure } from './failures';
import { adviseOnRoute, type RouteContext } from './routeAdvice';

export interface Advice {
	message: string;
	/** For people: what to change in the workflow. */
	description: string;
	/**
	 * For an AI agent's model, which reads only an error's message: whether anything was billed,
	 * whether calling again would help or pay again, and when. Given when the context asks.
	 */
	forModel?: string;
}

const AUTH_CODES = new Set(['FAILED_TO_AUTH', 'INVALID_API_KEY', 'AuthenticationError']);
const BALANCE_CODES = new Set(['NOT_ENOUGH_BALANCE', 'BILLING_BALANCE_NOT_ENOUGH']);
const CONTENT_CODES = new Set([
	'ILLEGAL_PROMPT',
	'ILLEGAL_IMAGE_CONTENT',
	'InputTextSensitiveContentDetected',
	'InputImageSensitiveContentDetected',
	'OutputImageSensitiveContentDetected',
]);

const seconds = (ms: number) => Math.round(ms / 1000);
const waitedText = (ms: number) => (ms < 1000 ? 'in under a second' : `over ${seconds(ms)} s`);

function attemptsText(failure: ApiFailure): string {
	return failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
}

/** What the advice may name: the request's timeout and model. */
export interface AdviceContext {
	timeoutSeconds: number;
	modelName: string;
	/** The node runs as an AI agent's tool: a model reads the message, not the description. */
	forModel?: boolean;
	/** The model's route, for a 404 (no such route) and a 400 on a model by route name. */
	route?: RouteContext;
}

const NOT_BILLED = 'Nothing was generated or billed.';
const MAY_HAVE_BILLED =
	'The images may have been generated and billed anyway, so calling again may pay twice: ask the user before trying again.';
const TELL_THE_USER = 'Calling again will not help; tell the user.';

/** "30 seconds" from Retry-After, else the span of a per-minute limit. */
function waitText(failure: ApiFailure): string {
	const ms = failure.retryAfterMs;
	return ms === undefined ? 'about a minute' : `${Math.max(1, Math.ceil(ms / 1000))} seconds`;
}

function paidLinksText(failure: ApiFailure): string {
	const links = failure.paidLinks ?? [];
	return links.length ? `The links, valid for about 24 hours: ${links.join(' ')}. ` : '';
}

/**
 * What went wrong in the user's words, and what to do about it; in a tool run, also what the
 * model needs to act.
 */
export function adviseOnApiFailure(failure: ApiFailure, context: AdviceContext): Advice {
	const { message, description, forModel } = advise(failure, context);
	return context.forModel ? { message, description, forModel } : { message, description };
}

function advise(
	failure: ApiFailure,
	{ timeoutSeconds, modelName, route }: AdviceContext,
): Required<Advice> {
	const code = failure.code ?? '';
	const status = failure.statusCode;
	const said = failure.message;
	if (code === 'CANCELLED') {
		return {
			message: said,
			description: 'The execution was stopped; nothing more was sent.',
			forModel: 'The run was stopped. Do not call again unless the user asks.',
		};
	}
	if (code === 'NOT_SENT') {
		return {
			message: said,
			description: 'Another item failed first; this one was never sent, so never billed.',
			forModel: 'Nothing was sent or billed.',
		};
	}
	if (code === 'NO_IMAGES') {
		return {
			message: 'Seedream returned no images for this request',
			description: 'The API answered without images. Try again, or rephrase the prompt.',
			forModel: `${NOT_BILLED} Rephrase the prompt and call again once.`,
		};
	}
	if (code === 'UNEXPECTED_SHAPE') {
		return {
			message: `Seedream answered in an unexpected shape: ${said}`,
			description: `Check that the Base URL in the ${PLATFORM} credential points at a Seedream API.`,
			forModel: `The ${PLATFORM} credential points at the wrong service. ${TELL_THE_USER}`,
		};
	}
	if (code === 'NOT_DOWNLOADED') {
		return {
			message: said,
			description:
				`${paidLinksText(failure)}The images were generated and billed; download them from the links, ` +
				'or turn off Options → Download Images to get the links without downloading.',
			forModel: (
				'The images were generated and billed: do not call again for them. ' +
				paidLinksText(failure).replace('The links', 'Give the user the links')
			).trim(),
		};
	}
	if (failure.timedOut) {
		return {
			message: `Seedream did not answer within ${timeoutSeconds} s${attemptsText(failure)}`,
			description:
				'Image sets and 4K images can take minutes. Raise Options → Timeout. The API may still ' +
				'have generated (and billed) the images; turn on Options → "Retry Timeouts" ' +
				'only if paying twice is acceptable.',
			forModel: `${MAY_HAVE_BILLED} Fewer images or a smaller size answer sooner.`,
		};
	}
	if (AUTH_CODES.has(code) || status === 401) {
		return {
			message: `${PLATFORM} rejected the API key: ${said}`,
			description:
				`Check the API key in the ${PLATFORM} credential (Settings → API keys in your ${PLATFORM} ` +
				'account) and that the Base URL points at the API you have a key for.',
			forModel: `${NOT_BILLED} ${TELL_THE_USER} The workflow's ${PLATFORM} API key must be fixed.`,
		};
	}
	if (BALANCE_CODES.has(code)) {
		return {
			message: `${PLATFORM} reports an insufficient balance: ${said}`,
			description:
				`Top up the ${PLATFORM} account. ${PLATFORM} also answers this way when the per-minute ` +
				'limit is exceeded: if the balance is fine, lower Options → Concurrency.',
			forModel:
				`${NOT_BILLED} Calling again will not help until the ${PLATFORM} account is topped up; ` +
				'tell the user (if they say the balance is fine, wait a minute and call once more).',
		};
	}
	if (failure.rateLimited) {
		const waited =
			failure.attempts > 1
				? ` still exceeded after ${failure.attempts} attempts ${waitedText(failure.waitedMs ?? 0)}`
				: ' exceeded';
		const asked =
			failure.retryAfterMs === undefined
				? ''
				: `; its last answer asked to wait ${seconds(failure.retryAfterMs)} s more`;
		return {
			message: `${PLATFORM} rate limit${waited}: ${said}`,
			description:
				`The account's limit on requests at once or per minute (429${code ? ` ${code}` : ''}) ` +
				`did not clear within this request's ${timeoutSeconds} s timeout${asked}. Refused ` +
				'requests are not billed. Every execution in this n8n process that uses this ' +
				'credential shares one rate budget: start fewer at once, or raise Options → Timeout.',
			forModel: `${NOT_BILLED} Wait ${waitText(failure)}, then call again once.`,
		};
	}
	if (CONTENT_CODES.has(code)) {
		return {
			message: `Seedream refused the content: ${said}`,
			description:
				'The prompt or a reference image was flagged by the content policy. Rephrase the ' +
				'prompt or use another reference image.',
			forModel:
				'Nothing was billed. Rephrase the prompt (or use other reference images) and call again.',
		};
	}
	const onRoute = adviseOnRoute(failure, route);
	if (onRoute) return onRoute;
	if (status === 403) {
		return {
			message: `${PLATFORM} refused the request (403): ${said}`,
			description: `Check that the API key may use ${modelName} and that the account is active.`,
			forModel: `${NOT_BILLED} ${TELL_THE_USER} The API key may not use ${modelName}.`,
		};
	}
	if (status !== undefined && status >= 400 && status < 500) {
		return {
			message: `Seedream rejected the request (${status}${code ? ` ${code}` : ''}): ${said}`,
			description: 'The API found the request invalid; the message above says which field.',
			forModel: 'Nothing was billed. Correct what the message names and call again.',
		};
	}
	if (code === 'MALFORMED_RESPONSE') {
		return {
			message: `Seedream sent an answer that could not be read${attemptsText(failure)}`,
			description:
				`${said}. The images may have been generated and billed; turn on Options → "Retry ` +
				'Timeouts" to retry automatically.',
			forModel: MAY_HAVE_BILLED,
		};
	}
	if (status !== undefined) {
		return {
			message: `Seedream failed (${status}${code ? ` ${code}` : ''})${attemptsText(failure)}: ${said}`,
			description:
				status === 504
					? 'A gateway timed out; the images may still have been generated and billed. Try again later.'
					: 'The API had a server error. Try again later, or raise Options → Max Retries.',
			forModel:
				status === 504
					? MAY_HAVE_BILLED
					: 'The API had a server error, which is not billed. Wait about a minute, then call again once.',
		};
	}
	return {
		message: `Could not reach Seedream${attemptsText(failure)}: ${said}`,
		description: failure.uncertain
			? 'The connection was lost after the request was sent, so the API may have generated (and ' +
				'billed) the images. Turn on Options → "Retry Timeouts" to retry automatically.'
			: `Check the Base URL in the ${PLATFORM} credential and the network connection.`,
		forModel: failure.uncertain
			? `The connection broke after the request was sent. ${MAY_HAVE_BILLED}`
			: `Nothing was sent or billed. ${TELL_THE_USER}`,
	};
}
