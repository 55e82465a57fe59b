/**
 * Scale-out suites: n8n in queue mode (main + workers) on PostgreSQL and Redis servers started by
 * the suite (test/scale/servers.ts). Heavy; run by `npm run test:scale` and by .ci/run.
 */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/scale/**/*.scale.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	maxWorkers: 1,
	testTimeout: 1800000,
	reporters: ['default', ['<rootDir>/test/summary-reporter.js', { name: 'scale' }]],
};
