/**
 * The Sumsub node against the Sumsub simulator over real HTTP on loopback, through n8n-core as n8n
 * runs it (dist/ loaded by the in-process runner). The simulator checks every X-App-Access-Sig
 * exactly as Sumsub does, so each passing call also proves the signing; outputs are canonical
 * kycCases.
 */
import type { IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { SumsubSimulator } from '../../sandbox/sumsub';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/sumsub-node.json';
import { JPEG, PNG } from './images';

const workflow = fixture as unknown as WorkflowJson;
const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');

function withParameters(parameters: INodeParameters): WorkflowJson {
	return { ...workflow, nodes: workflow.nodes.map((node: INode) => ({ ...node, parameters: { ...node.parameters, ...parameters } })) };
}

describe('Sumsub node against the Sumsub simulator', () => {
	let sumsub: RunningSimulator<SumsubSimulator>;
	let credentialOverrides: IDataObject = {};
	const sim = () => sumsub.simulator;
	const credentials = () => ({
		sumsubApi: {
			appToken: sim().appToken,
			secretKey: sim().credentials().secret_key,
			webhookSecret: 'wh',
			digestAlgorithm: 'HMAC_SHA256_HEX',
			baseUrl: sumsub.url,
			...credentialOverrides,
		},
	});

	/** Runs the node once; returns its main and error outputs as JSON. */
	async function run(parameters: INodeParameters, input: Array<IDataObject | INodeExecutionData> = [{}]) {
		const result = await runWorkflow(withParameters(parameters), { input, credentials: credentials() });
		const [main = [], errors = []] = result.outputs.Sumsub ?? [];
		return { main: main.map((i) => i.json), errors: errors.map((i) => String(i.json.error)), result };
	}

	const create = async (externalUserId: string, extra: INodeParameters = {}) =>
		await run({ resource: 'applicant', operation: 'create', levelName: 'basic-kyc-level', externalUserId, personalInfo: { firstName: 'Anna', lastName: 'Demetriou', country: 'CY', dob: '1990-04-25' }, ...extra });

	const upload = async (applicantId: string, idDocType: string, data: Buffer, mimeType: string, extra: INodeParameters = {}) =>
		await run(
			{ resource: 'document', operation: 'add', applicantId, binaryPropertyName: 'data', idDocType, country: 'GB', side: 'none', ...extra },
			[{ json: {}, binary: { data: { data: data.toString('base64'), mimeType, fileName: `${idDocType.toLowerCase()}.${mimeType.split('/')[1]}` } } }],
		);

	const submitted = async (clientId: string) => {
		const id = String((await create(clientId)).main[0].applicantId);
		await upload(id, 'PASSPORT', JPEG, 'image/jpeg');
		await upload(id, 'SELFIE', PNG, 'image/png');
		await run({ resource: 'applicant', operation: 'requestCheck', applicantId: id });
		return id;
	};

	beforeAll(async () => {
		sumsub = await startSimulator(new SumsubSimulator());
	});
	afterAll(async () => {
		await sim().idle();
		await sumsub.close();
	});
	beforeEach(async () => {
		await sim().idle();
		sim().reset();
		sim().faults.clear();
		credentialOverrides = {};
		resetBreakers();
	});

	it('creates an applicant for a CRM client with alpha-3 personal info and outputs a not-started kycCase', async () => {
		const { main, errors } = await create('CRM-100');
		expect(errors).toEqual([]);
		expect(main[0]).toMatchObject({ provider: 'sumsub', clientId: 'CRM-100', status: 'not_started', vendorStatus: 'init', level: 'basic-kyc-level', created: true });
		const stored = sim().applicant(String(main[0].applicantId));
		expect(stored.fixedInfo).toEqual({ firstName: 'Anna', lastName: 'Demetriou', dob: '1990-04-25', country: 'CYP' });
	});

	it('returns the existing applicant when the client already has one, or fails naming the field when asked to', async () => {
		const first = await create('CRM-101');
		const again = await create('CRM-101');
		expect(again.main[0]).toMatchObject({ applicantId: first.main[0].applicantId, created: false });
		const strict = await create('CRM-101', { options: { ifExists: 'fail' } });
		expect(strict.main).toEqual([]);
		expect(strict.errors[0]).toContain('"Client ID": client ID "CRM-101" already has a Sumsub applicant');
		expect(strict.errors[0]).toContain(String(first.main[0].applicantId));
		expect(sim().state().applicants).toHaveLength(1);
	});

	it('does not create twice when the answer to a create is lost: it finds the applicant before retrying', async () => {
		sim().faults.add({ fault: { kind: 'timeoutAfterCommit' }, method: 'POST', path: '/resources/applicants' });
		const { main, errors } = await create('CRM-102');
		expect(errors).toEqual([]);
		expect(main[0]).toMatchObject({ clientId: 'CRM-102', status: 'not_started' });
		expect(sim().state().applicants).toHaveLength(1);
	});

	it('uploads a document from a binary property as a signed multipart body, with alpha-2 country out', async () => {
		const id = String((await create('CRM-103')).main[0].applicantId);
		const { main, errors } = await upload(id, 'PASSPORT', JPEG, 'image/jpeg', { options: { validUntil: '2031-05-01', number: 'P1234567' } });
		expect(errors).toEqual([]);
		expect(main[0]).toMatchObject({ applicantId: id, document: { type: 'PASSPORT', country: 'GB', expiresOn: '2031-05-01' }, accepted: true, errors: [], warnings: [] });
		const stored = sim().applicant(id).documents[0];
		expect(main[0].imageId).toBe(stored.imageId);
		expect(stored).toMatchObject({ country: 'GBR', validUntil: '2031-05-01', number: 'P1234567', mimeType: 'image/jpeg', sizeBytes: JPEG.length, fileName: 'passport.jpeg' });
	});

	it('reports an expired document as not accepted, with Sumsub\'s errors', async () => {
		const id = String((await create('CRM-104')).main[0].applicantId);
		const { main } = await upload(id, 'PASSPORT', JPEG, 'image/jpeg', { options: { validUntil: '2001-01-01' } });
		expect(main[0]).toMatchObject({ accepted: false, errors: ['documentExpired'] });
	});

	it('names the binary field when the input item has no file', async () => {
		const id = String((await create('CRM-105')).main[0].applicantId);
		const { errors } = await run({ resource: 'document', operation: 'add', applicantId: id, binaryPropertyName: 'passport', idDocType: 'PASSPORT', country: 'GB' });
		expect(errors[0]).toContain('"Input Binary Field": the input item has no binary field "passport"');
	});

	it('explains Sumsub\'s 4xx with its own description: a duplicate image', async () => {
		const id = String((await create('CRM-106')).main[0].applicantId);
		await upload(id, 'PASSPORT', JPEG, 'image/jpeg');
		const { errors } = await upload(id, 'PASSPORT', JPEG, 'image/jpeg');
		expect(errors[0]).toContain('Sumsub could not add the PASSPORT of applicant');
		expect(errors[0]).toContain('Duplicate document (image, video) was uploaded (HTTP 409, errorCode 1000, duplicate-document)');
	});

	it('gets an applicant by client ID as a kycCase with documents (alpha-2, expiry dates)', async () => {
		const id = String((await create('CRM-107')).main[0].applicantId);
		sim().addVerifiedDocument(id, { idDocType: 'PASSPORT', country: 'CYP', validUntil: '2027-03-15' });
		const { main } = await run({ resource: 'applicant', operation: 'get', findBy: 'externalUserId', externalUserId: 'CRM-107' });
		expect(main[0]).toMatchObject({ applicantId: id, clientId: 'CRM-107', status: 'not_started', documents: [{ type: 'PASSPORT', country: 'CY', expiresOn: '2027-03-15' }] });
	});

	it('lists the verification steps still missing', async () => {
		const id = String((await create('CRM-108')).main[0].applicantId);
		await upload(id, 'PASSPORT', JPEG, 'image/jpeg');
		const { main } = await run({ resource: 'applicant', operation: 'getRequiredDocuments', applicantId: id });
		expect(main[0]).toMatchObject({ applicantId: id, allSubmitted: false, missingSteps: ['SELFIE'], steps: [{ step: 'IDENTITY', submitted: true, documentType: 'PASSPORT', country: 'GB' }, { step: 'SELFIE', submitted: false }] });
	});

	it('requests a check once every step has a document; before that, Sumsub\'s reason is the error', async () => {
		const id = String((await create('CRM-109')).main[0].applicantId);
		await upload(id, 'PASSPORT', JPEG, 'image/jpeg');
		const early = await run({ resource: 'applicant', operation: 'requestCheck', applicantId: id });
		expect(early.errors[0]).toContain('Required documents are missing: SELFIE (HTTP 400)');
		await upload(id, 'SELFIE', PNG, 'image/png');
		const { main } = await run({ resource: 'applicant', operation: 'requestCheck', applicantId: id, reason: 'docs from CRM' });
		expect(main[0]).toMatchObject({ applicantId: id, status: 'pending', vendorStatus: 'pending' });
	});

	it.each([
		[{ reviewAnswer: 'GREEN' }, { status: 'approved', reviewAnswer: 'GREEN' }],
		[
			{ reviewAnswer: 'RED', rejectType: 'RETRY', rejectLabels: 'UNSATISFACTORY_PHOTOS', moderationComment: 'Upload a sharper photo', clientComment: 'blurry' },
			{ status: 'rejected_retry', rejectType: 'RETRY', rejectLabels: ['UNSATISFACTORY_PHOTOS'], clientMessage: 'Upload a sharper photo', internalNote: 'blurry' },
		],
		[
			{ reviewAnswer: 'RED', rejectType: 'FINAL', rejectLabels: 'sanctions, pep' },
			{ status: 'rejected_final', rejectType: 'FINAL', rejectLabels: ['SANCTIONS', 'PEP'], amlFlags: { sanctions: true, pep: true } },
		],
	])('sets a sandbox test result %j and reads it back as %j', async (parameters, expected) => {
		const id = await submitted(`CRM-110-${String((parameters as INodeParameters).rejectType ?? 'G')}`);
		const { main, errors } = await run({ resource: 'applicant', operation: 'setTestResult', applicantId: id, ...(parameters as INodeParameters) });
		expect(errors).toEqual([]);
		expect(main[0]).toMatchObject({ applicantId: id, vendorStatus: 'completed', ...expected });
	});

	it('reads the AML case on request: an approved PEP is flagged', async () => {
		const id = await submitted('CRM-111');
		await sim().completeReview(id, { reviewAnswer: 'GREEN', aml: { pep: true } });
		const plain = await run({ resource: 'applicant', operation: 'get', findBy: 'applicantId', applicantId: id });
		expect(plain.main[0].amlFlags).toBeUndefined();
		const { main } = await run({ resource: 'applicant', operation: 'get', findBy: 'applicantId', applicantId: id, options: { includeAmlCase: true } });
		expect(main[0]).toMatchObject({ status: 'approved', amlFlags: { pep: true, sanctions: false, adverseMedia: false } });
	});

	it('resets an applicant for re-verification', async () => {
		const id = await submitted('CRM-112');
		await sim().completeReview(id, { reviewAnswer: 'GREEN' });
		const { main } = await run({ resource: 'applicant', operation: 'reset', applicantId: id });
		expect(main[0]).toMatchObject({ applicantId: id, status: 'not_started', vendorStatus: 'init' });
		expect(main[0].reviewAnswer).toBeUndefined();
	});

	it('creates a verification link and an SDK access token for a client', async () => {
		const link = await run({ resource: 'verificationLink', operation: 'createLink', externalUserId: 'CRM-113', levelName: 'basic-kyc-level', ttlSeconds: 1800, lang: 'en' });
		expect(link.main[0]).toMatchObject({ clientId: 'CRM-113', level: 'basic-kyc-level' });
		expect(String(link.main[0].url)).toMatch(new RegExp(`^${sumsub.url}/idensic/l/#/`));
		const token = await run({ resource: 'verificationLink', operation: 'createAccessToken', externalUserId: 'CRM-113', levelName: 'basic-kyc-level', ttlSeconds: 600 });
		expect(String(token.main[0].accessToken)).toMatch(/^_act-sbx-/);
		expect(Date.parse(String(token.main[0].expiresAtUtc)) - Date.now()).toBeGreaterThan(590_000);
	});

	it('names a malformed applicant ID and a bad country before calling Sumsub', async () => {
		const bad = await run({ resource: 'applicant', operation: 'getStatus', applicantId: 'CRM-1' });
		expect(bad.errors[0]).toContain('"Applicant ID": must be the 24-character ID Sumsub gave the applicant');
		const id = String((await create('CRM-114')).main[0].applicantId);
		const country = await run({ resource: 'document', operation: 'add', applicantId: id, binaryPropertyName: 'data', idDocType: 'PASSPORT', country: 'Britain' }, [
			{ json: {}, binary: { data: { data: JPEG.toString('base64'), mimeType: 'image/jpeg' } } },
		]);
		expect(country.errors[0]).toContain('"Issuing Country": "Britain" is not an ISO 3166-1 country code');
	});

	it('says to check the credential when the secret key is wrong (Sumsub 401, errorCode 4003)', async () => {
		credentialOverrides = { secretKey: 'not-the-secret' };
		const { errors } = await run({ resource: 'applicant', operation: 'get', findBy: 'externalUserId', externalUserId: 'anyone' });
		expect(errors[0]).toContain('Request signature mismatch (HTTP 401, errorCode 4003, app-token-signature mismatch)');
		expect(errors[0]).toContain('Check App Token and Secret Key in the Sumsub credential');
	});

	it('says to check the clock when Sumsub\'s clock is more than 60 s away (errorCode 4004)', async () => {
		const ahead = await startSimulator(new SumsubSimulator({ now: () => Date.now() + 120_000 }));
		try {
			credentialOverrides = { baseUrl: ahead.url };
			const { errors } = await run({ resource: 'applicant', operation: 'get', findBy: 'externalUserId', externalUserId: 'anyone' });
			expect(errors[0]).toContain('errorCode 4004');
			expect(errors[0]).toContain('60 seconds');
		} finally {
			await ahead.close();
		}
	});

	it('retries a read after a 503 and a 429 with a freshly signed request', async () => {
		const id = String((await create('CRM-115')).main[0].applicantId);
		sim().faults.add({ fault: { kind: 'status', status: 503 }, path: `/resources/applicants/${id}/status` });
		sim().faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 0 }, path: `/resources/applicants/${id}/status` });
		const { main, errors } = await run({ resource: 'applicant', operation: 'getStatus', applicantId: id });
		expect(errors).toEqual([]);
		expect(main[0]).toMatchObject({ applicantId: id, status: 'not_started' });
		expect(sim().faults.fired.map((f) => f.kind)).toEqual(['status', 'rateLimit']);
	});
});
