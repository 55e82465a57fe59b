/** Sumsub answers and webhooks as canonical kycCases, and the shared KYC helpers in lib/kyc.ts. */
import { calendarDate, countryAlpha2, countryAlpha3, knownAlpha2Codes, recordIfNewest } from '../../lib/kyc';
import { amlFlagsOf, applicantToKycCase, kycStatusOf, reviewStatusToKycCase, sumsubTimeToUtc, webhookToKycCase } from '../../nodes/Sumsub/mappers';

describe('canonical KYC status from Sumsub', () => {
	it.each([
		['completed', { reviewAnswer: 'GREEN' }, 'approved'],
		['completed', { reviewAnswer: 'RED', reviewRejectType: 'RETRY' }, 'rejected_retry'],
		['completed', { reviewAnswer: 'RED', reviewRejectType: 'FINAL' }, 'rejected_final'],
		['completed', { reviewAnswer: 'RED' }, 'rejected_final'],
		['init', undefined, 'not_started'],
		['init', { reviewAnswer: 'RED', reviewRejectType: 'RETRY' }, 'rejected_retry'],
		['pending', undefined, 'pending'],
		['queued', undefined, 'pending'],
		['prechecked', undefined, 'pending'],
		['onHold', undefined, 'on_hold'],
		['awaitingUser', undefined, 'on_hold'],
	] as const)('%s with %j is %s', (reviewStatus, result, expected) => {
		expect(kycStatusOf(reviewStatus, result)).toBe(expected);
	});
});

describe('applicant → kycCase', () => {
	// The applicant example of thrownew/go-sumsub client_test.go, reviewed RED RETRY.
	const applicant = {
		id: '5b594ade0a975a36c9349e66',
		createdAt: '2020-06-24 05:05:14',
		externalUserId: 'SomeExternalUserId',
		info: { idDocs: [{ idDocType: 'ID_CARD', country: 'DEU', validUntil: '2028-09-04', number: 'LGXX359T8' }] },
		review: {
			levelName: 'basic-kyc',
			createDate: '2020-06-24 05:11:02+0000',
			reviewDate: '2020-06-24 05:12:58+0000',
			reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'RETRY', rejectLabels: ['UNSATISFACTORY_PHOTOS'], moderationComment: 'Upload a sharper photo', clientComment: 'blurry' },
			reviewStatus: 'completed',
		},
	};

	it('gives status, review, alpha-2 document countries, expiry dates and the review time in UTC', () => {
		expect(applicantToKycCase(applicant)).toEqual({
			provider: 'sumsub',
			applicantId: '5b594ade0a975a36c9349e66',
			clientId: 'SomeExternalUserId',
			status: 'rejected_retry',
			vendorStatus: 'completed',
			reviewAnswer: 'RED',
			rejectType: 'RETRY',
			rejectLabels: ['UNSATISFACTORY_PHOTOS'],
			clientMessage: 'Upload a sharper photo',
			internalNote: 'blurry',
			level: 'basic-kyc',
			documents: [{ type: 'ID_CARD', country: 'DE', expiresOn: '2028-09-04' }],
			eventTimeUtc: '2020-06-24T05:12:58.000Z',
		});
	});

	it('keeps the raw answer only when asked', () => {
		expect(applicantToKycCase(applicant).raw).toBeUndefined();
		expect(applicantToKycCase(applicant, { includeRaw: true }).raw).toEqual({ applicant });
	});

	it('settles all three AML flags from the AML case, even for an approved PEP', () => {
		const approved = { ...applicant, review: { ...applicant.review, reviewResult: { reviewAnswer: 'GREEN' } } };
		expect(applicantToKycCase(approved, { amlCase: { review: { answer: 'RED' }, riskLabels: ['PEP'] } }).amlFlags).toEqual({ pep: true, sanctions: false, adverseMedia: false });
	});

	it('reads the status answer as a kycCase', () => {
		const status = { reviewStatus: 'completed', levelName: 'basic-kyc-level', reviewDate: '2024-03-18 06:46:20+0000', reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'FINAL', rejectLabels: ['FRAUDULENT_PATTERNS'] } };
		expect(reviewStatusToKycCase('abc', status)).toMatchObject({ applicantId: 'abc', status: 'rejected_final', rejectType: 'FINAL', level: 'basic-kyc-level', eventTimeUtc: '2024-03-18T06:46:20.000Z' });
	});
});

describe('AML flags from reject labels', () => {
	it('sets only what a label asserts', () => {
		expect(amlFlagsOf(['PEP', 'FORGERY'])).toEqual({ pep: true });
		expect(amlFlagsOf(['SANCTIONS', 'ADVERSE_MEDIA'])).toEqual({ sanctions: true, adverseMedia: true });
		expect(amlFlagsOf(['UNSATISFACTORY_PHOTOS'])).toBeUndefined();
	});
});

describe('webhook → kycCase', () => {
	it('maps the documented applicantReviewed sample with createdAtMs as the event time', () => {
		const payload = {
			applicantId: '5cb56e8e0a975a35f333cb83',
			externalUserId: '12672',
			levelName: 'basic-kyc-level',
			type: 'applicantWorkflowCompleted',
			reviewResult: { reviewAnswer: 'RED', rejectLabels: ['AGE_REQUIREMENT_MISMATCH'], reviewRejectType: 'FINAL', buttonIds: [] },
			reviewStatus: 'completed',
			createdAt: '2023-03-14 12:50:27+0000',
			createdAtMs: '2023-03-14 12:50:27.238',
		};
		expect(webhookToKycCase(payload)).toMatchObject({ status: 'rejected_final', clientId: '12672', eventType: 'applicantWorkflowCompleted', eventTimeUtc: '2023-03-14T12:50:27.238Z' });
	});

	it('drops the old result on applicantReset', () => {
		const kyc = webhookToKycCase({ applicantId: 'a', type: 'applicantReset', reviewStatus: 'init', reviewResult: { reviewAnswer: 'GREEN' }, createdAtMs: '2023-03-14 12:50:27.238' });
		expect(kyc.status).toBe('not_started');
		expect(kyc.reviewAnswer).toBeUndefined();
	});

	it('reads Sumsub times with and without a zone', () => {
		expect(sumsubTimeToUtc('2020-06-24 05:11:02+0000')).toBe('2020-06-24T05:11:02.000Z');
		expect(sumsubTimeToUtc('2020-06-24 07:11:02+0200')).toBe('2020-06-24T05:11:02.000Z');
		expect(sumsubTimeToUtc('2023-03-14 12:50:27.238')).toBe('2023-03-14T12:50:27.238Z');
		expect(sumsubTimeToUtc('yesterday')).toBeUndefined();
	});
});

describe('lib/kyc helpers', () => {
	it('converts alpha-3 to alpha-2 and back, any case', () => {
		expect(countryAlpha2('GBR')).toBe('GB');
		expect(countryAlpha2('cyp')).toBe('CY');
		expect(countryAlpha2('GB')).toBe('GB');
		expect(countryAlpha2('XXX')).toBeUndefined();
		expect(countryAlpha3('de')).toBe('DEU');
		expect(countryAlpha3('DEU')).toBe('DEU');
		expect(countryAlpha3('')).toBeUndefined();
	});

	it('knows all 249 ISO 3166-1 codes plus Kosovo, each a real region with a round trip', () => {
		const codes = knownAlpha2Codes();
		expect(codes).toHaveLength(250);
		const names = new Intl.DisplayNames(['en'], { type: 'region' });
		for (const code of codes) {
			expect(names.of(code)).not.toBe(code);
			expect(countryAlpha2(countryAlpha3(code))).toBe(code);
		}
		expect(new Set(codes.map((c) => countryAlpha3(c))).size).toBe(250);
	});

	it('reads calendar dates without shifting them through a zone', () => {
		expect(calendarDate('2028-09-04')).toBe('2028-09-04');
		expect(calendarDate('2028-09-04 00:00:00')).toBe('2028-09-04');
		expect(calendarDate('2028-09-04T23:30:00-05:00')).toBe('2028-09-04');
		expect(calendarDate('2028-02-30')).toBeUndefined();
		expect(calendarDate('04/09/2028')).toBeUndefined();
	});

	it('forgets subjects not heard of for longer than the maximum age', () => {
		const memory = { old: { t: 0, d: ['x'] } };
		recordIfNewest(memory, { subjectId: 'new', eventTimeMs: 10_000, digest: 'y', nowMs: 10_000, maxAgeMs: 5_000 });
		expect(Object.keys(memory)).toEqual(['new']);
	});
});
