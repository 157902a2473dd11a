/**
 * Errors as n8n shows them: made once, on the right item, with the advice as message and
 * description, and nothing of the request (so never the key) inside.
 */
import type { INode } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

import type { AdviceContext } from '../../../../../nodes/Seedream/helpers/errors/errorAdvice';
import { ApiRequestError, makeFailure, type ApiFailure } from '../../../../../nodes/Seedream/helpers/errors/failures';
import { apiError, asNodeError, InvalidInput } from '../../../../../nodes/Seedream/helpers/errors/nodeErrors';

const node: INode = {
	id: 'c0ffee00-0000-4000-8000-000000000001',
	name: 'Seedream',
	type: 'n8n-nodes-seedream.seedream',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const context: AdviceContext = { timeoutSeconds: 900, modelName: 'Seedream 4.5' };

describe('asNodeError', () => {
	test('an ApiRequestError becomes a NodeApiError with the advice, on its item', () => {
		const failure = makeFailure({ statusCode: 400, code: 'INVALID_SIZE', message: 'size too small' });
		const error = asNodeError(node, new ApiRequestError(failure), 3, context);
		expect(error).toBeInstanceOf(NodeApiError);
		expect(error.message).toBe('Seedream rejected the request (400 INVALID_SIZE): size too small');
		expect(error.description).toBe('The API found the request invalid; the message above says which field.');
		expect(error.context.itemIndex).toBe(3);
		expect((error as NodeApiError).httpCode).toBe('400');
	});

	test('bad input becomes a NodeOperationError with its description, on its item', () => {
		const error = asNodeError(node, new InvalidInput('The prompt is empty', 'Fill in "Prompt".'), 2, context);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.message).toBe('The prompt is empty');
		expect(error.description).toBe('Fill in "Prompt".');
		expect(error.context.itemIndex).toBe(2);
	});

	test('any other error or value becomes a NodeOperationError with its message, on its item', () => {
		const fromError = asNodeError(node, new RangeError('offset out of range'), 1, context);
		expect(fromError).toBeInstanceOf(NodeOperationError);
		expect(fromError.message).toBe('offset out of range');
		expect(fromError.context.itemIndex).toBe(1);
		const fromText = asNodeError(node, 'disk full', 4, context);
		expect(fromText.message).toBe('disk full');
		expect(fromText.context.itemIndex).toBe(4);
	});

	test('a node error passes through as it is: wrapping happens exactly once', () => {
		const operation = new NodeOperationError(node, 'already made', { itemIndex: 0, description: 'kept' });
		expect(asNodeError(node, operation, 5, context)).toBe(operation);
		const api = apiError(node, makeFailure({ statusCode: 500, message: 'boom' }), 0, context);
		expect(asNodeError(node, api, 5, context)).toBe(api);

		const once = asNodeError(node, new ApiRequestError(makeFailure({ statusCode: 502, message: 'bad' })), 1, context);
		const twice = asNodeError(node, once, 7, context);
		expect(twice).toBe(once);
		expect(twice.context.itemIndex).toBe(1);
		expect(twice.message).toBe('Seedream failed (502): bad');
	});
});

describe('apiError', () => {
	test('keeps the advice as message even where n8n would swap a network code\'s text', () => {
		const failure = makeFailure({ code: 'ECONNRESET', message: 'socket hang up ECONNRESET', uncertain: true });
		const error = apiError(node, failure, 0, context);
		expect(error.message).toBe('Could not reach Seedream: socket hang up ECONNRESET');
		expect(error.description).toMatch(/^The connection was lost after the request was sent/);
	});

	test('the response it carries holds what the API said, and nothing else', () => {
		const error = apiError(
			node,
			makeFailure({ statusCode: 429, code: 'RATE_LIMIT', message: 'slow down', attempts: 5, rateLimited: true }),
			0,
			context,
		);
		expect(error.errorResponse).toStrictEqual({ message: 'slow down', attempts: 5, code: 'RATE_LIMIT', httpCode: '429' });
		expect(error.httpCode).toBe('429');
		const bare = apiError(node, makeFailure({ message: 'socket hang up' }), 0, context);
		expect(bare.errorResponse).toStrictEqual({ message: 'socket hang up', attempts: 1 });
	});

	test('never carries request data, even when a failure object has some attached', () => {
		const marker = ['key', 'that', 'must', 'not', 'leak'].join('-');
		const leaky = {
			...makeFailure({ statusCode: 401, code: 'INVALID_API_KEY', message: 'invalid key' }),
			request: { headers: { Authorization: `Bearer ${marker}` }, body: '{"prompt":"a private prompt"}' },
		} as ApiFailure;
		const error = apiError(node, leaky, 0, context);
		const everything = JSON.stringify({ ...error, message: error.message, description: error.description, cause: error.cause });
		expect(everything).not.toContain(marker);
		expect(everything).not.toContain('a private prompt');
		expect(everything).not.toMatch(/Authorization/i);
	});
});

describe('in a tool run, the message carries what the model needs', () => {
	const forModel: AdviceContext = { ...context, forModel: true };

	test('an API failure: the advice for the model joins the message; the description stays for people', () => {
		const failure = makeFailure({ statusCode: 429, code: 'RATE_LIMIT_EXCEEDED', message: 'Too many requests', rateLimited: true, attempts: 3, waitedMs: 12_000, retryAfterMs: 5000 });
		const error = asNodeError(node, new ApiRequestError(failure), 0, forModel);
		expect(error.message).toBe(
			'HighwayAPI rate limit still exceeded after 3 attempts over 12 s: Too many requests. Nothing was generated or billed. Wait 5 seconds, then call again once.',
		);
		expect(error.description).toMatch(/raise Options → Timeout/);
	});

	test('bad input: the model chose the arguments, so it is told it can fix them', () => {
		const error = asNodeError(node, new InvalidInput('The prompt is empty: expected a description', 'Fill in "Prompt".'), 0, forModel);
		expect(error.message).toBe(
			'The prompt is empty: expected a description. Nothing was sent or billed: correct the arguments and call again.',
		);
	});
});
