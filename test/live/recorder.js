'use strict';
/**
 * Recording what HighwayAPI (or the emulator) really answers, and comparing answers by shape.
 *
 * - `createRecordingProxy({ target })`: an HTTP server on 127.0.0.1 that forwards every request
 *   to `target` (http or https) and keeps each exchange: what the node sent and what came back.
 *   Point the credential's Base URL at it and the node runs its own code path unchanged.
 * - `toFixture(exchange, …)`: an exchange as it is saved under test/fixtures/: reference images
 *   shortened to their hash, link signatures and every secret redacted, only the headers that
 *   matter kept.
 * - `shapeOf(value)`, `shapeDifferences(recorded, actual)`: what a body looks like (field names
 *   and types, not values), and where two answers differ, named by path.
 * Node built-ins only.
 */
const crypto = require('node:crypto');
const fs = require('node:fs');
const http = require('node:http');
const https = require('node:https');
const path = require('node:path');

const { readImageInfo } = require('../emulator/png');

const ROOT = path.resolve(__dirname, '../..');
/** Recordings of the real API, and of the emulator (which proves the mechanism until then). */
const FIXTURE_FOLDERS = {
	live: path.join(ROOT, 'test/fixtures/live'),
	emulator: path.join(ROOT, 'test/fixtures/emulator-recorded'),
};
/** The headers a recording keeps: what the node reads or a maintainer needs to see. */
const KEPT_HEADERS = /^(content-type|retry-after|x-ratelimit-.*|ratelimit-.*|x-request-id)$/i;
/** Query parameters of a presigned link that sign it or name the signer. */
const SIGNING_PARAMS = /signature|credential|security-token|^x-.*-token$|^sig$|^key-pair-id$|^policy$/i;
const REDACTED = 'REDACTED';

function summariseDataUri(value) {
	const match = /^data:([^;,]*);base64,(.*)$/s.exec(value);
	if (!match) return value;
	const bytes = Buffer.from(match[2], 'base64');
	const info = readImageInfo(bytes) ?? {};
	return {
		dataUri: true,
		declared: match[1],
		format: info.format ?? null,
		width: info.width ?? null,
		height: info.height ?? null,
		bytes: bytes.length,
		sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
	};
}

/** A request body with every data URI shortened to what identifies its image. */
function summariseBody(body) {
	if (typeof body === 'string') return body.startsWith('data:') ? summariseDataUri(body) : body;
	if (Array.isArray(body)) return body.map(summariseBody);
	if (body && typeof body === 'object')
		return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, summariseBody(value)]));
	return body;
}

/** A link with its signature redacted; expiry and everything else kept. */
function redactLink(value) {
	let url;
	try {
		url = new URL(value);
	} catch {
		return value;
	}
	for (const name of [...url.searchParams.keys()]) if (SIGNING_PARAMS.test(name)) url.searchParams.set(name, REDACTED);
	return url.toString();
}

/** Every string of a JSON value: links redacted, secrets replaced. */
function redact(value, secrets) {
	if (typeof value === 'string') {
		let text = /^https?:\/\//i.test(value) ? redactLink(value) : value;
		for (const secret of secrets) if (secret) text = text.split(secret).join(REDACTED);
		return text;
	}
	if (Array.isArray(value)) return value.map((entry) => redact(entry, secrets));
	if (value && typeof value === 'object')
		return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, redact(entry, secrets)]));
	return value;
}

function parseJson(buffer) {
	try {
		return JSON.parse(buffer.toString('utf8'));
	} catch {
		return buffer.toString('utf8').slice(0, 2000);
	}
}

/**
 * A local HTTP server that forwards to `target` and records each exchange. Resolves
 * `{ url, exchanges, stop() }`; `exchanges` grows as requests pass.
 */
async function createRecordingProxy({ target }) {
	const base = new URL(target);
	const client = base.protocol === 'https:' ? https : http;
	const exchanges = [];
	const server = http.createServer((req, res) => {
		const chunks = [];
		req.on('data', (chunk) => chunks.push(chunk));
		req.on('end', () => {
			const body = Buffer.concat(chunks);
			const started = Date.now();
			const headers = { ...req.headers, host: base.host };
			delete headers.connection;
			const upstream = client.request(
				new URL(req.url, base),
				{ method: req.method, headers },
				(answer) => {
					const parts = [];
					answer.on('data', (chunk) => parts.push(chunk));
					answer.on('end', () => {
						const responseBody = Buffer.concat(parts);
						exchanges.push({
							request: {
								method: req.method,
								path: new URL(req.url, base).pathname,
								body: body.length ? parseJson(body) : undefined,
							},
							response: { status: answer.statusCode, headers: answer.headers, body: parseJson(responseBody) },
							timingMs: Date.now() - started,
						});
						res.writeHead(answer.statusCode, answer.headers);
						res.end(responseBody);
					});
				},
			);
			upstream.on('error', (error) => {
				res.writeHead(502, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ proxyError: error.message }));
			});
			upstream.end(body);
		});
	});
	await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
	return {
		url: `http://127.0.0.1:${server.address().port}`,
		exchanges,
		stop: () => new Promise((resolve) => server.close(resolve)),
	};
}

/**
 * An exchange as saved: `source` says whether the real API or the emulator answered; `secrets`
 * (the key, at least) are replaced wherever they appear; `downloads` are the images the node
 * stored from the answer (format, size, bytes), as it saw them.
 */
function toFixture(exchange, { caseId, model, source, secrets, downloads = [], note }) {
	const headers = Object.fromEntries(
		Object.entries(exchange.response.headers)
			.filter(([name]) => KEPT_HEADERS.test(name))
			.map(([name, value]) => [name.toLowerCase(), value]),
	);
	return redact(
		{
			case: caseId,
			model,
			source,
			...(note ? { note } : {}),
			request: { ...exchange.request, body: summariseBody(exchange.request.body) },
			response: { status: exchange.response.status, headers, body: exchange.response.body },
			timingMs: exchange.timingMs,
			downloads,
		},
		secrets,
	);
}

/** Where a case's recording goes under `root` (one of FIXTURE_FOLDERS, or another folder). */
function fixturePath(root, model, caseId) {
	return path.join(root, model ?? 'platform', `${caseId}.json`);
}

function writeFixture(file, fixture) {
	fs.mkdirSync(path.dirname(file), { recursive: true });
	fs.writeFileSync(file, `${JSON.stringify(fixture, null, '\t')}\n`);
}

/** Every recording in both folders: `{ folder, file, fixture }`, live ones first. */
function readFixtures(folders = FIXTURE_FOLDERS) {
	const found = [];
	for (const [folder, dir] of Object.entries(folders)) {
		if (!fs.existsSync(dir)) continue;
		for (const model of fs.readdirSync(dir).sort()) {
			const modelDir = path.join(dir, model);
			if (!fs.statSync(modelDir).isDirectory()) continue;
			for (const name of fs.readdirSync(modelDir).sort()) {
				if (!name.endsWith('.json')) continue;
				const file = path.join(modelDir, name);
				found.push({ folder, file, fixture: JSON.parse(fs.readFileSync(file, 'utf8')) });
			}
		}
	}
	return found;
}

/** What a JSON value looks like: field names and types, arrays by the shapes of their entries. */
function shapeOf(value) {
	if (value === null) return 'null';
	if (Array.isArray(value)) {
		const shapes = [];
		for (const entry of value) {
			const shape = shapeOf(entry);
			if (!shapes.some((known) => JSON.stringify(known) === JSON.stringify(shape))) shapes.push(shape);
		}
		return { array: shapes };
	}
	if (typeof value === 'object')
		return { object: Object.fromEntries(Object.keys(value).sort().map((key) => [key, shapeOf(value[key])])) };
	if (typeof value === 'string' && /^https?:\/\//i.test(value)) return 'link';
	return typeof value;
}

const describeShape = (shape) =>
	typeof shape === 'string' ? shape : shape.array ? `array of ${shape.array.map(describeShape).join(' | ') || 'nothing'}` : 'object';

/** Where `actual` differs from `recorded` in shape, one line a difference, named by path. */
function shapeDifferences(a, actual, where = 'body') {
	const differences = [];
	if (typeof a === 'string' || typeof actual === 'string' || (a.array && !actual.array) || (a.object && !actual.object)) {
		if (JSON.stringify(a) !== JSON.stringify(actual))
			differences.push(`${where}: ${describeShape(a)} in the recording, ${describeShape(actual)} here`);
		return differences;
	}
	if (a.object) {
		for (const key of Object.keys(a.object)) {
			if (!(key in actual.object)) differences.push(`${where}.${key}: in the recording, missing here`);
			else differences.push(...shapeDifferences(a.object[key], actual.object[key], `${where}.${key}`));
		}
		for (const key of Object.keys(actual.object))
			if (!(key in a.object)) differences.push(`${where}.${key}: not in the recording`);
		return differences;
	}
	// Arrays: every kind of entry the recording has must be here, and nothing else.
	const key = (shape) => JSON.stringify(shape);
	for (const shape of a.array)
		if (!actual.array.some((other) => key(other) === key(shape)))
			differences.push(`${where}[]: entries of ${describeShape(shape)} in the recording, none here (${describeShape(actual)})`);
	for (const shape of actual.array)
		if (!a.array.some((other) => key(other) === key(shape)))
			differences.push(`${where}[]: entries of ${describeShape(shape)} here, none in the recording`);
	return differences;
}

/** Status, kept headers (by name, and the content type's value) and body shape of an answer. */
function answerDifferences(recorded, actual) {
	const differences = [];
	if (recorded.status !== actual.status) differences.push(`status: ${recorded.status} in the recording, ${actual.status} here`);
	const names = (headers) => Object.keys(headers).filter((name) => KEPT_HEADERS.test(name) && !/x-request-id/i.test(name)).map((name) => name.toLowerCase()).sort();
	const kept = names(recorded.headers);
	const here = names(actual.headers);
	for (const name of kept) if (!here.includes(name)) differences.push(`header ${name}: in the recording, missing here`);
	for (const name of here) if (!kept.includes(name)) differences.push(`header ${name}: not in the recording`);
	const type = (headers) => String(headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
	if (type(recorded.headers) !== type(actual.headers))
		differences.push(`content-type: ${type(recorded.headers)} in the recording, ${type(actual.headers)} here`);
	differences.push(...shapeDifferences(shapeOf(recorded.body), shapeOf(actual.body)));
	return differences;
}

/**
 * What in a recording looks like a secret: an Authorization value, an API key, a token, or a
 * signature left in a link. Empty when the recording is clean.
 */
function secretsIn(text) {
	const found = [];
	const patterns = [
		[/Bearer\s+[A-Za-z0-9._~+/-]{8,}/i, 'a Bearer token'],
		[/\b(sk|pk|rk|key)[-_][A-Za-z0-9]{16,}/, 'an API key'],
		[/"(authorization|api[-_]?key|x-api-key|cookie|set-cookie|token|access[-_]?token|secret)"\s*:/i, 'a secret field'],
		[/[?&][^=&"]*(signature|credential|security-token)[^=&"]*=(?!REDACTED)[^&"]+/i, 'an unredacted link signature'],
	];
	for (const [pattern, what] of patterns) {
		const match = pattern.exec(text);
		if (match) found.push(`${what}: ${match[0].slice(0, 40)}`);
	}
	return found;
}

module.exports = {
	FIXTURE_FOLDERS,
	REDACTED,
	createRecordingProxy,
	toFixture,
	fixturePath,
	writeFixture,
	readFixtures,
	summariseBody,
	redactLink,
	shapeOf,
	shapeDifferences,
	answerDifferences,
	secretsIn,
};
