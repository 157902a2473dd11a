import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import { adviseOnApiFailure, type AdviceContext } from './errorAdvice';
import { ApiRequestError, type ApiFailure } from './failures';

/**
 * The node refuses to send a request, before anything is paid: what happened (the message), what
 * to change (the description, for people) and what an AI agent's model should do next (it reads
 * only the message). Thrown by code that knows no item or node; made a node error once, where
 * the item is known.
 */
export class Refusal extends Error {
	constructor(
		message: string,
		readonly description: string | undefined,
		readonly forModel: string,
	) {
		super(message);
	}
}

/** Said to an AI agent's model after bad input: it chose the arguments, and can fix them. */
export const INPUT_FOR_MODEL = 'Nothing was sent or billed: correct the arguments and call again.';

/** Bad input, found before anything is sent: says what was expected and what was found. */
export class InvalidInput extends Refusal {
	constructor(message: string, description?: string) {
		super(message, description, INPUT_FOR_MODEL);
	}
}

/** How much of a found value a message quotes: enough to recognise it, not a whole data URI. */
export const FOUND_LENGTH = 80;

/**
 * A value as the user gave it, for the "found …" part of a message: text in quotes (escaped, so
 * spaces and line breaks show, and cut to FOUND_LENGTH), numbers and booleans as they are, lists
 * and objects as JSON, and "nothing" for an expression that gave nothing. `"abc"`, not `NaN`.
 */
export function asGiven(value: unknown): string {
	const cut = (text: string) =>
		text.length > FOUND_LENGTH ? `${text.slice(0, FOUND_LENGTH - 1)}…` : text;
	if (value === undefined) return 'nothing';
	if (typeof value === 'string') return JSON.stringify(cut(value));
	if (typeof value === 'object' && value !== null) {
		let json: string | undefined;
		try {
			json = JSON.stringify(value);
		} catch {
			json = undefined;
		}
		return json === undefined ? `an ${Array.isArray(value) ? 'array' : 'object'}` : cut(json);
	}
	return String(value);
}

/** Two sentences as one message: "Quota hit: slow down" and "Wait." → "Quota hit: slow down. Wait." */
export function joinSentences(first: string, second: string): string {
	if (!second) return first;
	return `${first.trimEnd().replace(/[.:;,]$/, '')}. ${second}`;
}

/**
 * A NodeApiError carrying only what the API said: never the request, so never the key. In a
 * tool run the message also says what a model needs to act, as n8n hands it only the message.
 */
export function apiError(
	node: INode,
	failure: ApiFailure,
	itemIndex: number,
	context: AdviceContext,
): NodeApiError {
	const advice = adviseOnApiFailure(failure, context);
	const response: JsonObject = { message: failure.message, attempts: failure.attempts };
	if (failure.code) response.code = failure.code;
	if (failure.statusCode) response.httpCode = String(failure.statusCode);
	const error = new NodeApiError(node, response, {
		message: advice.message,
		description: advice.description,
		itemIndex,
		httpCode: failure.statusCode ? String(failure.statusCode) : undefined,
	});
	// NodeApiError swaps a message that mentions a network code (ECONNRESET …) for a generic
	// one; ours already says what happened and what to do.
	error.message = context.forModel
		? joinSentences(advice.message, advice.forModel ?? '')
		: advice.message;
	return error;
}

/** A refusal (bad input, the spending cap) as the node error n8n shows on the item; for a model, what to do next is added. */
export function refusalError(
	node: INode,
	error: Refusal,
	itemIndex: number,
	forModel = false,
): NodeOperationError {
	const message = forModel ? joinSentences(error.message, error.forModel) : error.message;
	return new NodeOperationError(node, message, { itemIndex, description: error.description });
}

/**
 * Any error as the node error n8n shows on the item, made exactly once: node errors pass
 * through unchanged, a failure gets its advice, a refusal its description.
 */
export function asNodeError(
	node: INode,
	error: unknown,
	itemIndex: number,
	context: AdviceContext,
): NodeApiError | NodeOperationError {
	if (error instanceof NodeApiError || error instanceof NodeOperationError) return error;
	if (error instanceof ApiRequestError) return apiError(node, error.failure, itemIndex, context);
	if (error instanceof Refusal) return refusalError(node, error, itemIndex, context.forModel);
	return new NodeOperationError(node, error instanceof Error ? error : String(error), {
		itemIndex,
	});
}
