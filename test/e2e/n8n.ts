/**
 * Real n8n for the e2e suites. `startN8n()` runs n8n 2.8.x from the e2e/ runtime folder (install it
 * with `npm run e2e:install`) the way a brokerage runs it, with this pack installed as a community
 * package (node types `n8n-nodes-brokerage.<name>`):
 *
 *  1. a throw-away N8N_USER_FOLDER under the OS temp dir, embedded SQLite, free ports;
 *  2. the project root symlinked to `.n8n/nodes/node_modules/n8n-nodes-brokerage`, where n8n loads
 *     community packages from (the built dist/ is what it loads, so build first);
 *  3. credentials and workflows imported with the n8n CLI before the start;
 *  4. `n8n start`, then the owner is set up over REST (2.8 has no owner-from-env), an API key is
 *     created for the public API, and the workflows are activated through it (the CLI import always
 *     deactivates; activating through the API reports a failed activation as an error right away);
 *  5. it waits until the production webhooks answer, and `stop()` shuts n8n down with SIGTERM.
 *
 * Everything n8n prints goes to `<userFolder>/n8n.log`; thrown errors carry its tail. A failed start
 * keeps the user folder (database, log); N8N_E2E_KEEP=1 keeps it after stop() too. The owner can log
 * in to the editor at `editorUrl` (N8N_E2E_OWNER_EMAIL / N8N_E2E_OWNER_PASSWORD, or the defaults).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import type { IConnections, IDataObject, INode, IRunExecutionData } from 'n8n-workflow';

import { freePort } from './support';

export const PACKAGE_ROOT = resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-brokerage';
const E2E_DIR = join(PACKAGE_ROOT, 'e2e');
const N8N_BIN = join(E2E_DIR, 'node_modules', '.bin', 'n8n');
const GUARD = join(PACKAGE_ROOT, 'scripts', 'e2e-n8n-guard.mjs');

/** A workflow as exported from n8n or shipped under workflows/. Missing ids are generated. */
export interface E2eWorkflow {
	id?: string;
	name?: string;
	nodes: Array<Partial<INode> & Pick<INode, 'name' | 'type' | 'typeVersion' | 'parameters'>>;
	connections: IConnections;
	settings?: IDataObject;
	staticData?: IDataObject;
	pinData?: IDataObject;
	/** false keeps this workflow inactive; otherwise it is activated after the start. */
	active?: boolean;
	[key: string]: unknown;
}

/** A credential as `n8n import:credentials` takes it; `data` is the plain (decrypted) data. */
export interface E2eCredential {
	id: string;
	name: string;
	type: string;
	data: IDataObject;
}

export interface StartOptions {
	/** Workflow objects, or paths to workflow JSON files (one workflow or an array per file). */
	workflows?: Array<E2eWorkflow | string>;
	credentials?: E2eCredential[];
	/** Extra environment for n8n (applied last, so it can override the harness defaults). */
	env?: Record<string, string>;
	/** Production webhook paths (POST) to wait for besides those of n8n's own Webhook nodes (e.g. our triggers). */
	waitForWebhooks?: string[];
	/**
	 * Queue mode: this many `n8n worker` processes besides the main one, which then only receives
	 * webhooks and enqueues. Needs `env` with the queue and PostgreSQL settings (test/scale).
	 */
	workers?: number;
	/** Executions each worker runs at once (`n8n worker --concurrency`); default 10. */
	workerConcurrency?: number;
	/** How long the whole start may take; default 180 s. */
	timeoutMs?: number;
}

export interface ExecutionSummary {
	id: string;
	workflowId: string;
	status: 'canceled' | 'crashed' | 'error' | 'new' | 'running' | 'success' | 'unknown' | 'waiting';
	finished: boolean;
	mode: string;
	startedAt: string;
	stoppedAt: string | null;
	retryOf: string | null;
}

export interface ExecutionDetail extends ExecutionSummary {
	/** The run data, as n8n stored it (present when read with includeData). */
	data?: IRunExecutionData;
}

export interface N8nApi {
	/** Any public API call (`/api/v1` + path) with the harness's API key; throws on a non-2xx answer. */
	request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
	/** Executions, newest first: all of them, or the first `limit`. */
	listExecutions(filter?: { workflowId?: string; status?: ExecutionSummary['status']; limit?: number }): Promise<ExecutionSummary[]>;
	/** One execution with its run data. */
	getExecution(id: string, options?: { includeData?: boolean }): Promise<ExecutionDetail>;
	/**
	 * Waits until the workflow has at least `count` (default 1) finished executions — with the given
	 * status, if one is given — and returns them, newest first.
	 */
	waitForExecutions(
		workflowId: string,
		options?: { count?: number; status?: ExecutionSummary['status']; timeoutMs?: number },
	): Promise<ExecutionSummary[]>;
	activate(workflowId: string): Promise<void>;
	deactivate(workflowId: string): Promise<void>;
}

export interface N8nInstance {
	baseUrl: string;
	editorUrl: string;
	/** The production URL of a webhook path, e.g. webhookUrl('crm/client') → http://127.0.0.1:PORT/webhook/crm/client */
	webhookUrl(path: string): string;
	/** The owner, set up from N8N_E2E_OWNER_EMAIL / N8N_E2E_OWNER_PASSWORD or the defaults. */
	login: { email: string; password: string };
	apiKey: string;
	/** The imported workflows, in the order given, with the ids n8n stores them under. */
	workflows: Array<{ id: string; name: string }>;
	userFolder: string;
	logFile: string;
	/** The log files of the workers (queue mode), one per worker. */
	workerLogFiles: string[];
	/** The last lines n8n printed. */
	logTail(lines?: number): string;
	api: N8nApi;
	stop(): Promise<void>;
}

/** Reads a run's output items of one node (main output `output`, last run by default) as plain JSON. */
export function nodeOutput(execution: ExecutionDetail, nodeName: string, output = 0, runIndex?: number): IDataObject[] {
	const runs = execution.data?.resultData.runData[nodeName];
	if (!runs?.length) throw new Error(`Node "${nodeName}" did not run in execution ${execution.id}`);
	const run = runs[runIndex ?? runs.length - 1];
	return (run.data?.main?.[output] ?? []).map((item) => item.json);
}

export class N8nError extends Error {}

const READY_LINE = 'Editor is now accessible via';
const WORKER_READY_LINE = 'n8n worker is now ready';
const PORT_IN_USE = /port \d+ is already in use/;

export async function startN8n(options: StartOptions = {}): Promise<N8nInstance> {
	assertRuntime();
	const deadline = Date.now() + (options.timeoutMs ?? 180_000);
	const workflows = (options.workflows ?? []).flatMap(loadWorkflows).map(prepareWorkflow);
	const credentials = options.credentials ?? [];

	const userFolder = mkdtempSync(join(tmpdir(), 'n8n-brokerage-e2e-'));
	const logFile = join(userFolder, 'n8n.log');
	const logTail = (lines = 60) => tail(logFile, lines);
	const login = {
		email: process.env.N8N_E2E_OWNER_EMAIL ?? 'owner@brokerage-e2e.test',
		password: process.env.N8N_E2E_OWNER_PASSWORD ?? 'Brokerage-e2e-1',
	};
	const secrets = { encryptionKey: randomBytes(24).toString('hex'), jwtSecret: randomBytes(24).toString('hex') };
	let child: ChildProcess | undefined;
	const workers: ChildProcess[] = [];
	const workerLogFiles: string[] = [];

	try {
		installPack(userFolder);
		let env = n8nEnv(userFolder, ...(await freePorts()), secrets, options.env);

		// Imports run before the start, with n8n stopped, as `n8n import:*` expects.
		if (credentials.length) {
			const file = join(userFolder, 'import-credentials.json');
			writeFileSync(file, JSON.stringify(credentials, null, 2));
			await runCli(['import:credentials', `--input=${file}`], env, logFile, /Successfully imported \d+ credential/);
		}
		if (workflows.length) {
			const file = join(userFolder, 'import-workflows.json');
			writeFileSync(file, JSON.stringify(workflows, null, 2));
			await runCli(['import:workflow', `--input=${file}`], env, logFile, /Successfully imported \d+ workflow/);
		}

		// Free ports are picked before n8n binds them; on the rare clash, pick again.
		for (let attempt = 1; ; attempt++) {
			appendFileSync(logFile, `\n=== n8n start (port ${env.N8N_PORT}, task broker ${env.N8N_RUNNERS_BROKER_PORT}) ===\n`);
			child = spawnN8n(['start'], env, logFile);
			const outcome = await waitForReady(child, env.N8N_PORT, logFile, deadline);
			if (outcome === 'ready') break;
			if (outcome === 'port-in-use' && attempt < 3) {
				env = n8nEnv(userFolder, ...(await freePorts()), secrets, options.env);
				continue;
			}
			throw new N8nError(`n8n did not start (${outcome})`);
		}

		// Workers: the main process's settings, each with its own task-runner broker port.
		for (let index = 0; index < (options.workers ?? 0); index++) {
			const workerLog = join(userFolder, `worker-${index + 1}.log`);
			workerLogFiles.push(workerLog);
			const [brokerPort] = await freePorts();
			const worker = spawnN8n(['worker', `--concurrency=${options.workerConcurrency ?? 10}`], { ...env, N8N_RUNNERS_BROKER_PORT: String(brokerPort) }, workerLog);
			workers.push(worker);
			await waitForLine(worker, workerLog, WORKER_READY_LINE, deadline, `worker ${index + 1}`);
		}

		const baseUrl = `http://127.0.0.1:${env.N8N_PORT}`;
		const cookie = await setupOwner(baseUrl, login);
		const apiKey = await createApiKey(baseUrl, cookie);
		const api = publicApi(baseUrl, apiKey);
		for (const workflow of workflows) {
			if (workflow.active !== false) await api.activate(workflow.id);
		}
		await waitForWebhooks(
			baseUrl,
			webhookPaths(workflows).concat((options.waitForWebhooks ?? []).map((path) => ({ path, method: 'POST' }))),
			deadline,
		);

		const started = child;
		return {
			baseUrl,
			editorUrl: baseUrl,
			webhookUrl: (path) => `${baseUrl}/webhook/${path.replace(/^\/+/, '')}`,
			login,
			apiKey,
			workflows: workflows.map(({ id, name }) => ({ id, name })),
			userFolder,
			logFile,
			workerLogFiles,
			logTail,
			api,
			stop: async () => {
				await Promise.all(workers.map((worker) => stopChild(worker)));
				await stopChild(started);
				if (process.env.N8N_E2E_KEEP === '1') console.log(`n8n e2e user folder kept: ${userFolder}`);
				else rmSync(userFolder, { recursive: true, force: true });
			},
		};
	} catch (error) {
		// Stop what started; keep the folder (database, log) so the failure can be looked into.
		await Promise.all(workers.map((worker) => stopChild(worker)));
		if (child) await stopChild(child);
		throw new N8nError(`${(error as Error).message}\n--- ${logFile} (folder kept) ---\n${logTail()}`);
	}
}

function assertRuntime() {
	if (!existsSync(N8N_BIN)) {
		throw new N8nError('The e2e runtime is not installed (e2e/node_modules/.bin/n8n is missing): run `npm run e2e:install`');
	}
	const manifest = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { n8n: { nodes: string[] } };
	const missing = manifest.n8n.nodes.filter((file) => !existsSync(join(PACKAGE_ROOT, file)));
	if (missing.length) throw new N8nError(`The pack is not built (${missing.join(', ')} missing): run \`npm run build\``);
}

// The pack as n8n finds a community package: <userFolder>/.n8n/nodes/node_modules/<name>. A
// symlink to the project root, so the node code is the project's dist/ (and its n8n-workflow and
// luxon resolve from the project's node_modules, the same versions n8n 2.8 ships).
function installPack(userFolder: string) {
	const nodesDir = join(userFolder, '.n8n', 'nodes');
	mkdirSync(join(nodesDir, 'node_modules'), { recursive: true });
	symlinkSync(PACKAGE_ROOT, join(nodesDir, 'node_modules', PACKAGE_NAME), 'dir');
	const { version } = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string };
	// The manifest n8n keeps there itself (it creates one when missing), listing the package.
	writeFileSync(
		join(nodesDir, 'package.json'),
		`${JSON.stringify({ name: 'installed-nodes', private: true, dependencies: { [PACKAGE_NAME]: version } }, null, 2)}\n`,
	);
}

function n8nEnv(
	userFolder: string,
	port: number,
	brokerPort: number,
	secrets: { encryptionKey: string; jwtSecret: string },
	extra: Record<string, string> = {},
): Record<string, string> {
	// Start from the caller's environment without any n8n/DB/queue settings of the developer's own,
	// and without jest's NODE_ENV=test (n8n then refuses to load nodes and silences its logger).
	const env: Record<string, string> = {};
	for (const [key, value] of Object.entries(process.env)) {
		if (value === undefined || /^(N8N_|DB_|EXECUTIONS_|QUEUE_|JEST_|WEBHOOK_URL$|GENERIC_TIMEZONE$|NODE_OPTIONS$|NODE_ENV$)/.test(key)) continue;
		env[key] = value;
	}
	const baseUrl = `http://127.0.0.1:${port}/`;
	return {
		...env,
		N8N_USER_FOLDER: userFolder,
		DB_TYPE: 'sqlite',
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_PORT: String(port),
		N8N_PROTOCOL: 'http',
		N8N_HOST: '127.0.0.1',
		WEBHOOK_URL: baseUrl,
		N8N_EDITOR_BASE_URL: baseUrl,
		// The internal task runner (Code node) talks to its broker on its own port.
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_RUNNERS_BROKER_PORT: String(brokerPort),
		N8N_ENCRYPTION_KEY: secrets.encryptionKey,
		N8N_USER_MANAGEMENT_JWT_SECRET: secrets.jwtSecret,
		N8N_SECURE_COOKIE: 'false', // plain http on loopback
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
		GENERIC_TIMEZONE: 'UTC',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '15',
		// Keep every execution, so suites can read what ran.
		EXECUTIONS_MODE: 'regular',
		EXECUTIONS_DATA_SAVE_ON_SUCCESS: 'all',
		EXECUTIONS_DATA_SAVE_ON_ERROR: 'all',
		EXECUTIONS_DATA_SAVE_MANUAL_EXECUTIONS: 'true',
		// Community packages on (the defaults, spelled out), nothing installed from the registry.
		N8N_COMMUNITY_PACKAGES_ENABLED: 'true',
		N8N_UNVERIFIED_PACKAGES_ENABLED: 'true',
		N8N_REINSTALL_MISSING_PACKAGES: 'false',
		// Offline: no telemetry, version checks, templates, banners, licence renewal or verified-nodes list.
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_WHATS_NEW_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_DYNAMIC_BANNERS_ENABLED: 'false',
		N8N_LICENSE_AUTO_RENEW_ENABLED: 'false',
		N8N_VERIFIED_PACKAGES_ENABLED: 'false',
		N8N_AI_ENABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		...extra,
	};
}

function spawnN8n(args: string[], env: Record<string, string>, logFile: string): ChildProcess {
	const fd = openSync(logFile, 'a');
	const server = args[0] === 'start' || args[0] === 'worker';
	// `n8n start` gets a stdin pipe and the guard (scripts/e2e-n8n-guard.mjs), so it stops when the
	// test process ends in any way. Its own process group lets a stuck n8n and its task runner be
	// killed together.
	const child = spawn(process.execPath, [...(server ? ['--import', pathToFileURL(GUARD).href] : []), N8N_BIN, ...args], {
		cwd: PACKAGE_ROOT,
		env,
		stdio: [server ? 'pipe' : 'ignore', fd, fd],
		detached: true,
	});
	closeSync(fd);
	if (server) {
		// A suite that forgets stop() should not hang jest; the guard then stops n8n when jest exits.
		child.unref();
		(child.stdin as (NodeJS.WritableStream & { unref?: () => void }) | null)?.unref?.();
	}
	return child;
}

async function runCli(args: string[], env: Record<string, string>, logFile: string, success: RegExp) {
	appendFileSync(logFile, `\n=== n8n ${args.join(' ')} ===\n`);
	const from = readFileSync(logFile, 'utf8').length;
	const child = spawnN8n(args, env, logFile);
	const code = await new Promise<number | null>((done) => child.once('exit', done));
	const output = readFileSync(logFile, 'utf8').slice(from);
	// The import commands log their errors and may still exit 0, so look for their success line.
	if (code !== 0 || !success.test(output)) {
		throw new N8nError(`n8n ${args[0]} failed (exit ${code})`);
	}
}

type StartOutcome = 'ready' | 'port-in-use' | 'timed out' | `exited with ${string}`;

async function waitForReady(child: ChildProcess, port: string, logFile: string, deadline: number): Promise<StartOutcome> {
	let exit: string | undefined;
	child.once('exit', (code, signal) => (exit = signal ?? String(code)));
	while (Date.now() < deadline) {
		if (exit !== undefined) {
			return PORT_IN_USE.test(readFileSync(logFile, 'utf8')) ? 'port-in-use' : `exited with ${exit}`;
		}
		// healthz answers as soon as the server listens; the ready line comes after n8n has loaded
		// the nodes and started the active workflows.
		if (readFileSync(logFile, 'utf8').includes(READY_LINE)) {
			const health = await fetch(`http://127.0.0.1:${port}/healthz`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined);
			if (health?.ok) return 'ready';
		}
		await sleep(200);
	}
	return 'timed out';
}

async function waitForLine(child: ChildProcess, logFile: string, line: string, deadline: number, what: string): Promise<void> {
	let exit: string | undefined;
	child.once('exit', (code, signal) => (exit = signal ?? String(code)));
	while (Date.now() < deadline) {
		if (exit !== undefined) throw new N8nError(`n8n ${what} exited with ${exit}:\n${tail(logFile, 40)}`);
		if (existsSync(logFile) && readFileSync(logFile, 'utf8').includes(line)) return;
		await sleep(200);
	}
	throw new N8nError(`n8n ${what} did not get ready in time:\n${tail(logFile, 40)}`);
}

async function stopChild(child: ChildProcess, timeoutMs = 20_000): Promise<void> {
	if (child.exitCode !== null || child.signalCode !== null) return;
	const exited = new Promise<void>((done) => child.once('exit', () => done()));
	child.kill('SIGTERM'); // n8n stops its task runner and finishes running executions
	let timer: NodeJS.Timeout | undefined;
	const timedOut = new Promise<boolean>((done) => (timer = setTimeout(() => done(false), timeoutMs)));
	const graceful = await Promise.race([exited.then(() => true), timedOut]);
	clearTimeout(timer); // a pending timer would keep jest alive after the suite
	if (!graceful) {
		killGroup(child, 'SIGKILL');
		await exited;
	}
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals) {
	try {
		if (child.pid) process.kill(-child.pid, signal);
	} catch {
		// already gone
	}
}

async function setupOwner(baseUrl: string, login: { email: string; password: string }): Promise<string> {
	const response = await fetch(`${baseUrl}/rest/owner/setup`, {
		method: 'POST',
		headers: { 'content-type': 'application/json' },
		body: JSON.stringify({ ...login, firstName: 'E2E', lastName: 'Owner' }),
	});
	if (!response.ok) throw new N8nError(`Owner setup failed: ${response.status} ${await response.text()}`);
	const cookie = /n8n-auth=[^;]+/.exec(response.headers.get('set-cookie') ?? '')?.[0];
	if (!cookie) throw new N8nError('Owner setup answered without an n8n-auth cookie');
	return cookie;
}

async function createApiKey(baseUrl: string, cookie: string): Promise<string> {
	const rest = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${baseUrl}/rest${path}`, {
			method,
			headers: { cookie, 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) throw new N8nError(`${method} /rest${path}: ${response.status} ${await response.text()}`);
		return ((await response.json()) as { data: T }).data;
	};
	// Every scope the owner may grant (without a licence n8n grants them all anyway).
	const scopes = await rest<string[]>('GET', '/api-keys/scopes');
	const key = await rest<{ rawApiKey: string }>('POST', '/api-keys', { label: 'e2e harness', scopes, expiresAt: null });
	return key.rawApiKey;
}

function publicApi(baseUrl: string, apiKey: string): N8nApi {
	const request = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
		const response = await fetch(`${baseUrl}/api/v1${path}`, {
			method,
			headers: { 'x-n8n-api-key': apiKey, accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
			signal: AbortSignal.timeout(30_000),
		});
		const text = await response.text();
		if (!response.ok) throw new N8nError(`${method} /api/v1${path}: ${response.status} ${text}`);
		return (text ? JSON.parse(text) : undefined) as T;
	};

	// Every page (n8n answers at most 250 per page), or the first `limit` executions.
	const listExecutions: N8nApi['listExecutions'] = async (filter = {}) => {
		const all: ExecutionSummary[] = [];
		let cursor: string | undefined;
		do {
			const query = new URLSearchParams({ limit: String(Math.min(filter.limit ?? 250, 250)) });
			if (filter.workflowId) query.set('workflowId', filter.workflowId);
			if (filter.status) query.set('status', filter.status);
			if (cursor) query.set('cursor', cursor);
			const page = await request<{ data: ExecutionSummary[]; nextCursor?: string | null }>('GET', `/executions?${query}`);
			all.push(...page.data);
			cursor = page.nextCursor ?? undefined;
		} while (cursor && all.length < (filter.limit ?? Infinity));
		return filter.limit ? all.slice(0, filter.limit) : all;
	};

	return {
		request,
		listExecutions,
		getExecution: async (id, { includeData = true } = {}) =>
			await request<ExecutionDetail>('GET', `/executions/${encodeURIComponent(id)}?includeData=${includeData}`),
		waitForExecutions: async (workflowId, { count = 1, status, timeoutMs = 30_000 } = {}) => {
			const until = Date.now() + timeoutMs;
			for (;;) {
				const finished = (await listExecutions({ workflowId, status })).filter((e) => !['new', 'running', 'waiting'].includes(e.status));
				if (finished.length >= count) return finished;
				if (Date.now() > until) {
					const what = status ? `"${status}" execution(s)` : 'finished execution(s)';
					throw new N8nError(`Workflow ${workflowId} has ${finished.length} ${what}, expected ${count}`);
				}
				await sleep(200);
			}
		},
		activate: async (workflowId) => {
			await request('POST', `/workflows/${encodeURIComponent(workflowId)}/activate`);
		},
		deactivate: async (workflowId) => {
			await request('POST', `/workflows/${encodeURIComponent(workflowId)}/deactivate`);
		},
	};
}

function loadWorkflows(source: E2eWorkflow | string): E2eWorkflow[] {
	if (typeof source !== 'string') return [source];
	const parsed = JSON.parse(readFileSync(source, 'utf8')) as E2eWorkflow | E2eWorkflow[];
	const list = Array.isArray(parsed) ? parsed : [parsed];
	return list.map((workflow) => ({ ...workflow, name: workflow.name ?? basename(source, '.json') }));
}

type PreparedWorkflow = E2eWorkflow & { id: string; name: string };

// Gives the workflow what the editor would: an id, a name, node ids, and a webhookId on webhook
// and trigger nodes (without one, n8n prefixes the production path with the workflow id and node name).
function prepareWorkflow(workflow: E2eWorkflow, index: number): PreparedWorkflow {
	return {
		...workflow,
		id: workflow.id ?? randomBytes(12).toString('base64url').replace(/[-_]/g, 'x').slice(0, 16),
		name: workflow.name ?? `E2E workflow ${index + 1}`,
		nodes: workflow.nodes.map((node) => ({
			...node,
			id: node.id ?? randomUUID(),
			position: node.position ?? [0, 0],
			...(node.webhookId === undefined && /webhook|trigger/i.test(node.type) ? { webhookId: randomUUID() } : {}),
		})),
		connections: workflow.connections ?? {},
		settings: workflow.settings ?? { executionOrder: 'v1' },
	};
}

interface WebhookRoute {
	path: string;
	method: string;
}

// The production paths (and methods) of n8n's own Webhook nodes in the workflows being activated.
function webhookPaths(workflows: PreparedWorkflow[]): WebhookRoute[] {
	return workflows
		.filter((workflow) => workflow.active !== false)
		.flatMap((workflow) => workflow.nodes)
		.filter((node) => node.type === 'n8n-nodes-base.webhook' && !node.disabled && typeof node.parameters.path === 'string')
		.map((node) => {
			const path = String(node.parameters.path).replace(/^\/+/, '');
			// n8n's Webhook node listens for GET unless told otherwise.
			const method = String(node.parameters.httpMethod ?? 'GET');
			return { path: path.includes(':') ? `${node.webhookId}/${path}` : path, method };
		});
}

// An OPTIONS preflight with an Origin makes n8n look the path up (for the method asked about)
// without running the workflow: 204 when the webhook is registered, 404 when not.
async function waitForWebhooks(baseUrl: string, routes: WebhookRoute[], deadline: number) {
	for (const { path, method } of routes) {
		let last = 'no answer';
		for (;;) {
			const response = await fetch(`${baseUrl}/webhook/${path.replace(/^\/+/, '')}`, {
				method: 'OPTIONS',
				headers: { origin: baseUrl, 'access-control-request-method': method },
				signal: AbortSignal.timeout(5000),
			}).catch((error: Error) => error);
			if (!(response instanceof Error) && response.status < 300) break;
			last = response instanceof Error ? response.message : `${response.status} ${await response.text()}`;
			if (Date.now() > deadline) throw new N8nError(`Webhook ${method} /webhook/${path} was not registered: ${last}`);
			await sleep(200);
		}
	}
}

// Two distinct free ports: n8n's HTTP server and its task broker.
async function freePorts(): Promise<[number, number]> {
	const port = await freePort();
	for (;;) {
		const brokerPort = await freePort();
		if (brokerPort !== port) return [port, brokerPort];
	}
}

function tail(file: string, lines: number): string {
	if (!existsSync(file)) return '(no log)';
	return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

async function sleep(ms: number) {
	await new Promise((done) => setTimeout(done, ms));
}
