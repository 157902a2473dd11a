/**
 * Runs Seedream as an AI agent's tool through n8n-core's real engine, in both ways n8n calls
 * tools (see nodes/Seedream/helpers/agent/toolRun.ts):
 *
 * - `ownRun`, as AI Agent 3.x does: the agent returns an EngineRequest naming the tool node, the
 *   engine runs that node in a run of its own (output rewired to `ai_tool`, `isToolExecution()`
 *   false) and resumes the agent with the node's task data.
 * - `inProcess`, as AI Agent 2.x and the MCP Server Trigger do: the caller asks n8n-core for its
 *   `ai_tool` connections, gets the tool n8n builds from the node (name, description, $fromAI
 *   schema) and invokes it; n8n-core runs the node in a SupplyDataContext, where
 *   `isToolExecution()` is true.
 * - `mcpQueue`, as a queue-mode worker runs an MCP Server Trigger's tool call (n8n's
 *   JobProcessor.invokeTool): a SupplyDataContext for `ai_tool` built by hand, the node's
 *   execute() called on it, the items' JSON sent back.
 *
 * The stand-in agents are not n8n's: they turn the tool's answer into the text a model reads the
 * way n8n's agents do (3.x: `buildObservation`, JSON of the items' `json` or the error message;
 * 2.x: the string the tool returns). The real agents are proven in test/e2e/aiAgent.agent.test.js.
 */
import { SupplyDataContext } from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	EngineRequest,
	EngineResponse,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypeDescription,
	IRun,
	IRunExecutionData,
	ITaskData,
	IWorkflowExecuteAdditionalData,
	Workflow,
} from 'n8n-workflow';

import { Seedream } from '../../nodes/Seedream/Seedream.node';
import { executeWorkflow, registerNodeType, useBinaryMode, withDefaults } from './engine';

export const TOOL_TYPE = 'n8n-nodes-seedream.seedreamTool';

/** The tool variant n8n makes of a node with `usableAsTool` (its CLI's convertNodeToAiTool). */
function toolVariant(): INodeType {
	const node = new Seedream();
	const base = node.description;
	const description: INodeTypeDescription = {
		...base,
		usableAsTool: undefined,
		name: `${base.name}Tool`,
		displayName: `${base.displayName} Tool`,
		inputs: [],
		outputs: ['ai_tool'],
	};
	return Object.create(node, { description: { value: description } }) as INodeType;
}

/** What the stand-in agent saw: the tool as the model is shown it, and what the model read back. */
export interface ToolCall {
	toolName: string;
	toolDescription: string;
	/** The JSON schema's property names the model fills. */
	arguments: string[];
	/** What the model reads after the (last) call. */
	observation: string;
	/** What the model read after each call, when the agent called the tool more than once. */
	observations: string[];
}

interface LangChainTool {
	name: string;
	description: string;
	schema: { shape?: Record<string, unknown> };
	invoke(args: IDataObject): Promise<string>;
}

const agentDescription = (name: string) =>
	({
		displayName: name,
		name,
		group: ['transform'],
		version: 1,
		description: 'Stand-in AI agent',
		defaults: { name },
		inputs: ['main', { type: 'ai_tool', displayName: 'Tools', required: true }],
		outputs: ['main'],
		properties: [{ displayName: 'Arguments', name: 'args', type: 'json', default: '{}' }],
	}) as unknown as INodeTypeDescription;

async function connectedTool(context: IExecuteFunctions): Promise<LangChainTool> {
	const tools = (await context.getInputConnectionData('ai_tool', 0)) as LangChainTool[];
	return tools[0];
}

function describe(tool: LangChainTool): Omit<ToolCall, 'observation' | 'observations'> {
	return {
		toolName: tool.name,
		toolDescription: tool.description,
		arguments: Object.keys(tool.schema.shape ?? {}),
	};
}

/** The arguments of each tool call the agent makes, one after the other. */
function callsOf(context: IExecuteFunctions): IDataObject[] {
	const value = context.getNodeParameter('args', 0) as string | IDataObject | IDataObject[];
	const parsed =
		typeof value === 'string' ? (JSON.parse(value) as IDataObject | IDataObject[]) : value;
	return Array.isArray(parsed) ? parsed : [parsed];
}

function agentAnswer(tool: LangChainTool, observations: string[]): INodeExecutionData[][] {
	const call: ToolCall = {
		...describe(tool),
		observation: observations[observations.length - 1],
		observations,
	};
	return [[{ json: call as unknown as IDataObject }]];
}

/** AI Agent 3.x's buildObservation: the items' JSON, else the error's message only. */
function observationOf(task: ITaskData): string {
	const items = task.data?.ai_tool?.[0]?.map((item) => item.json);
	if (items && items.length > 0) return JSON.stringify(items);
	if (task.error) return JSON.stringify({ error: task.error.message, errorType: task.error.name });
	return JSON.stringify('');
}

/** Like AI Agent 3.x: one tool call as an EngineRequest, then the answer from the tool's own run. */
class OwnRunAgent implements INodeType {
	description = agentDescription('ownRunAgent');

	async execute(
		this: IExecuteFunctions,
		response?: EngineResponse,
	): Promise<INodeExecutionData[][] | EngineRequest> {
		const tool = await connectedTool(this);
		const calls = callsOf(this);
		// The calls so far travel in the request's metadata, as AI Agent 3.x keeps its steps.
		const previous = (response?.metadata as { observations?: string[] } | undefined)?.observations;
		const observations = [...(previous ?? [])];
		const answer = response?.actionResponses?.[0];
		if (answer) observations.push(observationOf(answer.data));
		if (observations.length < calls.length) {
			return {
				actions: [
					{
						actionType: 'ExecutionNodeAction',
						nodeName: 'Seedream',
						input: calls[observations.length],
						type: 'ai_tool',
						id: `call_${observations.length + 1}`,
						metadata: { itemIndex: 0 },
					},
				],
				metadata: { observations },
			};
		}
		return agentAnswer(tool, observations);
	}
}

/** Like AI Agent 2.x and the MCP Server Trigger: the tool invoked in-process. */
class InProcessAgent implements INodeType {
	description = agentDescription('inProcessAgent');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tool = await connectedTool(this);
		const observations: string[] = [];
		for (const args of callsOf(this)) {
			try {
				observations.push(await tool.invoke(args));
			} catch (error) {
				// What AI Agent 2.x's executor does with a thrown tool error: the model reads nothing.
				observations.push(`THROWN: ${(error as Error).message}`);
			}
		}
		return agentAnswer(tool, observations);
	}
}

/** The trigger: AI Agent 3.x resumes after a tool run only when it has a parent node. */
class Start implements INodeType {
	description = {
		...agentDescription('start'),
		inputs: ['main'],
		properties: [],
	} as unknown as INodeTypeDescription;

	async execute(): Promise<INodeExecutionData[][]> {
		return [[{ json: { chatInput: 'Make me images' } }]];
	}
}

/** What n8n's execution contexts hold and JobProcessor.invokeTool uses. */
interface ContextInternals {
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	runExecutionData: IRunExecutionData;
}

/** Like a queue-mode worker running an MCP Server Trigger's tool call (JobProcessor.invokeTool). */
class McpQueueAgent implements INodeType {
	description = agentDescription('mcpQueueAgent');

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const tool = await connectedTool(this);
		const { workflow, additionalData, runExecutionData } = this as unknown as ContextInternals;
		const toolNode = workflow.getNode('Seedream')!;
		const nodeType = workflow.nodeTypes.getByNameAndVersion(toolNode.type, toolNode.typeVersion);
		const inputData = [[{ json: {} }]];
		const context = new SupplyDataContext(
			workflow,
			toolNode,
			additionalData,
			'webhook',
			runExecutionData,
			0,
			inputData[0],
			{ main: inputData },
			'ai_tool',
			{ node: toolNode, data: { main: inputData }, source: null },
			[],
			undefined,
			this.getNode(),
		);
		context.addInputData('ai_tool', [[{ json: callsOf(this)[0] }]]);
		let observation: string;
		try {
			const result = (await nodeType.execute!.call(
				context as unknown as IExecuteFunctions,
			)) as INodeExecutionData[][];
			observation = JSON.stringify(result[0].flatMap((item) => item.json));
		} catch (error) {
			observation = `THROWN: ${(error as Error).message}`;
		}
		return agentAnswer(tool, [observation]);
	}
}

registerNodeType(TOOL_TYPE, toolVariant());
registerNodeType('test.mcpQueueAgent', new McpQueueAgent());
registerNodeType('test.start', new Start());
registerNodeType('test.ownRunAgent', new OwnRunAgent());
registerNodeType('test.inProcessAgent', new InProcessAgent());

export type ToolRunKind = 'ownRun' | 'inProcess' | 'mcpQueue';

export interface ToolRunResult {
	run?: IRun;
	/** Why n8n refused to start the workflow, when it did. */
	refused?: Error;
	call?: ToolCall;
	/** The tool node's own task data (3.x) or its sub-run (2.x): of the first call. */
	toolTask?: ITaskData;
	/** The execution's custom data at its end. */
	customData?: Record<string, string>;
}

/**
 * An agent calls the Seedream tool with `args`, or once with each of a list of them, one after
 * the other in one execution; `parameters` are the tool node's.
 */
export async function runAsTool(
	kind: ToolRunKind,
	parameters: INodeParameters,
	args: IDataObject | IDataObject[],
	credentials?: ICredentialDataDecryptedObject,
): Promise<ToolRunResult> {
	await useBinaryMode('filesystem');
	const start: INode = {
		id: 'start',
		name: 'Start',
		type: 'test.start',
		typeVersion: 1,
		position: [-200, 0],
		parameters: {},
	};
	const agent: INode = {
		id: 'agent',
		name: 'Agent',
		type: `test.${kind}Agent`,
		typeVersion: 1,
		position: [0, 0],
		parameters: { args: JSON.stringify(args) },
	};
	const tool = withDefaults({
		id: 'seedream',
		name: 'Seedream',
		type: TOOL_TYPE,
		typeVersion: 1,
		position: [0, 200],
		parameters: { resource: 'image', operation: 'generate', ...parameters },
		credentials: { highwayApi: { id: '1', name: 'HighwayAPI account' } },
	});
	const { run, error: refused } = await executeWorkflow({
		nodes: [start, agent, tool],
		connections: {
			Start: { main: [[{ node: 'Agent', type: 'main', index: 0 }]] },
			Seedream: { ai_tool: [[{ node: 'Agent', type: 'ai_tool', index: 0 }]] },
		},
		start,
		credentials,
	});
	const runData = run?.data.resultData.runData;
	return {
		run,
		refused,
		call: runData?.Agent?.[0]?.data?.main?.[0]?.[0]?.json as unknown as ToolCall | undefined,
		toolTask: runData?.Seedream?.[0],
		customData: run?.data.resultData.metadata,
	};
}
