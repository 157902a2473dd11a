import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { AdviceContext } from '../helpers/errors/errorAdvice';
import { asNodeError } from '../helpers/errors/nodeErrors';
import { errorItems } from '../helpers/results/outputItems';
import type { ToolRun } from '../helpers/agent/toolRun';

/** One request of a batch: the input items it answers. */
export interface Group {
	itemIndexes: number[];
}

/** What a failed request becomes. */
export interface FailurePolicy {
	/** An error item per input item, and the other requests go on ("continue on fail"). */
	keepGoing: boolean;
	/** The error item holds only the message, written for an AI agent's model. */
	forModel: boolean;
}

/** "Continue on fail", or an in-process tool run, where a thrown error would never reach the model. */
export function failurePolicy(context: IExecuteFunctions, toolRun: ToolRun): FailurePolicy {
	return {
		keepGoing: context.continueOnFail() || toolRun === 'inProcess',
		forModel: toolRun !== undefined,
	};
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
	{ keepGoing }: FailurePolicy,
): Promise<Array<Outcome<T>>> {
	const prepared: Array<Outcome<T>> = [];
	for (const group of groups) {
		try {
			prepared.push(await prepare(group));
		} catch (error) {
			const nodeError = asNodeError(context.getNode(), error, group[0], adviceFor(group));
			if (!keepGoing) throw nodeError;
			prepared.push(nodeError);
		}
	}
	return prepared;
}

/**
 * How a request learns that the batch stops (`stopped()`), and says that it failed
 * (`failed()`) the moment it does, before it hands its place to the next request: without
 * "continue on fail", nothing queued behind a failure is sent.
 */
export interface BatchControl {
	stopped(): boolean;
	failed(): void;
}

/**
 * Runs the prepared requests (they pace themselves through the limiter) and puts the output
 * back in input order. Without "continue on fail", the first failure stops requests not yet
 * started (`stopped()` turns true), waits for those in flight, and fails the node.
 */
export async function runAll<T extends Group>(
	context: IExecuteFunctions,
	prepared: Array<Outcome<T>>,
	groups: number[][],
	run: (request: T, control: BatchControl) => Promise<INodeExecutionData[]>,
	adviceFor: (group: number[]) => AdviceContext,
	{ keepGoing, forModel }: FailurePolicy,
): Promise<INodeExecutionData[]> {
	let firstFailure: Error | undefined;
	let stopping = false;
	const control: BatchControl = {
		stopped: () => stopping,
		failed: () => {
			if (!keepGoing) stopping = true;
		},
	};
	const results = await Promise.all(
		prepared.map(async (request, position): Promise<Outcome<INodeExecutionData[]>> => {
			if (request instanceof Error) return request;
			try {
				return await run(request, control);
			} catch (error) {
				const nodeError = asNodeError(
					context.getNode(),
					error,
					request.itemIndexes[0],
					adviceFor(groups[position]),
				);
				control.failed();
				if (!keepGoing) firstFailure ??= nodeError;
				return nodeError;
			}
		}),
	);
	if (firstFailure) throw firstFailure;
	return results.flatMap((result, position) =>
		result instanceof Error ? errorItems(groups[position], result, forModel) : result,
	);
}
