// The build's asset step. `tsc` (through `n8n-node build`) compiles the code; n8n also needs,
// next to it, the icons the node and credential name and each node's codex file
// (Seedream.node.json: categories and links in the nodes panel), which tsc does not emit.
// This copies them into dist/ and fails the build if an icon the code names is missing.
const { src, dest, series } = require('gulp');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

function copyIcons() {
	return src('icons/*.{svg,png}', { encoding: false }).pipe(dest('dist/icons'));
}

function copyCodex() {
	return src('nodes/**/*.node.json').pipe(dest('dist/nodes'));
}

/** Every `file:` icon named in the compiled node and credential files must exist in dist/. */
async function checkIcons() {
	const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
	const files = [...pkg.n8n.nodes, ...pkg.n8n.credentials];
	const missing = [];
	for (const file of files) {
		if (!existsSync(file)) {
			missing.push(`${file} (not built)`);
			continue;
		}
		const code = readFileSync(file, 'utf8');
		for (const [, icon] of code.matchAll(/['"]file:([^'"]+)['"]/g)) {
			const iconPath = path.join(path.dirname(file), icon);
			if (!existsSync(iconPath)) missing.push(`${iconPath} (named in ${file})`);
		}
	}
	if (missing.length) throw new Error(`Build incomplete, missing:\n  ${missing.join('\n  ')}`);
}

exports['build:assets'] = series(copyIcons, copyCodex, checkIcons);
exports.default = exports['build:assets'];
