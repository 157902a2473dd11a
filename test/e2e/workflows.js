// Test workflows for the end-to-end suite, built in code from the same pieces a user drags in.
const { randomUUID } = require('node:crypto');

const NODE_TYPE = 'n8n-nodes-seedream.seedream';
const CREDENTIAL = { highwayApi: { id: 'highway-emulator', name: 'HighwayAPI account' } };

function node(name, type, typeVersion, parameters, extra = {}) {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

const trigger = () => node('Start', 'n8n-nodes-base.manualTrigger', 1, {});

/**
 * One item per entry of `items`: a Set node holds them as a list, Split Out makes the items
 * (a Set node whose raw JSON is an array makes `n8n execute` fail with "No active execution").
 */
const rows = (name, items) => [
	node(`${name} (list)`, 'n8n-nodes-base.set', 3.4, {
		mode: 'raw',
		jsonOutput: JSON.stringify({ rows: items }),
		options: {},
	}),
	node(name, 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'rows', include: 'noOtherFields', options: {} }),
];

/** Convert to File: the base64 field `field` of each item becomes binary property `field`. */
const toFile = (name, field, fileName, mimeType) =>
	node(name, 'n8n-nodes-base.convertToFile', 1.1, {
		operation: 'toBinary',
		sourceProperty: field,
		binaryPropertyName: field,
		options: { fileName, mimeType },
	});

/**
 * A production Webhook trigger (POST /webhook/<path>) that answers when the last node finishes:
 * with every item's JSON (`allEntries`) or the first item's binary (`firstEntryBinary`).
 */
const webhook = (path, responseData = 'allEntries') =>
	node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode: 'lastNode', responseData, options: {} },
		{ webhookId: randomUUID() },
	);

/** Crypto: the SHA-256 of each item's binary `data`, read back through n8n's binary storage. */
const hashBinary = () =>
	node('Hash', 'n8n-nodes-base.crypto', 1, {
		action: 'hash',
		type: 'SHA256',
		binaryData: true,
		binaryPropertyName: 'data',
		dataPropertyName: 'sha256',
		encoding: 'hex',
	});

const seedream = (parameters, extra = {}) =>
	node('Seedream', NODE_TYPE, 1, { resource: 'image', operation: 'generate', ...parameters }, { credentials: CREDENTIAL, ...extra });

/** Chains the nodes in order. */
function workflow(name, pieces) {
	const nodes = pieces.flat();
	const connections = {};
	nodes.forEach((current, index) => {
		nodes[index].position = [index * 220, 0];
		const next = nodes[index + 1];
		if (next) connections[current.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, active: false, settings: { executionOrder: 'v1' } };
}

module.exports = { node, trigger, rows, toFile, seedream, workflow, webhook, hashBinary };
