'use strict';
/**
 * The community scanner step (scripts/scan-package.js): the real package passes, and the scan
 * fails on what n8n's verification would reject, planted in a copy of this checkout.
 * Run: node --test test/package/ (npm test runs it as the `scan` step).
 */
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const {
	scanPackage,
	checkManifest,
	checkFileList,
	formatReport,
	ROOT,
} = require('../../scripts/scan-package');

const NODE_SOURCE = 'nodes/Seedream/Seedream.node.ts';
const readJson = (file) => JSON.parse(fs.readFileSync(file, 'utf8'));

let scan;
let copy;

/** A copy of the checkout (tracked and new files, as git sees them) sharing its node_modules. */
function copyCheckout() {
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedream-scan-plant-'));
	const listed = spawnSync(
		'git',
		['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
		{
			cwd: ROOT,
			encoding: 'utf8',
		},
	);
	assert.equal(listed.status, 0, listed.stderr);
	for (const file of listed.stdout.split('\0').filter(Boolean)) {
		const from = path.join(ROOT, file);
		if (!fs.existsSync(from)) continue; // deleted in the work tree
		fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
		fs.copyFileSync(from, path.join(dir, file));
	}
	fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
	return dir;
}

/** Rewrites a file of the copy for one test, and puts it back after. */
function plant(t, file, change) {
	const target = path.join(copy, file);
	const original = fs.readFileSync(target, 'utf8');
	fs.writeFileSync(target, change(original));
	t.after(() => fs.writeFileSync(target, original));
}

function show(label, result) {
	const findings = result.findings.map(
		(f) =>
			`  [${f.check}] ${f.message}${f.details ? `\n${f.details.trim().replace(/^/gm, '      ')}` : ''}`,
	);
	process.stdout.write(
		`\n--- scan of the copy with ${label}: ${result.findings.length} finding(s)\n${findings.join('\n')}\n`,
	);
}

const checks = (result) => result.findings.map((f) => f.check);
const detailsOf = (result, check) =>
	result.findings
		.filter((f) => f.check === check)
		.map((f) => `${f.message}\n${f.details ?? ''}`)
		.join('\n');

before(async () => {
	scan = await scanPackage(); // builds dist/ in the checkout, as the e2e step does
	process.stdout.write(`${formatReport(scan)}\n`);
	copy = copyCheckout();
	fs.cpSync(path.join(ROOT, 'dist'), path.join(copy, 'dist'), { recursive: true });
});

after(() => {
	if (copy) fs.rmSync(copy, { recursive: true, force: true });
});

test('the packed package passes the community scanner, the file list and package.json checks', () => {
	assert.deepEqual(scan.findings, []);
	const files = scan.tarball.files.map((f) => f.path);
	const pkg = readJson(path.join(ROOT, 'package.json'));
	for (const entry of [...pkg.n8n.nodes, ...pkg.n8n.credentials, 'package.json', 'README.md']) {
		assert.ok(files.includes(entry), `${entry} is in the tarball`);
	}
	assert.deepEqual(
		files.filter(
			(f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE.md'].includes(f),
		),
		[],
	);
});

test('a runtime dependency planted in package.json fails the scan', async (t) => {
	plant(t, 'package.json', (text) => {
		const pkg = JSON.parse(text);
		pkg.dependencies = { 'left-pad': '1.3.0' };
		return `${JSON.stringify(pkg, null, '\t')}\n`;
	});
	const result = await scanPackage({ repoDir: copy, build: false });
	show('"dependencies": { "left-pad": "1.3.0" }', result);
	assert.deepEqual(checks(result), ['package.json', 'source analysis', 'tarball analysis']);
	assert.match(detailsOf(result, 'package.json'), /"dependencies" must be empty.*left-pad/);
	assert.match(detailsOf(result, 'source analysis'), /no-runtime-dependencies/);
	assert.match(detailsOf(result, 'tarball analysis'), /no-runtime-dependencies/);
});

test('a source map or the emulator added to the published files fails the file list check', async (t) => {
	plant(t, 'package.json', (text) => {
		const pkg = JSON.parse(text);
		pkg.files.push('dist/nodes/Seedream/Seedream.node.js.map', 'test/emulator/server.js');
		return `${JSON.stringify(pkg, null, '\t')}\n`;
	});
	const result = await scanPackage({ repoDir: copy, build: false });
	show('a source map and the emulator in "files"', result);
	const fileList = detailsOf(result, 'file list');
	assert.match(
		fileList,
		/dist\/nodes\/Seedream\/Seedream\.node\.js\.map: a source map must not be published/,
	);
	assert.match(fileList, /test\/emulator\/server\.js: test code must not be published/);
});

test('the file list check: what may ship, and local paths in what ships', () => {
	const pkg = readJson(path.join(ROOT, 'package.json'));
	const good = [
		...pkg.n8n.nodes,
		...pkg.n8n.credentials,
		'dist/nodes/Seedream/Seedream.node.json',
		'README.md',
		'LICENSE.md',
		'package.json',
	];
	const read = (file) =>
		file.endsWith('Seedream.node.js') ? `require('/home/dev/n8n-nodes-seedream/x')` : '';
	const messages = checkFileList(
		[
			...good,
			'dist/nodes/Seedream/Seedream.node.d.ts',
			'dist/emulator/server.js',
			'src/index.js',
			'dist/tsconfig.tsbuildinfo',
		],
		read,
		pkg,
		['/home/dev/n8n-nodes-seedream'],
	).map((f) => f.message);
	assert.deepEqual(messages, [
		'dist/nodes/Seedream/Seedream.node.d.ts: TypeScript source or declarations must not be published',
		'dist/emulator/server.js: the API emulator must not be published',
		'src/index.js: not compiled code under dist/, an icon, a codex file, README, LICENSE or package.json',
		'dist/tsconfig.tsbuildinfo: not compiled code under dist/, an icon, a codex file, README, LICENSE or package.json',
		'dist/nodes/Seedream/Seedream.node.js: contains the local path /home/dev/n8n-nodes-seedream',
	]);
	assert.deepEqual(
		checkFileList(['package.json'], () => '', pkg, []).map((f) => f.message),
		[
			'dist/nodes/Seedream/Seedream.node.js: named in package.json "n8n" but not in the tarball',
			'dist/credentials/HighwayApi.credentials.js: named in package.json "n8n" but not in the tarball',
			'dist/nodes/Seedream/Seedream.node.json: the codex file of dist/nodes/Seedream/Seedream.node.js is not in the tarball',
			'README.md is not in the tarball',
			'LICENSE is not in the tarball',
		],
	);
});

test('package.json: one GitHub home for repository, homepage, bugs, author and documentation links', () => {
	const pkg = readJson(path.join(ROOT, 'package.json'));
	assert.deepEqual(checkManifest(pkg, ROOT), []);
	const messages = (changes) => checkManifest({ ...pkg, ...changes }, ROOT).map((f) => f.message);
	assert.match(
		messages({ repository: { type: 'git', url: 'https://gitlab.com/a/b.git' } }).join('\n'),
		/repository\.url/,
	);
	assert.match(
		messages({ homepage: 'https://example.com' }).join('\n'),
		/"homepage" must be on https:\/\/github\.com\/n8n-nodes-seedream\/n8n-nodes-seedream/,
	);
	assert.match(
		messages({ bugs: { url: 'https://github.com/someone/else/issues' } }).join('\n'),
		/"bugs\.url"/,
	);
	assert.match(
		messages({ author: { name: 'Someone', email: 'a@b.c' } }).join('\n'),
		/"author" must be the repository's owner/,
	);
	assert.match(
		messages({ optionalDependencies: { sharp: '1' } }).join('\n'),
		/"optionalDependencies" must be empty/,
	);
	assert.match(
		messages({ scripts: { ...pkg.scripts, prepublishOnly: undefined } }).join('\n'),
		/prepublishOnly/,
	);
	// The codex and credential links are read from the source: one moved elsewhere is caught.
	const moved = {
		...pkg,
		repository: { type: 'git', url: 'git+https://github.com/elsewhere/n8n-nodes-seedream.git' },
	};
	const linkFindings = checkManifest(moved, ROOT)
		.map((f) => f.message)
		.filter((m) => m.includes(' links to '));
	assert.deepEqual(linkFindings.map((m) => m.split(' links to ')[0]).sort(), [
		'credentials/HighwayApi.credentials.ts (documentationUrl)',
		'nodes/Seedream/Seedream.node.json (credentialDocumentation)',
		'nodes/Seedream/Seedream.node.json (primaryDocumentation)',
	]);
});

test('a console.log planted in the node fails the scan, in the source and in the tarball', async (t) => {
	// Last: it rebuilds the copy's dist/, which keeps the console.log.
	plant(t, NODE_SOURCE, (code) => `${code}\nconsole.log('planted by the scan self-test');\n`);
	const result = await scanPackage({ repoDir: copy }); // rebuilds dist/ with the console.log
	show('a console.log in Seedream.node.ts', result);
	assert.deepEqual(checks(result), ['source analysis', 'tarball analysis']);
	assert.match(detailsOf(result, 'source analysis'), /Seedream\.node\.ts[\s\S]*no-console/);
	assert.match(detailsOf(result, 'tarball analysis'), /Seedream\.node\.js[\s\S]*no-console/);
});
