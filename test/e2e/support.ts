/**
 * Small helpers every e2e suite needs: calling the sandbox CRM's API as an integration would,
 * waiting for an outcome of a template that runs asynchronously to the test, reading the alerts and
 * the review queue, and picking free loopback ports for servers a suite starts.
 */
import { createServer } from 'node:net';

import type { Sandbox } from '../../sandbox';
import type { N8nInstance } from './n8n';

/** One call to the sandbox CRM with its API key; answers the parsed JSON body. */
export async function crmRequest(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
	const response = await fetch(`${sandbox.crm.url}${path}`, {
		method,
		headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as Record<string, unknown>;
}

/** Retries an assertion until it holds or the time is up (then its last failure is thrown). */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await assertion();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 150));
		}
	}
}

/** The next ops alert (Slack sink) after the first `from` ones whose text matches; throws when none comes. */
export async function nextAlert(sandbox: Sandbox, from: number, pattern: RegExp, timeoutMs = 20_000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const texts = sandbox.alerts.simulator.received().slice(from).map((alert) => alert.text ?? '');
		const found = texts.find((text) => pattern.test(text));
		if (found) return found;
		if (Date.now() > deadline) throw new Error(`no alert matching ${pattern}; got ${JSON.stringify(texts)}`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export interface ReviewQueueRow {
	id: number;
	received_at: string;
	idempotency_key: string;
	client_id: string;
	amount: string;
	currency: string;
	reason: string;
	status: string;
}

/** The rows of the templates' review queue (Data Table `brokerage_review_queue`), read through n8n's API. */
export async function reviewQueueRows(n8n: N8nInstance): Promise<ReviewQueueRow[]> {
	const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name: 'brokerage_review_queue' }))}`);
	const table = tables.data.find((t) => t.name === 'brokerage_review_queue');
	return table ? (await n8n.api.request<{ data: ReviewQueueRow[] }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data : [];
}

/** A TCP port free on 127.0.0.1 right now, for a server a suite is about to start. */
export async function freePort(): Promise<number> {
	return await new Promise((resolve, reject) => {
		const server = createServer();
		server.once('error', reject);
		server.listen(0, '127.0.0.1', () => {
			const { port } = server.address() as { port: number };
			server.close(() => resolve(port));
		});
	});
}
