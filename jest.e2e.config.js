/**
 * E2E suites: real n8n (the e2e/ runtime, started by test/e2e/n8n.ts) with the built pack installed
 * as a community package. One suite at a time: each starts its own n8n, which is heavy.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/e2e/**/*.e2e.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	maxWorkers: 1,
	// Starting n8n (imports, boot, activation) takes ~10-20 s; leave room for a slow CI machine.
	testTimeout: 120000,
	slowTestThreshold: 60,
	reporters: ['default', ['<rootDir>/test/summary-reporter.js', { name: 'e2e' }]],
};
