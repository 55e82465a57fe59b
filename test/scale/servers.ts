/**
 * Private PostgreSQL and Redis servers on loopback for the queue-mode suite, from Debian's packages
 * (`apt-get install postgresql redis-server`; .ci/run installs them). Each lives in its own temp
 * folder on a free port and is stopped with the suite: nothing of a machine-wide service is used.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort } from '../e2e/support';

export interface RunningServer {
	port: number;
	stop(): Promise<void>;
}

export interface RunningPostgres extends RunningServer {
	database: string;
	user: string;
	password: string;
}

async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const open = await new Promise<boolean>((done) => {
			const socket = connect(port, '127.0.0.1');
			socket.once('connect', () => {
				socket.destroy();
				done(true);
			});
			socket.once('error', () => done(false));
		});
		if (open) return;
		if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
		await new Promise((r) => setTimeout(r, 100));
	}
}

function postgresBin(name: string): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).sort((a, b) => Number(b) - Number(a)) : [];
	const bin = versions.map((v) => join(root, v, 'bin', name)).find((path) => existsSync(path));
	if (!bin) throw new Error(`PostgreSQL is not installed (no ${root}/<version>/bin/${name}): run \`apt-get install -y postgresql\``);
	return bin;
}

/** Runs a PostgreSQL tool as the `postgres` user when we are root (initdb and postgres refuse root). */
function asPostgres(command: string, args: string[]): { command: string; args: string[] } {
	return process.getuid?.() === 0 ? { command: 'runuser', args: ['-u', 'postgres', '--', command, ...args] } : { command, args };
}

export async function startPostgres(): Promise<RunningPostgres> {
	const dir = mkdtempSync(join(tmpdir(), 'brokerage-pg-'));
	chmodSync(dir, 0o777);
	const data = join(dir, 'data');
	const port = await freePort();
	const user = 'n8n';
	const password = 'n8n-scale-test';
	const database = 'n8n';
	const chown = process.getuid?.() === 0 ? spawnSync('chown', ['postgres:postgres', dir]) : undefined;
	if (chown && chown.status !== 0) throw new Error(`could not hand ${dir} to the postgres user: ${chown.stderr}`);

	const init = asPostgres(postgresBin('initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync', '-E', 'UTF8']);
	const initRun = spawnSync(init.command, init.args, { encoding: 'utf8' });
	if (initRun.status !== 0) throw new Error(`initdb failed: ${initRun.stderr || initRun.stdout}`);

	// fsync off: a throw-away database for one test run.
	const server = asPostgres(postgresBin('postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'max_connections=200']);
	const child = spawn(server.command, server.args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
	let log = '';
	child.stderr?.on('data', (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000)));
	try {
		await waitForPort(port, 30_000, 'PostgreSQL');
	} catch (error) {
		child.kill('SIGKILL');
		throw new Error(`${(error as Error).message}\n${log}`);
	}
	const psql = (sql: string) => {
		const run = spawnSync(postgresBin('psql'), ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
		if (run.status !== 0) throw new Error(`psql "${sql}" failed: ${run.stderr}`);
	};
	psql(`CREATE USER ${user} WITH PASSWORD '${password}'`);
	psql(`CREATE DATABASE ${database} OWNER ${user}`);
	return {
		port,
		user,
		password,
		database,
		stop: async () => {
			await stopProcess(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

export async function startRedis(): Promise<RunningServer> {
	if (spawnSync('redis-server', ['--version']).status !== 0) {
		throw new Error('Redis is not installed (no redis-server): run `apt-get install -y redis-server`');
	}
	const dir = mkdtempSync(join(tmpdir(), 'brokerage-redis-'));
	const port = await freePort();
	const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no'], {
		stdio: 'ignore',
		detached: true,
	});
	await waitForPort(port, 15_000, 'Redis');
	return {
		port,
		stop: async () => {
			await stopProcess(child);
			rmSync(dir, { recursive: true, force: true });
		},
	};
}

async function stopProcess(child: ChildProcess): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	child.kill('SIGTERM');
	const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
	await exited;
	clearTimeout(timer);
}
