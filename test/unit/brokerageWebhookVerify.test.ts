import { createHmac } from 'node:crypto';

import { ReplayGuard } from '../../lib/replayGuard';
import { verifyRequest, type VerificationSettings } from '../../nodes/BrokerageWebhook/verifyRequest';

const SECRET = 'whsec_current_0123456789';
const PREVIOUS = 'whsec_previous_987654321';
const NOW_MS = Date.UTC(2026, 10, 26, 9, 0, 0);
const NOW_S = NOW_MS / 1000;
const body = Buffer.from('{"id":"evt_1","type":"client.created","data":{"id":"C-1"}}');

const stripeStyle: VerificationSettings = {
	signatureHeader: 'X-CRM-Signature',
	format: 'stripeStyle',
	algorithm: 'sha256',
	encoding: 'hex',
	prefix: '',
	timestampHeader: '',
	toleranceSeconds: 300,
	ipAllowList: '',
	rejectReplays: true,
};

function stripeHeader(secret: string, t: number, payload = body) {
	return `t=${t},v1=${createHmac('sha256', secret).update(`${t}.${payload.toString()}`).digest('hex')}`;
}

function verify(settings: VerificationSettings, headers: Record<string, string>, options: { ip?: string; payload?: Buffer; guard?: ReplayGuard } = {}) {
	return verifyRequest(
		settings,
		{ headers, rawBody: options.payload ?? body, sourceIp: options.ip ?? '127.0.0.1' },
		[SECRET, PREVIOUS],
		options.guard ?? new ReplayGuard(),
		'wf:node',
		NOW_MS,
	);
}

describe('Brokerage Webhook Trigger verification', () => {
	it('accepts a correctly signed Stripe-style request and reports when it was signed', () => {
		expect(verify(stripeStyle, { 'x-crm-signature': stripeHeader(SECRET, NOW_S - 10) })).toEqual({
			accepted: true,
			secretUsed: 'current',
			signedAtUtc: '2026-11-26T08:59:50.000Z',
		});
	});

	it('accepts the previous secret during a rotation and says so', () => {
		expect(verify(stripeStyle, { 'x-crm-signature': stripeHeader(PREVIOUS, NOW_S) })).toMatchObject({
			accepted: true,
			secretUsed: 'previous',
		});
	});

	it('refuses a forged signature', () => {
		expect(verify(stripeStyle, { 'x-crm-signature': stripeHeader('not-the-secret-at-all', NOW_S) })).toMatchObject({
			accepted: false,
			reason: 'signature_mismatch',
		});
	});

	it('refuses a body changed after signing', () => {
		const tampered = Buffer.from(body.toString().replace('C-1', 'C-2'));
		expect(verify(stripeStyle, { 'x-crm-signature': stripeHeader(SECRET, NOW_S) }, { payload: tampered })).toMatchObject({
			accepted: false,
			reason: 'signature_mismatch',
		});
	});

	it('refuses a request signed 301 seconds ago with a 300 second window', () => {
		expect(verify(stripeStyle, { 'x-crm-signature': stripeHeader(SECRET, NOW_S - 301) })).toMatchObject({
			accepted: false,
			reason: 'timestamp_outside_tolerance',
		});
	});

	it('refuses the same signed request the second time (replay)', () => {
		const guard = new ReplayGuard();
		const headers = { 'x-crm-signature': stripeHeader(SECRET, NOW_S) };
		expect(verify(stripeStyle, headers, { guard }).accepted).toBe(true);
		expect(verify(stripeStyle, headers, { guard })).toMatchObject({ accepted: false, reason: 'replayed' });
	});

	it('accepts the same request twice when replay rejection is off', () => {
		const guard = new ReplayGuard();
		const headers = { 'x-crm-signature': stripeHeader(SECRET, NOW_S) };
		const lenient = { ...stripeStyle, rejectReplays: false };
		expect(verify(lenient, headers, { guard }).accepted).toBe(true);
		expect(verify(lenient, headers, { guard }).accepted).toBe(true);
	});

	it('refuses a missing signature header, naming it', () => {
		const verdict = verify(stripeStyle, {});
		expect(verdict).toMatchObject({ accepted: false, reason: 'signature_header_missing' });
		expect(!verdict.accepted && verdict.message).toContain('X-CRM-Signature');
	});

	it('refuses an address outside the allow-list before looking at the signature', () => {
		const settings = { ...stripeStyle, ipAllowList: '10.0.0.0/8' };
		expect(verify(settings, { 'x-crm-signature': stripeHeader(SECRET, NOW_S) }, { ip: '::ffff:192.0.2.1' })).toMatchObject({
			accepted: false,
			reason: 'ip_not_allowed',
		});
		expect(verify(settings, { 'x-crm-signature': stripeHeader(SECRET, NOW_S) }, { ip: '10.1.2.3' }).accepted).toBe(true);
	});

	it('verifies a base64 HMAC-SHA512 of the body with a prefix', () => {
		const settings: VerificationSettings = { ...stripeStyle, format: 'plain', algorithm: 'sha512', encoding: 'base64', prefix: 'sha512=' };
		const digest = createHmac('sha512', SECRET).update(body).digest('base64');
		expect(verify(settings, { 'x-crm-signature': `sha512=${digest}` }).accepted).toBe(true);
		expect(verify(settings, { 'x-crm-signature': digest.replace(/^./, 'A') })).toMatchObject({ accepted: false });
	});

	it('verifies a digest of timestamp and body with the timestamp in its own header', () => {
		const settings: VerificationSettings = { ...stripeStyle, format: 'timestampHeader', timestampHeader: 'X-CRM-Timestamp' };
		const t = NOW_S - 5;
		const digest = createHmac('sha256', SECRET).update(`${t}.${body.toString()}`).digest('hex');
		expect(verify(settings, { 'x-crm-signature': digest, 'x-crm-timestamp': String(t) })).toMatchObject({ accepted: true });
		expect(verify(settings, { 'x-crm-signature': digest, 'x-crm-timestamp': String(t + 1) })).toMatchObject({
			accepted: false,
			reason: 'signature_mismatch',
		});
		const stale = NOW_S - 1000;
		const staleDigest = createHmac('sha256', SECRET).update(`${stale}.${body.toString()}`).digest('hex');
		expect(verify(settings, { 'x-crm-signature': staleDigest, 'x-crm-timestamp': String(stale) })).toMatchObject({
			accepted: false,
			reason: 'timestamp_outside_tolerance',
		});
	});
});
