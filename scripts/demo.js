#!/usr/bin/env node
// `npm run demo`: runs an example workflow in a real n8n with this package installed the way
// users install it, writes the generated images to demo-output/ and lists them.
//
// Without HIGHWAY_API_KEY it starts the local HighwayAPI emulator (no key, no cost). With
// HIGHWAY_API_KEY set it calls the real API at HIGHWAY_BASE_URL (default
// https://api.highwayapi.ai) instead, and that is billed.
//
//   npm run demo -- --example storyboard-image-set --out /tmp/images
const { randomBytes } = require('node:crypto');
const { mkdirSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

function argument(name, fallback) {
	const index = process.argv.indexOf(`--${name}`);
	return index > 0 && process.argv[index + 1] ? process.argv[index + 1] : fallback;
}

const say = (line) => process.stdout.write(`${line}\n`);
const step = (line) => say(`\n> ${line}`);

async function main() {
	const exampleName = argument('example', 'campaign-visuals');
	const outDir = path.resolve(argument('out', path.join(ROOT, 'demo-output')));
	const examples = require('../test/e2e/lib/examples');
	if (!examples.exampleNames().includes(exampleName)) {
		throw new Error(`No example "${exampleName}"; choose one of: ${examples.exampleNames().join(', ')}`);
	}
	let workflow = examples.readExample(exampleName);

	const n8n = require('../test/e2e/lib/n8n');
	const { createEmulator } = require('../test/emulator/server');
	let emulator;
	let apiKey = process.env.HIGHWAY_API_KEY;
	let baseUrl;
	if (apiKey) {
		baseUrl = process.env.HIGHWAY_BASE_URL || 'https://api.highwayapi.ai';
		step(`Using the real API at ${baseUrl} (HIGHWAY_API_KEY is set: this is billed)`);
	} else {
		apiKey = `demo-${randomBytes(8).toString('hex')}`;
		emulator = createEmulator({ apiKey, latencyMs: 300 });
		baseUrl = await emulator.start();
		step(`Started the HighwayAPI emulator at ${baseUrl} (set HIGHWAY_API_KEY to call the real API)`);
	}
	if (examples.usesSamples(workflow)) {
		// The example downloads a sample photo; with the real API only the emulator's /samples/ serves it.
		emulator ??= createEmulator({ apiKey: randomBytes(8).toString('hex') });
		const samplesUrl = emulator.url ?? (await emulator.start());
		workflow = examples.pointSamplesAt(workflow, samplesUrl);
		say(`  the example's sample photo comes from ${samplesUrl}/samples/`);
	}

	let instance;
	try {
		step(`Preparing n8n ${n8n.N8N_VERSIONS.pinned} (installed once into ~/.cache/n8n-nodes-seedream, about 5 minutes the first time)`);
		await n8n.ensureN8n({ log: (line) => say(`  ${String(line).trimEnd()}`) });

		step('Building and packing n8n-nodes-seedream');
		const tarball = await n8n.packPackage({ repoDir: ROOT, log: false });
		say(`  ${path.basename(tarball)}`);

		step('Installing it into a fresh n8n user folder as a community package');
		instance = await n8n.createInstance({ binaryMode: 'filesystem', tarball, log: false });
		const credential = workflow.nodes.find((node) => node.credentials?.highwayApi)?.credentials.highwayApi;
		await instance.importCredentials([
			{ id: credential.id, name: credential.name, type: 'highwayApi', data: { apiKey, baseUrl } },
		]);
		const [id] = await instance.importWorkflows([workflow]);
		say(`  node type ${instance.nodeType}, workflow "${workflow.name}"`);

		step(`Running the workflow (examples/${exampleName}.json)`);
		const started = Date.now();
		const result = await instance.execute(id, { timeoutMs: 30 * 60 * 1000 });
		const seconds = ((Date.now() - started) / 1000).toFixed(1);
		if (!result.ok) {
			const error = n8n.nodeError(result.execution, 'Seedream') ?? result.error;
			throw new Error(`The workflow failed: ${error?.message ?? 'see above'}${error?.description ? `\n  ${error.description}` : ''}`);
		}
		const items = n8n.nodeOutput(result.execution, 'Seedream');
		say(`  done in ${seconds} s: ${items.length} item(s)`);

		step(`Writing the images to ${path.relative(process.cwd(), outDir) || '.'}/`);
		mkdirSync(outDir, { recursive: true });
		const table = [['item', 'file', 'bytes', 'size', 'prompt']];
		for (const [index, item] of items.entries()) {
			const [property, binary] = Object.entries(item.binary ?? {})[0] ?? [];
			if (!binary) {
				table.push([String(index), `(no image: ${item.json.error ?? item.json.downloadError ?? 'links only'})`, '', '', '']);
				continue;
			}
			const bytes = await instance.readBinary(binary);
			const file = path.join(outDir, binary.fileName ?? `image-${index}.${binary.fileExtension}`);
			writeFileSync(file, bytes);
			const prompt = String(item.json.prompt ?? '');
			table.push([
				`${index} (input ${JSON.stringify(item.pairedItem?.item ?? item.pairedItem)}, ${property})`,
				path.relative(process.cwd(), file),
				String(bytes.length),
				String(item.json.size ?? ''),
				prompt.length > 48 ? `${prompt.slice(0, 45)}...` : prompt,
			]);
		}
		const widths = table[0].map((_, column) => Math.max(...table.map((row) => row[column].length)));
		for (const row of table) say(`  ${row.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`);
		if (emulator && !process.env.HIGHWAY_API_KEY) {
			const stats = emulator.stats();
			const sizes = emulator.requests.map((request) => request.body?.size).filter(Boolean);
			say(`\nThe emulator generated ${stats.generated} image(s) and served ${stats.downloaded}; sizes asked for: ${[...new Set(sizes)].join(', ')}.`);
		}
		for (const item of items.filter((entry) => entry.json.inputSize)) {
			say(`Match Input Image: input ${item.json.inputSize} → ${item.json.requestedSize}${item.json.sizeNote ? ` (${item.json.sizeNote})` : ''}`);
		}
	} finally {
		await instance?.cleanup();
		await emulator?.stop();
	}
}

main().catch((error) => {
	process.stderr.write(`\nDemo failed: ${error.message}\n`);
	process.exitCode = 1;
});
