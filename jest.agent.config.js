/**
 * End-to-end with n8n's AI Agent: the packed package as a tool of the pinned real n8n's agent,
 * the OpenAI Chat Model node pointed at a scripted mock, the tool at the emulator.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.agent.test.js'],
	transform: {},
	testTimeout: 15 * 60 * 1000,
	maxWorkers: 1,
};
