import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { DEFAULT_BASE_URL } from '../helpers/constants';
import { Limiter, RateGate } from '../helpers/limiter';
import { asNodeError } from '../helpers/nodeErrors';
import { normaliseBaseUrl, type RequestPolicy } from '../transport';
import {
	prepareRequest,
	readExecutionSettings,
	runRequest,
	type PreparedRequest,
} from './image/generate.operation';

/** Downloads of result images at once, across all requests of an execution. */
const DOWNLOAD_CONCURRENCY = 4;

function isToolExecution(context: IExecuteFunctions): boolean {
	return typeof context.isToolExecution === 'function' && context.isToolExecution();
}

function errorItems(group: number[], error: Error): INodeExecutionData[] {
	const description = (error as { description?: unknown }).description;
	return group.map((item) => ({
		json: typeof description === 'string' && description
			? { error: error.message, description }
			: { error: error.message },
		pairedItem: { item },
	}));
}

/**
 * The one place that loops over items. Every request is checked before the first is sent;
 * then requests run `concurrency` at a time, and the output is put back in input order.
 * Without "continue on fail", the first failure stops requests not yet started, waits for
 * those in flight, and fails the node.
 */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	const resource = this.getNodeParameter('resource', 0);
	const operation = this.getNodeParameter('operation', 0);
	if (resource !== 'image' || operation !== 'generate') {
		throw new NodeOperationError(
			this.getNode(),
			`Unsupported operation "${operation}" on resource "${resource}": expected image / generate`,
		);
	}
	if (items.length === 0) return [[]];

	const settings = readExecutionSettings(this);
	const continueOnFail = this.continueOnFail();
	const toolMode = isToolExecution(this);
	const groups = settings.combineItems ? [items.map((_, index) => index)] : items.map((_, index) => [index]);

	const prepared: Array<PreparedRequest | Error> = [];
	for (const group of groups) {
		try {
			prepared.push(await prepareRequest(this, group, toolMode));
		} catch (error) {
			const nodeError = asNodeError(this.getNode(), error, group[0]);
			if (!continueOnFail) throw nodeError;
			prepared.push(nodeError);
		}
	}

	const credentials = await this.getCredentials('highwayApi');
	const baseUrl = normaliseBaseUrl(credentials.baseUrl || DEFAULT_BASE_URL);
	let firstFailure: Error | undefined;
	const policy: RequestPolicy = {
		timeoutMs: settings.timeoutSeconds * 1000,
		maxRetries: settings.maxRetries,
		retryUncertain: settings.retryUncertain,
		limiter: new Limiter(settings.concurrency),
		gate: new RateGate(),
		signal: this.getExecutionCancelSignal(),
		isStopped: () => firstFailure !== undefined,
	};
	const downloads = new Limiter(DOWNLOAD_CONCURRENCY);

	const results = await Promise.all(
		prepared.map(async (request): Promise<INodeExecutionData[] | Error> => {
			if (request instanceof Error) return request;
			try {
				return await runRequest(this, request, baseUrl, policy, downloads, settings.timeoutSeconds);
			} catch (error) {
				const nodeError = asNodeError(this.getNode(), error, request.itemIndexes[0]);
				if (!continueOnFail) firstFailure ??= nodeError;
				return nodeError;
			}
		}),
	);
	if (firstFailure) throw firstFailure;

	const output: INodeExecutionData[] = [];
	results.forEach((result, position) => {
		output.push(...(result instanceof Error ? errorItems(groups[position], result) : result));
	});
	return [output];
}
