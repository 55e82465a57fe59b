/**
 * The Onfido simulator over real HTTP: token auth, Onfido's error JSON, applicants, multipart
 * document upload, workflow runs, checks with reports, SDK tokens and signed webhooks with the
 * framework's delivery faults.
 */
import { createHash, createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { OnfidoSimulator, SANDBOX_WORKFLOW_ID } from '../../sandbox/onfido';

const TOKEN = 'api_sandbox.onfido_7Hq2xLw9';
const WEBHOOK_TOKEN = 'onfido_webhook_token_3Jd8sPq1';
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

interface Received {
	headers: Record<string, string | string[] | undefined>;
	body: string;
}

describe('Onfido simulator', () => {
	let onfido: RunningSimulator<OnfidoSimulator>;
	let receiver: Server;
	let receiverUrl: string;
	let received: Received[] = [];
	let answer = 200;

	const api = async (method: string, path: string, body?: unknown, token = TOKEN) => {
		const response = await fetch(`${onfido.url}/v3.6${path}`, {
			method,
			headers: { authorization: `Token token=${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		return { status: response.status, headers: response.headers, json: (text ? JSON.parse(text) : undefined) as Record<string, any> };
	};
	const upload = async (applicantId: string, fields: Record<string, string> = {}, file: Buffer = PNG) => {
		const form = new FormData();
		form.set('applicant_id', applicantId);
		form.set('type', fields.type ?? 'passport');
		if (fields.issuing_country) form.set('issuing_country', fields.issuing_country);
		if (fields.side) form.set('side', fields.side);
		form.set('file', new Blob([new Uint8Array(file)], { type: 'image/png' }), 'passport.png');
		const response = await fetch(`${onfido.url}/v3.6/documents`, { method: 'POST', headers: { authorization: `Token token=${TOKEN}` }, body: form });
		return { status: response.status, json: (await response.json()) as Record<string, any> };
	};
	const newApplicant = async () => (await api('POST', '/applicants', { first_name: 'Jane', last_name: 'Doe', email: 'jane@example.com' })).json;

	beforeAll(async () => {
		onfido = await startSimulator(new OnfidoSimulator());
		receiver = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (c: Buffer) => chunks.push(c));
			req.on('end', () => {
				received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.statusCode = answer;
				res.end('{}');
			});
		});
		await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
		receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
	});
	afterAll(async () => {
		await onfido.simulator.idle();
		await onfido.close();
		await new Promise((resolve) => receiver.close(resolve));
	});
	beforeEach(async () => {
		await onfido.simulator.idle();
		onfido.simulator.reset();
		received = [];
		answer = 200;
	});

	describe('authentication', () => {
		it('refuses a wrong token with 401 and Onfido\'s error JSON', async () => {
			const answer401 = await api('GET', '/applicants', undefined, 'api_sandbox.wrong');
			expect(answer401.status).toBe(401);
			expect(answer401.json).toEqual({ error: { type: 'authorization_error', message: expect.any(String), fields: {} } });
		});

		it('refuses a Bearer header: Onfido wants "Token token=…"', async () => {
			const response = await fetch(`${onfido.url}/v3.6/applicants`, { headers: { authorization: `Bearer ${TOKEN}` } });
			expect(response.status).toBe(401);
		});

		it('serves only under /v3.6', async () => {
			const response = await fetch(`${onfido.url}/v3.5/applicants`, { headers: { authorization: `Token token=${TOKEN}` } });
			expect(response.status).toBe(404);
		});
	});

	describe('applicants', () => {
		it('creates an applicant with a location in alpha-3 and reads it back', async () => {
			const created = await api('POST', '/applicants', { first_name: 'Jane', last_name: 'Doe', dob: '1990-04-01', location: { country_of_residence: 'CYP', ip_address: '10.0.0.1' } });
			expect(created.status).toBe(201);
			expect(created.json).toMatchObject({ first_name: 'Jane', dob: '1990-04-01', location: { country_of_residence: 'CYP' }, delete_at: null });
			const read = await api('GET', `/applicants/${created.json.id}`);
			expect(read.json.id).toBe(created.json.id);
		});

		it('answers 422 validation_error naming each missing field', async () => {
			const refused = await api('POST', '/applicants', { email: 'not-an-email' });
			expect(refused.status).toBe(422);
			expect(refused.json.error.type).toBe('validation_error');
			expect(Object.keys(refused.json.error.fields).sort()).toEqual(['email', 'first_name', 'last_name']);
		});

		it('refuses a two-letter country of residence', async () => {
			const refused = await api('POST', '/applicants', { first_name: 'A', last_name: 'B', location: { country_of_residence: 'CY' } });
			expect(refused.json.error.fields).toHaveProperty(['location.country_of_residence']);
		});

		it('updates only the fields sent', async () => {
			const applicant = await newApplicant();
			const updated = await api('PUT', `/applicants/${applicant.id}`, { last_name: 'Smith' });
			expect(updated.json).toMatchObject({ first_name: 'Jane', last_name: 'Smith', email: 'jane@example.com' });
		});

		it('hides a deleted applicant until it is restored', async () => {
			const applicant = await newApplicant();
			expect((await api('DELETE', `/applicants/${applicant.id}`)).status).toBe(204);
			expect((await api('GET', `/applicants/${applicant.id}`)).json.error.type).toBe('resource_not_found');
			expect((await api('GET', '/applicants?include_deleted=true')).json.applicants[0].delete_at).toEqual(expect.any(String));
			expect((await api('POST', `/applicants/${applicant.id}/restore`)).status).toBe(204);
			expect((await api('GET', `/applicants/${applicant.id}`)).status).toBe(200);
		});

		it('pages the list newest first with Link and X-Total-Count', async () => {
			for (let i = 0; i < 3; i++) await api('POST', '/applicants', { first_name: `N${i}`, last_name: 'Doe' });
			const first = await api('GET', '/applicants?page=1&per_page=2');
			expect(first.json.applicants.map((a: { first_name: string }) => a.first_name)).toEqual(['N2', 'N1']);
			expect(first.headers.get('x-total-count')).toBe('3');
			expect(first.headers.get('link')).toContain('page=2&per_page=2>; rel="next"');
			const second = await api('GET', '/applicants?page=2&per_page=2');
			expect(second.json.applicants).toHaveLength(1);
			expect(second.headers.get('link')).not.toContain('rel="next"');
		});
	});

	describe('documents', () => {
		it('takes a multipart upload and keeps the exact file', async () => {
			const applicant = await newApplicant();
			const uploaded = await upload(applicant.id, { issuing_country: 'GBR', side: 'front' });
			expect(uploaded.status).toBe(201);
			expect(uploaded.json).toMatchObject({ applicant_id: applicant.id, type: 'passport', side: 'front', issuing_country: 'GBR', file_type: 'png', file_size: PNG.length, file_name: 'passport.png' });
			expect(onfido.simulator.state().documents[0].sha256).toBe(createHash('sha256').update(PNG).digest('hex'));
		});

		it('refuses a file that is not JPG, PNG or PDF', async () => {
			const applicant = await newApplicant();
			const refused = await upload(applicant.id, {}, Buffer.from('plain text, not an image'));
			expect(refused.status).toBe(422);
			expect(refused.json.error.fields.file[0]).toContain('not a supported file type');
		});

		it('refuses an unknown document type and an alpha-2 issuing country', async () => {
			const applicant = await newApplicant();
			const refused = await upload(applicant.id, { type: 'library_card', issuing_country: 'GB' });
			expect(Object.keys(refused.json.error.fields).sort()).toEqual(['issuing_country', 'type']);
		});

		it('refuses a JSON body: documents are multipart', async () => {
			const applicant = await newApplicant();
			const refused = await api('POST', '/documents', { applicant_id: applicant.id, type: 'passport' });
			expect(refused.status).toBe(422);
		});
	});

	describe('workflow runs', () => {
		it('starts a run in processing with the client id, an SDK token and a link', async () => {
			const applicant = await newApplicant();
			const run = await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id, customer_user_id: 'crm-1001' });
			expect(run.status).toBe(201);
			expect(run.json).toMatchObject({ status: 'processing', customer_user_id: 'crm-1001', applicant_id: applicant.id, output: null });
			expect(run.json.sdk_token.split('.')).toHaveLength(3);
			expect(run.json.link.url).toMatch(/^https:\/\//);
		});

		it('refuses an unknown workflow', async () => {
			const applicant = await newApplicant();
			const refused = await api('POST', '/workflow_runs', { workflow_id: 'no-such-workflow', applicant_id: applicant.id });
			expect(refused.json.error.fields.workflow_id).toEqual(['does not match an active workflow']);
		});

		it('completes approved with a document report and a watchlist report in its output, and signs the webhook', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl);
			const applicant = await newApplicant();
			const run = (await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id })).json;
			await onfido.simulator.completeWorkflowRun(run.id, 'approved', { documentExpiry: '2030-02-01', pep: true });

			const read = (await api('GET', `/workflow_runs/${run.id}`)).json;
			expect(read.status).toBe('approved');
			expect(read.output.doc.properties.date_of_expiry).toBe('2030-02-01');
			expect(read.output.watchlist.breakdown.politically_exposed_person.result).toBe('consider');

			expect(received).toHaveLength(1);
			const signature = createHmac('sha256', WEBHOOK_TOKEN).update(received[0].body).digest('hex');
			expect(received[0].headers['x-sha2-signature']).toBe(signature);
			const payload = JSON.parse(received[0].body).payload;
			expect(payload).toMatchObject({ resource_type: 'workflow_run', action: 'workflow_run.completed', object: { id: run.id, status: 'approved' }, resource: { applicant_id: applicant.id } });
			expect(payload.object.completed_at_iso8601).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
			expect(payload.object.href).toBe(`${onfido.url}/v3.6/workflow_runs/${run.id}`);
		});

		it('marks an expired document in data_validation.document_expiration', async () => {
			const applicant = await newApplicant();
			const run = (await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id })).json;
			await onfido.simulator.completeWorkflowRun(run.id, 'declined', { documentExpiry: '2020-01-01' });
			const doc = (await api('GET', `/workflow_runs/${run.id}`)).json.output.doc;
			expect(doc).toMatchObject({ sub_result: 'caution', breakdown: { data_validation: { breakdown: { document_expiration: { result: 'consider' } } } } });
		});
	});

	describe('checks and reports', () => {
		const startCheck = async (reportNames = ['document', 'watchlist_standard']) => {
			const applicant = await newApplicant();
			await upload(applicant.id, { issuing_country: 'DEU' });
			return (await api('POST', '/checks', { applicant_id: applicant.id, report_names: reportNames, tags: ['client:crm-7'] })).json;
		};

		it('starts in_progress with one report per name, awaiting data', async () => {
			const check = await startCheck();
			expect(check).toMatchObject({ status: 'in_progress', result: null, tags: ['client:crm-7'] });
			const reports = (await api('GET', `/reports?check_id=${check.id}`)).json.reports;
			expect(reports.map((r: { name: string; status: string }) => [r.name, r.status])).toEqual([
				['document', 'awaiting_data'],
				['watchlist_standard', 'awaiting_data'],
			]);
		});

		it('refuses a document report when the applicant has no document', async () => {
			const applicant = await newApplicant();
			const refused = await api('POST', '/checks', { applicant_id: applicant.id, report_names: ['document'] });
			expect(refused.status).toBe(422);
			expect(refused.json.error.fields).toHaveProperty('document_ids');
		});

		it('completes clear', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl);
			const check = await startCheck();
			await onfido.simulator.completeCheck(check.id, 'clear');
			expect((await api('GET', `/checks/${check.id}`)).json).toMatchObject({ status: 'complete', result: 'clear' });
			const reports = (await api('GET', `/reports?check_id=${check.id}`)).json.reports;
			expect(reports[0]).toMatchObject({ status: 'complete', result: 'clear', sub_result: 'clear', properties: { issuing_country: 'DEU' } });
			expect(JSON.parse(received[0].body).payload).toMatchObject({ resource_type: 'check', action: 'check.completed', object: { id: check.id, status: 'complete' } });
		});

		it('completes consider with a sanctions hit in the watchlist report', async () => {
			const check = await startCheck();
			await onfido.simulator.completeCheck(check.id, 'consider', { sanctions: true });
			const reports = (await api('GET', `/reports?check_id=${check.id}`)).json.reports;
			expect(reports[0].result).toBe('clear');
			expect(reports[1]).toMatchObject({ result: 'consider', breakdown: { sanction: { result: 'consider' }, politically_exposed_person: { result: 'clear' } } });
			expect((await api('GET', `/checks/${check.id}`)).json.result).toBe('consider');
		});

		it('completes consider with a suspected document', async () => {
			const check = await startCheck(['document']);
			await onfido.simulator.completeCheck(check.id, 'consider', { subResult: 'suspected' });
			const [report] = (await api('GET', `/reports?check_id=${check.id}`)).json.reports;
			expect(report).toMatchObject({ result: 'consider', sub_result: 'suspected', breakdown: { visual_authenticity: { result: 'consider' } } });
		});
	});

	it('issues an SDK token for an applicant', async () => {
		const applicant = await newApplicant();
		const answer200 = await api('POST', '/sdk_token', { applicant_id: applicant.id, referrer: 'https://*.example.com/*' });
		expect(answer200.status).toBe(200);
		expect(answer200.json.token.split('.')).toHaveLength(3);
		expect(onfido.simulator.state().sdkTokens).toContainEqual(expect.objectContaining({ applicant_id: applicant.id, referrer: 'https://*.example.com/*' }));
	});

	describe('webhook delivery faults', () => {
		const completedRun = async () => {
			const applicant = await newApplicant();
			const run = (await api('POST', '/workflow_runs', { workflow_id: SANDBOX_WORKFLOW_ID, applicant_id: applicant.id })).json;
			return run.id as string;
		};

		it('signs a forged delivery with another token', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl);
			onfido.simulator.webhookSenders.onfido.addFault({ kind: 'badSignature' });
			await onfido.simulator.completeWorkflowRun(await completedRun(), 'approved');
			const expected = createHmac('sha256', WEBHOOK_TOKEN).update(received[0].body).digest('hex');
			expect(received[0].headers['x-sha2-signature']).not.toBe(expected);
			expect(onfido.simulator.deliveries[0].forged).toBe(true);
		});

		it('delivers a duplicate as the same bytes and signature', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl);
			onfido.simulator.webhookSenders.onfido.addFault({ kind: 'duplicate', copies: 2 });
			await onfido.simulator.completeWorkflowRun(await completedRun(), 'approved');
			expect(received).toHaveLength(2);
			expect(received[1].body).toBe(received[0].body);
			expect(received[1].headers['x-sha2-signature']).toBe(received[0].headers['x-sha2-signature']);
		});

		it('delivers held events in reverse order', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl);
			onfido.simulator.webhookSenders.onfido.addFault({ kind: 'outOfOrder', count: 2 });
			const first = await completedRun();
			const second = await completedRun();
			await onfido.simulator.completeWorkflowRun(first, 'review');
			await onfido.simulator.completeWorkflowRun(second, 'approved');
			expect(received.map((r) => JSON.parse(r.body).payload.object.id)).toEqual([second, first]);
		});

		it('records the receiver\'s answer and resends an event byte for byte', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl);
			answer = 500;
			await onfido.simulator.completeWorkflowRun(await completedRun(), 'approved');
			expect(onfido.simulator.webhookLog[0].deliveries.map((d) => d.status)).toEqual([500]);
			answer = 200;
			await onfido.simulator.resend(onfido.simulator.webhookLog[0].eventId);
			expect(received[1].body).toBe(received[0].body);
			expect(onfido.simulator.webhookLog[0].deliveries.map((d) => d.status)).toEqual([500, 200]);
		});

		it('sends only the events a webhook subscribed to', async () => {
			onfido.simulator.setWebhookUrl(receiverUrl, ['check.completed']);
			await onfido.simulator.completeWorkflowRun(await completedRun(), 'approved');
			expect(received).toHaveLength(0);
		});
	});

	it('answers an injected 503 through the framework before handling', async () => {
		onfido.simulator.faults.add({ fault: { kind: 'status', status: 503 }, path: '/v3.6/applicants', method: 'POST' });
		expect((await api('POST', '/applicants', { first_name: 'A', last_name: 'B' })).status).toBe(503);
		expect(onfido.simulator.state().applicants).toHaveLength(0);
	});
});
