/**
 * The Google Ads Conversions node against the Google Ads simulator over real HTTP, through the node
 * as n8n runs it. The credential is an OAuth2 credential: the runner hands n8n-core the decrypted
 * data with `oauthTokenData` already filled (what n8n stores after the consent screen, which cannot
 * run in-process), so n8n-core's own OAuth2 code signs the calls and refreshes the token on 401
 * against the simulator's token endpoint. `accessTokenUrl` is given literally: the runner does not
 * resolve the credential's expressions as n8n's server does.
 */
import { createHash } from 'node:crypto';

import type { ICredentialDataDecryptedObject, IDataObject, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { GoogleAdsSimulator, SANDBOX_ACTIONS, SANDBOX_CUSTOMER_ID } from '../../sandbox/googleAds';
import { runWorkflow, type WorkflowJson } from '../runner';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const NODE = 'Google Ads Conversions';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const click = (n: number) => `EAIaIQobChMI_node_test_click_${String(n).padStart(4, '0')}`;
const HOUR = 3600_000;
/** Conversion times a while after the sandbox's clicks (made hours before now): fixed dates would go stale. */
const utcSecondsAgo = (ms: number) => `${new Date(Math.floor((Date.now() - ms) / 1000) * 1000).toISOString().slice(0, 19)}Z`;
const CONVERTED = utcSecondsAgo(12 * HOUR);
const CONVERTED_1S_LATER = utcSecondsAgo(12 * HOUR - 1000);
const CONVERTED_1H_LATER = utcSecondsAgo(11 * HOUR);

describe('Google Ads Conversions node', () => {
	let google: RunningSimulator<GoogleAdsSimulator>;
	let credential: ICredentialDataDecryptedObject;

	const workflow = (parameters: INodeParameters, onError: INode['onError'] = 'continueErrorOutput'): WorkflowJson => ({
		name: 'Google Ads Conversions',
		nodes: [
			{
				id: 'a1b2c3d4-0000-4000-8000-00000000ad01',
				name: NODE,
				type: 'n8n-nodes-brokerage.googleAdsConversions',
				typeVersion: 1,
				position: [0, 0],
				onError,
				parameters: { retryAndTimeout: { baseDelay: 10, maxDelay: 50, timeout: 3000 }, ...parameters },
				credentials: { googleAdsConversionsOAuth2Api: { id: 'google-ads', name: 'Google Ads sandbox' } },
			},
		],
		connections: {},
	});
	const clickUpload = (extra: INodeParameters = {}): INodeParameters => ({
		resource: 'clickConversion',
		operation: 'upload',
		customerId: '123-456-7890',
		conversionAction: SANDBOX_ACTIONS.ftd,
		gclid: '={{ $json.gclid }}',
		gbraid: '={{ $json.gbraid }}',
		wbraid: '={{ $json.wbraid }}',
		conversionTime: '={{ $json.timeUtc }}',
		timeZone: 'Europe/Nicosia',
		adUserData: 'GRANTED',
		additionalFields: { orderId: '={{ $json.orderId }}', conversionValue: '={{ $json.value }}', currencyCode: 'EUR' },
		...extra,
	});
	const run = async (parameters: INodeParameters, input: IDataObject[], onError?: INode['onError']) =>
		await runWorkflow(workflow(parameters, onError), { input, credentials: { googleAdsConversionsOAuth2Api: credential } });
	const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);
	const uploadCalls = () => google.simulator.requests.filter((r) => r.path.endsWith(':uploadClickConversions'));

	beforeAll(async () => {
		google = await startSimulator(new GoogleAdsSimulator());
	});
	afterAll(async () => {
		await google.close();
	});
	beforeEach(() => {
		google.simulator.reset();
		resetBreakers();
		const accounts = google.simulator.credentials();
		credential = {
			grantType: 'authorizationCode',
			environment: 'custom',
			apiBaseUrl: google.url,
			customTokenUrl: accounts.accessTokenUrl,
			accessTokenUrl: accounts.accessTokenUrl,
			authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
			scope: 'https://www.googleapis.com/auth/adwords',
			authentication: 'body',
			clientId: accounts.clientId,
			clientSecret: accounts.clientSecret,
			loginCustomerId: '987-654-3210',
			developerToken: '',
			apiVersion: 'v26',
			oauthTokenData: { access_token: google.simulator.issueAccessToken(), refresh_token: accounts.refreshToken, token_type: 'Bearer', expires_in: 3599 },
		};
	});

	describe('Click Conversion → Upload', () => {
		it('splits one batch by row: accepted rows on Uploaded, too-recent clicks on Retry Later, refused rows on the error output naming field and code', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			google.simulator.addClick({ gclid: click(2), hoursAgo: 1 });
			google.simulator.addClick({ gclid: click(4), hoursAgo: 24 * 200 });
			const now = new Date().toISOString();
			const result = await run(clickUpload(), [
				{ gclid: click(1), timeUtc: now, orderId: 'ftd-1001', value: '250.00' },
				{ gclid: click(2), timeUtc: now, orderId: 'ftd-1002' },
				{ gclid: 'not-a-gclid', timeUtc: now, orderId: 'ftd-1003' },
				{ gclid: click(4), timeUtc: now, orderId: 'ftd-1004' },
			]);
			const [uploaded, retryLater, failed] = result.outputs[NODE];
			expect(uploadCalls()).toHaveLength(1);
			expect(json(uploaded)).toEqual([
				expect.objectContaining({ status: 'uploaded', destination: 'google_ads', customerId: SANDBOX_CUSTOMER_ID, clickIdType: 'gclid', clickId: click(1), orderId: 'ftd-1001' }),
			]);
			expect(uploaded[0].json.conversion).toMatchObject({ eventId: 'ftd-1001', value: { amount: '250.00', currency: 'EUR' }, consent: true });
			expect(retryLater.map((item) => item.pairedItem)).toEqual([{ item: 1 }]);
			expect(retryLater[0].json).toMatchObject({ status: 'retryLater', vendorError: { code: 'TOO_RECENT_EVENT', field: 'gclid' } });
			expect(Date.parse(String(retryLater[0].json.retryAfterUtc)) - Date.now()).toBeGreaterThan(5.9 * HOUR);
			expect(failed.map((item) => item.pairedItem)).toEqual([{ item: 2 }, { item: 3 }]);
			expect(failed[0].json.error).toMatch(/"gclid": UNPARSEABLE_GCLID/);
			expect(failed[1].json.error).toMatch(/"gclid": EXPIRED_EVENT — the click is older than the conversion action's click-through window/);
			expect(google.simulator.uploadedConversions.map((c) => c.orderId)).toEqual(['ftd-1001']);
		});

		it('refuses a row with two click ids before sending it, and sends a GBRAID row as gbraid', async () => {
			google.simulator.addClick({ gbraid: 'GbRaId_node_test_000000001', hoursAgo: 30 });
			const result = await run(clickUpload(), [
				{ gclid: click(1), wbraid: 'WbRaId_node_test_000000001', timeUtc: CONVERTED },
				{ gbraid: 'GbRaId_node_test_000000001', timeUtc: new Date().toISOString() },
			]);
			const [uploaded, , failed] = result.outputs[NODE];
			expect(failed[0].json.error).toMatch(/"GCLID \/ WBRAID": only one of GCLID, GBRAID and WBRAID may be set; this row has gclid and wbraid/);
			expect(json(uploaded)).toEqual([expect.objectContaining({ status: 'uploaded', clickIdType: 'gbraid' })]);
			expect(google.simulator.uploadedConversions).toEqual([expect.objectContaining({ clickKind: 'gbraid', clickId: 'GbRaId_node_test_000000001' })]);
			expect(google.simulator.uploadedConversions[0]).not.toHaveProperty('gclid');
		});

		it('writes the conversion time with the offset in force in the chosen zone, across the October DST change', async () => {
			google.simulator.addClick({ gclid: click(1), clickTimeMs: Date.parse('2026-10-20T00:00:00Z') });
			const result = await run(clickUpload(), [
				{ gclid: click(1), timeUtc: '2026-10-24T22:00:00Z', orderId: 'before-change' },
				{ gclid: click(1), timeUtc: '2026-10-25T02:00:00Z', orderId: 'after-change' },
			]);
			expect(result.outputs[NODE][0]).toHaveLength(2);
			expect(google.simulator.uploadedConversions.map((c) => c.conversionDateTime)).toEqual(['2026-10-25 01:00:00+03:00', '2026-10-25 04:00:00+02:00']);
			expect(google.simulator.uploadedConversions[0].consent).toEqual({ adUserData: 'GRANTED' });
		});

		it('sends a Retry Later row again successfully once the click is 6 hours old', async () => {
			google.simulator.addClick({ gclid: click(7), hoursAgo: 2 });
			const input = [{ gclid: click(7), timeUtc: new Date().toISOString(), orderId: 'ftd-7' }];
			const first = await run(clickUpload(), input);
			expect(first.outputs[NODE][1]).toHaveLength(1);
			google.simulator.advance(5 * HOUR);
			const second = await run(clickUpload(), input);
			expect(json(second.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'uploaded', orderId: 'ftd-7' })]);
		});

		it('puts rows for a conversion action created less than 6 hours ago on Retry Later', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			google.simulator.addConversionAction({ id: '555555' });
			const result = await run(clickUpload({ conversionAction: '555555' }), [{ gclid: click(1), timeUtc: CONVERTED }]);
			expect(result.outputs[NODE][1][0].json).toMatchObject({ status: 'retryLater', vendorError: { code: 'TOO_RECENT_CONVERSION_ACTION' } });
		});

		it('reports a resent conversion as already uploaded, not as an error', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			const input = [{ gclid: click(1), timeUtc: CONVERTED }];
			await run(clickUpload(), input);
			const again = await run(clickUpload(), input);
			expect(json(again.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'alreadyUploaded' })]);
			expect(google.simulator.uploadedConversions).toHaveLength(1);
		});

		it('reports a resend under the same order id but another time (zone) as already uploaded', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED, orderId: 'ftd:1001' }]);
			const again = await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED_1S_LATER, orderId: 'ftd:1001' }]);
			expect(json(again.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'alreadyUploaded', vendorError: expect.objectContaining({ code: 'ORDER_ID_ALREADY_IN_USE' }) })]);
			expect(google.simulator.uploadedConversions).toHaveLength(1);
		});

		it('sends rows in batches of Batch Size with partialFailure: true', async () => {
			for (let n = 1; n <= 3; n++) google.simulator.addClick({ gclid: click(n), hoursAgo: 48 });
			const result = await run(clickUpload({ options: { batchSize: 2 } }), [1, 2, 3].map((n) => ({ gclid: click(n), timeUtc: CONVERTED, orderId: `o-${n}` })));
			expect(result.outputs[NODE][0]).toHaveLength(3);
			expect(uploadCalls()).toHaveLength(2);
		});

		it('sends nothing when a row is invalid and the node stops on errors', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			const result = await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED }, { timeUtc: CONVERTED }], 'stopWorkflow');
			expect(result.status).toBe('error');
			expect(result.nodeErrors[NODE]?.message).toMatch(/"GCLID": one of GCLID, GBRAID or WBRAID is required/);
			expect(uploadCalls()).toHaveLength(0);
		});

		it('refreshes an expired access token through the token endpoint and sends the call again', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			google.simulator.expireAccessTokens();
			const result = await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED }]);
			expect(json(result.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'uploaded' })]);
			expect(google.simulator.tokenRequests).toEqual([{ grantType: 'refresh_token', ok: true }]);
			expect(uploadCalls().map((r) => r.status)).toEqual([401, 401, 200]);
		});

		it('explains a refresh token Google no longer accepts on the error output', async () => {
			google.simulator.expireAccessTokens();
			google.simulator.revokeRefreshToken();
			const result = await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED }]);
			const failed = result.outputs[NODE][2];
			expect(failed).toHaveLength(1);
			expect(String(failed[0].json.error)).toMatch(/no longer accepts the credential's refresh token.*reconnect the Google Ads Conversions credential/);
		});

		it('retries a 503 and a 429 with Retry-After from Google, then uploads once', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			google.simulator.faults.add({ fault: { kind: 'status', status: 503, body: { error: { code: 503, message: 'The service is currently unavailable.', status: 'UNAVAILABLE' } } }, path: '/v26/*' });
			google.simulator.faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 0 }, path: '/v26/*' });
			const result = await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED, orderId: 'ftd-9' }]);
			expect(json(result.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'uploaded' })]);
			expect(google.simulator.faults.fired.map((f) => f.kind)).toEqual(['status', 'rateLimit']);
			expect(google.simulator.uploadedConversions).toHaveLength(1);
		});

		it('explains a whole-request refusal on every row of the batch, with Google\'s code', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			credential.loginCustomerId = '';
			const result = await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED }, { gclid: click(1), timeUtc: CONVERTED_1H_LATER }]);
			const failed = result.outputs[NODE][2];
			expect(failed).toHaveLength(2);
			expect(failed[0].json.error).toMatch(/access was denied .*USER_PERMISSION_DENIED — the signed-in user cannot reach this account; set Login Customer ID/);
		});

		it('only checks the rows with Validate Only', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			const result = await run(clickUpload({ options: { validateOnly: true } }), [{ gclid: click(1), timeUtc: CONVERTED }]);
			expect(json(result.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'uploaded', validateOnly: true })]);
			expect(google.simulator.uploadedConversions).toHaveLength(0);
		});

		it('sends login-customer-id without hyphens and the developer token only when set', async () => {
			google.simulator.addClick({ gclid: click(1), hoursAgo: 48 });
			credential.developerToken = 'dev-token-1';
			await run(clickUpload(), [{ gclid: click(1), timeUtc: CONVERTED }]);
			expect(uploadCalls()[0]).toMatchObject({ loginCustomerId: '9876543210', developerToken: 'dev-token-1' });
		});
	});

	describe('Enhanced Conversion for Leads → Upload', () => {
		const leadUpload = (): INodeParameters => ({
			resource: 'leadConversion',
			operation: 'upload',
			customerId: '1234567890',
			conversionAction: SANDBOX_ACTIONS.lead,
			email: '={{ $json.email }}',
			phone: '={{ $json.phone }}',
			defaultCallingCode: '357',
			conversionTime: '={{ $json.timeUtc }}',
			timeZone: 'UTC',
			adUserData: 'GRANTED',
			additionalFields: { orderId: '={{ $json.orderId }}' },
		});

		it("hashes the lead's e-mail and phone as Google specifies; a lead Google cannot match is reported notMatched", async () => {
			google.simulator.addLead({ hashedEmail: sha256('janedoe@gmail.com') });
			const result = await run(leadUpload(), [
				{ email: ' Jane.Doe@GMail.com ', phone: '099 123 456', timeUtc: CONVERTED, orderId: 'lead-1' },
				{ email: 'nobody@example.com', timeUtc: CONVERTED, orderId: 'lead-2' },
				{ email: 'not an address', timeUtc: CONVERTED, orderId: 'lead-3' },
			]);
			const [uploaded, , failed] = result.outputs[NODE];
			expect(json(uploaded)).toEqual([
				expect.objectContaining({ status: 'uploaded', identifiers: ['hashedEmail', 'hashedPhoneNumber'], orderId: 'lead-1' }),
				expect.objectContaining({ status: 'notMatched', vendorError: expect.objectContaining({ code: 'CLICK_NOT_FOUND' }) }),
			]);
			expect(google.simulator.uploadedConversions[0].userIdentifiers).toEqual([{ hashedEmail: sha256('janedoe@gmail.com') }, { hashedPhoneNumber: sha256('+35799123456') }]);
			expect(failed[0].json.error).toMatch(/"Email": .*not an e-mail address/);
		});

		it('names the account setting when enhanced conversions for leads are off', async () => {
			google.simulator.setCustomer(SANDBOX_CUSTOMER_ID, { enhancedConversionsForLeads: false });
			const result = await run(leadUpload(), [{ email: 'jane@example.com', timeUtc: CONVERTED }]);
			expect(result.outputs[NODE][2][0].json.error).toMatch(/CUSTOMER_NOT_ENABLED_ENHANCED_CONVERSIONS_FOR_LEADS — turn on enhanced conversions for leads/);
		});
	});

	describe('Customer Match', () => {
		const members = (count: number) => Array.from({ length: count }, (_, i) => ({ email: `member${i}@example.com`, phone: `+3579912340${i}` }));
		const matchUpload = (options: IDataObject): INodeParameters => ({
			resource: 'customerMatch',
			operation: 'upload',
			customerId: '123-456-7890',
			userList: '444444',
			membersAction: 'add',
			email: '={{ $json.email }}',
			phone: '={{ $json.phone }}',
			adUserData: 'GRANTED',
			adPersonalization: 'GRANTED',
			options: { pollIntervalSeconds: 0, ...options },
		});

		it('creates one job, adds members in batches of Identifiers per Request, runs it and polls until SUCCESS', async () => {
			const result = await run(matchUpload({ identifiersPerRequest: 4, maxPolls: 5 }), members(5));
			const [done] = result.outputs[NODE];
			expect(done).toHaveLength(5);
			expect(done[0].json).toMatchObject({ status: 'done', jobStatus: 'SUCCESS', membersAction: 'add', identifiers: ['hashedEmail', 'hashedPhoneNumber'] });
			const job = google.simulator.job(String(done[0].json.job))!;
			expect(job.addOperationsCalls).toBe(3);
			expect(job.operations).toHaveLength(5);
			expect(job.consent).toEqual({ adUserData: 'GRANTED', adPersonalization: 'GRANTED' });
			const paths = google.simulator.requests.map((r) => r.path.split('/').pop());
			expect(paths.filter((p) => p === 'googleAds:search')).toHaveLength(2);
			expect(google.simulator.requests.filter((r) => r.path.endsWith(':create'))).toHaveLength(1);
		});

		it('parks members on Retry Later with the job name when the job still runs, and Get Job Status finishes them later', async () => {
			const first = await run(matchUpload({ maxPolls: 1 }), members(2));
			const parked = first.outputs[NODE][1];
			expect(json(parked)).toEqual([expect.objectContaining({ status: 'running', jobStatus: 'RUNNING' }), expect.objectContaining({ status: 'running' })]);
			const later = await run({ resource: 'customerMatch', operation: 'getJob', job: '={{ $json.job }}' }, [parked[0].json]);
			expect(json(later.outputs[NODE][0])).toEqual([expect.objectContaining({ status: 'done', jobStatus: 'SUCCESS' })]);
		});

		it('removes members with remove operations, e.g. after an opt-out', async () => {
			const result = await run({ ...matchUpload({ maxPolls: 5 }), membersAction: 'remove' }, members(1));
			const job = google.simulator.job(String(result.outputs[NODE][0][0].json.job))!;
			expect(job.operations.map((op) => op.kind)).toEqual(['remove']);
			expect(result.outputs[NODE][0][0].json).toMatchObject({ status: 'done', membersAction: 'remove' });
		});

		it('routes a member whose data cannot be hashed to the error output and sends the others', async () => {
			const result = await run(matchUpload({ maxPolls: 5 }), [{ email: 'ok@example.com' }, { phone: '12' }]);
			const [done, , failed] = result.outputs[NODE];
			expect(done).toHaveLength(1);
			expect(failed[0].json.error).toMatch(/"Phone": /);
		});

		it('reports a failed job on every member, with the reason', async () => {
			const result = await run(matchUpload({ maxPolls: 0 }), members(1));
			const job = String(result.outputs[NODE][1][0].json.job);
			google.simulator.failJob(job, 'UNKNOWN');
			await run({ resource: 'customerMatch', operation: 'getJob', job }, [{}]);
			const final = await run({ resource: 'customerMatch', operation: 'getJob', job }, [{}]);
			expect(final.outputs[NODE][2][0].json.error).toMatch(/job .* failed: UNKNOWN/);
		});
	});
});
