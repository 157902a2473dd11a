/** Unit tests: the node run through n8n-core's real execution engine, HTTP mocked with nock. */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/nodes/**/*.test.ts', '<rootDir>/test/credentials/**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.test.json' }] },
	setupFiles: ['<rootDir>/test/support/environment.js'],
	setupFilesAfterEnv: ['<rootDir>/test/support/nockLifecycle.ts'],
	testTimeout: 30000,
};
