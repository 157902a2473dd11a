/**
 * Fixture → Loop → Seedream → back to Loop, through n8n-core's engine: the shape of n8n's Loop
 * Over Items (Split In Batches v3), where each batch is another run of Seedream in the same
 * execution. The stand-in loop keeps what is left in its node context, as n8n's does; its first
 * output ("done") gets every item the loop body returned, its second ("loop") the next batch.
 */
import type {
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	ITaskData,
} from 'n8n-workflow';

import {
	executeWorkflow,
	fixtureNode,
	registerNodeType,
	seedreamNode,
	useBinaryMode,
	type FixtureItem,
} from './engine';

class Loop implements INodeType {
	description = {
		displayName: 'Loop',
		name: 'loop',
		group: ['transform'],
		version: 1,
		description: 'Stand-in Loop Over Items',
		defaults: { name: 'Loop' },
		inputs: ['main'],
		outputs: ['main', 'main'],
		properties: [{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 1 }],
	} as unknown as INodeTypeDescription;

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const context = this.getContext('node') as { left?: IDataObject[]; done?: IDataObject[] };
		const size = this.getNodeParameter('batchSize', 0) as number;
		const input = this.getInputData().map((item) => item.json);
		if (context.left === undefined) {
			context.left = input;
			context.done = [];
		} else {
			context.done!.push(...input);
		}
		const batch = context.left.splice(0, size);
		if (batch.length === 0) return [context.done!.map((json) => ({ json })), []];
		return [[], batch.map((json) => ({ json }))];
	}
}

registerNodeType('test.loop', new Loop());

export interface LoopResult {
	/** Seedream's runs, one per batch: its items, or its error. */
	runs: ITaskData[];
	customData?: Record<string, string>;
}

/** Runs `items` through Seedream in batches of `batchSize`, in one execution. */
export async function runInLoop(
	parameters: INodeParameters,
	items: FixtureItem[],
	batchSize: number,
	{
		continueOnFail = false,
		credentials,
	}: { continueOnFail?: boolean; credentials?: IDataObject } = {},
): Promise<LoopResult> {
	await useBinaryMode('filesystem');
	const fixture = fixtureNode(items);
	const loop: INode = {
		id: 'loop',
		name: 'Loop',
		type: 'test.loop',
		typeVersion: 1,
		position: [100, 0],
		parameters: { batchSize },
	};
	const seedream = seedreamNode(parameters, continueOnFail);
	const { run, error } = await executeWorkflow({
		nodes: [fixture, loop, seedream],
		connections: {
			Fixture: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
			Loop: { main: [[], [{ node: 'Seedream', type: 'main', index: 0 }]] },
			Seedream: { main: [[{ node: 'Loop', type: 'main', index: 0 }]] },
		},
		start: fixture,
		credentials: credentials as never,
	});
	if (!run) throw error ?? new Error('n8n refused to start the loop workflow');
	return {
		runs: run.data.resultData.runData.Seedream ?? [],
		customData: run.data.resultData.metadata,
	};
}
