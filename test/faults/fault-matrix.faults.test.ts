/**
 * `npm run test:faults`: the fault matrix, in real n8n. For the money-moving deposit template and
 * the account-creating provisioning template, each fault the sandbox can inject — 5xx bursts, 429
 * with Retry-After, a timeout after the vendor committed, connection resets, MT5 session loss (on
 * the MT5 and, for the deposit, the cTrader side — a cTrader server assumed to book a repeated
 * externalId again, the worst case), ten concurrent duplicates, a resend with a new signature, out-of-order delivery, forged and stale
 * signatures, malformed JSON, missing fields, an oversized payload, non-Latin names. Every case
 * asserts: no duplicate, nothing lost (the event ends done, parked in the review queue or an alert,
 * or left with the sender to resend), and an error that says what is wrong. The table of cases and
 * outcomes, with totals, is printed at the end.
 *
 * The withdrawal template joins with the faults of its money step (the MT5 debit after approval),
 * of its PSP release, duplicated requests and approvers deciding at the same instant.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { computeHmac } from '../../lib/signatures';
import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit, openPraxisWithdrawal, signJsonText } from '../../sandbox/praxis';
import { decide, resumeUrlIn } from '../e2e/approvals';
import { startN8n, type N8nInstance } from '../e2e/n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from '../e2e/templates';
import { crmRequest, nextAlert, reviewQueueRows } from '../e2e/support';
import { ctraderFaults, expectSound, LATE_MS, mt5Faults, record, report, settleCase, sleep, type CaseOutcome, type CTraderFaultRule, type Ending, type Mt5FaultRule } from './matrix';

const ROOT = join(__dirname, '..', '..');
const CRM_SECRET = 'whsec_fault_matrix_0123456789abcdef';
const GREEK = { first_name: 'Ελένη', last_name: 'Χριστοδούλου' };

afterAll(() => report(ROOT));

describe('Fault matrix: deposit template (Praxis → MT5 or cTrader → CRM)', () => {
	const TEMPLATE = 'deposit-credit-once';
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let order = 0;

	const merchant = () => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		return { baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret };
	};
	const secret = () => sandbox.praxis.simulator.credentials().merchant_secret;
	const deals = (login: number, key: string) => sandbox.mt5.simulator.dealsOf(login).filter((d) => d.Comment === key && d.Action === '2');
	const ctraderCredits = (login: number, key: string) => sandbox.ctrader.simulator.balanceHistory(login).filter((entry) => entry.externalId === key);
	/** The client whose deposits go to cTrader (the others' go to MT5 500001). */
	let ctraderClient: { clientId: string; login: number };
	const crmTransactions = (key: string) => sandbox.crm.simulator.state().transactions.filter((t) => t.reference === key);
	const parked = async (key: string) => {
		const row = (await reviewQueueRows(n8n)).find((r) => r.idempotency_key === key && r.status === 'open');
		return row ? { ending: 'review' as const, error: row.reason } : undefined;
	};

	/** A cashier session for a client, as the cashier page opens it; its order id. */
	const open = async (clientId = '1001', amountMinor = 10_000) => {
		const orderId = `fm-${++order}`;
		await openPraxisDeposit(merchant(), { cid: clientId, orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') });
		return orderId;
	};
	/** Posts a notification body to the trigger, signed as Praxis signs it unless told otherwise. */
	const post = async (body: string, signature = signJsonText(body, 'notification', secret())) => {
		const response = await fetch(n8n.webhookUrl('praxis'), {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8', 'gt-authentication': signature },
			body,
		});
		return { status: response.status, text: await response.text() };
	};
	const resent = (body: string) => body.replace(/"timestamp":(\d+)/, (_m, s: string) => `"timestamp":${Number(s) + 1}`);

	/**
	 * Waits until the deposit is credited and completed in the CRM, or parked in the review queue,
	 * then a little longer for any late duplicate; the outcome, measured.
	 */
	const settle = async (fault: string, login: number, key: string, extra: Partial<CaseOutcome> = {}, platform: 'mt5' | 'ctrader' = 'mt5'): Promise<CaseOutcome> => {
		const credits = () => (platform === 'mt5' ? deals(login, key) : ctraderCredits(login, key)).length;
		const { ending, error } = await settleCase(async () =>
			credits() > 0 && crmTransactions(key).some((t) => t.status === 'completed') ? { ending: 'done' } : await parked(key),
		);
		const duplicates = Math.max(0, credits() - 1) + Math.max(0, crmTransactions(key).length - 1);
		return record({ template: TEMPLATE, fault, duplicates, ending, error, ...extra });
	};
	/** An MT5 fault on the next matching calls, then one approved deposit of client 1001 (MT5 500001). */
	const withMt5Fault = async (fault: string, rule: Mt5FaultRule) => {
		const orderId = await open();
		sandbox.mt5.simulator.faults.add(rule);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		const outcome = await settle(fault, 500001, `praxis:${transaction.tid}`);
		// The case is only a case if the fault met a request.
		expect(sandbox.mt5.simulator.faults.fired.map((f) => f.kind)).toContain(rule.fault.kind);
		sandbox.mt5.simulator.faults.clear();
		return outcome;
	};
	/** A cTrader fault on the next matching calls, then one approved deposit of the cTrader client. */
	const withCTraderFault = async (fault: string, rule: CTraderFaultRule) => {
		const orderId = await open(ctraderClient.clientId);
		sandbox.ctrader.simulator.faults.add(rule);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		const outcome = await settle(fault, ctraderClient.login, `praxis:${transaction.tid}`, {}, 'ctrader');
		// The case is only a case if the fault met a request.
		expect(sandbox.ctrader.simulator.faults.fired.map((f) => f.kind)).toContain(rule.fault.kind);
		sandbox.ctrader.simulator.faults.clear();
		return outcome;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, CRM_SECRET);
		n8n = await startN8n({
			workflows: [loadTemplate(TEMPLATE, wiring), loadTemplate('error-to-review-queue', wiring)],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['praxis'],
		});
		// The worst case: a cTrader server that books a repeated externalId again, so a second credit
		// would show (and be counted) instead of being refused for us.
		sandbox.ctrader.simulator.setExternalIdPolicy('accept');
		const login = sandbox.ctrader.simulator.seedTrader({ name: 'Fault', lastName: 'cTrader', email: 'fault.ctrader@example.com', depositCurrency: 'USD', balance: '0.00' });
		const client = await crmRequest(sandbox, 'POST', '/api/clients', { first_name: 'Fault', last_name: 'cTrader', email: 'fault.ctrader@example.com', country: 'CY' });
		await crmRequest(sandbox, 'POST', `/api/clients/${String(client.id)}/trading-accounts`, { platform: 'ctrader', login: String(login), group: 'Standard', leverage: 100, currency: 'USD' });
		ctraderClient = { clientId: String(client.id), login };
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it.each(mt5Faults({ method: 'POST', path: '/api/trade/balance' }, { method: 'GET', path: '/api/deal/get_batch' }))('%s while crediting', async (fault, rule) => {
		expectSound(await withMt5Fault(fault, rule));
	});

	// Rules are built per trader, so they are made once the cTrader client exists.
	it.each(ctraderFaults(0).map(([fault]) => fault))('%s while crediting', async (fault) => {
		const [, rule] = ctraderFaults(ctraderClient.login).find(([name]) => name === fault) as [string, CTraderFaultRule];
		expectSound(await withCTraderFault(fault, rule));
	});

	it('ten copies of one notification at the same time (cTrader client)', async () => {
		const orderId = await open(ctraderClient.clientId);
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		expectSound(await settle('ten concurrent duplicates (cTrader)', ctraderClient.login, `praxis:${transaction.tid}`, {}, 'ctrader'));
	});

	it('the CRM answers 5xx when the credit is recorded', async () => {
		const orderId = await open();
		sandbox.crm.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'PUT', path: '/api/transactions/by-reference/*', times: 10 });
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		const key = `praxis:${transaction.tid}`;
		const outcome = await settle('CRM 5xx recording the credit', 500001, key);
		sandbox.crm.simulator.faults.clear();
		// Credited once on MT5 and parked for ops, with the CRM's answer as the reason.
		expectSound(outcome, ['review']);
		expect(deals(500001, key)).toHaveLength(1);
	});

	it('ten copies of one notification at the same time', async () => {
		const orderId = await open();
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		expectSound(await settle('ten concurrent duplicates', 500001, `praxis:${transaction.tid}`));
	});

	it('resent with a new signature while the first copy is still running', async () => {
		const orderId = await open();
		const { transaction, notification } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		const again = await post(resent(notification.body ?? ''));
		expect(again.status).toBe(200);
		expectSound(await settle('resend with a new signature, concurrent', 500001, `praxis:${transaction.tid}`));
	});

	it('two notifications delivered in reverse order', async () => {
		const first = await open();
		const second = await open();
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'outOfOrder', count: 2 });
		const a = await sandbox.praxis.simulator.completeDeposit(first, { status: 'approved' });
		const b = await sandbox.praxis.simulator.completeDeposit(second, { status: 'approved' });
		const outcomes = [await settle('out-of-order delivery (1 of 2)', 500001, `praxis:${a.transaction.tid}`), await settle('out-of-order delivery (2 of 2)', 500001, `praxis:${b.transaction.tid}`)];
		for (const outcome of outcomes) expectSound(outcome);
	});

	it('a forged signature is refused; Praxis resends the genuine notification', async () => {
		const orderId = await open();
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const { transaction, deliveries } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		expect(deliveries.map((d) => d.status)).toEqual([401]);
		const key = `praxis:${transaction.tid}`;
		expect(deals(500001, key)).toHaveLength(0);
		await sandbox.praxis.simulator.resendPending();
		expectSound(await settle('forged signature, then resent', 500001, key, { error: `401 ${deliveries[0].responseBody}` }));
	});

	it('a stale signature is refused; Praxis resends it fresh', async () => {
		const orderId = await open();
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'staleTimestamp', ageSeconds: 3_600 });
		const { transaction, deliveries } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		expect(deliveries.map((d) => d.status)).toEqual([401]);
		await sandbox.praxis.simulator.resendPending();
		expectSound(await settle('stale signature, then resent', 500001, `praxis:${transaction.tid}`, { error: `401 ${deliveries[0].responseBody}` }));
	});

	it('malformed JSON is refused and runs nothing', async () => {
		const before = (await n8n.api.listExecutions()).length;
		const answer = await post('{"transaction": {"tid": 1, ', 'not-a-signature');
		await sleep(LATE_MS);
		const outcome = record({ template: TEMPLATE, fault: 'malformed JSON', duplicates: 0, ending: 'refused', error: `${answer.status} ${answer.text}` });
		// n8n's own body parser refuses it before any workflow code runs, saying why.
		expect(answer.status).toBe(422);
		expect(answer.text).toMatch(/Failed to parse request body/);
		expect((await n8n.api.listExecutions()).length).toBe(before);
		expect(outcome.duplicates).toBe(0);
	});

	it('a signed notification missing its processed amount is not acknowledged, so Praxis keeps it, and the log names the field', async () => {
		const orderId = await open();
		// A genuine notification as Praxis built it, taken without letting n8n accept it.
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const { transaction, notification } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		// The processed amount (what actually moved, the amount credited), from the session and the transaction.
		const body = (notification.body ?? '').replace(/,"processed_amount":\d+/g, '');
		expect(body).not.toMatch(/processed_amount/);
		const answer = await post(body);
		const key = `praxis:${transaction.tid}`;
		await sleep(LATE_MS);
		const log = readFileSync(n8n.logFile, 'utf8');
		const line = log.split('\n').reverse().find((l) => l.includes('could not read a signed notification')) ?? '';
		const outcome = record({ template: TEMPLATE, fault: 'missing field (processed_amount), signed', duplicates: deals(500001, key).length, ending: 'held by sender', error: line.trim() });
		// Praxis's reply carries status -1: not acknowledged, so Praxis resends; nothing credited.
		expect(answer.status).toBe(200);
		expect(answer.text).toMatch(/"status":-1/);
		expect(outcome.duplicates).toBe(0);
		expect(line).toMatch(/processed_amount/);
		expect(notification.acknowledged).toBe(false);
	});

	it('an oversized notification (2 MB of extra data) is credited once', async () => {
		const orderId = await open();
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const { transaction, notification } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		const padded = (notification.body ?? '').replace(/}\s*$/, `,"merchant_notes":"${'x'.repeat(2 * 1024 * 1024)}"}`);
		const answer = await post(padded);
		expect(answer.status).toBe(200);
		expectSound(await settle('oversized payload (2 MB)', 500001, `praxis:${transaction.tid}`));
	});

	it('a client with a Greek name is credited and recorded', async () => {
		const login = sandbox.mt5.simulator.addAccount({ group: 'real\\standard', name: `${GREEK.first_name} ${GREEK.last_name}`, leverage: 100 });
		const client = await crmRequest(sandbox, 'POST', '/api/clients', { ...GREEK, email: 'eleni.greek@example.com', country: 'CY' });
		await crmRequest(sandbox, 'POST', `/api/clients/${String(client.id)}/trading-accounts`, { platform: 'mt5', login: String(login), group: 'real\\standard', leverage: 100, currency: 'USD' });
		const orderId = await open(String(client.id));
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		expectSound(await settle('non-Latin client name', login, `praxis:${transaction.tid}`));
	});
});

describe('Fault matrix: provisioning template (CRM KYC approval → MT5 account → CRM)', () => {
	const TEMPLATE = 'provision-trading-account';
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let person = 0;

	const accountsOf = (clientId: unknown) =>
		(sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string; login: number; name?: string }> }).accounts.filter((a) => a.comment === `crm:${String(clientId)}`);
	const crmAccountsOf = async (clientId: unknown) => ((await crmRequest(sandbox, 'GET', `/api/clients/${String(clientId)}/trading-accounts`)).data as unknown[]) ?? [];
	const alertsAbout = (clientId: unknown, from: number) => sandbox.alerts.simulator.received().slice(from).filter((a) => (a.text ?? '').includes(`client ${String(clientId)} `));

	/** A new CRM client; its id. */
	const newClient = async (fields: Record<string, unknown> = {}) => {
		person++;
		const client = await crmRequest(sandbox, 'POST', '/api/clients', { first_name: 'Fault', last_name: `Matrix ${person}`, email: `fault.matrix.${person}@example.com`, country: 'CY', ...fields });
		return client;
	};
	/** Approves KYC in the CRM, which sends the signed client.kyc_approved event to n8n. */
	const approve = async (clientId: unknown) => {
		const approved = await crmRequest(sandbox, 'PATCH', `/api/clients/${String(clientId)}`, { kyc_status: 'approved' });
		await sandbox.crm.simulator.idle();
		return approved;
	};
	const settle = async (fault: string, clientId: unknown, alertsFrom: number, extra: Partial<CaseOutcome> = {}): Promise<CaseOutcome> => {
		const { ending, error } = await settleCase(async () => {
			if (accountsOf(clientId).length > 0 && (await crmAccountsOf(clientId)).length > 0) return { ending: 'done' };
			const [alert] = alertsAbout(clientId, alertsFrom);
			return alert ? { ending: 'alerted', error: alert.text ?? '' } : undefined;
		});
		const duplicates = Math.max(0, accountsOf(clientId).length - 1) + Math.max(0, (await crmAccountsOf(clientId)).length - 1);
		return record({ template: TEMPLATE, fault, duplicates, ending, error, ...extra });
	};
	const withMt5Fault = async (fault: string, rule: Mt5FaultRule) => {
		const client = await newClient();
		const from = sandbox.alerts.simulator.received().length;
		sandbox.mt5.simulator.faults.add(rule);
		await approve(client.id);
		const outcome = await settle(fault, client.id, from);
		expect(sandbox.mt5.simulator.faults.fired.map((f) => f.kind)).toContain(rule.fault.kind);
		sandbox.mt5.simulator.faults.clear();
		return outcome;
	};
	/** The CRM's signature over a raw body (X-CRM-Signature: t=…,v1=…), for hand-made deliveries. */
	const signCrm = (body: string) => {
		const t = Math.floor(Date.now() / 1000);
		return `t=${t},v1=${computeHmac('sha256', CRM_SECRET, `${t}.${body}`, 'hex')}`;
	};
	const postEvent = async (body: string) => {
		const response = await fetch(n8n.webhookUrl('crm-kyc'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body) }, body });
		return { status: response.status, text: await response.text() };
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, CRM_SECRET);
		n8n = await startN8n({
			workflows: [loadTemplate(TEMPLATE, wiring), loadTemplate('error-to-review-queue', wiring)],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['crm-kyc'],
		});
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-kyc'), ['client.kyc_approved'], { secret: CRM_SECRET });
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it.each(mt5Faults({ method: 'POST', path: '/api/user/add' }, { method: 'POST', path: '/api/user/add' }))('%s while opening the account', async (fault, rule) => {
		expectSound(await withMt5Fault(fault, rule));
	});

	it('ten copies of the approval at the same time', async () => {
		const client = await newClient();
		const from = sandbox.alerts.simulator.received().length;
		sandbox.crm.simulator.webhookSenders.crm.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		await approve(client.id);
		expectSound(await settle('ten concurrent duplicates', client.id, from));
	});

	it('two approvals delivered in reverse order', async () => {
		const a = await newClient();
		const b = await newClient();
		const from = sandbox.alerts.simulator.received().length;
		sandbox.crm.simulator.webhookSenders.crm.addFault({ kind: 'outOfOrder', count: 2 });
		await approve(a.id);
		await approve(b.id);
		for (const outcome of [await settle('out-of-order delivery (1 of 2)', a.id, from), await settle('out-of-order delivery (2 of 2)', b.id, from)]) expectSound(outcome);
	});

	it('a forged signature is refused; the CRM sends the event again', async () => {
		const client = await newClient();
		const from = sandbox.alerts.simulator.received().length;
		sandbox.crm.simulator.webhookSenders.crm.addFault({ kind: 'badSignature' });
		const approved = await approve(client.id);
		const refused = sandbox.crm.simulator.webhookSenders.crm.deliveries.at(-1);
		expect(refused?.status).toBe(401);
		expect(accountsOf(client.id)).toHaveLength(0);
		await sandbox.crm.simulator.sendEvent('client.kyc_approved', approved);
		expectSound(await settle('forged signature, then resent', client.id, from, { error: `401 ${refused?.responseBody ?? ''}` }));
	});

	it('a stale signature is refused; the CRM sends the event again', async () => {
		const client = await newClient();
		const from = sandbox.alerts.simulator.received().length;
		sandbox.crm.simulator.webhookSenders.crm.addFault({ kind: 'staleTimestamp', ageSeconds: 3_600 });
		const approved = await approve(client.id);
		const refused = sandbox.crm.simulator.webhookSenders.crm.deliveries.at(-1);
		expect(refused?.status).toBe(401);
		await sandbox.crm.simulator.sendEvent('client.kyc_approved', approved);
		expectSound(await settle('stale signature, then resent', client.id, from, { error: `401 ${refused?.responseBody ?? ''}` }));
	});

	it('malformed JSON, correctly signed, is refused by n8n and opens nothing', async () => {
		const before = sandbox.mt5.simulator.state().accounts.length;
		const answer = await postEvent('{"type": "client.kyc_approved", "data": {');
		await sleep(LATE_MS);
		const outcome = record({ template: TEMPLATE, fault: 'malformed JSON (signed)', duplicates: sandbox.mt5.simulator.state().accounts.length - before, ending: 'refused', error: `${answer.status} ${answer.text}` });
		expect(answer.status).toBe(422);
		expect(answer.text).toMatch(/Failed to parse request body/);
		expect(outcome.duplicates).toBe(0);
	});

	it('an approval without an e-mail address opens nothing and alerts ops naming the field', async () => {
		const from = sandbox.alerts.simulator.received().length;
		const [delivery] = await sandbox.crm.simulator.sendEvent('client.kyc_approved', { id: 90_001, first_name: 'No', last_name: 'Email', country: 'CY', kyc_status: 'approved' });
		expect(delivery.status).toBe(200);
		const outcome = await settle('missing field (email)', 90_001, from);
		expectSound(outcome, ['alerted']);
		expect(outcome.error).toMatch(/email/i);
		expect(accountsOf(90_001)).toHaveLength(0);
	});

	it('an oversized event (2 MB of extra data) opens one account', async () => {
		const client = await newClient();
		const from = sandbox.alerts.simulator.received().length;
		const approved = await crmRequest(sandbox, 'PATCH', `/api/clients/${String(client.id)}`, { kyc_status: 'approved' });
		await sandbox.crm.simulator.idle();
		// The CRM's own delivery already opened it; a 2 MB copy with notes attached must open nothing more.
		const big = JSON.stringify({ id: 'evt_fault_matrix_oversized', type: 'client.kyc_approved', created_at: new Date().toISOString(), data: { ...approved, notes: 'x'.repeat(2 * 1024 * 1024) } });
		const answer = await postEvent(big);
		expect([200, 413]).toContain(answer.status);
		expectSound(await settle('oversized payload (2 MB)', client.id, from));
	});

	it('a client with a Greek name gets the account in that name', async () => {
		const client = await newClient(GREEK);
		const from = sandbox.alerts.simulator.received().length;
		await approve(client.id);
		const outcome = await settle('non-Latin client name', client.id, from);
		expectSound(outcome);
		expect(accountsOf(client.id)[0]?.name).toContain('Χριστοδούλου');
	});
});

describe('Fault matrix: withdrawal template (request → checks → approval → MT5 debit → Praxis release → CRM)', () => {
	const TEMPLATE = 'withdrawal-approval';
	const ANNA = 'anna.ops@broker.example';
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let order = 0;

	const debits = (login: number, key: string) => sandbox.mt5.simulator.dealsOf(login).filter((d) => d.Comment === key && d.Action === '2');
	const crmWithdrawals = (wrid: number) => sandbox.crm.simulator.state().transactions.filter((t) => t.type === 'withdrawal' && t.psp_transaction_id === String(wrid));
	const parked = async (key: string) => {
		const row = (await reviewQueueRows(n8n)).find((r) => r.idempotency_key === key && r.status === 'open');
		return row ? { ending: 'review' as const, error: row.reason } : undefined;
	};
	const alertsSince = (from: number) => sandbox.alerts.simulator.received().slice(from).map((a) => a.text ?? '');
	const askFor = (from: number, wrid: number) => nextAlert(sandbox, from, new RegExp(`praxis request ${wrid}\\b`));
	/** The client asks for a withdrawal in the Praxis cashier; its withdrawal request id. */
	const request = async (clientId = '1001', amountMinor = 10_000) => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		const orderId = `fm-wd-${++order}`;
		await openPraxisWithdrawal(
			{ baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret },
			{ cid: clientId, orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis-withdrawals'), paymentMethod: 'Credit Card' },
		);
		await sandbox.praxis.simulator.idle();
		return sandbox.praxis.simulator.state().transactions.find((t) => t.order_id === orderId)!.withdrawal_request_id!;
	};
	/** Waits until the withdrawal is released and completed in the CRM, or parked in the review queue. */
	const settle = async (fault: string, login: number, wrid: number, extra: Partial<CaseOutcome> = {}): Promise<CaseOutcome> => {
		const key = `praxis:withdrawal:${wrid}`;
		const { ending, error } = await settleCase(async () =>
			debits(login, key).length > 0 && crmWithdrawals(wrid).some((t) => t.status === 'completed') ? { ending: 'done' } : await parked(key),
		);
		const duplicates = Math.max(0, debits(login, key).length - 1) + Math.max(0, crmWithdrawals(wrid).length - 1);
		return record({ template: TEMPLATE, fault, duplicates, ending, error, ...extra });
	};
	/** A request of client 1001 (MT5 500001), approved by Anna, with a fault on the vendor side. */
	const approvedWith = async (fault: string, add: () => void, endings: Ending[] = ['done']) => {
		const from = sandbox.alerts.simulator.received().length;
		const wrid = await request();
		const ask = await askFor(from, wrid);
		add();
		expect((await decide(n8n, resumeUrlIn(ask), ANNA, { decision: 'approve' })).status).toBe(200);
		const outcome = await settle(fault, 500001, wrid);
		// The case is only a case if the fault met a request.
		expect([...sandbox.mt5.simulator.faults.fired, ...sandbox.praxis.simulator.faults.fired]).not.toHaveLength(0);
		sandbox.mt5.simulator.faults.clear();
		sandbox.praxis.simulator.faults.clear();
		expectSound(outcome, endings);
		return outcome;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, CRM_SECRET);
		n8n = await startN8n({
			workflows: [loadTemplate(TEMPLATE, wiring), loadTemplate('error-to-review-queue', wiring)],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['praxis-withdrawals', 'crm-withdrawals'],
		});
		// Client 1001 (KYC approved, low risk) has MT5 500001: money to withdraw.
		sandbox.mt5.simulator.seedBalanceOperation(500001, 2, 40_000, 'seed deposit');
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it.each(mt5Faults({ method: 'POST', path: '/api/trade/balance' }, { method: 'GET', path: '/api/deal/get_batch' }))('%s while debiting', async (fault, rule) => {
		await approvedWith(fault, () => sandbox.mt5.simulator.faults.add(rule));
	});

	it('Praxis fails the release after MT5 was debited: parked for ops, debited once', async () => {
		await approvedWith(
			'PSP 5xx releasing the payout',
			() => sandbox.praxis.simulator.faults.add({ fault: { kind: 'status', status: 503 }, path: '/agent/manage-withdrawal-request', times: 10 }),
			['review'],
		);
	});

	it('ten copies of one withdrawal request at the same time ask once and debit once', async () => {
		const from = sandbox.alerts.simulator.received().length;
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		const wrid = await request();
		const ask = await askFor(from, wrid);
		await sleep(LATE_MS);
		expect(alertsSince(from).filter((text) => text.includes(`praxis request ${wrid}`) && /to approve/.test(text))).toHaveLength(1);
		expect((await decide(n8n, resumeUrlIn(ask), ANNA, { decision: 'approve' })).status).toBe(200);
		expectSound(await settle('ten concurrent duplicates', 500001, wrid));
	});

	it('an approver double-submits the decision: one release', async () => {
		const from = sandbox.alerts.simulator.received().length;
		const wrid = await request();
		const url = resumeUrlIn(await askFor(from, wrid));
		const answers = await Promise.all([decide(n8n, url, ANNA, { decision: 'approve' }), decide(n8n, url, ANNA, { decision: 'approve' })]);
		expect(answers.map((a) => a.status)).toContain(200);
		expectSound(await settle('approval submitted twice at once', 500001, wrid));
	});

	it('a forged request is refused; Praxis resends the genuine one', async () => {
		const from = sandbox.alerts.simulator.received().length;
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
		const wrid = await request();
		const refused = sandbox.praxis.simulator.webhookSenders.praxis.deliveries.at(-1);
		expect(refused?.status).toBe(401);
		await sandbox.praxis.simulator.resendPending();
		const ask = await askFor(from, wrid);
		expect((await decide(n8n, resumeUrlIn(ask), ANNA, { decision: 'approve' })).status).toBe(200);
		expectSound(await settle('forged signature, then resent', 500001, wrid, { error: `401 ${refused?.responseBody ?? ''}` }));
	});
});
