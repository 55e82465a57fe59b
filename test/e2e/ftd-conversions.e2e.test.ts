/**
 * The "Marketing: first-time deposit to Meta and Google Ads" template in real n8n: a consenting
 * client's first completed deposit becomes one Meta Purchase (hashed identifiers, fbc as captured)
 * and one Google Ads click conversion, both keyed ftd:<client id>; a second deposit, a resent
 * webhook (one after another or at once) or a client without consent sends nothing more; a client
 * without a Google click id goes to Meta only; a deposit created pending is reported when it
 * completes; a click Google calls too recent goes to the review queue with an alert.
 */
import { createHash } from 'node:crypto';

import { startSandbox, type Sandbox } from '../../sandbox';
import { SANDBOX_ACTIONS } from '../../sandbox/googleAds/simulator';
import { nodeOutput, startN8n, type ExecutionDetail, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';

const SECRET = 'whsec_e2e_ftd_conversions_0123456789ab';
const HOUR_MS = 3_600_000;

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('FTD conversions template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';

	const crmCall = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${sandbox.crm.url}${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = (await response.json()) as Record<string, unknown>;
		if (!response.ok) throw new Error(`CRM ${method} ${path} answered ${response.status}: ${JSON.stringify(json)}`);
		return json;
	};

	/** A client as the lead form left them: consent as given, one touchpoint per landing. */
	const newClient = async (who: { first: string; last: string; email: string; consent: boolean }, touchpoints: Array<Record<string, unknown>>) => {
		const client = await crmCall('POST', '/api/clients', {
			first_name: who.first,
			last_name: who.last,
			email: who.email,
			phone: '+35799111333',
			country: 'CY',
			marketing_consent: who.consent,
		});
		for (const touchpoint of touchpoints) await crmCall('POST', `/api/clients/${String(client.id)}/touchpoints`, touchpoint);
		return client.id as number;
	};

	/** Every finished execution of the template so far. */
	const finishedCount = async () => (await n8n.api.listExecutions({ workflowId, limit: 250 })).filter((e) => !['new', 'running', 'waiting'].includes(e.status)).length;

	/** The CRM records a completed deposit; resolves with the template's execution for it. */
	const deposit = async (clientId: number, amount: string) => {
		const before = await finishedCount();
		const transaction = await crmCall('POST', '/api/transactions', { client_id: clientId, type: 'deposit', amount, currency: 'USD', status: 'completed', method: 'card', psp: 'praxis' });
		await sandbox.crm.simulator.idle();
		return { transaction, execution: await executionAfter(before) };
	};
	const executionAfter = async (before: number) => {
		const [latest] = await n8n.api.waitForExecutions(workflowId, { count: before + 1, timeoutMs: 60_000 });
		return await n8n.api.getExecution(latest.id);
	};

	const metaEventsFor = (clientId: number) => sandbox.meta.simulator.events.filter((e) => e.event.event_id === `ftd:${clientId}`);
	const googleConversionsFor = (clientId: number) => sandbox.googleAds.simulator.uploadedConversions.filter((c) => c.orderId === `ftd:${clientId}`);
	const notesOf = (clientId: number) => sandbox.crm.simulator.state().notes.filter((n) => n.client_id === clientId).map((n) => n.body);
	const ranNodes = (execution: ExecutionDetail) => Object.keys(execution.data?.resultData.runData ?? {});

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, SECRET);
		const template = loadTemplate('ftd-conversions', wiring);
		// What the admin fills in after import: the Google Ads account and its FTD conversion action.
		const settings = template.nodes.find((node) => node.name === 'Settings')!;
		const assignments = (settings.parameters.assignments as { assignments: Array<{ name: string; value: string }> }).assignments;
		assignments.find((a) => a.name === 'googleAdsCustomerId')!.value = wiring.googleAds.customerId;
		assignments.find((a) => a.name === 'ftdConversionActionId')!.value = SANDBOX_ACTIONS.ftd;
		workflowId = template.id as string;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring), waitForWebhooks: ['crm-deposits'] });
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-deposits'), ['transaction.created', 'transaction.completed'], { secret: SECRET });
	});

	afterEach(async () => {
		// Nothing failed silently: every execution ended well.
		expect(await n8n.api.listExecutions({ workflowId, status: 'error' })).toEqual([]);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	let eleni = 0;
	let eleniDeposit: Record<string, unknown> = {};
	const ELENI_EMAIL = '  Eleni.Ftd@Example.com ';
	const GCLID = 'Cj0KCQiA-FtdE2e_Eleni123';
	const FBC = `fb.1.${Date.now() - 48 * HOUR_MS}.IwAR-ftd_E2e-Eleni`;
	const FBP = `fb.1.${Date.now() - 50 * HOUR_MS}.1116446470`;

	it('sends a consenting client\'s first deposit once to Meta (hashed identifiers, fbc as captured) and once to Google Ads with the gclid', async () => {
		eleni = await newClient({ first: 'Eleni', last: 'Christou', email: ELENI_EMAIL.trim(), consent: true }, [
			{ timeUtc: new Date(Date.now() - 48 * HOUR_MS).toISOString(), channel: 'paid_search', utmSource: 'google', utmMedium: 'cpc', gclid: GCLID, fbclid: 'IwAR-ftd_E2e-Eleni', fbc: FBC, fbp: FBP },
		]);
		sandbox.googleAds.simulator.addClick({ gclid: GCLID, hoursAgo: 48 });

		const { transaction, execution } = await deposit(eleni, '250.00');
		eleniDeposit = transaction;

		expect(execution.status).toBe('success');
		const [purchase] = metaEventsFor(eleni);
		expect(metaEventsFor(eleni)).toHaveLength(1);
		expect(purchase.counted).toBe(true);
		expect(purchase.event).toMatchObject({
			event_name: 'Purchase',
			event_id: `ftd:${eleni}`,
			event_time: Math.floor(Date.parse(transaction.occurred_at as string) / 1000),
			action_source: 'system_generated',
			custom_data: { value: 250, currency: 'USD' },
		});
		const userData = purchase.event.user_data as Record<string, unknown>;
		expect(userData.em).toBe(sha256(ELENI_EMAIL.trim().toLowerCase()));
		expect(userData.fn).toBe(sha256('eleni'));
		expect(userData.country).toBe(sha256('cy'));
		expect(userData.external_id).toBe(sha256(String(eleni)));
		expect(userData.fbc).toBe(FBC);
		expect(userData.fbp).toBe(FBP);

		expect(googleConversionsFor(eleni)).toEqual([
			expect.objectContaining({
				conversionAction: `customers/${sandbox.googleAds.simulator.credentials().customerId}/conversionActions/${SANDBOX_ACTIONS.ftd}`,
				clickKind: 'gclid',
				clickId: GCLID,
				orderId: `ftd:${eleni}`,
				conversionValue: 250,
				currencyCode: 'USD',
				conversionDateTime: new Date(transaction.occurred_at as string).toISOString().replace('T', ' ').slice(0, 19) + '+00:00',
				consent: expect.objectContaining({ adUserData: 'GRANTED' }),
			}),
		]);
		expect(notesOf(eleni)).toContainEqual(
			`FTD sent to Meta (event ftd:${eleni}) and Google Ads (gclid ${GCLID}, order ftd:${eleni}). First deposit ${String(transaction.id)}: 250.00 USD; last touch: paid_search.`,
		);
	});

	it('sends nothing for the client\'s second deposit', async () => {
		const { execution } = await deposit(eleni, '1000.00');

		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'First Deposit?', 1)).toHaveLength(1);
		expect(ranNodes(execution)).not.toContain('Meta Purchase');
		expect(metaEventsFor(eleni)).toHaveLength(1);
		expect(googleConversionsFor(eleni)).toHaveLength(1);
	});

	it('sends nothing more when the CRM delivers the first deposit\'s webhook again', async () => {
		const before = await finishedCount();
		const [delivery] = await sandbox.crm.simulator.sendEvent('transaction.created', eleniDeposit);
		expect(delivery.status).toBe(200);
		const execution = await executionAfter(before);

		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Already Reported')).toEqual([{ reason: `The first-time deposit of client ${eleni} was already reported (ftd:${eleni}); nothing was sent again.` }]);
		// Meta received and counted the purchase once; Google holds one conversion for the order id.
		expect(metaEventsFor(eleni).map((e) => e.counted)).toEqual([true]);
		expect(sandbox.meta.simulator.countedEvents().filter((e) => e.event.event_id === `ftd:${eleni}`)).toHaveLength(1);
		expect(googleConversionsFor(eleni)).toHaveLength(1);
	});

	it('reports a first deposit once when the CRM delivers its event twice at once, and refuses an exact replay', async () => {
		const gclid = 'Cj0KCQiA-FtdE2e_Twice1234';
		const client = await newClient({ first: 'Nikos', last: 'Charalambous', email: 'nikos.ftd@example.com', consent: true }, [
			{ timeUtc: new Date(Date.now() - 40 * HOUR_MS).toISOString(), channel: 'paid_search', gclid },
		]);
		sandbox.googleAds.simulator.addClick({ gclid, hoursAgo: 40 });
		const { transaction } = await deposit(client, '400.00');
		const before = await finishedCount();

		// Two new deliveries (new event ids and signatures), back to back: the trigger answers on receipt, so the runs overlap.
		const resent = await Promise.all([
			sandbox.crm.simulator.sendEvent('transaction.created', transaction),
			sandbox.crm.simulator.sendEvent('transaction.created', transaction),
		]);
		expect(resent.flat().map((d) => d.status)).toEqual([200, 200]);
		await n8n.api.waitForExecutions(workflowId, { count: before + 2, timeoutMs: 60_000 });
		// The exact same signed request again is a replay: the trigger refuses it and nothing runs.
		sandbox.crm.simulator.webhookSenders.crm.addFault({ kind: 'duplicate', copies: 2 });
		const replayed = await sandbox.crm.simulator.sendEvent('transaction.created', transaction);
		expect(replayed.map((d) => d.status)).toEqual([200, 401]);
		await n8n.api.waitForExecutions(workflowId, { count: before + 3, timeoutMs: 60_000 });

		expect(metaEventsFor(client).map((e) => e.counted)).toEqual([true]);
		expect(googleConversionsFor(client)).toHaveLength(1);
		expect(notesOf(client).filter((n) => n.startsWith('FTD sent to Meta'))).toHaveLength(1);
	});

	it('sends nothing for a client without marketing consent, and says so in the execution', async () => {
		const gclid = 'Cj0KCQiA-FtdE2e_NoConsent1';
		const client = await newClient({ first: 'Petros', last: 'Ioannou', email: 'petros.ftd@example.com', consent: false }, [
			{ timeUtc: new Date(Date.now() - 30 * HOUR_MS).toISOString(), channel: 'paid_search', gclid },
		]);
		sandbox.googleAds.simulator.addClick({ gclid, hoursAgo: 30 });

		const { execution } = await deposit(client, '300.00');

		expect(execution.status).toBe('success');
		expect(nodeOutput(execution, 'Nothing Sent')).toEqual([
			{ clientId: String(client), reason: `Client ${client} has not consented to marketing (marketing_consent is false): the first-time deposit was not sent to Meta or Google Ads.` },
		]);
		expect(metaEventsFor(client)).toHaveLength(0);
		expect(sandbox.googleAds.simulator.uploadedConversions.filter((c) => c.clickId === gclid)).toHaveLength(0);
	});

	it('sends a client without any Google click id to Meta only, not an error', async () => {
		const fbc = `fb.1.${Date.now() - 20 * HOUR_MS}.IwAR-ftd_E2e-OnlyMeta`;
		const client = await newClient({ first: 'Sofia', last: 'Andreou', email: 'sofia.ftd@example.com', consent: true }, [
			{ timeUtc: new Date(Date.now() - 20 * HOUR_MS).toISOString(), channel: 'paid_social', utmSource: 'facebook', fbclid: 'IwAR-ftd_E2e-OnlyMeta', fbc },
		]);

		const { transaction, execution } = await deposit(client, '150.00');

		expect(execution.status).toBe('success');
		expect(metaEventsFor(client).map((e) => (e.event.user_data as Record<string, unknown>).fbc)).toEqual([fbc]);
		expect(googleConversionsFor(client)).toHaveLength(0);
		expect(ranNodes(execution)).not.toContain('Google Ads FTD');
		expect(notesOf(client)).toContainEqual(
			`FTD sent to Meta (event ftd:${client}); no Google click id (gclid, gbraid or wbraid) among the touchpoints, so nothing went to Google Ads. First deposit ${String(transaction.id)}: 150.00 USD; last touch: paid_social.`,
		);
	});

	it('waits for a deposit created pending, and reports it when the CRM completes it', async () => {
		const gclid = 'Cj0KCQiA-FtdE2e_Pending12';
		const client = await newClient({ first: 'Maria', last: 'Lambrou', email: 'maria.lambrou.ftd@example.com', consent: true }, [
			{ timeUtc: new Date(Date.now() - 26 * HOUR_MS).toISOString(), channel: 'paid_search', gclid },
		]);
		sandbox.googleAds.simulator.addClick({ gclid, hoursAgo: 26 });
		const created = await finishedCount();
		const pending = await crmCall('POST', '/api/transactions', { client_id: client, type: 'deposit', amount: '200.00', currency: 'EUR', status: 'pending', method: 'card', psp: 'praxis' });
		await sandbox.crm.simulator.idle();
		const whilePending = await executionAfter(created);
		expect(nodeOutput(whilePending, 'Completed Deposit?', 1)).toHaveLength(1);
		expect(metaEventsFor(client)).toHaveLength(0);

		const completed = await finishedCount();
		await crmCall('PATCH', `/api/transactions/${String(pending.id)}`, { status: 'completed' });
		await sandbox.crm.simulator.idle();
		const execution = await executionAfter(completed);

		expect(execution.status).toBe('success');
		expect(metaEventsFor(client).map((e) => e.event.custom_data)).toEqual([{ value: 200, currency: 'EUR' }]);
		expect(googleConversionsFor(client)).toEqual([expect.objectContaining({ clickId: gclid, conversionValue: 200, currencyCode: 'EUR' })]);
	});

	it('puts a click Google calls too recent in the review queue with an alert; Meta still gets the purchase', async () => {
		const gclid = 'Cj0KCQiA-FtdE2e_TooRecent1';
		const client = await newClient({ first: 'Andreas', last: 'Pavlou', email: 'andreas.ftd@example.com', consent: true }, [
			{ timeUtc: new Date(Date.now() - HOUR_MS).toISOString(), channel: 'paid_search', gclid },
		]);
		sandbox.googleAds.simulator.addClick({ gclid, hoursAgo: 1 });
		const alerts = sandbox.alerts.simulator.received().length;

		const { execution } = await deposit(client, '500.00');

		expect(execution.status).toBe('success');
		expect(metaEventsFor(client)).toHaveLength(1);
		expect(googleConversionsFor(client)).toHaveLength(0);
		const queued = nodeOutput(execution, 'Add to Review Queue');
		expect(queued).toEqual([expect.objectContaining({ idempotency_key: `ftd:${client}`, client_id: String(client), amount: '500.00', currency: 'USD', status: 'open' })]);
		expect(queued[0].reason).toMatch(new RegExp(`^Meta has event ftd:${client}; Google Ads: not uploaded yet: TOO_RECENT_EVENT \\(.+\\); upload it again after \\d{4}-\\d{2}-\\d{2}T`));
		const sent = sandbox.alerts.simulator.received().slice(alerts).map((a) => a.text ?? '');
		expect(sent).toEqual([`FTD of client ${client} (500.00 USD) is in the review queue: ${String(queued[0].reason)}`]);
	});
});
