import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

/**
 * How n8n runs the node as an AI agent's tool, or undefined when it runs as a workflow step.
 *
 * - `inProcess`: the caller invokes the tool inside its own run and `isToolExecution()` is true:
 *   AI Agent 2.x, the MCP Server Trigger (directly and on queue-mode workers) and the editor's
 *   tool test. An error thrown here reaches an AI Agent 2.x model as an empty answer.
 * - `ownRun`: AI Agent 3.x asks the engine to run each tool call as a run of the tool node
 *   itself, where `isToolExecution()` is always false. The node is then the tool variant (its
 *   type ends in `Tool`) and the engine rewires its output to `ai_tool`; the message of an error
 *   thrown here reaches the model.
 */
export type ToolRun = 'inProcess' | 'ownRun' | undefined;

export function toolRunOf(context: IExecuteFunctions): ToolRun {
	if (typeof context.isToolExecution === 'function' && context.isToolExecution()) {
		return 'inProcess';
	}
	const node = context.getNode();
	// The tool variant has no main input or output: whenever it runs, it runs as a tool.
	if (node.rewireOutputLogTo === NodeConnectionTypes.AiTool || node.type.endsWith('Tool')) {
		return 'ownRun';
	}
	return undefined;
}
