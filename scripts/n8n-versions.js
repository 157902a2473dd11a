#!/usr/bin/env node
// `npm run n8n:versions`: the newest n8n 1.x and 2.x releases the npm registry serves, beside the
// versions this project tests (scripts/n8n-versions.json, the one place they are set). Moving a
// pin is editing that file; provision-n8n.sh, the test harness and the README badge follow it.
const { execFileSync } = require('node:child_process');

const PINS = require('./n8n-versions.json');

/** `a` before `b` (negative), the same (0) or after (positive), by major, minor, patch. */
function compareVersions(a, b) {
	const [x, y] = [a, b].map((version) => version.split('.').map(Number));
	return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
}

/** The newest release (no pre-releases) of each major line: `{ 1: '1.123.81', 2: … }`. */
function newestByMajor(versions) {
	const newest = {};
	for (const version of versions.filter((one) => /^\d+\.\d+\.\d+$/.test(one))) {
		const major = Number(version.split('.')[0]);
		if (!newest[major] || compareVersions(version, newest[major]) > 0) newest[major] = version;
	}
	return newest;
}

function main() {
	const versions = JSON.parse(execFileSync('npm', ['view', 'n8n', 'versions', '--json'], { encoding: 'utf8' }));
	const newest = newestByMajor(versions);
	const rows = [
		['2.x', newest[2], PINS.pinned],
		['1.x', newest[1], PINS.latest1x],
	];
	process.stdout.write(`${'line'.padEnd(6)}${'newest on npm'.padEnd(16)}tested here\n`);
	for (const [line, latest, pinned] of rows) {
		const note = latest === pinned ? '' : '  ← newer release: edit scripts/n8n-versions.json';
		process.stdout.write(`${line.padEnd(6)}${String(latest).padEnd(16)}${pinned}${note}\n`);
	}
}

if (require.main === module) main();

module.exports = { newestByMajor };
