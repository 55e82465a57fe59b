/**
 * The Praxis Trigger's verification and mapping, pure: GT-Authentication over the notification's
 * fields (numbers as sent, nulls skipped), current or previous secret, timestamp window, replays,
 * the signed reply, and the canonical transaction. Signature vectors are python hashlib literals.
 */
import { createHash } from 'node:crypto';

import { ReplayGuard } from '../../lib/replayGuard';
import { canonicalStatus, fieldsAt, toTransaction } from '../../nodes/Praxis/mappers';
import { checkNotification, notificationReply, type NotificationCheck } from '../../nodes/Praxis/trigger/notification';
import { rawJsonScalars } from '../../nodes/Praxis/transport/signing';

const SECRET = 'praxis_sandbox_secret_7c41e9d2';
const PREVIOUS = 'old_praxis_secret_0a1b2c';
const NOW = 1764129600;
/** python3 -c "import hashlib;print(hashlib.sha384(b'praxis_sandbox_merchantpraxis_sandbox_app_3f9a1764129600399d55b33ddad8208ad99aefee4695cedep-0001756850EUR100001.085000USD10850' + secret).hexdigest())" */
const VECTOR = '0efd26950db0f8b567117f25c02a3aad5a20f41b5bef5bedea6bee9aeb9257ee4b33608783e336a0fd21fd2e44dc7944';
/** The same with the previous secret `old_praxis_secret_0a1b2c`. */
const VECTOR_PREVIOUS = 'dcaac7e43e401d3e3e71de5cab969ab2b97fc36482faae4cfbeb9e50e94b4a8cae26018cf45d3c00569f03349d1bde70';
/** customer_token and conversion_rate null, so both are left out of the hash. */
const VECTOR_NULLS = 'bcbdd7df80146c41160ee2bd40ae8a7b36fd1933297ca4bd687dfa3124bb1d82559a528964fb057187b85451b54b748d';

function body(overrides: { token?: string; rate?: string; status?: string; fee?: string; feeIncluded?: string; intent?: string; timestamp?: number } = {}): string {
	const token = overrides.token ?? '"399d55b33ddad8208ad99aefee4695ce"';
	const rate = overrides.rate ?? '1.085000';
	return `{"merchant_id":"praxis_sandbox_merchant","application_key":"praxis_sandbox_app_3f9a","conversion_rate":${rate},
"customer":{"customer_token":${token},"country":"GB","first_name":"John","last_name":"Johnson","avs_alert":0,"verification_alert":null},
"session":{"auth_token":"abc","intent":"${overrides.intent ?? 'payment'}","session_status":"approved","order_id":"dep-0001","currency":"EUR","amount":10000,"payment_method":null,"gateway":null,"cid":"client-1001"},
"transaction":{"transaction_type":"sale","transaction_status":"${overrides.status ?? 'approved'}","tid":756850,"transaction_id":"13348","currency":"EUR","amount":10000,"conversion_rate":${rate},"processed_currency":"USD","processed_amount":10850,"fee":${overrides.fee ?? '0'},"fee_included":${overrides.feeIncluded ?? '0'},"fee_type":"flat","payment_method":"Credit Card","payment_processor":"SandboxProcessor","gateway":null,"withdrawal_request_id":null,"trace_id":null,"status_code":"SC-002","status_details":"Transaction approved"},
"version":"1.3","timestamp":${overrides.timestamp ?? NOW}}`;
}

function check(rawBody: string, signature: string | undefined, extra: Partial<NotificationCheck> = {}) {
	return checkNotification({
		rawBody,
		signature,
		secrets: [SECRET, ''],
		merchantId: 'praxis_sandbox_merchant',
		applicationKey: 'praxis_sandbox_app_3f9a',
		toleranceSeconds: 300,
		nowMs: NOW * 1000,
		...extra,
	});
}

describe('Praxis notification verification', () => {
	it('accepts the python vector, hashing conversion_rate as sent ("1.085000")', () => {
		const verdict = check(body(), VECTOR);
		expect(verdict).toMatchObject({ accepted: true, secretUsed: 'current' });
	});

	it('accepts an upper-case hex signature (hex is case-insensitive)', () => {
		expect(check(body(), VECTOR.toUpperCase()).accepted).toBe(true);
	});

	it('refuses the same notification when a number is re-serialised (1.085 instead of 1.085000)', () => {
		const verdict = check(body({ rate: '1.085' }), VECTOR);
		expect(verdict).toMatchObject({ accepted: false, reason: 'signature' });
	});

	it('skips null fields when building the signature (python vector without token and rate)', () => {
		expect(check(body({ token: 'null', rate: 'null' }), VECTOR_NULLS).accepted).toBe(true);
		expect(check(body({ token: 'null', rate: 'null' }), VECTOR).accepted).toBe(false);
	});

	it('refuses a forged signature, naming the header', () => {
		const forged = createHash('sha384').update('forged').digest('hex');
		const verdict = check(body(), forged);
		expect(verdict).toMatchObject({ accepted: false, reason: 'signature' });
		expect(!verdict.accepted && verdict.message).toMatch(/GT-Authentication/);
	});

	it('refuses a notification without GT-Authentication', () => {
		expect(check(body(), undefined)).toMatchObject({ accepted: false, reason: 'signature' });
	});

	it('refuses a changed amount under the original signature', () => {
		expect(check(body().replace('"processed_amount":10850', '"processed_amount":99999'), VECTOR)).toMatchObject({ accepted: false, reason: 'signature' });
	});

	it('accepts a notification signed with the previous secret during a rotation, and says so', () => {
		expect(check(body(), VECTOR_PREVIOUS, { secrets: [SECRET, PREVIOUS] })).toMatchObject({ accepted: true, secretUsed: 'previous' });
		expect(check(body(), VECTOR_PREVIOUS).accepted).toBe(false);
	});

	it('refuses a correctly signed notification whose timestamp is more than 300 s old', () => {
		const verdict = check(body(), VECTOR, { nowMs: (NOW + 301) * 1000 });
		expect(verdict).toMatchObject({ accepted: false, reason: 'timestamp' });
		expect(check(body(), VECTOR, { nowMs: (NOW + 300) * 1000 }).accepted).toBe(true);
	});

	it('honours a configured tolerance', () => {
		expect(check(body(), VECTOR, { nowMs: (NOW + 61) * 1000, toleranceSeconds: 60 })).toMatchObject({ accepted: false, reason: 'timestamp' });
	});

	it('refuses a notification for another merchant even when signed with our secret', () => {
		expect(check(body(), VECTOR, { merchantId: 'someone_else' })).toMatchObject({ accepted: false, reason: 'wrongMerchant' });
	});

	it('refuses a replay of an accepted notification, but not the first copy', () => {
		const guard = new ReplayGuard(100, () => NOW * 1000);
		expect(check(body(), VECTOR, { replayGuard: guard, replayScope: 'wf:node' }).accepted).toBe(true);
		expect(check(body(), VECTOR, { replayGuard: guard, replayScope: 'wf:node' })).toMatchObject({ accepted: false, reason: 'replay' });
		expect(check(body(), VECTOR, { replayGuard: guard, replayScope: 'other:node' }).accepted).toBe(true);
	});

	it('accepts a chargeback sent in the same second as the approval, although Praxis signs it identically', () => {
		const guard = new ReplayGuard(100, () => NOW * 1000);
		expect(check(body(), VECTOR, { replayGuard: guard, replayScope: 'wf:node' }).accepted).toBe(true);
		expect(check(body({ status: 'chargeback' }), VECTOR, { replayGuard: guard, replayScope: 'wf:node' }).accepted).toBe(true);
		expect(check(body({ status: 'chargeback' }), VECTOR, { replayGuard: guard, replayScope: 'wf:node' })).toMatchObject({ reason: 'replay' });
	});

	it('does not remember a forged notification as seen', () => {
		const guard = new ReplayGuard(100, () => NOW * 1000);
		check(body(), VECTOR.replace(/^0/, '1'), { replayGuard: guard });
		expect(check(body(), VECTOR, { replayGuard: guard }).accepted).toBe(true);
	});

	it('refuses a body that is not JSON', () => {
		expect(check('status=approved', VECTOR)).toMatchObject({ accepted: false, reason: 'notJson' });
	});
});

describe('Praxis notification → canonical transaction', () => {
	it('credits the processed amount in the processed currency, with praxis:<tid> as key', () => {
		const verdict = check(body(), VECTOR);
		if (!verdict.accepted) throw new Error(verdict.message);
		expect(verdict.transaction).toMatchObject({
			transactionId: '756850',
			source: 'praxis',
			type: 'deposit',
			status: 'succeeded',
			gross: { amount: '108.50', currency: 'USD' },
			fee: { amount: '0.00', currency: 'USD' },
			net: { amount: '108.50', currency: 'USD' },
			clientId: 'client-1001',
			method: 'Credit Card',
			idempotencyKey: 'praxis:756850',
			orderId: 'dep-0001',
			vendorStatus: 'approved',
			updatedAtUtc: '2025-11-26T04:00:00.000Z',
		});
	});

	it('takes the fee out of net only when fee_included is 1', () => {
		const at = (feeIncluded: string) => {
			const scalars = rawJsonScalars(body({ fee: '150', feeIncluded }));
			return toTransaction(fieldsAt(scalars, 'transaction'), fieldsAt(scalars, 'session'));
		};
		expect(at('1')).toMatchObject({ gross: { amount: '108.50' }, fee: { amount: '1.50' }, net: { amount: '107.00' } });
		expect(at('0')).toMatchObject({ gross: { amount: '108.50' }, fee: { amount: '1.50' }, net: { amount: '108.50' } });
	});

	it('reads a withdrawal session as a withdrawal', () => {
		const scalars = rawJsonScalars(body({ intent: 'withdrawal', status: 'requested' }));
		expect(toTransaction(fieldsAt(scalars, 'transaction'), fieldsAt(scalars, 'session'))).toMatchObject({ type: 'withdrawal', status: 'pending' });
	});

	it.each([
		['approved', 'succeeded'],
		['pending', 'pending'],
		['pending_async', 'pending'],
		['authorized', 'pending'],
		['requested', 'pending'],
		['in progress', 'pending'],
		['rejected', 'failed'],
		['declined', 'failed'],
		['cancelled', 'failed'],
		['error', 'failed'],
		['reversed', 'reversed'],
		['chargeback', 'chargeback'],
		['something_new', 'pending'],
	])('maps transaction_status %s to %s', (praxis, canonical) => {
		expect(canonicalStatus(praxis)).toBe(canonical);
	});
});

describe('Praxis notification reply', () => {
	it('is {status:0,description:"OK",version:"1.3",timestamp} signed over status + timestamp (python vector)', () => {
		const reply = notificationReply(SECRET, NOW);
		expect(JSON.parse(reply.body)).toEqual({ status: 0, description: 'OK', version: '1.3', timestamp: NOW });
		expect(reply.headers).toEqual({
			'Content-Type': 'application/json; charset=utf-8',
			'GT-Authentication': '70118db90ffc991c83bfb7b2e00c9e08fe1f4fab570926ab5eba6740b1a26fc0edfa31d51510246a97db45eb7c102de1',
		});
	});

	it('asks for a resend with status -1, signed over "-1" + timestamp', () => {
		const reply = notificationReply(SECRET, NOW, -1);
		expect(JSON.parse(reply.body).status).toBe(-1);
		expect(reply.headers['GT-Authentication']).toBe(createHash('sha384').update(`-1${NOW}${SECRET}`).digest('hex'));
	});
});
