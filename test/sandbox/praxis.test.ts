import { computePlainHash } from '../../lib/signatures';
import { SandboxControl, Simulator, startSimulator, type Router, type RunningSimulator } from '../../sandbox/framework';
import { PRAXIS_ERROR, PraxisSimulator } from '../../sandbox/praxis';

const MERCHANT = 'praxis_sandbox_merchant';
const APP_KEY = 'praxis_sandbox_app_3f9a';
const SECRET = 'praxis_sandbox_secret_7c41e9d2';
/** The simulator's clock is frozen here so hand-computed signatures stay valid. */
const NOW = 1764129600;

/**
 * Vectors computed outside this code base:
 *   python3 -c "import hashlib;print(hashlib.sha384(b'<literal>').hexdigest())"
 */
const VECTORS = {
	// 'praxis_sandbox_merchant' 'praxis_sandbox_app_3f9a' '1764129600' 'payment' 'client-1001' 'dep-0001' + secret
	cashier: 'aa15f10746baaa864c133fa8b309ecc923832bb36fa0997a6af207ee56df89b97d92fa6696e750e60d25fad6b514b72c',
	// sha256('praxis_sandbox_merchant:client-1001')[:32], the simulator's customer_token for cid client-1001
	customerToken: '399d55b33ddad8208ad99aefee4695ce',
	// merchant, app key, '1764129600', customer token, 'dep-0001', '756850', 'EUR', '10000', '1.085000', 'USD', '10850' + secret
	notification: '0efd26950db0f8b567117f25c02a3aad5a20f41b5bef5bedea6bee9aeb9257ee4b33608783e336a0fd21fd2e44dc7944',
	// '0' '1764129600' + secret: the merchant's acknowledgement
	reply: '70118db90ffc991c83bfb7b2e00c9e08fe1f4fab570926ab5eba6740b1a26fc0edfa31d51510246a97db45eb7c102de1',
};

type ReplyMode = 'signed' | 'unsigned' | 'minusOne' | 'forged';

interface Received {
	rawBody: string;
	signature: string | undefined;
}

/** A merchant's notification endpoint whose reply the test chooses. */
class MerchantEndpoint extends Simulator {
	readonly name = 'merchant';
	readonly title = 'records Praxis notifications';
	mode: ReplyMode = 'signed';
	received: Received[] = [];
	routes(router: Router) {
		router.add('POST', '/praxis/notify', (req) => {
			this.received.push({ rawBody: req.rawBody.toString('utf8'), signature: req.headers['gt-authentication'] as string | undefined });
			const status = this.mode === 'minusOne' ? -1 : 0;
			const body = `{"status":${status},"description":"OK","version":"1.3","timestamp":${NOW}}`;
			const headers: Record<string, string> = { 'content-type': 'application/json' };
			if (this.mode === 'signed' || this.mode === 'minusOne') headers['GT-Authentication'] = status === 0 ? VECTORS.reply : sha384(['-1', String(NOW), SECRET]);
			if (this.mode === 'forged') headers['GT-Authentication'] = sha384(['0', String(NOW), 'not-the-secret']);
			return { headers, body };
		});
	}
	reset() {
		this.mode = 'signed';
		this.received = [];
	}
	state() {
		return this.received;
	}
	credentials() {
		return {};
	}
}

let running: RunningSimulator<PraxisSimulator>;
let praxis: PraxisSimulator;
let endpointRunning: RunningSimulator<MerchantEndpoint>;
let endpoint: MerchantEndpoint;
let notifyUrl: string;

function sha384(parts: string[]): string {
	return computePlainHash('sha384', parts, 'hex');
}

interface Answer {
	httpStatus: number;
	signature: string | null;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
	json: any;
}

/** Posts a body signed over `fields` (their values as strings, in order) unless a signature is given. */
async function post(path: string, body: Record<string, unknown>, fields: string[], signature?: string | null): Promise<Answer> {
	const sign = signature === undefined ? sha384([...fields.map((f) => body[f]).filter((v) => v !== null && v !== undefined).map(String), SECRET]) : signature;
	const response = await fetch(`${running.url}${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json; charset=utf-8', ...(sign === null ? {} : { 'GT-Authentication': sign }) },
		body: JSON.stringify(body),
	});
	return { httpStatus: response.status, signature: response.headers.get('gt-authentication'), json: await response.json() };
}

const CASHIER_FIELDS = ['merchant_id', 'application_key', 'timestamp', 'intent', 'cid', 'order_id'];

function cashierBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		merchant_id: MERCHANT,
		application_key: APP_KEY,
		intent: 'payment',
		currency: 'EUR',
		amount: 10000,
		cid: 'client-1001',
		locale: 'en-GB',
		customer_data: { country: 'GB', first_name: 'John', last_name: 'Johnson', email: 'john@example.com' },
		notification_url: notifyUrl,
		return_url: 'https://broker.example/cashier/return',
		order_id: 'dep-0001',
		version: '1.3',
		timestamp: NOW,
		...overrides,
	};
}

async function openWithdrawal(orderId = 'wd-0001', amount = 25000): Promise<number> {
	const answer = await post('/cashier/cashier', cashierBody({ intent: 'withdrawal', order_id: orderId, amount }), CASHIER_FIELDS);
	expect(answer.json.status).toBe(0);
	await praxis.idle();
	const transaction = praxis.state().transactions.find((t) => t.order_id === orderId);
	return transaction?.withdrawal_request_id as number;
}

async function manage(intent: string, withdrawalRequestId: number): Promise<Answer> {
	const body = { merchant_id: MERCHANT, application_key: APP_KEY, intent, withdrawal_request_id: withdrawalRequestId, version: '1.3', timestamp: NOW };
	return await post('/agent/manage-withdrawal-request', body, ['merchant_id', 'application_key', 'timestamp', 'intent', 'withdrawal_request_id']);
}

async function findOrder(orderId: string): Promise<Answer> {
	const body = { merchant_id: MERCHANT, application_key: APP_KEY, order_id: orderId, version: '1.3', timestamp: NOW };
	return await post('/agent/find-order', body, ['merchant_id', 'application_key', 'timestamp', 'order_id']);
}

beforeAll(async () => {
	running = await startSimulator(new PraxisSimulator({ now: () => NOW * 1000 }));
	praxis = running.simulator;
	endpointRunning = await startSimulator(new MerchantEndpoint());
	endpoint = endpointRunning.simulator;
	notifyUrl = `${endpointRunning.url}/praxis/notify`;
});
afterAll(async () => {
	await praxis.idle();
	await running.close();
	await endpointRunning.close();
});
beforeEach(async () => {
	await praxis.idle();
	await new SandboxControl(running.url).reset();
	endpoint.reset();
});

describe('Praxis cashier request authentication', () => {
	it('accepts a cashier request signed with the hand-computed SHA-384 and answers a signed session', async () => {
		const answer = await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS, VECTORS.cashier);
		expect(answer.json).toMatchObject({
			status: 0,
			customer: { customer_token: VECTORS.customerToken },
			session: { intent: 'payment', order_id: 'dep-0001', amount: 10000, currency: 'EUR', session_status: 'created' },
			version: '1.3',
			timestamp: NOW,
		});
		expect(answer.json.redirect_url).toBe(`${running.url}/cashier/session/${answer.json.session.auth_token}`);
		const { json } = answer;
		expect(answer.signature).toBe(sha384(['0', String(NOW), json.redirect_url, json.customer.customer_token, 'dep-0001', SECRET]));
		expect((await fetch(json.redirect_url)).status).toBe(200);
	});

	it('refuses a forged GT-Authentication with a positive status and creates nothing', async () => {
		const answer = await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS, VECTORS.cashier.replace(/^a/, 'b'));
		expect(answer.json.status).toBe(PRAXIS_ERROR.authentication);
		expect(answer.json.description).toMatch(/GT-Authentication does not match/);
		expect(answer.signature).toBe(sha384([String(PRAXIS_ERROR.authentication), String(NOW), SECRET]));
		expect(praxis.state().orders).toHaveLength(0);
	});

	it('refuses a request without GT-Authentication', async () => {
		const answer = await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS, null);
		expect(answer.json).toMatchObject({ status: PRAXIS_ERROR.authentication, description: 'GT-Authentication header is missing' });
	});

	it('refuses a correctly signed request whose timestamp is more than 5 minutes old', async () => {
		const answer = await post('/cashier/cashier', cashierBody({ timestamp: NOW - 301 }), CASHIER_FIELDS);
		expect(answer.json.status).toBe(PRAXIS_ERROR.staleTimestamp);
		expect(answer.json.description).toMatch(/301 s away/);
		expect(praxis.state().orders).toHaveLength(0);
	});

	it('refuses another merchant application key even when signed', async () => {
		const answer = await post('/cashier/cashier', cashierBody({ application_key: 'someone-else' }), CASHIER_FIELDS);
		expect(answer.json).toMatchObject({ status: PRAXIS_ERROR.authentication, description: 'application_key does not belong to this merchant' });
	});

	it('refuses an amount that is not whole minor units', async () => {
		const answer = await post('/cashier/cashier', cashierBody({ amount: 100.5 }), CASHIER_FIELDS);
		expect(answer.json.status).toBe(PRAXIS_ERROR.invalidRequest);
		expect(answer.json.description).toMatch(/amount must be a whole number of minor units/);
	});
});

describe('Praxis cashier sessions', () => {
	it('refuses a second session with an order_id already used', async () => {
		expect((await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS)).json.status).toBe(0);
		const again = await post('/cashier/cashier', cashierBody({ amount: 5000 }), CASHIER_FIELDS);
		expect(again.json.status).toBe(PRAXIS_ERROR.duplicateOrder);
		expect(again.json.description).toMatch(/order_id "dep-0001" was already used/);
		expect(praxis.state().orders.map((o) => o.amount)).toEqual([10000]);
	});

	it('keeps a session whose answer was lost (timeoutAfterCommit), so the retry with the same order_id is refused', async () => {
		praxis.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/cashier/cashier' });
		await expect(post('/cashier/cashier', cashierBody(), CASHIER_FIELDS)).rejects.toThrow();
		expect(praxis.state().orders.map((o) => o.order_id)).toEqual(['dep-0001']);
		expect((await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS)).json.status).toBe(PRAXIS_ERROR.duplicateOrder);
	});

	it('puts a withdrawal session in requested and notifies the merchant', async () => {
		const withdrawalRequestId = await openWithdrawal();
		expect(withdrawalRequestId).toBe(40001);
		expect(praxis.state().transactions[0]).toMatchObject({ transaction_type: 'payout', transaction_status: 'requested', amount: 25000 });
		expect(JSON.parse(endpoint.received[0].rawBody).transaction).toMatchObject({ transaction_status: 'requested', withdrawal_request_id: 40001 });
	});
});

describe('Praxis notifications', () => {
	it('delivers a deposit notification signed over the documented fields, numbers as sent', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		const result = await praxis.completeDeposit('dep-0001', { status: 'approved', processedCurrency: 'USD', conversionRate: '1.085000' });
		expect(result.transaction).toMatchObject({ tid: 756850, processed_amount: 10850, transaction_status: 'approved' });
		expect(endpoint.received).toHaveLength(1);
		expect(endpoint.received[0].signature).toBe(VECTORS.notification);
		expect(endpoint.received[0].rawBody).toContain('"conversion_rate":1.085000');
		const body = JSON.parse(endpoint.received[0].rawBody);
		expect(body).toMatchObject({ merchant_id: MERCHANT, timestamp: NOW, customer: { customer_token: VECTORS.customerToken }, session: { order_id: 'dep-0001' } });
		expect(body.transaction).toMatchObject({ tid: 756850, currency: 'EUR', amount: 10000, processed_currency: 'USD', processed_amount: 10850, status_code: 'SC-002' });
		expect(result.notification).toMatchObject({ acknowledged: true, nextAttemptAt: null });
	});

	it('notifies a processed amount that differs from the session amount (processedAmount)', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		const result = await praxis.completeDeposit('dep-0001', { status: 'approved', processedAmount: 9500 });
		expect(result.transaction).toMatchObject({ amount: 10000, currency: 'EUR', processed_amount: 9500, processed_currency: 'EUR' });
		const body = JSON.parse(endpoint.received[0].rawBody);
		expect(body.session).toMatchObject({ amount: 10000, processed_amount: 9500 });
		expect(body.transaction).toMatchObject({ amount: 10000, processed_amount: 9500 });
	});

	it('keeps a notification pending when the reply is unsigned, and resendPending delivers it again', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		endpoint.mode = 'unsigned';
		const { notification } = await praxis.completeDeposit('dep-0001', { status: 'approved' });
		expect(notification).toMatchObject({ acknowledged: false, nextAttemptAt: NOW + 300 });
		expect(notification.attempts[0].reason).toBe('reply carries no GT-Authentication');
		endpoint.mode = 'signed';
		const resent = await praxis.resendPending();
		expect(resent).toHaveLength(1);
		expect(endpoint.received.map((r) => r.rawBody)).toEqual([endpoint.received[0].rawBody, endpoint.received[0].rawBody]);
		expect(notification.acknowledged).toBe(true);
		expect(await praxis.resendPending()).toHaveLength(0);
	});

	it('resends a notification whose reply says status -1', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		endpoint.mode = 'minusOne';
		const { notification } = await praxis.completeDeposit('dep-0001', { status: 'rejected' });
		expect(notification.attempts[0]).toMatchObject({ accepted: false, reason: 'merchant asked for a resend (status -1)' });
		await praxis.resendPending();
		expect(endpoint.received).toHaveLength(2);
		expect(notification.acknowledged).toBe(false);
	});

	it('does not take a reply signed with the wrong secret as an acknowledgement', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		endpoint.mode = 'forged';
		const { notification } = await praxis.completeDeposit('dep-0001', { status: 'approved' });
		expect(notification.attempts[0].reason).toMatch(/reply GT-Authentication does not match/);
		expect(notification.acknowledged).toBe(false);
	});

	it('signs a notification with a wrong secret when the control API injects badSignature', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		await new SandboxControl(running.url).webhookFault('praxis', { kind: 'badSignature' });
		await praxis.completeDeposit('dep-0001', { status: 'approved', processedCurrency: 'USD', conversionRate: '1.085000' });
		expect(endpoint.received[0].signature).not.toBe(VECTORS.notification);
		const deliveries = await new SandboxControl(running.url).deliveries('praxis');
		expect(deliveries).toMatchObject([{ eventId: 'ntf_1', forged: true, status: 200 }]);
	});

	it('notifies a chargeback of an approved deposit under the same tid', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		const { transaction } = await praxis.completeDeposit('dep-0001', { status: 'approved' });
		await praxis.chargeback(transaction.tid);
		expect(JSON.parse(endpoint.received[1].rawBody).transaction).toMatchObject({ tid: 756850, transaction_status: 'chargeback' });
	});
});

describe('Praxis agent API', () => {
	it('completes a requested withdrawal: approved, and the merchant is notified', async () => {
		const id = await openWithdrawal();
		const answer = await manage('complete-withdrawal-request', id);
		expect(answer.json).toMatchObject({ status: 0, transaction: { withdrawal_request_id: id, transaction_status: 'approved' } });
		expect(answer.signature).toBe(sha384(['0', String(NOW), SECRET]));
		await praxis.idle();
		expect(JSON.parse(endpoint.received[1].rawBody).transaction.transaction_status).toBe('approved');
	});

	it('cancels a withdrawal request whose processing has not started', async () => {
		const id = await openWithdrawal();
		const answer = await manage('cancel-withdrawal-request', id);
		expect(answer.json.transaction.transaction_status).toBe('cancelled');
		expect(praxis.state().transactions[0].transaction_status).toBe('cancelled');
	});

	it('refuses to cancel a withdrawal once processing started, but still completes it', async () => {
		const id = await openWithdrawal();
		await praxis.startWithdrawalProcessing(id);
		const cancel = await manage('cancel-withdrawal-request', id);
		expect(cancel.json.status).toBe(PRAXIS_ERROR.invalidState);
		expect(cancel.json.description).toMatch(/"in progress": only a request whose processing has not started/);
		expect((await manage('complete-withdrawal-request', id)).json.transaction.transaction_status).toBe('approved');
	});

	it('refuses a manage request signed over the cashier fields instead of its own', async () => {
		const id = await openWithdrawal();
		const body = { merchant_id: MERCHANT, application_key: APP_KEY, intent: 'complete-withdrawal-request', withdrawal_request_id: id, timestamp: NOW };
		const answer = await post('/agent/manage-withdrawal-request', body, ['merchant_id', 'application_key', 'timestamp', 'intent']);
		expect(answer.json.status).toBe(PRAXIS_ERROR.authentication);
		expect(praxis.state().transactions[0].transaction_status).toBe('requested');
	});

	it('splits a withdrawal request into two requests that add up to the original', async () => {
		const id = await openWithdrawal('wd-0002', 25000);
		const body = { merchant_id: MERCHANT, application_key: APP_KEY, withdrawal_request_id: id, amount: 10000, version: '1.3', timestamp: NOW };
		const answer = await post('/agent/split-withdrawal-request', body, ['merchant_id', 'application_key', 'timestamp', 'withdrawal_request_id']);
		expect(answer.json.status).toBe(0);
		expect(answer.json.withdrawal_requests.map((w: { amount: number; trace_id: number }) => [w.amount, w.trace_id])).toEqual([
			[15000, id],
			[10000, id],
		]);
	});

	it('finds an order with its transactions, and answers not found for an unknown one', async () => {
		await post('/cashier/cashier', cashierBody(), CASHIER_FIELDS);
		await praxis.completeDeposit('dep-0001', { status: 'rejected' });
		await praxis.completeDeposit('dep-0001', { status: 'approved', fee: 150 });
		const found = await findOrder('dep-0001');
		expect(found.json).toMatchObject({ status: 0, session: { order_id: 'dep-0001' }, customer: { customer_token: VECTORS.customerToken } });
		expect(found.json.transactions.map((t: { tid: number; transaction_status: string; fee: number }) => [t.tid, t.transaction_status, t.fee])).toEqual([
			[756850, 'rejected', 0],
			[756851, 'approved', 150],
		]);
		expect((await findOrder('nope')).json).toMatchObject({ status: PRAXIS_ERROR.notFound, description: 'order_id "nope" not found' });
	});
});
