/**
 * The "Withdrawal: approve and release" template in real n8n: a client's withdrawal request is
 * checked, waits in n8n for a human approver (two different ones above the threshold), then MT5 is
 * debited once and the PSP pays out; a refusal or rejection cancels it with the reason; a PSP that
 * fails after the debit puts the withdrawal in the review queue with an alert.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisWithdrawal } from '../../sandbox/praxis';
import { decide, resumeUrlIn } from './approvals';
import { nodeOutput, startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest, eventually, nextAlert as nextAlertAfter } from './support';

const SECRET = 'whsec_e2e_withdrawals_0123456789abcdef';
const ANNA = 'anna.ops@broker.example';
const BORIS = 'boris.compliance@broker.example';
const DEAL_BALANCE = 2;

describe('Withdrawal template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';

	const crmCall = (method: string, path: string, body?: unknown) => crmRequest(sandbox, method, path, body);

	/** The client submits a withdrawal in the Praxis cashier; answers its withdrawal_request_id. */
	const requestPraxisWithdrawal = async (cid: string, orderId: string, amountMinor: number) => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		await openPraxisWithdrawal(
			{ baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret },
			{ cid, orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis-withdrawals'), paymentMethod: 'Credit Card' },
		);
		await sandbox.praxis.simulator.idle();
		const payout = sandbox.praxis.simulator.state().transactions.find((t) => t.order_id === orderId);
		return payout!.withdrawal_request_id!;
	};
	const praxisStatus = (wrid: number) => sandbox.praxis.simulator.state().transactions.find((t) => t.withdrawal_request_id === wrid)?.transaction_status;
	const crmWithdrawal = (pspId: string) => sandbox.crm.simulator.state().transactions.filter((t) => t.type === 'withdrawal' && t.psp_transaction_id === pspId);
	const dealsWith = (login: number, comment: string) => sandbox.mt5.simulator.dealsOf(login).filter((d) => d.Comment === comment);
	const alertsSince = (count: number) => sandbox.alerts.simulator.received().slice(count).map((a) => a.text ?? '');

	/** The next Slack message that matches, e.g. the approval request. */
	const nextAlert = (from: number, pattern: RegExp, timeoutMs?: number) => nextAlertAfter(sandbox, from, pattern, timeoutMs);

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, SECRET);
		const template = loadTemplate('withdrawal-approval', wiring);
		workflowId = template.id as string;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring), waitForWebhooks: ['praxis-withdrawals', 'crm-withdrawals'] });
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-withdrawals'), ['transaction.created'], { secret: SECRET });
		// Maria (client 1001, KYC approved, low risk) has MT5 500001: give it money to withdraw.
		sandbox.mt5.simulator.seedBalanceOperation(500001, DEAL_BALANCE, 40_000, 'seed deposit');
	});

	afterEach(async () => {
		// Nothing failed silently: every execution so far ended well (or is waiting for a decision).
		expect(await n8n.api.listExecutions({ workflowId, status: 'error' })).toEqual([]);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('releases a withdrawal below the threshold after one approval: MT5 debited once, Praxis completes, the CRM records it', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		const wrid = await requestPraxisWithdrawal('1001', 'wd-e2e-1', 50_000);
		const ask = await nextAlert(alerts, /Withdrawal to approve: 500\.00 USD for client 1001/);
		expect(ask).toContain(`praxis request ${wrid}`);
		expect(ask).toContain('1 approver(s) needed');
		expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ client_id: 1001, amount: '500.00', status: 'pending', psp: 'praxis' })]);

		const answer = await decide(n8n, resumeUrlIn(ask), ANNA, { decision: 'approve' });
		expect(answer).toEqual({ status: 200, body: expect.objectContaining({ result: 'approved' }) });
		// The release, then Praxis's "approved" payout notification marks the CRM record paid.
		await eventually(() => expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ status: 'completed' })]));

		expect(dealsWith(500001, `praxis:withdrawal:${wrid}`).map((d) => d.Profit)).toEqual(['-500.00']);
		expect(praxisStatus(wrid)).toBe('approved');
		// The CRM record carries the MT5 deal's comment as its reference: the history sync will not copy it.
		expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ status: 'completed', reference: `praxis:withdrawal:${wrid}` })]);
		expect(sandbox.crm.simulator.state().notes.map((n) => n.body)).toContainEqual(
			`Withdrawal 500.00 USD (praxis request ${wrid}) released: MT5 500001 debited, approved by ${ANNA}.`,
		);
	});

	it('a payout Praxis reverses after release goes to the review queue with an alert: the client was debited', async () => {
		const released = sandbox.praxis.simulator.state().transactions.find((t) => t.order_id === 'wd-e2e-1')!;
		const alerts = sandbox.alerts.simulator.received().length;
		await sandbox.praxis.simulator.reverse(released.tid);

		const alert = await nextAlert(alerts, /is in the review queue/);
		expect(alert).toBe(
			`Withdrawal praxis:withdrawal:${released.withdrawal_request_id} for client 1001 (500.00 USD) is in the review queue: ` +
				`Praxis reports withdrawal request ${released.withdrawal_request_id} as reversed after it was released: MT5 was already debited, so return the funds to the client or pay out again`,
		);
		// Nothing is debited or credited again automatically: ops decide.
		expect(dealsWith(500001, `praxis:withdrawal:${released.withdrawal_request_id}`)).toHaveLength(1);
	});

	it('above the threshold needs a second, different approver before anything is released', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		const wrid = await requestPraxisWithdrawal('1001', 'wd-e2e-2', 1_500_000);
		const ask = await nextAlert(alerts, /Withdrawal to approve: 15000\.00 USD/);
		expect(ask).toContain('2 approver(s) needed');
		const resumeUrl = resumeUrlIn(ask);

		const first = await decide(n8n, resumeUrl, ANNA, { decision: 'approve' });
		expect(first).toEqual({ status: 202, body: expect.objectContaining({ result: 'first-approval-recorded' }) });
		await nextAlert(alerts, new RegExp(`Second approval needed: 15000\\.00 USD .*first approved by ${ANNA.replace('.', '\\.')}`));
		const again = await decide(n8n, resumeUrl, ANNA, { decision: 'approve' });
		expect(again).toEqual({ status: 409, body: expect.objectContaining({ result: 'refused' }) });
		// One approver, however often, releases nothing.
		expect(dealsWith(500001, `praxis:withdrawal:${wrid}`)).toEqual([]);
		expect(praxisStatus(wrid)).toBe('requested');

		const second = await decide(n8n, resumeUrl, BORIS, { decision: 'approve' });
		expect(second).toEqual({ status: 200, body: expect.objectContaining({ result: 'approved' }) });
		await eventually(() => expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ status: 'completed' })]));

		expect(dealsWith(500001, `praxis:withdrawal:${wrid}`).map((d) => d.Profit)).toEqual(['-15000.00']);
		expect(praxisStatus(wrid)).toBe('approved');
		expect(sandbox.crm.simulator.state().notes.map((n) => n.body)).toContainEqual(
			`Withdrawal 15000.00 USD (praxis request ${wrid}) released: MT5 500001 debited, approved by ${ANNA} and ${BORIS}.`,
		);
	});

	it('an approver who rejects cancels the request at Praxis and the CRM says why', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		const wrid = await requestPraxisWithdrawal('1001', 'wd-e2e-3', 20_000);
		const ask = await nextAlert(alerts, /Withdrawal to approve: 200\.00 USD/);
		// A token not signed with the approvers' secret decides nothing.
		const forged = await decide(n8n, resumeUrlIn(ask), BORIS, { decision: 'reject', reason: 'forged' }, 'not-the-approvers-secret');
		expect(forged.status).toBe(403);
		expect((await n8n.api.getExecution(resumeUrlIn(ask).split('/').pop() as string, { includeData: false })).status).toBe('waiting');

		const answer = await decide(n8n, resumeUrlIn(ask), BORIS, { decision: 'reject', reason: 'Card expired: ask the client for a bank account' });
		expect(answer.status).toBe(200);
		expect(answer.body.result).toBe('rejected');
		await eventually(() => expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ status: 'rejected' })]));

		expect(praxisStatus(wrid)).toBe('cancelled');
		expect(dealsWith(500001, `praxis:withdrawal:${wrid}`)).toEqual([]);
		expect(crmWithdrawal(String(wrid))).toEqual([
			expect.objectContaining({ status: 'rejected', reason: `Rejected by ${BORIS}: Card expired: ask the client for a bank account` }),
		]);
	});

	it('refuses a request that fails the checks, without asking anyone, and says every reason', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		// Jonas (client 1002) has not passed KYC and was never risk-assessed.
		const wrid = await requestPraxisWithdrawal('1002', 'wd-e2e-4', 10_000);
		await eventually(() => expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ status: 'rejected' })]));
		await eventually(() => expect(praxisStatus(wrid)).toBe('cancelled'));

		expect(alertsSince(alerts).filter((t) => t.startsWith('Withdrawal to approve'))).toEqual([]);
		expect(praxisStatus(wrid)).toBe('cancelled');
		const [record] = crmWithdrawal(String(wrid));
		expect(record.status).toBe('rejected');
		expect(record.reason).toMatch(/^Refused by the withdrawal checks: /);
		expect(record.reason).toMatch(/KYC/);
		expect(record.reason).toMatch(/risk/i);
	});

	it('asks once when Praxis delivers the same request twice', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 2 });
		const wrid = await requestPraxisWithdrawal('1001', 'wd-e2e-5', 30_000);
		const ask = await nextAlert(alerts, /Withdrawal to approve: 300\.00 USD/);
		await new Promise((resolve) => setTimeout(resolve, 1_500));
		expect(alertsSince(alerts).filter((t) => t.startsWith('Withdrawal to approve'))).toHaveLength(1);
		expect(crmWithdrawal(String(wrid))).toHaveLength(1);

		await decide(n8n, resumeUrlIn(ask), ANNA, { decision: 'approve' });
		await eventually(() => expect(crmWithdrawal(String(wrid))).toEqual([expect.objectContaining({ status: 'completed' })]));
		expect(dealsWith(500001, `praxis:withdrawal:${wrid}`)).toHaveLength(1);
	});

	it('puts a request the CRM refuses in the review queue with the CRM\'s own reason', async () => {
		const alerts = sandbox.alerts.simulator.received().length;
		const wrid = await requestPraxisWithdrawal('9999', 'wd-e2e-unknown', 10_000);

		const alert = await nextAlert(alerts, /is in the review queue/);
		expect(alert).toMatch(new RegExp(`^Withdrawal praxis:withdrawal:${wrid} for client 9999 \\(100\\.00 USD\\) is in the review queue: `));
		expect(alert).toContain('client_id: does not match a client (9999)');
		expect(alert).not.toMatch(/\bat \S+ \(|stack|\[object Object\]/);
		expect(praxisStatus(wrid)).toBe('requested');
	});

	it('pays a crypto withdrawal the client asked for in the CRM through CoinsPaid, keyed to be paid once', async () => {
		sandbox.coinspaid.simulator.setBalance('USD', '5000');
		const alerts = sandbox.alerts.simulator.received().length;
		const request = await crmCall('POST', '/api/transactions', {
			client_id: 1001, type: 'withdrawal', amount: '300.00', currency: 'USD', status: 'pending', method: 'USDT', psp: 'coinspaid', destination: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE',
		});
		const ask = await nextAlert(alerts, /Withdrawal to approve: 300\.00 USD for client 1001 \(coinspaid/);
		await decide(n8n, resumeUrlIn(ask), ANNA, { decision: 'approve' });
		await eventually(() => expect(sandbox.crm.simulator.transaction(request.id as number)).toMatchObject({ status: 'approved' }));

		const key = `coinspaid:withdrawal:${String(request.id)}`;
		expect(dealsWith(500001, key).map((d) => d.Profit)).toEqual(['-300.00']);
		const paid = sandbox.coinspaid.simulator.state().transactions.filter((t: { foreign_id?: string }) => t.foreign_id === key);
		expect(paid).toEqual([
			expect.objectContaining({ type: 'withdrawal_exchange', currency_sent: { currency: 'USD', amount: '300.00000000' }, currency_received: expect.objectContaining({ currency: 'USDT' }) }),
		]);
		expect(sandbox.crm.simulator.transaction(request.id as number)).toMatchObject({ status: 'approved', reference: key });
	});

	it('puts a withdrawal the PSP refuses after the MT5 debit in the review queue and alerts ops', async () => {
		sandbox.coinspaid.simulator.setBalance('USD', '0');
		const alerts = sandbox.alerts.simulator.received().length;
		const request = await crmCall('POST', '/api/transactions', {
			client_id: 1001, type: 'withdrawal', amount: '250.00', currency: 'USD', status: 'pending', method: 'USDT', psp: 'coinspaid', destination: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE',
		});
		const ask = await nextAlert(alerts, /Withdrawal to approve: 250\.00 USD/);
		const resumeUrl = resumeUrlIn(ask);
		await decide(n8n, resumeUrl, ANNA, { decision: 'approve' });
		const alert = await nextAlert(alerts, /is in the review queue/);

		const key = `coinspaid:withdrawal:${String(request.id)}`;
		expect(dealsWith(500001, key).map((d) => d.Profit)).toEqual(['-250.00']);
		const executionId = resumeUrl.split('/').pop() as string;
		await eventually(async () => expect((await n8n.api.getExecution(executionId, { includeData: false })).status).toBe('success'));
		const queued = nodeOutput(await n8n.api.getExecution(executionId), 'Add to Review Queue');
		expect(queued).toEqual([expect.objectContaining({ idempotency_key: key, client_id: '1001', amount: '250.00', currency: 'USD', status: 'open' })]);
		expect(queued[0].reason).toMatch(/^MT5 was debited; .*Insufficient funds/);
		expect(alert).toContain(`Withdrawal ${key} for client 1001 (250.00 USD) is in the review queue: MT5 was debited;`);
		// Still pending, but already carrying the key MT5 was debited with: nothing will record it twice.
		expect(sandbox.crm.simulator.transaction(request.id as number)).toMatchObject({ status: 'pending', reference: key });
	});
});
