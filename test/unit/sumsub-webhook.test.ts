/**
 * The Sumsub Trigger's decisions without n8n: X-Payload-Digest for each algorithm, the previous
 * secret during rotation, and the rule that an older event (by createdAtMs) never overrides a newer
 * status. Digests are computed here with node:crypto.
 */
import { createHmac } from 'node:crypto';

import type { EventOrderMemory } from '../../lib/kyc';
import { handleSumsubWebhook, type SumsubWebhookSettings } from '../../nodes/Sumsub/trigger/webhook';

const SECRET = 'wh-secret';
const NOW = Date.parse('2025-03-14T12:51:00.000Z');

function event(type: string, createdAtMs: string, extra: Record<string, unknown> = {}): string {
	return JSON.stringify({ applicantId: '5cb56e8e0a975a35f333cb83', inspectionId: '5cb56e8e0a975a35f333cb84', externalUserId: 'CRM-7', levelName: 'basic-kyc-level', type, reviewStatus: 'completed', createdAtMs, ...extra });
}

function signed(body: string, algorithm: 'sha1' | 'sha256' | 'sha512' = 'sha256', secret = SECRET) {
	const names = { sha1: 'HMAC_SHA1_HEX', sha256: 'HMAC_SHA256_HEX', sha512: 'HMAC_SHA512_HEX' };
	return { rawBody: Buffer.from(body), digest: createHmac(algorithm, secret).update(body).digest('hex'), digestAlgorithm: names[algorithm] };
}

function settings(overrides: Partial<SumsubWebhookSettings> = {}): SumsubWebhookSettings {
	return { secrets: [SECRET, ''], algorithm: 'HMAC_SHA256_HEX', eventTypes: [], nowMs: NOW, maxEventAgeMs: 48 * 3_600_000, memories: [{}], ...overrides };
}

const GREEN = { reviewResult: { reviewAnswer: 'GREEN' } };

describe('Sumsub webhook verification', () => {
	it.each(['sha1', 'sha256', 'sha512'] as const)('accepts a digest made with HMAC-%s when the credential names that algorithm', (algorithm) => {
		const request = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN), algorithm);
		const verdict = handleSumsubWebhook(request, settings({ algorithm: request.digestAlgorithm }));
		expect(verdict).toMatchObject({ outcome: 'run', secretUsed: 'current', kycCase: { status: 'approved', applicantId: '5cb56e8e0a975a35f333cb83', clientId: 'CRM-7' } });
	});

	it('refuses a body changed after signing', () => {
		const request = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN));
		const verdict = handleSumsubWebhook({ ...request, rawBody: Buffer.from(request.rawBody.toString().replace('GREEN', 'RED')) }, settings());
		expect(verdict).toMatchObject({ outcome: 'refuse', reason: 'signature_mismatch' });
	});

	it('refuses a webhook claiming another algorithm than the credential, even with a valid digest for it', () => {
		const request = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN), 'sha1');
		expect(handleSumsubWebhook(request, settings())).toMatchObject({ outcome: 'refuse', reason: 'algorithm_mismatch' });
		expect(handleSumsubWebhook({ ...request, digestAlgorithm: 'MD5' }, settings())).toMatchObject({ outcome: 'refuse', reason: 'algorithm_unknown' });
	});

	it('refuses a missing digest and an empty secret', () => {
		const request = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN));
		expect(handleSumsubWebhook({ ...request, digest: undefined }, settings())).toMatchObject({ outcome: 'refuse', reason: 'signature_header_missing' });
		expect(handleSumsubWebhook(request, settings({ secrets: ['', ''] }))).toMatchObject({ outcome: 'refuse', reason: 'secret_missing' });
	});

	it('accepts the previous secret during a rotation and says so', () => {
		const request = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN), 'sha256', 'old-secret');
		expect(handleSumsubWebhook(request, settings({ secrets: ['new-secret', 'old-secret'] }))).toMatchObject({ outcome: 'run', secretUsed: 'previous' });
		expect(handleSumsubWebhook(request, settings({ secrets: ['new-secret', ''] }))).toMatchObject({ outcome: 'refuse' });
	});

	it('takes the algorithm from the credential when the header is absent', () => {
		const request = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN), 'sha512');
		expect(handleSumsubWebhook({ ...request, digestAlgorithm: undefined }, settings({ algorithm: 'HMAC_SHA512_HEX' }))).toMatchObject({ outcome: 'run' });
	});
});

describe('Sumsub webhook ordering', () => {
	it('does not let an older pending override a newer approval, and acknowledges it', () => {
		const memory: EventOrderMemory = {};
		const approved = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN));
		const olderPending = signed(event('applicantPending', '2025-03-14 12:49:01.002', { reviewStatus: 'pending' }));
		expect(handleSumsubWebhook(approved, settings({ memories: [memory] }))).toMatchObject({ outcome: 'run', kycCase: { status: 'approved' } });
		expect(handleSumsubWebhook(olderPending, settings({ memories: [memory] }))).toMatchObject({ outcome: 'acknowledge', reason: 'older' });
		expect(memory['5cb56e8e0a975a35f333cb83'].t).toBe(Date.parse('2025-03-14T12:50:27.238Z'));
	});

	it('runs a newer event after an older one, e.g. a GREEN overturned to RED FINAL', () => {
		const memory: EventOrderMemory = {};
		const green = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN));
		const red = signed(event('applicantReviewed', '2025-03-14 12:50:29.001', { reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL', rejectLabels: ['SANCTIONS'] } }));
		handleSumsubWebhook(green, settings({ memories: [memory] }));
		expect(handleSumsubWebhook(red, settings({ memories: [memory] }))).toMatchObject({ outcome: 'run', kycCase: { status: 'rejected_final', amlFlags: { sanctions: true } } });
	});

	it('acknowledges the same event delivered twice without running it again', () => {
		const memory: EventOrderMemory = {};
		const approved = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN));
		expect(handleSumsubWebhook(approved, settings({ memories: [memory] })).outcome).toBe('run');
		expect(handleSumsubWebhook(approved, settings({ memories: [memory] }))).toMatchObject({ outcome: 'acknowledge', reason: 'duplicate' });
	});

	it('acknowledges an event older than the maximum age without running it', () => {
		const old = signed(event('applicantReviewed', '2025-03-11 12:50:27.238', GREEN));
		expect(handleSumsubWebhook(old, settings())).toMatchObject({ outcome: 'acknowledge', reason: 'stale' });
	});

	it('records a newer event of an unselected type, so an older selected one still does not run', () => {
		const memory: EventOrderMemory = {};
		const onlyReviewed = settings({ memories: [memory], eventTypes: ['applicantReviewed'] });
		const reset = signed(event('applicantReset', '2025-03-14 12:50:40.000', { reviewStatus: 'init' }));
		const review = signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN));
		expect(handleSumsubWebhook(reset, onlyReviewed)).toMatchObject({ outcome: 'acknowledge', reason: 'filtered' });
		expect(handleSumsubWebhook(review, onlyReviewed)).toMatchObject({ outcome: 'acknowledge', reason: 'older' });
	});

	it('keeps applicants apart', () => {
		const memory: EventOrderMemory = {};
		handleSumsubWebhook(signed(event('applicantReviewed', '2025-03-14 12:50:27.238', GREEN)), settings({ memories: [memory] }));
		const other = signed(event('applicantPending', '2025-03-14 12:40:00.000', { applicantId: '000000000000000000000001', reviewStatus: 'pending' }));
		expect(handleSumsubWebhook(other, settings({ memories: [memory] }))).toMatchObject({ outcome: 'run', kycCase: { status: 'pending' } });
	});

	it('acknowledges a signed body that is not an applicant event', () => {
		expect(handleSumsubWebhook(signed('{"type":"applicantKytTxnApproved"}'), settings())).toMatchObject({ outcome: 'acknowledge', reason: 'unreadable' });
	});
});
