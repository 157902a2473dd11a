/**
 * End-to-end: the packed package installed into a real n8n 2.41.1 (provisioned by
 * scripts/provision-n8n.sh), workflows run headless with `n8n execute` against the emulator.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.e2e.test.js'],
	transform: {},
	testTimeout: 15 * 60 * 1000,
	maxWorkers: 1,
};
