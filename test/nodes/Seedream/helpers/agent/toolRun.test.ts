/**
 * How the node knows it runs as an AI agent's tool, in each way n8n runs tools (read from n8n
 * 2.41's own code: n8n-core's execute and supply-data contexts, requests-response.ts, the MCP
 * trigger and the queue worker's invokeTool). The engine-level proof is asTool.test.ts.
 */
import type { IExecuteFunctions, INode } from 'n8n-workflow';

import { toolRunOf } from '../../../../../nodes/Seedream/helpers/agent/toolRun';

function context(node: Partial<INode>, isToolExecution?: boolean): IExecuteFunctions {
	return {
		getNode: () => ({ name: 'Seedream', type: 'n8n-nodes-seedream.seedream', ...node }) as INode,
		...(isToolExecution === undefined ? {} : { isToolExecution: () => isToolExecution }),
	} as unknown as IExecuteFunctions;
}

describe('toolRunOf', () => {
	test('AI Agent 2.x, the MCP Server Trigger and the editor call the tool in-process: isToolExecution() is true', () => {
		expect(toolRunOf(context({ type: 'n8n-nodes-seedream.seedreamTool' }, true))).toBe('inProcess');
	});

	test('AI Agent 3.x runs the tool node in its own run: isToolExecution() is false, the output rewired to ai_tool', () => {
		const node = { type: 'n8n-nodes-seedream.seedreamTool', rewireOutputLogTo: 'ai_tool' } as const;
		expect(toolRunOf(context(node, false))).toBe('ownRun');
	});

	test('the tool variant is a tool wherever it runs, also from a custom folder', () => {
		expect(toolRunOf(context({ type: 'CUSTOM.seedreamTool' }, false))).toBe('ownRun');
	});

	test('a workflow step is not a tool run, also where n8n has no isToolExecution()', () => {
		expect(toolRunOf(context({}, false))).toBeUndefined();
		expect(toolRunOf(context({}))).toBeUndefined();
	});
});
