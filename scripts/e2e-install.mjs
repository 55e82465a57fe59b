#!/usr/bin/env node
// Installs the real-n8n runtime in e2e/ (n8n 2.8.x, ~2.3 GB, a few minutes) only when it is missing
// or its package.json / lock / .npmrc changed, so a fresh CI machine installs once and every later
// run reuses it. Usage: node scripts/e2e-install.mjs [--force]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const e2eDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'e2e');
const modulesDir = join(e2eDir, 'node_modules');
const markerFile = join(modulesDir, '.brokerage-e2e-install.json');
const force = process.argv.includes('--force');

// What the installed tree depends on: the manifest, the lock, the npm settings, and the Node ABI
// and platform (sqlite3 and friends are native builds).
function installHash() {
	const hash = createHash('sha256');
	for (const file of ['package.json', 'package-lock.json', '.npmrc']) {
		const path = join(e2eDir, file);
		hash.update(`${file}\0${existsSync(path) ? readFileSync(path) : ''}\0`);
	}
	hash.update(`${process.platform}-${process.arch}-abi${process.versions.modules}`);
	return hash.digest('hex');
}

// A marker only counts if the tree it describes still looks whole.
function isInstalled(hash) {
	if (!existsSync(markerFile)) return false;
	if (!existsSync(join(modulesDir, '.bin', 'n8n'))) return false;
	if (!existsSync(join(modulesDir, 'sqlite3', 'build', 'Release', 'node_sqlite3.node'))) return false;
	try {
		return JSON.parse(readFileSync(markerFile, 'utf8')).hash === hash;
	} catch {
		return false;
	}
}

// `npm run` exports the root project's config as npm_config_* (ignore_scripts=true from the root
// .npmrc, local_prefix=<root>, ...). Those would override e2e/.npmrc and even retarget the install
// at the root, so the child npm gets an environment without them.
function childEnv() {
	const env = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (/^npm_(config|lifecycle|package)_/.test(key) || key === 'npm_command' || key === 'INIT_CWD') continue;
		env[key] = value;
	}
	env.SCARF_ANALYTICS = 'false'; // a dependency's install-time telemetry; also denied in allowScripts
	return env;
}

const hash = installHash();
if (!force && isInstalled(hash)) {
	console.log('e2e runtime: up to date (e2e/node_modules matches the lock)');
	process.exit(0);
}

const hasLock = existsSync(join(e2eDir, 'package-lock.json'));
// npm ci for a reproducible tree; npm install only to create a missing lock.
const args = hasLock ? ['ci'] : ['install'];
args.push('--ignore-scripts=false', '--no-audit', '--no-fund', '--loglevel=error');
console.log(`e2e runtime: running npm ${args[0]} in e2e/ (n8n, about 2.3 GB; takes a few minutes)...`);
rmSync(markerFile, { force: true });

const started = Date.now();
const result = spawnSync('npm', args, { cwd: e2eDir, env: childEnv(), stdio: 'inherit' });
const seconds = ((Date.now() - started) / 1000).toFixed(0);
if (result.error) {
	console.error(`e2e runtime: could not run npm: ${result.error.message}`);
	process.exit(1);
}
if (result.status !== 0) {
	console.error(`e2e runtime: npm ${args[0]} failed (exit ${result.status}) after ${seconds}s`);
	process.exit(result.status ?? 1);
}
if (!existsSync(join(modulesDir, 'sqlite3', 'build', 'Release', 'node_sqlite3.node'))) {
	console.error('e2e runtime: sqlite3 has no native binding; its install script did not run (check e2e/.npmrc)');
	process.exit(1);
}

// Hash again: a lock-creating `npm install` changed the inputs.
writeFileSync(markerFile, `${JSON.stringify({ hash: installHash(), installedAt: new Date().toISOString(), seconds: Number(seconds) }, null, 2)}\n`);
console.log(`e2e runtime: installed in ${seconds}s`);
