import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AdviceContext } from './errorAdvice';
import { asNodeError } from './nodeErrors';
import { errorItems } from './outputItems';

/** One request of a batch: the input items it answers. */
export interface Group {
	itemIndexes: number[];
}

type Outcome<T> = T | Error;

/**
 * Prepares every request before any is sent, so bad input never costs a paid request. With
 * "continue on fail" a bad request becomes its error and the others go on; without, the first
 * one fails the node before anything is sent.
 */
export async function prepareAll<T>(
	context: IExecuteFunctions,
	groups: number[][],
	prepare: (group: number[]) => Promise<T>,
	adviceFor: (group: number[]) => AdviceContext,
): Promise<Array<Outcome<T>>> {
	const continueOnFail = context.continueOnFail();
	const prepared: Array<Outcome<T>> = [];
	for (const group of groups) {
		try {
			prepared.push(await prepare(group));
		} catch (error) {
			const nodeError = asNodeError(context.getNode(), error, group[0], adviceFor(group));
			if (!continueOnFail) throw nodeError;
			prepared.push(nodeError);
		}
	}
	return prepared;
}

/**
 * Runs the prepared requests (they pace themselves through the limiter) and puts the output
 * back in input order. Without "continue on fail", the first failure stops requests not yet
 * started (`stop()` turns true), waits for those in flight, and fails the node.
 */
export async function runAll<T extends Group>(
	context: IExecuteFunctions,
	prepared: Array<Outcome<T>>,
	groups: number[][],
	run: (request: T, stopped: () => boolean) => Promise<INodeExecutionData[]>,
	adviceFor: (group: number[]) => AdviceContext,
): Promise<INodeExecutionData[]> {
	const continueOnFail = context.continueOnFail();
	let firstFailure: Error | undefined;
	const stopped = () => firstFailure !== undefined;
	const results = await Promise.all(
		prepared.map(async (request, position): Promise<Outcome<INodeExecutionData[]>> => {
			if (request instanceof Error) return request;
			try {
				return await run(request, stopped);
			} catch (error) {
				const nodeError = asNodeError(
					context.getNode(),
					error,
					request.itemIndexes[0],
					adviceFor(groups[position]),
				);
				if (!continueOnFail) firstFailure ??= nodeError;
				return nodeError;
			}
		}),
	);
	if (firstFailure) throw firstFailure;
	return results.flatMap((result, position) =>
		result instanceof Error ? errorItems(groups[position], result) : result,
	);
}
