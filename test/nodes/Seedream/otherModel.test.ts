/**
 * "Other (by route name)": a model the node has no row for, called on the route the user names
 * with the 4.5/5.0 family's body and only the checks every model shares; a 404 says the route
 * does not exist on this Base URL, a 400 carries the API's message and the advice that the model
 * may take other fields. Through n8n-core's engine, the network mocked.
 */
import nock from 'nock';

import { otherModel } from '../../../nodes/Seedream/helpers/otherModel';
import { captureApi, API_HOST } from '../../support/api';
import { runSeedream } from '../../support/engine';
import { unmatchedRequests } from '../../support/nockLifecycle';

const other = (route: string, parameters: Record<string, unknown> = {}) => ({
	model: 'other',
	modelRoute: route,
	prompt: 'a red kite',
	...parameters,
});

describe('Other (by route name): the request', () => {
	test('the family body goes to /v3/<route>; no list price, so no cost, but the images are counted', async () => {
		const api = captureApi({ path: '/v3/seedream-5.0-pro' });
		const result = await runSeedream({ parameters: other(' seedream-5.0-pro ') });
		expect(result.error).toBeUndefined();
		expect(api.requests[0].body).toEqual({
			prompt: 'a red kite',
			size: '2K',
			watermark: true,
			sequential_image_generation: 'disabled',
		});
		const json = result.items![0].json;
		expect(json.billedImages).toBe(1);
		expect(json).not.toHaveProperty('costUsd');
		expect(result.customData).toMatchObject({
			seedream_images_billed: '1',
			seedream_cost_usd: '0',
		});
	});

	test('the spending cap counts its images though their price is unknown', async () => {
		const api = captureApi({ path: '/v3/seedream-5.0-pro' });
		const result = await runSeedream({
			parameters: other('seedream-5.0-pro', { options: { maxImagesPerExecution: 1 } }),
			items: [{ json: {} }, { json: {} }],
		});
		expect(api.requests).toHaveLength(1);
		expect(result.error?.message).toMatch(/Max Images per Execution/i);
	});

	test('the widest known sizes: 1K to 4K presets and the union of the pixel ranges', () => {
		const rules = otherModel('x');
		expect(Object.keys(rules.presets)).toEqual(['1K', '2K', '3K', '4K']);
		expect(rules.pixels).toEqual([512 * 512, 4096 * 4096]);
		expect([rules.maxReferences, rules.imageSets, rules.usdPerImage]).toEqual([
			14,
			true,
			undefined,
		]);
		expect(rules.promptOptimizationModes).toEqual(['standard', 'fast']);
	});

	test.each([
		[{ size: '1K' }, { size: '1K' }],
		[{ size: '3K' }, { size: '3K' }],
		[{ size: 'custom', width: 600, height: 600 }, { size: '600x600' }],
		[{ size: 'aspectRatio', aspectRatio: '16:9', resolution: '4K' }, { size: '5504x3040' }],
		[
			{
				referenceImages: 'url',
				imageUrls: 'https://a.example/1.png',
				sequentialImageGeneration: 'auto',
				maxImages: 3,
			},
			{
				image: ['https://a.example/1.png'],
				sequential_image_generation: 'auto',
				sequential_image_generation_options: { max_images: 3 },
			},
		],
		[
			{ options: { promptOptimizationMode: 'fast' } },
			{ optimize_prompt_options: { mode: 'fast' } },
		],
	])('%j is sent as the family sends it', async (parameters, expected) => {
		const api = captureApi({ path: '/v3/seedream-9.0' });
		const result = await runSeedream({ parameters: other('seedream-9.0', parameters) });
		expect(result.error).toBeUndefined();
		expect(api.requests[0].body).toMatchObject(expected);
	});

	test.each([
		[
			'',
			'Model Route must be a route name such as seedream-5.0-pro (letters, digits, dots, dashes and underscores, after /v3/), found ""',
		],
		[
			'seedream 5',
			'Model Route must be a route name such as seedream-5.0-pro (letters, digits, dots, dashes and underscores, after /v3/), found "seedream 5"',
		],
		[
			'../openai/v1/models',
			'Model Route must be a route name such as seedream-5.0-pro (letters, digits, dots, dashes and underscores, after /v3/), found "../openai/v1/models"',
		],
		[
			'a/b',
			'Model Route must be a route name such as seedream-5.0-pro (letters, digits, dots, dashes and underscores, after /v3/), found "a/b"',
		],
	])('route %j is refused before any request', async (route, message) => {
		const result = await runSeedream({ parameters: other(route) });
		expect(unmatchedRequests()).toEqual([]);
		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.message).toBe(message);
	});

	test('only the shared checks: 15 references are refused, naming the route', async () => {
		const imageUrls = Array.from({ length: 15 }, (_, i) => `https://a.example/${i}.png`).join('\n');
		const result = await runSeedream({
			parameters: other('seedream-9.0', { referenceImages: 'url', imageUrls }),
		});
		expect(unmatchedRequests()).toEqual([]);
		expect(result.error?.message).toBe(
			'15 reference images; seedream-9.0 (by route name) accepts at most 14',
		);
	});
});

describe("Other (by route name): the API's answers", () => {
	test('404: the route does not exist on this Base URL, naming both', async () => {
		nock(API_HOST)
			.post('/v3/seedream-5.0-pro')
			.reply(404, {
				code: 404,
				reason: 'NOT_FOUND',
				message: 'No route for POST /v3/seedream-5.0-pro',
				metadata: {},
			});
		const result = await runSeedream({ parameters: other('seedream-5.0-pro') });
		expect(result.error?.message).toBe(
			`The route /v3/seedream-5.0-pro does not exist on ${API_HOST} (404): No route for POST /v3/seedream-5.0-pro`,
		);
		expect(result.error?.description).toBe(
			`POST ${API_HOST}/v3/seedream-5.0-pro answered 404: the model "seedream-5.0-pro" is not served there. ` +
				"Check Model Route against the model's reference page (the name after /v3/), or pick a model from the list. " +
				'Check that the Base URL in the HighwayAPI credential points at HighwayAPI (or a platform with the same API).',
		);
	});

	test('404 on a listed model names its route and the Base URL too', async () => {
		nock(API_HOST).post('/v3/seedream-3-0-txt2img').reply(404, 'Not Found');
		const result = await runSeedream({
			parameters: { model: 'seedream-3-0-txt2img', prompt: 'x' },
		});
		expect(result.error?.message).toMatch(
			new RegExp(
				`^The route /v3/seedream-3-0-txt2img does not exist on ${API_HOST.replace(/\./g, '\\.')} \\(404\\)`,
			),
		);
		expect(result.error?.description).not.toMatch(/Model Route/);
	});

	test("400: the API's message, and the advice that this model may take other fields", async () => {
		const message = 'sequential_image_generation is not a field of seedream-5.0-pro';
		nock(API_HOST)
			.post('/v3/seedream-5.0-pro')
			.reply(400, { code: 400, reason: 'INVALID_REQUEST_BODY', message, metadata: {} });
		const result = await runSeedream({ parameters: other('seedream-5.0-pro') });
		expect(result.error?.message).toBe(
			`Seedream rejected the request (400 INVALID_REQUEST_BODY): ${message}`,
		);
		expect(result.error?.description).toMatch(
			/^The model "seedream-5\.0-pro" was chosen by route name, so the node sent the body of the Seedream 4\.5\/5\.0 family and checked only what every model shares\. This model may take other fields/,
		);
	});

	test('400 on a listed model keeps the usual advice', async () => {
		nock(API_HOST)
			.post('/v3/seedream-4.5')
			.reply(400, {
				code: 400,
				reason: 'INVALID_REQUEST_BODY',
				message: 'size: bad',
				metadata: {},
			});
		const result = await runSeedream({ parameters: { prompt: 'x' } });
		expect(result.error?.description).toBe(
			'The API found the request invalid; the message above says which field.',
		);
	});
});
