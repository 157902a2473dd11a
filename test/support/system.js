// What linted test code may not import itself (node built-ins), in one small module.
const { spawn } = require('node:child_process');
const { createHash } = require('node:crypto');
const { mkdtempSync, readFileSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { Readable } = require('node:stream');

const ROOT = join(__dirname, '..', '..');

module.exports = {
	makeTempDir: (prefix) => mkdtempSync(join(tmpdir(), prefix)),
	/** A file of the repository, by its path from the top. */
	readRepoFile: (path) => readFileSync(join(ROOT, path), 'utf8'),
	writeRepoFile: (path, text) => writeFileSync(join(ROOT, path), text),
	/** Any file, by its absolute path. */
	readText: (path) => readFileSync(path, 'utf8'),
	writeText: (path, text) => writeFileSync(path, text),
	/** Whether the run was asked to rewrite generated documentation (npm run readme:models). */
	writeDocs: () => process.env.SEEDREAM_WRITE_DOCS === '1',
	/** SHA-256 of a string's UTF-8 bytes, as hex: Node's own, to check the node's. */
	sha256: (text) => createHash('sha256').update(text, 'utf8').digest('hex'),
	/**
	 * A byte stream like an HTTP response body, holding `chunks` and, with `end`, its end; the test
	 * feeds it more with push(chunk), ends it with push(null) and breaks it with destroy(error).
	 */
	/**
	 * Runs a script of the repository with Node.js, `input` on its standard input; resolves its
	 * exit code and output. Asynchronous, so that an emulator in this process can answer it.
	 */
	runRepoScript: (script, args = [], { env = {}, input = '' } = {}) =>
		new Promise((resolve, reject) => {
			const child = spawn(process.execPath, [join(ROOT, script), ...args], {
				cwd: ROOT,
				env: { ...process.env, ...env },
			});
			let output = '';
			child.stdout.on('data', (chunk) => (output += chunk));
			child.stderr.on('data', (chunk) => (output += chunk));
			child.on('error', reject);
			child.on('close', (code) => resolve({ code, output }));
			child.stdin.end(input);
		}),
	byteStream: (chunks = [], { end = true } = {}) => {
		const stream = new Readable({ read() {} });
		for (const chunk of chunks) stream.push(chunk);
		if (end) stream.push(null);
		return stream;
	},
};
