import { Workflow, type INode, type INodeTypes } from 'n8n-workflow';

import { HighwayApi } from '../../credentials/HighwayApi.credentials';

const credential = new HighwayApi();

/** Resolves a credential expression the way n8n does for a credential test request. */
function resolve(value: string, credentials: Record<string, string>): unknown {
	const node: INode = {
		id: 'n',
		name: 'n',
		type: 'test',
		typeVersion: 1,
		position: [0, 0],
		parameters: {},
	};
	const workflow = new Workflow({
		nodes: [node],
		connections: {},
		active: false,
		nodeTypes: { getByName: () => undefined, getByNameAndVersion: () => undefined } as unknown as INodeTypes,
	});
	return workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials }, undefined, '');
}

describe('HighwayAPI credential', () => {
	test('keeps the names saved workflows rely on', () => {
		expect(credential.name).toBe('highwayApi');
		expect(credential.properties.map((property) => property.name)).toEqual(['apiKey', 'baseUrl']);
		expect(credential.properties[0].typeOptions?.password).toBe(true);
		expect(credential.properties[1].default).toBe('https://api.highwayapi.ai');
	});

	test('authenticates with a Bearer header built from the key', () => {
		expect(credential.authenticate.type).toBe('generic');
		const header = credential.authenticate.properties.headers?.Authorization as string;
		expect(resolve(header, { apiKey: 'sk-abc' })).toBe('Bearer sk-abc');
	});

	test('the credential test lists models (no image is generated, nothing is paid)', () => {
		expect(credential.test.request.method).toBe('GET');
		expect(credential.test.request.url).toBe('/openai/v1/models');
	});

	test('a failed credential test says what to check, for a rejected key and for a wrong Base URL', () => {
		const messages = Object.fromEntries(
			(credential.test.rules ?? []).map((rule) => [rule.properties.value, rule.properties.message]),
		);
		expect(messages[401]).toMatch(/did not accept this API Key.*Check that the whole key/);
		expect(messages[403]).toMatch(/invalid or disabled, or the account has no balance/);
		expect(messages[404]).toMatch(/^Base URL does not answer like HighwayAPI.*https:\/\/api\.highwayapi\.ai/);
		// The test proves the key, not each model's route: a missing route is named by the node.
		expect(messages[404]).toMatch(/a model route it lacks is named in the Seedream node's own error \(404\)\.$/);
	});

	test.each([
		['https://api.highwayapi.ai', 'https://api.highwayapi.ai'],
		['https://api.highwayapi.ai/', 'https://api.highwayapi.ai'],
		['http://127.0.0.1:8787//', 'http://127.0.0.1:8787'],
	])('the credential test base URL %s resolves to %s', (baseUrl, expected) => {
		expect(resolve(credential.test.request.baseURL as string, { apiKey: 'k', baseUrl })).toBe(expected);
	});
});
