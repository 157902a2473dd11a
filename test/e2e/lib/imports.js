'use strict';
/**
 * What n8n's import commands take, for the harness (see n8n.js): credentials and workflows
 * checked, and completed with the ids and names n8n needs. No I/O.
 *
 * Facts this relies on (read from n8n 2.41.1's own code and checked by n8n.selftest.js):
 * - `import:workflow --separate --input=<dir>` imports every *.json in <dir> in one process;
 *   `import:credentials --input=<file>` takes an array of {id, name, type, data} with `data` as a
 *   plain object, which n8n encrypts with N8N_ENCRYPTION_KEY.
 */

const crypto = require('node:crypto');

const NANO_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
/** A 16-character id like the ones n8n generates (workflow ids must be 1..21 characters). */
function generateId(length = 16) {
	const bytes = crypto.randomBytes(length);
	let id = '';
	for (let i = 0; i < length; i++) id += NANO_ALPHABET[bytes[i] % NANO_ALPHABET.length];
	return id;
}

/**
 * Credentials (one or an array) for `import:credentials`: each
 * `{ id?, name?, type, data: { ...plain fields } }`, given an id and a name where missing.
 */
function prepareCredentials(credentials) {
	const list = Array.isArray(credentials) ? credentials : [credentials];
	return list.map((c, i) => {
		if (!c || typeof c !== 'object') throw new TypeError(`credential #${i} is not an object`);
		if (!c.type) throw new Error(`credential #${i} has no type`);
		if (!c.data || typeof c.data !== 'object')
			throw new Error(`credential #${i} (${c.type}) needs data as a plain object`);
		const id = c.id || generateId();
		return { ...c, id: String(id), name: c.name || `${c.type} ${id}` };
	});
}

/**
 * Workflows (one or an array) for `import:workflow`: copies, each with an `id` (16 characters;
 * n8n needs 1..21) where missing, a name, node ids, and inactive.
 */
function prepareWorkflows(workflows) {
	const list = Array.isArray(workflows) ? workflows : [workflows];
	const seen = new Set();
	return list.map((wf, i) => {
		if (!wf || typeof wf !== 'object' || !Array.isArray(wf.nodes) || !wf.connections) {
			throw new Error(`workflow #${i} needs "nodes" (array) and "connections"`);
		}
		const copy = JSON.parse(JSON.stringify(wf));
		copy.id = copy.id ? String(copy.id) : generateId();
		if (copy.id.length > 21)
			throw new Error(
				`workflow id "${copy.id}" is longer than 21 characters: n8n execute would ignore it`,
			);
		if (seen.has(copy.id)) throw new Error(`workflow id "${copy.id}" appears twice`);
		seen.add(copy.id);
		copy.name = copy.name || `e2e ${copy.id}`;
		copy.active = false;
		copy.settings = copy.settings || {};
		copy.nodes = copy.nodes.map((n) => ({
			position: [0, 0],
			parameters: {},
			...n,
			id: n.id || crypto.randomUUID(),
		}));
		return copy;
	});
}

module.exports = { prepareCredentials, prepareWorkflows };
