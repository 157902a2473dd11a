#!/usr/bin/env node
'use strict';
/**
 * n8n's community-package scanner, run here before publishing instead of after.
 *
 * `npx @n8n/scan-community-package <name>` (what n8n's verification runs) takes only a published
 * package: it checks the npm provenance attestation, fetches the attested GitHub source, then
 * lints the source (package.json, nodes/, credentials/) and the published tarball (every .js and
 * package.json) with `analyzePackage(dir, patterns)` from its scanner/scanner.mjs:
 * @n8n/eslint-plugin-community-nodes' recommended rules, eslint-plugin-n8n-nodes-base's rules and
 * `no-console` as an error, inline `eslint-disable` comments ignored. This runs that same
 * function, from the installed scanner, on this checkout and on the tarball `npm pack` makes, and
 * adds what the CLI checks without a registry, plus what n8n's verification guidelines ask of
 * the package:
 * - package.json: no runtime dependencies of any kind; the repository a public GitHub URL the
 *   scanner can read an attested source from, with homepage, bugs, author and the codex and
 *   credential documentation links on that same repository; `npm run release` wired to
 *   n8n-node's release (the provenance path), a bare `npm publish` blocked;
 * - the source checkout holds the package the scanner will look for (its findPackageRoot);
 * - the tarball's file list: only compiled code under dist/, icons, codex files, README,
 *   LICENSE and package.json; no tests, no emulator, no TypeScript sources or source maps, no
 *   local paths; every node and credential package.json names is in it, with its codex and icons.
 * Warnings count as findings too (the scanner itself fails only on errors).
 *
 * The scanner is pinned at 0.32.0, the version `npx @n8n/scan-community-package` runs while n8n
 * is at 2.41.x: the registry's `latest`, and no later one exists up to n8n 2.41.3. Its
 * scanner.mjs is n8n-io/n8n's current one less an axios timeout for downloads; it lints with its
 * own pinned @n8n/eslint-plugin-community-nodes 0.29.0 (n8n-node lint, also in `npm test`, runs
 * the newer 0.32.0 of @n8n/node-cli 0.48.3 on the source).
 *
 *   node scripts/scan-package.js     (npm run scan): prints the report, exits 1 on any finding
 */
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

const ROOT = path.resolve(__dirname, '..');
const SCANNER_DIR = path.dirname(require.resolve('@n8n/scan-community-package/package.json'));
const scannerRequire = require('node:module').createRequire(
	path.join(SCANNER_DIR, 'scanner', 'scanner.mjs'),
);

/** Versions of the scanner and of the rule sets it resolves (its own pinned copies). */
function scannerVersions() {
	const versionOf = (name) => {
		// Some of these packages do not export ./package.json: find it next to their entry point.
		for (
			let dir = path.dirname(scannerRequire.resolve(name));
			dir !== path.dirname(dir);
			dir = path.dirname(dir)
		) {
			const file = path.join(dir, 'package.json');
			if (fs.existsSync(file) && readJson(file).name === name) return readJson(file).version;
		}
		throw new Error(`no package.json of ${name} above ${scannerRequire.resolve(name)}`);
	};
	return {
		scanner: readJson(path.join(SCANNER_DIR, 'package.json')).version,
		communityNodes: versionOf('@n8n/eslint-plugin-community-nodes'),
		nodesBase: versionOf('eslint-plugin-n8n-nodes-base'),
		eslint: versionOf('eslint'),
	};
}

/** The tarball leg's patterns, as analyzePackageByName passes them. */
const TARBALL_PATTERNS = ['**/*.js', 'package.json'];

let scannerModule;
/**
 * The scanner's own module. Importing it makes a temporary folder it only uses for downloads
 * (and never removes), so it is pointed at a folder of ours that goes right after.
 */
async function loadScanner() {
	if (!scannerModule) {
		const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'seedream-scanner-'));
		const previous = process.env.TMPDIR;
		process.env.TMPDIR = scratch;
		try {
			scannerModule = await import(
				pathToFileURL(path.join(SCANNER_DIR, 'scanner', 'scanner.mjs')).href
			);
		} finally {
			if (previous === undefined) delete process.env.TMPDIR;
			else process.env.TMPDIR = previous;
			fs.rmSync(scratch, { recursive: true, force: true });
		}
	}
	return scannerModule;
}

function readJson(file) {
	return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function run(command, args, cwd) {
	const result = spawnSync(command, args, { cwd, encoding: 'utf8', env: withoutNodeOptions() });
	if (result.status !== 0) {
		const output = `${result.stdout ?? ''}${result.stderr ?? ''}`
			.trim()
			.split('\n')
			.slice(-30)
			.join('\n');
		throw new Error(
			`${command} ${args.join(' ')} failed in ${cwd} (exit ${result.status ?? result.signal})\n${output}`,
		);
	}
	return result.stdout;
}

function withoutNodeOptions() {
	const env = { ...process.env };
	delete env.NODE_OPTIONS;
	return env;
}

// ---------------------------------------------------------------------------------------------
// package.json and the documentation links

/** The scanner's parseSourceRepo accepts a provenance source URI of this form only. */
const GITHUB_REPO_URL =
	/^git\+https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?$/;
/** `resolvePackage` in the scanner refuses any other character in a package name. */
const PACKAGE_SPEC = /^[a-zA-Z0-9@/_.-]+$/;

/**
 * What the scanner and n8n's verification guidelines ask of package.json that the lint rules do
 * not all cover. Returns findings: { check, message }.
 */
function checkManifest(pkg, repoDir) {
	const findings = [];
	const add = (message) => findings.push({ check: 'package.json', message });

	for (const field of [
		'dependencies',
		'optionalDependencies',
		'bundleDependencies',
		'bundledDependencies',
	]) {
		const value = pkg[field];
		const names = Array.isArray(value) ? value : Object.keys(value ?? {});
		if (names.length)
			add(
				`"${field}" must be empty: a community node has no runtime dependencies (${names.join(', ')})`,
			);
	}
	const peers = Object.keys(pkg.peerDependencies ?? {}).filter((name) => name !== 'n8n-workflow');
	if (peers.length) add(`"peerDependencies" may name n8n-workflow only (${peers.join(', ')})`);
	if (!PACKAGE_SPEC.test(pkg.name ?? ''))
		add(`the scanner cannot take the package name "${pkg.name}"`);

	const repository = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	const match = GITHUB_REPO_URL.exec(repository ?? '');
	if (!match) {
		add(
			`"repository.url" must be git+https://github.com/<owner>/<repo>.git, the form a provenance statement names and the scanner reads the source from (found ${repository})`,
		);
		return findings;
	}
	const [, owner, repo] = match;
	const home = `https://github.com/${owner}/${repo}`;
	if (pkg.repository?.directory)
		add('"repository.directory" is set, but the package is the repository root');
	if (!String(pkg.homepage ?? '').startsWith(`${home}#`) && pkg.homepage !== home)
		add(`"homepage" must be on ${home} (found ${pkg.homepage})`);
	const bugs = typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url;
	if (bugs !== `${home}/issues`) add(`"bugs.url" must be ${home}/issues (found ${bugs})`);
	const author = typeof pkg.author === 'string' ? { name: pkg.author } : (pkg.author ?? {});
	if (author.name !== owner || !author.email || author.url !== `https://github.com/${owner}`)
		add(
			`"author" must be the repository's owner: name "${owner}", an email, url https://github.com/${owner}`,
		);
	if (pkg.license !== 'MIT') add(`"license" must be MIT (found ${pkg.license})`);

	if (pkg.scripts?.release !== 'n8n-node release')
		add(
			'"scripts.release" must be "n8n-node release": it publishes with provenance from GitHub Actions',
		);
	if (pkg.scripts?.prepublishOnly !== 'n8n-node prerelease')
		add('"scripts.prepublishOnly" must be "n8n-node prerelease": it stops a bare `npm publish`');

	for (const link of documentationLinks(pkg, repoDir)) {
		if (link.url !== home && !link.url.startsWith(`${home}#`) && !link.url.startsWith(`${home}/`))
			add(`${link.where} links to ${link.url}, not to ${home}`);
	}
	return findings;
}

/** The codex files' documentation links and the credentials' documentationUrl, from source. */
function documentationLinks(pkg, repoDir) {
	const links = [];
	for (const built of pkg.n8n?.nodes ?? []) {
		const codex = path.join(repoDir, built.replace(/^dist\//, '').replace(/\.js$/, '.json'));
		if (!fs.existsSync(codex)) continue; // the file list check reports a missing codex
		const { resources = {} } = readJson(codex);
		for (const [kind, entries] of Object.entries(resources)) {
			for (const { url } of entries)
				links.push({ where: `${path.relative(repoDir, codex)} (${kind})`, url });
		}
	}
	for (const built of pkg.n8n?.credentials ?? []) {
		const source = path.join(repoDir, built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));
		if (!fs.existsSync(source)) continue;
		for (const [, url] of fs
			.readFileSync(source, 'utf8')
			.matchAll(/documentationUrl\s*=\s*['"]([^'"]+)['"]/g)) {
			links.push({ where: `${path.relative(repoDir, source)} (documentationUrl)`, url });
		}
	}
	return links;
}

// ---------------------------------------------------------------------------------------------
// the tarball

/** What a published file may be; anything else is a finding. */
const ALLOWED_FILES = [
	/^package\.json$/,
	/^README\.md$/,
	/^LICENSE(\.md)?$/,
	/^dist\/(nodes|credentials)\/.+\.js$/, // compiled code
	/^dist\/.+\.(svg|png)$/, // icons
	/^dist\/nodes\/.+\.node\.json$/, // codex files
];
/** Reasons a file that looks allowed must still not ship. */
const FORBIDDEN_FILES = [
	[/(^|\/)(test|tests|__tests__|__mocks__|fixtures?)\//, 'test code'],
	[/\.(test|spec|selftest)\.[cm]?[jt]s$/, 'test code'],
	[/emulator/i, 'the API emulator'],
	[/\.map$/, 'a source map'],
	[/\.[cm]?ts$/, 'TypeScript source or declarations'],
];

/**
 * The file list check. `files` are paths inside the package (no `package/` prefix), `read(file)`
 * gives a file's text. Returns findings: { check, message }.
 */
function checkFileList(files, read, pkg, localPaths) {
	const findings = [];
	const add = (message) => findings.push({ check: 'file list', message });
	const present = new Set(files);
	for (const file of files) {
		const forbidden = FORBIDDEN_FILES.find(([pattern]) => pattern.test(file));
		if (forbidden) add(`${file}: ${forbidden[1]} must not be published`);
		else if (!ALLOWED_FILES.some((pattern) => pattern.test(file)))
			add(
				`${file}: not compiled code under dist/, an icon, a codex file, README, LICENSE or package.json`,
			);
	}
	for (const file of files.filter((f) => /\.(js|json|svg|md)$/.test(f))) {
		const text = read(file);
		if (/sourceMappingURL=data:/.test(text)) add(`${file}: carries an inline source map`);
		const local = localPaths.find((p) => text.includes(p));
		if (local) add(`${file}: contains the local path ${local}`);
	}
	for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])]) {
		if (!present.has(entry)) add(`${entry}: named in package.json "n8n" but not in the tarball`);
	}
	for (const node of pkg.n8n?.nodes ?? []) {
		const codex = node.replace(/\.js$/, '.json');
		if (!present.has(codex)) add(`${codex}: the codex file of ${node} is not in the tarball`);
	}
	for (const entry of [...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? [])].filter((f) =>
		present.has(f),
	)) {
		for (const [, icon] of read(entry).matchAll(/['"]file:([^'"]+)['"]/g)) {
			const iconPath = path.posix.join(path.posix.dirname(entry), icon);
			if (!present.has(iconPath)) add(`${iconPath}: icon named in ${entry} is not in the tarball`);
		}
	}
	if (!present.has('README.md')) add('README.md is not in the tarball');
	if (!files.some((f) => /^LICENSE(\.md)?$/.test(f))) add('LICENSE is not in the tarball');
	return findings;
}

/**
 * `npm run build` (unless `build` is false: dist/ as it is), then `npm pack` into `destination`.
 * Returns npm's own account of the tarball: { filename, size, unpackedSize, files: [{path, size}] }.
 */
function pack(repoDir, destination, { build = true } = {}) {
	if (build) run('npm', ['run', 'build'], repoDir);
	const stdout = run('npm', ['pack', '--json', '--pack-destination', destination], repoDir);
	const [info] = JSON.parse(stdout.slice(stdout.indexOf('[')));
	return { ...info, tarball: path.join(destination, info.filename) };
}

// ---------------------------------------------------------------------------------------------
// the scanner's analysis

/**
 * The scanner's verdict (`analyzePackage`, errors only) and, with the same configuration
 * (`buildScanConfig`), its warnings. Returns findings: { check, message, details }.
 */
async function analyze(label, dir, patterns) {
	const scanner = await loadScanner();
	const findings = [];
	const verdict = await scanner.analyzePackage(dir, patterns);
	if (!verdict.passed) {
		findings.push({
			check: label,
			message: verdict.message,
			details: verdict.details ?? verdict.error?.stack,
		});
		return findings;
	}
	const { ESLint } = scannerRequire('eslint');
	const glob = scannerRequire('fast-glob');
	const eslint = new ESLint({
		cwd: dir,
		allowInlineConfig: false,
		overrideConfigFile: true,
		overrideConfig: await scanner.buildScanConfig(),
	});
	const files = glob.sync(patterns, {
		cwd: dir,
		absolute: true,
		ignore: ['node_modules/**', '**/package-lock.json'],
	});
	const results = await eslint.lintFiles(files);
	if (results.some((r) => r.warningCount > 0)) {
		const formatter = await eslint.loadFormatter('stylish');
		findings.push({
			check: label,
			message: 'ESLint warnings found',
			details: await formatter.format(results),
		});
	}
	return findings;
}

/**
 * Everything above on the checkout in `repoDir`. Returns { findings, tarball, versions }, the
 * tarball being npm's own account of it: { filename, size, unpackedSize, files }.
 */
async function scanPackage({ repoDir = ROOT, build = true } = {}) {
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'seedream-scan-'));
	try {
		const pkg = readJson(path.join(repoDir, 'package.json'));
		const findings = [...checkManifest(pkg, repoDir)];

		const scanner = await loadScanner();
		const found = scanner.findPackageRoot(repoDir, pkg.name);
		if (found !== repoDir)
			findings.push({
				check: 'source',
				message: `the scanner's findPackageRoot finds ${found}, not ${repoDir}, for ${pkg.name}`,
			});

		const tarball = pack(repoDir, work, { build });
		const unpacked = path.join(work, 'package');
		fs.mkdirSync(unpacked);
		run('tar', ['-xzf', tarball.tarball, '-C', unpacked, '--strip-components=1'], work);
		const files = tarball.files.map((f) => f.path).sort();
		const localPaths = [repoDir, fs.realpathSync(repoDir), os.homedir()].filter(
			(p) => p.length > 1,
		);
		findings.push(
			...checkFileList(files, (f) => fs.readFileSync(path.join(unpacked, f), 'utf8'), pkg, [
				...new Set(localPaths),
			]),
		);

		findings.push(...(await analyze('source analysis', repoDir, scanner.SOURCE_FILE_PATTERNS)));
		findings.push(...(await analyze('tarball analysis', unpacked, TARBALL_PATTERNS)));
		return { findings, tarball, versions: scannerVersions() };
	} finally {
		fs.rmSync(work, { recursive: true, force: true });
	}
}

/** The report `npm run scan` prints. */
function formatReport({ findings, tarball, versions }) {
	const kB = (n) => `${(n / 1000).toFixed(1)} kB`;
	const lines = [
		`@n8n/scan-community-package ${versions.scanner} (rules: @n8n/eslint-plugin-community-nodes ${versions.communityNodes}, eslint-plugin-n8n-nodes-base ${versions.nodesBase}, eslint ${versions.eslint})`,
		`${tarball.filename}: ${kB(tarball.size)} packed, ${kB(tarball.unpackedSize)} unpacked, ${tarball.files.length} files`,
		...tarball.files.map((f) => `  ${kB(f.size).padStart(9)}  ${f.path}`),
	];
	if (!findings.length) {
		lines.push(
			'no findings: source analysis, tarball analysis, file list and package.json all pass',
		);
	} else {
		lines.push(`${findings.length} finding(s):`);
		for (const f of findings) {
			lines.push(`  [${f.check}] ${f.message}`);
			if (f.details)
				lines.push(
					...f.details
						.trim()
						.split('\n')
						.map((line) => `      ${line}`),
				);
		}
	}
	return lines.join('\n');
}

module.exports = {
	scanPackage,
	checkManifest,
	checkFileList,
	formatReport,
	scannerVersions,
	pack,
	ROOT,
};

if (require.main === module) {
	scanPackage().then(
		(result) => {
			process.stdout.write(`${formatReport(result)}\n`);
			process.exitCode = result.findings.length ? 1 : 0;
		},
		(error) => {
			process.stderr.write(`scan failed: ${error.stack}\n`);
			process.exitCode = 1;
		},
	);
}
