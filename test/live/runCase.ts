/**
 * Runs one live case the way the node runs in n8n: a `node` case through the Seedream node in
 * n8n-core's engine, a `raw` case straight through the node's transport (with the credential's
 * authentication), from a small node of its own. Used by `npm run verify:live` and the replays.
 */
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	INode,
	INodeExecutionData,
	INodeType,
} from 'n8n-workflow';

import { CREDENTIAL_TYPE } from '../../nodes/Seedream/helpers/constants';
import { normaliseBaseUrl, send } from '../../nodes/Seedream/transport';
import { readImageInfo } from '../emulator/png';
import { executeWorkflow, registerNodeType, runSeedream, withDefaults, type RunResult } from '../support/engine';
import type { LiveCase } from './cases';
import type { Download } from './recorder';

/** Sends `method` `path` (`body` as JSON) through the transport, as the node's own requests go. */
class TransportRequest implements INodeType {
	description = {
		displayName: 'Transport request',
		name: 'transportRequest',
		group: ['transform'],
		version: 1,
		description: 'One request through the node transport',
		defaults: { name: 'Transport request' },
		inputs: ['main'],
		outputs: ['main'],
		credentials: [{ name: CREDENTIAL_TYPE, required: true }],
		properties: [
			{ displayName: 'Method', name: 'method', type: 'string', default: 'GET' },
			{ displayName: 'Path', name: 'path', type: 'string', default: '' },
			{ displayName: 'Body', name: 'body', type: 'string', default: '' },
		],
	} as unknown as INodeType['description'];

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const credentials = await this.getCredentials(CREDENTIAL_TYPE);
		const body = this.getNodeParameter('body', 0) as string;
		const outcome = await send(
			this,
			{
				method: this.getNodeParameter('method', 0) as 'GET' | 'POST',
				url: `${normaliseBaseUrl(credentials.baseUrl)}${this.getNodeParameter('path', 0) as string}`,
				...(body ? { body: Buffer.from(body), headers: { 'Content-Type': 'application/json' } } : {}),
				json: false,
			},
			CREDENTIAL_TYPE,
			undefined,
		);
		return [[{ json: { outcome: JSON.parse(JSON.stringify(outcome, (_key, value: unknown) => (Buffer.isBuffer(value) ? value.toString('utf8') : value))) as IDataObject } }]];
	}
}
registerNodeType('test.transportRequest', new TransportRequest());

export interface CaseRun {
	/** Node cases: what the node made. */
	result?: RunResult;
	/** Raw cases: the transport's outcome (`{ type: 'response', statusCode, body }` …). */
	outcome?: IDataObject;
}

export async function runCase(liveCase: LiveCase, credentials: ICredentialDataDecryptedObject): Promise<CaseRun> {
	if (liveCase.kind === 'node') {
		return { result: await runSeedream({ parameters: liveCase.parameters ?? {}, credentials }) };
	}
	const request = liveCase.request!;
	const node: INode = withDefaults({
		id: 'transport',
		name: 'Transport request',
		type: 'test.transportRequest',
		typeVersion: 1,
		position: [0, 0],
		parameters: { method: request.method, path: request.path, body: request.body ? JSON.stringify(request.body) : '' },
		credentials: { [CREDENTIAL_TYPE]: { id: '1', name: 'HighwayAPI account' } },
	});
	const { run, error } = await executeWorkflow({ nodes: [node], connections: {}, start: node, credentials });
	if (!run) throw error ?? new Error('the workflow did not start');
	const task = run.data.resultData.runData['Transport request']?.[0];
	if (task?.error) throw task.error;
	return { outcome: task?.data?.main?.[0]?.[0]?.json.outcome as IDataObject };
}

/**
 * The images a node run stored, as they are on disk: format and size from the bytes, checked
 * against what the item says (the way the end-to-end tests check the emulator's images).
 */
export async function storedImages(result: RunResult): Promise<Download[]> {
	const downloads: Download[] = [];
	for (const item of result.items ?? []) {
		const bytes = await result.readBinary(item);
		const info = readImageInfo(bytes);
		if (!info) throw new Error(`item ${String(item.json.index)} holds no image (${bytes.length} bytes)`);
		if (item.binary?.data.mimeType !== `image/${info.format}`)
			throw new Error(`item ${String(item.json.index)} says ${String(item.binary?.data.mimeType)}, its bytes are ${info.format}`);
		if (item.json.width !== info.width || item.json.height !== info.height)
			throw new Error(`item ${String(item.json.index)} says ${String(item.json.size)}, its bytes are ${info.width}x${info.height}`);
		downloads.push({ format: info.format, width: info.width, height: info.height, bytes: bytes.length });
	}
	return downloads;
}
