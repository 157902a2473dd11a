import { PLATFORM } from './constants';
import type { ApiFailure } from './failures';

export interface Advice {
	message: string;
	description: string;
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

function attemptsText(failure: ApiFailure): string {
	return failure.attempts > 1 ? ` after ${failure.attempts} attempts` : '';
}

/** What the advice may name: the request's timeout and model. */
export interface AdviceContext {
	timeoutSeconds: number;
	modelName: string;
}

function paidLinksText(failure: ApiFailure): string {
	const links = failure.paidLinks ?? [];
	return links.length ? `The links, valid for about 24 hours: ${links.join(' ')}. ` : '';
}

/** What went wrong in the user's words, and what to do about it. */
export function adviseOnApiFailure(
	failure: ApiFailure,
	{ timeoutSeconds, modelName }: AdviceContext,
): Advice {
	const code = failure.code ?? '';
	const status = failure.statusCode;
	const said = failure.message;
	if (code === 'CANCELLED') {
		return { message: said, description: 'The execution was stopped; nothing more was sent.' };
	}
	if (code === 'NOT_SENT') {
		return {
			message: said,
			description: 'Another item failed first; this one was never sent, so never billed.',
		};
	}
	if (code === 'NO_IMAGES') {
		return {
			message: 'Seedream returned no images for this request',
			description: 'The API answered without images. Try again, or rephrase the prompt.',
		};
	}
	if (code === 'UNEXPECTED_SHAPE') {
		return {
			message: `Seedream answered in an unexpected shape: ${said}`,
			description: `Check that the Base URL in the ${PLATFORM} credential points at a Seedream API.`,
		};
	}
	if (code === 'NOT_DOWNLOADED') {
		return {
			message: said,
			description:
				`${paidLinksText(failure)}The images were generated and billed; download them from the links, ` +
				'or turn off Options → Download Images to get the links without downloading.',
		};
	}
	if (failure.timedOut) {
		return {
			message: `Seedream did not answer within ${timeoutSeconds} s${attemptsText(failure)}`,
			description:
				'Image sets and 4K images can take minutes. Raise Options → Timeout. The API may still ' +
				'have generated (and billed) the images; turn on "Retry After Timeout or Lost Connection" ' +
				'only if paying twice is acceptable.',
		};
	}
	if (AUTH_CODES.has(code) || status === 401) {
		return {
			message: `${PLATFORM} rejected the API key: ${said}`,
			description:
				`Check the API key in the ${PLATFORM} credential (Settings → API keys in your ${PLATFORM} ` +
				'account) and that the Base URL points at the API you have a key for.',
		};
	}
	if (BALANCE_CODES.has(code)) {
		return {
			message: `${PLATFORM} reports an insufficient balance: ${said}`,
			description:
				`Top up the ${PLATFORM} account. ${PLATFORM} also answers this way when the per-minute ` +
				'limit is exceeded: if the balance is fine, lower Options → Concurrency.',
		};
	}
	if (failure.rateLimited) {
		const waited =
			failure.attempts > 1
				? ` still exceeded after ${failure.attempts} attempts over ${seconds(failure.waitedMs ?? 0)} s`
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
		};
	}
	if (CONTENT_CODES.has(code)) {
		return {
			message: `Seedream refused the content: ${said}`,
			description:
				'The prompt or a reference image was flagged by the content policy. Rephrase the ' +
				'prompt or use another reference image.',
		};
	}
	if (status === 403) {
		return {
			message: `${PLATFORM} refused the request (403): ${said}`,
			description: `Check that the API key may use ${modelName} and that the account is active.`,
		};
	}
	if (status !== undefined && status >= 400 && status < 500) {
		return {
			message: `Seedream rejected the request (${status}${code ? ` ${code}` : ''}): ${said}`,
			description: 'The API found the request invalid; the message above says which field.',
		};
	}
	if (code === 'MALFORMED_RESPONSE') {
		return {
			message: `Seedream sent an answer that could not be read${attemptsText(failure)}`,
			description:
				`${said}. The images may have been generated and billed; turn on "Retry After ` +
				'Timeout or Lost Connection" to retry automatically.',
		};
	}
	if (status !== undefined) {
		return {
			message: `Seedream failed (${status}${code ? ` ${code}` : ''})${attemptsText(failure)}: ${said}`,
			description:
				status === 504
					? 'A gateway timed out; the images may still have been generated and billed. Try again later.'
					: 'The API had a server error. Try again later, or raise Options → Max Retries.',
		};
	}
	return {
		message: `Could not reach Seedream${attemptsText(failure)}: ${said}`,
		description: failure.uncertain
			? 'The connection was lost after the request was sent, so the API may have generated (and ' +
				'billed) the images. Turn on "Retry After Timeout or Lost Connection" to retry automatically.'
			: `Check the Base URL in the ${PLATFORM} credential and the network connection.`,
	};
}
