/**
 * A brokerage's side of the Sumsub API for tests and the demo: signs a call the documented way
 * (written apart from the node's transport, with node:crypto) and sends it with fetch.
 */
import { createHmac } from 'node:crypto';

export interface SumsubAccount {
	baseUrl: string;
	appToken: string;
	secretKey: string;
}

/** Headers for one call: X-App-Access-Sig = hex HMAC-SHA256(secret, ts + METHOD + path?query + body). */
export function signSumsubRequest(account: SumsubAccount, method: string, pathWithQuery: string, body: Buffer | string = '', timestampSeconds = Math.floor(Date.now() / 1000)) {
	const payload = Buffer.concat([Buffer.from(`${timestampSeconds}${method.toUpperCase()}${pathWithQuery}`, 'utf8'), Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')]);
	return {
		'X-App-Token': account.appToken,
		'X-App-Access-Ts': String(timestampSeconds),
		'X-App-Access-Sig': createHmac('sha256', account.secretKey).update(payload).digest('hex'),
	};
}

/** One signed call; resolves with the status, the headers and the parsed JSON answer. */
export async function sumsubCall(
	account: SumsubAccount,
	method: 'GET' | 'POST',
	pathWithQuery: string,
	body?: unknown,
	options: { contentType?: string; headers?: Record<string, string>; timestampSeconds?: number } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
	const raw = body === undefined ? '' : Buffer.isBuffer(body) || typeof body === 'string' ? body : JSON.stringify(body);
	const response = await fetch(`${account.baseUrl}${pathWithQuery}`, {
		method,
		headers: {
			'Content-Type': options.contentType ?? 'application/json',
			...signSumsubRequest(account, method, pathWithQuery, raw, options.timestampSeconds),
			...(options.headers ?? {}),
		},
		body: method === 'GET' ? undefined : raw,
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
