import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as image from './image';

type Operation = {
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
};

/** Every resource's operations, by the values the parameters store. */
const resources: Record<string, Record<string, Operation>> = {
	image: image.operations,
};

/** Looks the operation up and hands it all items: the operation owns its batch. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = resources[resource]?.[operation];
	if (!handler) {
		const known = Object.entries(resources).flatMap(([name, ops]) =>
			Object.keys(ops).map((op) => `${name} / ${op}`),
		);
		throw new NodeOperationError(
			this.getNode(),
			`Unsupported operation "${operation}" on resource "${resource}": expected ${known.join(', ')}`,
		);
	}
	return [await handler.execute.call(this, this.getInputData())];
}
