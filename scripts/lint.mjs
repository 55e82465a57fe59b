// Lints the pack exactly as `@n8n/scan-community-package` (0.32) does before n8n lists a package:
// the same flat config, inline `eslint-disable` comments ignored, no config file of ours consulted.
// Two legs, like the scanner: the TypeScript sources (we add lib/, which ships inside dist/), and the
// built JavaScript that npm would publish. Run `npm run build` first so dist/ is current.
import { existsSync } from 'node:fs';
import { ESLint } from 'eslint';
import { defineConfig } from 'eslint/config';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import tsParser from '@typescript-eslint/parser';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';

// Copied rule-for-rule from the scanner's buildScanConfig (scanner/scanner.mjs).
const scanConfig = defineConfig(
	n8nCommunityNodesPlugin.configs.recommended,
	{ rules: { 'no-console': 'error' } },
	{ plugins: { 'n8n-nodes-base': n8nNodesPlugin } },
	{ files: ['package.json'], rules: { ...n8nNodesPlugin.configs.community.rules } },
	{
		files: ['**/credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['**/nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	// DESIGN.md's one exception: the MT5 session lives on a keep-alive connection n8n's helpers
	// cannot hold, so this single file imports http/https. The real scanner reports it; we accept that.
	{
		files: ['nodes/MetaTrader5/transport/connection.ts', 'dist/nodes/MetaTrader5/transport/connection.js'],
		rules: { '@n8n/community-nodes/no-restricted-imports': 'off' },
	},
	{ files: ['**/*.json'], languageOptions: { parser: tsParser } },
	{ files: ['**/*.ts'], languageOptions: { parser: tsParser } },
);

const legs = [
	{ name: 'sources', patterns: ['package.json', '{nodes,credentials,lib}/**/*.{js,ts,json}'] },
	{ name: 'built package', patterns: ['dist/**/*.js', 'package.json'] },
];

// `--sources` lints only the TypeScript leg (handy while dist/ is being rebuilt).
const sourcesOnly = process.argv.includes('--sources');
if (sourcesOnly) legs.pop();
else if (!existsSync('dist')) {
	console.error('dist/ is missing: run `npm run build` before `npm run lint`.');
	process.exit(1);
}

const eslint = new ESLint({
	cwd: process.cwd(),
	allowInlineConfig: false,
	overrideConfigFile: true,
	overrideConfig: scanConfig,
	errorOnUnmatchedPattern: false,
});
const formatter = await eslint.loadFormatter('stylish');

let errors = 0;
let warnings = 0;
for (const leg of legs) {
	const results = await eslint.lintFiles(leg.patterns);
	errors += results.reduce((n, r) => n + r.errorCount, 0);
	warnings += results.reduce((n, r) => n + r.warningCount, 0);
	const text = await formatter.format(results);
	if (text.trim()) console.log(`-- ${leg.name}\n${text}`);
	console.log(`lint ${leg.name}: ${results.length} files`);
}
console.log(`lint: ${errors} errors, ${warnings} warnings`);
process.exit(errors > 0 ? 1 : 0);
