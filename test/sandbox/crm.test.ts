import { computeHmac, verifyTimestampedHeader, WebhookSignatureError } from '../../lib/signatures';
import { CrmSimulator } from '../../sandbox/crm';
import { SandboxControl, Simulator, startSimulator, type Router, type RunningSimulator } from '../../sandbox/framework';

const API_KEY = 'crm_sandbox_key_5f2b9c1e';

interface Answer {
	status: number;
	headers: Headers;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
	json: any;
}

interface Received {
	rawBody: string;
	signature: string | undefined;
	timestamp: string | undefined;
	event: { id: string; type: string; created_at: string; data: Record<string, unknown> };
}

/** A webhook receiver that checks the CRM's signature the way the pack's trigger does. */
class Receiver extends Simulator {
	readonly name = 'receiver';
	readonly title = 'records and verifies CRM webhooks';
	secrets: string[] = [];
	mode: 'timestamped' | 'plain' = 'timestamped';
	received: Received[] = [];
	routes(router: Router) {
		router.add('POST', '/hook', (req) => {
			const signature = req.headers['x-crm-signature'] as string | undefined;
			this.received.push({
				rawBody: req.rawBody.toString('utf8'),
				signature,
				timestamp: req.headers['x-crm-timestamp'] as string | undefined,
				event: req.json(),
			});
			try {
				if (this.mode === 'timestamped') verifyTimestampedHeader({ rawBody: req.rawBody, header: signature, secrets: this.secrets, headerName: 'X-CRM-Signature' });
				else if (signature !== computeHmac('sha256', this.secrets[0], req.rawBody, 'hex')) return { status: 401, body: { reason: 'signature_mismatch' } };
			} catch (error) {
				if (error instanceof WebhookSignatureError) return { status: 401, body: { reason: error.reason } };
				throw error;
			}
			return { body: { received: true } };
		});
	}
	reset() {
		this.received = [];
		this.secrets = [];
		this.mode = 'timestamped';
	}
	state() {
		return this.received;
	}
	credentials() {
		return {};
	}
}

let crmRunning: RunningSimulator<CrmSimulator>;
let crm: CrmSimulator;
let receiverRunning: RunningSimulator<Receiver>;
let receiver: Receiver;
let hookUrl: string;

async function call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> {
	const response = await fetch(`${crmRunning.url}${path}`, {
		method,
		headers: { 'x-api-key': API_KEY, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	return { status: response.status, headers: response.headers, json: text ? JSON.parse(text) : undefined };
}

async function subscribe(events: string[] = ['*'], extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
	const answer = await call('POST', '/api/webhooks', { url: hookUrl, events, ...extra });
	expect(answer.status).toBe(201);
	receiver.secrets = [answer.json.secret];
	return answer.json;
}

const newClient = { first_name: 'Anna', last_name: 'Novak', email: 'Anna.Novak@Example.com', phone: '+420601234567', country: 'cz', date_of_birth: '1990-05-17' };

beforeAll(async () => {
	crmRunning = await startSimulator(new CrmSimulator());
	crm = crmRunning.simulator;
	receiverRunning = await startSimulator(new Receiver());
	receiver = receiverRunning.simulator;
	hookUrl = `${receiverRunning.url}/hook`;
});
afterAll(async () => {
	await crm.idle();
	await crmRunning.close();
	await receiverRunning.close();
});
beforeEach(async () => {
	await crm.idle();
	crm.reset();
	crm.faults.clear();
	receiver.reset();
});

describe('CRM REST API', () => {
	it('refuses a request without the X-API-Key header', async () => {
		const answer = await call('GET', '/api/clients', undefined, { 'x-api-key': '' });
		expect(answer.status).toBe(401);
		expect(answer.json.message).toMatch(/X-API-Key/);
	});

	it('creates a client with normalised fields and reads it back', async () => {
		const created = await call('POST', '/api/clients', newClient);
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({ id: 1003, email: 'anna.novak@example.com', country: 'CZ', status: 'lead', kyc_status: 'not_started', risk_level: null, language: 'en' });
		expect((await call('GET', '/api/clients/1003')).json.first_name).toBe('Anna');
		const byEmail = await call('GET', '/api/clients?email=anna.novak@example.com');
		expect(byEmail.json.data.map((c: { id: number }) => c.id)).toEqual([1003]);
		expect(byEmail.json.meta).toMatchObject({ total: 1, page: 1 });
	});

	it('answers 422 naming every invalid field', async () => {
		const answer = await call('POST', '/api/clients', { first_name: 'A', email: 'not-an-email', phone: '0601 234', date_of_birth: '1990-02-30', nickname: 'x' });
		expect(answer.status).toBe(422);
		expect(Object.keys(answer.json.errors).sort()).toEqual(['date_of_birth', 'email', 'last_name', 'nickname', 'phone']);
		expect(answer.json.message).toMatch(/email: must be a valid email address/);
		expect(answer.json.message).toMatch(/phone: must be in E\.164 format/);
		expect(answer.json.errors.last_name).toEqual(['is required']);
	});

	it('refuses a second client with the same email', async () => {
		const answer = await call('POST', '/api/clients', { ...newClient, email: 'MARIA.georgiou@example.com' });
		expect(answer.status).toBe(422);
		expect(answer.json.errors.email).toEqual(['has already been taken']);
	});

	it('PATCH changes the given fields and refuses read-only ones', async () => {
		const patched = await call('PATCH', '/api/clients/1002', { status: 'active', risk_level: 'medium' });
		expect(patched.json).toMatchObject({ status: 'active', risk_level: 'medium', first_name: 'Jonas' });
		expect(patched.json.updated_at).not.toBe(patched.json.created_at);
		const readOnly = await call('PATCH', '/api/clients/1002', { id: 7 });
		expect(readOnly.status).toBe(422);
		expect(readOnly.json.errors.id).toEqual(['is read-only']);
	});

	it('links a trading account to a client and refuses the same login twice', async () => {
		const account = { platform: 'ctrader', login: 3100101, group: 'Standard', leverage: 100, currency: 'usd' };
		const created = await call('POST', '/api/clients/1002/trading-accounts', account);
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({ client_id: 1002, login: '3100101', currency: 'USD' });
		// Jonas already has the seeded MT5 account 500002.
		const linked = (await call('GET', '/api/clients/1002/trading-accounts')).json.data as Array<{ login: string }>;
		expect(linked.map((a) => a.login)).toEqual(['500002', '3100101']);
		const again = await call('POST', '/api/clients/1001/trading-accounts', account);
		expect(again.status).toBe(422);
		expect(again.json.errors.login).toEqual(['is already linked to client 1002']);
	});

	it('keeps a client\'s KYC vendor case, document expiry and next review date, and asks for resubmission', async () => {
		const updated = await call('PATCH', '/api/clients/1002', {
			kyc_status: 'resubmission_requested',
			kyc_provider: 'sumsub',
			kyc_applicant_id: '5cb56e8e0a975a35f333cb83',
			kyc_document_expires_on: '2030-06-30',
			kyc_next_review_on: '2028-11-26',
		});
		expect(updated.json).toMatchObject({ kyc_status: 'resubmission_requested', kyc_provider: 'sumsub', kyc_document_expires_on: '2030-06-30', kyc_next_review_on: '2028-11-26' });
		const bad = await call('PATCH', '/api/clients/1002', { kyc_document_expires_on: '30/06/2030', kyc_applicant_id: '' });
		expect(bad.status).toBe(422);
		expect(bad.json.errors).toEqual({
			kyc_applicant_id: ['must be a non-empty string of at most 100 characters, or null'],
			kyc_document_expires_on: ['must be a date in YYYY-MM-DD format, or null'],
		});
	});

	it('adds a note to a client', async () => {
		const note = await call('POST', '/api/clients/1001/notes', { body: 'Called about the deposit', author: 'ops' });
		expect(note.status).toBe(201);
		expect((await call('GET', '/api/clients/1001/notes')).json.data[0]).toMatchObject({ body: 'Called about the deposit', author: 'ops' });
	});

	it('creates a transaction with its amount kept as an exact decimal string', async () => {
		const created = await call('POST', '/api/transactions', { client_id: 1001, login: '3100001', type: 'deposit', amount: '250.10', currency: 'USD', method: 'card', psp: 'praxis', psp_transaction_id: 'praxis-9001' });
		expect(created.status).toBe(201);
		expect(created.json).toMatchObject({ id: 5002, amount: '250.10', status: 'pending' });
		expect((await call('GET', '/api/transactions?psp_transaction_id=praxis-9001')).json.data).toHaveLength(1);
	});

	it('refuses a float amount, too many decimals and a login of another client, naming each field', async () => {
		const float = await call('POST', '/api/transactions', { client_id: 1001, type: 'deposit', amount: 250.1, currency: 'USD' });
		expect(float.json.errors.amount[0]).toMatch(/decimal string/);
		const precise = await call('POST', '/api/transactions', { client_id: 1001, type: 'deposit', amount: '10.001', currency: 'USD' });
		expect(precise.json.errors.amount).toEqual(['has more decimals than USD allows']);
		const foreign = await call('POST', '/api/transactions', { client_id: 1002, login: '3100001', type: 'deposit', amount: '10', currency: 'USD' });
		expect(foreign.status).toBe(422);
		expect(foreign.json.errors.login).toEqual(['is not a trading account of client 1002']);
	});

	it('keeps where a withdrawal is paid to, and a rejection says why', async () => {
		const created = await call('POST', '/api/transactions', { client_id: 1001, login: '500001', type: 'withdrawal', amount: '120.00', currency: 'USD', psp: 'coinspaid', destination: 'bc1qsandboxwallet0001' });
		expect(created.json).toMatchObject({ destination: 'bc1qsandboxwallet0001', reason: null, status: 'pending' });
		const rejected = await call('PATCH', `/api/transactions/${created.json.id}`, { status: 'rejected', reason: 'KYC is not approved' });
		expect(rejected.json).toMatchObject({ status: 'rejected', reason: 'KYC is not approved' });
		const moved = await call('PATCH', `/api/transactions/${created.json.id}`, { destination: 'bc1qother' });
		expect(moved.json.errors.destination).toEqual(['cannot be changed after the transaction was created']);
	});

	it('does not reopen a final transaction', async () => {
		const answer = await call('PATCH', '/api/transactions/5001', { status: 'pending' });
		expect(answer.status).toBe(422);
		expect(answer.json.errors.status[0]).toMatch(/cannot change from completed/);
		const amount = await call('PATCH', '/api/transactions/5001', { amount: '1.00' });
		expect(amount.json.errors.amount).toEqual(['cannot be changed after the transaction was created']);
	});
});

describe('CRM marketing: consent, touchpoints, erasure', () => {
	it('records when marketing consent was given and clears it when withdrawn', async () => {
		const given = await call('PATCH', '/api/clients/1002', { marketing_consent: true });
		expect(given.json.marketing_consent).toBe(true);
		expect(Date.parse(given.json.marketing_consent_at)).not.toBeNaN();
		const withdrawn = await call('PATCH', '/api/clients/1002', { marketing_consent: false });
		expect(withdrawn.json).toMatchObject({ marketing_consent: false, marketing_consent_at: null });
		expect((await call('PATCH', '/api/clients/1002', { marketing_consent: 'yes' })).json.errors.marketing_consent).toEqual(['must be true or false']);
	});

	it('stores a client\'s touchpoints in time order, the same one once', async () => {
		const later = { timeUtc: '2026-11-20T10:00:00Z', channel: 'paid_search', gclid: 'Cj0KCQiA-AbC_dEf' };
		const earlier = { timeUtc: '2026-11-18T08:30:00Z', channel: 'paid_social', fbc: 'fb.1.1795509000000.IwAR2x' };
		expect((await call('POST', '/api/clients/1001/touchpoints', later)).status).toBe(201);
		expect((await call('POST', '/api/clients/1001/touchpoints', earlier)).status).toBe(201);
		expect((await call('POST', '/api/clients/1001/touchpoints', { ...later })).status).toBe(200);
		const listed = (await call('GET', '/api/clients/1001/touchpoints')).json.data;
		expect(listed.map((t: { channel: string }) => t.channel)).toEqual(['paid_social', 'paid_search']);
		expect(listed[1].data.gclid).toBe('Cj0KCQiA-AbC_dEf');
		expect((await call('POST', '/api/clients/1001/touchpoints', { timeUtc: '2026-11-20 10:00' })).json.errors.timeUtc).toEqual(['must be an ISO-8601 time in UTC ending in Z']);
	});

	it('announces an erasure request with the personal data still there, then erases on completion', async () => {
		await call('POST', '/api/clients/1001/touchpoints', { timeUtc: '2026-11-20T10:00:00Z', channel: 'email' });
		const requested = await call('POST', '/api/clients/1001/erasure-requests');
		expect(requested.status).toBe(202);
		const announced = (await call('GET', '/api/events?type=client.erasure_requested')).json.data[0];
		expect(announced.data).toMatchObject({ id: 1001, email: 'maria.georgiou@example.com', phone: '+35799123456' });

		const erased = await call('POST', '/api/clients/1001/erase');
		expect(erased.json).toMatchObject({ first_name: 'Erased', email: 'erased-1001@erased.invalid', phone: null, marketing_consent: false });
		expect((await call('GET', '/api/clients/1001/touchpoints')).json.data).toEqual([]);
		expect((await call('GET', '/api/events?type=client.erased')).json.data[0].data).toEqual({ id: 1001, erased_at: erased.json.erased_at });
		expect((await call('PATCH', '/api/clients/1001', { first_name: 'Maria' })).json.errors.client[0]).toMatch(/was erased on/);
		expect((await call('POST', '/api/clients/1001/erasure-requests')).status).toBe(409);
	});
});

describe('CRM Idempotency-Key', () => {
	const deposit = { client_id: 1001, type: 'deposit', amount: '100.00', currency: 'USD', psp_transaction_id: 'praxis-7' };

	it('replays the first answer for the same key and creates one transaction', async () => {
		const first = await call('POST', '/api/transactions', deposit, { 'Idempotency-Key': 'praxis-7' });
		const second = await call('POST', '/api/transactions', { ...deposit }, { 'Idempotency-Key': 'praxis-7' });
		expect(second.status).toBe(201);
		expect(second.json).toEqual(first.json);
		expect(second.headers.get('idempotent-replayed')).toBe('true');
		expect(first.headers.get('idempotent-replayed')).toBeNull();
		expect((await call('GET', '/api/transactions?psp_transaction_id=praxis-7')).json.meta.total).toBe(1);
	});

	it('refuses the same key with different parameters', async () => {
		await call('POST', '/api/transactions', deposit, { 'Idempotency-Key': 'k1' });
		const other = await call('POST', '/api/transactions', { ...deposit, amount: '999.00' }, { 'Idempotency-Key': 'k1' });
		expect(other.status).toBe(400);
		expect(other.json.error).toBe('idempotency_key_reused');
	});

	it('stores nothing for a request that failed validation', async () => {
		const bad = await call('POST', '/api/transactions', { ...deposit, amount: 100 }, { 'Idempotency-Key': 'k2' });
		expect(bad.status).toBe(422);
		const fixed = await call('POST', '/api/transactions', deposit, { 'Idempotency-Key': 'k2' });
		expect(fixed.status).toBe(201);
	});

	it('gives a retry after a lost answer the transaction the first call created', async () => {
		crm.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/api/transactions', method: 'POST' });
		await expect(call('POST', '/api/transactions', deposit, { 'Idempotency-Key': 'lost-1' })).rejects.toThrow();
		expect(crm.transaction(5002)).toMatchObject({ amount: '100.00' });
		const retry = await call('POST', '/api/transactions', deposit, { 'Idempotency-Key': 'lost-1' });
		expect(retry.json.id).toBe(5002);
		expect(crm.state().transactions).toHaveLength(2);
	});
});

describe('CRM transaction references', () => {
	const deposit = { client_id: 1001, login: '500001', type: 'deposit', amount: '247.00', currency: 'USD', status: 'completed', psp: 'praxis', psp_transaction_id: '8823' };

	it('PUT by reference creates the transaction once, and a replay answers the same record', async () => {
		const first = await call('PUT', '/api/transactions/by-reference/praxis:8823', deposit);
		expect(first.status).toBe(201);
		expect(first.json).toMatchObject({ id: 5002, reference: 'praxis:8823', amount: '247.00', status: 'completed' });
		const replay = await call('PUT', '/api/transactions/by-reference/praxis:8823', deposit);
		expect(replay.status).toBe(200);
		expect(replay.json).toEqual(first.json);
		expect((await call('GET', '/api/transactions?reference=praxis:8823')).json.data).toEqual([first.json]);
		expect(crm.state().transactions).toHaveLength(2);
		expect(crm.emittedEvents.filter((e) => e.type === 'transaction.created')).toHaveLength(1);
	});

	it('PUT on an existing reference changes only the status, and not from a final one', async () => {
		await call('PUT', '/api/transactions/by-reference/coinspaid:77', { ...deposit, status: 'pending', psp: 'coinspaid' });
		const approved = await call('PUT', '/api/transactions/by-reference/coinspaid:77', { ...deposit, amount: '999.00', status: 'completed' });
		expect(approved.status).toBe(200);
		expect(approved.json).toMatchObject({ status: 'completed', amount: '247.00', psp: 'coinspaid' });
		const late = await call('PUT', '/api/transactions/by-reference/coinspaid:77', { status: 'pending' });
		expect(late.status).toBe(200);
		expect(late.json.status).toBe('completed');
		expect(crm.emittedEvents.map((e) => e.type)).toEqual(['transaction.created', 'transaction.updated', 'transaction.completed']);
	});

	it('keeps the UTC time the money moved, and defaults it to the creation time', async () => {
		const dealt = await call('PUT', '/api/transactions/by-reference/mt5:500001:90001', { ...deposit, occurred_at: '2026-11-25T07:03:00Z' });
		expect(dealt.json.occurred_at).toBe('2026-11-25T07:03:00.000Z');
		const posted = await call('POST', '/api/transactions', { ...deposit, reference: 'praxis:1' });
		expect(posted.json.occurred_at).toBe(posted.json.created_at);
		const local = await call('PUT', '/api/transactions/by-reference/mt5:500001:90002', { ...deposit, occurred_at: '2026-11-25T09:03:00+02:00' });
		expect(local.status).toBe(422);
		expect(local.json.errors.occurred_at[0]).toMatch(/UTC ending in Z/);
	});

	it('POST with a reference already used answers 409 with the existing transaction', async () => {
		const first = await call('POST', '/api/transactions', { ...deposit, reference: 'praxis:8823' });
		const again = await call('POST', '/api/transactions', { ...deposit, reference: 'praxis:8823' });
		expect(again.status).toBe(409);
		expect(again.json).toMatchObject({ error: 'duplicate_reference', transaction: { id: first.json.id } });
		expect(again.json.message).toMatch(/praxis:8823/);
		expect(crm.state().transactions).toHaveLength(2);
	});

	it('refuses a reference longer than 64 characters, or one in the body that differs from the path', async () => {
		const long = await call('POST', '/api/transactions', { ...deposit, reference: 'x'.repeat(65) });
		expect(long.json.errors.reference).toEqual(['must be at most 64 characters']);
		const other = await call('PUT', '/api/transactions/by-reference/praxis:1', { ...deposit, reference: 'praxis:2' });
		expect(other.status).toBe(422);
		expect(other.json.errors.reference[0]).toMatch(/must be the reference in the path/);
	});

	it('PUT for a new reference validates the body as POST does', async () => {
		const bad = await call('PUT', '/api/transactions/by-reference/mt5:500001:1', { ...deposit, client_id: 1002 });
		expect(bad.status).toBe(422);
		expect(bad.json.errors.login).toEqual(['is not a trading account of client 1002']);
		expect((await call('GET', '/api/transactions?reference=mt5:500001:1')).json.data).toEqual([]);
	});

	it('PATCH cannot change a reference', async () => {
		const created = await call('POST', '/api/transactions', { ...deposit, reference: 'praxis:5' });
		const patched = await call('PATCH', `/api/transactions/${created.json.id}`, { reference: 'praxis:6' });
		expect(patched.json.errors.reference).toEqual(['cannot be changed once set (it is "praxis:5")']);
		const same = await call('PATCH', `/api/transactions/${created.json.id}`, { reference: 'praxis:5', status: 'completed' });
		expect(same.json).toMatchObject({ reference: 'praxis:5', status: 'completed' });
	});

	it('PATCH sets a reference once on a transaction that has none, if no other transaction uses it', async () => {
		const taken = await call('POST', '/api/transactions', { ...deposit, reference: 'coinspaid:withdrawal:1' });
		const portal = await call('POST', '/api/transactions', { client_id: 1001, type: 'withdrawal', amount: '50.00', currency: 'USD', psp: 'coinspaid', destination: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE' });
		const clash = await call('PATCH', `/api/transactions/${portal.json.id}`, { reference: 'coinspaid:withdrawal:1' });
		expect(clash.json.errors.reference).toEqual([`"coinspaid:withdrawal:1" is already used by transaction ${taken.json.id}`]);
		const set = await call('PATCH', `/api/transactions/${portal.json.id}`, { reference: `coinspaid:withdrawal:${portal.json.id}`, status: 'approved' });
		expect(set.json).toMatchObject({ reference: `coinspaid:withdrawal:${portal.json.id}`, status: 'approved' });
		expect((await call('GET', `/api/transactions?reference=coinspaid:withdrawal:${portal.json.id}`)).json.data).toHaveLength(1);
	});
});

describe('CRM trading account lookup by login', () => {
	it('finds the client and currency a platform login is linked to', async () => {
		const found = await call('GET', '/api/trading-accounts/mt5/500002');
		expect(found.status).toBe(200);
		expect(found.json).toMatchObject({ client_id: 1002, platform: 'mt5', login: '500002', currency: 'USD' });
	});

	it('answers 404 for a login no client has', async () => {
		const missing = await call('GET', '/api/trading-accounts/mt5/777777');
		expect(missing.status).toBe(404);
		expect(missing.json.message).toBe('trading account mt5 777777 not found');
		expect((await call('GET', '/api/trading-accounts/ctrader/500002')).status).toBe(404);
	});
});

describe('CRM webhooks', () => {
	it('generates a secret when none is given and signs each event Stripe-style over the raw body', async () => {
		const { secret } = await subscribe(['client.created']);
		expect(secret).toMatch(/^whsec_/);
		await call('POST', '/api/clients', newClient);
		await crm.idle();
		expect(receiver.received).toHaveLength(1);
		const [delivery] = receiver.received;
		expect(delivery.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
		expect(() => verifyTimestampedHeader({ rawBody: delivery.rawBody, header: delivery.signature, secrets: [secret], headerName: 'X-CRM-Signature' })).not.toThrow();
		expect(delivery.event).toMatchObject({ type: 'client.created', data: { id: 1003, email: 'anna.novak@example.com' } });
		expect(delivery.event.id).toMatch(/^evt_[0-9a-f]{24}$/);
		expect(crm.deliveries[0]).toMatchObject({ status: 200, forged: false });
	});

	it('signs with a secret given at subscription and only sends the subscribed types', async () => {
		await subscribe(['client.kyc_approved'], { secret: 'my-own-secret-0123456789' });
		await call('PATCH', '/api/clients/1002', { kyc_status: 'approved' });
		await crm.idle();
		expect(receiver.received.map((r) => r.event.type)).toEqual(['client.kyc_approved']);
		expect(crm.deliveries.map((d) => d.status)).toEqual([200]);
	});

	it('announces an approved KYC after the client update, in order', async () => {
		await subscribe(['*']);
		await call('PATCH', '/api/clients/1002', { kyc_status: 'approved' });
		await crm.idle();
		expect(receiver.received.map((r) => r.event.type)).toEqual(['client.updated', 'client.kyc_approved']);
	});

	it('signs in plain mode with an HMAC of the raw body and no timestamp', async () => {
		const { secret } = await subscribe(['transaction.updated'], { signature_mode: 'plain' });
		receiver.mode = 'plain';
		await call('PATCH', '/api/transactions/5001', { psp_transaction_id: 'praxis-8800-b' });
		await crm.idle();
		const [delivery] = receiver.received;
		expect(delivery.signature).toBe(computeHmac('sha256', secret, delivery.rawBody, 'hex'));
		expect(delivery.timestamp).toBeUndefined();
		expect(crm.deliveries[0].status).toBe(200);
	});

	it('signs with the new secret after a rotation, and the old one no longer verifies', async () => {
		const { id, secret: old } = await subscribe(['client.updated']);
		const rotated = await call('POST', `/api/webhooks/${id}/rotate-secret`);
		expect(rotated.json.secret).not.toBe(old);
		receiver.secrets = [old];
		await crm.sendEvent('client.updated', { id: 1001 });
		receiver.secrets = [rotated.json.secret];
		await crm.sendEvent('client.updated', { id: 1001 });
		expect(crm.deliveries.map((d) => d.status)).toEqual([401, 200]);
		expect(crm.deliveries[0].responseBody).toMatch(/signature_mismatch/);
	});

	it('lists a signature for each secret during a rotation grace period, new first', async () => {
		const { id, secret: old } = await subscribe(['client.updated']);
		const rotated = await call('POST', `/api/webhooks/${id}/rotate-secret`, { grace_period_seconds: 3600 });
		expect(rotated.json.previous_secret_expires_at).toMatch(/Z$/);
		receiver.secrets = [old];
		const [delivery] = await crm.sendEvent('client.updated', { id: 1001 });
		expect(delivery.status).toBe(200);
		expect(receiver.received[0].signature).toMatch(/^t=\d+,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
	});

	it('pushes an event with emit and returns the receiver answers with sendEvent', async () => {
		await subscribe(['*']);
		const event = crm.emit('transaction.approved', { id: 42 });
		const deliveries = await crm.sendEvent('note.created', { id: 7 });
		expect(deliveries).toEqual([expect.objectContaining({ status: 200, responseBody: '{"received":true}' })]);
		expect(receiver.received.map((r) => r.event.id)).toEqual([event.id, deliveries[0].eventId]);
		expect((await call('GET', '/api/events?type=transaction.approved')).json.data[0].id).toBe(event.id);
	});

	it('delivers a duplicate when the control API asks for one', async () => {
		await subscribe(['client.created']);
		const control = new SandboxControl(crmRunning.url);
		await control.webhookFault('crm', { kind: 'duplicate', copies: 3 });
		await call('POST', '/api/clients', newClient);
		await crm.idle();
		const ids = receiver.received.map((r) => r.event.id);
		expect(ids).toHaveLength(3);
		expect(new Set(ids).size).toBe(1);
		expect((await control.deliveries('crm')).map((d) => d.attempt)).toEqual([1, 2, 3]);
	});

	it('delivers events out of order when the control API asks for it', async () => {
		await subscribe(['*']);
		await new SandboxControl(crmRunning.url).webhookFault('crm', { kind: 'outOfOrder', count: 2 });
		await call('PATCH', '/api/clients/1002', { status: 'active' });
		await call('PATCH', '/api/clients/1002', { status: 'blocked' });
		await crm.idle();
		expect(receiver.received.map((r) => r.event.data.status)).toEqual(['blocked', 'active']);
	});

	it('forges a signature that the receiver rejects, recorded with its 401', async () => {
		await subscribe(['*']);
		const control = new SandboxControl(crmRunning.url);
		await control.webhookFault('crm', { kind: 'badSignature' });
		await call('POST', '/api/clients/1001/notes', { body: 'x' });
		await crm.idle();
		expect(await control.deliveries('crm')).toEqual([expect.objectContaining({ status: 401, forged: true, responseBody: expect.stringContaining('signature_mismatch') })]);
	});

	it('sends a stale timestamp that the receiver rejects as a replay', async () => {
		await subscribe(['*']);
		await new SandboxControl(crmRunning.url).webhookFault('crm', { kind: 'staleTimestamp', ageSeconds: 600 });
		await crm.sendEvent('client.updated', { id: 1001 });
		expect(crm.deliveries[0]).toMatchObject({ status: 401, responseBody: expect.stringContaining('timestamp_outside_tolerance') });
	});

	it('refuses a subscription with an unknown event type, naming it', async () => {
		const answer = await call('POST', '/api/webhooks', { url: hookUrl, events: ['client.deleted'] });
		expect(answer.status).toBe(422);
		expect(answer.json.errors.events[0]).toMatch(/client\.deleted/);
	});
});
