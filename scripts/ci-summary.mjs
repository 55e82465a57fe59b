// Prints the closing line CI reads: the sum of the counts every test run wrote to .reports/.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

const dir = '.reports';
const reports = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : [];
let passed = 0;
let failed = 0;
for (const file of reports) {
	const report = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8'));
	// Only the runners' count files (test/summary-reporter.js); other reports (tables) live there too.
	if (typeof report.suite !== 'string' || !Number.isInteger(report.passed) || !Number.isInteger(report.failed)) continue;
	console.log(`${report.suite}: ${report.passed} passed, ${report.failed} failed, ${report.skipped} skipped`);
	passed += report.passed;
	failed += report.failed;
}
// A step that failed before its runner counted anything (lint, build) is a failure too.
failed += Number(process.argv[2] ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed`);
