/**
 * The Onfido credential and node against the Onfido simulator over real HTTP, through the built
 * node as n8n runs it (the runner expands the credential's generic `authenticate`, as n8n does).
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import { NodeHelpers, Workflow, type IDataObject, type INode, type INodeExecutionData, type INodeParameters, type INodeType, type IWorkflowDataProxyAdditionalKeys } from 'n8n-workflow';

import { OnfidoApi } from '../../credentials/OnfidoApi.credentials';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { OnfidoSimulator, SANDBOX_WORKFLOW_ID } from '../../sandbox/onfido';
import { fromPackage, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/onfido-node.json';

const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');

const NODE = 'Onfido';
const TOKEN = 'api_sandbox.onfido_7Hq2xLw9';
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

describe('Onfido credential and node', () => {
	let onfido: RunningSimulator<OnfidoSimulator>;
	const data = (apiToken = TOKEN) => ({ region: 'custom', baseUrl: `${onfido.url}/v3.6/`, apiToken, webhookToken: '', previousWebhookToken: '' });
	const withParameters = (parameters: INodeParameters): WorkflowJson => ({
		...(fixture as unknown as WorkflowJson),
		nodes: (fixture as unknown as WorkflowJson).nodes.map((node: INode) => ({ ...node, parameters: { ...parameters, retryAndTimeout: { baseDelay: 10, maxDelay: 50, timeout: 3000 } } })),
	});
	const run = async (input: Array<IDataObject | INodeExecutionData>, wf: WorkflowJson = fixture as unknown as WorkflowJson, apiToken?: string) =>
		await runWorkflow(wf, { input, credentials: { onfidoApi: data(apiToken) } });
	const first = (result: Awaited<ReturnType<typeof run>>) => result.outputs[NODE][0][0]?.json;
	const failed = (result: Awaited<ReturnType<typeof run>>) => result.outputs[NODE][1]?.[0]?.json;

	beforeAll(async () => {
		onfido = await startSimulator(new OnfidoSimulator());
	});
	afterAll(async () => {
		await onfido.simulator.idle();
		await onfido.close();
	});
	beforeEach(() => {
		onfido.simulator.reset();
		onfido.simulator.faults.clear();
		resetBreakers();
	});

	describe('credential test (GET /applicants with the Token header)', () => {
		const send = async (credentials: IDataObject) => {
			const credential = new OnfidoApi();
			const { request } = credential.test;
			// The test's baseURL is an expression over the credential, resolved as n8n resolves it.
			const type = { description: { properties: [] } } as unknown as INodeType;
			const workflow = new Workflow({ nodes: [], connections: {}, active: false, nodeTypes: { getByName: () => type, getByNameAndVersion: () => NodeHelpers.getVersionedNodeType(type), getKnownTypes: () => ({}) } });
			const node = { name: 'test', parameters: {} } as INode;
			const resolve = (value: string) => workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials } as IWorkflowDataProxyAdditionalKeys, undefined, '') as string;
			const authorization = resolve(credential.authenticate.properties.headers!.Authorization as string);
			return (await httpRequest({
				method: request.method,
				url: `${resolve(request.baseURL as string)}${request.url}`,
				qs: request.qs,
				headers: { Authorization: authorization },
				json: true,
				returnFullResponse: true,
				ignoreHttpStatusErrors: true,
			})) as { statusCode: number; body: { applicants?: unknown[]; error?: { type: string } } };
		};

		it('passes with the right token', async () => {
			const answer = await send(data());
			expect(answer.statusCode).toBe(200);
			expect(answer.body.applicants).toEqual([]);
		});

		it('fails with a wrong token: Onfido answers authorization_error', async () => {
			const answer = await send(data('api_sandbox.wrong'));
			expect(answer.statusCode).toBe(401);
			expect(answer.body.error?.type).toBe('authorization_error');
		});

		it('points each region at its own host', () => {
			const baseURL = new OnfidoApi().test.request.baseURL as string;
			for (const host of ['api.eu.onfido.com/v3.6', 'api.us.onfido.com/v3.6', 'api.ca.onfido.com/v3.6']) expect(baseURL).toContain(host);
		});
	});

	it('creates an applicant, sending the country as alpha-3 and echoing the CRM client id', async () => {
		const result = await run([{ clientId: 'crm-1001', firstName: 'Jane', lastName: 'Doe', email: 'Jane@Example.com', dob: '1990-04-01', country: 'CY' }]);
		const applicant = first(result)!;
		expect(applicant).toMatchObject({ provider: 'onfido', clientId: 'crm-1001', firstName: 'Jane', email: 'jane@example.com', dateOfBirth: '1990-04-01', country: 'CY' });
		expect(onfido.simulator.applicant(String(applicant.applicantId))?.location).toEqual({ country_of_residence: 'CYP', ip_address: null });
	});

	it('routes a refused applicant to the error output naming Onfido\'s field', async () => {
		const result = await run([{ clientId: 'crm-1', firstName: 'J'.repeat(20), lastName: 'Doe', email: 'not-an-email' }]);
		expect(String(failed(result)?.error)).toContain('email: invalid email address');
		expect(onfido.simulator.state().applicants).toHaveLength(0);
	});

	it('routes a bad country to the error output before calling Onfido', async () => {
		const result = await run([{ firstName: 'Jane', lastName: 'Doe', country: 'XX' }]);
		expect(String(failed(result)?.error)).toContain('"Country of Residence": must be an ISO 3166-1 country code');
	});

	it('says the API token was refused when it is wrong', async () => {
		const result = await run([{ firstName: 'Jane', lastName: 'Doe' }], undefined, 'api_sandbox.wrong');
		expect(String(failed(result)?.error)).toContain('the API token was refused');
	});

	it('updates an applicant with only the fields given', async () => {
		const applicant = onfido.simulator.seedApplicant({ email: 'old@example.com' });
		const result = await run([{}], withParameters({ resource: 'applicant', operation: 'update', applicantId: applicant.id, updateFields: { lastName: 'Smith' }, options: {} }));
		expect(first(result)).toMatchObject({ applicantId: applicant.id, firstName: 'Jane', lastName: 'Smith', email: 'old@example.com' });
	});

	it('reads an applicant, and answers an unknown one on the error output', async () => {
		const applicant = onfido.simulator.seedApplicant();
		const wf = withParameters({ resource: 'applicant', operation: 'get', applicantId: '={{ $json.applicantId }}', options: {} });
		const result = await run([{ applicantId: applicant.id }, { applicantId: '00000000-0000-4000-8000-000000000000' }], wf);
		expect(first(result)).toMatchObject({ applicantId: applicant.id, lastName: 'Doe' });
		expect(String(failed(result)?.error)).toContain('does not know that ID (resource_not_found');
	});

	it('uploads a document from binary data as multipart, byte for byte', async () => {
		const applicant = onfido.simulator.seedApplicant();
		const wf = withParameters({ resource: 'document', operation: 'upload', applicantId: applicant.id, binaryPropertyName: 'data', documentType: 'passport', side: 'front', issuingCountry: 'GB', options: {} });
		const result = await run([{ json: {}, binary: { data: { data: PNG.toString('base64'), mimeType: 'image/png', fileName: 'passport.png', fileExtension: 'png' } } }], wf);
		expect(first(result)).toMatchObject({ applicantId: applicant.id, type: 'passport', side: 'front', country: 'GB', fileName: 'passport.png', fileType: 'png', fileSizeBytes: PNG.length });
		const stored = onfido.simulator.state().documents[0];
		expect(stored).toMatchObject({ issuing_country: 'GBR', file_size: PNG.length });
		expect(stored.sha256).toBe(require('node:crypto').createHash('sha256').update(PNG).digest('hex'));
	});

	it('routes an upload without the binary field to the error output', async () => {
		const applicant = onfido.simulator.seedApplicant();
		const wf = withParameters({ resource: 'document', operation: 'upload', applicantId: applicant.id, binaryPropertyName: 'scan', documentType: 'passport', side: '', issuingCountry: '', options: {} });
		const result = await run([{ json: {} }], wf);
		expect(String(failed(result)?.error)).toContain('scan');
		expect(onfido.simulator.state().documents).toHaveLength(0);
	});

	it('starts a workflow run for the client and reads it back as a kycCase once decided', async () => {
		const applicant = onfido.simulator.seedApplicant();
		const created = first(await run([{ applicantId: applicant.id, clientId: 'crm-1001' }], withParameters({ resource: 'workflowRun', operation: 'create', applicantId: '={{ $json.applicantId }}', workflowId: SANDBOX_WORKFLOW_ID, clientId: '={{ $json.clientId }}', tags: 'new-client, eu', options: {} })))!;
		expect(created).toMatchObject({ provider: 'onfido', status: 'pending', vendorStatus: 'processing', clientId: 'crm-1001', applicantId: applicant.id, level: SANDBOX_WORKFLOW_ID });
		expect(String(created.sdkToken).split('.')).toHaveLength(3);
		expect(onfido.simulator.workflowRun(String(created.workflowRunId))?.tags).toEqual(['new-client', 'eu']);

		await onfido.simulator.completeWorkflowRun(String(created.workflowRunId), 'approved', { documentExpiry: '2029-12-31', issuingCountry: 'DEU' });
		const read = first(await run([{ workflowRunId: created.workflowRunId }], withParameters({ resource: 'workflowRun', operation: 'get', workflowRunId: '={{ $json.workflowRunId }}', options: { includeRaw: true } })))!;
		expect(read).toMatchObject({ status: 'approved', clientId: 'crm-1001', documents: [{ type: 'passport', country: 'DE', expiresOn: '2029-12-31' }], amlFlags: { pep: false, sanctions: false } });
		expect((read.raw as IDataObject).id).toBe(created.workflowRunId);
	});

	it('runs a check and reads it with its reports: an expired document is a RETRY rejection', async () => {
		const applicant = onfido.simulator.seedApplicant();
		await fetch(`${onfido.url}/v3.6/documents`, {
			method: 'POST',
			headers: { authorization: `Token token=${TOKEN}` },
			body: (() => {
				const form = new FormData();
				form.set('applicant_id', applicant.id);
				form.set('type', 'passport');
				form.set('issuing_country', 'CYP');
				form.set('file', new Blob([new Uint8Array(PNG)], { type: 'image/png' }), 'p.png');
				return form;
			})(),
		});
		const created = first(await run([{}], withParameters({ resource: 'check', operation: 'create', applicantId: applicant.id, reportNames: ['document', 'watchlist_standard'], clientId: 'crm-77', options: {} })))!;
		expect(created).toMatchObject({ status: 'pending', vendorStatus: 'in_progress', clientId: 'crm-77' });
		await onfido.simulator.completeCheck(String(created.checkId), 'consider', { documentExpiry: '2020-01-01' });
		const read = first(await run([{}], withParameters({ resource: 'check', operation: 'get', checkId: created.checkId as string, options: {} })))!;
		expect(read).toMatchObject({
			status: 'rejected_retry',
			rejectType: 'RETRY',
			reviewAnswer: 'consider',
			level: 'document,watchlist_standard',
			documents: [{ type: 'passport', country: 'CY', expiresOn: '2020-01-01' }],
			amlFlags: { pep: false, sanctions: false },
		});
		expect(read.rejectLabels).toContain('document.data_validation.document_expiration');
	});

	it('issues an SDK token', async () => {
		const applicant = onfido.simulator.seedApplicant();
		const result = await run([{}], withParameters({ resource: 'sdkToken', operation: 'generate', applicantId: applicant.id, referrer: 'https://*.example.com/*' }));
		expect(first(result)).toMatchObject({ provider: 'onfido', applicantId: applicant.id });
		expect(onfido.simulator.state().sdkTokens[0]).toMatchObject({ referrer: 'https://*.example.com/*', token: first(result)!.sdkToken });
	});

	it('does not resend a create whose answer was lost (it may have been applied), and says so', async () => {
		onfido.simulator.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/v3.6/applicants', method: 'POST' });
		const result = await run([{ firstName: 'Jane', lastName: 'Doe' }]);
		expect(String(failed(result)?.error)).toContain('may have been applied by Onfido');
		// Onfido applied it once; the node did not send it again.
		expect(onfido.simulator.state().applicants).toHaveLength(1);
	});

	it('retries a read that failed with 503 and answers', async () => {
		const applicant = onfido.simulator.seedApplicant();
		onfido.simulator.faults.add({ fault: { kind: 'status', status: 503 }, path: `/v3.6/applicants/${applicant.id}`, method: 'GET' });
		const result = await run([{}], withParameters({ resource: 'applicant', operation: 'get', applicantId: applicant.id, options: {} }));
		expect(first(result)).toMatchObject({ applicantId: applicant.id });
		expect(onfido.simulator.faults.fired.map((f) => f.kind)).toEqual(['status']);
	});
});
