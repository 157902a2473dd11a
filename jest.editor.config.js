/**
 * The editor test: the packed package installed into a real n8n 2.41.1, its editor driven in
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
