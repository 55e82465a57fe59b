/**
 * The "Deposit: credit the trading account exactly once" template in real n8n: an approved Praxis
 * deposit or a confirmed CoinsPaid deposit is credited (net of the PSP fee) to the client's MT5
 * account once, however often and however concurrently the notification arrives, and recorded in
 * the CRM; a deposit that cannot be credited lands in the review queue with an alert. A client with
 * no MT5 account is credited (and charged back) on its cTrader account instead.
 */
import { computeHmac } from '../../lib/signatures';
import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit, signJsonText } from '../../sandbox/praxis';
import { nodeOutput, startN8n, type ExecutionSummary, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';

/** Long enough for a run started by a late duplicate to show up in n8n's execution list. */
const SETTLE_MS = 2_000;

describe('Deposit template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	let coinspaidPath = '';

	/** Opens a Praxis deposit session for a CRM client, as the cashier page would. */
	const openDeposit = async (cid: string, orderId: string, amountMinor: number) => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		await openPraxisDeposit(
			{ baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret },
			{ cid, orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') },
		);
	};
	const depositDeals = (login: number, key: string) => sandbox.mt5.simulator.dealsOf(login).filter((d) => d.Comment === key);
	const crmTransactionsFor = (pspTransactionId: string | number) =>
		sandbox.crm.simulator.state().transactions.filter((t) => t.psp_transaction_id === String(pspTransactionId));

	/** The client's static CoinsPaid address, as the cashier page asks for it: foreign_id = CRM client id. */
	const takeCoinspaidAddress = async (clientId: string, currency: string, convertTo: string): Promise<string> => {
		const { publicKey, secret } = sandbox.coinspaid.simulator.credentials();
		const body = JSON.stringify({ foreign_id: clientId, currency, convert_to: convertTo });
		const response = await fetch(`${sandbox.coinspaid.url}/api/v2/addresses/take`, {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-processing-key': publicKey, 'x-processing-signature': computeHmac('sha512', secret, body, 'hex') },
			body,
		});
		expect(response.status).toBe(201);
		return ((await response.json()) as { data: { address: string } }).data.address;
	};

	const finishedRuns = async () =>
		(await n8n.api.listExecutions({ workflowId })).filter((e) => !['new', 'running', 'waiting'].includes(e.status));

	/**
	 * Waits for exactly `added` more finished runs than `before`, then a little longer to be sure no
	 * further run starts; returns the new runs, oldest first. Relative, so tests do not depend on
	 * how many runs the tests before them caused.
	 */
	const newRuns = async (before: ExecutionSummary[], added: number): Promise<ExecutionSummary[]> => {
		await n8n.api.waitForExecutions(workflowId, { count: before.length + added });
		await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
		const seen = new Set(before.map((e) => e.id));
		const fresh = (await finishedRuns()).filter((e) => !seen.has(e.id)).reverse();
		expect(fresh.map((e) => e.status)).toEqual(Array<string>(added).fill('success'));
		return fresh;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('deposit-credit-once', wiring);
		workflowId = template.id as string;
		// The CoinsPaid Trigger's webhook path is fixed ("coinspaid") under its webhook id.
		coinspaidPath = `${template.nodes.find((node) => node.name === 'CoinsPaid Callback')?.webhookId ?? ''}/coinspaid`;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring), waitForWebhooks: ['praxis', coinspaidPath] });
		sandbox.coinspaid.simulator.setCallbackUrl(n8n.webhookUrl(coinspaidPath));
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('credits an approved deposit net of the PSP fee and records it in the CRM', async () => {
		await openDeposit('1001', 'dep-template-1', 25_000);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-1', { status: 'approved', fee: 300 });
		await n8n.api.waitForExecutions(workflowId, { count: 1, status: 'success' });

		const key = `praxis:${transaction.tid}`;
		expect(depositDeals(500001, key).map((d) => d.Profit)).toEqual(['247.00']);
		const crm = sandbox.crm.simulator.state().transactions;
		expect(crm.filter((t) => t.psp_transaction_id === String(transaction.tid))).toEqual([
			expect.objectContaining({ client_id: 1001, login: '500001', amount: '247.00', currency: 'USD', status: 'completed', psp: 'praxis' }),
		]);
	});

	it('credits once when the same notification is delivered three times', async () => {
		await openDeposit('1001', 'dep-template-2', 10_000);
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 3 });
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-2', { status: 'approved' });
		await n8n.api.waitForExecutions(workflowId, { count: 2, status: 'success' });

		expect(depositDeals(500001, `praxis:${transaction.tid}`)).toHaveLength(1);
	});

	it('debits a chargeback of the credited net once, blocks the client and notes why', async () => {
		await openDeposit('1002', 'dep-template-cb', 40_000);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-cb', { status: 'approved', fee: 1_000 });
		await n8n.api.waitForExecutions(workflowId, { count: 3, status: 'success' });
		await sandbox.praxis.simulator.chargeback(transaction.tid);
		await n8n.api.waitForExecutions(workflowId, { count: 4, status: 'success' });

		expect(depositDeals(500002, `praxis:${transaction.tid}`).map((d) => d.Profit)).toEqual(['390.00']);
		expect(depositDeals(500002, `praxis:${transaction.tid}:chargeback`).map((d) => d.Profit)).toEqual(['-390.00']);
		const client = sandbox.crm.simulator.state().clients.find((c) => c.id === 1002);
		expect(client?.status).toBe('blocked');
		expect(sandbox.crm.simulator.state().notes.map((n) => n.body)).toEqual([
			`n8n is debiting the chargeback of praxis transaction ${transaction.tid}.`,
			expect.stringContaining(`Account blocked: chargeback on praxis transaction ${transaction.tid}; 390.00 USD debited from MT5 500002.`),
		]);
	});

	it('puts a deposit it cannot credit in the review queue and alerts ops', async () => {
		const before = sandbox.alerts.simulator.received().length;
		await openDeposit('9999', 'dep-template-3', 5_000);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-3', { status: 'approved' });
		const executions = await n8n.api.waitForExecutions(workflowId, { count: 5, status: 'success' });

		const queued = nodeOutput(await n8n.api.getExecution(executions[0].id), 'Add to Review Queue');
		expect(queued).toEqual([expect.objectContaining({ idempotency_key: `praxis:${transaction.tid}`, client_id: '9999', amount: '50.00', status: 'open' })]);
		const alerts = sandbox.alerts.simulator.received().slice(before).map((a) => a.text);
		expect(alerts).toEqual([expect.stringContaining(`Payment event praxis:${transaction.tid} for client 9999 (50.00 USD) is in the review queue`)]);
	});

	it('credits the processed amount when it differs from the amount the session was opened for', async () => {
		await openDeposit('1001', 'dep-template-processed', 10_000);
		const before = await finishedRuns();
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-processed', { status: 'approved', processedAmount: 9_500, fee: 150 });
		await newRuns(before, 1);

		expect(transaction).toMatchObject({ amount: 10_000, processed_amount: 9_500, fee: 150 });
		expect(depositDeals(500001, `praxis:${transaction.tid}`).map((d) => d.Profit)).toEqual(['93.50']);
		expect(crmTransactionsFor(transaction.tid)).toEqual([
			expect.objectContaining({ client_id: 1001, login: '500001', amount: '93.50', currency: 'USD', status: 'completed', psp: 'praxis' }),
		]);
	});

	it('credits once when ten copies of one signed Praxis notification arrive at the same time', async () => {
		await openDeposit('1001', 'dep-template-burst', 12_000);
		const before = await finishedRuns();
		sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		const { transaction, deliveries, notification } = await sandbox.praxis.simulator.completeDeposit('dep-template-burst', { status: 'approved', fee: 200 });
		const runs = await newRuns(before, 1);

		// The first copy runs the workflow; the nine others are recognised as replays of an accepted
		// signature: Praxis still gets its signed acknowledgement (so it stops resending), nothing runs.
		expect(deliveries.map((d) => d.status)).toEqual(Array<number>(10).fill(200));
		expect(notification.attempts).toHaveLength(10);
		expect(notification.attempts.filter((a) => a.accepted)).toHaveLength(10);
		expect(notification.acknowledged).toBe(true);
		expect(nodeOutput(await n8n.api.getExecution(runs[0].id), 'Praxis Notification')).toEqual([
			expect.objectContaining({ idempotencyKey: `praxis:${transaction.tid}`, status: 'succeeded' }),
		]);
		expect(depositDeals(500001, `praxis:${transaction.tid}`).map((d) => d.Profit)).toEqual(['118.00']);
		expect(crmTransactionsFor(transaction.tid)).toEqual([
			expect.objectContaining({ client_id: 1001, login: '500001', amount: '118.00', currency: 'USD', status: 'completed', psp: 'praxis' }),
		]);
	});

	it('credits a CoinsPaid deposit exchanged to USD once it is confirmed, and nothing while it is not', async () => {
		const coinspaid = sandbox.coinspaid.simulator;
		const address = await takeCoinspaidAddress('1001', 'BTC', 'USD');
		const before = await finishedRuns();
		// 0.02 BTC at the sandbox's 65 000 USD = 1300.00 USD, less the default 0.99 % = 12.87 USD.
		const deposit = await coinspaid.depositToAddress(address, { amount: '0.02000000', confirmations: 0 });
		await coinspaid.idle();
		const key = `coinspaid:${deposit.id}`;

		const [pendingRun] = await newRuns(before, 1);
		const pending = await n8n.api.getExecution(pendingRun.id);
		expect(nodeOutput(pending, 'CoinsPaid Callback')).toEqual([
			expect.objectContaining({ idempotencyKey: key, clientId: '1001', status: 'pending', vendorStatus: 'not_confirmed' }),
		]);
		const ranWhilePending = Object.keys(pending.data?.resultData.runData ?? {});
		for (const step of ["Client's MT5 Account", 'Credit MT5 Account', 'Record in CRM', 'Add to Review Queue']) expect(ranWhilePending).not.toContain(step);
		expect(depositDeals(500001, key)).toEqual([]);
		expect(crmTransactionsFor(deposit.id)).toEqual([]);

		await coinspaid.confirm(deposit.id);
		await coinspaid.idle();
		const [confirmedRun] = await newRuns([...before, pendingRun], 1);

		expect(deposit.currency_received).toEqual({ currency: 'USD', amount: '1300.00000000', amount_minus_fee: '1287.13000000' });
		expect(nodeOutput(await n8n.api.getExecution(confirmedRun.id), 'CoinsPaid Callback')).toEqual([
			expect.objectContaining({ idempotencyKey: key, status: 'succeeded', net: { amount: '1287.13000000', currency: 'USD' } }),
		]);
		expect(coinspaid.callbackLog.filter((c) => c.transactionId === deposit.id).map((c) => [c.status, c.lastStatus])).toEqual([
			['not_confirmed', 200],
			['confirmed', 200],
		]);
		expect(depositDeals(500001, key).map((d) => d.Profit)).toEqual(['1287.13']);
	});

	it('credits once when ten copies of one confirmed CoinsPaid callback arrive at the same time', async () => {
		const coinspaid = sandbox.coinspaid.simulator;
		const address = await takeCoinspaidAddress('1001', 'BTC', 'USD');
		const before = await finishedRuns();
		coinspaid.webhookSenders.coinspaid.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		// Enough confirmations at once: a single `confirmed` callback, 650.00 USD less a 6.50 USD fee.
		const deposit = await coinspaid.depositToAddress(address, { amount: '0.01000000', fee: '6.50000000' });
		await coinspaid.idle();
		await newRuns(before, 1);

		// One copy runs the workflow; the nine identical re-deliveries are acknowledged 200 (anything
		// else makes CoinsPaid retry for hours) and run nothing.
		const deliveries = coinspaid.deliveries.filter((d) => d.eventId === `${deposit.id}:confirmed`);
		expect(deliveries.map((d) => d.status)).toEqual(Array<number>(10).fill(200));
		expect(deliveries.filter((d) => d.responseBody.includes('"ignored":"duplicate"'))).toHaveLength(9);
		expect(coinspaid.callbackLog.filter((c) => c.transactionId === deposit.id)).toEqual([
			expect.objectContaining({ status: 'confirmed', attempts: 10, delivered: true }),
		]);
		expect(depositDeals(500001, `coinspaid:${deposit.id}`).map((d) => d.Profit)).toEqual(['643.50']);
	});

	// CoinsPaid writes 8 decimals for USD too; the Fee node's net fits the currency (rounded down).
	it('records a confirmed CoinsPaid deposit in the CRM at its USD amount, a sub-cent net rounded down', async () => {
		const coinspaid = sandbox.coinspaid.simulator;
		const address = await takeCoinspaidAddress('1001', 'BTC', 'USD');
		const before = await finishedRuns();
		// 0.03 BTC = 1950.00 USD, less a 19.50 USD fee: CoinsPaid writes 1930.50000000.
		const deposit = await coinspaid.depositToAddress(address, { amount: '0.03000000', fee: '19.50000000' });
		await coinspaid.idle();
		await newRuns(before, 1);

		expect(depositDeals(500001, `coinspaid:${deposit.id}`).map((d) => d.Profit)).toEqual(['1930.50']);
		expect(crmTransactionsFor(deposit.id)).toEqual([
			expect.objectContaining({ client_id: 1001, login: '500001', amount: '1930.50', currency: 'USD', status: 'completed', psp: 'coinspaid' }),
		]);

		// 0.01 BTC = 650.00 USD less a 6.435 USD fee is 643.565: the account is credited 643.56, never 643.57.
		const subCent = await coinspaid.depositToAddress(address, { amount: '0.01000000', fee: '6.43500000' });
		await coinspaid.idle();
		await newRuns(before, 2);
		expect(depositDeals(500001, `coinspaid:${subCent.id}`).map((d) => d.Profit)).toEqual(['643.56']);
		expect(crmTransactionsFor(subCent.id)).toEqual([expect.objectContaining({ amount: '643.56', currency: 'USD', status: 'completed' })]);
	});

	it('debits a chargeback once when Praxis resends it with a new signature while the first copy runs', async () => {
		await openDeposit('1002', 'dep-template-cb-twice', 20_000);
		const credited = await finishedRuns();
		const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-template-cb-twice', { status: 'approved' });
		await newRuns(credited, 1);
		const before = await finishedRuns();
		const { notification } = await sandbox.praxis.simulator.chargeback(transaction.tid);
		const resent = (notification.body ?? '').replace(/"timestamp":(\d+)/, (_m, s: string) => `"timestamp":${Number(s) + 1}`);
		const answer = await fetch(n8n.webhookUrl('praxis'), {
			method: 'POST',
			headers: { 'content-type': 'application/json; charset=utf-8', 'gt-authentication': signJsonText(resent, 'notification', sandbox.praxis.simulator.credentials().merchant_secret) },
			body: resent,
		});
		expect(answer.status).toBe(200);
		const runs = await newRuns(before, 2);

		expect(depositDeals(500002, `praxis:${transaction.tid}:chargeback`).map((d) => d.Profit)).toEqual(['-200.00']);
		const notes = sandbox.crm.simulator.state().notes.map((n) => n.body).filter((body) => body.includes(`transaction ${transaction.tid}`));
		expect(notes).toEqual([`n8n is debiting the chargeback of praxis transaction ${transaction.tid}.`, expect.stringContaining('Account blocked: chargeback')]);
		// One run debited; the other saw the claim and stopped.
		const steps = await Promise.all(runs.map(async (run) => Object.keys((await n8n.api.getExecution(run.id)).data?.resultData.runData ?? {})));
		expect(steps.filter((names) => names.includes('Another Run Is Debiting It'))).toHaveLength(1);
	});

	describe('a client whose only trading account is on cTrader', () => {
		const crmCall = async <T>(method: string, path: string, body: unknown): Promise<T> => {
			const response = await fetch(`${sandbox.crm.url}${path}`, {
				method,
				headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
				body: JSON.stringify(body),
			});
			expect(response.status).toBe(201);
			return (await response.json()) as T;
		};
		/** A new CRM client, with no trading account yet; returns its id as the cashier sends it (cid). */
		const newClient = async (firstName: string, email: string): Promise<string> =>
			String((await crmCall<{ id: number }>('POST', '/api/clients', { first_name: firstName, last_name: 'Tester', email })).id);
		/** A new client linked in the CRM to a new cTrader trader (USD), and nothing else. */
		const cTraderOnlyClient = async (firstName: string, balance: string) => {
			const email = `${firstName.toLowerCase()}@example.com`;
			const login = sandbox.ctrader.simulator.seedTrader({ name: firstName, lastName: 'Tester', email, depositCurrency: 'USD', balance });
			const clientId = await newClient(firstName, email);
			await crmCall('POST', `/api/clients/${clientId}/trading-accounts`, { platform: 'ctrader', login: String(login), group: 'Standard', leverage: 100, currency: 'USD' });
			return { clientId, login };
		};
		const cTraderChanges = (login: number) => sandbox.ctrader.simulator.balanceHistory(login);
		const stepsRun = async (run: ExecutionSummary) => Object.keys((await n8n.api.getExecution(run.id)).data?.resultData.runData ?? {});

		it('credits the deposit net of the fee to the cTrader account once, with the key as externalId, and records it in the CRM', async () => {
			const { clientId, login } = await cTraderOnlyClient('Chloe', '100.00');
			await openDeposit(clientId, 'dep-ctrader-1', 20_000);
			const before = await finishedRuns();
			const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-ctrader-1', { status: 'approved', fee: 500 });
			const [run] = await newRuns(before, 1);

			const key = `praxis:${transaction.tid}`;
			expect(sandbox.ctrader.simulator.balanceOf(login)).toBe('295.00');
			expect(cTraderChanges(login)).toEqual([expect.objectContaining({ type: 'DEPOSIT', delta: '195.00', externalId: key })]);
			expect(nodeOutput(await n8n.api.getExecution(run.id), 'Credit cTrader Account')).toEqual([
				expect.objectContaining({ platform: 'ctrader', login: String(login), idempotencyKey: key, externalId: key, alreadyApplied: false }),
			]);
			expect(await stepsRun(run)).not.toContain('Credit MT5 Account');
			expect(crmTransactionsFor(transaction.tid)).toEqual([
				expect.objectContaining({
					client_id: Number(clientId),
					login: String(login),
					type: 'deposit',
					amount: '195.00',
					currency: 'USD',
					status: 'completed',
					psp: 'praxis',
					reference: key,
				}),
			]);
		});

		it('credits a cTrader deposit once when Praxis delivers it three times and later resends it with a new signature', async () => {
			const { clientId, login } = await cTraderOnlyClient('Dmitri', '0.00');
			await openDeposit(clientId, 'dep-ctrader-dup', 15_000);
			const before = await finishedRuns();
			sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 3 });
			const { transaction, notification } = await sandbox.praxis.simulator.completeDeposit('dep-ctrader-dup', { status: 'approved' });
			// The three identical copies are one signed request: the trigger runs the workflow once.
			const [first] = await newRuns(before, 1);

			// A genuine Praxis resend (as after a lost acknowledgement) carries a new timestamp, so a new
			// signature: it passes the trigger and runs the workflow again; the cTrader step must not
			// credit a second time.
			const sent = notification.body ?? '';
			expect(sent.match(/"timestamp":\d+/g)).toHaveLength(1);
			const resent = sent.replace(/"timestamp":(\d+)/, (_match, seconds: string) => `"timestamp":${Number(seconds) + 1}`);
			const response = await fetch(n8n.webhookUrl('praxis'), {
				method: 'POST',
				headers: { 'content-type': 'application/json; charset=utf-8', 'gt-authentication': signJsonText(resent, 'notification', sandbox.praxis.simulator.credentials().merchant_secret) },
				body: resent,
			});
			expect(response.status).toBe(200);
			const [second] = await newRuns([...before, first], 1);

			const key = `praxis:${transaction.tid}`;
			expect(nodeOutput(await n8n.api.getExecution(second.id), 'Credit cTrader Account')).toEqual([
				expect.objectContaining({ login: String(login), idempotencyKey: key, alreadyApplied: true }),
			]);
			expect(cTraderChanges(login)).toEqual([expect.objectContaining({ type: 'DEPOSIT', delta: '150.00', externalId: key })]);
			expect(sandbox.ctrader.simulator.balanceOf(login)).toBe('150.00');
			expect(crmTransactionsFor(transaction.tid)).toEqual([expect.objectContaining({ login: String(login), amount: '150.00', reference: key })]);
		});

		it('debits a chargeback from the cTrader account, blocks the client and notes why', async () => {
			const { clientId, login } = await cTraderOnlyClient('Elena', '50.00');
			await openDeposit(clientId, 'dep-ctrader-cb', 30_000);
			const before = await finishedRuns();
			const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-ctrader-cb', { status: 'approved', fee: 1_000 });
			const [credited] = await newRuns(before, 1);
			await sandbox.praxis.simulator.chargeback(transaction.tid);
			const [chargedBack] = await newRuns([...before, credited], 1);

			const key = `praxis:${transaction.tid}`;
			expect(cTraderChanges(login)).toEqual([
				expect.objectContaining({ type: 'DEPOSIT', delta: '290.00', externalId: key }),
				expect.objectContaining({ type: 'WITHDRAW', delta: '-290.00', externalId: `${key}:chargeback`, skipMarginCheck: true }),
			]);
			expect(sandbox.ctrader.simulator.balanceOf(login)).toBe('50.00');
			expect(await stepsRun(chargedBack)).not.toContain('Debit MT5 Account');
			expect(sandbox.crm.simulator.client(Number(clientId))?.status).toBe('blocked');
			expect(sandbox.crm.simulator.state().notes.filter((n) => n.client_id === Number(clientId)).map((n) => n.body)).toEqual([
				`n8n is debiting the chargeback of praxis transaction ${transaction.tid}.`,
				`Account blocked: chargeback on praxis transaction ${transaction.tid}; 290.00 USD debited from cTrader ${login}.`,
			]);
		});

		it('puts a deposit of a client with no MT5 or cTrader account in the review queue, saying so, and alerts ops', async () => {
			const clientId = await newClient('Farid', 'farid@example.com');
			const alertsBefore = sandbox.alerts.simulator.received().length;
			await openDeposit(clientId, 'dep-no-account', 7_500);
			const before = await finishedRuns();
			const { transaction } = await sandbox.praxis.simulator.completeDeposit('dep-no-account', { status: 'approved' });
			const [run] = await newRuns(before, 1);

			const reason = `client ${clientId} has no MT5 or cTrader account linked in the CRM`;
			const key = `praxis:${transaction.tid}`;
			expect(nodeOutput(await n8n.api.getExecution(run.id), 'Add to Review Queue')).toEqual([
				expect.objectContaining({ idempotency_key: key, client_id: clientId, amount: '75.00', currency: 'USD', reason, status: 'open' }),
			]);
			const steps = await stepsRun(run);
			for (const step of ['Credit MT5 Account', 'Credit cTrader Account', 'Record in CRM']) expect(steps).not.toContain(step);
			// The CRM knows the deposit (claimed before any credit) and still shows it pending.
			expect(crmTransactionsFor(transaction.tid)).toEqual([expect.objectContaining({ reference: key, status: 'pending', login: null, amount: '75.00' })]);
			expect(sandbox.alerts.simulator.received().slice(alertsBefore).map((a) => a.text)).toEqual([
				`Payment event ${key} for client ${clientId} (75.00 USD) is in the review queue: ${reason}`,
			]);
		});
	});
});
