// The build's asset step. `n8n-node build` compiles the code and copies the icons (every
// png/svg); n8n also needs each node's codex file next to it (Seedream.node.json: categories and
// links in the nodes panel), which it does not copy. This copies the codex and fails the build
// if an icon the code names is missing from dist/.
const { src, dest, series } = require('gulp');
const { existsSync, readFileSync } = require('node:fs');
const path = require('node:path');

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

exports['build:assets'] = series(copyCodex, checkIcons);
exports.default = exports['build:assets'];
