import { request } from 'node:http';

import { SandboxControl, Simulator, startSimulator, WebhookSender, type RunningSimulator, type Router } from '../../sandbox/framework';

/** A tiny ledger: POST /credit adds to a balance, GET /balance reads it. */
class LedgerSimulator extends Simulator {
	readonly name = 'ledger';
	readonly title = 'test ledger';
	balance = 0;
	sessionsDropped = 0;
	routes(router: Router) {
		router.add('POST', '/credit', (req) => {
			this.balance += req.json<{ amount: number }>().amount;
			return { body: { balance: this.balance } };
		});
		router.add('GET', '/balance', () => ({ body: { balance: this.balance } }));
		router.add('GET', '/items/:id', (req) => ({ body: { id: req.params.id, connection: req.connectionId } }));
	}
	reset() {
		this.balance = 0;
	}
	state() {
		return { balance: this.balance };
	}
	credentials() {
		return {};
	}
	dropSessions() {
		this.sessionsDropped++;
	}
}

type Answer = { status: number; headers: Record<string, string | string[] | undefined>; body: string } | { error: string };

async function call(url: string, method: string, body?: unknown): Promise<Answer> {
	return await new Promise((resolve) => {
		const req = request(url, { method, headers: { 'content-type': 'application/json' } }, (res) => {
			let text = '';
			res.on('data', (c) => (text += c));
			res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
		});
		req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
		req.end(body === undefined ? undefined : JSON.stringify(body));
	});
}

describe('sandbox framework', () => {
	let running: RunningSimulator<LedgerSimulator>;
	let ledger: LedgerSimulator;
	beforeAll(async () => {
		running = await startSimulator(new LedgerSimulator());
		ledger = running.simulator;
	});
	afterAll(async () => await running.close());
	beforeEach(() => {
		ledger.reset();
		ledger.faults.clear();
	});

	it('listens on an ephemeral loopback port and routes with parameters', async () => {
		expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		const answer = await call(`${running.url}/items/42`, 'GET');
		expect(answer).toMatchObject({ status: 200 });
		expect(JSON.parse((answer as { body: string }).body).id).toBe('42');
	});

	it('answers 404 for an unknown endpoint and 405 for a wrong method', async () => {
		expect(await call(`${running.url}/nope`, 'GET')).toMatchObject({ status: 404 });
		expect(await call(`${running.url}/credit`, 'GET')).toMatchObject({ status: 405 });
	});

	it('injects a burst of 5xx answers, then recovers', async () => {
		ledger.faults.add({ fault: { kind: 'status', status: 503 }, path: '/credit', times: 2 });
		const statuses = [];
		for (let i = 0; i < 3; i++) statuses.push(((await call(`${running.url}/credit`, 'POST', { amount: 1 })) as { status: number }).status);
		expect(statuses).toEqual([503, 503, 200]);
		expect(ledger.balance).toBe(1);
	});

	it('injects 429 with Retry-After and does not apply the request', async () => {
		ledger.faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 7 } });
		const answer = (await call(`${running.url}/credit`, 'POST', { amount: 5 })) as { status: number; headers: Record<string, string> };
		expect(answer.status).toBe(429);
		expect(answer.headers['retry-after']).toBe('7');
		expect(ledger.balance).toBe(0);
	});

	it('resets the connection before applying anything', async () => {
		ledger.faults.add({ fault: { kind: 'reset' }, method: 'POST' });
		expect(await call(`${running.url}/credit`, 'POST', { amount: 5 })).toEqual({ error: 'ECONNRESET' });
		expect(ledger.balance).toBe(0);
	});

	it('applies the change but never answers on timeout-after-commit', async () => {
		ledger.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/credit' });
		expect(await call(`${running.url}/credit`, 'POST', { amount: 5 })).toEqual({ error: 'ECONNRESET' });
		expect(ledger.balance).toBe(5);
	});

	it('delays an answer and still applies it', async () => {
		ledger.faults.add({ fault: { kind: 'delay', ms: 50 } });
		expect(await call(`${running.url}/credit`, 'POST', { amount: 2 })).toMatchObject({ status: 200 });
		expect(ledger.faults.fired.map((f) => f.kind)).toEqual(['delay']);
		expect(ledger.balance).toBe(2);
	});

	it('drops the simulator sessions on session loss', async () => {
		ledger.faults.add({ fault: { kind: 'sessionLoss' } });
		await call(`${running.url}/balance`, 'GET');
		expect(ledger.sessionsDropped).toBe(1);
	});

	it('is controlled from another process through /__sandbox/', async () => {
		const control = new SandboxControl(running.url);
		await call(`${running.url}/credit`, 'POST', { amount: 9 });
		expect(await control.state()).toEqual({ balance: 9 });
		await control.addFaults({ fault: { kind: 'status', status: 500 }, path: '/balance' });
		expect(await call(`${running.url}/balance`, 'GET')).toMatchObject({ status: 500 });
		await control.reset();
		expect(await control.state()).toEqual({ balance: 0 });
	});

	it('rejects an unknown fault kind with a message listing the known ones', () => {
		expect(() => ledger.faults.add({ fault: { kind: 'meteor' } as never })).toThrow(/unknown fault kind "meteor" \(known: status, rateLimit/);
	});
});

describe('webhook delivery faults', () => {
	let receiver: RunningSimulator<Receiver>;
	class Receiver extends Simulator {
		readonly name = 'receiver';
		readonly title = 'records webhooks';
		received: Array<{ id: string; signature: string; timestamp: string }> = [];
		/** The most requests to /gate open at the same time. */
		maxOpenAtGate = 0;
		private openAtGate = 0;
		routes(router: Router) {
			// Holds each request until `size` have been open at once (or `ms` passed), so copies sent
			// one after another never overlap and copies sent at once all do.
			router.add('POST', '/gate/:size/:ms', async (req) => {
				this.openAtGate++;
				this.maxOpenAtGate = Math.max(this.maxOpenAtGate, this.openAtGate);
				const until = Date.now() + Number(req.params.ms);
				while (this.openAtGate < Number(req.params.size) && this.maxOpenAtGate < Number(req.params.size) && Date.now() < until) {
					await new Promise((resolve) => setTimeout(resolve, 5));
				}
				this.openAtGate--;
				return { body: { ok: true } };
			});
			router.add('POST', '/hook', (req) => {
				const signature = String(req.headers['x-signature']);
				this.received.push({ id: req.json<{ id: string }>().id, signature, timestamp: String(req.headers['x-timestamp']) });
				return { status: signature === 'good' ? 200 : 401, body: { ok: signature === 'good' } };
			});
		}
		reset() {
			this.received = [];
			this.maxOpenAtGate = 0;
			this.openAtGate = 0;
		}
		state() {
			return this.received;
		}
		credentials() {
			return {};
		}
	}
	const sender = new WebhookSender(
		(event, { forge, timestampSeconds }) => ({
			headers: { 'x-signature': forge ? 'forged' : 'good', 'x-timestamp': String(timestampSeconds) },
			body: JSON.stringify({ id: event.id }),
		}),
		() => 1_000_000,
	);
	const event = (id: string) => ({ id, type: 'client.updated', payload: {} });

	beforeAll(async () => {
		receiver = await startSimulator(new Receiver());
	});
	afterAll(async () => await receiver.close());
	beforeEach(() => {
		receiver.simulator.reset();
		sender.clear();
	});

	it('delivers a duplicate', async () => {
		sender.addFault({ kind: 'duplicate', copies: 3 });
		await sender.send(`${receiver.url}/hook`, event('e1'));
		expect(receiver.simulator.received.map((r) => r.id)).toEqual(['e1', 'e1', 'e1']);
	});

	it('delivers duplicate copies one after another by default', async () => {
		sender.addFault({ kind: 'duplicate', copies: 3 });
		const deliveries = await sender.send(`${receiver.url}/gate/3/100`, event('seq'));
		expect(deliveries.map((d) => [d.attempt, d.status])).toEqual([
			[1, 200],
			[2, 200],
			[3, 200],
		]);
		expect(receiver.simulator.maxOpenAtGate).toBe(1);
	});

	it('delivers duplicate copies all at once with concurrent: true, each answered', async () => {
		sender.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		const deliveries = await sender.send(`${receiver.url}/gate/10/5000`, event('burst'));
		expect(receiver.simulator.maxOpenAtGate).toBe(10);
		expect(deliveries.map((d) => d.attempt).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
		expect(deliveries.every((d) => d.status === 200 && d.eventId === 'burst' && !d.forged)).toBe(true);
		expect(sender.deliveries).toHaveLength(10);
	});

	it('delivers held events out of order', async () => {
		sender.addFault({ kind: 'outOfOrder', count: 3 });
		await sender.send(`${receiver.url}/hook`, event('a'));
		await sender.send(`${receiver.url}/hook`, event('b'));
		expect(receiver.simulator.received).toEqual([]);
		await sender.send(`${receiver.url}/hook`, event('c'));
		expect(receiver.simulator.received.map((r) => r.id)).toEqual(['c', 'b', 'a']);
	});

	it('forges a signature and records the 401', async () => {
		sender.addFault({ kind: 'badSignature' });
		const [delivery] = await sender.send(`${receiver.url}/hook`, event('x'));
		expect(delivery).toMatchObject({ status: 401, forged: true });
	});

	it('sends a stale timestamp', async () => {
		sender.addFault({ kind: 'staleTimestamp', ageSeconds: 600 });
		await sender.send(`${receiver.url}/hook`, event('old'));
		expect(receiver.simulator.received[0].timestamp).toBe(String(1_000_000 - 600));
	});

	it('refuses an unknown delivery fault, naming the known ones', () => {
		expect(() => sender.addFault({ kind: 'lost' } as never)).toThrow(/unknown delivery fault "lost" \(known: duplicate, outOfOrder/);
	});

	it('hands every reply, headers included, to the reply hook', async () => {
		const replies: Array<{ status: number | 'error'; header?: string }> = [];
		const hooked = new WebhookSender(
			(event) => ({ headers: { 'x-signature': 'good' }, body: JSON.stringify({ id: event.id }) }),
			() => 1_000_000,
			(_event, reply) => replies.push({ status: reply.status, header: reply.headers['content-type'] }),
		);
		await hooked.send(`${receiver.url}/hook`, event('h1'));
		expect(replies).toEqual([{ status: 200, header: 'application/json' }]);
	});

	it('delivers concurrent copies', async () => {
		const deliveries = await sender.sendConcurrently(`${receiver.url}/hook`, event('c1'), 10);
		expect(deliveries).toHaveLength(10);
		expect(receiver.simulator.received.filter((r) => r.id === 'c1')).toHaveLength(10);
	});
});
