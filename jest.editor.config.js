/**
 * The editor test: the packed package installed into the pinned real n8n, its editor driven in
 * Debian's Chromium with playwright-core (skipped when there is no Chromium, see
 * test/editor/lib/chromium.js).
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/editor'],
	testMatch: ['**/*.editor.test.js'],
	transform: {},
	testTimeout: 10 * 60 * 1000,
	maxWorkers: 1,
};
