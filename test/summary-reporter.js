// Writes the runner's own pass/fail counts to .reports/<name>.json so .ci/run can print one
// "tests: N passed, N failed" line over every suite it ran (unit, node, e2e, faults).
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

class SummaryReporter {
	constructor(globalConfig, options = {}) {
		this.name = options.name ?? process.env.TEST_REPORT_NAME ?? 'jest';
		this.rootDir = globalConfig.rootDir;
	}

	onRunComplete(_contexts, results) {
		const dir = join(this.rootDir, '.reports');
		mkdirSync(dir, { recursive: true });
		const summary = {
			suite: this.name,
			passed: results.numPassedTests,
			failed: results.numFailedTests + results.numRuntimeErrorTestSuites,
			skipped: results.numPendingTests + results.numTodoTests,
			total: results.numTotalTests,
		};
		writeFileSync(join(dir, `${this.name}.json`), `${JSON.stringify(summary, null, 2)}\n`);
	}
}

module.exports = SummaryReporter;
