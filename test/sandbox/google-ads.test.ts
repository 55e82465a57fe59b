/**
 * The Google Ads simulator over real HTTP: OAuth token endpoint, bearer and login-customer-id
 * checks, uploadClickConversions with partial failure, and Customer Match jobs.
 */
import { createHash } from 'node:crypto';

import { SandboxControl, startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { GoogleAdsSimulator, parseGoogleDateTime, SANDBOX_ACTIONS, SANDBOX_CUSTOMER_ID, SANDBOX_MANAGER_ID, SANDBOX_USER_LIST } from '../../sandbox/googleAds';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const ACTION = `customers/${SANDBOX_CUSTOMER_ID}/conversionActions/${SANDBOX_ACTIONS.ftd}`;
const GCLID = 'EAIaIQobChMI_sandbox_click_0001';

interface Answer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
	json: any;
}


/**
 * A conversion time `hours` before now, as Google writes it ("yyyy-mm-dd hh:mm:ss+hh:mm") at a
 * given UTC offset: the sandbox's clicks are made hours before now, so fixed dates would go stale.
 */
function conversionTime(hours: number, offsetHours = 0): string {
	const wall = new Date(Math.floor((Date.now() - hours * 3_600_000) / 1000) * 1000 + offsetHours * 3_600_000);
	return `${wall.toISOString().slice(0, 19).replace('T', ' ')}+${String(offsetHours).padStart(2, '0')}:00`;
}
const CONVERTED = conversionTime(12);
const CONVERTED_AT_PLUS_2 = conversionTime(12, 2);
const CONVERTED_ISO = `${CONVERTED.slice(0, 10)}T${CONVERTED.slice(11, 19)}Z`;

describe('Google Ads simulator', () => {
	let google: RunningSimulator<GoogleAdsSimulator>;
	let token: string;

	const call = async (path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
		const response = await fetch(`${google.url}${path}`, {
			method: body === undefined ? 'GET' : 'POST',
			headers: { authorization: `Bearer ${token}`, 'login-customer-id': SANDBOX_MANAGER_ID, 'content-type': 'application/json', ...headers },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, json: await response.json() };
	};
	const upload = async (conversions: unknown[], extra: Record<string, unknown> = { partialFailure: true }) =>
		await call(`/v26/customers/${SANDBOX_CUSTOMER_ID}:uploadClickConversions`, { conversions, ...extra });
	const codes = (answer: Answer) =>
		(answer.json.partialFailureError?.details?.[0]?.errors ?? answer.json.error?.details?.[0]?.errors ?? []).map((e: { errorCode: Record<string, string> }) => Object.values(e.errorCode)[0]);

	beforeAll(async () => {
		google = await startSimulator(new GoogleAdsSimulator());
	});
	afterAll(async () => {
		await google.close();
	});
	beforeEach(() => {
		google.simulator.reset();
		google.simulator.faults.clear();
		token = google.simulator.issueAccessToken();
	});

	describe('OAuth token endpoint', () => {
		const form = (fields: Record<string, string>) =>
			fetch(`${google.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
		const client = { client_id: 'sandbox-client.apps.googleusercontent.com', client_secret: 'sandbox-client-secret' };

		it('exchanges the refresh token for a bearer access token that the API accepts', async () => {
			const response = await form({ grant_type: 'refresh_token', refresh_token: '1//sandbox-refresh-token', ...client });
			const body = (await response.json()) as { access_token: string; token_type: string; expires_in: number; scope: string };
			expect(response.status).toBe(200);
			expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, scope: 'https://www.googleapis.com/auth/adwords' });
			token = body.access_token;
			google.simulator.addClick({ gclid: GCLID, hoursAgo: 24 });
			expect((await upload([{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: '2026-01-01 00:00:00+00:00' }])).status).toBe(200);
		});

		it('refuses a revoked refresh token with invalid_grant and a wrong secret with invalid_client', async () => {
			google.simulator.revokeRefreshToken();
			const revoked = await form({ grant_type: 'refresh_token', refresh_token: '1//sandbox-refresh-token', ...client });
			expect(revoked.status).toBe(400);
			expect(await revoked.json()).toEqual({ error: 'invalid_grant', error_description: 'Token has been expired or revoked.' });
			const wrong = await form({ grant_type: 'refresh_token', refresh_token: '1//sandbox-refresh-token', ...client, client_secret: 'nope' });
			expect(wrong.status).toBe(401);
			expect(((await wrong.json()) as { error: string }).error).toBe('invalid_client');
		});

		it('refuses client_credentials as Google does, unless the sandbox allows it', async () => {
			const refused = await form({ grant_type: 'client_credentials', ...client });
			expect(((await refused.json()) as { error: string }).error).toBe('unsupported_grant_type');
			const lenient = await startSimulator(new GoogleAdsSimulator({ allowClientCredentials: true }));
			try {
				const response = await fetch(`${lenient.url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ grant_type: 'client_credentials', ...client }).toString() });
				expect(response.status).toBe(200);
			} finally {
				await lenient.close();
			}
		});
	});

	describe('authentication and access', () => {
		it('answers an expired token with 401 UNAUTHENTICATED and OAUTH_TOKEN_EXPIRED in Google\'s error shape', async () => {
			google.simulator.expireAccessTokens();
			const answer = await upload([]);
			expect(answer.status).toBe(401);
			expect(answer.json.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
			expect(answer.json.error.details[0]['@type']).toBe('type.googleapis.com/google.ads.googleads.v26.errors.GoogleAdsFailure');
			expect(codes(answer)).toEqual(['OAUTH_TOKEN_EXPIRED']);
		});

		it('answers an unknown token with OAUTH_TOKEN_INVALID', async () => {
			token = 'ya29.forged';
			expect(codes(await upload([]))).toEqual(['OAUTH_TOKEN_INVALID']);
		});

		it('refuses a client account reached without its manager in login-customer-id', async () => {
			const answer = await call(`/v26/customers/${SANDBOX_CUSTOMER_ID}:uploadClickConversions`, { partialFailure: true, conversions: [] }, { 'login-customer-id': '' });
			expect(answer.status).toBe(403);
			expect(codes(answer)).toEqual(['USER_PERMISSION_DENIED']);
		});

		it('accepts calls without a developer token (optional since 2026-09-09) and records one when sent', async () => {
			google.simulator.addClick({ gclid: GCLID });
			await upload([{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: '2026-01-01 00:00:00+00:00' }]);
			await call(`/v26/customers/${SANDBOX_CUSTOMER_ID}:uploadClickConversions`, { partialFailure: true, conversions: [{}] }, { 'developer-token': 'dev-123' });
			expect(google.simulator.requests.map((r) => r.developerToken)).toEqual([undefined, 'dev-123']);
		});

		it('answers 404 for a sunset API version', async () => {
			expect((await call(`/v21/customers/${SANDBOX_CUSTOMER_ID}:uploadClickConversions`, { partialFailure: true })).status).toBe(404);
		});
	});

	describe('uploadClickConversions', () => {
		it('fails the whole request without partialFailure: true', async () => {
			const answer = await upload([{ gclid: GCLID }], {});
			expect(answer.status).toBe(400);
			expect(answer.json.error.status).toBe('INVALID_ARGUMENT');
			expect(codes(answer)).toEqual(['PARTIAL_FAILURE_MODE_REQUIRED']);
		});

		it('refuses more than 2000 conversions in one request', async () => {
			const answer = await upload(Array.from({ length: 2001 }, () => ({ gclid: GCLID })));
			expect(codes(answer)).toEqual(['TOO_MANY_CONVERSIONS_IN_REQUEST']);
		});

		it('reports each failed row in partialFailureError, located by conversions[i], with an empty result', async () => {
			google.simulator.addClick({ gclid: GCLID, hoursAgo: 48 });
			google.simulator.addClick({ gclid: 'EAIaIQobChMI_recent_click_00002', hoursAgo: 1 });
			google.simulator.addClick({ gclid: 'EAIaIQobChMI_expired_click_0003', hoursAgo: 24 * 120 });
			const answer = await upload([
				{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: CONVERTED_AT_PLUS_2 },
				{ gclid: 'EAIaIQobChMI_recent_click_00002', conversionAction: ACTION, conversionDateTime: `${new Date().toISOString().replace('T', ' ').slice(0, 19)}+00:00` },
				{ gclid: 'short', conversionAction: ACTION, conversionDateTime: CONVERTED_AT_PLUS_2 },
				{ gclid: 'EAIaIQobChMI_expired_click_0003', conversionAction: ACTION, conversionDateTime: '2030-01-01 00:00:00+00:00' },
				{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: CONVERTED_ISO },
			]);
			expect(answer.status).toBe(200);
			expect(answer.json.results[0]).toEqual({ gclid: GCLID, conversionAction: ACTION, conversionDateTime: CONVERTED_AT_PLUS_2 });
			expect(answer.json.results.slice(1)).toEqual([{}, {}, {}, {}]);
			const errors = answer.json.partialFailureError.details[0].errors;
			expect(codes(answer)).toEqual(['TOO_RECENT_EVENT', 'UNPARSEABLE_GCLID', 'EXPIRED_EVENT', 'INVALID_STRING_DATE_TIME_SECONDS_WITH_OFFSET']);
			expect(errors[0].location.fieldPathElements).toEqual([{ fieldName: 'conversions', index: 1 }, { fieldName: 'gclid' }]);
			expect(errors[3].location.fieldPathElements).toEqual([{ fieldName: 'conversions', index: 4 }, { fieldName: 'conversion_date_time' }]);
			expect(answer.json.partialFailureError.code).toBe(3);
			expect(google.simulator.uploadedConversions).toHaveLength(1);
		});

		it('refuses gbraid and wbraid together, and a gclid with either', async () => {
			const answer = await upload([
				{ gbraid: 'GbRaId_0123456789abcdefgh', wbraid: 'WbRaId_0123456789abcdefgh', conversionAction: ACTION, conversionDateTime: CONVERTED },
				{ gclid: GCLID, wbraid: 'WbRaId_0123456789abcdefgh', conversionAction: ACTION, conversionDateTime: CONVERTED },
			]);
			expect(codes(answer)).toEqual(['GBRAID_WBRAID_BOTH_SET', 'VALUE_MUST_BE_UNSET']);
		});

		it('refuses an unknown action, a website action and a second conversion for the same order id', async () => {
			google.simulator.addClick({ gclid: GCLID });
			const answer = await upload([
				{ gclid: GCLID, conversionAction: `customers/${SANDBOX_CUSTOMER_ID}/conversionActions/1`, conversionDateTime: CONVERTED },
				{ gclid: GCLID, conversionAction: `customers/${SANDBOX_CUSTOMER_ID}/conversionActions/${SANDBOX_ACTIONS.website}`, conversionDateTime: CONVERTED },
				{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: CONVERTED, orderId: 'ftd-1' },
				{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: conversionTime(11.5), orderId: 'ftd-1' },
			]);
			expect(codes(answer)).toEqual(['NO_CONVERSION_ACTION_FOUND', 'INVALID_CONVERSION_ACTION_TYPE', 'DUPLICATE_ORDER_ID']);
			const again = await upload([{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: conversionTime(11), orderId: 'ftd-1' }]);
			expect(codes(again)).toEqual(['ORDER_ID_ALREADY_IN_USE']);
		});

		it('refuses a consent value that is not a ConsentStatus for the whole request, and ad_personalization on a row', async () => {
			const bad = await upload([{ gclid: GCLID, consent: { adUserData: 'YES' } }]);
			expect(bad.status).toBe(400);
			expect(bad.json.error.message).toMatch(/conversions\[0\]\.consent\.ad_user_data/);
			google.simulator.addClick({ gclid: GCLID });
			const row = await upload([{ gclid: GCLID, conversionAction: ACTION, conversionDateTime: CONVERTED, consent: { adUserData: 'GRANTED', adPersonalization: 'GRANTED' } }]);
			expect(codes(row)).toEqual(['VALUE_MUST_BE_UNSET']);
		});

		it('matches enhanced conversions for leads by hashed identifiers, and checks their format', async () => {
			google.simulator.addLead({ hashedEmail: sha256('janedoe@gmail.com') });
			const answer = await upload([
				{ userIdentifiers: [{ hashedEmail: sha256('janedoe@gmail.com') }], conversionAction: ACTION, conversionDateTime: CONVERTED },
				{ userIdentifiers: [{ hashedEmail: sha256('someone@else.com') }], conversionAction: ACTION, conversionDateTime: CONVERTED },
				{ userIdentifiers: [{ hashedEmail: 'JaneDoe@gmail.com' }], conversionAction: ACTION, conversionDateTime: CONVERTED },
				{ userIdentifiers: [{ hashedEmail: sha256('a'), hashedPhoneNumber: sha256('b') }], conversionAction: ACTION, conversionDateTime: CONVERTED },
			]);
			expect(codes(answer)).toEqual(['CLICK_NOT_FOUND', 'INVALID_USER_IDENTIFIER', 'INVALID_USER_IDENTIFIER']);
			expect(answer.json.results[0].userIdentifiers).toEqual([{ hashedEmail: sha256('janedoe@gmail.com') }]);
		});

		it('requires the customer data terms and the feature for leads', async () => {
			google.simulator.setCustomer(SANDBOX_CUSTOMER_ID, { acceptedCustomerDataTerms: false });
			const row = { userIdentifiers: [{ hashedEmail: sha256('x@y.com') }], conversionAction: ACTION, conversionDateTime: CONVERTED };
			expect(codes(await upload([row]))).toEqual(['CUSTOMER_NOT_ACCEPTED_CUSTOMER_DATA_TERMS']);
			google.simulator.setCustomer(SANDBOX_CUSTOMER_ID, { acceptedCustomerDataTerms: true, enhancedConversionsForLeads: false });
			expect(codes(await upload([row]))).toEqual(['CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS']);
		});

		it('reads the documented date-time format with its offset', () => {
			expect(parseGoogleDateTime('2019-01-01 12:32:45-08:00')).toBe(Date.parse('2019-01-01T20:32:45Z'));
			expect(parseGoogleDateTime('2019-01-01 12:32:45')).toBeUndefined();
			expect(parseGoogleDateTime('2019-02-30 12:32:45+00:00')).toBeUndefined();
		});
	});

	describe('Customer Match jobs', () => {
		const jobs = `/v26/customers/${SANDBOX_CUSTOMER_ID}/offlineUserDataJobs`;
		const create = async () =>
			(await call(`${jobs}:create`, { job: { type: 'CUSTOMER_MATCH_USER_LIST', customerMatchUserListMetadata: { userList: SANDBOX_USER_LIST } } })).json.resourceName as string;
		const status = async (resourceName: string) =>
			(await call(`/v26/customers/${SANDBOX_CUSTOMER_ID}/googleAds:search`, { query: `SELECT offline_user_data_job.status FROM offline_user_data_job WHERE offline_user_data_job.resource_name = '${resourceName}'` })).json
				.results[0].offlineUserDataJob.status as string;

		it('creates a job, adds operations, runs it as a long-running operation and goes PENDING → RUNNING → SUCCESS', async () => {
			const job = await create();
			expect(job).toMatch(/^customers\/1234567890\/offlineUserDataJobs\/\d+$/);
			expect(await status(job)).toBe('PENDING');
			const added = await call(`/v26/${job}:addOperations`, { enablePartialFailure: true, operations: [{ create: { userIdentifiers: [{ hashedEmail: sha256('a@b.com') }] } }] });
			expect(added.status).toBe(200);
			const run = await call(`/v26/${job}:run`, {});
			expect(run.json.name).toMatch(/^customers\/1234567890\/operations\/\d+$/);
			expect(await status(job)).toBe('RUNNING');
			expect(await status(job)).toBe('SUCCESS');
			expect((await call(`/v26/${run.json.name}`)).json).toMatchObject({ done: true });
			expect(google.simulator.job(job)?.operations).toHaveLength(1);
		});

		it('refuses more than 20 identifiers in one operation, per operation under partial failure', async () => {
			const job = await create();
			const many = Array.from({ length: 21 }, (_, i) => ({ hashedEmail: sha256(`u${i}@b.com`) }));
			const answer = await call(`/v26/${job}:addOperations`, { enablePartialFailure: true, operations: [{ create: { userIdentifiers: [{ hashedEmail: sha256('ok@b.com') }] } }, { create: { userIdentifiers: many } }] });
			expect(codes(answer)).toEqual(['TOO_MANY_USER_IDENTIFIERS']);
			expect(answer.json.partialFailureError.details[0].errors[0].location.fieldPathElements[0]).toEqual({ fieldName: 'operations', index: 1 });
			expect(google.simulator.job(job)?.operations).toHaveLength(1);
		});

		it('fails the whole request on a bad operation without partial failure, and refuses unhashed e-mails', async () => {
			const job = await create();
			const answer = await call(`/v26/${job}:addOperations`, { operations: [{ create: { userIdentifiers: [{ hashedEmail: 'a@b.com' }] } }] });
			expect(answer.status).toBe(400);
			expect(codes(answer)).toEqual(['INVALID_SHA256_FORMAT']);
		});

		it('refuses operations on a job that already runs', async () => {
			const job = await create();
			await call(`/v26/${job}:run`, {});
			const answer = await call(`/v26/${job}:addOperations`, { operations: [{ removeAll: true }] });
			expect(codes(answer)).toEqual(['INVALID_JOB_STATUS']);
		});

		it('refuses a user list that does not exist', async () => {
			const answer = await call(`${jobs}:create`, { job: { type: 'CUSTOMER_MATCH_USER_LIST', customerMatchUserListMetadata: { userList: `customers/${SANDBOX_CUSTOMER_ID}/userLists/1` } } });
			expect(codes(answer)).toEqual(['INVALID_USER_LIST_ID']);
		});

		it('ends FAILED with the reason a test sets', async () => {
			const job = await create();
			google.simulator.failJob(job, 'INSUFFICIENT_MATCHED_TRANSACTIONS');
			await call(`/v26/${job}:run`, {});
			await status(job);
			expect(await status(job)).toBe('FAILED');
			expect(google.simulator.job(job)?.failureReason).toBe('INSUFFICIENT_MATCHED_TRANSACTIONS');
		});
	});

	it('applies faults from the control API (a 503 before the handler)', async () => {
		await new SandboxControl(google.url).addFaults({ fault: { kind: 'status', status: 503 }, path: '/v26/*' });
		expect((await upload([])).status).toBe(503);
		expect((await upload([])).status).toBe(400);
	});
});
