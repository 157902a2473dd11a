'use strict';
/**
 * Self-test of the n8n harness (./n8n.js) against the real, pinned n8n. Run with plain node:
 *
 *   node test/e2e/lib/n8n.selftest.js
 *
 * It uses only n8n's built-in nodes plus a throw-away STUB community package named
 * n8n-nodes-seedream (built, packed and installed exactly like the real one will be), so it does
 * not depend on the real node being finished. Exits non-zero on the first failed check.
 */

const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');

const h = require('./n8n');

const t0 = Date.now();
const secs = (ms) => `${(ms / 1000).toFixed(1)} s`;
const log = (s) => process.stderr.write(`${s}\n`);
let checks = 0;
function check(label, fn) {
	fn();
	checks++;
	log(`  ok  ${label}`);
}

// --- workflows --------------------------------------------------------------------------------

const trigger = {
	name: 'Start',
	type: 'n8n-nodes-base.manualTrigger',
	typeVersion: 1,
	position: [0, 0],
	parameters: {},
};
const link = (from, to) => ({ [from]: { main: [[{ node: to, type: 'main', index: 0 }]] } });
const code = (name, jsCode, extra = {}) => ({
	name,
	type: 'n8n-nodes-base.code',
	typeVersion: 2,
	position: [200, 0],
	...extra,
	parameters: { jsCode },
});

const wfConvert = {
	name: 'selftest convert',
	nodes: [
		trigger,
		code(
			'Make Items',
			"return [{ json: { n: 1, word: 'alpha' } }, { json: { n: 2, word: 'beta' } }];",
		),
		{
			name: 'To File',
			type: 'n8n-nodes-base.convertToFile',
			typeVersion: 1.1,
			position: [400, 0],
			parameters: { operation: 'toJson', mode: 'each', options: {} },
		},
	],
	connections: { ...link('Start', 'Make Items'), ...link('Make Items', 'To File') },
};

const wfFail = {
	name: 'selftest fail',
	nodes: [trigger, code('Boom', "throw new Error('kaboom 42');")],
	connections: link('Start', 'Boom'),
};

// The same failure with "On Error: Continue": the error becomes an item's json.error.
const wfContinue = {
	...wfFail,
	name: 'selftest continue',
	nodes: [
		trigger,
		code('Boom', "throw new Error('soft kaboom');", { onError: 'continueRegularOutput' }),
	],
};

// The stub community node: 2 items in, one binary image-like file per item out; then a failing run.
const stubNode = (params) => ({
	name: 'Seedream',
	type: 'n8n-nodes-seedream.seedream',
	typeVersion: 1,
	position: [400, 0],
	parameters: params,
});
const twoItems = code('Two', 'return [{ json: { i: 0 } }, { json: { i: 1 } }];');
const wfStub = {
	name: 'selftest stub node',
	nodes: [trigger, twoItems, stubNode({ size: 300 })],
	connections: { ...link('Start', 'Two'), ...link('Two', 'Seedream') },
};
const wfStubFail = {
	name: 'selftest stub fail',
	nodes: [trigger, stubNode({ fail: true })],
	connections: link('Start', 'Seedream'),
};

// HTTP Request with an imported Header Auth credential, against a local server.
const wfHttp = (port, credId) => ({
	name: 'selftest credential',
	nodes: [
		trigger,
		{
			name: 'Call',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			position: [200, 0],
			parameters: {
				url: `http://127.0.0.1:${port}/echo`,
				authentication: 'genericCredentialType',
				genericAuthType: 'httpHeaderAuth',
				options: {},
			},
			credentials: { httpHeaderAuth: { id: credId, name: 'selftest header' } },
		},
	],
	connections: link('Start', 'Call'),
});

// --- stub community package -------------------------------------------------------------------

const STUB_NODE_SOURCE = `'use strict';
const { NodeOperationError } = require('n8n-workflow');
class Seedream {
	constructor() {
		this.description = {
			displayName: 'Seedream (harness stub)',
			name: 'seedream',
			group: ['transform'],
			version: 1,
			description: 'Stub used by the harness self-test',
			defaults: { name: 'Seedream' },
			inputs: ['main'],
			outputs: ['main'],
			properties: [
				{ displayName: 'Size', name: 'size', type: 'number', default: 256 },
				{ displayName: 'Fail', name: 'fail', type: 'boolean', default: false },
			],
		};
	}
	async execute() {
		const items = this.getInputData();
		const out = [];
		for (let i = 0; i < items.length; i++) {
			if (this.getNodeParameter('fail', i)) {
				throw new NodeOperationError(this.getNode(), 'stub failure for item ' + i, { itemIndex: i, description: 'described by the stub' });
			}
			const size = this.getNodeParameter('size', i);
			const buf = Buffer.alloc(size);
			for (let j = 0; j < size; j++) buf[j] = (j + i) % 256;
			const binary = await this.helpers.prepareBinaryData(buf, 'image-' + i + '.png', 'image/png');
			out.push({ json: { index: i, size }, binary: { data: binary }, pairedItem: { item: i } });
		}
		return [out];
	}
}
module.exports = { Seedream };
`;

function writeStubPackage(dir) {
	fs.mkdirSync(path.join(dir, 'src'), { recursive: true });
	fs.writeFileSync(path.join(dir, 'src', 'Seedream.node.js'), STUB_NODE_SOURCE);
	fs.writeFileSync(
		path.join(dir, 'build.js'),
		"const fs = require('fs');\nfs.mkdirSync('dist/nodes/Seedream', { recursive: true });\nfs.copyFileSync('src/Seedream.node.js', 'dist/nodes/Seedream/Seedream.node.js');\n",
	);
	fs.writeFileSync(
		path.join(dir, 'package.json'),
		JSON.stringify(
			{
				name: 'n8n-nodes-seedream',
				version: '0.0.0-harness-stub',
				description: 'harness self-test stub',
				license: 'MIT',
				keywords: ['n8n-community-node-package'],
				scripts: { build: 'node build.js' },
				files: ['dist'],
				n8n: {
					n8nNodesApiVersion: 1,
					nodes: ['dist/nodes/Seedream/Seedream.node.js'],
					credentials: [],
				},
				peerDependencies: { 'n8n-workflow': '*' },
			},
			null,
			2,
		),
	);
}

// --- local HTTP server checking the credential header ----------------------------------------

function startEchoServer(expectedKey) {
	const seen = [];
	const server = http.createServer((req, res) => {
		seen.push(req.headers['x-selftest-key']);
		const ok = req.headers['x-selftest-key'] === expectedKey;
		res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
		res.end(JSON.stringify({ ok, got: req.headers['x-selftest-key'] || null, path: req.url }));
	});
	return new Promise((resolve) =>
		server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port, seen })),
	);
}

// --- one instance's scenario ------------------------------------------------------------------

async function scenario(inst, echo, label) {
	const mode = inst.binaryMode;
	log(`\n[${label}] binary mode "${mode}", user folder ${inst.userFolder}`);

	const [credId] = await inst.importCredentials([
		{
			id: `cred${label}`.slice(0, 16),
			name: 'selftest header',
			type: 'httpHeaderAuth',
			data: { name: 'X-Selftest-Key', value: 's3cret-value' },
		},
	]);
	const ids = await inst.importWorkflows([
		wfConvert,
		wfFail,
		wfContinue,
		wfStub,
		wfStubFail,
		wfHttp(echo.port, credId),
	]);
	const [idConvert, idFail, idContinue, idStub, idStubFail, idHttp] = ids;
	check(`[${label}] imported 6 workflows in one call`, () => assert.equal(ids.length, 6));

	// 1. Code -> Convert to File
	const conv = await inst.execute(idConvert);
	check(`[${label}] convert: ok, exit 0, status success`, () => {
		assert.equal(conv.ok, true, conv.stdout.slice(-2000));
		assert.equal(conv.exitCode, 0);
		assert.equal(conv.execution.status, 'success');
	});
	const files = h.nodeOutput(conv.execution, 'To File');
	check(`[${label}] convert: 2 items with binaries`, () => {
		assert.equal(h.nodeOutput(conv.execution, 'Make Items').length, 2);
		assert.equal(files.length, 2);
		for (const item of files) assert.ok(item.binary && item.binary.data, 'binary.data present');
	});
	check(`[${label}] convert: binary representation matches mode`, () => {
		const b = files[0].binary.data;
		if (mode === 'filesystem') {
			assert.equal(b.data, 'filesystem-v2');
			assert.match(
				b.id,
				/^filesystem-v2:workflows\/[^/]+\/executions\/\d+\/binary_data\/[0-9a-f-]{36}$/,
			);
		} else {
			assert.equal(b.id, undefined);
			assert.ok(b.data.length > 0);
		}
	});
	const bytes = await Promise.all(files.map((it) => inst.readBinary(it.binary.data)));
	check(`[${label}] convert: readBinary returns the expected JSON bytes`, () => {
		assert.equal(bytes[0].toString('utf8'), JSON.stringify({ n: 1, word: 'alpha' }));
		assert.equal(bytes[1].toString('utf8'), JSON.stringify({ n: 2, word: 'beta' }));
		assert.equal(bytes[0].length, files[0].binary.data.bytes);
	});

	// 2. failing node
	const fail = await inst.execute(idFail);
	check(`[${label}] fail: ok=false, exit 1, error readable`, () => {
		assert.equal(fail.ok, false);
		assert.equal(fail.exitCode, 1);
		assert.equal(fail.execution.status, 'error');
		assert.match(fail.error.message, /kaboom 42/);
		assert.match(h.nodeError(fail.execution, 'Boom').message, /kaboom 42/);
		assert.equal(h.nodeError(fail.execution, 'Start'), null);
		assert.equal(fail.execution.data.resultData.lastNodeExecuted, 'Boom');
	});

	// 3. continue on fail: the error is in the item
	const cont = await inst.execute(idContinue);
	const contItems = h.nodeOutput(cont.execution, 'Boom');
	check(`[${label}] continueOnFail: ok, error in items[0].json.error`, () => {
		assert.equal(cont.ok, true);
		assert.equal(contItems.length, 1);
		assert.match(JSON.stringify(contItems[0].json.error), /soft kaboom/);
	});

	// 4. stub community node from the packed tarball
	const stub = await inst.execute(idStub);
	const images = h.nodeOutput(stub.execution, 'Seedream');
	check(`[${label}] stub node n8n-nodes-seedream.seedream ran: 2 binary items`, () => {
		assert.equal(stub.ok, true, stub.stdout.slice(-3000));
		assert.equal(images.length, 2);
		assert.equal(images[1].binary.data.mimeType, 'image/png');
		assert.equal(images[1].binary.data.fileName, 'image-1.png');
	});
	const img = await inst.readBinary(images[1].binary.data);
	check(`[${label}] stub node: readBinary returns the node's bytes`, () => {
		const expected = Buffer.alloc(300);
		for (let j = 0; j < 300; j++) expected[j] = (j + 1) % 256;
		assert.ok(img.equals(expected));
	});
	const stubFail = await inst.execute(idStubFail);
	check(`[${label}] stub node failure: NodeOperationError message + description`, () => {
		assert.equal(stubFail.ok, false);
		const err = h.nodeError(stubFail.execution, 'Seedream');
		assert.equal(err.message, 'stub failure for item 0');
		assert.equal(err.description, 'described by the stub');
		assert.equal(err.name, 'NodeOperationError');
	});

	// 5. imported credential is decrypted and used
	const call = await inst.execute(idHttp);
	check(`[${label}] credential: HTTP Request sent the imported header`, () => {
		assert.equal(call.ok, true, call.stdout.slice(-3000));
		const [item] = h.nodeOutput(call.execution, 'Call');
		assert.equal(item.json.ok, true);
		assert.equal(item.json.got, 's3cret-value');
	});

	return { conv, fail, stub, idConvert };
}

// --- main ---------------------------------------------------------------------------------------

async function main() {
	log('[selftest] provisioning n8n');
	const tProv = Date.now();
	const install = await h.ensureN8n();
	log(`[selftest] n8n ${install.version} at ${install.dir} (${secs(Date.now() - tProv)})`);

	const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'n8n-harness-selftest-'));
	const stubDir = path.join(scratch, 'stub');
	writeStubPackage(stubDir);
	const tPack = Date.now();
	const tarball = await h.packPackage({
		repoDir: stubDir,
		log: false,
		destination: path.join(scratch, 'pack'),
	});
	log(`[selftest] packed the stub package: ${tarball} (${secs(Date.now() - tPack)})`);
	check('packPackage produced a tarball', () =>
		assert.ok(fs.existsSync(tarball) && tarball.endsWith('.tgz')),
	);

	const echo = await startEchoServer('s3cret-value');
	const quiet = (s) => log(`    ${s}`);

	const tCreate = Date.now();
	const [fsInst, defInst] = await Promise.all([
		h.createInstance({ binaryMode: 'filesystem', tarball, log: quiet }),
		h.createInstance({ binaryMode: 'default', tarball, installMode: 'npm', log: quiet }),
	]);
	log(
		`[selftest] two instances ready in ${secs(Date.now() - tCreate)}; first n8n command (migrations, template DB): ${secs(fsInst.template.durationMs)}`,
	);
	check('instances got distinct ports and folders', () => {
		assert.notEqual(fsInst.port, defInst.port);
		assert.notEqual(fsInst.brokerPort, defInst.brokerPort);
		assert.notEqual(fsInst.userFolder, defInst.userFolder);
		assert.equal(fsInst.nodeType, 'n8n-nodes-seedream.seedream');
		assert.equal(fsInst.env.N8N_DEFAULT_BINARY_DATA_MODE, 'filesystem');
		assert.equal(defInst.env.N8N_DEFAULT_BINARY_DATA_MODE, 'default');
		assert.ok(
			fs.existsSync(
				path.join(fsInst.n8nFolder, 'nodes', 'node_modules', 'n8n-nodes-seedream', 'dist'),
			),
		);
		assert.ok(
			fs.existsSync(
				path.join(defInst.n8nFolder, 'nodes', 'node_modules', 'n8n-nodes-seedream', 'dist'),
			),
		);
		assert.ok(
			!fs.existsSync(path.join(defInst.n8nFolder, 'nodes', 'node_modules', 'n8n-workflow')),
			'no second n8n-workflow',
		);
	});

	let fsRes;
	try {
		const tRun = Date.now();
		[fsRes] = await Promise.all([scenario(fsInst, echo, 'fs'), scenario(defInst, echo, 'default')]);
		log(`\n[selftest] both scenarios (in parallel) took ${secs(Date.now() - tRun)}`);

		// a filesystem binary really is a file under .n8n/storage
		const b = h.nodeOutput(fsRes.conv.execution, 'To File')[0].binary.data;
		const file = h.binaryFilePath(b.id, fsInst.binaryStorageRoot);
		check('filesystem binary lives at <user>/.n8n/storage/<id without "filesystem-v2:">', () => {
			assert.equal(fsInst.binaryStorageRoot, path.join(fsInst.userFolder, '.n8n', 'storage'));
			assert.equal(
				file,
				path.join(fsInst.userFolder, '.n8n', 'storage', b.id.slice('filesystem-v2:'.length)),
			);
			assert.ok(fs.existsSync(file));
		});

		// an unknown workflow id is a harness error, not a failed execution
		await assert.rejects(() => defInst.execute('doesNotExist123'), /printed no execution/);
		check('execute of an unknown id throws with the output tail', () => {});

		// server mode: healthz, RSS of the tree, stop
		const tSrv = Date.now();
		const server = await fsInst.startServer();
		const rss = fsInst.serverRss();
		log(
			`[selftest] n8n start healthy in ${secs(Date.now() - tSrv)} at ${server.url}; RSS ${(rss.totalKb / 1024).toFixed(0)} MB over ${rss.processes.length} processes: ${rss.processes.map((p) => `${p.comm}(${p.pid}) ${(p.rssKb / 1024).toFixed(0)} MB`).join(', ')}`,
		);
		check('server: /healthz answered, RSS sampled', () => {
			assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
			assert.ok(rss.totalKb > 50 * 1024);
		});
		// a CLI command while the server runs on the same folder (own broker port)
		const whileUp = await fsInst.execute(fsRes.idConvert);
		check('execute works while the server runs', () =>
			assert.equal(whileUp.ok, true, whileUp.stdout.slice(-2000)),
		);
		const stopped = await fsInst.stopServer();
		check('server stopped', () => assert.ok(stopped));
	} finally {
		echo.server.close();
		await Promise.all([fsInst.cleanup(), defInst.cleanup()]);
		fs.rmSync(scratch, { recursive: true, force: true });
	}
	check('cleanup removed the temp folders', () => {
		assert.ok(!fs.existsSync(fsInst.rootDir));
		assert.ok(!fs.existsSync(defInst.rootDir));
	});

	log('\n[selftest] timings per CLI command');
	for (const inst of [fsInst, defInst]) {
		log(
			`  ${inst.binaryMode.padEnd(10)} ${inst.timings.map((t) => `${t.command} ${secs(t.durationMs)}${t.signal ? ` (${t.signal})` : ''}`).join(' | ')}`,
		);
	}
	log(`\n[selftest] PASS: ${checks} checks in ${secs(Date.now() - t0)}`);
}

main().then(
	() => process.exit(0),
	(error) => {
		log(`\n[selftest] FAIL: ${error && error.stack ? error.stack : error}`);
		process.exit(1);
	},
);
