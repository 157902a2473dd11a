import type { IExecuteFunctions } from 'n8n-workflow';

/** Whether n8n runs the node as an AI agent's tool. */
export function isToolRun(context: IExecuteFunctions): boolean {
	return typeof context.isToolExecution === 'function' && context.isToolExecution();
}
