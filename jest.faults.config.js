/**
 * The fault matrix (`npm run test:faults`): money-moving and account-creating templates in real n8n
 * under every fault the sandbox injects; prints a table of cases and outcomes with totals.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/faults/**/*.faults.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	maxWorkers: 1,
	testTimeout: 180000,
	reporters: ['default', ['<rootDir>/test/summary-reporter.js', { name: 'faults' }]],
};
