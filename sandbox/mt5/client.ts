/**
 * A bare Web API connection for tests and scripts: ONE keep-alive socket (`maxSockets: 1`, as
 * MetaQuotes' own samples and the Node/PHP/.NET clients in the reference keep one), raw answers
 * (status, headers, JSON), and the documented login handshake. It is deliberately not the node's
 * transport: no retries, no re-authentication, nothing hidden, so a test sees what the server sent.
 */
import { randomBytes } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';

import { challengeAnswer, passwordHash } from './auth';

export interface Mt5Reply {
	status: number;
	headers: IncomingHttpHeaders;
	text: string;
	/** The parsed body, or undefined when it is not JSON (e.g. the 403 without a session). */
	json: any;
}

export type Query = Record<string, string | number | boolean>;

export class Mt5Connection {
	readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });

	constructor(readonly baseUrl: string) {}

	get(path: string, query: Query = {}): Promise<Mt5Reply> {
		return this.send('GET', path, query);
	}

	/** POST with a JSON body sent as the docs say: Content-Type application/x-www-form-urlencoded. */
	post(path: string, query: Query = {}, body?: unknown): Promise<Mt5Reply> {
		return this.send('POST', path, query, body === undefined ? undefined : JSON.stringify(body));
	}

	/** auth/start + auth/answer; checks the server's cli_rand_answer. Returns both raw replies. */
	async login(
		login: number | string,
		password: string,
		options: { cliRand?: string; version?: number; agent?: string } = {},
	): Promise<{ start: Mt5Reply; answer: Mt5Reply; serverProved: boolean }> {
		const start = await this.get('/api/auth/start', {
			version: options.version ?? 4410,
			agent: options.agent ?? 'n8n-brokerage-test',
			login,
			type: 'manager',
		});
		if (start.json?.retcode !== '0 Done') return { start, answer: start, serverProved: false };
		const hash = passwordHash(password);
		const cliRand = options.cliRand ?? randomBytes(16).toString('hex');
		const answer = await this.get('/api/auth/answer', {
			srv_rand_answer: challengeAnswer(hash, start.json.srv_rand),
			cli_rand: cliRand,
		});
		const serverProved = answer.json?.cli_rand_answer === challengeAnswer(hash, cliRand);
		return { start, answer, serverProved };
	}

	/** Destroys the socket: the server sees the connection close. */
	close(): void {
		this.agent.destroy();
	}

	/** Any method, with a raw body as given (for malformed-request tests). */
	send(method: string, path: string, query: Query, body?: string): Promise<Mt5Reply> {
		const search = Object.entries(query)
			.map(([name, value]) => `${name}=${encodeURIComponent(String(value))}`)
			.join('&');
		const url = `${this.baseUrl}${path}${search ? `?${search}` : ''}`;
		return new Promise((resolve, reject) => {
			const req = request(
				url,
				{
					method,
					agent: this.agent,
					headers: {
						connection: 'keep-alive',
						...(body === undefined
							? {}
							: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) }),
					},
				},
				(res) => {
					const chunks: Buffer[] = [];
					res.on('data', (chunk: Buffer) => chunks.push(chunk));
					res.on('end', () => {
						const text = Buffer.concat(chunks).toString('utf8');
						let json: unknown;
						try {
							json = JSON.parse(text);
						} catch {
							json = undefined;
						}
						resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
					});
				},
			);
			req.on('error', reject);
			req.end(body);
		});
	}
}
