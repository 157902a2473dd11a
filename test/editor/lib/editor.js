'use strict';
// What a user does in n8n's editor (2.41.x), as playwright-core steps. The selectors are n8n's own
// data-test-id attributes (the ones n8n's Playwright suite uses), read from the running editor.
const fs = require('node:fs');
const path = require('node:path');

const { chromium, selectors } = require('playwright-core');

const { restSession } = require('../../e2e/lib/rest');

selectors.setTestIdAttribute('data-test-id'); // n8n's attribute; getByTestId() reads it

const LAUNCH_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);
const WAIT = 20_000;

/** The owner's login cookie (the account made through n8n's REST API), for the browser. */
async function ownerCookie(url) {
	const { cookie } = await restSession(url, {
		email: 'owner@example.com',
		firstName: 'Editor',
		lastName: 'Test',
		password: 'Editor-test-1',
	});
	const at = cookie.indexOf('=');
	return { name: cookie.slice(0, at), value: cookie.slice(at + 1), url };
}

/**
 * Chromium at `executablePath` (never a browser playwright would download), logged in to n8n at
 * `url`. Requests that leave the machine are refused and counted in `blocked`.
 */
async function openEditor({ executablePath, url, viewport = { width: 1280, height: 800 } }) {
	const cookie = await ownerCookie(url);
	const browser = await chromium.launch({ executablePath, args: LAUNCH_ARGS });
	const context = await browser.newContext({ viewport });
	await context.addCookies([cookie]);
	const blocked = [];
	await context.route('**/*', (route) => {
		const target = new URL(route.request().url());
		if (LOOPBACK.has(target.hostname)) return route.continue();
		blocked.push(target.origin);
		return route.abort();
	});
	const page = await context.newPage();
	page.setDefaultTimeout(WAIT);
	page.on('dialog', (dialog) => dialog.accept()); // "leave this page?" when moving on from a workflow
	return { browser, page, blocked };
}

/** Saves a screenshot of the page (or of `locator`) as `<dir>/<name>.png` in each of `dirs`. */
async function screenshot(page, dirs, name, locator) {
	const toasts = page.locator('.el-notification');
	for (const close of await toasts.locator('.el-notification__closeBtn:visible').all())
		await close.click();
	await toasts
		.first()
		.waitFor({ state: 'hidden', timeout: 3000 })
		.catch(() => {}); // they fade out
	const [first, ...rest] = dirs;
	fs.mkdirSync(first, { recursive: true });
	const file = path.join(first, `${name}.png`);
	await (locator ?? page).screenshot({ path: file });
	for (const dir of rest) {
		fs.mkdirSync(dir, { recursive: true });
		fs.copyFileSync(file, path.join(dir, `${name}.png`));
	}
	return file;
}

/** A new workflow with a Manual Trigger, added the way a user adds a first step. */
async function newWorkflowWithTrigger(page, url) {
	await page.goto(`${url}/workflow/new`);
	await page.getByTestId('canvas-plus-button').click({ timeout: 90_000 }); // first load ~10-20 s
	await page.getByText('Trigger manually', { exact: true }).click();
	await page.getByTestId('canvas-node').first().waitFor();
	await page.keyboard.press('Escape');
}

/**
 * Opens the nodes panel fresh (a panel left open is closed first) from the + after the trigger
 * (`from: 'node'`, the common way) or the + at the canvas's top right (`from: 'canvas'`): both
 * say "What happens next?" once there is a trigger. Returns the panel's title.
 */
async function openNodesPanel(page, { from = 'node' } = {}) {
	const header = page.locator('[data-test-id="nodes-list-header"]:visible');
	for (let tries = 0; tries < 3 && (await header.count()); tries++)
		await page.keyboard.press('Escape');
	const plus =
		from === 'node'
			? page.getByTestId('canvas-handle-plus').first()
			: page.getByTestId('node-creator-plus-button');
	await plus.click();
	await header.first().waitFor();
	return (await header.first().innerText()).split('\n')[0].trim();
}

const NOTHING = 'zzqxjw'; // a search no node matches

/**
 * Types `term` into the nodes panel's search and returns the names it lists, or [] for n8n's
 * "No results". It first searches for nothing, so the list read is this term's, not the last one's.
 */
async function searchNodes(page, term) {
	const search = page.getByTestId('node-creator-search-bar');
	const noResults = page.getByTestId('node-creator-no-results');
	await search.fill(NOTHING);
	await noResults.getByText(NOTHING).waitFor();
	await search.fill(term);
	await noResults.getByText(NOTHING).waitFor({ state: 'detached' });
	const names = page.getByTestId('node-creator-item-name');
	let last = null;
	for (let reads = 0; reads < 10; reads++) {
		const now = (await noResults.count())
			? []
			: (await names.allInnerTexts()).map((name) => name.trim());
		if (last && now.join('\n') === last.join('\n')) return now;
		last = now;
		await page.waitForTimeout(200);
	}
	return last;
}

/** A parameter of the open node by its internal name: label, input and hint (the innermost item). */
function parameter(page, name) {
	return page
		.locator('.parameter-item')
		.filter({ has: page.getByTestId(`parameter-input-${name}`) })
		.last();
}

/** What the parameter shows: the text of a select or input, or on/off for a switch. */
async function shownValue(page, name) {
	const input = page.getByTestId(`parameter-input-${name}`);
	const field = input.locator('input, textarea').first();
	if (await input.locator('.el-switch').count()) {
		return (await input.locator('.el-switch').getAttribute('class')).includes('is-checked')
			? 'on'
			: 'off';
	}
	return field.inputValue();
}

/** What each parameter of `names` shows, as { name: shown value }. */
async function shownValues(page, names) {
	const shown = {};
	for (const name of names) shown[name] = await shownValue(page, name);
	return shown;
}

/** Picks `option` in the options parameter `name`. */
async function choose(page, name, option) {
	await page.getByTestId(`parameter-input-${name}`).click();
	await page
		.locator('.el-select-dropdown__item:visible')
		.getByText(option, { exact: true })
		.click();
}

/** Types `value` into the string or number parameter `name`. */
async function type(page, name, value) {
	const field = page.getByTestId(`parameter-input-${name}`).locator('input, textarea').first();
	await field.fill(String(value));
	await field.blur();
}

/** Text elements under `root` whose text is wider than their box (shown with "…"). */
function cutOffTexts(root) {
	return root.evaluate((element) =>
		[...element.querySelectorAll('*')]
			.filter(
				(node) => node.children.length === 0 && node.textContent.trim() && node.clientWidth > 0,
			)
			.filter((node) => node.scrollWidth > node.clientWidth + 1)
			.map(
				(node) =>
					`"${node.textContent.trim()}" (${node.scrollWidth}px of text in ${node.clientWidth}px)`,
			),
	);
}

/** Workflow menu → Import → From file, as a user imports an example. */
async function importFromFile(page, url, file) {
	await page.goto(`${url}/workflow/new`);
	await page.getByTestId('workflow-menu').click({ timeout: 90_000 });
	await page.getByRole('menuitem', { name: 'Import', exact: true }).hover();
	const [chooser] = await Promise.all([
		page.waitForEvent('filechooser'),
		page.getByRole('menuitem', { name: 'From file' }).click(),
	]);
	await chooser.setFiles(file);
	await page.getByTestId('canvas-node').first().waitFor();
}

/** The canvas's nodes: name, type and whether n8n draws the "?" of a node type it does not know. */
function canvasNodes(page) {
	return page.getByTestId('canvas-node').evaluateAll((nodes) =>
		nodes.map((node) => ({
			name: node.getAttribute('data-node-name'),
			type: node.getAttribute('data-node-type'),
			unknown: [...node.querySelectorAll('[class*="nodeIconPlaceholder"]')].some(
				(icon) => icon.textContent.trim() === '?',
			),
		})),
	);
}

/**
 * Clicks "Execute workflow" and waits until `nodeName` shows success or an error. The button runs
 * from the selected trigger: n8n leaves chat triggers out of that choice (they have "Open chat"),
 * and offers a menu of triggers only when more than one other is left.
 */
async function executeWorkflow(page, nodeName, timeout = 120_000) {
	await page.getByTestId('execute-workflow-button').click();
	const node = page.locator(`[data-test-id="canvas-node"][data-node-name="${nodeName}"]`);
	const success = node.getByTestId('canvas-node-status-success');
	const error = node.getByTestId('canvas-node-status-error');
	await success.or(error).first().waitFor({ timeout });
	return (await success.count()) > 0 ? 'success' : 'error';
}

module.exports = {
	openEditor,
	screenshot,
	newWorkflowWithTrigger,
	openNodesPanel,
	searchNodes,
	parameter,
	shownValue,
	shownValues,
	choose,
	type,
	cutOffTexts,
	importFromFile,
	canvasNodes,
	executeWorkflow,
};
