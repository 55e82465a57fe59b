/**
 * Scale-out: n8n in queue mode — PostgreSQL and Redis from Debian's packages, one main process that
 * receives the webhooks and two workers that run the executions — with the deposit template. Many
 * approved Praxis deposits arrive at once, a share of them twice: once as sent, and again as Praxis
 * resends a notification (a new timestamp, so a new signature: the trigger's replay guard cannot
 * tell it from a new event), so both copies run, on whichever workers take them. Every deposit must
 * be credited exactly once on MT5 and recorded once in the CRM.
 *
 * SCALE_DEPOSITS (default 1000) and SCALE_DUPLICATE_SHARE (default 0.3) size the run.
 */
import { readFileSync } from 'node:fs';

import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit, signJsonText } from '../../sandbox/praxis';
import { startN8n, type N8nInstance } from '../e2e/n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from '../e2e/templates';
import { startPostgres, startRedis, type RunningPostgres, type RunningServer } from './servers';

const DEPOSITS = Number(process.env.SCALE_DEPOSITS ?? 1000);
const DUPLICATE_SHARE = Number(process.env.SCALE_DUPLICATE_SHARE ?? 0.3);
const CLIENTS = 20;
/** Clients approved at once for the provisioning case; each approval arrives three times. */
const APPROVALS = Number(process.env.SCALE_APPROVALS ?? 60);
const CRM_SECRET = 'whsec_scale_provisioning_0123456789ab';
/** Deposits in flight at once (the notifications of a busy hour, compressed). */
const IN_FLIGHT = 40;

describe(`Deposit template in n8n queue mode (main + 2 workers, PostgreSQL, Redis): ${DEPOSITS} deposits, ${Math.round(DUPLICATE_SHARE * 100)}% resent`, () => {
	let postgres: RunningPostgres;
	let redis: RunningServer;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	const clients: Array<{ clientId: string; login: number }> = [];

	const crmCall = async <T>(method: string, path: string, body: unknown): Promise<T> => {
		const response = await fetch(`${sandbox.crm.url}${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
			body: JSON.stringify(body),
		});
		if (response.status !== 201) throw new Error(`CRM ${method} ${path}: ${response.status} ${await response.text()}`);
		return (await response.json()) as T;
	};

	beforeAll(async () => {
		[postgres, redis, sandbox] = await Promise.all([startPostgres(), startRedis(), startSandbox()]);
		const wiring = sandboxWiring(sandbox, CRM_SECRET);
		const deposits = loadTemplate('deposit-credit-once', wiring);
		workflowId = deposits.id as string;
		n8n = await startN8n({
			workflows: [deposits, loadTemplate('provision-trading-account', wiring), loadTemplate('error-to-review-queue', wiring)],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['praxis', 'crm-kyc'],
			workers: 2,
			// One execution at a time per worker: copies of one event queued next to each other then run on
			// different workers at the same time, the race a shared claim must win.
			workerConcurrency: 1,
			env: {
				EXECUTIONS_MODE: 'queue',
				QUEUE_BULL_REDIS_HOST: '127.0.0.1',
				QUEUE_BULL_REDIS_PORT: String(redis.port),
				DB_TYPE: 'postgresdb',
				DB_POSTGRESDB_HOST: '127.0.0.1',
				DB_POSTGRESDB_PORT: String(postgres.port),
				DB_POSTGRESDB_DATABASE: postgres.database,
				DB_POSTGRESDB_USER: postgres.user,
				DB_POSTGRESDB_PASSWORD: postgres.password,
				// Webhook executions go to the workers too, not only scheduled ones.
				OFFLOAD_MANUAL_EXECUTIONS_TO_WORKERS: 'true',
			},
			timeoutMs: 300_000,
		});
		for (let i = 0; i < CLIENTS; i++) {
			const email = `scale.client.${i}@example.com`;
			const login = sandbox.mt5.simulator.addAccount({ group: 'real\\standard', name: `Scale Client ${i}`, leverage: 100 });
			const { id } = await crmCall<{ id: number }>('POST', '/api/clients', { first_name: 'Scale', last_name: `Client ${i}`, email });
			await crmCall('POST', `/api/clients/${id}/trading-accounts`, { platform: 'mt5', login: String(login), group: 'real\\standard', leverage: 100, currency: 'USD' });
			clients.push({ clientId: String(id), login });
		}
	}, 420_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await redis?.stop();
		await postgres?.stop();
	}, 120_000);

	it('credits every deposit exactly once on MT5 and records it once in the CRM, whichever worker runs each copy', async () => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		const merchant = { baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret };
		const resendEvery = DUPLICATE_SHARE > 0 ? Math.round(1 / DUPLICATE_SHARE) : 0;
		let resent = 0;

		// A resend as Praxis makes it after a lost acknowledgement: the same notification, a new
		// timestamp, so a new signature.
		const resend = async (body: string) => {
			const again = body.replace(/"timestamp":(\d+)/, (_m, seconds: string) => `"timestamp":${Number(seconds) + 1}`);
			const response = await fetch(n8n.webhookUrl('praxis'), {
				method: 'POST',
				headers: { 'content-type': 'application/json; charset=utf-8', 'gt-authentication': signJsonText(again, 'notification', merchant_secret) },
				body: again,
			});
			if (response.status !== 200) throw new Error(`resend answered ${response.status}`);
			resent++;
		};

		const deposit = async (index: number) => {
			const client = clients[index % CLIENTS];
			const orderId = `scale-${index}`;
			await openPraxisDeposit(merchant, { cid: client.clientId, orderId, amountMinor: 10_000 + index, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') });
			const { notification } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
			// The resend lands while the first copy is still queued or running on a worker.
			if (resendEvery && index % resendEvery === 0) await resend(notification.body ?? '');
		};

		for (let start = 0; start < DEPOSITS; start += IN_FLIGHT) {
			await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, DEPOSITS - start) }, (_, k) => deposit(start + k)));
		}
		await n8n.api.waitForExecutions(workflowId, { count: DEPOSITS + resent, timeoutMs: 600_000 });

		// Exactly once: one MT5 deposit deal per Praxis transaction, across every account.
		const deals = clients.flatMap(({ login }) => sandbox.mt5.simulator.dealsOf(login).filter((d) => d.Action === '2'));
		const byKey = new Map<string, number>();
		for (const deal of deals) byKey.set(String(deal.Comment), (byKey.get(String(deal.Comment)) ?? 0) + 1);
		const twice = [...byKey].filter(([, count]) => count > 1);
		expect(twice).toEqual([]);
		expect(byKey.size).toBe(DEPOSITS);

		// Recorded once in the CRM, by the same key.
		const references = sandbox.crm.simulator.state().transactions.map((t) => t.reference).filter((r) => r?.startsWith('praxis:'));
		expect(new Set(references).size).toBe(references.length);
		expect(references).toHaveLength(DEPOSITS);

		// Both workers did work: the executions really were spread out.
		const perWorker = n8n.workerLogFiles.map((file) => (readFileSync(file, 'utf8').match(/Worker started execution/g) ?? []).length);
		for (const count of perWorker) expect(count).toBeGreaterThan(0);
		expect(perWorker.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(DEPOSITS + resent);
		console.log(`queue mode: ${DEPOSITS} deposits, ${resent} resent, executions per worker ${perWorker.join(' / ')}`);
	}, 1_800_000);

	it('opens exactly one trading account per client when each KYC approval arrives three times at once', async () => {
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-kyc'), ['client.kyc_approved'], { secret: CRM_SECRET });
		const before = await n8n.api.listExecutions({ workflowId: 'provisiontrading' });
		const approved: Array<Record<string, unknown>> = [];
		for (let i = 0; i < APPROVALS; i++) {
			approved.push(await crmCall<Record<string, unknown>>('POST', '/api/clients', { first_name: 'Queue', last_name: `Approval ${i}`, email: `queue.approval.${i}@example.com`, country: 'CY' }));
		}
		// The CRM's own event, and two more deliveries of it (new event ids, new signatures: the
		// trigger's replay guard lets them through), all at the same time.
		await Promise.all(
			approved.map(async (client) => {
				const patched = await fetch(`${sandbox.crm.url}/api/clients/${String(client.id)}`, {
					method: 'PATCH',
					headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
					body: JSON.stringify({ kyc_status: 'approved' }),
				});
				const data = (await patched.json()) as Record<string, unknown>;
				await Promise.all([sandbox.crm.simulator.sendEvent('client.kyc_approved', data), sandbox.crm.simulator.sendEvent('client.kyc_approved', data)]);
			}),
		);
		await sandbox.crm.simulator.idle();
		await n8n.api.waitForExecutions('provisiontrading', { count: before.length + 3 * APPROVALS, timeoutMs: 600_000 });

		const accounts = (sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string }> }).accounts;
		const opened = approved.map((client) => accounts.filter((a) => a.comment === `crm:${String(client.id)}`).length);
		expect(opened.filter((count) => count !== 1)).toEqual([]);
		const linked = await Promise.all(approved.map(async (client) => ((await (await fetch(`${sandbox.crm.url}/api/clients/${String(client.id)}/trading-accounts`, { headers: { 'x-api-key': sandbox.crm.simulator.credentials().apiKey } })).json()) as { data: unknown[] }).data.length));
		expect(linked.filter((count) => count !== 1)).toEqual([]);
	}, 900_000);
});
