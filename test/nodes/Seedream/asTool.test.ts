/**
 * The node as an AI agent's tool, run through n8n-core's engine in both ways n8n runs tools:
 * in a run of its own (AI Agent 3.x, n8n's default) and in-process (AI Agent 2.x, the MCP
 * Server Trigger). What is asserted is what the model reads back: n8n passes it the output
 * items' JSON, or an error's message only. The tool is configured as in
 * examples/ai-agent-image-tool.json, so the example's $fromAI expressions are proven here too.
 */
import nock from 'nock';
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import example from '../../../examples/ai-agent-image-tool.json';
import { DEFAULT_TOOL_DESCRIPTION } from '../../../nodes/Seedream/actions/tool.description';
import { API_HOST, API_PATH } from '../../support/api';
import { dataUri, png } from '../../support/images';
import { unmatchedRequests } from '../../support/nockLifecycle';
import { readRepoFile } from '../../support/system';
import { runAsTool, TOOL_TYPE, type ToolRunKind } from '../../support/toolEngine';

const CDN_HOST = 'https://cdn.example.test';
const exampleTool = example.nodes.find((node) => node.type === TOOL_TYPE);
const toolParameters = exampleTool!.parameters as unknown as INodeParameters;

/** A presigned link as object storage signs it, about as long as the emulator's. */
const link = (name: string) =>
	`${CDN_HOST}/results/${name}.png?X-Expires=1796216079888&X-Signature=5b41b98a4a2aae4d5e41ee8e3e6ee7d8d7665c5f19e47924cb7022d184ceca`;

/** A prompt of `words` words with a word that appears nowhere else. */
const longPrompt = (words: number) =>
	['Storyboard', 'ZEPHYRINE', ...Array.from({ length: words - 2 }, (_, n) => `panel${n % 50}`)].join(' ');

/** Requests to the storage host would be downloads: this interceptor must stay unused. */
function forbidDownloads() {
	return nock(CDN_HOST).get(/.*/).times(20).reply(200, png(16, 16, 'never'));
}

/** The model's tool answer: n8n sends JSON of the items' JSON (or an error object). */
function answerOf(observation: string): IDataObject {
	const parsed = JSON.parse(observation) as IDataObject | IDataObject[];
	if (Array.isArray(parsed)) {
		expect(parsed).toHaveLength(1);
		return parsed[0];
	}
	return parsed;
}

test('the README quotes the default tool description as the model reads it', () => {
	const quoted = readRepoFile('README.md')
		.split('\n')
		.filter((line) => line.startsWith('> '))
		.map((line) => line.slice(2))
		.join(' ');
	expect(quoted).toContain(DEFAULT_TOOL_DESCRIPTION);
});

describe.each<[string, ToolRunKind]>([
	['in its own run, as AI Agent 3.x runs tools', 'ownRun'],
	['in-process, as AI Agent 2.x and the MCP Server Trigger call tools', 'inProcess'],
	['on a queue-mode worker, as it runs an MCP Server Trigger\'s tool call', 'mcpQueue'],
])('as a tool %s', (_label, kind) => {
	test('the model sees the default description and the arguments it can fill', async () => {
		nock(API_HOST).post(API_PATH).reply(200, { images: [link('one')] });
		const { call } = await runAsTool(kind, toolParameters, { prompt: 'a red kite' });
		expect(call?.toolName).toBe('Seedream');
		expect(call?.toolDescription).toBe(DEFAULT_TOOL_DESCRIPTION);
		expect(call?.arguments.sort()).toEqual(['aspectRatio', 'imageCount', 'prompt']);
	});

	test('with Always, a repeated call answers with the same links and says nothing was billed', async () => {
		const fresh = `${CDN_HOST}/results/reuse-${kind}.png?X-Expires=${Date.now() + 86_400_000}&X-Signature=abc`;
		const api = nock(API_HOST).post(API_PATH).reply(200, { images: [fresh] });
		// The reused link is checked (its first bytes read) before the model gets it.
		const probe = nock(CDN_HOST).get(/reuse-/).reply(200, png(64, 48, 'reused'));
		const parameters = { ...toolParameters, options: { reuseResults: 'always' } };
		const args = { prompt: `a red kite over ${kind}` };
		const first = answerOf((await runAsTool(kind, parameters, args)).call!.observation);
		expect(first).toMatchObject({ generated: 1, images: [{ url: fresh }] });
		expect(first.reused).toBeUndefined();
		expect(api.isDone()).toBe(true);

		const again = answerOf((await runAsTool(kind, parameters, args)).call!.observation);
		expect(probe.isDone()).toBe(true);
		expect(again).toEqual({
			generated: 1,
			reused: true,
			images: [{ url: fresh, size: '64x48', mimeType: 'image/png' }],
			note: expect.stringMatching(
				/^Nothing was billed for this call: these are the images of an identical earlier call, made at \d{4}-\d\d-\d\dT[\d:.]+Z\. Their links expire about 24 hours after that/,
			),
		});
	});

	test('nothing is downloaded, even with Download Images on; the model gets links, size and type', async () => {
		const downloads = forbidDownloads();
		const requests: IDataObject[] = [];
		nock(API_HOST)
			.post(API_PATH)
			.reply(200, (_uri, body) => {
				requests.push(body as IDataObject);
				return { images: [link('kite')] };
			});
		const parameters = { ...toolParameters, options: { downloadImages: true } };
		const { call } = await runAsTool(kind, parameters, { prompt: 'a red kite', aspectRatio: '16:9' });

		expect(requests).toEqual([
			{ prompt: 'a red kite', size: '2848x1600', watermark: true, sequential_image_generation: 'disabled' },
		]);
		expect(answerOf(call!.observation)).toEqual({
			generated: 1,
			images: [{ url: link('kite'), size: '2848x1600', mimeType: 'image/png' }],
			note: expect.stringMatching(/expire in about 24 hours.*billed/),
		});
		expect(downloads.isDone()).toBe(false);
	});

	test('a set of 6 with a 600-word prompt: under 3,000 characters, the prompt not repeated', async () => {
		const requests: IDataObject[] = [];
		nock(API_HOST)
			.post(API_PATH)
			.reply(200, (_uri, body) => {
				requests.push(body as IDataObject);
				return { images: [1, 2, 3, 4, 5, 6].map((n) => link(`set-${n}`)), usage: { generated_images: 6 } };
			});
		const prompt = longPrompt(600);
		const { call } = await runAsTool(kind, toolParameters, { prompt, aspectRatio: '9:16', imageCount: 6 });

		expect(requests[0]).toMatchObject({
			prompt,
			size: '1600x2848',
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 6 },
		});
		const observation = call!.observation;
		expect(observation.length).toBeLessThan(3000);
		expect(observation).not.toContain('ZEPHYRINE');
		const answer = answerOf(observation);
		expect(answer.generated).toBe(6);
		expect(answer.images).toHaveLength(6);
		expect(Object.keys(answer).sort()).toEqual(['generated', 'images', 'note']);
	});

	test('an image that failed is listed once with its reason; the others still reach the model', async () => {
		nock(API_HOST)
			.post(API_PATH)
			.reply(200, {
				images: [
					link('a'),
					{ error: { code: 'OutputImageSensitiveContentDetected', message: 'The output image may be sensitive' } },
					link('c'),
				],
			});
		const { call } = await runAsTool(kind, toolParameters, { prompt: 'three posters', imageCount: 3 });
		const answer = answerOf(call!.observation);
		expect(answer).toMatchObject({
			generated: 2,
			failed: [{ image: 2, reason: 'OutputImageSensitiveContentDetected: The output image may be sensitive' }],
		});
		expect(answer.note).toMatch(/^Failed images are not billed\./);
		expect((answer.images as IDataObject[]).map((image) => image.url)).toEqual([link('a'), link('c')]);
	});

	test('inline images: no base64 reaches the model, which learns size, type and why there is no link', async () => {
		const bytes = png(40, 30, 'inline-tool');
		nock(API_HOST).post(API_PATH).reply(200, { images: [dataUri(bytes)] });
		const { call } = await runAsTool(kind, toolParameters, { prompt: 'a small icon' });
		expect(call!.observation).not.toContain(bytes.toString('base64').slice(0, 40));
		const answer = answerOf(call!.observation);
		expect(answer).toMatchObject({ generated: 1, images: [{ size: '40x30', mimeType: 'image/png' }] });
		expect(answer.note).toMatch(/without a link.*billed: do not call again/);
	});

	test('a rate limit beyond the retries: nothing billed, and when to call again, in the message', async () => {
		nock(API_HOST)
			.post(API_PATH)
			.reply(429, { code: 429, reason: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' }, { 'Retry-After': '0' })
			.post(API_PATH)
			.reply(429, { code: 429, reason: 'RATE_LIMIT_EXCEEDED', message: 'Rate limit exceeded' }, { 'Retry-After': '2' });
		// 429s are waited out until the Timeout, not counted: a wait past it ends the request.
		const parameters = { ...toolParameters, options: { timeout: 1 } };
		const { call, toolTask } = await runAsTool(kind, parameters, { prompt: 'a kite' });
		expect(answerOf(call!.observation).error).toBe(
			'HighwayAPI rate limit still exceeded after 2 attempts in under a second: Rate limit exceeded. Nothing was generated or billed. Wait 2 seconds, then call again once.',
		);
		// In its own run the node fails visibly for the workflow's owner, with advice for people.
		if (kind === 'ownRun') expect(toolTask?.error?.description).toMatch(/start fewer at once, or raise Options → Timeout/);
	});

	test('an answer lost after the images were made: the model learns a retry may pay twice', async () => {
		nock(API_HOST).post(API_PATH).reply(200, '{"images":["https://cdn.example.test/res', {
			'Content-Type': 'application/json',
		});
		const { call } = await runAsTool(kind, toolParameters, { prompt: 'a kite' });
		const { error } = answerOf(call!.observation);
		expect(error).toMatch(/^Seedream sent an answer that could not be read\. /);
		expect(error).toMatch(/may have been generated and billed anyway, so calling again may pay twice: ask the user/);
	});

	test('arguments the model got wrong are refused before anything is sent, saying how to fix them', async () => {
		const { call } = await runAsTool(kind, toolParameters, { prompt: 'a kite', aspectRatio: '5:4' });
		expect(answerOf(call!.observation).error).toBe(
			'Unknown aspect ratio: expected one of 1:1, 4:3, 3:4, 16:9, 9:16, 3:2, 2:3, 21:9, found "5:4". Nothing was sent or billed: correct the arguments and call again.',
		);
		expect(unmatchedRequests()).toEqual([]);
	});
});
