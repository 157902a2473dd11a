'use strict';
/**
 * Installing for the n8n harness (see n8n.js): a real n8n (scripts/provision-n8n.sh, cached),
 * this repository built and packed with npm, and a packed tarball installed into a user folder
 * as a community package. Node built-ins only.
 *
 * Facts this relies on (read from n8n 2.41.1's own code and checked by n8n.selftest.js):
 * - n8n loads community packages from `$N8N_USER_FOLDER/.n8n/nodes/node_modules/n8n-nodes-*` and
 *   adds its own node_modules to NODE_PATH, so a package's `n8n-workflow` import resolves to
 *   n8n's copy (that is why n8n strips peerDependencies when it installs a package).
 */

const fs = require('node:fs');
const fsp = require('node:fs/promises');
const os = require('node:os');
const path = require('node:path');

const {
	describeOutput,
	makeTempDir,
	runProcess,
	tail,
	toChunkWriter,
	toLogger,
} = require('./processes');

/** The n8n versions this package is tested on: the pinned 2.x (default) and the last 1.x. */
/** The n8n versions the suite runs on, from the one place they are set. */
const { pinned, latest1x } = require('../../../scripts/n8n-versions.json');
const N8N_VERSIONS = { pinned, latest1x };
const N8N_VERSION = N8N_VERSIONS.pinned;
const REPO_DIR = path.resolve(__dirname, '..', '..', '..');
const PROVISION_SCRIPT = path.join(REPO_DIR, 'scripts', 'provision-n8n.sh');

// ---------------------------------------------------------------------------------------------
// provisioning

const provisionPromises = new Map(); // version -> Promise<install>

/**
 * Runs scripts/provision-n8n.sh (cached install of Node 24 + n8n `version`, the pinned one unless
 * told), streaming its progress to `log`. Returns { dir, nodeBinDir, nodeBin, n8nBin, n8nMain,
 * version, major }. Memoised per process and version.
 */
function ensureN8n({ log, version = N8N_VERSION } = {}) {
	if (!provisionPromises.has(version)) {
		const promise = provision(log, version).catch((error) => {
			provisionPromises.delete(version);
			throw error;
		});
		provisionPromises.set(version, promise);
	}
	return provisionPromises.get(version);
}

async function provision(log, version) {
	if (!fs.existsSync(PROVISION_SCRIPT)) {
		throw new Error(`n8n provisioning script not found: ${PROVISION_SCRIPT}`);
	}
	const res = await runProcess('bash', [PROVISION_SCRIPT, version], {
		cwd: REPO_DIR,
		env: process.env,
		onStderr: toChunkWriter(log),
		detached: false,
	});
	if (res.exitCode !== 0) {
		throw new Error(
			`provisioning n8n ${version} failed (scripts/provision-n8n.sh exited ${res.exitCode ?? res.signal})\n${describeOutput(res)}`,
		);
	}
	const lines = res.stdout
		.split('\n')
		.map((l) => l.trim())
		.filter(Boolean);
	const dir = lines[lines.length - 1];
	if (!dir || !fs.existsSync(path.join(dir, '.ready'))) {
		throw new Error(
			`provision-n8n.sh did not print a ready n8n folder (stdout: ${JSON.stringify(tail(res.stdout, 500))})`,
		);
	}
	return describeInstall(dir, version);
}

/** Layout of a provisioned folder (see scripts/provision-n8n.sh). */
function describeInstall(dir, expected = N8N_VERSION) {
	const nodeBinDir = path.join(dir, 'node', 'node_modules', 'node', 'bin');
	const nodeBin = path.join(nodeBinDir, 'node');
	const n8nBin = path.join(dir, 'n8n', 'node_modules', '.bin', 'n8n');
	const n8nMain = path.join(dir, 'n8n', 'node_modules', 'n8n', 'bin', 'n8n');
	for (const [what, p] of [
		['Node 24', nodeBin],
		['n8n', n8nMain],
	]) {
		if (!fs.existsSync(p)) throw new Error(`the provisioned folder ${dir} has no ${what} at ${p}`);
	}
	let version = null;
	try {
		version = JSON.parse(
			fs.readFileSync(path.join(dir, 'n8n', 'node_modules', 'n8n', 'package.json'), 'utf8'),
		).version;
	} catch {
		/* reported below */
	}
	if (version !== expected) throw new Error(`expected n8n ${expected} in ${dir}, found ${version}`);
	return { dir, nodeBinDir, nodeBin, n8nBin, n8nMain, version, major: Number(version.split('.')[0]) };
}

// ---------------------------------------------------------------------------------------------
// packing the repository

/** Runs npm without the caller's NODE_OPTIONS; throws `${what} failed …` with its output. */
async function runNpm(args, { cwd, what, onStdout, onStderr }) {
	const env = { ...process.env };
	delete env.NODE_OPTIONS;
	const res = await runProcess('npm', args, { cwd, env, onStdout, onStderr, detached: false });
	if (res.exitCode !== 0) {
		throw new Error(
			`${what} failed in ${cwd} (exit ${res.exitCode ?? res.signal})\n${describeOutput(res)}`,
		);
	}
	return res;
}

/**
 * `npm run build`, then `npm pack --pack-destination <fresh temp dir>` in repoDir (with the
 * caller's Node, 20 is fine). Returns the absolute path of the tarball.
 */
async function packPackage({ repoDir = REPO_DIR, log, destination } = {}) {
	const say = toLogger(log);
	const chunk = toChunkWriter(log);
	say(`[n8n-harness] npm run build in ${repoDir}`);
	await runNpm(['run', 'build'], {
		cwd: repoDir,
		what: 'npm run build',
		onStdout: chunk,
		onStderr: chunk,
	});

	let dest = destination;
	if (dest) await fsp.mkdir(dest, { recursive: true });
	else dest = await makeTempDir('n8n-e2e-pack-'); // removed when this process exits
	say(`[n8n-harness] npm pack --pack-destination ${dest}`);
	const pack = await runNpm(['pack', '--json', '--pack-destination', dest], {
		cwd: repoDir,
		what: 'npm pack',
		onStderr: chunk,
	});
	// `npm pack --json` prints [{ filename, ... }].
	const [info] = JSON.parse(pack.stdout.slice(pack.stdout.indexOf('[')));
	const tarball = path.join(dest, info.filename);
	if (!fs.existsSync(tarball)) {
		throw new Error(`npm pack reported ${tarball}, which is not there\n${describeOutput(pack)}`);
	}
	say(`[n8n-harness] packed ${tarball}`);
	return tarball;
}

/** Lists a tarball's package/package.json (via `tar`, as n8n itself does). */
async function readTarballManifest(tarball, scratchDir) {
	const dir = await fsp.mkdtemp(path.join(scratchDir || os.tmpdir(), 'manifest-'));
	try {
		const res = await runProcess('tar', ['-xzf', tarball, '-C', dir, 'package/package.json'], {
			detached: false,
		});
		if (res.exitCode !== 0)
			throw new Error(`${tarball} has no package/package.json\n${describeOutput(res)}`);
		return JSON.parse(await fsp.readFile(path.join(dir, 'package', 'package.json'), 'utf8'));
	} finally {
		await fsp.rm(dir, { recursive: true, force: true });
	}
}

// ---------------------------------------------------------------------------------------------
// installing the package into a user folder

/**
 * Installs an npm-pack tarball into `<n8nFolder>/nodes` ($N8N_USER_FOLDER/.n8n/nodes) the way
 * n8n 2.41.1's community package installer does (community-packages.service.js
 * downloadPackage): unpack into nodes/node_modules/<name>, drop
 * devDependencies/peerDependencies/optionalDependencies from its package.json, `npm install` its
 * own dependencies inside it (skipped when it has none), and record it in nodes/package.json.
 * mode 'npm' instead runs `npm install <tarball> --ignore-scripts --no-audit --no-fund
 * --legacy-peer-deps` in nodes/ (--legacy-peer-deps, or npm would install a second n8n-workflow
 * from the peerDependency). `scratchDir` holds the manifest while it is read.
 * Returns { name, version, dir, nodeModules, nodeType }.
 */
async function installCommunityPackage(tarball, n8nFolder, { mode = 'n8n', scratchDir } = {}) {
	const abs = path.resolve(tarball);
	if (!fs.existsSync(abs)) throw new Error(`tarball not found: ${abs}`);
	const nodesDir = path.join(n8nFolder, 'nodes');
	const nodeModules = path.join(nodesDir, 'node_modules');
	await fsp.mkdir(nodeModules, { recursive: true });
	const ledgerPath = path.join(nodesDir, 'package.json');
	let ledger = { name: 'installed-nodes', private: true, dependencies: {} };
	if (fs.existsSync(ledgerPath)) ledger = JSON.parse(await fsp.readFile(ledgerPath, 'utf8'));
	ledger.dependencies = ledger.dependencies || {};

	let pkg;
	if (mode === 'npm') {
		await fsp.writeFile(ledgerPath, JSON.stringify(ledger, null, 2)); // npm installs into it
		await runNpm(
			[
				'install',
				abs,
				'--ignore-scripts',
				'--no-audit',
				'--no-fund',
				'--legacy-peer-deps',
				'--loglevel=error',
			],
			{ cwd: nodesDir, what: `npm install ${abs}` },
		);
		const manifest = await readTarballManifest(abs, scratchDir);
		pkg = JSON.parse(
			await fsp.readFile(path.join(nodeModules, manifest.name, 'package.json'), 'utf8'),
		);
	} else if (mode === 'n8n') {
		const manifest = await readTarballManifest(abs, scratchDir);
		const pkgDir = path.join(nodeModules, manifest.name);
		await fsp.rm(pkgDir, { recursive: true, force: true });
		await fsp.mkdir(pkgDir, { recursive: true });
		const untar = await runProcess('tar', ['-xzf', abs, '-C', pkgDir, '--strip-components=1'], {
			detached: false,
		});
		if (untar.exitCode !== 0)
			throw new Error(`could not unpack ${abs}\n${describeOutput(untar)}`);
		const pjPath = path.join(pkgDir, 'package.json');
		const { devDependencies, peerDependencies, optionalDependencies, ...rest } = JSON.parse(
			await fsp.readFile(pjPath, 'utf8'),
		);
		await fsp.writeFile(pjPath, JSON.stringify(rest, null, 2));
		if (rest.dependencies && Object.keys(rest.dependencies).length > 0) {
			await runNpm(
				[
					'install',
					'--audit=false',
					'--fund=false',
					'--bin-links=false',
					'--install-strategy=shallow',
					'--ignore-scripts=true',
					'--package-lock=false',
					'--loglevel=error',
				],
				{ cwd: pkgDir, what: `npm install of ${manifest.name}'s dependencies` },
			);
		}
		ledger.dependencies[rest.name] = rest.version;
		await fsp.writeFile(ledgerPath, JSON.stringify(ledger, null, 2));
		pkg = rest;
	} else {
		throw new Error(`installMode must be 'n8n' or 'npm', got ${mode}`);
	}

	const installedDir = path.join(nodeModules, pkg.name);
	if (!fs.existsSync(path.join(installedDir, 'package.json'))) {
		throw new Error(`after installing ${abs}, ${installedDir} does not exist`);
	}
	if (!pkg.n8n || !Array.isArray(pkg.n8n.nodes)) {
		throw new Error(`${pkg.name} has no "n8n.nodes" in its package.json: n8n would not load it`);
	}
	for (const rel of [...pkg.n8n.nodes, ...(pkg.n8n.credentials || [])]) {
		if (!fs.existsSync(path.join(installedDir, rel)))
			throw new Error(`${pkg.name} lists ${rel}, which is not in the tarball`);
	}
	// `<package>.<node name>`; this package names each node after its file (Seedream.node.js: seedream).
	const nodeFile = path.basename(pkg.n8n.nodes[0], '.node.js');
	const nodeType = `${pkg.name}.${nodeFile[0].toLowerCase()}${nodeFile.slice(1)}`;
	return { name: pkg.name, version: pkg.version, dir: installedDir, nodeModules, nodeType };
}

module.exports = {
	N8N_VERSIONS,
	ensureN8n,
	packPackage,
	installCommunityPackage,
};
