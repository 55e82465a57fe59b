/**
 * The Praxis node against the Praxis simulator over real HTTP, through n8n-core as n8n runs it
 * (dist/ loaded by the in-process runner): signed cashier sessions with exact minor units, the
 * lost-answer retry that ends in "already created", find-order, and the withdrawal-request agent
 * calls. A real notification the simulator sends is captured and fed to the trigger's pure check.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';
import { proxyRequestToAxios } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';

import { Simulator, startSimulator, type Router, type RunningSimulator } from '../../sandbox/framework';
import { PraxisSimulator } from '../../sandbox/praxis';
import { checkNotification, notificationReply } from '../../nodes/Praxis/trigger/notification';
import { testPraxisCredential } from '../../nodes/Praxis/transport';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/praxis-operations.json';

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'Praxis';
const SECRET = 'praxis_sandbox_secret_7c41e9d2';
const { processClaims } = fromPackage<typeof import('../../lib/idempotency')>('lib/idempotency');
const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');
const { PraxisTrigger } = fromPackage<typeof import('../../nodes/Praxis/PraxisTrigger.node')>('nodes/Praxis/PraxisTrigger.node');

/** The merchant's notification endpoint: records what Praxis sent and answers the signed reply. */
class NotificationEndpoint extends Simulator {
	readonly name = 'merchant';
	readonly title = 'records Praxis notifications';
	received: Array<{ rawBody: string; signature: string | undefined }> = [];
	routes(router: Router) {
		router.add('POST', '/praxis', (req) => {
			this.received.push({ rawBody: req.rawBody.toString('utf8'), signature: req.headers['gt-authentication'] as string | undefined });
			const reply = notificationReply(SECRET, Math.floor(Date.now() / 1000));
			return { headers: reply.headers, body: reply.body };
		});
	}
	reset() {
		this.received = [];
	}
	state() {
		return this.received;
	}
	credentials() {
		return {};
	}
}

function withParameters(parameters: INodeParameters): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node: INode) => ({ ...node, parameters: { ...node.parameters, ...parameters } })),
	};
}

describe('Praxis node against the Praxis simulator', () => {
	let praxis: RunningSimulator<PraxisSimulator>;
	let endpoint: RunningSimulator<NotificationEndpoint>;
	let secret = SECRET;
	const credentials = () => ({
		praxisApi: {
			merchantId: 'praxis_sandbox_merchant',
			applicationKey: 'praxis_sandbox_app_3f9a',
			merchantSecret: secret,
			previousSecret: '',
			environment: 'custom',
			baseUrl: `${praxis.url}/`,
		},
	});
	const deposit = (overrides: IDataObject = {}): IDataObject => ({
		cid: 'client-1001',
		orderId: 'dep-0001',
		amount: '100.50',
		currency: 'EUR',
		notificationUrl: `${endpoint.url}/praxis`,
		...overrides,
	});
	const run = async (input: IDataObject[], parameters: INodeParameters = {}) =>
		await runWorkflow(withParameters(parameters), { input, credentials: credentials() });
	const openWithdrawal = async (orderId = 'wd-0001', amount = '250.00') => {
		const result = await run([deposit({ orderId, amount })], { operation: 'createWithdrawalSession' });
		expect(result.outputs[NODE][0]).toHaveLength(1);
		await praxis.simulator.idle();
		return praxis.simulator.state().transactions.find((t) => t.order_id === orderId)?.withdrawal_request_id as number;
	};

	beforeAll(async () => {
		praxis = await startSimulator(new PraxisSimulator());
		endpoint = await startSimulator(new NotificationEndpoint());
	});
	afterAll(async () => {
		await praxis.simulator.idle();
		await praxis.close();
		await endpoint.close();
	});
	beforeEach(async () => {
		await praxis.simulator.idle();
		praxis.simulator.reset();
		praxis.simulator.faults.clear();
		endpoint.simulator.reset();
		processClaims.clear();
		resetBreakers();
		secret = SECRET;
	});

	it('opens a deposit session with the amount in exact minor units and returns the redirect URL', async () => {
		const result = await run([deposit()]);
		const [item] = result.outputs[NODE][0];
		const [order] = praxis.simulator.state().orders;
		expect(order).toMatchObject({ order_id: 'dep-0001', intent: 'payment', amount: 10050, currency: 'EUR', cid: 'client-1001' });
		expect(order.customer_data).toMatchObject({ first_name: 'John', email: 'john@example.com', country: 'GB' });
		expect(item.json).toMatchObject({
			orderId: 'dep-0001',
			intent: 'deposit',
			amount: { amount: '100.50', currency: 'EUR' },
			amountMinor: 10050,
			redirectUrl: `${praxis.url}/cashier/session/${order.auth_token}`,
			authToken: order.auth_token,
			alreadyCreated: false,
		});
	});

	it('sends a zero-decimal currency as is (1500 JPY is 1500)', async () => {
		await run([deposit({ amount: '1500', currency: 'JPY' })]);
		expect(praxis.simulator.state().orders[0]).toMatchObject({ amount: 1500, currency: 'JPY' });
	});

	it('refuses an amount with more decimals than the currency has, naming the field, and opens nothing', async () => {
		const result = await run([deposit({ amount: '100.505' })]);
		expect(result.outputs[NODE][1][0].json.error).toMatch(/"Amount": .*more than 2 decimals/);
		expect(praxis.simulator.state().orders).toHaveLength(0);
	});

	it('reports a reused order ID as Praxis refuses it, without pretending it was created', async () => {
		await run([deposit()]);
		const result = await run([deposit({ amount: '20.00' })]);
		expect(result.outputs[NODE][1][0].json.error).toMatch(/Praxis could not open the deposit session for order dep-0001 \(status 4: order_id "dep-0001" was already used/);
	});

	it('after a lost answer retries the same order ID and, refused as duplicate, returns the session found with find-order', async () => {
		praxis.simulator.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/cashier/cashier' });
		const result = await run([deposit()]);
		expect(result.outputs[NODE][1] ?? []).toHaveLength(0);
		const [order] = praxis.simulator.state().orders;
		expect(praxis.simulator.state().orders).toHaveLength(1);
		expect(result.outputs[NODE][0][0].json).toMatchObject({ orderId: 'dep-0001', alreadyCreated: true, authToken: order.auth_token, redirectUrl: null, amountMinor: 10050 });
	});

	it('finds an order with its transactions as canonical transactions, fee and processed amount exact', async () => {
		await run([deposit({ amount: '100.00' })]);
		await praxis.simulator.completeDeposit('dep-0001', { status: 'approved', fee: 150, processedCurrency: 'USD', conversionRate: '1.085000' });
		const result = await run([{ orderId: 'dep-0001' }], { resource: 'order', operation: 'find', orderId: '={{ $json.orderId }}' });
		expect(result.outputs[NODE][0][0].json).toMatchObject({
			orderId: 'dep-0001',
			intent: 'deposit',
			clientId: 'client-1001',
			transactions: [
				{
					transactionId: '756850',
					status: 'succeeded',
					gross: { amount: '108.50', currency: 'USD' },
					fee: { amount: '1.50', currency: 'USD' },
					idempotencyKey: 'praxis:756850',
				},
			],
		});
	});

	it('answers "not found" for an unknown order on the error output with Praxis\'s words', async () => {
		const result = await run([{ orderId: 'nope' }], { resource: 'order', operation: 'find', orderId: '={{ $json.orderId }}' });
		expect(result.outputs[NODE][1][0].json.error).toMatch(/Praxis could not find order nope \(status 5: order_id "nope" not found\)/);
	});

	it('completes a requested withdrawal: Praxis approves it', async () => {
		const id = await openWithdrawal();
		const result = await run([{ withdrawalRequestId: String(id) }], { resource: 'withdrawalRequest', operation: 'complete' });
		expect(result.outputs[NODE][0][0].json).toMatchObject({ withdrawalRequestId: String(id), action: 'complete', transaction: { status: 'succeeded', type: 'withdrawal', vendorStatus: 'approved' } });
		expect(praxis.simulator.state().transactions[0].transaction_status).toBe('approved');
	});

	it('cancels a withdrawal request whose processing has not started', async () => {
		const id = await openWithdrawal();
		const result = await run([{ withdrawalRequestId: String(id) }], { resource: 'withdrawalRequest', operation: 'cancel' });
		expect(result.outputs[NODE][0][0].json).toMatchObject({ transaction: { status: 'failed', vendorStatus: 'cancelled' } });
	});

	it('refuses to cancel a withdrawal already in progress, with Praxis\'s reason', async () => {
		const id = await openWithdrawal();
		await praxis.simulator.startWithdrawalProcessing(id);
		const result = await run([{ withdrawalRequestId: String(id) }], { resource: 'withdrawalRequest', operation: 'cancel' });
		expect(result.outputs[NODE][1][0].json.error).toMatch(/Praxis could not cancel withdrawal request \d+ \(status 6: .*"in progress"/);
	});

	it('splits a withdrawal request, converting the split amount to minor units exactly', async () => {
		const id = await openWithdrawal('wd-0002', '250.00');
		const result = await run([{ withdrawalRequestId: String(id) }], { resource: 'withdrawalRequest', operation: 'split', amount: '100.00', currency: 'EUR' });
		const out = result.outputs[NODE][0][0].json as { withdrawalRequests: IDataObject[] };
		expect(out.withdrawalRequests.map((w) => [(w.gross as IDataObject).amount, w.traceId])).toEqual([
			['150.00', String(id)],
			['100.00', String(id)],
		]);
	});

	it('refuses a withdrawal request id that is not a number, naming the field', async () => {
		const result = await run([{ withdrawalRequestId: 'abc' }], { resource: 'withdrawalRequest', operation: 'complete' });
		expect(result.outputs[NODE][1][0].json.error).toMatch(/"Withdrawal Request ID": must be the whole number/);
	});

	it('with a wrong Merchant Secret fails on the answer signature and points at the secret', async () => {
		secret = 'not-the-secret';
		const result = await run([deposit()]);
		expect(result.outputs[NODE][1][0].json.error).toMatch(/does not match the Merchant Secret/);
		expect(praxis.simulator.state().orders).toHaveLength(0);
	});

	it('refuses an answer whose signature was not made with the secret, even when it says OK', async () => {
		// The simulator signs with its secret; a node configured with another secret cannot be fooled.
		secret = `${SECRET}x`;
		const result = await run([{ orderId: 'x' }], { resource: 'order', operation: 'find', orderId: '={{ $json.orderId }}' });
		expect(result.outputs[NODE][1][0].json.error).toMatch(/GT-Authentication that does not match/);
	});

	describe('credential test (a signed find-order of an order that cannot exist)', () => {
		const send = async (request: { url: string; headers: Record<string, string>; body: string }) =>
			await proxyRequestToAxios(undefined as never, undefined as never, undefined as never, {
				method: 'POST',
				uri: request.url,
				headers: request.headers,
				body: request.body,
				json: false,
				resolveWithFullResponse: true,
				simple: false,
			});

		it('passes with the right merchant, key and secret: Praxis signs its "not found"', async () => {
			const result = await testPraxisCredential(send, credentials().praxisApi);
			expect(result).toEqual({ status: 'OK', message: 'Praxis accepted the signed request and signed its answer with the same secret' });
		});

		it('fails with a wrong secret', async () => {
			secret = 'wrong';
			expect((await testPraxisCredential(send, credentials().praxisApi)).status).toBe('Error');
		});

		it('fails with a wrong application key, saying what Praxis answered', async () => {
			const result = await testPraxisCredential(send, { ...credentials().praxisApi, applicationKey: 'other' });
			expect(result).toMatchObject({ status: 'Error', message: expect.stringMatching(/application_key does not belong to this merchant/) });
		});

		it('is wired as the nodes\' testedBy', () => {
			const trigger = new PraxisTrigger();
			expect(trigger.description.credentials?.[0]).toMatchObject({ name: 'praxisApi', testedBy: 'praxisFindOrder' });
			expect(typeof trigger.methods.credentialTest.praxisFindOrder).toBe('function');
		});
	});

	describe('a real notification from the simulator', () => {
		it('is verified and mapped by the trigger\'s check, and the signed reply acknowledges it', async () => {
			await run([deposit({ amount: '100.00' })]);
			const { notification } = await praxis.simulator.completeDeposit('dep-0001', { status: 'approved', processedCurrency: 'USD', conversionRate: '1.085000', fee: 150 });
			const [captured] = endpoint.simulator.received;
			expect(captured.rawBody).toContain('"conversion_rate":1.085000');
			const verdict = checkNotification({
				rawBody: captured.rawBody,
				signature: captured.signature,
				secrets: [SECRET, ''],
				merchantId: 'praxis_sandbox_merchant',
				applicationKey: 'praxis_sandbox_app_3f9a',
				toleranceSeconds: 300,
				nowMs: Date.now(),
			});
			expect(verdict).toMatchObject({
				accepted: true,
				transaction: {
					transactionId: '756850',
					status: 'succeeded',
					type: 'deposit',
					gross: { amount: '108.50', currency: 'USD' },
					fee: { amount: '1.50', currency: 'USD' },
					net: { amount: '108.50', currency: 'USD' },
					clientId: 'client-1001',
					idempotencyKey: 'praxis:756850',
				},
			});
			expect(notification).toMatchObject({ acknowledged: true });
			expect(notification.attempts[0]).toMatchObject({ accepted: true, reason: null });
		});

		it('sent with a forged signature (badSignature fault) is refused', async () => {
			await run([deposit({ amount: '100.00' })]);
			praxis.simulator.webhookSenders.praxis.addFault({ kind: 'badSignature' });
			await praxis.simulator.completeDeposit('dep-0001', { status: 'approved' });
			const [captured] = endpoint.simulator.received;
			const verdict = checkNotification({ rawBody: captured.rawBody, signature: captured.signature, secrets: [SECRET, ''], toleranceSeconds: 300, nowMs: Date.now() });
			expect(verdict).toMatchObject({ accepted: false, reason: 'signature' });
		});
	});
});
