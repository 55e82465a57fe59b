/**
 * The Sumsub simulator behaves like Sumsub: signed requests (±60 s), applicants, multipart
 * document uploads, statuses, SDK tokens, and webhooks signed with X-Payload-Digest. Requests are
 * signed here with node:crypto over the documented concatenation, independently of the node's code.
 */
import { createHmac } from 'node:crypto';

import { SandboxControl, Simulator, startSimulator, type Router, type RunningSimulator } from '../../sandbox/framework';
import { signSumsubRequest, sumsubCall, SumsubSimulator, type SumsubAccount } from '../../sandbox/sumsub';

const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x02, 0x03]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48]);

interface Hook {
	rawBody: string;
	digest: string;
	algorithm: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- webhooks are read field by field
	body: any;
}

/** A brokerage endpoint that records Sumsub webhooks and answers 200. */
class WebhookReceiver extends Simulator {
	readonly name = 'receiver';
	readonly title = 'records Sumsub webhooks';
	received: Hook[] = [];
	routes(router: Router) {
		router.add('POST', '/sumsub', (req) => {
			this.received.push({
				rawBody: req.rawBody.toString('utf8'),
				digest: String(req.headers['x-payload-digest']),
				algorithm: String(req.headers['x-payload-digest-alg']),
				body: req.json(),
			});
			return { status: 200, body: { ok: true } };
		});
	}
	reset() {
		this.received = [];
	}
	state() {
		return this.received;
	}
	credentials() {
		return {};
	}
}

/** A multipart body written by hand, the way curl -F writes it. */
function multipart(boundary: string, metadata: object, file?: { data: Buffer; type: string; name: string }): Buffer {
	const parts: Buffer[] = [Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata)}\r\n`)];
	if (file) {
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="content"; filename="${file.name}"\r\nContent-Type: ${file.type}\r\n\r\n`), file.data, Buffer.from('\r\n'));
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`));
	return Buffer.concat(parts);
}

describe('Sumsub simulator', () => {
	let sumsub: RunningSimulator<SumsubSimulator>;
	let receiver: RunningSimulator<WebhookReceiver>;
	let account: SumsubAccount;
	const sim = () => sumsub.simulator;

	beforeAll(async () => {
		sumsub = await startSimulator(new SumsubSimulator());
		receiver = await startSimulator(new WebhookReceiver());
		const creds = sumsub.simulator.credentials();
		account = { baseUrl: sumsub.url, appToken: creds.app_token, secretKey: creds.secret_key };
	});
	afterAll(async () => {
		await sumsub.simulator.idle();
		await sumsub.close();
		await receiver.close();
	});
	beforeEach(async () => {
		await sim().idle();
		sim().reset();
		sim().faults.clear();
		sim().webhookSenders.sumsub.clear();
		sim().configureWebhook({ url: `${receiver.url}/sumsub`, secret: 'wh-secret', algorithm: 'HMAC_SHA256_HEX' });
		receiver.simulator.reset();
	});

	const createApplicant = async (externalUserId: string, level = 'basic-kyc-level') => {
		const answer = await sumsubCall(account, 'POST', `/resources/applicants?levelName=${level}`, { externalUserId, fixedInfo: { firstName: 'Anna', lastName: 'Demetriou', country: 'CYP' } });
		expect(answer.status).toBe(200);
		return answer.json.id as string;
	};

	const upload = async (applicantId: string, metadata: object, file?: { data: Buffer; type: string; name: string }, headers: Record<string, string> = {}) => {
		const boundary = 'xYzBoundary123';
		return await sumsubCall(account, 'POST', `/resources/applicants/${applicantId}/info/idDoc`, multipart(boundary, metadata, file), {
			contentType: `multipart/form-data; boundary=${boundary}`,
			headers,
		});
	};

	describe('request signing', () => {
		it('accepts a request signed with HMAC-SHA256 over ts + METHOD + path?query + body', async () => {
			const answer = await sumsubCall(account, 'GET', '/resources/applicants/-/levels');
			expect(answer.status).toBe(200);
			expect((answer.json.items as Array<{ name: string }>).map((l) => l.name)).toContain('basic-kyc-level');
		});

		it('refuses a wrong signature with Sumsub\'s error body (401, errorCode 4003)', async () => {
			const ts = Math.floor(Date.now() / 1000);
			const response = await fetch(`${sumsub.url}/resources/applicants/-/levels`, {
				headers: { 'X-App-Token': account.appToken, 'X-App-Access-Ts': String(ts), 'X-App-Access-Sig': createHmac('sha256', 'wrong').update(`${ts}GET/resources/applicants/-/levels`).digest('hex') },
			});
			expect(response.status).toBe(401);
			const body = (await response.json()) as Record<string, unknown>;
			expect(body).toMatchObject({ description: 'Request signature mismatch', code: 401, errorCode: 4003, errorName: 'app-token-signature mismatch' });
			expect(body.correlationId).toMatch(/^req-[0-9a-f-]{36}$/);
		});

		it('signs the query string too: the same signature for another query is refused', async () => {
			const ts = Math.floor(Date.now() / 1000);
			const body = JSON.stringify({ externalUserId: 'q-1' });
			const headers = signSumsubRequest(account, 'POST', '/resources/applicants?levelName=basic-kyc-level', body, ts);
			const refused = await fetch(`${sumsub.url}/resources/applicants?levelName=id-only-level`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
			expect(refused.status).toBe(401);
			const accepted = await fetch(`${sumsub.url}/resources/applicants?levelName=basic-kyc-level`, { method: 'POST', headers: { ...headers, 'Content-Type': 'application/json' }, body });
			expect(accepted.status).toBe(200);
		});

		it('refuses a timestamp 61 s in the past and 61 s in the future, accepts 59 s either way (errorCode 4004)', async () => {
			const now = Math.floor(Date.now() / 1000);
			const status = async (offset: number) => (await sumsubCall(account, 'GET', '/resources/applicants/-/levels', undefined, { timestampSeconds: now + offset })).status;
			expect(await status(-61)).toBe(401);
			expect(await status(61)).toBe(401);
			expect(await status(-59)).toBe(200);
			expect(await status(59)).toBe(200);
			const stale = await sumsubCall(account, 'GET', '/resources/applicants/-/levels', undefined, { timestampSeconds: now - 120 });
			expect(stale.json).toMatchObject({ code: 401, errorCode: 4004 });
		});

		it('follows its own clock, not the host\'s: a server 5 minutes ahead refuses a correct local timestamp', async () => {
			const ahead = await startSimulator(new SumsubSimulator({ now: () => Date.now() + 300_000 }));
			try {
				const answer = await sumsubCall({ ...account, baseUrl: ahead.url }, 'GET', '/resources/applicants/-/levels');
				expect(answer.status).toBe(401);
				expect(answer.json.errorCode).toBe(4004);
			} finally {
				await ahead.close();
			}
		});

		it('refuses missing headers (4006) and an unknown token (4001)', async () => {
			const bare = await fetch(`${sumsub.url}/resources/applicants/-/levels`);
			expect(((await bare.json()) as Record<string, unknown>).errorCode).toBe(4006);
			const other = await sumsubCall({ ...account, appToken: 'sbx:someoneElse.secretpart' }, 'GET', '/resources/applicants/-/levels');
			expect(other.json).toMatchObject({ code: 401, errorCode: 4001 });
		});
	});

	describe('applicants', () => {
		it('creates an applicant in init with its level and sends applicantCreated', async () => {
			const id = await createApplicant('CRM-1');
			expect(id).toMatch(/^[0-9a-f]{24}$/);
			await sim().idle();
			const one = await sumsubCall(account, 'GET', `/resources/applicants/${id}/one`);
			expect(one.json).toMatchObject({ id, externalUserId: 'CRM-1', review: { levelName: 'basic-kyc-level', reviewStatus: 'init' }, type: 'individual' });
			expect(receiver.simulator.received.map((h) => h.body.type)).toEqual(['applicantCreated']);
		});

		it('answers 409 for a second applicant with the same externalUserId, naming the existing one', async () => {
			const id = await createApplicant('CRM-2');
			const again = await sumsubCall(account, 'POST', '/resources/applicants?levelName=basic-kyc-level', { externalUserId: 'CRM-2' });
			expect(again.status).toBe(409);
			expect(again.json).toMatchObject({ code: 409, description: `Applicant with external user id 'CRM-2' already exists: ${id}` });
		});

		it('finds an applicant by externalUserId and answers 404 for an unknown one', async () => {
			const id = await createApplicant('CRM 3/x');
			const found = await sumsubCall(account, 'GET', `/resources/applicants/-;externalUserId=${encodeURIComponent('CRM 3/x')}/one`);
			expect(found.json.id).toBe(id);
			const missing = await sumsubCall(account, 'GET', '/resources/applicants/-;externalUserId=nobody/one');
			expect(missing.status).toBe(404);
			expect(missing.json).toMatchObject({ code: 404, description: 'Applicant not found' });
		});

		it('refuses an unknown level (404) and a missing externalUserId (400)', async () => {
			expect((await sumsubCall(account, 'POST', '/resources/applicants?levelName=nope', { externalUserId: 'x' })).status).toBe(404);
			expect((await sumsubCall(account, 'POST', '/resources/applicants?levelName=basic-kyc-level', {})).status).toBe(400);
		});
	});

	describe('documents', () => {
		it('takes a signed multipart upload, answers X-Image-Id and the merged metadata with warnings on request', async () => {
			const id = await createApplicant('CRM-10');
			const answer = await upload(id, { idDocType: 'PASSPORT', country: 'GBR', validUntil: '2031-05-01' }, { data: JPEG, type: 'image/jpeg', name: 'passport.jpg' }, { 'X-Return-Doc-Warnings': 'true' });
			expect(answer.status).toBe(200);
			expect(answer.headers.get('x-image-id')).toMatch(/^\d+$/);
			expect(answer.json).toEqual({ idDocType: 'PASSPORT', country: 'GBR', validUntil: '2031-05-01', errors: [], warnings: [] });
			const stored = sim().applicant(id).documents[0];
			expect(stored).toMatchObject({ fileName: 'passport.jpg', mimeType: 'image/jpeg', sizeBytes: JPEG.length, active: true });
		});

		it('refuses a multipart body changed after signing (the signature covers boundaries and bytes)', async () => {
			const id = await createApplicant('CRM-11');
			const path = `/resources/applicants/${id}/info/idDoc`;
			const body = multipart('b1', { idDocType: 'PASSPORT', country: 'GBR' }, { data: JPEG, type: 'image/jpeg', name: 'p.jpg' });
			const headers = signSumsubRequest(account, 'POST', path, body);
			const tampered = Buffer.from(body);
			tampered[tampered.length - 10] ^= 1;
			const refused = await fetch(`${sumsub.url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'multipart/form-data; boundary=b1' }, body: tampered });
			expect(refused.status).toBe(401);
			const accepted = await fetch(`${sumsub.url}${path}`, { method: 'POST', headers: { ...headers, 'Content-Type': 'multipart/form-data; boundary=b1' }, body });
			expect(accepted.status).toBe(200);
		});

		it('refuses the same image twice (409, 1000 duplicate-document), an empty file (1003) and a corrupted one (1004)', async () => {
			const id = await createApplicant('CRM-12');
			expect((await upload(id, { idDocType: 'PASSPORT', country: 'GBR' }, { data: JPEG, type: 'image/jpeg', name: 'a.jpg' })).status).toBe(200);
			const duplicate = await upload(id, { idDocType: 'PASSPORT', country: 'GBR' }, { data: JPEG, type: 'image/jpeg', name: 'b.jpg' });
			expect(duplicate.status).toBe(409);
			expect(duplicate.json).toMatchObject({ errorCode: 1000, errorName: 'duplicate-document' });
			expect((await upload(id, { idDocType: 'PASSPORT', country: 'GBR' }, { data: Buffer.alloc(0), type: 'image/jpeg', name: 'c.jpg' })).json.errorCode).toBe(1003);
			expect((await upload(id, { idDocType: 'PASSPORT', country: 'GBR' }, { data: PNG, type: 'image/jpeg', name: 'd.jpg' })).json.errorCode).toBe(1004);
		});

		it('refuses an alpha-2 country and a document type the level does not ask for', async () => {
			const id = await createApplicant('CRM-13', 'id-only-level');
			expect((await upload(id, { idDocType: 'PASSPORT', country: 'GB' }, { data: JPEG, type: 'image/jpeg', name: 'a.jpg' })).status).toBe(400);
			const selfie = await upload(id, { idDocType: 'SELFIE', country: 'GBR' }, { data: PNG, type: 'image/png', name: 's.png' });
			expect(selfie.json).toMatchObject({ code: 400, errorCode: 1010 });
		});

		it('reports an expired document as an error and marks the image inactive', async () => {
			const id = await createApplicant('CRM-14');
			const answer = await upload(id, { idDocType: 'ID_CARD', country: 'DEU', validUntil: '2001-01-01', idDocSubType: 'FRONT_SIDE' }, { data: JPEG, type: 'image/jpeg', name: 'front.jpg' }, { 'X-Return-Doc-Warnings': 'true' });
			expect(answer.json.errors).toEqual(['documentExpired']);
			expect(sim().applicant(id).documents[0].active).toBe(false);
		});
	});

	describe('review lifecycle', () => {
		const submitted = async (externalUserId: string) => {
			const id = await createApplicant(externalUserId);
			await upload(id, { idDocType: 'PASSPORT', country: 'GBR', validUntil: '2030-01-31' }, { data: JPEG, type: 'image/jpeg', name: 'p.jpg' });
			await upload(id, { idDocType: 'SELFIE', country: 'GBR' }, { data: PNG, type: 'image/png', name: 's.png' });
			return id;
		};

		it('refuses a check while a required step is missing, then moves to pending and sends applicantPending', async () => {
			const id = await createApplicant('CRM-20');
			await upload(id, { idDocType: 'PASSPORT', country: 'GBR' }, { data: JPEG, type: 'image/jpeg', name: 'p.jpg' });
			const early = await sumsubCall(account, 'POST', `/resources/applicants/${id}/status/pending`);
			expect(early.status).toBe(400);
			expect(early.json.description).toContain('SELFIE');
			const required = await sumsubCall(account, 'GET', `/resources/applicants/${id}/requiredIdDocsStatus`);
			expect(required.json).toMatchObject({ IDENTITY: { idDocType: 'PASSPORT', country: 'GBR' }, SELFIE: null });
			await upload(id, { idDocType: 'SELFIE', country: 'GBR' }, { data: PNG, type: 'image/png', name: 's.png' });
			expect((await sumsubCall(account, 'POST', `/resources/applicants/${id}/status/pending?reason=crm`)).json).toEqual({ ok: 1 });
			expect((await sumsubCall(account, 'GET', `/resources/applicants/${id}/status`)).json.reviewStatus).toBe('pending');
			const again = await sumsubCall(account, 'POST', `/resources/applicants/${id}/status/pending`);
			expect(again.status).toBe(409);
			await sim().idle();
			expect(receiver.simulator.received.map((h) => h.body.type)).toEqual(['applicantCreated', 'applicantPending']);
		});

		it('simulates a RED RETRY review on the sandbox and reports it in the status and the webhook', async () => {
			const id = await submitted('CRM-21');
			await sumsubCall(account, 'POST', `/resources/applicants/${id}/status/pending`);
			const set = await sumsubCall(account, 'POST', `/resources/applicants/${id}/status/testCompleted`, {
				reviewAnswer: 'RED',
				rejectLabels: ['UNSATISFACTORY_PHOTOS'],
				reviewRejectType: 'RETRY',
				moderationComment: 'Please upload a sharper photo',
				clientComment: 'blurry',
			});
			expect(set.json).toEqual({ ok: 1 });
			const status = await sumsubCall(account, 'GET', `/resources/applicants/${id}/status`);
			expect(status.json).toMatchObject({ reviewStatus: 'completed', reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'RETRY', rejectLabels: ['UNSATISFACTORY_PHOTOS'] } });
			await sim().idle();
			const reviewed = receiver.simulator.received.find((h) => h.body.type === 'applicantReviewed');
			expect(reviewed?.body).toMatchObject({ applicantId: id, externalUserId: 'CRM-21', reviewStatus: 'completed', reviewResult: { reviewAnswer: 'RED', reviewRejectType: 'RETRY' }, sandboxMode: true });
		});

		it('refuses testCompleted with a production token (sandbox only)', async () => {
			const prod = await startSimulator(new SumsubSimulator({ appToken: 'prd:liveApp.privatePart' }));
			try {
				const prodAccount = { ...account, baseUrl: prod.url, appToken: 'prd:liveApp.privatePart' };
				const created = await sumsubCall(prodAccount, 'POST', '/resources/applicants?levelName=id-only-level', { externalUserId: 'P-1' });
				prod.simulator.addVerifiedDocument(created.json.id as string, { idDocType: 'PASSPORT', country: 'GBR' });
				await sumsubCall(prodAccount, 'POST', `/resources/applicants/${created.json.id}/status/pending`);
				const refused = await sumsubCall(prodAccount, 'POST', `/resources/applicants/${created.json.id}/status/testCompleted`, { reviewAnswer: 'GREEN' });
				expect(refused.status).toBe(403);
			} finally {
				await prod.simulator.idle();
				await prod.close();
			}
		});

		it('resets an applicant to init, deactivating its documents; a FINAL rejection blocks new uploads', async () => {
			const id = await submitted('CRM-22');
			await sim().completeReview(id, { reviewAnswer: 'GREEN' });
			expect((await sumsubCall(account, 'POST', `/resources/applicants/${id}/reset`)).json).toEqual({ ok: 1 });
			expect(sim().applicant(id).review.reviewStatus).toBe('init');
			expect(sim().applicant(id).documents.every((d) => !d.active)).toBe(true);
			await sim().completeReview(id, { reviewAnswer: 'RED', rejectType: 'FINAL', labels: ['FORGERY'] });
			const blocked = await upload(id, { idDocType: 'PASSPORT', country: 'GBR' }, { data: Buffer.concat([JPEG, Buffer.from('x')]), type: 'image/jpeg', name: 'p2.jpg' });
			expect(blocked.json).toMatchObject({ code: 409, errorCode: 1009 });
		});

		it('issues SDK access tokens and WebSDK links for a client ID', async () => {
			const token = await sumsubCall(account, 'POST', '/resources/accessTokens/sdk', { userId: 'CRM-23', levelName: 'basic-kyc-level', ttlInSecs: 600 });
			expect(token.json).toMatchObject({ userId: 'CRM-23' });
			expect(token.json.token).toMatch(/^_act-sbx-/);
			const link = await sumsubCall(account, 'POST', '/resources/sdkIntegrations/levels/basic-kyc-level/websdkLink?externalUserId=CRM-23&ttlInSecs=1800&lang=en');
			expect(link.json.url).toMatch(new RegExp(`^${sumsub.url}/idensic/l/#/`));
		});

		it('keeps AML screening as an AML case: a PEP hit gives a RED review labelled PEP', async () => {
			const id = await submitted('CRM-24');
			await sim().completeReview(id, { reviewAnswer: 'RED', rejectType: 'FINAL', aml: { pep: true } });
			expect(sim().applicant(id).review.reviewResult).toMatchObject({ rejectLabels: ['PEP'], reviewRejectType: 'FINAL' });
			const aml = await sumsubCall(account, 'GET', `/resources/api/applicants/${id}/amlCase`);
			expect(aml.json).toMatchObject({ targetEntityId: id, review: { answer: 'RED' }, riskLabels: ['PEP'] });
			const other = await createApplicant('CRM-25');
			expect((await sumsubCall(account, 'GET', `/resources/api/applicants/${other}/amlCase`)).status).toBe(404);
		});

		it('reports documents read from the image with alpha-3 country and expiry in info.idDocs', async () => {
			const id = await createApplicant('CRM-26');
			sim().addVerifiedDocument(id, { idDocType: 'PASSPORT', country: 'CYP', validUntil: '2027-03-15' });
			const one = await sumsubCall(account, 'GET', `/resources/applicants/${id}/one`);
			expect((one.json.info as Record<string, unknown>).idDocs).toEqual([{ idDocType: 'PASSPORT', country: 'CYP', validUntil: '2027-03-15' }]);
		});
	});

	describe('webhooks', () => {
		const expectDigest = (hook: Hook, algorithm: 'sha1' | 'sha256' | 'sha512', secret = 'wh-secret') =>
			expect(hook.digest).toBe(createHmac(algorithm, secret).update(hook.rawBody).digest('hex'));

		it.each([
			['HMAC_SHA1_HEX', 'sha1'],
			['HMAC_SHA256_HEX', 'sha256'],
			['HMAC_SHA512_HEX', 'sha512'],
		] as const)('signs the raw body with %s and names it in X-Payload-Digest-Alg', async (name, algorithm) => {
			sim().configureWebhook({ algorithm: name });
			await createApplicant(`CRM-${name}`);
			await sim().idle();
			const hook = receiver.simulator.received[0];
			expect(hook.algorithm).toBe(name);
			expectDigest(hook, algorithm);
		});

		it('sends the payload at top level with createdAt and createdAtMs in Sumsub\'s formats', async () => {
			const id = await createApplicant('CRM-30');
			await sim().completeReview(id, { reviewAnswer: 'GREEN' });
			const body = receiver.simulator.received[1].body;
			expect(body).toMatchObject({ applicantId: id, type: 'applicantReviewed', reviewResult: { reviewAnswer: 'GREEN' }, reviewStatus: 'completed', levelName: 'basic-kyc-level', clientId: 'n8n-brokerage-sandbox' });
			expect(body.createdAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\+0000$/);
			expect(body.createdAtMs).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$/);
			expect(body.data).toBeUndefined();
		});

		it('applies delivery faults: forged digest, duplicate, out of order and stale', async () => {
			const sender = sim().webhookSenders.sumsub;
			sender.addFault({ kind: 'badSignature' });
			const id = await createApplicant('CRM-31');
			await sim().idle();
			expect(receiver.simulator.received[0].digest).not.toBe(createHmac('sha256', 'wh-secret').update(receiver.simulator.received[0].rawBody).digest('hex'));

			sender.addFault({ kind: 'duplicate', copies: 2 });
			await sim().sendEvent(id, 'applicantPersonalInfoChanged');
			expect(receiver.simulator.received.slice(1).map((h) => h.rawBody)).toEqual([receiver.simulator.received[1].rawBody, receiver.simulator.received[1].rawBody]);

			receiver.simulator.reset();
			sender.addFault({ kind: 'outOfOrder', count: 2 });
			void sim().putOnHold(id);
			await sim().completeReview(id, { reviewAnswer: 'GREEN' });
			await sim().idle();
			expect(receiver.simulator.received.map((h) => h.body.type)).toEqual(['applicantReviewed', 'applicantOnHold']);

			receiver.simulator.reset();
			sender.addFault({ kind: 'staleTimestamp', ageSeconds: 7200 });
			await sim().sendEvent(id, 'applicantTagsChanged');
			const ms = Date.parse(`${String(receiver.simulator.received[0].body.createdAtMs).replace(' ', 'T')}Z`);
			expect(Date.now() - ms).toBeGreaterThan(7_100_000);
			expectDigest(receiver.simulator.received[0], 'sha256');
		});

		it('is driven from another process through /_sandbox/sumsub and the control API', async () => {
			const control = new SandboxControl(sumsub.url);
			const id = await createApplicant('CRM-32');
			const review = await fetch(`${sumsub.url}/_sandbox/sumsub/applicants/${id}/review`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ reviewAnswer: 'RED', rejectType: 'RETRY', labels: ['DOCUMENT_PAGE_MISSING'] }),
			});
			expect(review.status).toBe(200);
			const deliveries = await control.deliveries('sumsub');
			expect(deliveries.map((d) => d.status)).toEqual([200, 200]);
		});
	});

	describe('faults', () => {
		it('answers injected 503 and 429 with Retry-After before handling the request', async () => {
			sim().faults.add({ fault: { kind: 'status', status: 503 }, path: '/resources/applicants' });
			const failed = await sumsubCall(account, 'POST', '/resources/applicants?levelName=basic-kyc-level', { externalUserId: 'F-1' });
			expect(failed.status).toBe(503);
			expect(sim().applicantByExternalId('F-1')).toBeUndefined();
			sim().faults.add({ fault: { kind: 'rateLimit', retryAfterSeconds: 3 }, path: '/resources/applicants/-/levels' });
			const limited = await sumsubCall(account, 'GET', '/resources/applicants/-/levels');
			expect(limited.status).toBe(429);
			expect(limited.headers.get('retry-after')).toBe('3');
		});

		it('applies a create whose answer is lost (timeoutAfterCommit)', async () => {
			sim().faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/resources/applicants' });
			await expect(sumsubCall(account, 'POST', '/resources/applicants?levelName=basic-kyc-level', { externalUserId: 'F-2' })).rejects.toThrow();
			expect(sim().applicantByExternalId('F-2')).toBeDefined();
		});
	});
});
