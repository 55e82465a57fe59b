import { computeHmac, verifyHmac, WebhookSignatureError } from '../../lib/signatures';
import { CoinspaidSimulator } from '../../sandbox/coinspaid';
import { SandboxControl, Simulator, startSimulator, type Router, type RunningSimulator } from '../../sandbox/framework';

// The published example (coinspaid/docs api-documentation/authorization.md).
const DOC_SECRET = 'AbCdEfG123456';
const DOC_BODY = '{"currency":"BTC","foreign_id":"123456"}';
const DOC_SIGNATURE =
	'03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec';
const PUBLIC_KEY = 'cp_test_public';

interface Answer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
	json: any;
}

interface Received {
	rawBody: string;
	key: string | undefined;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- callbacks are read field by field
	body: any;
	verified: boolean;
}

/** A merchant's callback endpoint: verifies X-Processing-Signature the way the pack's trigger does. */
class CallbackReceiver extends Simulator {
	readonly name = 'receiver';
	readonly title = 'records and verifies CoinsPaid callbacks';
	received: Received[] = [];
	/** Answers to give, first one first; 200 once they are used up. */
	answers: number[] = [];
	routes(router: Router) {
		router.add('POST', '/coinspaid', (req) => {
			let verified = true;
			try {
				verifyHmac({
					rawBody: req.rawBody,
					signature: req.headers['x-processing-signature'] as string | undefined,
					secrets: [DOC_SECRET],
					algorithm: 'sha512',
					encoding: 'hex',
					signatureHeader: 'X-Processing-Signature',
				});
			} catch (error) {
				if (!(error instanceof WebhookSignatureError)) throw error;
				verified = false;
			}
			this.received.push({ rawBody: req.rawBody.toString('utf8'), key: req.headers['x-processing-key'] as string | undefined, body: req.json(), verified });
			if (!verified) return { status: 401, body: { reason: 'signature_mismatch' } };
			return { status: this.answers.shift() ?? 200, body: '' };
		});
	}
	reset() {
		this.received = [];
		this.answers = [];
	}
	state() {
		return this.received;
	}
	credentials() {
		return {};
	}
}

let running: RunningSimulator<CoinspaidSimulator>;
let coinspaid: CoinspaidSimulator;
let receiverRunning: RunningSimulator<CallbackReceiver>;
let receiver: CallbackReceiver;

/** POSTs exactly `rawBody`, signed with `secret` unless a signature is given. */
async function post(path: string, rawBody: string, options: { secret?: string; signature?: string; key?: string } = {}): Promise<Answer> {
	const signature = options.signature ?? computeHmac('sha512', options.secret ?? DOC_SECRET, rawBody, 'hex');
	const response = await fetch(`${running.url}/api/v2${path}`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-processing-key': options.key ?? PUBLIC_KEY, 'x-processing-signature': signature },
		body: rawBody,
	});
	const text = await response.text();
	return { status: response.status, json: text ? JSON.parse(text) : undefined };
}

const call = async (path: string, body: unknown) => await post(path, JSON.stringify(body));

async function takeAddress(foreignId: string, currency = 'BTC', convertTo?: string): Promise<{ id: number; address: string; tag: string | null }> {
	const answer = await call('/addresses/take', { foreign_id: foreignId, currency, ...(convertTo ? { convert_to: convertTo } : {}) });
	expect(answer.status).toBe(201);
	return answer.json.data;
}

const withdrawal = (foreignId: string, amount: string) => ({
	foreign_id: foreignId,
	amount,
	currency: 'BTC',
	address: 'bc1qar0srrr7xfkvy5l643lydnw9re59gtzzwf5mdq',
});

beforeAll(async () => {
	receiverRunning = await startSimulator(new CallbackReceiver());
	receiver = receiverRunning.simulator;
	running = await startSimulator(
		new CoinspaidSimulator({ publicKey: PUBLIC_KEY, secret: DOC_SECRET, callbackUrl: `${receiverRunning.url}/coinspaid`, balances: { BTC: '1.5' } }),
	);
	coinspaid = running.simulator;
});
afterAll(async () => {
	await coinspaid.idle();
	await running.close();
	await receiverRunning.close();
});
beforeEach(async () => {
	await coinspaid.idle();
	coinspaid.reset();
	coinspaid.faults.clear();
	receiver.reset();
});

describe('CoinsPaid authentication', () => {
	it('accepts the request of the published signature example, byte for byte', async () => {
		expect(computeHmac('sha512', DOC_SECRET, DOC_BODY, 'hex')).toBe(DOC_SIGNATURE);
		const answer = await post('/addresses/take', DOC_BODY, { signature: DOC_SIGNATURE });
		expect(answer.status).toBe(201);
		expect(answer.json.data).toMatchObject({ currency: 'BTC', foreign_id: '123456', convert_to: null, tag: null });
	});

	it('refuses a forged signature with 403 and CoinsPaid\'s errors shape, creating nothing', async () => {
		const answer = await post('/addresses/take', DOC_BODY, { secret: 'not-the-secret' });
		expect(answer.status).toBe(403);
		expect(Object.keys(answer.json.errors)).toEqual(['X-Processing-Signature']);
		expect(coinspaid.state().addresses).toHaveLength(0);
	});

	it('refuses a signature made over a differently formatted body (the raw bytes are signed)', async () => {
		const spaced = '{"currency": "BTC", "foreign_id": "123456"}';
		const answer = await post('/addresses/take', spaced, { signature: DOC_SIGNATURE });
		expect(answer.status).toBe(403);
	});

	it('refuses an unknown public key with 401', async () => {
		const answer = await post('/accounts/list', '{}', { key: 'someone-else' });
		expect(answer.status).toBe(401);
		expect(answer.json.errors['X-Processing-Key']).toMatch(/not a known public key/);
	});
});

describe('CoinsPaid deposit addresses', () => {
	it('gives the same foreign_id the same static address again', async () => {
		const first = await takeAddress('user-id:2048');
		const again = await takeAddress('user-id:2048');
		const other = await takeAddress('user-id:4096');
		expect(again).toEqual(first);
		expect(other.address).not.toBe(first.address);
		expect(coinspaid.state().addresses).toHaveLength(2);
	});

	it('answers a missing foreign_id with the documented 400 errors body', async () => {
		const answer = await call('/addresses/take', { currency: 'BTC' });
		expect(answer.status).toBe(400);
		expect(answer.json).toEqual({ errors: { foreign_id: 'The foreign id field is required.' } });
	});
});

describe('CoinsPaid withdrawals', () => {
	it('refuses a repeated withdrawal foreign_id and withdraws only once', async () => {
		const first = await call('/withdrawal/crypto', withdrawal('wd-1001', '0.25'));
		expect(first.status).toBe(201);
		expect(first.json.data).toMatchObject({ foreign_id: 'wd-1001', type: 'withdrawal', status: 'processing', amount: '0.25000000', sender_currency: 'BTC' });
		const repeated = await call('/withdrawal/crypto', withdrawal('wd-1001', '0.25'));
		expect(repeated.status).toBe(400);
		expect(repeated.json.errors.foreign_id).toBe('The foreign id has already been taken.');
		expect(coinspaid.balance('BTC')).toBe('1.25000000');
		expect(coinspaid.state().transactions.filter((t) => t.type === 'withdrawal')).toHaveLength(1);
	});

	it('keeps a withdrawal whose answer was lost, so the retry with the same foreign_id is refused', async () => {
		coinspaid.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/api/v2/withdrawal/crypto' });
		await expect(call('/withdrawal/crypto', withdrawal('wd-2002', '0.5'))).rejects.toThrow();
		const retried = await call('/withdrawal/crypto', withdrawal('wd-2002', '0.5'));
		expect(retried.status).toBe(400);
		expect(coinspaid.balance('BTC')).toBe('1.00000000');
	});

	it('refuses an amount above the balance and leaves the balance alone', async () => {
		const answer = await call('/withdrawal/crypto', withdrawal('wd-3003', '1.50000001'));
		expect(answer.status).toBe(400);
		expect(answer.json.errors.amount).toMatch(/Insufficient funds/);
		const list = await call('/accounts/list', {});
		expect(list.json.data).toContainEqual({ currency: 'BTC', type: 'crypto', balance: '1.50000000' });
	});

	it('sends a signed confirmed callback for a confirmed withdrawal, with its foreign_id', async () => {
		const created = await call('/withdrawal/crypto', withdrawal('wd-4004', '0.1'));
		await coinspaid.confirmWithdrawal(created.json.data.id);
		expect(receiver.received).toHaveLength(1);
		expect(receiver.received[0]).toMatchObject({ verified: true, key: PUBLIC_KEY });
		expect(receiver.received[0].body).toMatchObject({ id: created.json.data.id, foreign_id: 'wd-4004', type: 'withdrawal', status: 'confirmed', error: '' });
	});

	it('gives the held amount back when a withdrawal fails, and says so in the callback', async () => {
		const created = await call('/withdrawal/crypto', withdrawal('wd-5005', '0.4'));
		expect(coinspaid.balance('BTC')).toBe('1.10000000');
		await coinspaid.failWithdrawal(created.json.data.id, 'Address is blacklisted');
		expect(coinspaid.balance('BTC')).toBe('1.50000000');
		expect(receiver.received[0].body).toMatchObject({ status: 'failed', error: 'Address is blacklisted' });
	});
});

describe('CoinsPaid deposit callbacks', () => {
	it('sends not_confirmed, then confirmed with the exact amount_minus_fee, both signed', async () => {
		const { address } = await takeAddress('user-id:2048');
		const deposit = await coinspaid.depositToAddress(address, { amount: '0.12345678', fee: '0.00122222', confirmations: 0, txid: 'a1b2c3' });
		expect(coinspaid.balance('BTC')).toBe('1.50000000');
		await coinspaid.confirm(deposit.id);
		expect(receiver.received.map((r) => [r.body.status, r.verified])).toEqual([
			['not_confirmed', true],
			['confirmed', true],
		]);
		const confirmed = receiver.received[1].body;
		expect(confirmed).toMatchObject({
			id: deposit.id,
			type: 'deposit',
			crypto_address: { address, currency: 'BTC', foreign_id: 'user-id:2048', tag: null },
			currency_sent: { currency: 'BTC', amount: '0.12345678' },
			currency_received: { currency: 'BTC', amount: '0.12345678', amount_minus_fee: '0.12223456' },
			fees: [{ type: 'deposit', currency: 'BTC', amount: '0.00122222' }],
			error: '',
		});
		expect(confirmed.transactions[0]).toMatchObject({ transaction_type: 'blockchain', type: 'deposit', txid: 'a1b2c3', amount: '0.12345678' });
		expect(receiver.received[0].body.id).toBe(confirmed.id);
		expect(coinspaid.balance('BTC')).toBe('1.62223456');
	});

	it('sends only confirmed for a deposit that already has its confirmations', async () => {
		const { address } = await takeAddress('user-id:77');
		await coinspaid.depositToAddress(address, { amount: '0.01', fee: '0.0001', confirmations: 6 });
		expect(receiver.received.map((r) => r.body.status)).toEqual(['confirmed']);
		expect(receiver.received[0].body.currency_received.amount_minus_fee).toBe('0.00990000');
	});

	it('converts a deposit to an address taken with convert_to and credits the fiat amount_minus_fee', async () => {
		const { address } = await takeAddress('user-id:2048', 'BTC', 'EUR');
		await coinspaid.depositToAddress(address, { amount: '0.01', confirmations: 2 });
		const body = receiver.received[0].body;
		expect(body).toMatchObject({
			type: 'deposit_exchange',
			crypto_address: { currency: 'BTC', convert_to: 'EUR' },
			currency_sent: { currency: 'BTC', amount: '0.01000000' },
			// sandbox rate 60000 EUR/BTC, default fee 0.99 %
			currency_received: { currency: 'EUR', amount: '600.00000000', amount_minus_fee: '594.06000000' },
			fees: [{ type: 'exchange', currency: 'EUR', amount: '5.94000000' }],
		});
		expect(body.transactions.map((t: { transaction_type: string }) => t.transaction_type)).toEqual(['blockchain', 'exchange']);
		expect(coinspaid.balance('EUR')).toBe('50594.06000000');
	});

	it('re-sends a callback answered with something other than 200, the same body again', async () => {
		receiver.answers = [500];
		const { address } = await takeAddress('user-id:88');
		const deposit = await coinspaid.depositToAddress(address, { amount: '0.02', fee: '0.0002', confirmations: 9 });
		expect(coinspaid.callbackLog[0]).toMatchObject({ delivered: false, lastStatus: 500, attempts: 1 });
		expect(coinspaid.callbackLog[0].nextRetryAt).not.toBeNull();
		await coinspaid.retryFailedCallbacks();
		expect(receiver.received).toHaveLength(2);
		expect(receiver.received[1].rawBody).toBe(receiver.received[0].rawBody);
		expect(receiver.received[1].body.id).toBe(deposit.id);
		expect(coinspaid.callbackLog[0]).toMatchObject({ delivered: true, lastStatus: 200, attempts: 2 });
		await coinspaid.retryFailedCallbacks();
		expect(receiver.received).toHaveLength(2);
	});

	it('sends a forged callback through the control API, which the receiver refuses', async () => {
		await new SandboxControl(running.url).webhookFault('coinspaid', { kind: 'badSignature' });
		const { address } = await takeAddress('user-id:99');
		await coinspaid.depositToAddress(address, { amount: '0.03', fee: '0', confirmations: 9 });
		expect(receiver.received[0].verified).toBe(false);
		expect(coinspaid.callbackLog[0]).toMatchObject({ delivered: false, lastStatus: 401 });
	});
});
