/**
 * `npm run verify:live` only (scripts/verify-live.js starts it after asking): the live cases
 * through n8n-core's engine against HIGHWAY_BASE_URL, recorded. Not part of `npm test`.
 */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['<rootDir>/test/live/**/*.live.ts'],
	setupFilesAfterEnv: [],
	testTimeout: 20 * 60 * 1000,
};
