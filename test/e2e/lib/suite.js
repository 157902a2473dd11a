'use strict';
/**
 * What the end-to-end suites that run workflows headless share, for a jest test file: the emulator,
 * the packed package installed into a fresh n8n per binary mode with the credential the examples
 * name ("HighwayAPI account") pointing at the emulator, the suite's workflows imported, and
 * `run(binaryMode, name)`, which runs one on a fresh emulator record and checks that the API key
 * appears nowhere in what n8n printed or stored.
 *
 *   const suite = workflowSuite({ key, version, log, workflows: (baseUrl) => ({ name: workflowJson }) });
 *   const { result, output, requests, stats, instance } = await suite.run('filesystem', 'name');
 */
const { rmSync } = require('node:fs');
const path = require('node:path');

const { createEmulator } = require('../../emulator/server');
const n8n = require('./n8n');

const ROOT = path.resolve(__dirname, '../../..');
const CREDENTIAL = { id: 'highway-emulator', name: 'HighwayAPI account', type: 'highwayApi' };

function workflowSuite({ key, version, log, workflows, binaryModes = ['filesystem', 'default'] }) {
	const suite = { emulator: undefined, baseUrl: undefined, instances: {}, ids: {} };
	let tarball;

	beforeAll(async () => {
		suite.emulator = createEmulator({ apiKey: key });
		suite.baseUrl = await suite.emulator.start();
		log(`emulator on ${suite.baseUrl}, n8n ${version}`);
		await n8n.ensureN8n({ log, version });
		tarball = await n8n.packPackage({ repoDir: ROOT, log });
		log(`packed ${path.basename(tarball)}`);
		const all = workflows(suite.baseUrl);
		const names = Object.keys(all);
		for (const binaryMode of binaryModes) {
			const instance = await n8n.createInstance({ binaryMode, tarball, log, version });
			expect(instance.nodeType).toBe('n8n-nodes-seedream.seedream');
			await instance.importCredentials([{ ...CREDENTIAL, data: { apiKey: key, baseUrl: suite.baseUrl } }]);
			const imported = await instance.importWorkflows(names.map((name) => all[name]));
			suite.ids[binaryMode] = Object.fromEntries(names.map((name, index) => [name, imported[index]]));
			suite.instances[binaryMode] = instance;
		}
	});

	afterAll(async () => {
		await Promise.all(Object.values(suite.instances).map((instance) => instance.cleanup()));
		await suite.emulator?.stop();
		if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
	});

	/** Runs a workflow on a fresh emulator record; returns Seedream's items and what the API saw. */
	suite.run = async (binaryMode, name) => {
		const { emulator } = suite;
		emulator.reset();
		const instance = suite.instances[binaryMode];
		const result = await instance.execute(suite.ids[binaryMode][name]);
		const output = result.ok ? n8n.nodeOutput(result.execution, 'Seedream') : undefined;
		const everything = JSON.stringify(result.execution) + result.stdout + result.stderr;
		expect(everything).not.toContain(key);
		return { result, output, requests: emulator.requests.slice(), stats: emulator.stats(), instance };
	};

	return suite;
}

module.exports = { workflowSuite };
