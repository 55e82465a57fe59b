/**
 * The Onfido webhook check: X-SHA2-Signature = hex HMAC-SHA256(webhook token, raw body). Vectors
 * are Onfido's own (onfido-node test/classic-webhook-event-verifier.test.ts) and values computed
 * here with node:crypto from that documented algorithm.
 */
import { createHmac } from 'node:crypto';

import { admitInOrder, checkEvent, readEvent, type NewestSeen } from '../../nodes/Onfido/trigger/event';

// Onfido's published vector.
const VECTOR_TOKEN = '_ABC123abc123ABC123abc123ABC123_';
const VECTOR_BODY =
	'{"payload":{"resource_type":"check","action":"check.completed","object":{"id":"check-123","status":"complete","completed_at_iso8601":"2020-01-01T00:00:00Z","href":"https://api.onfido.com/v3/checks/check-123"}}}';
const VECTOR_SIGNATURE = 'a0082d7481f9f0a2907583dbe1f344d6d4c0d9989df2fd804f98479f60cd760e';

const TOKEN = 'onfido_webhook_token_current';
const PREVIOUS = 'onfido_webhook_token_previous';
const sign = (token: string, body: string) => createHmac('sha256', token).update(body).digest('hex');
const EVENTS = ['workflow_run.completed', 'check.completed'];

describe('Onfido webhook signature', () => {
	it('accepts Onfido\'s published vector', () => {
		const verdict = checkEvent({ rawBody: Buffer.from(VECTOR_BODY), signature: VECTOR_SIGNATURE }, [VECTOR_TOKEN], EVENTS);
		expect(verdict).toMatchObject({ outcome: 'accept', secretIndex: 0, event: { action: 'check.completed', objectId: 'check-123', completedAtUtc: '2020-01-01T00:00:00.000Z' } });
	});

	it('computes the published signature with node:crypto (the documented algorithm)', () => {
		expect(sign(VECTOR_TOKEN, VECTOR_BODY)).toBe(VECTOR_SIGNATURE);
	});

	it('refuses the vector with one hex digit changed (Onfido\'s negative case)', () => {
		const verdict = checkEvent({ rawBody: Buffer.from(VECTOR_BODY), signature: `b${VECTOR_SIGNATURE.slice(1)}` }, [VECTOR_TOKEN], EVENTS);
		expect(verdict).toMatchObject({ outcome: 'refuse', httpStatus: 401, reason: 'signature_mismatch' });
	});

	it('refuses a body changed by one byte after signing', () => {
		const tampered = VECTOR_BODY.replace('check-123', 'check-124');
		expect(checkEvent({ rawBody: tampered, signature: VECTOR_SIGNATURE }, [VECTOR_TOKEN], EVENTS)).toMatchObject({ outcome: 'refuse', reason: 'signature_mismatch' });
	});

	it('accepts an upper-case hex signature (the same bytes)', () => {
		expect(checkEvent({ rawBody: VECTOR_BODY, signature: VECTOR_SIGNATURE.toUpperCase() }, [VECTOR_TOKEN], EVENTS).outcome).toBe('accept');
	});

	it('accepts a delivery signed with the previous token during a rotation and says so', () => {
		const body = '{"payload":{"resource_type":"workflow_run","action":"workflow_run.completed","object":{"id":"wr-1","status":"approved","completed_at_iso8601":"2026-03-01T10:00:00Z"}}}';
		expect(checkEvent({ rawBody: body, signature: sign(PREVIOUS, body) }, [TOKEN, PREVIOUS], EVENTS)).toMatchObject({ outcome: 'accept', secretIndex: 1 });
	});

	it('refuses a delivery signed with the previous token once it is removed from the credential', () => {
		const body = VECTOR_BODY;
		expect(checkEvent({ rawBody: body, signature: sign(PREVIOUS, body) }, [TOKEN, ''], EVENTS)).toMatchObject({ outcome: 'refuse', reason: 'signature_mismatch' });
	});

	it('refuses a delivery without the header', () => {
		expect(checkEvent({ rawBody: VECTOR_BODY, signature: undefined }, [TOKEN], EVENTS)).toMatchObject({ outcome: 'refuse', reason: 'signature_header_missing' });
	});

	it('refuses everything when no webhook token is configured', () => {
		expect(checkEvent({ rawBody: VECTOR_BODY, signature: VECTOR_SIGNATURE }, ['', ''], EVENTS)).toMatchObject({ outcome: 'refuse', reason: 'secret_missing' });
	});

	it('refuses a parsed body: only the raw bytes can be checked', () => {
		expect(checkEvent({ rawBody: JSON.parse(VECTOR_BODY) as never, signature: VECTOR_SIGNATURE }, [VECTOR_TOKEN], EVENTS)).toMatchObject({ outcome: 'refuse', reason: 'raw_body_missing' });
	});

	it('acknowledges a genuine event that is not selected', () => {
		expect(checkEvent({ rawBody: VECTOR_BODY, signature: VECTOR_SIGNATURE }, [VECTOR_TOKEN], ['workflow_run.completed'])).toMatchObject({ outcome: 'acknowledge', reason: 'filtered' });
	});

	it('acknowledges a genuine body it cannot read', () => {
		const body = '{"hello":"world"}';
		expect(checkEvent({ rawBody: body, signature: sign(TOKEN, body) }, [TOKEN], EVENTS)).toMatchObject({ outcome: 'acknowledge', reason: 'unreadable' });
	});
});

describe('readEvent', () => {
	it('takes the applicant from a workflow run payload\'s resource', () => {
		const event = readEvent({ payload: { resource_type: 'workflow_run', action: 'workflow_run.completed', object: { id: 'wr-9', status: 'declined' }, resource: { applicant_id: 'app-1' } } });
		expect(event).toMatchObject({ resourceType: 'workflow_run', objectId: 'wr-9', objectStatus: 'declined', applicantId: 'app-1' });
	});
});

describe('admitInOrder (an older event never overrides a newer status)', () => {
	it('runs the first event of an applicant and remembers its time', () => {
		const memory: Record<string, NewestSeen> = {};
		expect(admitInOrder(memory, 'app-1', '2026-03-01T10:00:00.000Z', 'workflow_run.completed:wr-1')).toEqual({ admitted: true });
		expect(memory['app-1']).toEqual({ timeUtc: '2026-03-01T10:00:00.000Z', eventKey: 'workflow_run.completed:wr-1' });
	});

	it('does not run an event completed before the newest one already run', () => {
		const memory: Record<string, NewestSeen> = { 'app-1': { timeUtc: '2026-03-01T10:00:00.000Z', eventKey: 'workflow_run.completed:wr-2' } };
		expect(admitInOrder(memory, 'app-1', '2026-03-01T09:59:59.000Z', 'workflow_run.completed:wr-1')).toMatchObject({ admitted: false, reason: 'older' });
		expect(memory['app-1'].eventKey).toBe('workflow_run.completed:wr-2');
	});

	it('does not run the same event twice', () => {
		const memory: Record<string, NewestSeen> = { 'app-1': { timeUtc: '2026-03-01T10:00:00.000Z', eventKey: 'check.completed:c-1' } };
		expect(admitInOrder(memory, 'app-1', '2026-03-01T10:00:00.000Z', 'check.completed:c-1')).toMatchObject({ admitted: false, reason: 'duplicate' });
	});

	it('runs another event completed in the same second', () => {
		const memory: Record<string, NewestSeen> = { 'app-1': { timeUtc: '2026-03-01T10:00:00.000Z', eventKey: 'check.completed:c-1' } };
		expect(admitInOrder(memory, 'app-1', '2026-03-01T10:00:00.000Z', 'workflow_run.completed:wr-1')).toEqual({ admitted: true });
	});

	it('keeps applicants apart', () => {
		const memory: Record<string, NewestSeen> = { 'app-1': { timeUtc: '2026-03-01T10:00:00.000Z', eventKey: 'check.completed:c-1' } };
		expect(admitInOrder(memory, 'app-2', '2026-01-01T00:00:00.000Z', 'check.completed:c-9')).toEqual({ admitted: true });
	});
});
