#!/usr/bin/env node
// `npm run dev`: the n8n editor (the pinned version, not n8n@latest) on http://127.0.0.1:5678 with this
// checkout installed the way users install community nodes (node type n8n-nodes-seedream.seedream,
// so the examples open unchanged), the emulator on 127.0.0.1:8787, the credential the examples
// use ("HighwayAPI account") pointing at it, and the examples imported once.
//
// Reload: `tsc --watch` compiles into dist/; a change of the codex (*.node.json) or an icon is
// copied there too. Each time, the files `npm pack` would publish are copied into the installed
// package, and n8n (N8N_DEV_RELOAD) reloads the node and tells the open editor.
//
// The user folder persists next to the provisioned n8n (…/n8n-nodes-seedream/dev), so the owner
// account you create stays.   PORT=5679 npm run dev
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const n8n = require('../test/e2e/lib/n8n');
const { createEmulator } = require('../test/emulator/server');
const { exampleNames, readExample } = require('../test/e2e/lib/examples');

const ROOT = path.resolve(__dirname, '..');
const PORT = Number(process.env.PORT || 5678);
const CREDENTIAL = { id: 'highway-emulator', name: 'HighwayAPI account' }; // what examples/*.json name
const say = (line) => process.stdout.write(`[dev] ${line}\n`);

function devSettings(devDir) {
	fs.mkdirSync(devDir, { recursive: true });
	const file = path.join(devDir, 'settings.json');
	const settings = fs.existsSync(file)
		? JSON.parse(fs.readFileSync(file, 'utf8'))
		: {
				encryptionKey: randomBytes(24).toString('hex'),
				apiKey: `dev-${randomBytes(8).toString('hex')}`,
			};
	settings.importedExamples ??= [];
	settings.save = () => {
		const { save, ...data } = settings;
		fs.writeFileSync(file, JSON.stringify(data, null, 2));
	};
	settings.save();
	return settings;
}

/** The files `npm pack` would publish (paths relative to the repository). */
function packedFiles() {
	const result = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
		cwd: ROOT,
		encoding: 'utf8',
	});
	if (result.status !== 0) throw new Error(`npm pack --dry-run failed:\n${result.stderr}`);
	return JSON.parse(result.stdout.slice(result.stdout.indexOf('[')))[0].files.map(
		(file) => file.path,
	);
}

/**
 * Makes `target` hold exactly what `npm pack` publishes, with package.json as n8n's installer
 * writes it (no dev, peer or optional dependencies). Copies only what changed, so n8n reloads
 * once per change. Returns the changed paths.
 */
function syncPackage(target) {
	const files = packedFiles();
	const changed = [];
	for (const rel of files) {
		let bytes = fs.readFileSync(path.join(ROOT, rel));
		if (rel === 'package.json') {
			const { devDependencies, peerDependencies, optionalDependencies, ...manifest } =
				JSON.parse(bytes);
			bytes = Buffer.from(JSON.stringify(manifest, null, 2));
		}
		const destination = path.join(target, rel);
		if (fs.existsSync(destination) && fs.readFileSync(destination).equals(bytes)) continue;
		fs.mkdirSync(path.dirname(destination), { recursive: true });
		fs.writeFileSync(destination, bytes);
		changed.push(rel);
	}
	const wanted = new Set(files);
	for (const entry of fs.readdirSync(target, { recursive: true, withFileTypes: true })) {
		const rel = path.relative(target, path.join(entry.parentPath ?? entry.path, entry.name));
		if (entry.isFile() && !wanted.has(rel)) {
			fs.rmSync(path.join(target, rel));
			changed.push(`${rel} (removed)`);
		}
	}
	return changed;
}

/** Installs this checkout into the user folder as n8n installs a community package. */
function installPackage(userFolder) {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	const { name, version } = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
	const target = path.join(nodesDir, 'node_modules', name);
	fs.mkdirSync(target, { recursive: true });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify(
			{ name: 'installed-nodes', private: true, dependencies: { [name]: version } },
			null,
			2,
		),
	);
	syncPackage(target);
	return target;
}

/** n8n's front-end settings once its REST API answers (GET /rest/settings), else null. */
function frontendSettings(url) {
	return new Promise((resolve) => {
		const request = http.get(`${url}/rest/settings`, { timeout: 2000 }, (response) => {
			let body = '';
			response.on('data', (chunk) => (body += chunk));
			response.on('end', () => {
				try {
					resolve(response.statusCode === 200 ? JSON.parse(body).data : null);
				} catch {
					resolve(null);
				}
			});
		});
		request.on('timeout', () => request.destroy());
		request.on('error', () => resolve(null));
	});
}

/** Watches sources and keeps the installed package in step with them. */
function startReload(target) {
	let pending = null;
	let again = false;
	const sync = (why) => {
		if (pending) {
			again = true;
			return;
		}
		pending = setTimeout(() => {
			try {
				const changed = syncPackage(target);
				if (changed.length) say(`${why}: ${changed.join(', ')} → n8n reloads the node`);
			} catch (error) {
				say(`could not update the installed package: ${error.message}`);
			}
			pending = null;
			if (again) {
				again = false;
				sync(why);
			}
		}, 150);
	};

	// tsc prints "Found 0 errors. Watching for file changes." after each compile.
	const tsc = spawn(
		path.join(ROOT, 'node_modules', '.bin', 'tsc'),
		['--watch', '--preserveWatchOutput'],
		{
			cwd: ROOT,
			stdio: ['ignore', 'pipe', 'inherit'],
		},
	);
	let output = '';
	tsc.stdout.on('data', (chunk) => {
		output += chunk;
		const lines = output.split('\n');
		output = lines.pop();
		for (const line of lines) {
			const found = /Found (\d+) errors?\./.exec(line);
			if (found && found[1] === '0') sync('compiled');
			else if (found || /error TS\d+/.test(line)) process.stdout.write(`[tsc] ${line}\n`);
		}
	});

	// n8n-node build copies icons and gulp the codex as src/<path> → dist/<path>: same here.
	const watchers = [];
	for (const folder of ['nodes', 'credentials', 'icons']) {
		watchers.push(
			fs.watch(path.join(ROOT, folder), { recursive: true }, (event, file) => {
				if (!file || !/\.(node\.json|svg|png)$/.test(file)) return;
				const rel = path.join(folder, file);
				const source = path.join(ROOT, rel);
				if (!fs.existsSync(source)) return;
				fs.mkdirSync(path.dirname(path.join(ROOT, 'dist', rel)), { recursive: true });
				fs.copyFileSync(source, path.join(ROOT, 'dist', rel));
				sync('changed');
			}),
		);
	}
	return () => {
		tsc.kill();
		for (const watcher of watchers) watcher.close();
	};
}

function guide({ url, version, emulatorUrl, devDir, ownerExists }) {
	const lines = [
		'',
		`n8n ${version} is up, with this checkout's Seedream node: ${url}`,
		ownerExists
			? `  1. Open it and sign in with the owner account you created (kept in ${devDir}).`
			: '  1. Open it and create the owner account (any name, email and password; it is kept in',
		...(ownerExists ? [] : [`     ${devDir}).`]),
		'  2. Open one of the example workflows ("Seedream: …", from examples/) and click',
		'     Execute workflow, or add the node to a new workflow: + → search "Seedream".',
		`  3. The credential "${CREDENTIAL.name}" is ready: it talks to the emulator on ${emulatorUrl}`,
		'     (no key, no cost). Put [fault:no-balance] or [fault:429] in a prompt to see an API error.',
		'  4. Edit nodes/, credentials/, icons/ or the codex: n8n reloads the node within seconds;',
		'     reopen the node to see the change. Ctrl+C stops n8n, the emulator and the watcher.',
		'',
	];
	process.stdout.write(lines.map((line) => `[dev] ${line}`).join('\n') + '\n');
}

async function main() {
	const install = await n8n.ensureN8n({ log: (line) => say(String(line).trimEnd()) });
	say('building dist/ (npm run build)');
	if (
		spawnSync('npm', ['run', 'build', '--silent'], {
			cwd: ROOT,
			stdio: ['ignore', 'ignore', 'inherit'],
		}).status !== 0
	) {
		throw new Error('npm run build failed (see above)');
	}

	// Next to the provisioned n8n, in the cache provision-n8n.sh chose.
	const devDir = path.join(path.dirname(install.dir), 'dev');
	const settings = devSettings(devDir);
	const emulator = createEmulator({ apiKey: settings.apiKey, latencyMs: 1500 });
	let emulatorUrl;
	try {
		emulatorUrl = await emulator.start(8787);
	} catch {
		emulatorUrl = await emulator.start(0);
	}
	say(`emulator on ${emulatorUrl}`);

	const userFolder = path.join(devDir, 'user');
	const env = n8n.buildEnv(install, {
		...n8n.QUIET_ENV,
		N8N_USER_FOLDER: userFolder,
		N8N_ENCRYPTION_KEY: settings.encryptionKey,
		N8N_PORT: PORT,
		N8N_RUNNERS_BROKER_PORT: PORT + 1000,
		N8N_DEV_RELOAD: 'true',
		N8N_SECURE_COOKIE: 'false',
		// Offline and quiet: these fetch from api.n8n.io and print a stack trace when they cannot.
		N8N_DISABLED_MODULES: 'mcp-registry',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true', // the default, said explicitly: no deprecation notice
	});
	const target = installPackage(userFolder);
	say(`installed this checkout as a community package in ${path.relative(devDir, target)}`);

	const credentials = path.join(devDir, 'credentials.json');
	fs.writeFileSync(
		credentials,
		JSON.stringify([
			{
				...CREDENTIAL,
				type: 'highwayApi',
				data: { apiKey: settings.apiKey, baseUrl: emulatorUrl },
			},
		]),
	);
	const imported = await n8n.spawnN8n(['import:credentials', `--input=${credentials}`], env, {
		install,
	});
	if (imported.exitCode !== 0)
		throw new Error(`credential import failed:\n${imported.stdout}\n${imported.stderr}`);
	say(`credential "${CREDENTIAL.name}" → ${emulatorUrl}`);

	// Each example once: a workflow you changed or deleted is left alone on the next start.
	// Their sample photo links name 127.0.0.1:8787: pointed at the emulator if it is elsewhere.
	const examples = exampleNames().map((name) => readExample(name, { emulatorUrl }));
	const fresh = examples.filter((workflow) => !settings.importedExamples.includes(workflow.id));
	if (fresh.length) {
		const folder = path.join(devDir, 'examples');
		fs.rmSync(folder, { recursive: true, force: true });
		fs.mkdirSync(folder);
		for (const workflow of fresh)
			fs.writeFileSync(path.join(folder, `${workflow.id}.json`), JSON.stringify(workflow));
		const result = await n8n.spawnN8n(['import:workflow', '--separate', `--input=${folder}`], env, {
			install,
		});
		if (result.exitCode !== 0)
			throw new Error(`importing the examples failed:\n${result.stdout}\n${result.stderr}`);
		settings.importedExamples.push(...fresh.map((workflow) => workflow.id));
		settings.save();
		say(`imported ${fresh.length} example workflow(s)`);
	}

	const stopReload = startReload(target);
	say(`starting n8n on http://127.0.0.1:${PORT} (Ctrl+C stops everything)`);
	const server = spawn(install.nodeBin, [install.n8nMain, 'start'], {
		cwd: userFolder,
		env,
		stdio: 'inherit',
		detached: true, // its own process group: the task runner it starts stops with it
	});
	const stop = () => {
		try {
			process.kill(-server.pid, 'SIGTERM');
		} catch {
			/* already gone */
		}
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	let exited = false;
	server.on('exit', async (code) => {
		exited = true;
		stopReload();
		await emulator.stop();
		process.exitCode = code ?? 0;
	});

	const url = `http://127.0.0.1:${PORT}`;
	while (!exited) {
		const frontend = await frontendSettings(url);
		if (frontend) {
			const ownerExists = frontend.userManagement?.showSetupOnFirstLoad === false;
			guide({ url, version: install.version, emulatorUrl, devDir, ownerExists });
			return;
		}
		await new Promise((resolve) => setTimeout(resolve, 500));
	}
}

main().catch((error) => {
	process.stderr.write(`[dev] ${error.message}\n`);
	process.exitCode = 1;
});
