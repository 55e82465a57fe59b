/**
 * The deposit template in real n8n: webhook-to-credit latency (p50, p95) and throughput, serial and
 * 8 at a time, beside
 *   floor — a bare Webhook → Respond to Webhook workflow (n8n's own floor: a round trip);
 *   stock — the same job built only from n8n's stock nodes (Webhook with the raw body, a Code node
 *           that verifies Praxis's GT-Authentication and signs the reply, Respond to Webhook, HTTP
 *           Request nodes for the CRM lookup, the CRM claim, the cTrader token and changebalance and
 *           the CRM record, Data Table nodes for the audit outbox).
 * Both builds credit a cTrader account (a stock HTTP Request node cannot hold MT5's keep-alive
 * session, so MT5 cannot be the common ground). The latency ends when the simulator applies the
 * credit. Runs one n8n with all three workflows; prints one JSON line.
 *
 *   tsx bench/depositTemplate.ts [serial deposits] [concurrent deposits]
 */
import { md5Hex } from '../sandbox/ctrader/simulator';
import { startSandbox, type Sandbox } from '../sandbox';
import { openPraxisDeposit } from '../sandbox/praxis';
import { startN8n, type E2eWorkflow, type N8nInstance } from '../test/e2e/n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring, type SandboxWiring } from '../test/e2e/templates';
import { crmRequest } from '../test/e2e/support';

const CONCURRENCY = 8;
/** Rounds each measurement is split into (floor, ours, stock in turn each round). */
const ROUNDS = 5;

interface Sample {
	ms: number;
}

/** The stock-node build of the deposit job: what a careful n8n user would wire without our nodes. */
function stockWorkflow(wiring: SandboxWiring): E2eWorkflow {
	const verify = `
// Praxis signs raw field values ("1.000000", not 1), so read them from the raw body, not the parsed JSON.
const crypto = require('crypto');
const SECRET = ${JSON.stringify(wiring.praxis.merchantSecret)};
const FIELDS = ['merchant_id','application_key','timestamp','customer.customer_token','session.order_id','transaction.tid','transaction.currency','transaction.amount','transaction.conversion_rate','transaction.processed_currency','transaction.processed_amount'];
const raw = (await this.helpers.getBinaryDataBuffer(0, 'data')).toString('utf8');
// Scalars by dotted path, as written.
const tokens = new Map(); const path = []; let i = 0; let key = null;
const ws = () => { while (/\\s/.test(raw[i])) i++; };
function value() {
	ws();
	if (raw[i] === '{') { i++; ws(); if (raw[i] === '}') { i++; return; }
		for (;;) { ws(); const k = string(); ws(); i++; path.push(k); value(); path.pop(); ws(); if (raw[i++] === '}') return; } }
	if (raw[i] === '[') { i++; let n = 0; ws(); if (raw[i] === ']') { i++; return; }
		for (;;) { path.push(String(n++)); value(); path.pop(); ws(); if (raw[i++] === ']') return; } }
	if (raw[i] === '"') { tokens.set(path.join('.'), string()); return; }
	const m = /^(-?\\d+(?:\\.\\d+)?(?:[eE][+-]?\\d+)?|true|false|null)/.exec(raw.slice(i));
	i += m[0].length; tokens.set(path.join('.'), m[0] === 'null' ? null : m[0]);
}
function string() { let j = i + 1, s = ''; while (raw[j] !== '"') { if (raw[j] === '\\\\') { s += JSON.parse('"' + raw.slice(j, j + (raw[j+1] === 'u' ? 6 : 2)) + '"'); j += raw[j+1] === 'u' ? 6 : 2; } else s += raw[j++]; } i = j + 1; return s; }
value();
const sign = (values) => crypto.createHash('sha384').update(values.filter((v) => v !== null && v !== undefined).join('') + SECRET).digest('hex');
const given = String($input.first().json.headers['gt-authentication'] ?? '');
const expected = sign(FIELDS.map((f) => tokens.get(f)));
const fresh = Math.abs(Date.now() / 1000 - Number(tokens.get('timestamp'))) <= 300;
const valid = given.length === expected.length && crypto.timingSafeEqual(Buffer.from(given), Buffer.from(expected)) && fresh;
const now = Math.floor(Date.now() / 1000);
const minor = BigInt(tokens.get('transaction.processed_amount') ?? '0');
return [{ json: {
	valid,
	approved: tokens.get('transaction.transaction_status') === 'approved' && tokens.get('transaction.transaction_type') === 'sale',
	key: 'praxis:' + tokens.get('transaction.tid'),
	tid: tokens.get('transaction.tid'),
	clientId: tokens.get('session.cid'),
	amount: (minor / 100n).toString() + '.' + (minor % 100n).toString().padStart(2, '0'),
	currency: tokens.get('transaction.processed_currency'),
	reply: { body: JSON.stringify({ status: valid ? 0 : 1, description: valid ? 'OK' : 'refused', version: '1.3', timestamp: now }), signature: sign([valid ? '0' : '1', String(now)]) },
} }];`;
	const crm = wiring.crmBaseUrl;
	const ct = wiring.ctrader;
	const crmAuth = { authentication: 'genericCredentialType', genericAuthType: 'httpHeaderAuth' };
	const crmCredential = { httpHeaderAuth: { id: 'crm-api-key', name: 'CRM API key' } };
	const node = (name: string, type: string, typeVersion: number, x: number, parameters: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
		id: `bench-stock-${name.replace(/\W+/g, '-').toLowerCase()}`,
		name,
		type,
		typeVersion,
		position: [x, 0] as [number, number],
		parameters,
		...extra,
	});
	/** An IF node passing items on its true output when `condition` (a boolean expression) holds. */
	const ifTrue = (name: string, x: number, id: string, condition: string) =>
		node(name, 'n8n-nodes-base.if', 2.2, x, {
			conditions: {
				options: { caseSensitive: true, leftValue: '', typeValidation: 'strict', version: 2 },
				conditions: [{ id, leftValue: condition, rightValue: '', operator: { type: 'boolean', operation: 'true', singleValue: true } }],
				combinator: 'and',
			},
			options: {},
		});
	const nodes = [
		node('Praxis Notification', 'n8n-nodes-base.webhook', 2.1, 0, { httpMethod: 'POST', path: 'bench/stock-praxis', responseMode: 'responseNode', options: { rawBody: true } }, { webhookId: 'b7c1d2e3-0000-4000-8000-00000000b001' }),
		node('Verify and Read', 'n8n-nodes-base.code', 2, 200, { mode: 'runOnceForAllItems', jsCode: verify }),
		node('Answer Praxis', 'n8n-nodes-base.respondToWebhook', 1.4, 400, {
			respondWith: 'text',
			responseBody: '={{ $json.reply.body }}',
			options: { responseHeaders: { entries: [{ name: 'GT-Authentication', value: '={{ $json.reply.signature }}' }, { name: 'Content-Type', value: 'application/json' }] } },
		}),
		ifTrue('Approved Deposit?', 600, 'ok', '={{ $json.valid && $json.approved }}'),
		node('Accounts', 'n8n-nodes-base.httpRequest', 4.2, 800, { method: 'GET', url: `=${crm}/api/clients/{{ $json.clientId }}/trading-accounts`, ...crmAuth, options: {} }, { credentials: crmCredential }),
		node('Claim', 'n8n-nodes-base.httpRequest', 4.2, 1000, {
			method: 'POST',
			url: `${crm}/api/transactions`,
			...crmAuth,
			sendBody: true,
			specifyBody: 'json',
			jsonBody:
				"={{ JSON.stringify({ client_id: Number($('Verify and Read').item.json.clientId), login: $json.data.find(a => a.platform === 'ctrader').login, type: 'deposit', amount: $('Verify and Read').item.json.amount, currency: $('Verify and Read').item.json.currency, status: 'pending', psp: 'praxis', psp_transaction_id: $('Verify and Read').item.json.tid, reference: $('Verify and Read').item.json.key }) }}",
			options: { response: { response: { fullResponse: true, neverError: true } } },
		}, { credentials: crmCredential }),
		ifTrue('Claimed?', 1200, 'claimed', '={{ $json.statusCode === 201 }}'),
		node('cTrader Token', 'n8n-nodes-base.httpRequest', 4.2, 1400, {
			method: 'POST',
			url: `${ct.baseUrl}/webserv/managers/token`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: JSON.stringify({ login: Number(ct.managerLogin), hashedPassword: md5Hex(ct.password) }),
			options: {},
		}),
		node('Credit cTrader', 'n8n-nodes-base.httpRequest', 4.2, 1600, {
			method: 'POST',
			url: `=${ct.baseUrl}/webserv/traders/{{ $('Accounts').item.json.data.find(a => a.platform === 'ctrader').login }}/changebalance?token={{ $json.webservToken }}`,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: "={{ JSON.stringify({ login: Number($('Accounts').item.json.data.find(a => a.platform === 'ctrader').login), preciseAmount: Number($('Verify and Read').item.json.amount), type: 'DEPOSIT', externalId: $('Verify and Read').item.json.key }) }}",
			options: {},
		}),
		node('Record in CRM', 'n8n-nodes-base.httpRequest', 4.2, 1800, {
			method: 'PUT',
			url: `=${crm}/api/transactions/by-reference/{{ encodeURIComponent($('Verify and Read').item.json.key) }}`,
			...crmAuth,
			sendBody: true,
			specifyBody: 'json',
			jsonBody: "={{ JSON.stringify({ status: 'completed' }) }}",
			options: {},
		}, { credentials: crmCredential }),
		node('Ensure Audit Outbox', 'n8n-nodes-base.dataTable', 1.1, 2000, {
			resource: 'table',
			operation: 'create',
			tableName: 'brokerage_audit_outbox',
			columns: { column: ['at_utc', 'workflow_id', 'workflow_name', 'execution_id', 'system', 'action', 'subject', 'idempotency_key', 'outcome', 'detail'].map((name) => ({ name, type: 'string' })) },
			options: { createIfNotExists: true },
		}, { retryOnFail: true, maxTries: 3, waitBetweenTries: 200 }),
		node('Write Audit Outbox', 'n8n-nodes-base.dataTable', 1.1, 2200, {
			resource: 'row',
			operation: 'insert',
			dataTableId: { __rl: true, mode: 'name', value: 'brokerage_audit_outbox' },
			columns: {
				mappingMode: 'defineBelow',
				value: {
					at_utc: '={{ $now.toUTC().toISO() }}',
					workflow_id: '={{ $workflow.id }}',
					workflow_name: '={{ $workflow.name }}',
					execution_id: '={{ $execution.id }}',
					system: 'ctrader',
					action: 'balance.deposit',
					subject: "={{ String($('Accounts').item.json.data.find(a => a.platform === 'ctrader').login) }}",
					idempotency_key: "={{ $('Verify and Read').item.json.key }}",
					outcome: 'applied',
					detail: "={{ 'deposit ' + $('Verify and Read').item.json.amount + ' ' + $('Verify and Read').item.json.currency }}",
				},
				matchingColumns: [],
				schema: [],
			},
			options: {},
		}),
	];
	const chain = ['Praxis Notification', 'Verify and Read', 'Answer Praxis', 'Approved Deposit?', 'Accounts', 'Claim', 'Claimed?', 'cTrader Token', 'Credit cTrader', 'Record in CRM', 'Ensure Audit Outbox', 'Write Audit Outbox'];
	const connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }> = {};
	for (let k = 0; k < chain.length - 1; k++) connections[chain[k]] = { main: [[{ node: chain[k + 1], type: 'main', index: 0 }]] };
	return { id: 'benchstockdeposi', name: 'Bench: deposit from stock nodes', nodes: nodes as E2eWorkflow['nodes'], connections: connections as E2eWorkflow['connections'], settings: { executionOrder: 'v1' } };
}

const floorWorkflow: E2eWorkflow = {
	id: 'benchfloorwebhoo',
	name: 'Bench: bare webhook floor',
	nodes: [
		{ id: 'bench-floor-1', name: 'Webhook', type: 'n8n-nodes-base.webhook', typeVersion: 2.1, position: [0, 0], parameters: { httpMethod: 'POST', path: 'bench/floor', responseMode: 'responseNode', options: {} }, webhookId: 'b7c1d2e3-0000-4000-8000-00000000f001' },
		{ id: 'bench-floor-2', name: 'Respond', type: 'n8n-nodes-base.respondToWebhook', typeVersion: 1.4, position: [200, 0], parameters: { respondWith: 'json', responseBody: '={{ { "ok": true } }}', options: {} } },
	],
	connections: { Webhook: { main: [[{ node: 'Respond', type: 'main', index: 0 }]] } },
	settings: { executionOrder: 'v1' },
};

function percentile(values: number[], p: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
	const [serialArg = '40', concurrentArg = '80'] = process.argv.slice(2);
	const serial = Number(serialArg);
	const concurrent = Number(concurrentArg);
	const sandbox: Sandbox = await startSandbox();
	const wiring = sandboxWiring(sandbox, 'bench-secret-0123456789abcdef');
	const ours = loadTemplate('deposit-credit-once', wiring);
	let n8n: N8nInstance | undefined;
	try {
		n8n = await startN8n({
			workflows: [ours, stockWorkflow(wiring), floorWorkflow],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['praxis'],
			// The stock build's Code node verifies the signature with Node's crypto. BENCH_N8N_NODE_OPTIONS
			// reaches n8n's process, e.g. "--import <script>" that starts node:inspector's profiler to see
			// where a deposit's time goes (Node refuses --cpu-prof itself in NODE_OPTIONS).
			env: { NODE_FUNCTION_ALLOW_BUILTIN: 'crypto', ...(process.env.BENCH_N8N_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_N8N_NODE_OPTIONS } : {}) },
		});
		const running = n8n;

		// cTrader-only clients, as both builds credit cTrader.
		const clients: Array<{ clientId: string; login: number }> = [];
		for (let c = 0; c < 16; c++) {
			const login = sandbox.ctrader.simulator.seedTrader({ name: 'Bench', lastName: `Client ${c}`, email: `bench.${c}@example.com`, depositCurrency: 'USD', balance: '0.00' });
			const client = await crmRequest(sandbox, 'POST', '/api/clients', { first_name: 'Bench', last_name: `Client ${c}`, email: `bench.${c}@example.com`, country: 'CY' });
			await crmRequest(sandbox, 'POST', `/api/clients/${String(client.id)}/trading-accounts`, { platform: 'ctrader', login: String(login), group: 'Standard', leverage: 100, currency: 'USD' });
			clients.push({ clientId: String(client.id), login });
		}
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		const merchant = { baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret };
		let order = 0;
		// The simulator's own ledger, read directly: polled every millisecond, so no JSON is built.
		const ledger = (sandbox.ctrader.simulator as unknown as { history: Array<{ login: number; externalId?: string }> }).history;
		const credited = (login: number, key: string) => ledger.some((entry) => entry.login === login && entry.externalId === key);

		/** One deposit through a build: notification sent → credit applied on cTrader. */
		const deposit = async (path: string): Promise<Sample> => {
			const client = clients[order % clients.length];
			const orderId = `bench-${path.replace(/\W/g, '')}-${++order}`;
			await openPraxisDeposit(merchant, { cid: client.clientId, orderId, amountMinor: 10_000 + order, currency: 'USD', notificationUrl: running.webhookUrl(path) });
			const started = performance.now();
			const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
			const key = `praxis:${transaction.tid}`;
			while (!credited(client.login, key)) {
				if (performance.now() - started > 30_000) throw new Error(`${path}: ${key} was not credited within 30 s`);
				await new Promise((resolve) => setTimeout(resolve, 1));
			}
			return { ms: performance.now() - started };
		};
		const floor = async (): Promise<Sample> => {
			const started = performance.now();
			const response = await fetch(running.webhookUrl('bench/floor'), { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"ping":1}' });
			await response.text();
			if (response.status !== 200) throw new Error(`floor answered ${response.status}`);
			return { ms: performance.now() - started };
		};
		/** `count` runs of `one`, `parallel` at a time: their latencies and how long the batch took. */
		const batch = async (one: () => Promise<Sample>, count: number, parallel: number) => {
			const samples: number[] = [];
			const started = performance.now();
			let next = 0;
			await Promise.all(
				Array.from({ length: parallel }, async () => {
					while (next < count) {
						next++;
						samples.push((await one()).ms);
					}
				}),
			);
			return { samples, seconds: (performance.now() - started) / 1000 };
		};

		// Warm up each path (first runs load code and open connections).
		for (let w = 0; w < 5; w++) {
			await floor();
			await deposit('praxis');
			await deposit('bench/stock-praxis');
		}
		// Measured in rounds, floor / ours / stock in turn, so a busy spell on the shared machine falls
		// on all three alike rather than on whichever block it happened to meet.
		// BENCH_TEMPLATE_VARIANTS picks some (e.g. "ours" alone under a profiler).
		const picked = new Set((process.env.BENCH_TEMPLATE_VARIANTS ?? 'floor,ours,stock').split(','));
		const variants = Object.fromEntries(
			Object.entries({ floor, ours: () => deposit('praxis'), stock: () => deposit('bench/stock-praxis') }).filter(([name]) => picked.has(name)),
		);
		const result: Record<string, unknown> = {};
		for (const [label, parallel, count] of [
			['serial', 1, serial],
			['concurrent', CONCURRENCY, concurrent],
		] as const) {
			const perRound = Math.max(parallel, Math.ceil(count / ROUNDS));
			const gathered = Object.fromEntries(Object.keys(variants).map((name) => [name, { samples: [] as number[], seconds: 0 }]));
			for (let done = 0; done < count; done += perRound) {
				for (const [name, one] of Object.entries(variants)) {
					const part = await batch(one, Math.min(perRound, count - done), parallel);
					gathered[name].samples.push(...part.samples);
					gathered[name].seconds += part.seconds;
				}
			}
			result[label] = Object.fromEntries(
				Object.entries(gathered).map(([name, { samples, seconds }]) => [
					name,
					{ count: samples.length, parallel, p50: percentile(samples, 50), p95: percentile(samples, 95), perSecond: samples.length / seconds },
				]),
			);
		}
		// Both builds really did the job once each: every deposit credited exactly once.
		const all = clients.flatMap(({ login }) => sandbox.ctrader.simulator.balanceHistory(login).map((entry) => String(entry.externalId)));
		if (new Set(all).size !== all.length) throw new Error('a deposit was credited twice');
		process.stdout.write(`${JSON.stringify({ deposits: all.length, ...result })}\n`);
	} finally {
		await n8n?.stop();
		await sandbox.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
