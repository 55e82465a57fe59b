/** Fast suites: unit tests of lib/ and in-process node tests (workflow fixtures through n8n-core). */
module.exports = {
	testEnvironment: 'node',
	roots: ['<rootDir>/test'],
	testMatch: ['<rootDir>/test/unit/**/*.test.ts', '<rootDir>/test/node/**/*.test.ts', '<rootDir>/test/sandbox/**/*.test.ts'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.test.json' }] },
	globalSetup: '<rootDir>/test/global-setup.js',
	globalTeardown: '<rootDir>/test/global-teardown.js',
	testTimeout: 30000,
	reporters: ['default', ['<rootDir>/test/summary-reporter.js', { name: 'fast' }]],
};
