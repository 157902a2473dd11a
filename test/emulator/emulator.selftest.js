'use strict';

/**
 * Self-check of the HighwayAPI emulator. Run: node --test test/emulator/
 * (or node --test test/emulator/emulator.selftest.js). Only talks to 127.0.0.1.
 */

const { describe, test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const http = require('node:http');
const zlib = require('node:zlib');
const crypto = require('node:crypto');
const { createEmulator, MODELS } = require('./server');
const { encodePng, readImageInfo, renderPng } = require('./png');
const { dataUri, jpeg, webp, bmp, gif, tiff } = require('../support/images');
const { optionsFromArgs } = require('./cli');

const KEY = 'sk-emulator-secret-123';
const AUTH = { authorization: `Bearer ${KEY}` };

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

/**
 * One HTTP exchange on a fresh connection (no keep-alive pool to outlive the test). `timeoutMs`
 * is a deadline for the whole exchange, not an idle timeout, so it also ends slow downloads.
 */
function request(method, url, { headers = {}, body, timeoutMs } = {}) {
	return new Promise((resolvePromise, rejectPromise) => {
		let timer = null;
		const resolve = (value) => {
			clearTimeout(timer);
			resolvePromise(value);
		};
		const reject = (error) => {
			clearTimeout(timer);
			rejectPromise(error);
		};
		const payload =
			body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
		const req = http.request(url, { method, headers, agent: false }, (res) => {
			const chunks = [];
			res.on('data', (chunk) => chunks.push(chunk));
			res.on('end', () => {
				const buffer = Buffer.concat(chunks);
				resolve({
					status: res.statusCode,
					headers: res.headers,
					body: buffer,
					text: () => buffer.toString('utf8'),
					json: () => JSON.parse(buffer.toString('utf8')),
				});
			});
			res.on('error', reject);
			res.on('aborted', () =>
				reject(Object.assign(new Error('response aborted'), { code: 'ABORTED' })),
			);
		});
		req.on('error', reject);
		if (timeoutMs) {
			const timeout = Object.assign(new Error('timeout'), { code: 'TIMEOUT' });
			timer = setTimeout(() => req.destroy(timeout), timeoutMs);
		}
		if (payload !== undefined) {
			req.setHeader('content-type', 'application/json');
			req.end(payload);
		} else req.end();
	});
}

const generate = (base, body, headers = AUTH, options = {}) =>
	request('POST', `${base}/v3/seedream-4.5`, { headers, body, ...options });

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Strict PNG decode: signature, every chunk CRC (checked with zlib's CRC when available, so not
 * only against the emulator's own), IHDR, inflate (which checks Adler-32), row filters. With
 * `pixels`, also undoes the filters and returns the RGB rows.
 */
function decodePng(buffer, { pixels = false } = {}) {
	assert.ok(
		buffer.subarray(0, 8).equals(Buffer.from([137, 80, 78, 71, 13, 10, 26, 10])),
		'PNG signature',
	);
	const crc = zlib.crc32;
	let at = 8;
	let header = null;
	const idat = [];
	let sawEnd = false;
	while (at < buffer.length) {
		const length = buffer.readUInt32BE(at);
		const type = buffer.toString('latin1', at + 4, at + 8);
		const data = buffer.subarray(at + 8, at + 8 + length);
		assert.equal(
			buffer.readUInt32BE(at + 8 + length),
			crc(buffer.subarray(at + 4, at + 8 + length)),
			`${type} CRC`,
		);
		if (type === 'IHDR') {
			header = {
				width: data.readUInt32BE(0),
				height: data.readUInt32BE(4),
				depth: data[8],
				colour: data[9],
			};
		}
		if (type === 'IDAT') idat.push(data);
		if (type === 'IEND') sawEnd = true;
		at += 12 + length;
	}
	assert.ok(header && sawEnd, 'IHDR and IEND present');
	assert.equal(header.depth, 8);
	assert.equal(header.colour, 2);
	const raw = zlib.inflateSync(Buffer.concat(idat));
	const stride = header.width * 3;
	assert.equal(raw.length, header.height * (stride + 1), 'decompressed size');
	for (let y = 0; y < header.height; y++) assert.ok(raw[y * (stride + 1)] <= 4, 'filter type');
	if (!pixels) return header;
	return { ...header, rows: unfilter(raw, header.width, header.height) };
}

function unfilter(raw, width, height) {
	const stride = width * 3;
	const out = Buffer.alloc(height * stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		const src = y * (stride + 1) + 1;
		const row = y * stride;
		for (let x = 0; x < stride; x++) {
			const a = x >= 3 ? out[row + x - 3] : 0;
			const b = y > 0 ? out[row - stride + x] : 0;
			const c = x >= 3 && y > 0 ? out[row - stride + x - 3] : 0;
			let predictor = 0;
			if (filter === 1) predictor = a;
			else if (filter === 2) predictor = b;
			else if (filter === 3) predictor = (a + b) >>> 1;
			else if (filter === 4) {
				const p = a + b - c;
				const pa = Math.abs(p - a);
				const pb = Math.abs(p - b);
				const pc = Math.abs(p - c);
				predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
			}
			out[row + x] = (raw[src + x] + predictor) & 0xff;
		}
	}
	return out;
}

// ---------------------------------------------------------------------------------------------
// Tests against one shared emulator
// ---------------------------------------------------------------------------------------------

describe('HighwayAPI emulator', () => {
	const emulator = createEmulator({ apiKey: KEY });
	let base;

	before(async () => {
		base = await emulator.start();
	});
	after(() => emulator.stop());
	beforeEach(() => emulator.reset());

	test('generates a 2K PNG by default, served by its link', async () => {
		const res = await generate(base, { prompt: 'a red fox in snow' });
		assert.equal(res.status, 200);
		const { images } = res.json();
		assert.equal(images.length, 1);
		assert.match(
			images[0],
			/^http:\/\/127\.0\.0\.1:\d+\/files\/[0-9a-f]+\.png\?X-Expires=\d+&X-Signature=[0-9a-f]{64}$/,
		);
		const download = await request('GET', images[0]);
		assert.equal(download.status, 200);
		assert.equal(download.headers['content-type'], 'image/png');
		assert.equal(Number(download.headers['content-length']), download.body.length);
		const png = decodePng(download.body, { pixels: true });
		assert.deepEqual([png.width, png.height], [2048, 2048]);
		assert.deepEqual(readImageInfo(download.body), { format: 'png', width: 2048, height: 2048 });
		// The same link gives the same bytes.
		const again = await request('GET', images[0]);
		assert.ok(again.body.equals(download.body));
		const stats = emulator.stats();
		assert.equal(stats.generated, 1);
		assert.equal(stats.downloaded, 1);
		assert.equal(stats.downloadsTotal, 2);
	});

	test('revoked links fail before they expire, as storage that dropped them early; later ones work', async () => {
		const before = (await generate(base, { prompt: 'a kite' })).json().images[0];
		assert.equal((await request('GET', before)).status, 200);
		const control = await request('POST', `${base}/__emulator/revoke-links`, {
			body: '{"as":"expired"}',
		});
		assert.equal(control.status, 200);
		assert.ok(JSON.parse(control.body.toString()).revoked >= 1);
		const expired = await request('GET', before);
		assert.equal(expired.status, 403);
		assert.match(expired.body.toString(), /<Code>AccessDenied<\/Code><Message>Request has expired/);
		const after = (await generate(base, { prompt: 'a kite' })).json().images[0];
		assert.equal((await request('GET', after)).status, 200);
		emulator.revokeLinks('deleted');
		const gone = await request('GET', after);
		assert.equal(gone.status, 404);
		assert.match(gone.body.toString(), /NoSuchKey/);
		assert.throws(() => emulator.revokeLinks('lost'), /"expired" or "deleted"/);
	});

	test('4K and WxH sizes; a 4K set of 14 differs per index and per prompt', async (t) => {
		let started = process.hrtime.bigint();
		const single = await generate(base, { prompt: 'a lighthouse', size: '4k' });
		const singleMs = Number(process.hrtime.bigint() - started) / 1e6;
		assert.equal(single.status, 200);
		const one = await request('GET', single.json().images[0]);
		assert.deepEqual(decodePng(one.body), { width: 4096, height: 4096, depth: 8, colour: 2 });

		const wide = await generate(base, { prompt: 'a lighthouse', size: '5504x3040' });
		const wideFile = await request('GET', wide.json().images[0]);
		assert.deepEqual(readImageInfo(wideFile.body), { format: 'png', width: 5504, height: 3040 });

		started = process.hrtime.bigint();
		const set = await generate(base, {
			prompt: 'a set of 14 images of lighthouses',
			size: '4K',
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 14 },
		});
		const setMs = Number(process.hrtime.bigint() - started) / 1e6;
		assert.equal(set.status, 200);
		const links = set.json().images;
		assert.equal(links.length, 14);
		started = process.hrtime.bigint();
		const files = await Promise.all(links.map((link) => request('GET', link)));
		const downloadMs = Number(process.hrtime.bigint() - started) / 1e6;
		const hashes = new Set();
		for (const file of files) {
			assert.equal(file.status, 200);
			assert.deepEqual(readImageInfo(file.body), { format: 'png', width: 4096, height: 4096 });
			hashes.add(crypto.createHash('sha256').update(file.body).digest('hex'));
		}
		decodePng(files[13].body);
		assert.equal(hashes.size, 14, 'every image of the set differs');
		assert.ok(!hashes.has(crypto.createHash('sha256').update(one.body).digest('hex')));

		// Pixels differ too, not only metadata: compare the first rows of two images.
		const a = renderPng({ width: 64, height: 64, seed: 'a lighthouse\n#0' });
		const b = renderPng({ width: 64, height: 64, seed: 'a lighthouse\n#1' });
		const c = renderPng({ width: 64, height: 64, seed: 'a harbour\n#0' });
		const rowOf = (png) => decodePng(png, { pixels: true }).rows.subarray(0, 64 * 3);
		assert.ok(!rowOf(a).equals(rowOf(b)));
		assert.ok(!rowOf(a).equals(rowOf(c)));

		// Inline results render every PNG inside the generation request itself.
		emulator.configure({ resultShape: 'b64_json' });
		started = process.hrtime.bigint();
		const inline = await generate(base, {
			prompt: 'a set of 14 images of harbours',
			size: '4K',
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 14 },
		});
		const inlineMs = Number(process.hrtime.bigint() - started) / 1e6;
		const inlineImages = inline.json().images;
		assert.equal(inlineImages.length, 14);
		decodePng(Buffer.from(inlineImages[0].b64_json, 'base64'));

		t.diagnostic(`one 4K image (url): generate ${singleMs.toFixed(1)} ms, HTTP round trip`);
		t.diagnostic(
			`14 x 4K set (url): generate ${setMs.toFixed(1)} ms, download all 14 ${downloadMs.toFixed(1)} ms`,
		);
		t.diagnostic(`14 x 4K set (b64_json, rendered in the request): ${inlineMs.toFixed(1)} ms`);
		assert.ok(
			singleMs < 1000 && setMs + downloadMs < 3000 && inlineMs < 3000,
			'fast enough for tests',
		);
		assert.equal(emulator.stats().generated, 30);
	});

	test('sets follow the prompt count, max_images and the 15-image budget', async () => {
		const count = async (body) => (await generate(base, body)).json().images.length;
		const auto = { sequential_image_generation: 'auto' };
		assert.equal(await count({ prompt: 'storyboard', ...auto }), 3);
		assert.equal(await count({ prompt: 'make 5 images', ...auto }), 5);
		assert.equal(await count({ prompt: 'one image', ...auto }), 3);
		assert.equal(
			await count({
				prompt: 'make 9 images',
				...auto,
				sequential_image_generation_options: { max_images: 4 },
			}),
			4,
		);
		assert.equal(
			await count({ prompt: 'make 9 images', sequential_image_generation: 'disabled' }),
			1,
		);
		const refs = Array.from({ length: 12 }, (_, i) => `https://example.com/${i}.png`);
		assert.equal(
			await count({
				prompt: 'make 9 images',
				image: refs,
				...auto,
				sequential_image_generation_options: { max_images: 3 },
			}),
			3,
		);
	});

	test('validation errors answer 400 INVALID_REQUEST_BODY naming the problem', async () => {
		const png = encodePng(64, 48);
		const cases = [
			[{ size: '2K' }, 'prompt is required'],
			[{ prompt: '   ' }, 'prompt must not be blank'],
			[{ prompt: 42 }, 'prompt must be a string'],
			[
				{ prompt: 'x', size: '1024x1024' },
				'size 1024x1024: total pixels 1048576 out of range [3686400, 16777216] for seedream-4.5',
			],
			[
				{ prompt: 'x', size: '16384x225' },
				'size 16384x225: aspect ratio 72.8178 out of range [1/16, 16]',
			],
			[
				{ prompt: 'x', size: 'big' },
				'size big: seedream-4.5 takes "2K", "4K" or "WxH" such as "2048x2048"',
			],
			[{ prompt: 'x', image: [] }, 'image has 0 entries; expected 1 to 14 for seedream-4.5'],
			[
				{ prompt: 'x', image: 'https://e.com/a.png' },
				'image must be an array of URLs or data URIs',
			],
			[
				{ prompt: 'x', image: ['https://e.com/a.png', 'ftp://e.com/b.png'] },
				'image[1]: expected an http(s) URL or a data:image/<format>;base64,<data> URI',
			],
			[
				{ prompt: 'x', image: [dataUri(png, 'PNG')] },
				'image[0]: format must be lower case: "png", not "PNG"',
			],
			[
				{ prompt: 'x', image: [dataUri(png, 'jpg')] },
				'image[0]: unsupported format "jpg"; expected one of jpeg, png, webp, bmp, tiff, gif',
			],
			[
				{ prompt: 'x', image: [dataUri(png, 'png'), dataUri(jpeg(64, 64), 'png')] },
				'image[1]: declared png but the data is jpeg',
			],
			[
				{ prompt: 'x', image: [dataUri(Buffer.from('hello world!'), 'png')] },
				'image[0]: declared png but the data is not a recognised image',
			],
			[
				{ prompt: 'x', image: [dataUri(encodePng(10, 40), 'png')] },
				'image[0]: 10x40: width and height must be greater than 14',
			],
			[
				{ prompt: 'x', image: [dataUri(jpeg(1700, 100), 'jpeg')] },
				'image[0]: 1700x100: aspect ratio 17 out of range [1/16, 16]',
			],
			[
				{ prompt: 'x', image: [dataUri(jpeg(6001, 6001), 'jpeg')] },
				'image[0]: 6001x6001: more than 6000x6000 pixels',
			],
			[
				{ prompt: 'x', image: ['data:image/png;base64,@@@@'] },
				'image[0]: data is not valid base64',
			],
			[{ prompt: 'x', watermark: 'yes' }, 'watermark must be a boolean'],
			[
				{ prompt: 'x', sequential_image_generation: 'on' },
				'sequential_image_generation must be one of auto, disabled',
			],
			[
				{ prompt: 'x', sequential_image_generation_options: { max_images: 16 } },
				'sequential_image_generation_options.max_images must be an integer from 1 to 15',
			],
			[
				{ prompt: 'x', image: ['https://e.com/a.png'], sequential_image_generation: 'auto' },
				'1 reference images + max_images 15 = 16, more than 15',
			],
			[
				{ prompt: 'x', optimize_prompt_options: { mode: 'slow' } },
				'optimize_prompt_options.mode must be standard for seedream-4.5',
			],
			[[1, 2], 'request body must be a JSON object'],
		];
		for (const [body, message] of cases) {
			const res = await generate(base, body);
			assert.equal(res.status, 400, JSON.stringify(body).slice(0, 80));
			assert.deepEqual(res.json(), {
				code: 400,
				reason: 'INVALID_REQUEST_BODY',
				message,
				metadata: {},
			});
		}
		const notJson = await generate(base, '{"prompt": ');
		assert.equal(notJson.status, 400);
		assert.match(notJson.json().message, /^request body is not valid JSON/);

		// Over 10 MB decoded is refused from the base64 length alone.
		const big = Buffer.alloc(10 * 1024 * 1024 + 3);
		png.copy(big);
		const tooBig = await generate(base, { prompt: 'x', image: [dataUri(big, 'png')] });
		assert.equal(
			tooBig.json().message,
			'image[0]: 10485763 bytes decoded, more than 10485760 (10 MB)',
		);

		const stats = emulator.stats();
		assert.equal(stats.generated, 0);
		assert.equal(stats.byStatus['400'], cases.length + 2);
	});

	test('valid references are accepted and logged as summaries', async () => {
		const png = encodePng(64, 48);
		const res = await generate(base, {
			prompt: 'combine these',
			image: [dataUri(png, 'png'), 'https://example.com/cat.jpg', dataUri(jpeg(800, 600), 'jpeg')],
			watermark: false,
			optimize_prompt_options: { mode: 'standard' },
		});
		assert.equal(res.status, 200);
		const [record] = emulator.requests;
		assert.equal(record.authorization, 'Bearer ***');
		assert.equal(record.contentType, 'application/json');
		assert.equal(record.status, 200);
		assert.equal(record.imageIds.length, 1);
		assert.deepEqual(record.body.image, [
			{
				dataUri: true,
				format: 'png',
				bytes: png.length,
				width: 64,
				height: 48,
				sha256: crypto.createHash('sha256').update(png).digest('hex'),
			},
			'https://example.com/cat.jpg',
			{
				dataUri: true,
				format: 'jpeg',
				bytes: jpeg(1, 1).length,
				width: 800,
				height: 600,
				sha256: record.body.image[2].sha256,
			},
		]);
	});

	test('auth: 401 FAILED_TO_AUTH, models endpoint, the key is never echoed', async () => {
		const expected = {
			code: 401,
			reason: 'FAILED_TO_AUTH',
			message: 'Invalid or missing API key',
			metadata: {},
		};
		const missing = await generate(base, { prompt: 'x' }, {});
		assert.equal(missing.status, 401);
		assert.deepEqual(missing.json(), expected);
		const wrong = await generate(base, { prompt: 'x' }, { authorization: 'Bearer nope' });
		assert.deepEqual(wrong.json(), expected);
		const models = await request('GET', `${base}/openai/v1/models`, { headers: AUTH });
		assert.deepEqual(models.json(), {
			object: 'list',
			data: [
				{ id: 'seedream-4.5', object: 'model' },
				{ id: 'seedream-5.0-lite', object: 'model' },
				{ id: 'seedream-4.0', object: 'model' },
				{ id: 'seedream-3-0-txt2img', object: 'model' },
			],
		});
		const badModels = await request('GET', `${base}/openai/v1/models`, {
			headers: { authorization: 'Bearer nope' },
		});
		assert.equal(badModels.status, 401);
		assert.deepEqual(badModels.json(), expected);

		const control = await Promise.all(
			['config', 'requests', 'stats'].map((name) => request('GET', `${base}/__emulator/${name}`)),
		);
		for (const res of [missing, wrong, models, ...control]) assert.ok(!res.text().includes(KEY));
		assert.equal(emulator.requests[0].authorization, null);
		assert.equal(emulator.requests[1].authorization, 'Bearer ***');
		assert.equal(emulator.stats().byStatus['401'], 2);
	});

	test('result shapes and usage', async () => {
		const expectPng = (base64) =>
			assert.deepEqual(readImageInfo(Buffer.from(base64, 'base64')).width, 2048);
		emulator.configure({ resultShape: 'b64_json', includeUsage: true });
		let body = (await generate(base, { prompt: 'shape' })).json();
		assert.deepEqual(body.usage, { generated_images: 1 });
		decodePng(Buffer.from(body.images[0].b64_json, 'base64'));
		emulator.configure({ resultShape: 'data-uri', includeUsage: false });
		body = (await generate(base, { prompt: 'shape' })).json();
		assert.equal(body.usage, undefined);
		assert.ok(body.images[0].startsWith('data:image/png;base64,'));
		expectPng(body.images[0].slice('data:image/png;base64,'.length));
		emulator.configure({ resultShape: 'base64' });
		expectPng((await generate(base, { prompt: 'shape' })).json().images[0]);
		emulator.configure({ resultShape: 'object-url' });
		const { url } = (await generate(base, { prompt: 'shape' })).json().images[0];
		assert.equal((await request('GET', url)).status, 200);
		emulator.configure({ resultShape: 'image_url' });
		const { image_url: imageUrl } = (await generate(base, { prompt: 'shape' })).json().images[0];
		assert.equal((await request('GET', imageUrl)).status, 200);
		const stats = emulator.stats();
		// Inline images count as received with the response: nothing paid goes unused here.
		assert.equal(stats.generated, 5);
		assert.equal(stats.downloaded, 5);
		assert.equal(stats.downloadedInline, 3);
	});

	test('concurrency limit: 429 RATE_LIMIT_EXCEEDED with Retry-After, not paid', async () => {
		emulator.configure({ maxConcurrent: 1, latencyMs: 200, retryAfterSeconds: 2 });
		const [first, second] = await Promise.all([
			generate(base, { prompt: 'one' }),
			sleep(50).then(() => generate(base, { prompt: 'two' })),
		]);
		assert.equal(first.status, 200);
		assert.equal(second.status, 429);
		assert.equal(second.headers['retry-after'], '2');
		assert.deepEqual(second.json(), {
			code: 429,
			reason: 'RATE_LIMIT_EXCEEDED',
			message: 'Rate limit exceeded',
			metadata: {},
		});
		const stats = emulator.stats();
		assert.equal(stats.maxInFlight, 1);
		assert.equal(stats.rateLimited, 1);
		assert.equal(stats.generated, 1);
		assert.equal(stats.generationRequests, 1);
		assert.equal(stats.inFlight, 0);
	});

	test('fault queue: 500, 429 with retryAfter, then normal', async () => {
		emulator.configure({
			faults: [{ kind: '500' }, { kind: '429', retryAfter: 7 }, { kind: '502', count: 2 }],
		});
		const r1 = await generate(base, { prompt: 'q' });
		assert.equal(r1.status, 500);
		assert.deepEqual(r1.json(), {
			code: 500,
			reason: 'TASK_FAILED',
			message: 'Internal error',
			metadata: {},
		});
		const r2 = await generate(base, { prompt: 'q' });
		assert.equal(r2.status, 429);
		assert.equal(r2.headers['retry-after'], '7');
		for (let i = 0; i < 2; i++) {
			const r = await generate(base, { prompt: 'q' });
			assert.equal(r.status, 502);
			assert.match(r.headers['content-type'], /text\/html/);
			assert.match(r.text(), /502 Bad Gateway/);
		}
		assert.equal((await generate(base, { prompt: 'q' })).status, 200);
		assert.deepEqual(
			emulator.requests.map((r) => r.fault),
			['500', '429', '502', '502', null],
		);
		assert.equal(emulator.stats().generated, 1);
	});

	test('prompt directives apply to the first N attempts of that prompt', async () => {
		const prompt = 'a fox [fault:503*2]';
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push((await generate(base, { prompt })).status);
		assert.deepEqual(statuses, [503, 503, 200]);
		const always = 'a fox [fault:no-balance]';
		for (let i = 0; i < 2; i++) {
			const res = await generate(base, { prompt: always });
			assert.equal(res.status, 403);
			assert.equal(res.json().reason, 'NOT_ENOUGH_BALANCE');
		}
		const key = await generate(base, { prompt: '[fault:invalid-key]' });
		assert.deepEqual([key.status, key.json().reason], [403, 'INVALID_API_KEY']);
		const illegal = await generate(base, { prompt: '[fault:illegal-prompt]' });
		assert.deepEqual([illegal.status, illegal.json().reason], [400, 'ILLEGAL_PROMPT']);
		const noRetry = await generate(base, { prompt: '[fault:429-no-retry-after]' });
		assert.equal(noRetry.status, 429);
		assert.equal(noRetry.headers['retry-after'], undefined);
		// An unknown kind in a prompt is ordinary text.
		assert.equal((await generate(base, { prompt: '[fault:teapot]' })).status, 200);
	});

	test('reset and reset-after-generate break the connection; the latter is still paid', async () => {
		emulator.configure({ faults: ['reset', 'reset-after-generate'] });
		await assert.rejects(generate(base, { prompt: 'r' }), (error) =>
			/ECONNRESET|socket hang up/.test(`${error.code} ${error.message}`),
		);
		await assert.rejects(
			generate(base, { prompt: 'make 3 images', sequential_image_generation: 'auto' }),
		);
		const stats = emulator.stats();
		assert.equal(stats.generated, 3);
		assert.equal(stats.interrupted, 2);
		assert.equal(stats.inFlight, 0);
	});

	test('malformed-json, empty-images, partial results', async () => {
		emulator.configure({
			faults: ['malformed-json', 'empty-images', { kind: 'partial', failIndexes: [0, 2] }],
		});
		const malformed = await generate(base, { prompt: 'm' });
		assert.equal(malformed.status, 200);
		assert.ok(malformed.text().startsWith('{"images":['));
		assert.throws(() => malformed.json());
		assert.deepEqual((await generate(base, { prompt: 'm' })).json(), { images: [] });
		const partial = (
			await generate(base, { prompt: 'a set of 4 images', sequential_image_generation: 'auto' })
		).json();
		assert.equal(partial.images.length, 4);
		assert.deepEqual(partial.images[0], {
			error: {
				code: 'OutputImageSensitiveContentDetected',
				message: 'The generated image may contain sensitive content',
			},
		});
		assert.equal(typeof partial.images[1], 'string');
		assert.equal(partial.images[2].error.code, 'OutputImageSensitiveContentDetected');
		const stats = emulator.stats();
		assert.equal(stats.generated, 1 + 2); // malformed answer's image + two partial successes
		assert.equal(stats.failedImages, 2);
	});

	test('download faults: expired links, one-off 500, slow download, unknown id, bad signature', async () => {
		emulator.configure({
			faults: ['expired-links', 'download-500', { kind: 'slow-download', bytesPerSecond: 60_000 }],
		});
		const expired = (await generate(base, { prompt: 'd' })).json().images[0];
		const denied = await request('GET', expired);
		assert.equal(denied.status, 403);
		assert.equal(denied.headers['content-type'], 'application/xml');
		assert.equal(
			denied.text(),
			'<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>',
		);

		const flaky = (await generate(base, { prompt: 'd' })).json().images[0];
		assert.equal((await request('GET', flaky)).status, 500);
		assert.equal((await request('GET', flaky)).status, 200);

		const slow = (await generate(base, { prompt: 'd' })).json().images[0];
		const started = Date.now();
		const file = await request('GET', slow, { headers: { authorization: `Bearer ${KEY}` } });
		const elapsed = Date.now() - started;
		assert.equal(file.status, 200);
		assert.ok(
			elapsed >= (file.body.length / 60_000) * 1000 * 0.8,
			`throttled (${elapsed} ms for ${file.body.length} bytes)`,
		);

		assert.equal(
			(await request('GET', `${base}/files/0123abcd.png?X-Expires=1&X-Signature=00`)).status,
			404,
		);
		const tampered = flaky.replace(/X-Expires=\d+/, `X-Expires=${Date.now() + 10 ** 9}`);
		assert.equal((await request('GET', tampered)).status, 403);

		const records = emulator.downloads;
		assert.deepEqual(
			records.map((r) => r.status),
			[403, 500, 200, 200, 404, 403],
		);
		const leaked = records[3];
		assert.equal(leaked.authorizationPresent, true);
		assert.equal(leaked.headers.authorization, 'Bearer ***');
		assert.equal(records[2].headers.authorization, undefined);
		const stats = emulator.stats();
		assert.equal(stats.generated, 3);
		assert.equal(stats.downloaded, 2);
		assert.equal(stats.downloadsTotal, 6);
	});

	test('a client that gives up on a throttled download is not counted as downloaded', async () => {
		emulator.configure({ downloadBytesPerSecond: 20_000 });
		const link = (await generate(base, { prompt: 'throttled' })).json().images[0];
		await assert.rejects(request('GET', link, { timeoutMs: 150 }));
		await sleep(250);
		const [record] = emulator.downloads;
		assert.equal(record.status, 200);
		assert.equal(record.completed, false);
		assert.ok(record.bytesSent > 0 && record.bytesSent < 18_000, `sent ${record.bytesSent}`);
		assert.equal(emulator.stats().downloaded, 0);
	});

	test('latency, and a client that gives up during it: abandoned but paid', async () => {
		emulator.configure({ latencyMs: 300 });
		await assert.rejects(generate(base, { prompt: 'slow' }, AUTH, { timeoutMs: 50 }), {
			code: 'TIMEOUT',
		});
		await sleep(400);
		let stats = emulator.stats();
		assert.equal(stats.abandoned, 1);
		assert.equal(stats.generated, 1);
		assert.equal(stats.inFlight, 0);
		assert.equal(emulator.requests[0].abandoned, true);

		emulator.configure({ latencyMs: 0, faults: [{ kind: 'latency', ms: 150 }] });
		const started = Date.now();
		assert.equal((await generate(base, { prompt: 'slow' })).status, 200);
		assert.ok(Date.now() - started >= 140);
		stats = emulator.stats();
		assert.equal(stats.generated, 2);
		assert.equal(stats.generated - stats.downloaded, 2, 'paid but never downloaded');
	});

	test('hang keeps the request open until the client gives up', async () => {
		emulator.configure({ faults: ['hang'] });
		await assert.rejects(generate(base, { prompt: 'h' }, AUTH, { timeoutMs: 150 }), {
			code: 'TIMEOUT',
		});
		await sleep(50);
		const stats = emulator.stats();
		assert.equal(stats.interrupted, 1);
		assert.equal(stats.inFlight, 0);
		assert.equal(stats.generated, 0);
		assert.equal(emulator.requests[0].status, null);
	});

	test('imageBytes pads files to about that size, still valid', async () => {
		emulator.configure({ imageBytes: 8_000_000 });
		const link = (await generate(base, { prompt: 'heavy' })).json().images[0];
		const file = await request('GET', link);
		assert.ok(Math.abs(file.body.length - 8_000_000) < 200_000, `size ${file.body.length}`);
		assert.deepEqual(decodePng(file.body), { width: 2048, height: 2048, depth: 8, colour: 2 });
	});

	test('sample photos: /samples/<name>-<W>x<H>.png is a PNG of that size, no key, never a generation', async () => {
		const photo = await request('GET', `${base}/samples/product-1080x1350.png`);
		assert.equal(photo.status, 200);
		assert.equal(photo.headers['content-type'], 'image/png');
		assert.deepEqual(readImageInfo(photo.body), { format: 'png', width: 1080, height: 1350 });
		const again = await request('GET', `${base}/samples/product-1080x1350.png`);
		assert.ok(again.body.equals(photo.body));
		assert.deepEqual(readImageInfo((await request('GET', `${base}/samples/10x10.png`)).body), {
			format: 'png',
			width: 10,
			height: 10,
		});
		assert.equal((await request('GET', `${base}/samples/huge-9000x9000.png`)).status, 404);
		assert.equal((await request('GET', `${base}/samples/product.png`)).status, 404);
		const stats = emulator.stats();
		assert.equal(stats.samplesServed, 3);
		assert.equal(stats.requests, 0);
		assert.equal(emulator.requests.length, 0);
		assert.equal(emulator.downloads.length, 0);
	});

	test('control endpoints: config with faults, stats, requests, downloads, reset', async () => {
		const post = (path, body) => request('POST', `${base}/__emulator/${path}`, { body });
		const configured = await post('config', {
			latencyMs: 5,
			maxConcurrent: null,
			faults: [{ kind: '503', count: 1 }],
		});
		assert.equal(configured.status, 200);
		assert.equal(configured.json().apiKey, '***');
		assert.equal(configured.json().maxConcurrent, null); // Infinity travels as null
		assert.equal((await post('config', { nope: 1 })).status, 400);
		assert.equal((await post('config', { faults: [{ kind: 'teapot' }] })).status, 400);
		assert.equal((await generate(base, { prompt: 'c' })).status, 503);
		const link = (await generate(base, { prompt: 'c' })).json().images[0];
		await request('GET', link);
		const stats = (await request('GET', `${base}/__emulator/stats`)).json();
		assert.equal(stats.requests, 2);
		assert.equal(stats.byStatus['503'], 1);
		assert.equal(stats.downloaded, 1);
		const requests = (await request('GET', `${base}/__emulator/requests`)).json();
		assert.deepEqual(
			requests.map((r) => r.status),
			[503, 200],
		);
		const downloads = (await request('GET', `${base}/__emulator/downloads`)).json();
		assert.equal(downloads.length, 1);
		assert.equal((await post('reset')).status, 200);
		assert.equal(emulator.requests.length, 0);
		assert.equal(emulator.config.latencyMs, 0);
		assert.equal(emulator.stats().requests, 0);
		// Links stay valid across a reset; only the bookkeeping starts over.
		assert.equal((await request('GET', link)).status, 200);
	});
});

// ---------------------------------------------------------------------------------------------
// The Seedream family: each model's rules, written out here independently of models.js
// ---------------------------------------------------------------------------------------------

const ALL_FORMATS = { jpeg, png: (w, h) => encodePng(w, h), webp, bmp, gif, tiff };

/**
 * What each route must accept and refuse, as HighwayAPI documents it. Sizes come in pairs
 * [accepted, refused] one pixel column apart.
 */
const FAMILY = {
	'seedream-4.5': {
		presets: { '2K': [2048, 2048], '4K': [4096, 4096] },
		missingPresets: ['1K', '3K'],
		presetList: '"2K", "4K"',
		pixelRange: '[3686400, 16777216]',
		minSize: ['2560x1440', '2559x1440'], // 3,686,400 exactly
		maxSize: ['4096x4096', '4097x4096'], // 16,777,216 exactly
		ratioSizes: [
			['8192x512', '8193x512'],
			['512x8192', '512x8193'],
		],
		field: 'image',
		otherField: 'images',
		maxReferences: 14,
		formats: ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'],
		referenceRatio: {
			accepted: [
				[1000, 3000],
				[1000, 3500],
				[16000, 1000],
			],
			refused: [[1000, 16001]],
			range: '[1/16, 16]',
		},
		optimizeModes: { accepted: ['standard'], refused: ['fast'], expected: 'standard' },
	},
	'seedream-5.0-lite': {
		presets: { '2K': [2048, 2048], '3K': [3072, 3072] },
		missingPresets: ['1K', '4K'],
		presetList: '"2K", "3K"',
		pixelRange: '[3686400, 10404496]',
		minSize: ['2560x1440', '2559x1440'],
		// 10,404,496 has no factor pair within the ratio range: 7353x1415 is one pixel below it.
		maxSize: ['7353x1415', '7354x1415'],
		ratioSizes: [
			['8192x512', '8193x512'],
			['512x8192', '512x8193'],
		],
		field: 'image',
		otherField: 'images',
		maxReferences: 14,
		formats: ['jpeg', 'png', 'webp', 'bmp', 'tiff', 'gif'],
		referenceRatio: {
			accepted: [
				[1000, 3000],
				[1000, 3500],
				[16000, 1000],
			],
			refused: [[1000, 16001]],
			range: '[1/16, 16]',
		},
		optimizeModes: { accepted: ['standard'], refused: ['fast'], expected: 'standard' },
	},
	'seedream-4.0': {
		presets: { '1K': [1024, 1024], '2K': [2048, 2048], '4K': [4096, 4096] },
		missingPresets: ['3K'],
		presetList: '"1K", "2K", "4K"',
		pixelRange: '[1048576, 16777216]',
		minSize: ['1024x1024', '1023x1024'], // 1,048,576 exactly
		maxSize: ['4096x4096', '4097x4096'],
		ratioSizes: [
			['4096x256', '4097x256'],
			['256x4096', '256x4097'],
		],
		field: 'images',
		otherField: 'image',
		maxReferences: 10,
		formats: ['jpeg', 'png'],
		referenceRatio: {
			accepted: [
				[1000, 3000],
				[3000, 1000],
			],
			refused: [
				[1000, 3500],
				[3001, 1000],
			],
			range: '[1/3, 3]',
		},
		optimizeModes: {
			accepted: ['standard', 'fast'],
			refused: ['turbo'],
			expected: 'one of standard, fast',
		},
	},
};
const MODEL_IDS = Object.keys(FAMILY);

const generateOn = (base, model, body, headers = AUTH) =>
	request('POST', `${base}/v3/${model}`, { headers, body });

/** A ratio as the emulator's messages write it: 4 decimals at most, no trailing zeros. */
const ratioText = (w, h) => String(Number((w / h).toFixed(4)));

const invalid = (message) => ({ code: 400, reason: 'INVALID_REQUEST_BODY', message, metadata: {} });

describe('Seedream family: each model by its own rules', () => {
	const emulator = createEmulator({ apiKey: KEY });
	let base;

	before(async () => {
		base = await emulator.start();
	});
	after(() => emulator.stop());
	beforeEach(() => emulator.reset());

	/** Each body answers `status`; for 400s, `message` too. */
	async function expectAnswers(model, cases) {
		for (const [body, status, message] of cases) {
			const res = await generateOn(base, model, body);
			const label = `${model} ${JSON.stringify(body).slice(0, 100)}`;
			assert.equal(res.status, status, `${label}: ${res.text().slice(0, 200)}`);
			if (message !== undefined) assert.deepEqual(res.json(), invalid(message), label);
		}
	}

	for (const model of MODEL_IDS) {
		const rules = FAMILY[model];

		describe(model, () => {
			test('each preset is accepted (any case) and rendered at its pixels', async () => {
				for (const [preset, [width, height]] of Object.entries(rules.presets)) {
					for (const size of [preset, preset.toLowerCase()]) {
						const res = await generateOn(base, model, { prompt: `preset ${size}`, size });
						assert.equal(res.status, 200, `${size}: ${res.text()}`);
						const file = await request('GET', res.json().images[0]);
						assert.deepEqual(readImageInfo(file.body), { format: 'png', width, height }, size);
					}
				}
				const byDefault = await generateOn(base, model, { prompt: 'no size' });
				const file = await request('GET', byDefault.json().images[0]);
				assert.deepEqual(readImageInfo(file.body), { format: 'png', width: 2048, height: 2048 });
			});

			test(`presets it lacks (${rules.missingPresets.join(', ')}) are refused, naming its own`, async () => {
				const expected = `${model} takes ${rules.presetList} or "WxH" such as "2048x2048"`;
				await expectAnswers(model, [
					...rules.missingPresets.map((size) => [
						{ prompt: 'x', size },
						400,
						`size ${size}: ${expected}`,
					]),
					[{ prompt: 'x', size: 2048 }, 400, `size must be a string: ${expected}`],
				]);
				assert.equal(emulator.stats().generated, 0);
			});

			test(`WxH total pixels ${rules.pixelRange}: edges just inside and just outside`, async () => {
				const refused = (size) => {
					const [w, h] = size.split('x').map(Number);
					return `size ${size}: total pixels ${w * h} out of range ${rules.pixelRange} for ${model}`;
				};
				await expectAnswers(model, [
					[{ prompt: 'x', size: rules.minSize[0] }, 200],
					[{ prompt: 'x', size: rules.minSize[1] }, 400, refused(rules.minSize[1])],
					[{ prompt: 'x', size: rules.maxSize[0] }, 200],
					[{ prompt: 'x', size: rules.maxSize[1] }, 400, refused(rules.maxSize[1])],
				]);
				// Rendered at the requested size, not a preset's.
				const [width, height] = rules.minSize[0].split('x').map(Number);
				const edge = await generateOn(base, model, { prompt: 'edge', size: rules.minSize[0] });
				const file = await request('GET', edge.json().images[0]);
				assert.deepEqual(readImageInfo(file.body), { format: 'png', width, height });
			});

			test('size aspect ratio 1/16..16: edges both ways', async () => {
				const cases = [];
				for (const [inside, outside] of rules.ratioSizes) {
					const [w, h] = outside.split('x').map(Number);
					cases.push([{ prompt: 'x', size: inside }, 200]);
					cases.push([
						{ prompt: 'x', size: outside },
						400,
						`size ${outside}: aspect ratio ${ratioText(w, h)} out of range [1/16, 16]`,
					]);
				}
				await expectAnswers(model, cases);
			});

			test(`references in "${rules.field}": ${rules.maxReferences} accepted, ${rules.maxReferences + 1} refused`, async () => {
				const refs = (n) => Array.from({ length: n }, (_, i) => `https://example.com/${i}.png`);
				const { field, maxReferences: max } = rules;
				await expectAnswers(model, [
					[{ prompt: 'x', [field]: refs(1) }, 200],
					[{ prompt: 'x', [field]: refs(max) }, 200],
					[
						{ prompt: 'x', [field]: refs(max + 1) },
						400,
						`${field} has ${max + 1} entries; expected 1 to ${max} for ${model}`,
					],
					[
						{ prompt: 'x', [field]: [] },
						400,
						`${field} has 0 entries; expected 1 to ${max} for ${model}`,
					],
				]);
				assert.equal(emulator.requests[1].body[field].length, max);
			});

			test(`"${rules.otherField}" (another model's reference field) is refused, not ignored`, async () => {
				const png = encodePng(64, 48);
				await expectAnswers(model, [
					[
						{ prompt: 'x', [rules.otherField]: [dataUri(png, 'png')] },
						400,
						`${rules.otherField} is not a field of ${model}: send reference images as "${rules.field}"`,
					],
				]);
				// Even refused, a data URI is logged as its summary, never whole.
				const [logged] = emulator.requests[0].body[rules.otherField];
				assert.equal(logged.dataUri, true);
				assert.equal(logged.bytes, png.length);
			});

			test(`reference formats: ${rules.formats.join(', ')}`, async () => {
				const cases = Object.entries(ALL_FORMATS).map(([format, make]) =>
					rules.formats.includes(format)
						? [{ prompt: 'x', [rules.field]: [dataUri(make(40, 30), format)] }, 200]
						: [
								{
									prompt: 'x',
									[rules.field]: ['https://example.com/a.png', dataUri(make(40, 30), format)],
								},
								400,
								`${rules.field}[1]: unsupported format "${format}"; expected one of ${rules.formats.join(', ')}`,
							],
				);
				await expectAnswers(model, cases);
				assert.equal(emulator.stats().generated, rules.formats.length);
			});

			test(`reference aspect ratio ${rules.referenceRatio.range}`, async () => {
				const { accepted, refused, range } = rules.referenceRatio;
				await expectAnswers(model, [
					...accepted.map(([w, h]) => [
						{ prompt: 'x', [rules.field]: [dataUri(jpeg(w, h), 'jpeg')] },
						200,
					]),
					...refused.map(([w, h]) => [
						{ prompt: 'x', [rules.field]: [dataUri(jpeg(w, h), 'jpeg')] },
						400,
						`${rules.field}[0]: ${w}x${h}: aspect ratio ${ratioText(w, h)} out of range ${range}`,
					]),
				]);
			});

			test(`optimize_prompt_options.mode: ${rules.optimizeModes.accepted.join(', ')}`, async () => {
				const { accepted, refused, expected } = rules.optimizeModes;
				await expectAnswers(model, [
					...accepted.map((mode) => [{ prompt: 'x', optimize_prompt_options: { mode } }, 200]),
					...refused.map((mode) => [
						{ prompt: 'x', optimize_prompt_options: { mode } },
						400,
						`optimize_prompt_options.mode must be ${expected} for ${model}`,
					]),
				]);
			});

			test('image sets: references + max_images at most 15, common rules', async () => {
				const { field, maxReferences: max } = rules;
				const refs = Array.from({ length: max }, (_, i) => `https://example.com/${i}.png`);
				const set = (maxImages) => ({
					prompt: 'a set of 15 images',
					[field]: refs,
					sequential_image_generation: 'auto',
					sequential_image_generation_options: { max_images: maxImages },
				});
				await expectAnswers(model, [
					[set(15 - max), 200],
					[
						set(16 - max),
						400,
						`${max} reference images + max_images ${16 - max} = 16, more than 15`,
					],
					[
						{ prompt: 'x', sequential_image_generation_options: { max_images: 16 } },
						400,
						'sequential_image_generation_options.max_images must be an integer from 1 to 15',
					],
					[
						{ prompt: 'x', sequential_image_generation: 'on' },
						400,
						'sequential_image_generation must be one of auto, disabled',
					],
					[{ prompt: ' ' }, 400, 'prompt must not be blank'],
					[{ prompt: 'x', watermark: 'no' }, 400, 'watermark must be a boolean'],
				]);
				assert.equal(emulator.requests[0].imageIds.length, 15 - max);
			});
		});
	}

	test('each request records its model; stats count requests and images per model', async () => {
		await generateOn(base, 'seedream-4.0', {
			prompt: 'make 2 images',
			sequential_image_generation: 'auto',
		});
		await generateOn(base, 'seedream-5.0-lite', { prompt: 'one' });
		await generateOn(base, 'seedream-4.0', { prompt: 'x', image: ['https://example.com/a.png'] });
		await generateOn(base, 'seedream-4.5', { prompt: 'x' }, {});
		assert.deepEqual(
			emulator.requests.map((r) => [r.model, r.status]),
			[
				['seedream-4.0', 200],
				['seedream-5.0-lite', 200],
				['seedream-4.0', 400],
				['seedream-4.5', 401],
			],
		);
		const stats = emulator.stats();
		assert.deepEqual(stats.byModel, {
			'seedream-4.5': { requests: 1, generated: 0 },
			'seedream-5.0-lite': { requests: 1, generated: 1 },
			'seedream-4.0': { requests: 2, generated: 2 },
			'seedream-3-0-txt2img': { requests: 0, generated: 0 },
		});
		assert.equal(stats.requests, 4);
		assert.equal(stats.generated, 3);
		stats.byModel['seedream-4.0'].generated = 99; // a copy: the caller cannot change the counts
		assert.equal(emulator.stats().byModel['seedream-4.0'].generated, 2);
	});

	test('one concurrency budget for the account across all models', async () => {
		emulator.configure({ maxConcurrent: 1, latencyMs: 200 });
		const [first, second, third] = await Promise.all([
			generateOn(base, 'seedream-4.5', { prompt: 'one' }),
			sleep(50).then(() => generateOn(base, 'seedream-4.0', { prompt: 'two' })),
			sleep(50).then(() => generateOn(base, 'seedream-5.0-lite', { prompt: 'three' })),
		]);
		assert.deepEqual([first.status, second.status, third.status], [200, 429, 429]);
		assert.equal((await generateOn(base, 'seedream-4.0', { prompt: 'four' })).status, 200);
		assert.equal(emulator.stats().maxInFlight, 1);
	});

	test('unknown /v3 models are 404 naming the models served, and not recorded', async () => {
		for (const path of [
			'/v3/seedream-3.0',
			'/v3/seedream-5.0-pro',
			'/v3/constructor',
			'/v3/seedream-4.5/x',
		]) {
			const res = await request('POST', `${base}${path}`, { headers: AUTH, body: { prompt: 'x' } });
			assert.equal(res.status, 404, path);
			assert.equal(res.json().reason, 'NOT_FOUND');
			if (!path.endsWith('/x')) {
				assert.equal(
					res.json().message,
					`No route for POST ${path}; models served: seedream-4.5, seedream-5.0-lite, seedream-4.0, seedream-3-0-txt2img`,
				);
			}
		}
		assert.equal(emulator.requests.length, 0);
		assert.equal(emulator.stats().requests, 0);
	});

	test('MODELS: the rules the emulator enforces, exported read-only', () => {
		assert.equal(MODELS, require('./validation').MODELS);
		assert.deepEqual(Object.keys(MODELS), [...MODEL_IDS, TXT2IMG]);
		for (const id of MODEL_IDS) {
			const model = MODELS[id];
			const rules = FAMILY[id];
			assert.equal(model.id, id);
			assert.equal(model.path, `/v3/${id}`);
			assert.deepEqual(
				Object.fromEntries(
					Object.entries(model.size.presets).map(([k, v]) => [k, [v.width, v.height]]),
				),
				rules.presets,
			);
			assert.equal(`[${model.size.minPixels}, ${model.size.maxPixels}]`, rules.pixelRange);
			assert.equal(model.references.field, rules.field);
			assert.equal(model.references.max, rules.maxReferences);
			assert.deepEqual(model.references.formats, rules.formats);
			assert.deepEqual(model.optimizeModes, rules.optimizeModes.accepted);
			assert.ok(Object.isFrozen(model) && Object.isFrozen(model.size.presets));
		}
	});
});

const TXT2IMG = 'seedream-3-0-txt2img';

describe('Seedream 3.0 text-to-image: its own body and answer', () => {
	const emulator = createEmulator({ apiKey: KEY });
	let base;

	before(async () => {
		base = await emulator.start();
	});
	after(() => emulator.stop());
	beforeEach(() => emulator.reset());

	const post = (body) => generateOn(base, TXT2IMG, body);
	const download = async (link) => (await request('GET', link)).body;

	test('defaults: 1024x1024, a link in image_urls, binary_data_base64 empty, no usage', async () => {
		const res = await post({ prompt: 'a lighthouse' });
		assert.equal(res.status, 200, res.text());
		const answer = res.json();
		assert.deepEqual(Object.keys(answer), ['image_urls', 'binary_data_base64']);
		assert.equal(answer.image_urls.length, 1);
		assert.deepEqual(answer.binary_data_base64, []);
		assert.deepEqual(readImageInfo(await download(answer.image_urls[0])), {
			format: 'png',
			width: 1024,
			height: 1024,
		});
		const stats = emulator.stats();
		assert.deepEqual(stats.byModel[TXT2IMG], { requests: 1, generated: 1 });
		assert.equal(emulator.requests[0].model, TXT2IMG);
	});

	test('every documented field is accepted, at the edges of its range', async () => {
		for (const body of [
			{ size: '512x512', seed: -1, guidance_scale: 1 },
			{ size: '2048x2048', seed: 2147483647, guidance_scale: 10 },
			{ size: '512x2048', seed: 0, guidance_scale: 2.5, watermark: false },
			{ model: 'seedream-3-0-t2i-250415', response_format: 'url', watermark: true },
		]) {
			const res = await post({ prompt: 'edges', ...body });
			assert.equal(res.status, 200, `${JSON.stringify(body)}: ${res.text()}`);
		}
		const [width, height] = [512, 2048];
		const answer = (await post({ prompt: 'tall', size: `${width}x${height}` })).json();
		assert.deepEqual(readImageInfo(await download(answer.image_urls[0])), {
			format: 'png',
			width,
			height,
		});
	});

	test('out of range or of the wrong type: 400 saying which field and what it takes', async () => {
		const sizes = `${TXT2IMG} takes "WxH" with each side from 512 to 2048, such as "1024x1024"`;
		const cases = [
			[{}, 'prompt is required'],
			[{ prompt: '  ' }, 'prompt must not be blank'],
			[{ prompt: 'p', size: '511x512' }, `size 511x512: ${sizes}`],
			[{ prompt: 'p', size: '2049x1024' }, `size 2049x1024: ${sizes}`],
			[{ prompt: 'p', size: '2K' }, `size 2K: ${sizes}`],
			[{ prompt: 'p', size: 1024 }, `size must be a string: ${sizes}`],
			[{ prompt: 'p', seed: -2 }, 'seed must be an integer from -1 to 2147483647'],
			[{ prompt: 'p', seed: 2147483648 }, 'seed must be an integer from -1 to 2147483647'],
			[{ prompt: 'p', seed: 1.5 }, 'seed must be an integer from -1 to 2147483647'],
			[{ prompt: 'p', seed: '5' }, 'seed must be an integer from -1 to 2147483647'],
			[{ prompt: 'p', guidance_scale: 0.9 }, 'guidance_scale must be a number from 1 to 10'],
			[{ prompt: 'p', guidance_scale: 10.5 }, 'guidance_scale must be a number from 1 to 10'],
			[
				{ prompt: 'p', model: 'seedream-3-0' },
				`model must be seedream-3-0-t2i-250415 on ${TXT2IMG}`,
			],
			[{ prompt: 'p', watermark: 'no' }, 'watermark must be a boolean'],
			[{ prompt: 'p', response_format: 'png' }, 'response_format must be one of url, b64_json'],
		];
		for (const [body, message] of cases) {
			const res = await post(body);
			assert.equal(res.status, 400, JSON.stringify(body));
			assert.deepEqual(res.json(), invalid(message), JSON.stringify(body));
		}
		assert.equal(emulator.stats().generated, 0);
	});

	test('fields of the 4.5/5.0 family are refused, not ignored', async () => {
		const takes = 'it takes prompt, model, size, seed, guidance_scale, watermark, response_format';
		for (const [field, value] of [
			['image', ['https://example.com/a.png']],
			['images', ['https://example.com/a.png']],
			['sequential_image_generation', 'auto'],
			['sequential_image_generation_options', { max_images: 2 }],
			['optimize_prompt_options', { mode: 'standard' }],
		]) {
			const res = await post({ prompt: 'p', [field]: value });
			assert.equal(res.status, 400, field);
			assert.deepEqual(res.json(), invalid(`${field} is not a field of ${TXT2IMG}: ${takes}`));
		}
		const res = await post({ prompt: 'p', image: [dataUri(jpeg(20, 20))] });
		assert.equal(emulator.requests.at(-1).body.image[0].dataUri, true, 'logged as a summary');
		assert.equal(res.status, 400);
	});

	test('a fixed seed gives the same bytes for the same prompt and size; -1 new ones', async () => {
		const bytesOf = async (body) =>
			download((await post({ prompt: 'same', size: '512x512', ...body })).json().image_urls[0]);
		const [a, b] = [await bytesOf({ seed: 42 }), await bytesOf({ seed: 42 })];
		assert.ok(a.equals(b));
		assert.ok(!a.equals(await bytesOf({ seed: 43 })));
		assert.ok(!(await bytesOf({ seed: -1 })).equals(await bytesOf({ seed: -1 })));
		assert.ok(!(await bytesOf({})).equals(await bytesOf({})));
	});

	test('b64_json: base64 in binary_data_base64, image_urls empty, counted as received', async () => {
		const res = await post({
			prompt: 'inline',
			size: '640x512',
			seed: 7,
			response_format: 'b64_json',
		});
		assert.equal(res.status, 200);
		const answer = res.json();
		assert.deepEqual(answer.image_urls, []);
		assert.equal(answer.binary_data_base64.length, 1);
		const bytes = Buffer.from(answer.binary_data_base64[0], 'base64');
		assert.deepEqual(readImageInfo(bytes), { format: 'png', width: 640, height: 512 });
		const linked = (await post({ prompt: 'inline', size: '640x512', seed: 7 })).json();
		assert.ok(bytes.equals(await download(linked.image_urls[0])), 'the same image either way');
		assert.equal(emulator.stats().downloadedInline, 1);
	});

	test('faults, auth and rate limits apply as on the other routes', async () => {
		emulator.configure({ faults: ['500', 'empty-images', '429'] });
		assert.equal((await post({ prompt: 'f' })).status, 500);
		const empty = await post({ prompt: 'f' });
		assert.deepEqual(empty.json(), { image_urls: [], binary_data_base64: [] });
		assert.equal((await post({ prompt: 'f' })).status, 429);
		assert.equal((await post({ prompt: '[fault:no-balance]' })).status, 403);
		const noKey = await generateOn(base, TXT2IMG, { prompt: 'f' }, {});
		assert.equal(noKey.status, 401);
		assert.deepEqual(emulator.stats().byStatus, { 500: 1, 200: 1, 429: 1, 403: 1, 401: 1 });
	});

	test('the models list names it', async () => {
		const models = (await request('GET', `${base}/openai/v1/models`, { headers: AUTH })).json();
		assert.ok(models.data.some((model) => model.id === TXT2IMG));
	});
});

// ---------------------------------------------------------------------------------------------
// Tests with their own emulator
// ---------------------------------------------------------------------------------------------

test('per-minute limit uses a sliding window and says when a slot frees', async () => {
	let clock = 1_000_000;
	const emulator = createEmulator({ perMinute: 2, now: () => clock });
	const base = await emulator.start();
	try {
		const auth = { authorization: 'Bearer test-key' };
		assert.equal((await generate(base, { prompt: 'a' }, auth)).status, 200);
		clock += 20_000;
		assert.equal((await generate(base, { prompt: 'b' }, auth)).status, 200);
		clock += 10_500;
		const limited = await generate(base, { prompt: 'c' }, auth);
		assert.equal(limited.status, 429);
		assert.equal(limited.headers['retry-after'], '30'); // 29.5 s until the first admission ages out
		clock += 29_500;
		assert.equal((await generate(base, { prompt: 'c' }, auth)).status, 200);
		assert.equal((await generate(base, { prompt: 'd' }, auth)).status, 429);
		const stats = emulator.stats();
		assert.equal(stats.rateLimited, 2);
		assert.equal(stats.generated, 3);
	} finally {
		await emulator.stop();
	}
});

test('one per-minute budget for the account across all models; log lines name the route', async () => {
	let clock = 1_000_000;
	const lines = [];
	const emulator = createEmulator({ perMinute: 2, now: () => clock, logger: (l) => lines.push(l) });
	const base = await emulator.start();
	try {
		const auth = { authorization: 'Bearer test-key' };
		assert.equal((await generateOn(base, 'seedream-4.5', { prompt: 'a' }, auth)).status, 200);
		assert.equal((await generateOn(base, 'seedream-5.0-lite', { prompt: 'b' }, auth)).status, 200);
		const limited = await generateOn(base, 'seedream-4.0', { prompt: 'c' }, auth);
		assert.equal(limited.status, 429);
		assert.equal(limited.json().reason, 'RATE_LIMIT_EXCEEDED');
		clock += 60_000;
		assert.equal((await generateOn(base, 'seedream-4.0', { prompt: 'c' }, auth)).status, 200);
		assert.equal(emulator.stats().rateLimited, 1);
		await sleep(20); // log lines are written on 'close'
		assert.deepEqual(
			lines.map((line) => /^POST (\S+) -> (\d+)/.exec(line).slice(1).join(' ')),
			[
				'/v3/seedream-4.5 200',
				'/v3/seedream-5.0-lite 200',
				'/v3/seedream-4.0 429',
				'/v3/seedream-4.0 200',
			],
		);
	} finally {
		await emulator.stop();
	}
});

test('stop() closes hung requests and keep-alive sockets', async () => {
	const emulator = createEmulator({ faults: [{ kind: 'hang' }] });
	const base = await emulator.start();
	const pending = generate(base, { prompt: 'h' }, { authorization: 'Bearer test-key' });
	pending.catch(() => {});
	const agent = new http.Agent({ keepAlive: true });
	await new Promise((resolve, reject) => {
		http
			.get(`${base}/openai/v1/models`, { agent }, (res) => res.resume().on('end', resolve))
			.on('error', reject);
	});
	await sleep(50);
	const started = Date.now();
	await emulator.stop();
	assert.ok(Date.now() - started < 1000);
	await assert.rejects(pending);
	agent.destroy();
});

test('readImageInfo reads png, jpeg, gif, bmp, webp and tiff headers', () => {
	const le16 = (n) => [n & 0xff, n >> 8];
	const le32 = (n) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
	const gif = Buffer.from([...Buffer.from('GIF89a'), ...le16(300), ...le16(200), 0, 0, 0]);
	const bmp = Buffer.alloc(54);
	bmp.write('BM', 0, 'latin1');
	bmp.writeUInt32LE(40, 14);
	bmp.writeInt32LE(640, 18);
	bmp.writeInt32LE(-480, 22); // top-down rows
	const riff = (chunk, payload) =>
		Buffer.concat([
			Buffer.from('RIFF'),
			Buffer.from(le32(4 + 8 + payload.length)),
			Buffer.from('WEBP'),
			Buffer.from(chunk),
			Buffer.from(le32(payload.length)),
			payload,
		]);
	const vp8 = riff(
		'VP8 ',
		Buffer.from([0x30, 0x01, 0x00, 0x9d, 0x01, 0x2a, ...le16(1024), ...le16(768), 0, 0]),
	);
	const bits = (1920 - 1) | ((1080 - 1) << 14);
	const vp8l = riff('VP8L', Buffer.from([0x2f, ...le32(bits), 0]));
	const vp8x = riff(
		'VP8X',
		Buffer.from([
			0,
			0,
			0,
			0,
			4999 & 0xff,
			(4999 >> 8) & 0xff,
			0,
			2999 & 0xff,
			(2999 >> 8) & 0xff,
			0,
		]),
	);
	const tiff = (little) => {
		const b = Buffer.alloc(8 + 2 + 2 * 12 + 4);
		const u16 = (v, at) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
		const u32 = (v, at) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
		b.write(little ? 'II' : 'MM', 0, 'latin1');
		u16(42, 2);
		u32(8, 4);
		u16(2, 8);
		u16(256, 10); // ImageWidth, SHORT
		u16(3, 12);
		u32(1, 14);
		u16(1500, 18);
		u16(257, 22); // ImageLength, LONG
		u16(4, 24);
		u32(1, 26);
		u32(70000, 30);
		return b;
	};
	assert.deepEqual(readImageInfo(encodePng(17, 19)), { format: 'png', width: 17, height: 19 });
	assert.deepEqual(readImageInfo(jpeg(4000, 3000)), {
		format: 'jpeg',
		width: 4000,
		height: 3000,
	});
	assert.deepEqual(readImageInfo(gif), { format: 'gif', width: 300, height: 200 });
	assert.deepEqual(readImageInfo(bmp), { format: 'bmp', width: 640, height: 480 });
	assert.deepEqual(readImageInfo(vp8), { format: 'webp', width: 1024, height: 768 });
	assert.deepEqual(readImageInfo(vp8l), { format: 'webp', width: 1920, height: 1080 });
	assert.deepEqual(readImageInfo(vp8x), { format: 'webp', width: 5000, height: 3000 });
	assert.deepEqual(readImageInfo(tiff(true)), { format: 'tiff', width: 1500, height: 70000 });
	assert.deepEqual(readImageInfo(tiff(false)), { format: 'tiff', width: 1500, height: 70000 });
	assert.equal(readImageInfo(Buffer.from('not an image')), null);
	assert.equal(readImageInfo(jpeg(10, 10).subarray(0, 12)), null); // truncated before SOF
});

test('cli options', () => {
	assert.deepEqual(
		optionsFromArgs([
			'--port',
			'0',
			'--key',
			'k',
			'--latency',
			'25',
			'--max-concurrent',
			'2',
			'--per-minute',
			'30',
			'--shape',
			'b64_json',
		]),
		{
			help: false,
			verbose: false,
			port: 0,
			config: {
				apiKey: 'k',
				latencyMs: 25,
				maxConcurrent: 2,
				perMinute: 30,
				resultShape: 'b64_json',
			},
		},
	);
	assert.equal(optionsFromArgs([]).port, 8787);
});
