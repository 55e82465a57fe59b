/**
 * A private RabbitMQ broker for an e2e suite: Debian's `rabbitmq-server` package, run as its own
 * node on free loopback ports with its data, logs, Erlang cookie and epmd in a temp folder, so it
 * neither meets a broker the machine already runs nor leaves anything behind.
 *
 * - epmd (Erlang's port mapper) normally listens on 4369 and is shared by every Erlang node; a
 *   system epmd there, or another suite's, would clash. ERL_EPMD_PORT gives this broker its own
 *   epmd on a free port, which stop() kills.
 * - `guest`/`guest` works because RabbitMQ allows guest from loopback only, and we bind 127.0.0.1.
 * - stop() keeps the data folder, so start() again is a broker restart: durable exchanges, queues
 *   and persistent messages survive it, as in production. close() stops and deletes everything.
 *
 * The broker is required, never skipped: without the package, start() fails saying how to install it.
 * amqplib (for publishing and inspecting queues directly) comes from the e2e/ runtime, where
 * n8n's RabbitMQ node brings it, so the pack needs no extra dependency.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { PACKAGE_ROOT } from './n8n';
import { freePort } from './support';
import type { RabbitMqWiring } from './templates';

const RABBITMQ_BIN = process.env.RABBITMQ_BIN_DIR ?? '/usr/lib/rabbitmq/bin';
const INSTALL_HINT = 'install the broker with `apt-get install -y rabbitmq-server` (Debian package; the e2e suite starts its own node, no service needs to run)';

/** The part of amqplib's promise API the suites use. */
export interface AmqpChannel {
	assertExchange(name: string, type: string, options?: Record<string, unknown>): Promise<unknown>;
	assertQueue(name: string, options?: Record<string, unknown>): Promise<{ queue: string; messageCount: number; consumerCount: number }>;
	checkQueue(name: string): Promise<{ queue: string; messageCount: number; consumerCount: number }>;
	bindQueue(queue: string, exchange: string, pattern: string): Promise<unknown>;
	deleteQueue(name: string): Promise<unknown>;
	publish(exchange: string, routingKey: string, content: Buffer, options?: Record<string, unknown>): boolean;
	waitForConfirms(): Promise<void>;
	close(): Promise<void>;
}
export interface AmqpConnection {
	createChannel(): Promise<AmqpChannel>;
	createConfirmChannel(): Promise<AmqpChannel>;
	close(): Promise<void>;
	on(event: 'error' | 'close', listener: (error?: Error) => void): void;
}
interface Amqplib {
	connect(url: string): Promise<AmqpConnection>;
}

/** amqplib as installed with n8n in e2e/ (npm run e2e:install). */
export function amqplib(): Amqplib {
	const fromE2e = createRequire(join(PACKAGE_ROOT, 'e2e', 'package.json'));
	try {
		return fromE2e('amqplib') as Amqplib;
	} catch (error) {
		throw new Error(`amqplib is not in e2e/node_modules (n8n's RabbitMQ node brings it): run \`npm run e2e:install\` (${(error as Error).message})`);
	}
}

const sleep = async (ms: number) => await new Promise((resolve) => setTimeout(resolve, ms));

function epmdBinary(): string {
	if (existsSync('/usr/bin/epmd')) return '/usr/bin/epmd';
	const erts = existsSync('/usr/lib/erlang') ? readdirSync('/usr/lib/erlang').find((name) => name.startsWith('erts-')) : undefined;
	return erts ? join('/usr/lib/erlang', erts, 'bin', 'epmd') : 'epmd';
}

export class RabbitMqBroker {
	readonly dir = mkdtempSync(join(tmpdir(), 'n8n-e2e-rabbitmq-'));
	readonly nodeName = `e2e${randomBytes(4).toString('hex')}@localhost`;
	readonly logFile = join(this.dir, 'rabbitmq-server.log');
	port = 0;
	private distPort = 0;
	private epmdPort = 0;
	private child: ChildProcess | undefined;
	private exited = false;

	/** The n8n RabbitMQ credential's fields for this broker. */
	get wiring(): RabbitMqWiring {
		return { hostname: '127.0.0.1', port: this.port, username: 'guest', password: 'guest', vhost: '/' };
	}

	get url(): string {
		return `amqp://guest:guest@127.0.0.1:${this.port}`;
	}

	/** Starts the broker (again, after stop(), on the same ports and data) and waits until it takes AMQP connections. */
	async start(timeoutMs = 90_000): Promise<void> {
		const server = join(RABBITMQ_BIN, 'rabbitmq-server');
		if (!existsSync(server)) throw new Error(`RabbitMQ is not installed (${server} is missing): ${INSTALL_HINT}`);
		if (this.port === 0) {
			this.port = await freePort();
			this.distPort = await freePort();
			this.epmdPort = await freePort();
			// No plugins (the management plugin alone adds seconds to every boot) and no system config.
			writeFileSync(join(this.dir, 'enabled_plugins'), '[].\n');
		}
		const log = openSync(this.logFile, 'a');
		this.exited = false;
		this.child = spawn(server, [], { env: this.env(), stdio: ['ignore', log, log], detached: true });
		closeSync(log);
		this.child.once('exit', () => {
			this.exited = true;
		});

		const deadline = Date.now() + timeoutMs;
		let lastError = '';
		for (;;) {
			if (this.exited) throw new Error(`rabbitmq-server exited during start: ${this.logTail()}`);
			try {
				const connection = await amqplib().connect(this.url);
				await connection.close();
				return;
			} catch (error) {
				lastError = (error as Error).message;
			}
			if (Date.now() > deadline) {
				await this.stop();
				throw new Error(`RabbitMQ did not take AMQP connections on 127.0.0.1:${this.port} within ${timeoutMs} ms (${lastError}): ${this.logTail()}`);
			}
			await sleep(250);
		}
	}

	/** Shuts the broker down (data kept) and ends its epmd; no beam or epmd process stays behind. */
	async stop(): Promise<void> {
		if (this.child && !this.exited) {
			this.ctl(['shutdown'], 60_000);
			const deadline = Date.now() + 15_000;
			while (!this.exited && Date.now() < deadline) await sleep(100);
			// The server runs in its own process group (detached): end the whole group if it is still up.
			if (!this.exited && this.child.pid) {
				try {
					process.kill(-this.child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
				while (!this.exited) await sleep(50);
			}
		}
		this.child = undefined;
		if (this.epmdPort) {
			spawnSync(epmdBinary(), ['-kill'], { env: { ...process.env, ERL_EPMD_PORT: String(this.epmdPort) }, stdio: 'ignore', timeout: 10_000 });
		}
	}

	/** Stops the broker and deletes its folder (N8N_E2E_KEEP=1 keeps it for reading the logs). */
	async close(): Promise<void> {
		await this.stop();
		if (process.env.N8N_E2E_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
	}

	/** Runs `rabbitmqctl` against this node; throws with its output when it fails. */
	ctl(args: string[], timeoutMs = 30_000): string {
		const result = spawnSync(join(RABBITMQ_BIN, 'rabbitmqctl'), ['-n', this.nodeName, ...args], { env: this.env(), encoding: 'utf8', timeout: timeoutMs });
		if (result.status !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${result.error?.message ?? ''} ${result.stdout} ${result.stderr}`);
		return result.stdout;
	}

	logTail(lines = 30): string {
		const logs = [this.logFile, join(this.dir, 'log', `${this.nodeName}.log`)].filter((file) => existsSync(file));
		return logs.map((file) => readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n')).join('\n---\n');
	}

	private env(): NodeJS.ProcessEnv {
		const env: NodeJS.ProcessEnv = {};
		// Only the basics from outside: RABBITMQ_* or ERL_* variables of the machine must not leak in.
		for (const name of ['PATH', 'LANG', 'LC_ALL', 'TMPDIR']) if (process.env[name] !== undefined) env[name] = process.env[name];
		return {
			...env,
			// The Erlang cookie is read from $HOME: a private one, shared by the server and rabbitmqctl.
			HOME: this.dir,
			RABBITMQ_NODENAME: this.nodeName,
			RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
			RABBITMQ_NODE_PORT: String(this.port),
			RABBITMQ_DIST_PORT: String(this.distPort),
			ERL_EPMD_PORT: String(this.epmdPort),
			ERL_EPMD_ADDRESS: '127.0.0.1',
			RABBITMQ_MNESIA_BASE: join(this.dir, 'mnesia'),
			RABBITMQ_LOG_BASE: join(this.dir, 'log'),
			RABBITMQ_CONFIG_FILE: join(this.dir, 'rabbitmq'),
			RABBITMQ_ADVANCED_CONFIG_FILE: join(this.dir, 'advanced.config'),
			RABBITMQ_CONF_ENV_FILE: join(this.dir, 'rabbitmq-env.conf'),
			RABBITMQ_ENABLED_PLUGINS_FILE: join(this.dir, 'enabled_plugins'),
		};
	}
}

/** Starts a private broker; the caller closes it in afterAll. */
export async function startRabbitMq(): Promise<RabbitMqBroker> {
	const broker = new RabbitMqBroker();
	try {
		await broker.start();
	} catch (error) {
		await broker.close();
		throw error;
	}
	return broker;
}
