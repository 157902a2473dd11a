/**
 * The fault suite and the soak: the node through n8n-core's real engine against the local
 * HighwayAPI emulator over real HTTP on 127.0.0.1 (no nock).
 */
const base = require('./jest.config');

module.exports = {
	...base,
	testMatch: ['<rootDir>/test/faults/**/*.test.ts'],
	setupFilesAfterEnv: [],
	testTimeout: 120000,
};
