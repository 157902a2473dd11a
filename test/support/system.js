// What linted test code may not import itself (node built-ins), in one small module.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = {
	makeTempDir: (prefix) => mkdtempSync(join(tmpdir(), prefix)),
};
