/**
 * The sandbox's HTTP layer: one server per simulator, on loopback, with keep-alive connections that
 * a simulator can tell apart (MT5 binds its session to one connection), fault injection applied
 * before or after the simulator's handler, and a control API under /__sandbox/ so tests and the demo
 * in other processes can read state, reset it and queue faults.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

import { FaultInjector, type Fault, type FaultRule } from './faults';
import type { DeliveryFault, WebhookSender } from './webhooks';

export interface SandboxRequest {
	method: string;
	/** Path without the query string, e.g. "/api/user/get". */
	path: string;
	query: URLSearchParams;
	headers: IncomingMessage['headers'];
	rawBody: Buffer;
	/** The connection this request came on: stable for a keep-alive connection. */
	connectionId: number;
	/** Route parameters from patterns such as "/webserv/traders/:login". */
	params: Record<string, string>;
	/** The body parsed as JSON; throws a 400-style SandboxHttpError when it is not JSON. */
	json<T = unknown>(): T;
}

export interface SandboxResponse {
	status?: number;
	headers?: Record<string, string>;
	/** An object is sent as JSON; a string or Buffer as is. */
	body?: unknown;
}

export type Handler = (request: SandboxRequest) => SandboxResponse | Promise<SandboxResponse>;

/** Thrown by handlers for an HTTP error answer (a vendor's 4xx with its own body). */
export class SandboxHttpError extends Error {
	constructor(
		readonly status: number,
		readonly body: unknown,
		readonly headers: Record<string, string> = {},
	) {
		super(typeof body === 'string' ? body : JSON.stringify(body));
	}
}

interface Route {
	method: string;
	pattern: RegExp;
	keys: string[];
	handler: Handler;
}

export class Router {
	private readonly routes: Route[] = [];

	add(method: string | string[], path: string, handler: Handler): this {
		const keys: string[] = [];
		const pattern = new RegExp(
			`^${path.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:(\w+)/g, (_, key: string) => {
				keys.push(key);
				return '([^/]+)';
			})}/?$`,
		);
		for (const m of Array.isArray(method) ? method : [method]) this.routes.push({ method: m.toUpperCase(), pattern, keys, handler });
		return this;
	}

	match(method: string, path: string): { handler: Handler; params: Record<string, string> } | 'method' | undefined {
		let pathMatched = false;
		for (const route of this.routes) {
			const match = route.pattern.exec(path);
			if (!match) continue;
			pathMatched = true;
			if (route.method !== method.toUpperCase()) continue;
			const params: Record<string, string> = {};
			route.keys.forEach((key, i) => (params[key] = decodeURIComponent(match[i + 1])));
			return { handler: route.handler, params };
		}
		return pathMatched ? 'method' : undefined;
	}
}

/** What every simulator provides. */
export abstract class Simulator {
	abstract readonly name: string;
	/** One line for `npm run sandbox`: what this simulator is. */
	abstract readonly title: string;
	readonly faults = new FaultInjector();
	/** Senders of outgoing webhooks, by name, for delivery faults through the control API. */
	readonly webhookSenders: Record<string, WebhookSender> = {};

	/** Declares the vendor's endpoints. Called once when the server starts. */
	abstract routes(router: Router): void;
	/** Back to the initial state (tests call this between cases). */
	abstract reset(): void;
	/** A JSON snapshot of everything the simulator holds, for assertions. */
	abstract state(): unknown;
	/** The credentials it accepts, printed by `npm run sandbox` and used by tests. */
	abstract credentials(): Record<string, string>;
	/** Drops server-side sessions (the `sessionLoss` fault). */
	dropSessions(): void {}
	/** A connection closed (MT5 ends the session bound to it). */
	connectionClosed(_connectionId: number): void {}
	/** Told its own base URL once listening (for links and webhook callbacks). */
	baseUrl = '';
}

export interface RunningSimulator<S extends Simulator = Simulator> {
	simulator: S;
	url: string;
	port: number;
	/** Closes the listener and every open connection. */
	close(): Promise<void>;
	/** Destroys every open connection (clients must reconnect), keeping the listener. */
	dropConnections(): void;
}

function send(res: ServerResponse, response: SandboxResponse): void {
	const { status = 200, headers = {}, body } = response;
	let payload: Buffer | string = '';
	const finalHeaders: Record<string, string> = { ...headers };
	if (Buffer.isBuffer(body) || typeof body === 'string') payload = body;
	else if (body !== undefined) {
		payload = JSON.stringify(body);
		finalHeaders['content-type'] ??= 'application/json';
	}
	finalHeaders['content-length'] = String(Buffer.byteLength(payload));
	res.writeHead(status, finalHeaders);
	res.end(payload);
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	for await (const chunk of req) chunks.push(chunk as Buffer);
	return Buffer.concat(chunks);
}

/** The control API: state, reset and faults, reachable from other processes. */
async function control(simulator: Simulator, request: SandboxRequest): Promise<SandboxResponse> {
	const action = request.path.slice('/__sandbox/'.length);
	if (action === 'state' && request.method === 'GET') return { body: simulator.state() };
	if (action === 'reset' && request.method === 'POST') {
		simulator.reset();
		simulator.faults.clear();
		for (const sender of Object.values(simulator.webhookSenders)) sender.clear();
		return { body: { ok: true } };
	}
	if (action === 'faults' && request.method === 'POST') {
		const rules = request.json<FaultRule | FaultRule[]>();
		for (const rule of Array.isArray(rules) ? rules : [rules]) simulator.faults.add(rule);
		return { body: { pending: simulator.faults.pending() } };
	}
	if (action === 'faults' && request.method === 'GET') {
		return { body: { pending: simulator.faults.pending(), fired: simulator.faults.fired } };
	}
	const webhook = /^webhooks\/([\w-]+)\/faults$/.exec(action);
	if (webhook && request.method === 'POST') {
		const sender = simulator.webhookSenders[webhook[1]];
		if (!sender) throw new SandboxHttpError(404, { error: `no webhook sender "${webhook[1]}"` });
		sender.addFault(request.json<DeliveryFault>());
		return { body: { ok: true } };
	}
	const deliveries = /^webhooks\/([\w-]+)\/deliveries$/.exec(action);
	if (deliveries && request.method === 'GET') {
		const sender = simulator.webhookSenders[deliveries[1]];
		if (!sender) throw new SandboxHttpError(404, { error: `no webhook sender "${deliveries[1]}"` });
		return { body: sender.deliveries };
	}
	throw new SandboxHttpError(404, { error: `unknown control action ${request.method} ${action}` });
}

export async function startSimulator<S extends Simulator>(
	simulator: S,
	options: { port?: number; host?: string } = {},
): Promise<RunningSimulator<S>> {
	const router = new Router();
	simulator.routes(router);
	const connections = new Map<Socket, number>();
	let nextConnectionId = 1;

	const handle = async (req: IncomingMessage, res: ServerResponse) => {
		const socket = req.socket;
		const url = new URL(req.url ?? '/', 'http://sandbox');
		const rawBody = await readBody(req);
		const request: SandboxRequest = {
			method: (req.method ?? 'GET').toUpperCase(),
			path: url.pathname,
			query: url.searchParams,
			headers: req.headers,
			rawBody,
			connectionId: connections.get(socket) ?? 0,
			params: {},
			json<T>() {
				try {
					return JSON.parse(rawBody.toString('utf8') || 'null') as T;
				} catch {
					throw new SandboxHttpError(400, { error: 'the request body is not valid JSON' });
				}
			},
		};
		try {
			if (request.path.startsWith('/__sandbox/')) return send(res, await control(simulator, request));
			const fault = simulator.faults.take(request.method, request.path);
			if (fault) {
				const answered = await applyFault(fault, simulator, socket, res);
				if (answered) return;
			}
			const route = router.match(request.method, request.path);
			if (route === undefined) return send(res, { status: 404, body: { error: `no such endpoint ${request.path}` } });
			if (route === 'method') return send(res, { status: 405, body: { error: `${request.method} is not allowed on ${request.path}` } });
			request.params = route.params;
			const response = await route.handler(request);
			if (fault?.kind === 'timeoutAfterCommit') {
				socket.destroy();
				return;
			}
			send(res, response);
		} catch (error) {
			if (error instanceof SandboxHttpError) return send(res, { status: error.status, headers: error.headers, body: error.body });
			send(res, { status: 500, body: { error: `sandbox bug: ${(error as Error).message}` } });
		}
	};

	const server: Server = createServer((req, res) => void handle(req, res));
	server.keepAliveTimeout = 185_000;
	server.on('connection', (socket: Socket) => {
		const id = nextConnectionId++;
		connections.set(socket, id);
		socket.on('close', () => {
			connections.delete(socket);
			simulator.connectionClosed(id);
		});
	});
	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	const host = options.host ?? '127.0.0.1';
	// An IPv6 literal goes in brackets in a URL (http://[::1]:8080).
	const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
	simulator.baseUrl = url;
	return {
		simulator,
		url,
		port,
		dropConnections: () => {
			for (const socket of connections.keys()) socket.destroy();
		},
		close: async () => {
			for (const socket of connections.keys()) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}

/** Applies a fault; returns true when the request is finished (answered or dropped). */
async function applyFault(fault: Fault, simulator: Simulator, socket: Socket, res: ServerResponse): Promise<boolean> {
	switch (fault.kind) {
		case 'status':
			send(res, { status: fault.status, body: fault.body ?? { error: `injected ${fault.status}` } });
			return true;
		case 'rateLimit':
			send(res, {
				status: 429,
				headers: { 'retry-after': String(fault.retryAfterSeconds) },
				body: { error: 'Too Many Requests' },
			});
			return true;
		case 'delay':
			await new Promise((resolve) => setTimeout(resolve, fault.ms));
			return false;
		case 'reset':
			socket.destroy();
			return true;
		case 'sessionLoss':
			simulator.dropSessions();
			return false;
		case 'timeoutAfterCommit':
			return false;
	}
}
