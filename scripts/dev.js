#!/usr/bin/env node
// `npm run dev`: the n8n editor (pinned 2.41.1, not n8n@latest) on http://127.0.0.1:5678 with
// the node loaded from this checkout's dist/ (node type CUSTOM.seedream), rebuilt on change
// (tsc --watch, n8n's dev reload), the emulator on 127.0.0.1:8787, and a credential
// "HighwayAPI (emulator)" ready to pick. The user folder persists in
// ~/.cache/n8n-nodes-seedream/dev so the owner account you create stays.
//   PORT=5679 npm run dev
const { spawn, spawnSync } = require('node:child_process');
const { randomBytes } = require('node:crypto');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const n8n = require('../test/e2e/lib/n8n');
const { createEmulator } = require('../test/emulator/server');

const ROOT = path.resolve(__dirname, '..');
const PORT = Number(process.env.PORT || 5678);
const say = (line) => process.stdout.write(`[dev] ${line}\n`);

function devSettings(devDir) {
	mkdirSync(devDir, { recursive: true });
	const file = path.join(devDir, 'settings.json');
	if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8'));
	const settings = { encryptionKey: randomBytes(24).toString('hex'), apiKey: `dev-${randomBytes(8).toString('hex')}` };
	writeFileSync(file, JSON.stringify(settings, null, 2));
	return settings;
}

async function main() {
	const install = await n8n.ensureN8n({ log: (line) => say(String(line).trimEnd()) });
	say('building dist/');
	if (spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status !== 0) {
		throw new Error('npm run build failed');
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

	const env = n8n.buildEnv(install, {
		...n8n.QUIET_ENV,
		N8N_USER_FOLDER: path.join(devDir, 'user'),
		N8N_ENCRYPTION_KEY: settings.encryptionKey,
		N8N_PORT: PORT,
		N8N_RUNNERS_BROKER_PORT: PORT + 1000,
		N8N_CUSTOM_EXTENSIONS: path.join(ROOT, 'dist'),
		N8N_DEV_RELOAD: 'true',
		N8N_SECURE_COOKIE: 'false',
	});
	mkdirSync(env.N8N_USER_FOLDER, { recursive: true });
	const credentials = path.join(devDir, 'credentials.json');
	writeFileSync(
		credentials,
		JSON.stringify([
			{
				id: 'highwayEmulatorDev',
				name: 'HighwayAPI (emulator)',
				type: 'highwayApi',
				data: { apiKey: settings.apiKey, baseUrl: emulatorUrl },
			},
		]),
	);
	say('importing the emulator credential');
	const imported = await n8n.spawnN8n(['import:credentials', `--input=${credentials}`], env, { install });
	if (imported.exitCode !== 0) throw new Error(`credential import failed:\n${imported.stdout}\n${imported.stderr}`);

	const watch = spawn(path.join(ROOT, 'node_modules', '.bin', 'tsc'), ['--watch', '--preserveWatchOutput'], {
		cwd: ROOT,
		stdio: ['ignore', 'ignore', 'inherit'],
	});
	say(`starting n8n on http://127.0.0.1:${PORT} (Ctrl+C stops everything)`);
	const server = spawn(install.nodeBin, [install.n8nMain, 'start'], {
		cwd: env.N8N_USER_FOLDER,
		env,
		stdio: 'inherit',
	});
	const stop = () => server.kill('SIGTERM'); // its exit handler stops the rest
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
	server.on('exit', async (code) => {
		watch.kill();
		await emulator.stop();
		process.exitCode = code ?? 0;
	});
}

main().catch((error) => {
	process.stderr.write(`[dev] ${error.message}\n`);
	process.exitCode = 1;
});
