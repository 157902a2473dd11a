/**
 * Runs a workflow Fixture → Seedream through n8n-core's real engine (WorkflowExecute, the real
 * execution context, binary helpers and HTTP stack), the way n8n's internal node test harness
 * does. Only the network is mocked, with nock; credentials come from a map, as in that harness.
 */
import {
	BinaryDataConfig,
	BinaryDataService,
	Credentials,
	ExecutionLifecycleHooks,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	INode,
	IConnections,
	INodeExecutionData,
	INodeParameters,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IWorkflowExecuteAdditionalData,
	Workflow as WorkflowType,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers, Workflow } from 'n8n-workflow';

import { HighwayApi } from '../../credentials/HighwayApi.credentials';
import { Seedream } from '../../nodes/Seedream/Seedream.node';
import { API_HOST } from './apiContract';
import { Container } from './di';
import { makeTempDir } from './system';

export type BinaryMode = 'default' | 'filesystem';

export interface FixtureBinary {
	bytes: Buffer;
	fileName?: string;
	mimeType?: string;
}

export interface FixtureItem {
	json?: IDataObject;
	binary?: Record<string, FixtureBinary>;
}

/** Emits the items it is given, storing binaries through n8n's helpers like any real node. */
class Fixture implements INodeType {
	static items = new Map<string, FixtureItem[]>();

	description = {
		displayName: 'Fixture',
		name: 'fixture',
		group: ['input'],
		version: 1,
		description: 'Test input',
		defaults: { name: 'Fixture' },
		inputs: ['main'],
		outputs: ['main'],
		properties: [{ displayName: 'Key', name: 'key', type: 'string', default: '' }],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const key = this.getNodeParameter('key', 0) as string;
		const output: INodeExecutionData[] = [];
		for (const item of Fixture.items.get(key) ?? []) {
			const binary: INodeExecutionData['binary'] = {};
			for (const [name, file] of Object.entries(item.binary ?? {})) {
				// n8n-core sniffs a missing mime type with an ESM import jest cannot load: always give one.
				binary[name] = await this.helpers.prepareBinaryData(
					file.bytes,
					file.fileName,
					file.mimeType ?? 'application/octet-stream',
				);
			}
			output.push(item.binary ? { json: item.json ?? {}, binary } : { json: item.json ?? {} });
		}
		return [output];
	}
}

const credentialTypes: Record<string, ICredentialType> = { highwayApi: new HighwayApi() };

class TestCredentialsHelper extends ICredentialsHelper {
	constructor(private readonly data: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}

	/** Resolves the credential's generic `authenticate` block as n8n's CLI does. */
	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow?: WorkflowType,
		node?: INode,
	): Promise<IHttpRequestOptions> {
		const authenticate = credentialTypes[typeName]?.authenticate;
		if (!authenticate || typeof authenticate === 'function' || !workflow || !node)
			return requestOptions;
		const resolve = (value: string) =>
			workflow.expression.getSimpleParameterValue(
				node,
				value,
				'internal',
				{ $credentials: credentials },
				undefined,
				'',
			) as string;
		const headers = authenticate.properties.headers ?? {};
		requestOptions.headers = { ...(requestOptions.headers ?? {}) };
		for (const [key, value] of Object.entries(headers)) {
			requestOptions.headers[resolve(key)] = resolve(String(value));
		}
		return requestOptions;
	}

	async preAuthentication() {
		return undefined;
	}

	async runPreAuthentication() {
		return undefined;
	}

	async getCredentials() {
		return new Credentials({ id: null, name: '' }, '', '');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_nodeCredentials: unknown,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		return { ...(this.data[type] ?? {}) };
	}

	async updateCredentials() {}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties() {
		return credentialTypes.highwayApi.properties;
	}
}

const nodeTypeInstances: Record<string, INodeType> = {
	'test.fixture': new Fixture(),
	'n8n-nodes-seedream.seedream': new Seedream(),
};

/** Serves another node type to the engine, e.g. the tool variant or a stand-in AI agent. */
export function registerNodeType(type: string, instance: INodeType): void {
	nodeTypeInstances[type] = instance;
}

/** Fills in parameter defaults as n8n does when a workflow is loaded. */
export function withDefaults(node: INode): INode {
	const { description } = nodeTypeInstances[node.type];
	const parameters =
		NodeHelpers.getNodeParameters(
			description.properties,
			node.parameters,
			true,
			false,
			node,
			description,
		) ?? node.parameters;
	return { ...node, parameters };
}

const nodeTypes: INodeTypes = {
	getByName: (type: string) => nodeTypeInstances[type],
	getByNameAndVersion: (type: string) => nodeTypeInstances[type],
	getKnownTypes: () => ({}),
} as unknown as INodeTypes;

let storagePath: string | undefined;
let currentMode: BinaryMode | undefined;

/** Sets n8n's binary data mode; the service is set up again only when the mode changes. */
export async function useBinaryMode(mode: BinaryMode): Promise<void> {
	if (mode === currentMode) return;
	currentMode = mode;
	storagePath ??= makeTempDir('seedream-binary-');
	const config = Container.get(BinaryDataConfig);
	config.mode = mode;
	config.availableModes = ['default', 'filesystem'];
	config.localStoragePath = storagePath;
	await Container.get(BinaryDataService).init();
}

export const TEST_CREDENTIALS = { apiKey: 'sk-test-secret-key', baseUrl: API_HOST };

export interface RunOptions {
	parameters: INodeParameters;
	items?: FixtureItem[];
	binaryMode?: BinaryMode;
	continueOnFail?: boolean;
	credentials?: ICredentialDataDecryptedObject;
	/** Lets a test cancel the execution, as the Stop button does. */
	onStart?: (cancel: () => void) => void;
	/** How n8n started the execution (`manual` by default; `retry` for the Retry of a failed one). */
	mode?: WorkflowExecuteMode;
	/**
	 * The execution's context data to start from, as n8n hands a Retry the failed execution's
	 * (`executionData.contextData`); the run's own is in `RunResult.contextData`.
	 */
	contextData?: IDataObject;
	/** The execution's custom data to start from, as n8n hands a Retry the failed execution's. */
	customData?: Record<string, string>;
	/** The workflow's static data, as n8n loads it from the database; the node changes it in place. */
	staticData?: IDataObject;
}

export interface RunResult {
	/** Undefined when n8n refused to start the workflow. */
	run?: IRun;
	/** Seedream's output items, or undefined when it failed. */
	items?: INodeExecutionData[];
	/** The node's error, when it failed. */
	error?: Error & { description?: string; context?: IDataObject; httpCode?: string | null };
	readBinary(item: INodeExecutionData, property?: string): Promise<Buffer>;
	/** The execution's context data at its end: what n8n stores with it (and hands its Retry). */
	contextData?: IDataObject;
	/** The execution's custom data at its end (`this.customData`), as n8n stores it. */
	customData?: Record<string, string>;
}

async function readBinary(item: INodeExecutionData, property = 'data'): Promise<Buffer> {
	const binary = item.binary?.[property];
	if (!binary) throw new Error(`item has no binary "${property}"`);
	return await Container.get(BinaryDataService).getAsBuffer(binary);
}

/** A workflow to run from its first node: what a test builds instead of the Fixture → Seedream pair. */
export interface WorkflowSpec {
	nodes: INode[];
	connections: IConnections;
	start: INode;
	credentials?: ICredentialDataDecryptedObject;
	onStart?: (cancel: () => void) => void;
	mode?: WorkflowExecuteMode;
	contextData?: IDataObject;
	customData?: Record<string, string>;
	staticData?: IDataObject;
}

let runCounter = 0;
let fixtureCounter = 0;

/** Runs a workflow through n8n-core's WorkflowExecute; undefined when n8n refused to start it. */
export async function executeWorkflow(spec: WorkflowSpec): Promise<{ run?: IRun; error?: Error }> {
	const key = `run-${++runCounter}`;
	const workflow = new Workflow({
		id: 'unit',
		nodes: spec.nodes,
		connections: spec.connections,
		nodeTypes,
		active: false,
		settings: { executionOrder: 'v1' },
		staticData: spec.staticData,
	});
	const mode = spec.mode ?? 'manual';

	const hooks = new ExecutionLifecycleHooks(mode, key, { id: 'unit' } as never);
	let resolveRun: (run: IRun) => void = () => {};
	const finished = new Promise<IRun>((resolve) => (resolveRun = resolve));
	hooks.addHandler('workflowExecuteAfter', (run) => resolveRun(run));

	const additionalData = {
		hooks,
		credentialsHelper: new TestCredentialsHelper({
			highwayApi: spec.credentials ?? TEST_CREDENTIALS,
		}),
		executionId: key,
		restApiUrl: 'http://127.0.0.1:5678/rest',
		instanceBaseUrl: 'http://127.0.0.1:5678/',
		webhookBaseUrl: 'http://127.0.0.1:5678/webhook',
		webhookWaitingBaseUrl: 'http://127.0.0.1:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://127.0.0.1:5678/webhook-test',
		formWaitingBaseUrl: 'http://127.0.0.1:5678/form-waiting',
		currentNodeParameters: undefined,
		variables: {},
		userId: 'unit',
		setExecutionStatus: () => {},
		executeWorkflow: async () => ({}),
		getRunExecutionData: async () => undefined,
		logAiEvent: () => {},
		startRunnerTask: async () => ({}),
	} as unknown as IWorkflowExecuteAdditionalData;

	const runExecutionData: IRunExecutionData = {
		version: 1,
		startData: {},
		resultData: { runData: {}, ...(spec.customData ? { metadata: { ...spec.customData } } : {}) },
		executionData: {
			contextData: spec.contextData ?? {},
			metadata: {},
			waitingExecution: {},
			waitingExecutionSource: null,
			nodeExecutionStack: [{ node: spec.start, data: { main: [[{ json: {} }]] }, source: null }],
		},
	} as unknown as IRunExecutionData;

	const execution = new WorkflowExecute(additionalData, mode, runExecutionData);
	let running;
	try {
		running = execution.processRunExecutionData(workflow);
	} catch (error) {
		// n8n refuses to start a workflow with issues (such as an empty required parameter).
		return { error: error as Error };
	}
	const cancel = running.cancel.bind(running);
	spec.onStart?.(cancel);
	await running.catch(() => undefined);
	return { run: await finished };
}

/** The Fixture node that starts a test workflow by emitting `items`. */
export function fixtureNode(items: FixtureItem[] = [{ json: {} }]): INode {
	const key = `fixture-${++fixtureCounter}`;
	Fixture.items.set(key, items);
	return {
		id: 'fixture',
		name: 'Fixture',
		type: 'test.fixture',
		typeVersion: 1,
		position: [0, 0],
		parameters: { key },
	};
}

/** A Seedream node with `parameters` (defaults filled in as n8n does) and the test credential. */
export function seedreamNode(parameters: INodeParameters, continueOnFail = false): INode {
	return withDefaults({
		id: 'seedream',
		name: 'Seedream',
		type: 'n8n-nodes-seedream.seedream',
		typeVersion: 1,
		position: [200, 0],
		parameters,
		credentials: { highwayApi: { id: '1', name: 'HighwayAPI account' } },
		onError: continueOnFail ? 'continueRegularOutput' : 'stopWorkflow',
	});
}

export async function runSeedream(options: RunOptions): Promise<RunResult> {
	await useBinaryMode(options.binaryMode ?? 'filesystem');
	const seedream = seedreamNode(options.parameters, options.continueOnFail);
	const fixture = fixtureNode(options.items);
	const { run, error: refused } = await executeWorkflow({
		nodes: [fixture, seedream],
		connections: { Fixture: { main: [[{ node: 'Seedream', type: 'main', index: 0 }]] } },
		start: fixture,
		credentials: options.credentials,
		onStart: options.onStart,
		mode: options.mode,
		contextData: options.contextData,
		customData: options.customData,
		staticData: options.staticData,
	});
	if (!run) return { run, items: undefined, error: refused as RunResult['error'], readBinary };

	const taskData = run.data.resultData.runData.Seedream?.[0];
	const error = (taskData?.error ?? run.data.resultData.error) as RunResult['error'];
	return {
		run,
		items: taskData?.data?.main?.[0] ?? undefined,
		error,
		readBinary,
		contextData: run.data.executionData?.contextData as IDataObject | undefined,
		customData: run.data.resultData.metadata,
	};
}
