// The node as a tool of n8n's own AI Agent, in the pinned real n8n: the packed package installed as
// a community package, examples/ai-agent-image-tool.json imported as it is, the OpenAI Chat Model
// node pointed at a scripted OpenAI-compatible mock (test/e2e/lib/openaiMock.js) and the tool's
// credential at the HighwayAPI emulator. The example's agent has two Seedream tools, Generate Images
// and Edit Image (a link and an instruction in, the image edited in its own shape). Both ways n8n runs tools: AI Agent 3.1 (n8n's default;
// each tool call a run of its own; model node 1.3, Responses API) and AI Agent 2.2 (tools called
// in-process; model node 1.2, chat completions). What is asserted is what the model received.
const { randomBytes } = require('node:crypto');
const { readFileSync, rmSync } = require('node:fs');
const path = require('node:path');

const { createEmulator } = require('../emulator/server');
const n8n = require('./lib/n8n');
const { createOpenAiMock } = require('./lib/openaiMock');

const ROOT = path.resolve(__dirname, '../..');
const KEY = `agent-${randomBytes(12).toString('hex')}`;
const log = (line) => process.stderr.write(`[agent] ${String(line).trimEnd()}\n`);
const example = JSON.parse(readFileSync(path.join(ROOT, 'examples', 'ai-agent-image-tool.json'), 'utf8'));

const TOOL = 'Generate Images';
/** The tools as the model sees them: n8n names a tool after its node, spaces as underscores. */
const TOOLS = { generate: 'Generate_Images', edit: 'Edit_Image' };
/** The example's credential of `type` ({ id, name }), to import with data pointing at a local server. */
const credentialOf = (type) => ({ ...example.nodes.find((node) => node.credentials?.[type]).credentials[type], type });

/** The example with the agent and model node at other versions, and tool options changed. */
function variant(name, { agent, model, toolOptions }) {
	const copy = JSON.parse(JSON.stringify(example));
	copy.id = undefined;
	copy.name = name;
	for (const node of copy.nodes) {
		if (node.type === '@n8n/n8n-nodes-langchain.agent' && agent) node.typeVersion = agent;
		if (node.type === '@n8n/n8n-nodes-langchain.lmChatOpenAi' && model) node.typeVersion = model;
		if (node.name === TOOL && toolOptions) node.parameters.options = { ...node.parameters.options, ...toolOptions };
	}
	return copy;
}

// One retry, and a 20 s timeout, so that a rate limit asking for 30 s ends the call at once
// (429s are waited out until the timeout, not counted) rather than after a minute.
const workflows = {
	'3.1': example,
	'3.1 one retry': variant('agent 3.1, one retry', { toolOptions: { maxRetries: 1, timeout: 20 } }),
	'2.2 one retry': variant('agent 2.2, one retry', { agent: 2.2, model: 1.2, toolOptions: { maxRetries: 1, timeout: 20 } }),
	'3.1 cap 2': variant('agent 3.1, cap 2', { toolOptions: { maxImagesPerExecution: 2 } }),
	'2.2 cap 2': variant('agent 2.2, cap 2', { agent: 2.2, model: 1.2, toolOptions: { maxImagesPerExecution: 2 } }),
};

/** 600 words that ask for a set of 6; one word in it appears nowhere else. */
const SET_PROMPT = [
	'A storyboard, a set of 6 images, 16:9, of a courier named ZEPHYRINE cycling through a rainy city at night:',
	...Array.from({ length: 580 }, (_, n) => ['neon', 'puddles', 'reflections', 'umbrella', 'tram', 'steam', 'alley', 'parcel'][n % 8]),
].join(' ');
const SET_ARGS = { prompt: SET_PROMPT, aspectRatio: '16:9', imageCount: 6 };

let emulator;
let mock;
let instance;
let tarball;
let defaultDescription;
let defaultEditDescription;
const ids = {};

beforeAll(async () => {
	emulator = createEmulator({ apiKey: KEY });
	const baseUrl = await emulator.start();
	mock = createOpenAiMock();
	const openAiUrl = await mock.start();
	await n8n.ensureN8n({ log });
	tarball = await n8n.packPackage({ repoDir: ROOT, log });
	({ DEFAULT_TOOL_DESCRIPTION: defaultDescription, DEFAULT_EDIT_TOOL_DESCRIPTION: defaultEditDescription } = require(
		path.join(ROOT, 'dist/nodes/Seedream/actions/tool.description.js'),
	));
	instance = await n8n.createInstance({ tarball, log });
	await instance.importCredentials([
		{ ...credentialOf('highwayApi'), data: { apiKey: KEY, baseUrl } },
		{ ...credentialOf('openAiApi'), data: { apiKey: 'sk-mock', url: openAiUrl } },
	]);
	const names = Object.keys(workflows);
	const imported = await instance.importWorkflows(names.map((name) => workflows[name]));
	names.forEach((name, index) => (ids[name] = imported[index]));
});

afterAll(async () => {
	await instance?.cleanup();
	await emulator?.stop();
	await mock?.stop();
	if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
});

/**
 * Runs a workflow in which the model calls `tool` once with `args`, then answers with a text
 * that quotes the tool result. Returns what the model received and what the API saw.
 */
async function converse(workflow, args, faults = [], tool = TOOLS.generate) {
	emulator.reset();
	emulator.configure({ faults });
	mock.script((turn) =>
		turn.toolResults.length === 0
			? { toolCall: { name: tool, arguments: args } }
			: { text: `Final answer. The tool said: ${turn.toolResults[0].output}` },
	);
	const result = await instance.execute(ids[workflow]);
	expect(JSON.stringify(result.execution) + result.stdout + result.stderr).not.toContain(KEY);
	const turns = mock.turns.slice();
	const toolResult = turns[1]?.toolResults[0]?.output;
	return { result, turns, toolResult, requests: emulator.requests.slice(), stats: emulator.stats() };
}

/** The agent's answer reached the end of the workflow: the model's last text, unchanged. */
function expectFinalAnswer(result, toolResult) {
	expect(result.ok).toBe(true);
	const [item] = n8n.nodeOutput(result.execution, 'AI Agent');
	expect(item.json.output).toBe(`Final answer. The tool said: ${toolResult}`);
}

describe.each([
	['3.1', '3.1', '3.1 one retry', '3.1 cap 2', "the tool runs in its own node run (n8n's default agent)"],
	['2.2', '2.2 one retry', '2.2 one retry', '2.2 cap 2', 'the tool is called in-process'],
])('AI Agent %s', (version, workflow, oneRetry, capTwo, how) => {
	log(`AI Agent ${version}: ${how}`);
	test('a set of 6 from a 600-word prompt: the model\'s arguments reach the API, the model gets links, nothing is downloaded', async () => {
		const { result, turns, toolResult, requests, stats } = await converse(workflow, SET_ARGS);

		// The model was shown both tools with their default descriptions and the example's arguments.
		expect(turns).toHaveLength(2);
		expect(turns[0].api).toBe(version === '3.1' ? 'responses' : 'chat');
		const offered = Object.fromEntries(turns[0].tools.map((tool) => [tool.name, tool]));
		expect(Object.keys(offered).sort()).toEqual([TOOLS.edit, TOOLS.generate]);
		expect(offered[TOOLS.generate].description).toBe(defaultDescription);
		expect(Object.keys(offered[TOOLS.generate].parameters.properties).sort()).toEqual(['aspectRatio', 'imageCount', 'prompt']);

		// Its call reached the API with its arguments.
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toEqual({
			prompt: SET_PROMPT,
			size: '2848x1600',
			watermark: true,
			sequential_image_generation: 'auto',
			sequential_image_generation_options: { max_images: 6 },
		});

		// Six images made and paid for; with Download Images at its default (on), none downloaded.
		expect(stats.generated).toBe(6);
		expect(stats.downloadsTotal).toBe(0);
		expect(stats.downloaded).toBe(0);

		// What the model read: six links to those images, compact, no base64, no prompt.
		log(`AI Agent ${version}: the model received this tool result (${toolResult.length} characters):\n${toolResult}`);
		expect(toolResult.length).toBeLessThan(3000);
		expect(toolResult).not.toContain('ZEPHYRINE');
		expect(toolResult).not.toMatch(/[A-Za-z0-9+/=]{200,}/);
		const [answer] = JSON.parse(toolResult);
		expect(answer.generated).toBe(6);
		expect(answer.images.map((image) => image.url.match(/\/files\/([^./?]+)\.png\?X-Expires=/)?.[1])).toEqual(requests[0].imageIds);
		for (const image of answer.images) expect(image).toEqual({ url: expect.any(String), size: '2848x1600', mimeType: 'image/png' });
		expect(answer.note).toMatch(/expire in about 24 hours/);

		expectFinalAnswer(result, toolResult);
	});

	test('Edit Image: the model hands a link and an instruction; the API gets the link and the matched size, the model the edited image', async () => {
		const photo = `${emulator.url}/samples/product-1080x1350.png`;
		const args = { imageUrl: photo, instruction: 'Make it winter: snow on the table, keep the bottle and its label' };
		const { result, turns, toolResult, requests, stats } = await converse(workflow, args, [], TOOLS.edit);

		const offered = Object.fromEntries(turns[0].tools.map((tool) => [tool.name, tool]));
		expect(offered[TOOLS.edit].description).toBe(defaultEditDescription);
		expect(Object.keys(offered[TOOLS.edit].parameters.properties).sort()).toEqual(['imageUrl', 'instruction']);

		// The node read the link's first bytes for its size (1080x1350), then sent the link as it is.
		expect(stats.samplesServed).toBe(1);
		expect(requests).toHaveLength(1);
		expect(requests[0].body).toEqual({
			prompt: args.instruction,
			size: '1856x2320',
			watermark: true,
			sequential_image_generation: 'disabled',
			image: [photo],
		});
		log(`AI Agent ${version}: Edit Image sent size ${requests[0].body.size} for the 1080x1350 link`);
		expect(stats.generated).toBe(1);
		expect(stats.downloadsTotal).toBe(0);

		// The model got the edited image's link, at the matched 4:5 size.
		log(`AI Agent ${version}: the model received this Edit Image result:\n${toolResult}`);
		const [answer] = JSON.parse(toolResult);
		expect(answer.generated).toBe(1);
		expect(answer.images).toEqual([{ url: expect.stringContaining(`/files/${requests[0].imageIds[0]}.png?X-Expires=`), size: '1856x2320', mimeType: 'image/png' }]);
		expect(toolResult).not.toContain('winter');
		expectFinalAnswer(result, toolResult);
	});

	test('a rate limit past the timeout: the model learns nothing was billed and when to call again', async () => {
		const faults = [{ kind: '429', retryAfter: 0 }, { kind: '429', retryAfter: 30 }];
		const { result, toolResult, requests, stats } = await converse(oneRetry, { prompt: 'a red kite' }, faults);

		expect(requests.map((request) => request.status)).toEqual([429, 429]);
		expect(stats.generated).toBe(0);
		expect(toolResult).toContain(
			'HighwayAPI rate limit still exceeded after 2 attempts in under a second: Rate limit exceeded. Nothing was generated or billed. Wait 30 seconds, then call again once.',
		);
		expectFinalAnswer(result, toolResult);
	});

	test('images made and paid, but the answer lost: the model learns a retry may pay twice', async () => {
		const args = { prompt: '[fault:reset-after-generate] a red kite' };
		const { result, toolResult, requests, stats } = await converse(oneRetry, args);

		expect(requests).toHaveLength(1);
		expect(stats.generated).toBe(1);
		expect(toolResult).toMatch(/The images may have been generated and billed anyway, so calling again may pay twice: ask the user before trying again/);
		expectFinalAnswer(result, toolResult);
	});

	test('a cap of 2 images per execution: the third call is refused unsent, and the model is told to stop', async () => {
		emulator.reset();
		emulator.configure({ faults: [] });
		const kites = ['red', 'blue', 'green'];
		mock.script((turn) =>
			turn.toolResults.length < kites.length
				? { toolCall: { name: TOOLS.generate, arguments: { prompt: `a ${kites[turn.toolResults.length]} kite` } } }
				: { text: `Final answer. The tool said last: ${turn.toolResults.at(-1).output}` },
		);
		const result = await instance.execute(ids[capTwo]);
		const outputs = mock.turns.at(-1).toolResults.map((one) => one.output);
		log(`AI Agent ${version}, cap 2: the model received\n${outputs.join('\n')}`);

		// Two images billed; the third call never reached the API.
		expect(emulator.stats().generated).toBe(2);
		expect(emulator.requests.map((request) => request.body.prompt)).toEqual(['a red kite', 'a blue kite']);
		expect(outputs).toHaveLength(3);
		expect(outputs[0]).toContain("The workflow's spending cap allows 1 more image(s) in this run.");
		expect(outputs[1]).toContain("The workflow's spending cap allows no more images in this run: do not call this tool again.");
		expect(outputs[2]).toContain(
			'Spending cap reached, not sent: Max Images per Execution is 2, this execution has had 2 image(s) billed by this node, and this request could bill 1 more',
		);
		expect(outputs[2]).toContain('do not call this tool again; tell the user the spending cap was reached');
		// The model's next message says so.
		expect(result.ok).toBe(true);
		const [item] = n8n.nodeOutput(result.execution, 'AI Agent');
		expect(item.json.output).toContain('Final answer. The tool said last: ');
		expect(item.json.output).toContain('Spending cap reached');
	});
});
