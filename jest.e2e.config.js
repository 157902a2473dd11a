/**
 * End-to-end: the packed package installed into the pinned real n8n (provisioned by
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
