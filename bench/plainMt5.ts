/**
 * The benchmarks' baseline MT5 client: Node's http with one keep-alive socket (MT5 binds the
 * session to it), the challenge–response login, JSON answers — nothing of ours beyond the password
 * hashing MetaQuotes specifies. What our node does on top of this is what the benches measure.
 */
import { Agent, request } from 'node:http';

import { newClientRand, passwordHash, randAnswer } from '../nodes/MetaTrader5/transport/auth';

export const BENCH_MANAGER = { login: '1015', password: 'Sandbox#Mgr1' };

export interface Mt5Answer {
	retcode?: string;
	answer?: unknown;
	[key: string]: unknown;
}

export interface PlainMt5Client {
	/** One call; refuses an HTTP status other than 200 or a retcode other than 0. */
	call(method: 'GET' | 'POST', path: string, query: Record<string, string | number>): Promise<Mt5Answer>;
	login(): Promise<void>;
	close(): void;
}

export function plainMt5Client(baseUrl: string): PlainMt5Client {
	const agent = new Agent({ keepAlive: true, maxSockets: 1 });
	const call: PlainMt5Client['call'] = (method, path, query) =>
		new Promise((resolve, reject) => {
			const url = `${baseUrl}${path}?${new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]))}`;
			const req = request(url, { method, agent }, (res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Mt5Answer;
					if (res.statusCode !== 200 || !String(body.retcode ?? '').startsWith('0')) reject(new Error(`${path}: ${res.statusCode} ${body.retcode}`));
					else resolve(body);
				});
			});
			req.on('error', reject);
			req.end();
		});
	return {
		call,
		async login() {
			const hash = passwordHash(BENCH_MANAGER.password);
			const start = await call('GET', '/api/auth/start', { version: 484, agent: 'bench', login: BENCH_MANAGER.login, type: 'manager' });
			await call('GET', '/api/auth/answer', { srv_rand_answer: randAnswer(hash, String(start.srv_rand)), cli_rand: newClientRand() });
		},
		close: () => agent.destroy(),
	};
}
