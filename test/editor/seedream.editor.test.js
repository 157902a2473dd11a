// The editor, as a user meets the node: n8n-nodes-seedream packed with `npm pack`, installed into a
// fresh pinned n8n as a community package, the HighwayAPI emulator behind the credential, and n8n's
// editor driven in Debian's Chromium (playwright-core, never a downloaded browser). Without a
// Chromium the tests are skipped; `npm test` says how to install one.
//
// The AI Agent example runs with its OpenAI Chat Model pointed at a scripted OpenAI-compatible mock
// (test/e2e/lib/openaiMock.js): one call of the Seedream tool, then a text answer.
//
// Screenshots go to .e2e/editor/; with SEEDREAM_README_SCREENSHOTS=<dir> (`npm run screenshots`)
// the ones the README shows are written there too.
const { randomBytes } = require('node:crypto');
const { mkdtempSync, readdirSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');

const { createEmulator } = require('../emulator/server');
const n8n = require('../e2e/lib/n8n');
const { readExample: readExampleFile, usesSamples } = require('../e2e/lib/examples');
const { createOpenAiMock } = require('../e2e/lib/openaiMock');
const { findChromium } = require('./lib/chromium');
const editor = require('./lib/editor');

const ROOT = path.resolve(__dirname, '../..');
const KEY = `editor-${randomBytes(12).toString('hex')}`;
const CREDENTIAL = { id: 'highway-emulator', name: 'HighwayAPI account' }; // what examples/*.json name
const SEARCH_TERMS = ['image', 'generate image', 'Seedream', 'ByteDance', 'HighwayAPI'];
const SHOTS = path.join(ROOT, '.e2e', 'editor');
const README_SHOTS = process.env.SEEDREAM_README_SCREENSHOTS;
const EXAMPLES_DIR = path.join(ROOT, 'examples');
const EXAMPLES = readdirSync(EXAMPLES_DIR).filter((file) => file.endsWith('.json'));
/** What the emulator makes for each example's request: the size of the first image. */
const EXPECTED_IMAGE = {
	'campaign-visuals.json': { property: 'data', width: 2848, height: 1600 }, // 16:9 at 2K
	'logo-mockup-from-binary.json': { property: 'mockup', width: 1728, height: 2304 }, // 3:4 at 2K
	'storyboard-image-set.json': { property: 'data', width: 2048, height: 2048 }, // "2K"
	'edit-product-photo.json': { property: 'data', width: 1856, height: 2320 }, // 1080x1350 matched at 2K
};
/**
 * Examples where Seedream is an AI Agent's tool: no image to look at, the agent's answer and the
 * tool's links instead. `toolCall` is what the scripted model asks the tool for.
 */
const AGENT_EXAMPLES = {
	'ai-agent-image-tool.json': {
		tool: 'Generate Images', // the tool the model calls; the example's other tool is Edit Image
		tools: ['Edit Image', 'Generate Images'],
		toolCall: {
			prompt: 'A courier cycling through a rainy city at night, 4 panels, same character and style',
			aspectRatio: '16:9',
			imageCount: 4,
		},
		size: '2848x1600', // 16:9 at 2K
	},
};
const log = (line) => process.stderr.write(`[editor] ${String(line).trimEnd()}\n`);

const chromiumPath = findChromium();
const describeWithBrowser = chromiumPath ? describe : describe.skip;

let emulator;
let emulatorUrl;
let openAi;
let tarball;
let instance;
let session;
let page;
const tempDirs = [];

/** Screenshot `name` into .e2e/editor/ and, for the README's, into SEEDREAM_README_SCREENSHOTS. */
const shot = (name, { readme = false, locator } = {}) =>
	editor.screenshot(
		page,
		readme && README_SHOTS ? [SHOTS, path.resolve(ROOT, README_SHOTS)] : [SHOTS],
		name,
		locator,
	);

/** The example, its sample photo links (if any) pointed at this test's emulator. */
const readExample = (file) => readExampleFile(file, { emulatorUrl });

/** The agent examples' OpenAI credentials (as the examples name them), pointed at the mock. */
function agentCredentials(openAiUrl) {
	const credentials = new Map();
	for (const file of Object.keys(AGENT_EXAMPLES)) {
		for (const node of readExample(file).nodes) {
			const credential = node.credentials?.openAiApi;
			if (credential) credentials.set(credential.id, credential);
		}
	}
	return [...credentials.values()].map((credential) => ({
		...credential,
		type: 'openAiApi',
		data: { apiKey: 'sk-mock', url: openAiUrl },
	}));
}

/**
 * Workflow menu → Import → From file, then checks the canvas shows the file's nodes, each of a
 * type n8n knows (no "?" node). Returns the example's JSON.
 */
async function importExample(url, file) {
	const workflow = readExample(file);
	let from = path.join(EXAMPLES_DIR, file);
	if (usesSamples(readExampleFile(file))) {
		// Its photo link names the emulator of `npm run dev`; this test's listens elsewhere.
		const dir = mkdtempSync(path.join(tmpdir(), 'seedream-example-'));
		tempDirs.push(dir);
		from = path.join(dir, file);
		writeFileSync(from, JSON.stringify(workflow, null, 2));
	}
	await editor.importFromFile(page, url, from);
	const nodes = await editor.canvasNodes(page);
	const byName = (a, b) => a.name.localeCompare(b.name);
	expect(nodes.map(({ name, type }) => ({ name, type })).sort(byName)).toEqual(
		workflow.nodes.map(({ name, type }) => ({ name, type })).sort(byName),
	);
	expect(nodes.filter((node) => node.unknown)).toEqual([]);
	return workflow;
}

describeWithBrowser(`the n8n editor in Chromium (${chromiumPath})`, () => {
	let url;

	beforeAll(async () => {
		const started = Date.now();
		rmSync(SHOTS, { recursive: true, force: true });
		emulator = createEmulator({ apiKey: KEY });
		emulatorUrl = await emulator.start();
		openAi = createOpenAiMock();
		const openAiUrl = await openAi.start();
		await n8n.ensureN8n({ log });
		tarball = await n8n.packPackage({ repoDir: ROOT, log });
		instance = await n8n.createInstance({
			tarball,
			log,
			env: {
				N8N_SECURE_COOKIE: 'false',
				// Offline: n8n's MCP server list and verified-package list are fetched from api.n8n.io.
				N8N_DISABLED_MODULES: 'mcp-registry',
				N8N_VERIFIED_PACKAGES_ENABLED: 'false',
			},
		});
		expect(instance.nodeType).toBe('n8n-nodes-seedream.seedream');
		await instance.importCredentials([
			{ ...CREDENTIAL, type: 'highwayApi', data: { apiKey: KEY, baseUrl: emulatorUrl } },
			...agentCredentials(openAiUrl),
		]);
		url = (await instance.startServer()).url;
		session = await editor.openEditor({ executablePath: chromiumPath, url });
		page = session.page;
		log(`n8n ${url} and Chromium ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
	});

	afterAll(async () => {
		await session?.browser.close();
		await instance?.cleanup();
		await emulator?.stop();
		await openAi?.stop();
		if (tarball) rmSync(path.dirname(tarball), { recursive: true, force: true });
		for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
		if (session?.blocked.length)
			log(`refused requests off this machine: ${[...new Set(session.blocked)].join(', ')}`);
		log(`screenshots in ${SHOTS}${README_SHOTS ? ` and ${README_SHOTS}` : ''}`);
	});

	describe('a new workflow', () => {
		beforeAll(async () => {
			await editor.newWorkflowWithTrigger(page, url);
		});

		test.each([
			['the + after the trigger', 'node'],
			["the canvas's + button", 'canvas'],
		])(
			`the nodes panel from %s ("What happens next?") finds Seedream for: ${SEARCH_TERMS.join(', ')}`,
			async (_, from) => {
				expect(await editor.openNodesPanel(page, { from })).toBe('What happens next?');
				const missed = [];
				for (const term of SEARCH_TERMS) {
					const names = await editor.searchNodes(page, term);
					if (!names.includes('Seedream'))
						missed.push(`"${term}" listed ${names.length ? names.join(', ') : 'no results'}`);
					if (term === 'Seedream' && from === 'node')
						await shot('nodes-panel-search', { readme: true });
				}
				expect(missed).toEqual([]);
			},
		);

		test('the AI panel lists Seedream among the AI nodes, and its search finds it for the same terms', async () => {
			await editor.openNodesPanel(page);
			await page.getByTestId('item-iterator-item').getByText('AI', { exact: true }).click();
			await page
				.locator('[data-test-id="nodes-list-header"]:visible')
				.getByText('AI Nodes', { exact: true })
				.waitFor();
			const listed = (await page.getByTestId('node-creator-item-name').allInnerTexts()).map(
				(name) => name.trim(),
			);
			const missed = [];
			for (const term of SEARCH_TERMS) {
				const names = await editor.searchNodes(page, term);
				if (!names.includes('Seedream'))
					missed.push(`"${term}" listed ${names.length ? names.join(', ') : 'no results'}`);
			}
			expect({ listed: listed.includes('Seedream'), missed }).toEqual({ listed: true, missed: [] });
		});

		test('added from the panel, it shows its parameters with their defaults and the ready credential', async () => {
			await editor.openNodesPanel(page);
			await editor.searchNodes(page, 'Seedream');
			await page
				.getByTestId('node-creator-item-name')
				.getByText('Seedream', { exact: true })
				.click();
			await shot('node-details');
			await page
				.getByTestId('node-creator-item-name')
				.getByText('Generate images', { exact: true })
				.click();
			await page.getByTestId('ndv').waitFor();

			await expect(
				page.getByTestId('node-credentials-select').locator('input').inputValue(),
			).resolves.toBe(CREDENTIAL.name);
			const shown = await editor.shownValues(page, [
				'resource',
				'operation',
				'model',
				'prompt',
				'referenceImages',
				'size',
				'watermark',
				'sequentialImageGeneration',
			]);
			expect(shown).toEqual({
				resource: 'Image',
				operation: 'Generate Images',
				model: 'Seedream 4.5',
				prompt: '',
				referenceImages: 'None',
				size: '2K (Model Picks the Aspect Ratio)',
				watermark: 'on',
				sequentialImageGeneration: 'Off (One Image)',
			});
			for (const hidden of [
				'binaryPropertyNames',
				'imageUrls',
				'aspectRatio',
				'resolution',
				'width',
				'height',
				'maxImages',
			]) {
				await expect(page.getByTestId(`parameter-input-${hidden}`).count()).resolves.toBe(0);
			}
		});

		test('switching Reference Images, Size and Image Set shows the dependent fields and their hints', async () => {
			// The hint is the visible text under the input (a description shows only as a tooltip).
			const hint = (name) => editor.parameter(page, name).innerText();

			await editor.choose(page, 'referenceImages', 'From Binary Data');
			await expect(editor.shownValue(page, 'binaryPropertyNames')).resolves.toBe('data');
			await expect(hint('binaryPropertyNames')).resolves.toMatch(
				/JPEG, PNG, WebP, BMP, TIFF or GIF.*up to 10 MB each/,
			);
			await editor.choose(page, 'referenceImages', 'From URLs');
			await page.getByTestId('parameter-input-imageUrls').waitFor();
			await expect(page.getByTestId('parameter-input-binaryPropertyNames').count()).resolves.toBe(
				0,
			);
			await editor.choose(page, 'referenceImages', 'None');

			await editor.choose(page, 'size', 'Aspect Ratio Preset');
			await expect(editor.shownValue(page, 'aspectRatio')).resolves.toBe('1:1');
			await expect(editor.shownValue(page, 'resolution')).resolves.toBe('2K');
			await editor.choose(page, 'size', 'Custom Width and Height');
			await expect(editor.shownValue(page, 'width')).resolves.toBe('2048');
			await expect(editor.shownValue(page, 'height')).resolves.toBe('2048');
			for (const side of ['width', 'height']) {
				await expect(hint(side)).resolves.toContain(
					'3,686,400 to 16,777,216 pixels in all, ratio 1:16 to 16:1',
				);
			}
			await expect(page.getByTestId('parameter-input-aspectRatio').count()).resolves.toBe(0);

			await editor.choose(page, 'sequentialImageGeneration', 'Auto (Related Images)');
			await expect(editor.shownValue(page, 'maxImages')).resolves.toBe('15');
			await expect(hint('maxImages')).resolves.toContain(
				"Reference images count toward the API's total of 15",
			);
			const prompt = page.getByTestId('parameter-input-prompt').locator('textarea');
			await prompt.fill('A red stunt kite over a windy beach');
			await prompt.blur(); // its focus tip would cover the next field
			await shot('parameters', { readme: true, locator: page.getByTestId('ndv') });
		});

		test('no label is cut off, in the parameters or among the options', async () => {
			const cut = [];
			await page.getByTestId('collection-parameter-add').click();
			const offered = page.locator('.el-select-dropdown__item:visible');
			await offered.first().waitFor();
			cut.push(...(await editor.cutOffTexts(page.locator('.el-select-dropdown:visible'))));
			const options = (await offered.allInnerTexts()).map((name) => name.trim());
			await page.keyboard.press('Escape');
			for (const option of options) {
				await page.getByTestId('collection-parameter-add').click();
				await page
					.locator('.el-select-dropdown__item:visible')
					.getByText(option, { exact: true })
					.click();
			}
			cut.push(...(await editor.cutOffTexts(page.getByTestId('node-parameters'))));
			expect(options.length).toBeGreaterThanOrEqual(10);
			expect(cut).toEqual([]);
		});

		test("a custom 1000x1000 size stops with the node's own error, before any request", async () => {
			await editor.choose(page, 'sequentialImageGeneration', 'Off (One Image)');
			await editor.type(page, 'width', 1000);
			await editor.type(page, 'height', 1000);
			emulator.reset();
			await page.getByTestId('node-execute-button').click();
			const error = page
				.getByTestId('output-panel')
				.getByText(/1000x1000/)
				.first();
			await error.waitFor({ timeout: 60_000 });
			const text = await page.getByTestId('output-panel').innerText();
			expect(text).toContain('Size 1000x1000 has 1,000,000 pixels');
			expect(emulator.requests).toHaveLength(0);
			await page.getByTestId('node-execute-button').getByText('Execute step').waitFor();
			await shot('bad-input-error', { locator: page.getByTestId('ndv') });
		});

		test('searching "edit image" lists Seedream with its Edit Image action, which opens the node with Edit Image and Match Input Image', async () => {
			await page.keyboard.press('Escape'); // the node left open above
			await page.getByTestId('ndv').waitFor({ state: 'hidden' });
			await editor.openNodesPanel(page, { from: 'canvas' });
			const found = await editor.searchNodes(page, 'edit image');
			expect(found).toContain('Seedream');
			await shot('edit-image-search', { readme: true });
			await page
				.getByTestId('node-creator-item-name')
				.getByText('Seedream', { exact: true })
				.click();
			const edit = page.getByTestId('node-creator-item-name').getByText('Edit image', { exact: true });
			await edit.waitFor();
			const actions = (await page.getByTestId('node-creator-item-name').allInnerTexts()).map(
				(name) => name.trim(),
			);
			expect(actions).toEqual(expect.arrayContaining(['Edit image', 'Generate images']));
			await page.waitForTimeout(800); // the actions slide in
			await shot('edit-image-actions', { readme: true });
			await edit.click();
			await page.getByTestId('ndv').waitFor();

			const shown = await editor.shownValues(page, [
				'operation',
				'model',
				'prompt',
				'referenceImages',
				'binaryPropertyNames',
				'size',
				'resolution',
			]);
			expect(shown).toEqual({
				operation: 'Edit Image',
				model: 'Seedream 4.5',
				prompt: '',
				referenceImages: 'From Binary Data',
				binaryPropertyNames: 'data',
				size: 'Match Input Image',
				resolution: '2K',
			});
			for (const hidden of ['aspectRatio', 'width', 'height', 'imageUrls']) {
				await expect(page.getByTestId(`parameter-input-${hidden}`).count()).resolves.toBe(0);
			}
			const prompt = page.getByTestId('parameter-input-prompt').locator('textarea');
			await prompt.fill('Put the bottle on a wooden table at a beach at sunset; keep the label as it is');
			await prompt.blur();
			await shot('edit-image-parameters', { readme: true, locator: page.getByTestId('ndv') });
			await page.keyboard.press('Escape');
		});
	});

	describe('the credential dialog', () => {
		test('tests the key: says what to check for a wrong one, passes with the emulator key', async () => {
			await page.goto(`${url}/home/credentials/create`); // Overview → Create credential
			await page.getByTestId('new-credential-type-select').locator('input').fill('HighwayAPI');
			await page
				.getByTestId('new-credential-type-select-option')
				.getByText('HighwayAPI API', { exact: true })
				.click();
			await page.getByTestId('new-credential-type-button').click();
			const dialog = page.getByTestId('editCredential-modal');
			await expect(dialog.getByTestId('credential-name').innerText()).resolves.toMatch(
				/^HighwayAPI account/,
			);
			await dialog.getByTestId('parameter-input-apiKey').locator('input').fill('not-the-key');
			await dialog.getByTestId('parameter-input-baseUrl').locator('input').fill(emulatorUrl);
			await dialog.getByTestId('credential-save-button').click();
			await dialog.getByText('Couldn’t connect with these settings').waitFor({ timeout: 60_000 });
			await dialog.getByText('More details').click();
			await dialog.getByText('HighwayAPI did not accept this API Key (401)').waitFor();
			const text = await dialog.innerText();
			expect(text).toContain('Check that the whole key is pasted');
			expect(text).toContain('Base URL');
			await shot('credential-test-failed', { locator: dialog });

			await dialog.getByTestId('parameter-input-apiKey').locator('input').fill(KEY);
			await dialog.getByTestId('credential-save-button').click();
			await dialog.getByText('Connection tested successfully').waitFor({ timeout: 60_000 });
			await shot('credential-test-passed', { locator: dialog });
			await page.keyboard.press('Escape');
		});
	});

	describe.each(EXAMPLES.filter((file) => !AGENT_EXAMPLES[file]))('example %s', (file) => {
		test('imports from a file with every node known, runs, and shows the image in the Binary tab', async () => {
			const expected = EXPECTED_IMAGE[file];
			expect(expected).toBeDefined(); // a new example needs its expected image size above (or AGENT_EXAMPLES)
			const workflow = await importExample(url, file);

			const seedream = workflow.nodes.find(
				(node) => node.type === 'n8n-nodes-seedream.seedream',
			).name;
			emulator.reset();
			const outcome = await editor.executeWorkflow(page, seedream);
			expect(outcome).toBe('success');
			expect(emulator.requests.length).toBeGreaterThan(0);

			await page.locator(`[data-test-id="canvas-node"][data-node-name="${seedream}"]`).dblclick();
			const output = page.getByTestId('output-panel');
			await output.getByTestId('radio-button-binary').click();
			await output.getByText(expected.property, { exact: true }).first().waitFor();
			await output.getByRole('button', { name: 'View' }).first().click();
			const image = output.locator('img[src*="/rest/binary-data"]');
			await image.waitFor();
			await page.waitForFunction(
				(element) => element.complete && element.naturalWidth > 0,
				await image.elementHandle(),
			);
			const size = await image.evaluate((element) => ({
				width: element.naturalWidth,
				height: element.naturalHeight,
			}));
			expect(size).toEqual({ width: expected.width, height: expected.height });
			if (file === 'campaign-visuals.json')
				await shot('output-image', { readme: true, locator: page.getByTestId('ndv') });
			await page.keyboard.press('Escape');
		});
	});

	describe.each(Object.keys(AGENT_EXAMPLES))('example %s', (file) => {
		test('imports with every node known (the tool too), runs from the Manual Trigger, shows the answer and the tool links; nothing downloaded', async () => {
			const { tool, tools, toolCall, size } = AGENT_EXAMPLES[file];
			const workflow = await importExample(url, file);
			const named = (type) => workflow.nodes.find((node) => node.type === type).name;
			const toolNodes = workflow.nodes.filter((node) => node.type === 'n8n-nodes-seedream.seedreamTool');
			expect(toolNodes.map((node) => node.name).sort()).toEqual(tools);
			const agent = named('@n8n/n8n-nodes-langchain.agent');
			const manual = named('n8n-nodes-base.manualTrigger');
			const chat = named('@n8n/n8n-nodes-langchain.chatTrigger');
			const sample = named('n8n-nodes-base.set');
			const { chatInput } = Object.fromEntries(
				workflow.nodes
					.find((node) => node.name === sample)
					.parameters.assignments.assignments.map(({ name, value }) => [name, value]),
			);
			const canvasNode = (name) =>
				page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);
			const ran = async (name) =>
				(await canvasNode(name).getByTestId('canvas-node-status-success').count()) > 0;

			// The model calls the tool once, then answers with the links the tool gave it.
			let finalAnswer;
			openAi.script((turn) => {
				if (turn.toolResults.length === 0)
					return { toolCall: { name: tool.replace(/ /g, '_'), arguments: toolCall } };
				const links = turn.toolResults[0].output.match(/https?:[^"\s]+/g) ?? [];
				finalAnswer = `Here are your images:\n${links.join('\n')}\nThey expire in about 24 hours.`;
				return { text: finalAnswer };
			});
			emulator.reset();

			// "Execute workflow" runs from the selected trigger; n8n leaves chat triggers out of that
			// choice (they have "Open chat"), so with one other trigger there is nothing to pick: it
			// runs from the Manual Trigger, and the button offers no trigger menu ("from …").
			await page.getByTestId('workflow-chat-button').waitFor();
			await expect(page.getByTestId('execute-workflow-button').innerText()).resolves.toBe(
				'Execute workflow',
			);
			const outcome = await editor.executeWorkflow(page, agent, 180_000);
			await shot('agent-run');
			expect(outcome).toBe('success');
			const statuses = {};
			for (const name of [chat, manual, sample, agent, ...tools]) statuses[name] = await ran(name);
			expect(statuses).toEqual({
				[chat]: false,
				[manual]: true,
				[sample]: true,
				[agent]: true,
				// Only the tool the model called ran.
				...Object.fromEntries(tools.map((name) => [name, name === tool])),
			});

			// The model got the sample request and the tool; the tool's call reached the API.
			expect(openAi.turns).toHaveLength(2);
			expect(JSON.stringify(openAi.turns[0].body.input)).toContain(chatInput);
			expect(openAi.turns[0].tools.map((offered) => offered.name).sort()).toEqual(
				tools.map((name) => name.replace(/ /g, '_')),
			);
			expect(emulator.requests).toHaveLength(1);
			const [request] = emulator.requests;
			expect(request.body).toMatchObject({
				prompt: toolCall.prompt,
				size,
				sequential_image_generation_options: { max_images: toolCall.imageCount },
			});
			expect(request.imageIds.length).toBeGreaterThan(0);
			// In a tool run the node downloads nothing: the model gets links.
			expect(emulator.downloads).toEqual([]);

			// The agent's output panel: the model's final answer.
			await canvasNode(agent).dblclick();
			const output = page.getByTestId('output-panel');
			await output.filter({ hasText: 'They expire in about 24 hours.' }).waitFor();
			// The table view shows a line break as "\n".
			const answer = (await output.innerText()).replaceAll('\\n', '\n');
			expect(answer).toContain(finalAnswer);
			await shot('agent-output', { locator: page.getByTestId('ndv') });
			await page.keyboard.press('Escape');

			// The tool's output panel: its answer, a link per image made, and no Binary tab.
			await canvasNode(tool).dblclick();
			await output.filter({ hasText: request.imageIds.at(-1) }).waitFor();
			const shown = await output.innerText();
			const linked = [...shown.matchAll(/\/files\/([^./?\s]+)\.png\?X-Expires=/g)].map(
				(match) => match[1],
			);
			expect(linked).toEqual(request.imageIds);
			expect(shown).toContain(size);
			await output.getByTestId('radio-button-table').waitFor();
			await expect(output.getByTestId('radio-button-binary').count()).resolves.toBe(0);
			await shot('agent-tool-output', { locator: page.getByTestId('ndv') });
			await page.keyboard.press('Escape');
		});
	});
});
