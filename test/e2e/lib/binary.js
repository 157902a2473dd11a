'use strict';
/**
 * Binary data of n8n items for the harness (see n8n.js): where filesystem binary data is
 * stored, and the bytes of an item's binary property in either binary mode.
 *
 * Facts this relies on (read from n8n 2.41.1's own code and checked by n8n.selftest.js):
 * - filesystem binary ids are `filesystem-v2:<key>`; the bytes live at
 *   `<storage root>/<key>`, storage root = N8N_BINARY_DATA_STORAGE_PATH || N8N_STORAGE_PATH ||
 *   `$N8N_USER_FOLDER/.n8n/storage` (or the legacy `.n8n/binaryData` when that folder exists).
 */

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const path = require('node:path');

/** Root folder of filesystem binary data for a user folder and environment (rule of n8n 2.41.1). */
function binaryStorageRoot(userFolder, env = {}) {
	if (env.N8N_BINARY_DATA_STORAGE_PATH) return path.resolve(env.N8N_BINARY_DATA_STORAGE_PATH);
	if (env.N8N_STORAGE_PATH) return path.resolve(env.N8N_STORAGE_PATH);
	const n8nFolder = path.join(userFolder, '.n8n');
	const legacy = path.join(n8nFolder, 'binaryData');
	if (fs.existsSync(legacy) && !fs.existsSync(path.join(n8nFolder, 'storage'))) return legacy;
	return path.join(n8nFolder, 'storage');
}

/** Absolute file of a `filesystem(-v2):<key>` binary id. */
function binaryFilePath(binaryId, storageRoot) {
	const sep = binaryId.indexOf(':');
	const mode = binaryId.slice(0, sep);
	const key = binaryId.slice(sep + 1);
	if (sep === -1 || (mode !== 'filesystem' && mode !== 'filesystem-v2')) {
		throw new Error(`binary id "${binaryId}" is not stored on the filesystem (mode "${mode}")`);
	}
	const root = path.resolve(storageRoot);
	const file = path.resolve(root, key);
	if (file !== root && !file.startsWith(root + path.sep)) {
		throw new Error(`binary id "${binaryId}" points outside the storage folder ${root}`);
	}
	return file;
}

/**
 * Bytes of an item's binary property (`item.binary.data`): inline base64 (binary mode "default")
 * or a `filesystem-v2:` id read from `storageRoot`.
 */
async function readBinary(binary, { storageRoot, userFolder, env } = {}) {
	if (!binary || typeof binary !== 'object')
		throw new TypeError('readBinary expects a binary property object (item.binary.<name>)');
	if (binary.id) {
		const root = storageRoot || (userFolder && binaryStorageRoot(userFolder, env));
		if (!root) throw new Error('readBinary: a stored binary needs storageRoot or userFolder');
		const file = binaryFilePath(binary.id, root);
		try {
			return await fsp.readFile(file);
		} catch (error) {
			throw new Error(`binary ${binary.id} not found at ${file}: ${error.message}`);
		}
	}
	if (typeof binary.data === 'string') {
		if (['filesystem', 'filesystem-v2', 's3', 'azure', 'database'].includes(binary.data)) {
			throw new Error(`binary is stored in mode "${binary.data}" but has no id`);
		}
		return Buffer.from(binary.data, 'base64');
	}
	throw new Error('binary has neither an id nor inline base64 data');
}

module.exports = { binaryStorageRoot, binaryFilePath, readBinary };
