'use strict';

/**
 * Local emulator of HighwayAPI's Seedream endpoints (POST /v3/<model> for the models of
 * models.js, each checked by its own rules) and of the object storage their result links point
 * to, for tests and benchmarks of the n8n node. Node built-ins only; it listens on 127.0.0.1 and
 * never opens an outbound connection (reference image URLs are accepted, never fetched).
 *
 * See README.md in this folder for the configuration, the fault kinds and the control endpoints.
 */

const http = require('node:http');
const crypto = require('node:crypto');
const { renderPngParts } = require('./png');
const { MODELS } = require('./models');
const { summarizeBody } = require('./references');
const { ValidationError, validateGenerationBody, countImages } = require('./validation');
const { txt2imgAnswer } = require('./txt2img');

const HOST = '127.0.0.1';
const GENERATE_PATH = /^\/v3\/([^/]+)$/; // POST /v3/<model>
const MODEL_IDS = Object.keys(MODELS);
const MODELS_PATH = '/openai/v1/models';
const FILE_PATH = /^\/files\/([A-Za-z0-9_-]+)\.png$/;
// Sample images for example workflows and tests (a product photo to edit): any name, the size
// in it. Not part of HighwayAPI: a stand-in for the shop or CDN a user downloads a photo from.
const SAMPLE_PATH = /^\/samples\/(?:[a-z0-9-]+-)?(\d{1,5})x(\d{1,5})\.png$/;
const SAMPLE_MAX_PIXELS = 36_000_000;
const CONTROL_PREFIX = '/__emulator/';
const WINDOW_MS = 60_000;

const DEFAULT_CONFIG = Object.freeze({
	apiKey: 'test-key',
	latencyMs: 0,
	maxConcurrent: Infinity,
	perMinute: Infinity,
	retryAfterSeconds: 1,
	resultShape: 'url',
	linkTtlMs: 24 * 60 * 60 * 1000,
	downloadBytesPerSecond: Infinity,
	imageBytes: 0,
	includeUsage: false,
	// Presigned object-storage links refuse a second auth mechanism; off by default so that a
	// leaked Authorization header is visible in `downloads` rather than failing the download.
	downloadRejectsAuthorization: false,
	maxBodyBytes: 256 * 1024 * 1024,
	faults: [],
});

const RESULT_SHAPES = ['url', 'object-url', 'image_url', 'b64_json', 'data-uri', 'base64'];
const INLINE_SHAPES = new Set(['b64_json', 'data-uri', 'base64']);

/** Fault kinds and their default parameters. */
const FAULT_DEFAULTS = Object.freeze({
	429: {},
	'429-no-retry-after': {},
	500: {},
	502: {},
	503: {},
	reset: {},
	'reset-after-generate': {},
	hang: {},
	'malformed-json': {},
	'empty-images': {},
	partial: { failIndexes: [1] },
	'expired-links': {},
	'download-500': {},
	'download-reset': {},
	'slow-download': { bytesPerSecond: 64 * 1024 },
	'no-balance': {},
	'invalid-key': {},
	'illegal-prompt': {},
	latency: { ms: 1000 },
});
const FAULT_KINDS = Object.keys(FAULT_DEFAULTS);
// Faults that stand for a refusal before any work, so they answer without the latency wait.
const REFUSAL_FAULTS = new Set([
	'429',
	'429-no-retry-after',
	'503',
	'no-balance',
	'invalid-key',
	'illegal-prompt',
]);
// Faults that fail the request before any image is made.
const FAILURE_FAULTS = new Set(['500', '502', 'reset', 'empty-images']);
const PROMPT_FAULT = /\[fault:([a-z0-9-]+)(?:\*(\d+))?\]/i;

// ---------------------------------------------------------------------------------------------
// Response bodies
// ---------------------------------------------------------------------------------------------

const apiError = (code, reason, message) => ({ code, reason, message, metadata: {} });

const ERRORS = {
	auth: () => apiError(401, 'FAILED_TO_AUTH', 'Invalid or missing API key'),
	invalid: (message) => apiError(400, 'INVALID_REQUEST_BODY', message),
	rateLimited: () => apiError(429, 'RATE_LIMIT_EXCEEDED', 'Rate limit exceeded'),
	taskFailed: () => apiError(500, 'TASK_FAILED', 'Internal error'),
	unavailable: () => apiError(503, 'SERVICE_NOT_AVAILABLE', 'Service not available'),
	noBalance: () => apiError(403, 'NOT_ENOUGH_BALANCE', 'Insufficient balance'),
	invalidKey: () => apiError(403, 'INVALID_API_KEY', 'Invalid API key'),
	illegalPrompt: () =>
		apiError(400, 'ILLEGAL_PROMPT', 'The prompt contains content that is not allowed'),
	notFound: (what) => apiError(404, 'NOT_FOUND', `No route for ${what}`),
	unknownModel: (what) =>
		apiError(404, 'NOT_FOUND', `No route for ${what}; models served: ${MODEL_IDS.join(', ')}`),
	methodNotAllowed: (what) => apiError(405, 'METHOD_NOT_ALLOWED', `Method not allowed: ${what}`),
	tooLarge: (limit) =>
		apiError(413, 'INVALID_REQUEST_BODY', `request body larger than ${limit} bytes`),
};

const SENSITIVE_IMAGE_ERROR = Object.freeze({
	code: 'OutputImageSensitiveContentDetected',
	message: 'The generated image may contain sensitive content',
});

// What an nginx-style proxy in front of the API sends when the upstream fails.
const BAD_GATEWAY_HTML =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n' +
	'<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

/** Object-storage style XML errors for the download links. */
function storageError(code, message) {
	return `<?xml version="1.0"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
}

// ---------------------------------------------------------------------------------------------
// Configuration
// ---------------------------------------------------------------------------------------------

/**
 * A limit: a number above `min`, or Infinity. JSON cannot carry Infinity, so the control
 * endpoint takes null (or "Infinity") for "no limit".
 */
function limitValue(key, value, min = 0, inclusive = false) {
	if (value === null || value === 'Infinity' || value === Infinity) return Infinity;
	if (
		typeof value !== 'number' ||
		Number.isNaN(value) ||
		value < min ||
		(!inclusive && value === min)
	) {
		const bound = inclusive ? `>= ${min}` : `> ${min}`;
		throw new TypeError(`${key} must be a number ${bound}, or null for no limit`);
	}
	return value;
}

function nonNegative(key, value) {
	if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
		throw new TypeError(`${key} must be a number >= 0`);
	}
	return value;
}

const CONFIG_CHECKS = {
	apiKey(value) {
		if (typeof value !== 'string' || value === '') {
			throw new TypeError('apiKey must be a non-empty string');
		}
		return value;
	},
	latencyMs: (value) => nonNegative('latencyMs', value),
	// 0 is allowed: every generation request is then refused with 429.
	maxConcurrent: (value) => limitValue('maxConcurrent', value, 0, true),
	perMinute: (value) => limitValue('perMinute', value, 0, true),
	retryAfterSeconds: (value) => nonNegative('retryAfterSeconds', value),
	resultShape(value) {
		if (!RESULT_SHAPES.includes(value)) {
			throw new TypeError(`resultShape must be one of ${RESULT_SHAPES.join(', ')}`);
		}
		return value;
	},
	linkTtlMs: (value) => nonNegative('linkTtlMs', value),
	downloadBytesPerSecond: (value) => limitValue('downloadBytesPerSecond', value),
	imageBytes: (value) => nonNegative('imageBytes', value),
	includeUsage: (value) => Boolean(value),
	downloadRejectsAuthorization: (value) => Boolean(value),
	maxBodyBytes: (value) => limitValue('maxBodyBytes', value),
	faults: (value) => normalizeFaults(value),
};

/** `base` with the keys of `partial` checked and applied. Throws TypeError on a bad value. */
function mergeConfig(base, partial) {
	if (partial === null || typeof partial !== 'object' || Array.isArray(partial)) {
		throw new TypeError('config must be an object');
	}
	const next = { ...base };
	for (const [key, value] of Object.entries(partial)) {
		const check = CONFIG_CHECKS[key];
		if (!check) throw new TypeError(`unknown config key "${key}"`);
		next[key] = check(value);
	}
	return next;
}

/** A fresh copy of the fault queue (so counts can be decremented without touching the input). */
function normalizeFaults(faults) {
	if (faults === undefined || faults === null) return [];
	if (!Array.isArray(faults)) throw new TypeError('faults must be an array');
	return faults.map((fault, i) => {
		const spec = typeof fault === 'string' || typeof fault === 'number' ? { kind: fault } : fault;
		if (!spec || typeof spec !== 'object') throw new TypeError(`faults[${i}] must be an object`);
		const kind = String(spec.kind);
		if (!FAULT_KINDS.includes(kind)) {
			throw new TypeError(`faults[${i}]: unknown kind "${kind}"; known: ${FAULT_KINDS.join(', ')}`);
		}
		const count = spec.count === undefined ? 1 : limitValue(`faults[${i}].count`, spec.count);
		return { ...FAULT_DEFAULTS[kind], ...spec, kind, count };
	});
}

/** The config as shown outside the process: the key never leaves it. */
function publicConfig(config) {
	return { ...config, apiKey: '***', faults: config.faults.map((fault) => ({ ...fault })) };
}

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

/** "Bearer abc" -> "Bearer ***": tests can see a header was sent without seeing the secret. */
function maskCredential(value) {
	if (value === undefined || value === null) return null;
	const text = String(value);
	const space = text.indexOf(' ');
	return space > 0 ? `${text.slice(0, space)} ***` : '***';
}

const SECRET_HEADERS = ['authorization', 'proxy-authorization', 'x-api-key', 'cookie'];

function maskHeaders(headers) {
	const copy = { ...headers };
	for (const name of SECRET_HEADERS) if (name in copy) copy[name] = maskCredential(copy[name]);
	return copy;
}

function sendJson(res, status, payload, headers = {}) {
	const body = JSON.stringify(payload);
	res.writeHead(status, {
		'content-type': 'application/json; charset=utf-8',
		'content-length': Buffer.byteLength(body),
		...headers,
	});
	res.end(body);
}

function sendText(res, status, contentType, text) {
	res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

/** Read the whole request body, keeping at most `limit` bytes; null if the client went away. */
function readBody(req, limit) {
	return new Promise((resolve) => {
		const chunks = [];
		let size = 0;
		let ended = false;
		req.on('data', (chunk) => {
			size += chunk.length;
			if (size <= limit) chunks.push(chunk);
		});
		req.on('end', () => {
			ended = true;
			resolve(
				size > limit ? { tooLarge: true, size } : { buffer: Buffer.concat(chunks, size), size },
			);
		});
		req.on('error', () => {}); // an aborted upload; 'close' settles it
		req.on('close', () => {
			if (!ended) resolve(null);
		});
	});
}

function parseJson(buffer) {
	try {
		return { value: JSON.parse(buffer.toString('utf8')) };
	} catch (error) {
		return { error: `request body is not valid JSON: ${error.message}` };
	}
}

/** Resolves when the stream can take more data, or when it is gone. */
function drainOrClose(res) {
	return new Promise((resolve) => {
		const done = () => {
			res.off('drain', done);
			res.off('close', done);
			resolve();
		};
		res.on('drain', done);
		res.on('close', done);
	});
}

// ---------------------------------------------------------------------------------------------
// The emulator
// ---------------------------------------------------------------------------------------------

function emptyStats() {
	return {
		requests: 0,
		generationRequests: 0,
		rateLimited: 0,
		generated: 0,
		failedImages: 0,
		downloadsTotal: 0,
		samplesServed: 0,
		inFlight: 0,
		maxInFlight: 0,
		abandoned: 0,
		interrupted: 0,
		byStatus: {},
		// Generation requests and images made (paid) per model; the totals above span them all.
		byModel: Object.fromEntries(MODEL_IDS.map((id) => [id, { requests: 0, generated: 0 }])),
	};
}

/**
 * Create an emulator. `options` holds initial config values (see DEFAULT_CONFIG) plus:
 * - `logger(line)`: called with one line per request (never containing the key);
 * - `now()`: clock in epoch ms, for rate-limit tests that must not wait a minute.
 */
function createEmulator(options = {}) {
	const { logger, now = Date.now, ...initialConfig } = options;
	const baseConfig = mergeConfig(DEFAULT_CONFIG, initialConfig);
	const signingKey = crypto.randomBytes(32);
	const images = new Map(); // id -> stored image; kept across reset() so old links keep working
	const sockets = new Set();
	const timers = new Set();

	let config;
	let server = null;
	let baseUrl = null;
	let requests;
	let downloads;
	let counters;
	let downloadedIds;
	let inlineIds;
	let admissions; // times of admitted generation requests within the last minute
	let promptAttempts;
	let sequence;

	function reset() {
		config = { ...baseConfig, faults: normalizeFaults(baseConfig.faults) };
		requests = [];
		sequence = 0;
		downloads = [];
		const inFlight = counters ? counters.inFlight : 0;
		counters = { ...emptyStats(), inFlight, maxInFlight: inFlight };
		downloadedIds = new Set();
		inlineIds = new Set();
		admissions = [];
		promptAttempts = new Map();
	}
	reset();

	const log = (line) => {
		if (logger) logger(line);
	};

	/** setTimeout that stop() can cancel, so a stopped emulator leaves no pending timers. */
	function sleep(ms) {
		if (!(ms > 0)) return Promise.resolve();
		return new Promise((resolve) => {
			const timer = setTimeout(() => {
				timers.delete(timer);
				resolve();
			}, ms);
			timers.add(timer);
		});
	}

	// --- rate limiting ------------------------------------------------------------------------

	/** Admit a generation request or say how long to wait. Admitted requests count as in flight. */
	function admit() {
		const time = now();
		while (admissions.length && admissions[0] <= time - WINDOW_MS) admissions.shift();
		if (counters.inFlight >= config.maxConcurrent) {
			return { admitted: false, retryAfter: config.retryAfterSeconds };
		}
		if (admissions.length >= config.perMinute) {
			// The oldest admission leaves the window first: that is when a slot frees up.
			const waitMs = admissions.length ? admissions[0] + WINDOW_MS - time : WINDOW_MS;
			return { admitted: false, retryAfter: Math.max(1, Math.ceil(waitMs / 1000)) };
		}
		admissions.push(time);
		counters.inFlight += 1;
		counters.maxInFlight = Math.max(counters.maxInFlight, counters.inFlight);
		return { admitted: true, time };
	}

	/** A simulated 429 should not use up the per-minute budget that a real one would not have. */
	function unadmit(time) {
		const index = admissions.lastIndexOf(time);
		if (index >= 0) admissions.splice(index, 1);
	}

	// --- faults -------------------------------------------------------------------------------

	/** The fault for this attempt: the queue's head first, else a directive in the prompt. */
	function takeFault(prompt) {
		const attempt = (promptAttempts.get(prompt) ?? 0) + 1;
		promptAttempts.set(prompt, attempt);
		const head = config.faults[0];
		if (head) {
			head.count -= 1;
			if (head.count <= 0) config.faults.shift();
			const fault = { ...head, source: 'queue' };
			delete fault.count;
			return fault;
		}
		const directive = PROMPT_FAULT.exec(prompt);
		if (!directive) return null;
		const kind = directive[1].toLowerCase();
		// Unknown kinds are ignored: a real prompt may contain such text by chance.
		if (!FAULT_KINDS.includes(kind)) return null;
		const times = directive[2] === undefined ? Infinity : Number(directive[2]);
		return attempt <= times ? { ...FAULT_DEFAULTS[kind], kind, source: 'prompt' } : null;
	}

	// --- images and links ---------------------------------------------------------------------

	function sign(id, expires) {
		return crypto.createHmac('sha256', signingKey).update(`${id}.png:${expires}`).digest('hex');
	}

	/**
	 * What an image's pixels follow: the prompt and its place in the set; with a txt2img seed,
	 * the seed and size as well (a fixed seed gives the same bytes again, -1 new ones each time).
	 */
	function renderSeed(request, index) {
		if (request.template !== 'txt2img') return `${request.prompt}\n#${index}`;
		const seed = request.seed === -1 ? crypto.randomBytes(8).toString('hex') : request.seed;
		return `${request.prompt}\n${request.width}x${request.height}\nseed ${seed}`;
	}

	function storeImage(request, index, fault) {
		const id = crypto.randomBytes(12).toString('hex');
		const created = now();
		const image = {
			id,
			width: request.width,
			height: request.height,
			seed: renderSeed(request, index),
			imageBytes: config.imageBytes,
			comment: `seedream-emulator image ${index} ${request.width}x${request.height}`,
			createdAt: created,
			expiresAt: fault?.kind === 'expired-links' ? created - 1000 : created + config.linkTtlMs,
			failuresLeft: fault?.kind === 'download-500' ? 1 : 0,
			resetsLeft: fault?.kind === 'download-reset' ? 1 : 0,
			bytesPerSecond: fault?.kind === 'slow-download' ? fault.bytesPerSecond : null,
		};
		images.set(id, image);
		return image;
	}

	// Rendered when served rather than kept, so thousands of 4K results cost a few hundred bytes
	// each; rendering is deterministic, so every download of an id gets the same bytes.
	function renderImage(image) {
		return renderPngParts(image);
	}

	function linkFor(image) {
		const expires = image.expiresAt;
		return `${baseUrl}/files/${image.id}.png?X-Expires=${expires}&X-Signature=${sign(image.id, expires)}`;
	}

	function resultEntry(image) {
		const shape = config.resultShape;
		if (shape === 'url') return linkFor(image);
		if (shape === 'object-url') return { url: linkFor(image) };
		if (shape === 'image_url') return { image_url: linkFor(image) };
		const { parts, length } = renderImage(image);
		const base64 = Buffer.concat(parts, length).toString('base64');
		if (shape === 'b64_json') return { b64_json: base64 };
		if (shape === 'data-uri') return `data:image/png;base64,${base64}`;
		return base64;
	}

	// --- generation ---------------------------------------------------------------------------

	function newRecord(req, model) {
		sequence += 1;
		return {
			seq: sequence,
			model,
			receivedAt: now(),
			method: req.method,
			authorization: maskCredential(req.headers.authorization),
			contentType: req.headers['content-type'] ?? null,
			status: null,
			completed: false,
			abandoned: false,
			body: null,
			bodyBytes: 0,
			fault: null,
			imageIds: [],
			error: null,
		};
	}

	/** `Authorization: Bearer <apiKey>`; the scheme is case-insensitive as in RFC 7235. */
	function authorized(req) {
		const match = /^bearer +(.+)$/i.exec(String(req.headers.authorization ?? ''));
		if (!match) return false;
		const given = Buffer.from(match[1]);
		const expected = Buffer.from(config.apiKey);
		return given.length === expected.length && crypto.timingSafeEqual(given, expected);
	}

	async function handleGeneration(req, res, model) {
		const path = MODELS[model].path;
		const record = newRecord(req, model);
		requests.push(record);
		counters.requests += 1;
		counters.byModel[model].requests += 1;
		const started = Date.now();
		res.on('finish', () => {
			record.completed = true;
			const key = String(record.status);
			counters.byStatus[key] = (counters.byStatus[key] ?? 0) + 1;
		});
		res.on('close', () => {
			const count = record.imageIds.length;
			const images = `${count} image${count === 1 ? '' : 's'}`;
			const fault = record.fault ? ` fault=${record.fault}` : '';
			const outcome = record.completed ? record.status : 'no answer';
			log(`POST ${path} -> ${outcome} (${images}${fault}) ${Date.now() - started}ms`);
		});
		const reply = (status, payload, headers) => {
			record.status = status;
			if (payload && payload.message && status >= 400) record.error = payload.message;
			sendJson(res, status, payload, headers);
		};

		if (req.method !== 'POST') {
			return reply(405, ERRORS.methodNotAllowed(`${req.method} ${path}`));
		}
		const body = await readBody(req, config.maxBodyBytes);
		if (!body) return; // client went away while uploading
		record.bodyBytes = body.size;
		if (body.tooLarge) return reply(413, ERRORS.tooLarge(config.maxBodyBytes));
		const parsed = parseJson(body.buffer);
		if (!authorized(req)) {
			if (!parsed.error) record.body = summarizeBody(parsed.value, model);
			return reply(401, ERRORS.auth());
		}
		if (parsed.error) return reply(400, ERRORS.invalid(parsed.error));

		let request;
		try {
			request = validateGenerationBody(parsed.value, model);
		} catch (error) {
			if (!(error instanceof ValidationError)) throw error;
			record.body = summarizeBody(parsed.value, model);
			return reply(400, ERRORS.invalid(error.message));
		}
		// Validation already decoded the references: reuse that rather than decode them again.
		record.body = summarizeBody(parsed.value, model, request.references);

		const admission = admit();
		if (!admission.admitted) {
			counters.rateLimited += 1;
			return reply(429, ERRORS.rateLimited(), { 'retry-after': String(admission.retryAfter) });
		}
		// 'close' comes once the answer is sent, or earlier when the client disconnects.
		const connection = { closed: false };
		const onClose = () => {
			connection.closed = true;
			counters.inFlight -= 1;
		};
		// A socket that closed before the listener was added would never release its slot.
		if (!res.socket || res.socket.destroyed) onClose();
		else res.on('close', onClose);

		const fault = takeFault(request.prompt);
		record.fault = fault ? fault.kind : null;
		await generate(res, record, request, fault, admission, connection, reply);
	}

	/** Everything after admission: faults, latency, images, the answer. */
	async function generate(res, record, request, fault, admission, connection, reply) {
		const kind = fault?.kind;
		if (kind && REFUSAL_FAULTS.has(kind)) return refuse(kind, fault, admission, reply);
		if (kind === 'hang') {
			counters.interrupted += 1; // never answer; stop() or the client ends it
			return;
		}

		await sleep(config.latencyMs + (kind === 'latency' ? Number(fault.ms) || 0 : 0));
		if (!server) return; // stopped while waiting
		// The client gave up while upstream worked. Upstream still finishes, and bills, the images.
		const abandoned = connection.closed;
		if (abandoned) {
			record.abandoned = true;
			counters.abandoned += 1;
		}

		if (abandoned && FAILURE_FAULTS.has(kind)) return;
		if (kind === '500') return reply(500, ERRORS.taskFailed());
		if (kind === '502') {
			record.status = 502;
			return sendText(res, 502, 'text/html', BAD_GATEWAY_HTML);
		}
		if (kind === 'reset') {
			counters.interrupted += 1;
			return resetSocket(res);
		}
		if (kind === 'empty-images') return reply(200, emptyAnswer(request));

		const entries = makeImages(record, request, fault);
		if (abandoned) return;
		const payload = answerFor(request, record, entries);

		if (kind === 'reset-after-generate') return writeHalfThenDestroy(res, record, payload);
		if (kind === 'malformed-json') return writeTruncated(res, record, payload);
		if (INLINE_SHAPES.has(config.resultShape) || request.responseFormat === 'b64_json') {
			// Inline images reach the client with the response itself: count them as received.
			res.on('finish', () => {
				for (const id of record.imageIds) inlineIds.add(id);
			});
		}
		reply(200, payload);
	}

	/** The family answers `{images}` (shaped by `resultShape`); txt2img its own two arrays. */
	function answerFor(request, record, entries) {
		if (request.template === 'txt2img') {
			const stored = record.imageIds.map((id) => images.get(id));
			const inline = request.responseFormat === 'b64_json';
			const base64 = (image) => {
				const { parts, length } = renderImage(image);
				return Buffer.concat(parts, length).toString('base64');
			};
			return txt2imgAnswer(
				request,
				inline ? [] : stored.map((image) => linkFor(image)),
				inline ? stored.map(base64) : [],
			);
		}
		const payload = { images: entries };
		if (config.includeUsage) payload.usage = { generated_images: record.imageIds.length };
		return payload;
	}

	function emptyAnswer(request) {
		return request.template === 'txt2img' ? txt2imgAnswer(request, [], []) : { images: [] };
	}

	function refuse(kind, fault, admission, reply) {
		if (kind === '429' || kind === '429-no-retry-after') {
			unadmit(admission.time);
			counters.rateLimited += 1;
			const retryAfter = fault.retryAfter ?? config.retryAfterSeconds;
			const headers = kind === '429' ? { 'retry-after': String(retryAfter) } : {};
			return reply(429, ERRORS.rateLimited(), headers);
		}
		if (kind === '503') return reply(503, ERRORS.unavailable());
		if (kind === 'no-balance') return reply(403, ERRORS.noBalance());
		if (kind === 'invalid-key') return reply(403, ERRORS.invalidKey());
		return reply(400, ERRORS.illegalPrompt());
	}

	/** Store the images (counted as generated, i.e. paid) and build the response entries. */
	function makeImages(record, request, fault) {
		const count = countImages(request);
		const failIndexes = fault?.kind === 'partial' ? new Set(fault.failIndexes) : new Set();
		const entries = [];
		for (let index = 0; index < count; index++) {
			if (failIndexes.has(index)) {
				counters.failedImages += 1;
				entries.push({ error: { ...SENSITIVE_IMAGE_ERROR } });
				continue;
			}
			const image = storeImage(request, index, fault);
			record.imageIds.push(image.id);
			counters.generated += 1;
			counters.byModel[request.model].generated += 1;
			entries.push(resultEntry(image));
		}
		if (record.imageIds.length > 0) counters.generationRequests += 1;
		return entries;
	}

	/** A TCP reset where the platform supports it, so the client sees ECONNRESET. */
	function resetSocket(res) {
		const socket = res.socket;
		if (!socket) return;
		if (typeof socket.resetAndDestroy === 'function') socket.resetAndDestroy();
		else socket.destroy();
	}

	function writeHalfThenDestroy(res, record, payload) {
		const body = Buffer.from(JSON.stringify(payload));
		record.status = 200;
		counters.interrupted += 1;
		res.writeHead(200, {
			'content-type': 'application/json; charset=utf-8',
			'content-length': body.length,
		});
		// Destroy only once the half is handed to the kernel, so the client really receives it.
		res.write(body.subarray(0, Math.floor(body.length / 2)), () => res.destroy());
	}

	function writeTruncated(res, record, payload) {
		const text = JSON.stringify(payload);
		// A complete HTTP response whose JSON stops inside the array.
		const cut = text.slice(0, Math.max('{"images":['.length, Math.floor(text.length / 2)));
		record.status = 200;
		sendText(res, 200, 'application/json; charset=utf-8', cut);
	}

	// --- downloads ----------------------------------------------------------------------------

	async function handleDownload(req, res, url) {
		const id = FILE_PATH.exec(url.pathname)[1];
		const record = {
			id,
			path: req.url,
			method: req.method,
			headers: maskHeaders(req.headers),
			authorizationPresent: req.headers.authorization !== undefined,
			status: null,
			time: now(),
			bytesSent: 0,
			completed: false,
		};
		downloads.push(record);
		counters.downloadsTotal += 1;
		res.on('close', () =>
			log(`${req.method} /files/${id}.png -> ${record.status} ${record.bytesSent} bytes`),
		);
		const fail = (status, code, message) => {
			record.status = status;
			sendText(res, status, 'application/xml', storageError(code, message));
		};

		if (req.method !== 'GET' && req.method !== 'HEAD') {
			return fail(405, 'MethodNotAllowed', 'Method not allowed');
		}
		const image = images.get(id);
		if (!image || image.revoked === 'deleted')
			return fail(404, 'NoSuchKey', 'The specified key does not exist.');
		if (config.downloadRejectsAuthorization && record.authorizationPresent) {
			return fail(400, 'InvalidArgument', 'Only one auth mechanism allowed');
		}
		const expires = url.searchParams.get('X-Expires');
		const signature = url.searchParams.get('X-Signature');
		if (!expires || !signature) {
			return fail(403, 'AccessDenied', 'Request is missing its signature');
		}
		if (signature !== sign(id, expires)) {
			return fail(
				403,
				'SignatureDoesNotMatch',
				'The request signature we calculated does not match',
			);
		}
		if (Number(expires) <= now() || image.revoked === 'expired')
			return fail(403, 'AccessDenied', 'Request has expired');
		if (image.failuresLeft > 0) {
			image.failuresLeft -= 1;
			return fail(500, 'InternalError', 'We encountered an internal error. Please try again.');
		}

		const { parts, length } = renderImage(image);
		record.status = 200;
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': length });
		if (req.method === 'HEAD') return res.end();
		if (image.resetsLeft > 0) {
			// The connection drops halfway through the body, as a flaky CDN's does.
			image.resetsLeft -= 1;
			const half = Buffer.concat(parts, length).subarray(0, Math.floor(length / 2));
			res.write(half, () => res.destroy());
			record.bytesSent += half.length;
			return;
		}
		const rate = image.bytesPerSecond ?? config.downloadBytesPerSecond;
		const finished = await streamParts(res, parts, rate, (sent) => {
			record.bytesSent += sent;
		});
		record.completed = finished;
		if (finished) downloadedIds.add(id);
	}

	/**
	 * Write `parts`, at most `bytesPerSecond` (Infinity: as fast as the socket drains). Resolves
	 * true once every byte is handed to the socket, false if the client went away first.
	 *
	 * Nothing is awaited after the last piece: a client that closes the connection as soon as it
	 * has the whole body must not be mistaken for one that gave up.
	 */
	async function streamParts(res, parts, bytesPerSecond, onSent) {
		const throttled = Number.isFinite(bytesPerSecond);
		// Ten slices a second keeps a throttled stream smooth without a timer per byte.
		const slice = throttled ? Math.max(1, Math.floor(bytesPerSecond / 10)) : Infinity;
		const pieces = [];
		for (const part of parts) {
			if (slice === Infinity) pieces.push(part);
			else
				for (let at = 0; at < part.length; at += slice) pieces.push(part.subarray(at, at + slice));
		}
		const start = Date.now(); // real time even when tests inject a clock
		let sent = 0;
		for (let i = 0; i < pieces.length; i++) {
			// Pace before each piece: piece i may leave once the earlier ones took their time.
			if (throttled && sent > 0) await sleep(start + (sent / bytesPerSecond) * 1000 - Date.now());
			if (res.destroyed || !server) return false;
			const more = res.write(pieces[i]);
			sent += pieces[i].length;
			onSent(pieces[i].length);
			if (!more && i < pieces.length - 1) await drainOrClose(res);
		}
		if (res.destroyed) return false;
		res.end();
		return true;
	}

	/**
	 * GET /samples/<name>-<W>x<H>.png: a PNG of that size, made from the name (the same bytes each
	 * time). No key, no signature: a public photo. Not a generation, never counted as one.
	 */
	function handleSample(req, res, url) {
		const [, width, height] = SAMPLE_PATH.exec(url.pathname).map(Number);
		if (req.method !== 'GET' && req.method !== 'HEAD') {
			return sendText(res, 405, 'text/plain', 'Method not allowed');
		}
		if (width < 1 || height < 1 || width * height > SAMPLE_MAX_PIXELS) {
			return sendText(res, 404, 'text/plain', `No sample of ${width}x${height}`);
		}
		counters.samplesServed += 1;
		const { parts, length } = renderPngParts({ width, height, seed: url.pathname });
		res.writeHead(200, { 'content-type': 'image/png', 'content-length': length });
		if (req.method === 'HEAD') return res.end();
		for (const part of parts) res.write(part);
		res.end();
		log(`${req.method} ${url.pathname} -> 200 ${length} bytes`);
	}

	// --- other routes -------------------------------------------------------------------------

	function handleModels(req, res) {
		if (!authorized(req)) return sendJson(res, 401, ERRORS.auth());
		const data = MODEL_IDS.map((id) => ({ id, object: 'model' }));
		sendJson(res, 200, { object: 'list', data });
	}

	async function handleControl(req, res, url) {
		const action = `${req.method} ${url.pathname.slice(CONTROL_PREFIX.length)}`;
		switch (action) {
			case 'GET config':
				return sendJson(res, 200, publicConfig(config));
			case 'POST config': {
				const body = await readBody(req, 1024 * 1024);
				if (!body || body.tooLarge) return sendJson(res, 413, { error: 'config body too large' });
				const parsed = parseJson(body.buffer.length ? body.buffer : Buffer.from('{}'));
				if (parsed.error) return sendJson(res, 400, { error: parsed.error });
				try {
					configure(parsed.value);
				} catch (error) {
					return sendJson(res, 400, { error: error.message });
				}
				return sendJson(res, 200, publicConfig(config));
			}
			case 'POST reset':
				reset();
				return sendJson(res, 200, { ok: true });
			case 'GET requests':
				return sendJson(res, 200, requests);
			case 'GET downloads':
				return sendJson(res, 200, downloads);
			case 'GET stats':
				return sendJson(res, 200, stats());
			case 'POST revoke-links': {
				const body = await readBody(req, 1024);
				const parsed = parseJson(body?.buffer?.length ? body.buffer : Buffer.from('{}'));
				try {
					return sendJson(res, 200, { revoked: revokeLinks(parsed.value?.as) });
				} catch (error) {
					return sendJson(res, 400, { error: error.message });
				}
			}
			default:
				return sendJson(res, 404, ERRORS.notFound(`${req.method} ${url.pathname}`));
		}
	}

	async function route(req, res) {
		const url = new URL(req.url, 'http://127.0.0.1');
		const generation = GENERATE_PATH.exec(url.pathname);
		if (generation) {
			const model = generation[1];
			if (Object.hasOwn(MODELS, model)) return handleGeneration(req, res, model);
			return sendJson(res, 404, ERRORS.unknownModel(`${req.method} ${url.pathname}`));
		}
		if (url.pathname === MODELS_PATH && req.method === 'GET') return handleModels(req, res);
		if (FILE_PATH.test(url.pathname)) return handleDownload(req, res, url);
		if (SAMPLE_PATH.test(url.pathname)) return handleSample(req, res, url);
		if (url.pathname.startsWith(CONTROL_PREFIX)) return handleControl(req, res, url);
		sendJson(res, 404, ERRORS.notFound(`${req.method} ${url.pathname}`));
	}

	function onRequest(req, res) {
		route(req, res).catch((error) => {
			// A bug in the emulator: say so loudly instead of leaving the client waiting.
			log(`emulator error: ${error.stack}`);
			if (!res.headersSent) sendJson(res, 500, apiError(500, 'EMULATOR_ERROR', error.message));
			else res.destroy();
		});
	}

	/**
	 * Every link issued so far stops working before its X-Expires, as storage that expired or
	 * deleted the objects early would: `expired` answers 403 AccessDenied, `deleted` 404 NoSuchKey.
	 * Images made afterwards are not affected. Returns how many links were revoked.
	 */
	function revokeLinks(as = 'expired') {
		if (as !== 'expired' && as !== 'deleted')
			throw new Error(
				`revoke-links: "as" must be "expired" or "deleted", got ${JSON.stringify(as)}`,
			);
		for (const image of images.values()) image.revoked = as;
		return images.size;
	}

	// --- public API ---------------------------------------------------------------------------

	function start(port = 0) {
		if (server) return Promise.reject(new Error('emulator already started'));
		const created = http.createServer(onRequest);
		created.on('connection', (socket) => {
			sockets.add(socket);
			socket.on('close', () => sockets.delete(socket));
		});
		return new Promise((resolve, reject) => {
			created.once('error', reject);
			created.listen(port, HOST, () => {
				created.off('error', reject);
				server = created;
				baseUrl = `http://${HOST}:${created.address().port}`;
				resolve(baseUrl);
			});
		});
	}

	function stop() {
		const closing = server;
		server = null;
		for (const timer of timers) clearTimeout(timer);
		timers.clear();
		if (!closing) return Promise.resolve();
		return new Promise((resolve) => {
			closing.close(() => resolve());
			// Hung and keep-alive connections would hold close() open forever.
			for (const socket of sockets) socket.destroy();
			sockets.clear();
		});
	}

	function configure(partial) {
		config = mergeConfig(config, partial);
		return publicConfig(config);
	}

	function stats() {
		return {
			...counters,
			downloaded: downloadedIds.size + inlineIds.size,
			downloadedInline: inlineIds.size,
			byStatus: { ...counters.byStatus },
			byModel: Object.fromEntries(
				Object.entries(counters.byModel).map(([id, counts]) => [id, { ...counts }]),
			),
		};
	}

	return {
		start,
		stop,
		configure,
		reset,
		stats,
		revokeLinks,
		get url() {
			return baseUrl;
		},
		get config() {
			return { ...config, faults: config.faults.map((fault) => ({ ...fault })) };
		},
		get requests() {
			return requests;
		},
		get downloads() {
			return downloads;
		},
	};
}

module.exports = { createEmulator, RESULT_SHAPES, MODELS };
