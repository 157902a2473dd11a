// Memory baseline for `npm run bench`: no n8n, no node package, just the Node.js runtime n8n
// runs on. Downloads the given image links, CONCURRENCY at a time, each response streamed into
// a file with fs.promises.writeFile: the same path n8n's filesystem binary store takes for a
// stream. Prints one JSON line: resident memory before the downloads and at its peak.
//
//   node scripts/bench-node-download.js <dir> <url>...
'use strict';
const fs = require('node:fs');
const http = require('node:http');
const path = require('node:path');

const CONCURRENCY = 4; // the node's download concurrency

function statusKb(field) {
	const match = new RegExp(`${field}:\\s+(\\d+)`).exec(
		fs.readFileSync('/proc/self/status', 'utf8'),
	);
	return match ? Number(match[1]) : NaN;
}

function get(url) {
	return new Promise((resolve, reject) => {
		http
			.get(url, (response) => {
				if (response.statusCode === 200) resolve(response);
				else reject(new Error(`GET ${url}: HTTP ${response.statusCode}`));
			})
			.on('error', reject);
	});
}

async function main() {
	const [dir, ...urls] = process.argv.slice(2);
	if (!dir || urls.length === 0) throw new Error('usage: bench-node-download.js <dir> <url>...');
	for (const url of urls) {
		if (!/^http:\/\/127\.0\.0\.1[:/]/.test(url)) throw new Error(`not a loopback link: ${url}`);
	}
	const idleMb = statusKb('VmRSS') / 1024;
	let next = 0;
	let bytes = 0;
	await Promise.all(
		Array.from({ length: CONCURRENCY }, async () => {
			while (next < urls.length) {
				const index = next++;
				const file = path.join(dir, `image-${index}.png`);
				await fs.promises.writeFile(file, await get(urls[index]));
				bytes += fs.statSync(file).size;
			}
		}),
	);
	const peakMb = statusKb('VmHWM') / 1024;
	process.stdout.write(`${JSON.stringify({ images: urls.length, bytes, idleMb, peakMb })}\n`);
}

main().catch((error) => {
	process.stderr.write(`${error.stack}\n`);
	process.exit(1);
});
