/**
 * Onfido workflow runs and checks as canonical kycCases, the alpha-3 → alpha-2 country
 * conversion, and the multipart body the Document → Upload operation sends (read back with the
 * sandbox's independent parser).
 */
import { countryAlpha2, countryAlpha3 } from '../../lib/kyc';
import { buildMultipartBody } from '../../lib/multipart';
import { checkToKycCase, workflowRunToKycCase, workflowRunStatus } from '../../nodes/Onfido/mappers';
import { boundaryOf, parseMultipart } from '../../sandbox/onfido';

const documentReport = (over: Record<string, unknown> = {}) => ({
	name: 'document',
	status: 'complete',
	result: 'clear',
	sub_result: 'clear',
	breakdown: { data_validation: { result: 'clear', breakdown: { document_expiration: { result: 'clear', properties: {} } } } },
	properties: { document_type: 'passport', issuing_country: 'GBR', date_of_expiry: '2031-05-28' },
	...over,
});
const watchlist = (flags: { sanction?: string; pep?: string; adverse?: string } = {}) => ({
	name: 'watchlist_enhanced',
	status: 'complete',
	result: Object.values(flags).includes('consider') ? 'consider' : 'clear',
	breakdown: {
		sanction: { result: flags.sanction ?? 'clear' },
		politically_exposed_person: { result: flags.pep ?? 'clear' },
		adverse_media: { result: flags.adverse ?? 'clear' },
	},
});
const check = (result: string | null, status = 'complete') => ({ id: 'chk-1', applicant_id: 'app-1', status, result, tags: ['client:crm-42'], created_at: '2026-03-01T10:00:00Z' });

describe('countries', () => {
	it('converts Onfido\'s alpha-3 to the model\'s alpha-2', () => {
		expect(['GBR', 'CYP', 'DEU', 'USA', 'ALA', 'KOR'].map(countryAlpha2)).toEqual(['GB', 'CY', 'DE', 'US', 'AX', 'KR']);
	});

	it('converts alpha-2 to alpha-3 for requests and leaves a valid code of the target kind alone', () => {
		expect(countryAlpha3('cy')).toBe('CYP');
		expect(countryAlpha3('GBR')).toBe('GBR');
		expect(countryAlpha2('gb')).toBe('GB');
	});

	it('answers undefined for codes that do not exist', () => {
		expect([countryAlpha2('XXX'), countryAlpha2('ZZ'), countryAlpha3('UK'), countryAlpha2(undefined)]).toEqual([undefined, undefined, undefined, undefined]);
	});
});

describe('workflow run → kycCase', () => {
	it.each([
		['approved', 'approved'],
		['declined', 'rejected_final'],
		['review', 'on_hold'],
		['awaiting_client_input', 'on_hold'],
		['error', 'on_hold'],
		['awaiting_input', 'pending'],
		['processing', 'pending'],
		['abandoned', 'not_started'],
		['some_new_status', 'pending'],
	])('maps %s to %s', (vendor, canonical) => {
		expect(workflowRunStatus(vendor)).toBe(canonical);
	});

	it('reads documents, expiry and screening flags from the reports in the output', () => {
		const kyc = workflowRunToKycCase({
			id: 'wr-1',
			applicant_id: 'app-1',
			workflow_id: 'wf-1',
			customer_user_id: 'crm-42',
			status: 'approved',
			updated_at: '2026-03-01T10:00:00Z',
			output: { doc: documentReport(), screening: watchlist({ pep: 'consider' }), profile: { first_name: 'Jane' } },
		});
		expect(kyc).toEqual({
			provider: 'onfido',
			applicantId: 'app-1',
			clientId: 'crm-42',
			status: 'approved',
			reviewAnswer: 'approved',
			amlFlags: { pep: true, sanctions: false, adverseMedia: false },
			level: 'wf-1',
			documents: [{ type: 'passport', country: 'GB', expiresOn: '2031-05-28' }],
			eventTimeUtc: '2026-03-01T10:00:00.000Z',
			resourceType: 'workflow_run',
			workflowRunId: 'wr-1',
			vendorStatus: 'approved',
		});
	});

	it('recognises an unnamed document report in the output by its shape', () => {
		const { name: _name, ...unnamed } = documentReport();
		const kyc = workflowRunToKycCase({ id: 'wr-1', applicant_id: 'a', status: 'approved', output: { doc: unnamed } });
		expect(kyc.documents).toEqual([{ type: 'passport', country: 'GB', expiresOn: '2031-05-28' }]);
	});

	it('gives a declined run FINAL with the workflow\'s reasons as labels', () => {
		const kyc = workflowRunToKycCase({ id: 'wr-1', applicant_id: 'a', status: 'declined', reasons: ['document_rejected'] });
		expect(kyc).toMatchObject({ status: 'rejected_final', rejectType: 'FINAL', rejectLabels: ['document_rejected'] });
	});

	it('prefers the webhook\'s completed time over updated_at', () => {
		expect(workflowRunToKycCase({ id: 'wr-1', applicant_id: 'a', status: 'review', updated_at: '2026-03-02T00:00:00Z' }, { eventTimeUtc: '2026-03-01T12:00:00.000Z' }).eventTimeUtc).toBe('2026-03-01T12:00:00.000Z');
	});
});

describe('check → kycCase', () => {
	it('is pending while in progress', () => {
		expect(checkToKycCase(check(null, 'in_progress'), []).status).toBe('pending');
	});

	it('is approved when clear, with the client id from the client: tag', () => {
		const kyc = checkToKycCase(check('clear'), [documentReport(), watchlist()]);
		expect(kyc).toMatchObject({ status: 'approved', reviewAnswer: 'clear', clientId: 'crm-42', level: 'document,watchlist_enhanced', amlFlags: { pep: false, sanctions: false, adverseMedia: false } });
		expect(kyc.rejectLabels).toBeUndefined();
	});

	it('is rejected_retry for an expired document (sub_result caution), labelled with the breakdown', () => {
		const expired = documentReport({
			result: 'consider',
			sub_result: 'caution',
			breakdown: { data_validation: { result: 'consider', breakdown: { document_expiration: { result: 'consider' } } } },
			properties: { document_type: 'national_identity_card', issuing_country: 'CYP', date_of_expiry: '2020-01-01' },
		});
		const kyc = checkToKycCase(check('consider'), [expired]);
		expect(kyc).toMatchObject({ status: 'rejected_retry', rejectType: 'RETRY', documents: [{ type: 'national_identity_card', country: 'CY', expiresOn: '2020-01-01' }] });
		expect(kyc.rejectLabels).toEqual(['document.sub_result.caution', 'document.data_validation.document_expiration']);
	});

	it('is rejected_retry when Onfido could not process the image (sub_result rejected)', () => {
		expect(checkToKycCase(check('consider'), [documentReport({ result: 'consider', sub_result: 'rejected' })]).status).toBe('rejected_retry');
	});

	it('is rejected_final when the document is suspected fraudulent', () => {
		const kyc = checkToKycCase(check('consider'), [documentReport({ result: 'consider', sub_result: 'suspected' }), watchlist({ sanction: 'consider' })]);
		expect(kyc).toMatchObject({ status: 'rejected_final', rejectType: 'FINAL' });
	});

	it('is on_hold for compliance on a sanctions hit, with the flag set', () => {
		const kyc = checkToKycCase(check('consider'), [documentReport(), watchlist({ sanction: 'consider' })]);
		expect(kyc).toMatchObject({ status: 'on_hold', amlFlags: { sanctions: true, pep: false, adverseMedia: false }, rejectLabels: ['watchlist_enhanced.sanction'] });
		expect(kyc.rejectType).toBeUndefined();
	});

	it('is on_hold on a PEP match even when the document also needs a new upload', () => {
		const kyc = checkToKycCase(check('consider'), [documentReport({ result: 'consider', sub_result: 'caution' }), watchlist({ pep: 'consider' })]);
		expect(kyc.status).toBe('on_hold');
	});

	it('is not_started when the check was withdrawn', () => {
		expect(checkToKycCase(check(null, 'withdrawn'), []).status).toBe('not_started');
	});
});

describe('multipart body for document upload', () => {
	it('is read back by an independent parser: fields, file name, type and exact bytes', () => {
		const file = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a, 0x2d, 0x2d, 0x41]);
		const { body, contentType } = buildMultipartBody(
			[
				['applicant_id', 'app-1'],
				['type', 'passport'],
				['side', ''],
				['issuing_country', 'GBR'],
			],
			[{ field: 'file', fileName: 'scan "front".jpg', contentType: 'image/jpeg', data: file }],
			'testboundary123',
		);
		expect(contentType).toBe('multipart/form-data; boundary=testboundary123');
		const parts = parseMultipart(body, boundaryOf(contentType)!);
		expect(parts.map((p) => p.name)).toEqual(['applicant_id', 'type', 'issuing_country', 'file']);
		expect(parts[0].data.toString()).toBe('app-1');
		expect(parts[3]).toMatchObject({ fileName: 'scan %22front%22.jpg', contentType: 'image/jpeg' });
		expect(parts[3].data.equals(file)).toBe(true);
	});

	it('draws a fresh boundary for every body', () => {
		const a = buildMultipartBody([], []);
		const b = buildMultipartBody([], []);
		expect(a.contentType).not.toBe(b.contentType);
	});
});
