#!/usr/bin/env node
// `npm test`: everything that proves the package works, in one command with one summary.
//   1. lint        n8n-node lint (n8n's community-node rules, strict mode)
//   2. scan        n8n's community scanner on the source and the packed tarball, its file list,
//                  and proof that it fails on a planted console.log or runtime dependency
//   3. release     the GitHub workflows through actionlint (offline), the release path
//   4. unit        jest: the node through n8n-core's engine, HTTP mocked with nock
//   5. emulator    node:test: the API emulator's own self-test
//   6. faults      jest: the node through n8n-core's engine against the emulator over real
//                  HTTP on 127.0.0.1 (fault suite, shared rate budget, 500-item soak)
//   7. e2e         jest: the packed package installed into the pinned real n8n, workflows run
//                  headless against the emulator; never paying twice (a failed execution
//                  retried through n8n's REST API, after a restart, on the other queue worker);
//                  the spending cap (30 rows capped at 20, a loop, queue mode, custom data)
//   8. agent       jest: the node as a tool of n8n's AI Agent (3.1 and 2.2) in that real n8n,
//                  the model a scripted OpenAI-compatible mock, the API the emulator
//   9. e2e-queue   jest: the same package in the pinned n8n in queue mode (Redis, PostgreSQL, a
//                  main and two workers), production executions through webhooks, compared
//                  with a single n8n (skipped, with what to start, where no Redis or
//                  PostgreSQL answers; a failure in CI, which always has them)
//  10. e2e-1x      jest: the examples and key behaviours of the e2e suite, Edit Image, the
//                  reuse and the spending-cap suites, on n8n 1.123.81, the last 1.x
//  11. editor      jest + playwright-core: the same packed package in n8n's editor, driven in a
//                  real Chromium (Debian's; skipped, with the install command, when missing)
// Ends with one plain line "N passed, M failed" counting every test of every step, or
// "N passed, M failed, K skipped" when a step could not run its tests on this machine.
// `--only unit,lint` runs a subset.
//
// A step returns { passed, failed, skipped?, note? }. A step whose tests need something the
// machine lacks (a browser, a database) still runs its suite, which marks those tests skipped,
// so K counts tests, and says in `note` what to install.
const { spawnSync } = require('node:child_process');
const { mkdtempSync, readFileSync, rmSync, existsSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const { findChromium, INSTALL_CHROMIUM } = require('../test/editor/lib/chromium');
const { N8N_VERSIONS } = require('../test/e2e/lib/n8n');
const { probeServicesSync } = require('../test/e2e/lib/queue');

const root = path.resolve(__dirname, '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);

const steps = [
	{ name: 'lint', run: runLint },
	// n8n's community scanner on this checkout and on the tarball npm would publish, with the
	// tarball's file list checked; then the same scan must fail on planted problems.
	{ name: 'scan', run: () => runNodeTests('scan', ['test/package/scan.test.js']) },
	// The GitHub workflows through actionlint (offline), the release path and the changelog.
	{ name: 'release', run: () => runNodeTests('release', ['test/package/release.test.js']) },
	{ name: 'unit', run: () => runJest('unit', ['-c', 'jest.config.js']) },
	{ name: 'emulator', run: runEmulatorSelfTest },
	{
		name: 'faults',
		run: () => runJest('faults', ['-c', 'jest.emulator.config.js', '--runInBand']),
	},
	{
		name: 'e2e',
		run: () =>
			runJest('e2e', [
				'-c',
				'jest.e2e.config.js',
				'--runInBand',
				'--testPathIgnorePatterns=/node_modules/',
				'--testPathIgnorePatterns=queue\\.e2e\\.test\\.js$',
			]),
	},
	{ name: 'agent', run: () => runJest('agent', ['-c', 'jest.agent.config.js', '--runInBand']) },
	{ name: 'e2e-queue', run: runQueueMode },
	{
		name: 'e2e-1x',
		run: () =>
			runJest(
				'e2e-1x',
				[
					'-c',
					'jest.e2e.config.js',
					'--runInBand',
					'test/e2e/seedream.e2e.test.js',
					'test/e2e/editImage.e2e.test.js',
					'test/e2e/reuse.e2e.test.js',
					'test/e2e/spendingCap.e2e.test.js',
				],
				{ SEEDREAM_N8N_VERSION: N8N_VERSIONS.latest1x },
			),
	},
	{ name: 'editor', run: runEditor },
];

function runQueueMode() {
	const result = runJest('e2e-queue', [
		'-c',
		'jest.e2e.config.js',
		'--runInBand',
		'test/e2e/queue.e2e.test.js',
	]);
	const { missing } = probeServicesSync();
	// The suite skipped its tests itself (it checks the same thing): say what to start.
	if (missing.length) result.note = [result.note, ...missing].filter(Boolean).join('; ');
	return result;
}

function banner(text) {
	process.stdout.write(`\n=== ${text} ===\n`);
}

function runLint() {
	const result = spawnSync(bin('n8n-node'), ['lint'], { cwd: root, stdio: 'inherit' });
	const ok = result.status === 0;
	return { passed: ok ? 1 : 0, failed: ok ? 0 : 1, note: ok ? 'no problems' : 'lint errors above' };
}

/** Node's test runner on `files`: its spec report on the terminal, the counts from a TAP copy. */
function runNodeTests(name, files) {
	const dir = mkdtempSync(path.join(tmpdir(), `seedream-${name}-`));
	const tap = path.join(dir, 'report.tap');
	const reporters = ['--test-reporter=spec', '--test-reporter-destination=stdout'];
	reporters.push('--test-reporter=tap', `--test-reporter-destination=${tap}`);
	const result = spawnSync(process.execPath, ['--test', ...reporters, ...files], { cwd: root, stdio: 'inherit' });
	const report = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
	rmSync(dir, { recursive: true, force: true });
	const count = (label) => Number((new RegExp(`^# ${label} (\\d+)`, 'm').exec(report) ?? [])[1] ?? 0);
	const passed = count('pass');
	let failed = count('fail') + count('cancelled');
	const skipped = count('skipped') + count('todo');
	let note = failed ? 'failures above' : '';
	if (result.status !== 0 && failed === 0) {
		failed = 1;
		note = `node --test exited with ${result.status ?? result.signal}`;
	}
	return { passed, failed, skipped, note };
}

function runEmulatorSelfTest() {
	const result = spawnSync(
		process.execPath,
		['--test', '--test-reporter=tap', 'test/emulator/emulator.selftest.js'],
		{ cwd: root, encoding: 'utf8' },
	);
	process.stdout.write(
		result.stdout
			.split('\n')
			.filter((line) => /^(not )?ok |^# /.test(line))
			.join('\n') + '\n',
	);
	const count = (label) =>
		Number((new RegExp(`^# ${label} (\\d+)`, 'm').exec(result.stdout) ?? [])[1] ?? 0);
	const passed = count('pass');
	let failed = count('fail');
	if (result.status !== 0 && failed === 0) failed = 1;
	return { passed, failed, note: failed ? result.stderr.slice(-500) : '' };
}

function runEditor() {
	const result = runJest('editor', ['-c', 'jest.editor.config.js', '--runInBand']);
	if (!findChromium()) {
		// The suite skipped its tests itself (it checks the same thing): say how to get them run.
		result.note = [result.note, `no Chromium: ${INSTALL_CHROMIUM}, or set CHROME_PATH`]
			.filter(Boolean)
			.join('; ');
	}
	return result;
}

function runJest(name, args, env = {}) {
	const configFile = args[args.indexOf('-c') + 1];
	if (!existsSync(path.join(root, configFile))) {
		return { passed: 0, failed: 1, note: `${configFile} is missing` };
	}
	const dir = mkdtempSync(path.join(tmpdir(), `seedream-${name}-`));
	const report = path.join(dir, 'report.json');
	const result = spawnSync(bin('jest'), [...args, '--json', `--outputFile=${report}`], {
		cwd: root,
		stdio: 'inherit',
		env: { ...process.env, ...env },
	});
	let passed = 0;
	let failed = 0;
	let skipped = 0;
	let note = '';
	try {
		const data = JSON.parse(readFileSync(report, 'utf8'));
		passed = data.numPassedTests;
		failed = data.numFailedTests;
		skipped = data.numPendingTests + data.numTodoTests;
		// A suite that failed to load or crashed has no failed test of its own: count it.
		const brokenSuites = data.testResults.filter(
			(suite) =>
				suite.status === 'failed' && suite.assertionResults.every((t) => t.status !== 'failed'),
		).length;
		failed += brokenSuites;
		if (brokenSuites) note = `${brokenSuites} suite(s) failed to run`;
	} catch (error) {
		failed = Math.max(1, failed);
		note = `no jest report (${error.message})`;
	}
	if (result.status !== 0 && failed === 0) {
		failed = 1;
		note = `jest exited with ${result.status}`;
	}
	rmSync(dir, { recursive: true, force: true });
	return { passed, failed, skipped, note };
}

function main() {
	const onlyArg = process.argv.find((arg) => arg.startsWith('--only'));
	const only = onlyArg
		? (onlyArg.split('=')[1] ?? process.argv[process.argv.indexOf(onlyArg) + 1]).split(',')
		: undefined;
	const results = [];
	for (const step of steps) {
		if (only && !only.includes(step.name)) continue;
		banner(step.name);
		const started = Date.now();
		const outcome = step.run();
		results.push({ name: step.name, seconds: (Date.now() - started) / 1000, ...outcome });
	}
	banner('summary');
	for (const r of results) {
		const skipped = r.skipped ?? 0;
		const status = r.failed ? 'FAIL' : skipped && !r.passed ? 'SKIPPED' : 'PASS';
		process.stdout.write(
			`${status.padEnd(7)} ${r.name.padEnd(9)} ${String(r.passed).padStart(4)} passed ${String(r.failed).padStart(3)} failed${skipped ? ` ${String(skipped).padStart(3)} skipped` : ''}  ${r.seconds.toFixed(1)} s${r.note ? `  (${r.note})` : ''}\n`,
		);
	}
	const total = (key) => results.reduce((sum, r) => sum + (r[key] ?? 0), 0);
	const [passed, failed, skipped] = [total('passed'), total('failed'), total('skipped')];
	process.stdout.write(
		`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
	);
	process.exitCode = failed ? 1 : 0;
}

main();
