/**
 * `npm run demo`: the sandbox vendors and real n8n with the pack, every shipped template imported
 * and active with sandbox credentials, then a scripted brokerage day through the templates, and a
 * short summary of what happened. n8n stays up afterwards for exploring the editor (Ctrl-C stops
 * everything); `npm run demo -- --once` exits after the summary (CI runs it that way).
 */
import { describeSandbox, startSandbox, type Sandbox } from '../sandbox';
import type { Delivery } from '../sandbox/framework';
import { openPraxisDeposit, openPraxisWithdrawal } from '../sandbox/praxis';
import { decide, resumeUrlIn } from '../test/e2e/approvals';
import { startN8n, type N8nInstance } from '../test/e2e/n8n';
import { nextAlert as nextAlertAfter } from '../test/e2e/support';
import type { E2eWorkflow } from '../test/e2e/n8n';
import { loadTemplate, OPS_DASHBOARD_PASSWORD, OPS_RUN_KEY, sandboxCredentials, sandboxWiring, templateNames, WEBSITE_FORM_KEY } from '../test/e2e/templates';

const CRM_WEBHOOK_SECRET = 'whsec_demo_crm_5d1c9a0b7e3f4a2c8b6d';
const once = process.argv.includes('--once');

interface DayStep {
	time: string;
	what: string;
	outcome: string;
}

async function crmApi(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
	const response = await fetch(`${sandbox.crm.url}${path}`, {
		method,
		headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return { status: response.status, json: (await response.json()) as Record<string, unknown> };
}

function describeDelivery(delivery: Delivery | undefined): string {
	if (!delivery) return 'no delivery';
	if (delivery.status !== 200) return `n8n answered ${delivery.status} ${delivery.responseBody}`;
	const answer = JSON.parse(delivery.responseBody || '{}') as Record<string, unknown>;
	if (answer.clientId) return `mapped to canonical client ${answer.clientId} (${answer.email}, ${answer.country})`;
	return 'accepted by n8n, but the mapping profile rejected the record (the alert below says why)';
}

/** Starts a template's on-demand run (as ops do with the Ops run key) and waits until it finished. */
async function runNow(n8n: N8nInstance, path: string, workflowName: string, body: unknown = {}): Promise<void> {
	const workflow = n8n.workflows.find((w) => w.name === workflowName);
	if (!workflow) throw new Error(`template "${workflowName}" is not imported`);
	const before = (await n8n.api.listExecutions({ workflowId: workflow.id })).length;
	await fetch(n8n.webhookUrl(path), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
		body: JSON.stringify(body),
	});
	await n8n.api.waitForExecutions(workflow.id, { count: before + 1 });
}

/** The brokerage day, step by step, through whatever templates exist so far. */
async function brokerageDay(sandbox: Sandbox, n8n: N8nInstance, templates: E2eWorkflow[]): Promise<DayStep[]> {
	const nameOf = (file: string) => templates.find((t) => t.id === file)?.name ?? file;
	const steps: DayStep[] = [];
	const crm = sandbox.crm.simulator;
	const mt5AccountsFor = (clientId: unknown) =>
		(sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string; login: number; group: string }> }).accounts.filter(
			(account) => account.comment === `crm:${String(clientId)}`,
		);
	const deliveriesOf = () => crm.webhookSenders.crm.deliveries;
	const registerClient = async (time: string, what: string, client: Record<string, unknown>) => {
		const before = deliveriesOf().length;
		const created = await crmApi(sandbox, 'POST', '/api/clients', client);
		await crm.idle();
		// Several templates subscribe to client events; this step shows the intake template's answer.
		const event = crm.state().events.find((e) => e.type === 'client.created' && e.data.id === created.json.id);
		const delivery = deliveriesOf()
			.slice(before)
			.find((d) => d.eventId === event?.id && d.url.endsWith('/crm-events'));
		steps.push({ time, what, outcome: created.status === 201 ? describeDelivery(delivery) : `CRM refused: ${JSON.stringify(created.json)}` });
	};

	// A visitor from a Google ad fills in the website's lead form (the website's server posts it to n8n).
	const lead = await fetch(n8n.webhookUrl('lead'), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-form-key': WEBSITE_FORM_KEY },
		body: JSON.stringify({
			first_name: 'Giorgos',
			last_name: 'Neophytou',
			email: 'giorgos.neophytou@example.com',
			country: 'CY',
			marketing_consent: true,
			landing_url: 'https://broker.example/open-account?utm_source=google&utm_medium=cpc&utm_campaign=cy-forex-q4&gclid=Cj0KCQiA-Ab_Cd12XyZ',
		}),
	});
	const leadAnswer = (await lead.json().catch(() => ({}))) as Record<string, unknown>;
	steps.push({
		time: '07:50',
		what: 'A visitor from a Google ad sends the lead form',
		outcome: leadAnswer.ok
			? `lead ${String(leadAnswer.clientId)} in the CRM with a ${String(leadAnswer.channel)} touchpoint (gclid kept exactly) and marketing consent`
			: `not saved (unexpected): ${JSON.stringify(leadAnswer)}`,
	});
	await crm.idle();

	await registerClient('08:05', 'Client registers on the website (CRM client.created)', {
		first_name: 'Eleni',
		last_name: 'Christodoulou',
		email: 'Eleni.Christodoulou@example.com',
		phone: '+357 99 765432',
		country: 'CY',
	});
	// Eleni had come from a Google ad: the website sends her lead form too (she agrees to marketing).
	sandbox.googleAds.simulator.addClick({ gclid: 'EAIaIQobChMI-Eleni_Demo1', hoursAgo: 30 });
	await fetch(n8n.webhookUrl('lead'), {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-form-key': WEBSITE_FORM_KEY },
		body: JSON.stringify({
			first_name: 'Eleni',
			last_name: 'Christodoulou',
			email: 'eleni.christodoulou@example.com',
			marketing_consent: true,
			landing_url: 'https://broker.example/?utm_source=google&utm_medium=cpc&utm_campaign=cy-brand&gclid=EAIaIQobChMI-Eleni_Demo1',
			visited_at: new Date(Date.now() - 30 * 3_600_000).toISOString(),
		}),
	});
	await crm.idle();
	await registerClient('09:40', 'Second client registers', {
		first_name: 'Jonas',
		last_name: 'Becker',
		email: 'jonas.becker@example.de',
		phone: '+49 1512 3456789',
		country: 'DE',
	});
	const eleni = (await crmApi(sandbox, 'GET', '/api/clients?email=eleni.christodoulou%40example.com')).json.data as Array<Record<string, unknown>>;
	const eleniId = eleni?.[0]?.id;
	const until = async <T>(read: () => T | undefined, timeoutMs = 20_000): Promise<T | undefined> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = read();
			if (value || Date.now() > deadline) return value;
			await new Promise((resolve) => setTimeout(resolve, 100));
		}
	};
	const crmClient = (id: unknown) => crm.state().clients.find((c) => c.id === Number(id));
	const mailTo = (email: string) => sandbox.smtp.sink.messages().filter((m) => m.to.includes(email));
	const linkMail = await until(() => mailTo('eleni.christodoulou@example.com')[0]);
	steps.push({
		time: '09:41',
		what: "n8n opened each registrant's Sumsub applicant and e-mailed the verification link (Eleni's shown)",
		outcome: linkMail ? `e-mail "${linkMail.subject}" sent; the CRM shows KYC ${String(crmClient(eleniId)?.kyc_status)}` : 'no e-mail (unexpected)',
	});

	// Eleni verifies her passport in Sumsub's WebSDK; Sumsub approves and calls n8n.
	const sumsub = sandbox.sumsub.simulator;
	const eleniApplicant = sumsub.applicantByExternalId(String(eleniId));
	if (eleniApplicant) {
		sumsub.addVerifiedDocument(eleniApplicant.id, { idDocType: 'PASSPORT', country: 'CYP', validUntil: '2031-03-31' });
		await sumsub.completeReview(eleniApplicant.id, { reviewAnswer: 'GREEN' });
	}
	const opened = (await until(() => (mt5AccountsFor(eleniId).length ? mt5AccountsFor(eleniId) : undefined))) ?? [];
	// The provisioning template writes the login back to the CRM just after MT5 opened the account.
	const linked = () => crm.state().tradingAccounts.filter((a) => a.client_id === Number(eleniId));
	const written = (await until(() => (linked().length ? linked() : undefined))) ?? [];
	const scored = crmClient(eleniId);
	steps.push({
		time: '10:20',
		what: 'Eleni verifies her passport; Sumsub approves (GREEN) and n8n scores her risk',
		outcome: opened.length
			? `risk ${String(scored?.risk_level)} (next review ${String(scored?.kyc_next_review_on)}, passport expires ${String(scored?.kyc_document_expires_on)}); ` +
				`MT5 account ${opened[0].login} opened in ${opened[0].group}, login in the CRM (${written.length} trading account)`
			: 'no MT5 account was opened (unexpected)',
	});
	if (eleniApplicant) await sumsub.sendEvent(eleniApplicant.id, 'applicantReviewed');
	await crm.sendEvent('client.kyc_approved', { ...crmClient(eleniId) });
	await new Promise((resolve) => setTimeout(resolve, 1_000));
	steps.push({
		time: '10:21',
		what: 'Sumsub and the CRM both re-send the approval',
		outcome:
			mt5AccountsFor(eleniId).length === 1
				? 'no second account: the CRM status did not change, and the client reference found the account already opened'
				: `${mt5AccountsFor(eleniId).length} accounts (unexpected)`,
	});

	// Jonas's selfie does not match his ID: Sumsub asks for a resubmission.
	const jonas = (await crmApi(sandbox, 'GET', '/api/clients?email=jonas.becker%40example.de')).json.data as Array<Record<string, unknown>>;
	const jonasApplicant = await until(() => sumsub.applicantByExternalId(String(jonas?.[0]?.id)));
	if (jonasApplicant) {
		await sumsub.completeReview(jonasApplicant.id, { reviewAnswer: 'RED', rejectType: 'RETRY', labels: ['SELFIE_MISMATCH'], moderationComment: 'Your selfie does not match the photo in your ID.' });
	}
	const resubmit = await until(() => mailTo('jonas.becker@example.de')[1]);
	steps.push({
		time: '10:45',
		what: "Sumsub rejects Jonas's selfie with RETRY",
		outcome: resubmit
			? `e-mail "${resubmit.subject}" with a new link; CRM KYC ${String(crmClient(jonas?.[0]?.id)?.kyc_status)}; no trading account (${mt5AccountsFor(jonas?.[0]?.id).length})`
			: 'no resubmission e-mail (unexpected)',
	});

	const alertsBefore = sandbox.alerts.simulator.received().length;
	await registerClient('11:15', 'A lead is created without a country (the profile requires one)', {
		first_name: 'Sam',
		last_name: 'Lee',
		email: 'sam.lee@example.com',
	});
	const alert = sandbox.alerts.simulator.received()[alertsBefore];
	steps.push({ time: '11:15', what: 'Ops alert channel', outcome: alert ? `alert: ${alert.text}` : 'no alert (unexpected)' });

	crm.webhookSenders.crm.addFault({ kind: 'badSignature' });
	const [forged] = await crm.sendEvent('client.created', { id: 9999, first_name: 'Mallory', last_name: 'X', email: 'm@evil.example', country: 'CY' });
	steps.push({ time: '13:02', what: 'Someone posts a forged client event to the webhook', outcome: describeDelivery(forged) });

	await crm.idle();
	crm.webhookSenders.crm.addFault({ kind: 'duplicate', copies: 2 });
	const duplicates = await crm.sendEvent('client.updated', { id: 1001, first_name: 'Maria', last_name: 'Papadopoulou', email: 'maria@example.com', country: 'GR' });
	steps.push({
		time: '15:30',
		what: 'The CRM delivers the same signed update twice',
		outcome: duplicates
			.filter((d) => d.url.endsWith('/crm-events'))
			.map((d, i) => `copy ${i + 1}: ${d.status === 200 ? 'processed' : `refused ${d.status} (${JSON.parse(d.responseBody).reason})`}`)
			.join('; '),
	});
	// The day's trading on Eleni's new account (and some of last month's, for the tier review).
	const eleniLogin = opened[0]?.login;
	if (eleniLogin) {
		const mt5 = sandbox.mt5.simulator;
		mt5.seedBalanceOperation(eleniLogin, 2, 5000, 'praxis:demo-1');
		await runNow(n8n, 'equity-sync', nameOf('equitymarginsync'));
		const crmAccount = ((await crmApi(sandbox, 'GET', `/api/clients/${String(eleniId)}/trading-accounts`)).json.data as Array<Record<string, unknown>>)[0];
		steps.push({
			time: '16:00',
			what: 'Eleni deposits 5,000 USD; the equity sync runs',
			outcome: crmAccount?.equity ? `the CRM shows equity ${String(crmAccount.equity)} for MT5 account ${eleniLogin} (only changed fields sent)` : 'the CRM was not updated (unexpected)',
		});
		const now = Date.now();
		const hoursAgo = (h: number) => new Date(now - h * 3_600_000).toISOString();
		for (const [open, close, lots] of [
			[30, 29, 40],
			[28, 27, 35.5],
		] as const) {
			mt5.seedTrade(eleniLogin, { symbol: 'EURUSD', side: 'buy', volumeLots: lots, openPrice: 1.08, closePrice: 1.0812, openTime: hoursAgo(open), closeTime: hoursAgo(close), profit: 42 });
		}
		await runNow(n8n, 'trade-history-sync', nameOf('tradehistorysync'), { reference: new Date(now).toISOString() });
		const trades = (await crmApi(sandbox, 'GET', `/api/trades?login=${eleniLogin}`)).json.data as unknown[];
		steps.push({
			time: '23:00',
			what: "Yesterday's trades (server time) are synced for client reporting",
			outcome: `${trades.length} closing trade(s) of account ${eleniLogin} saved in the CRM with UTC times`,
		});
		const lastMonth = new Date(Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth() - 1, 15, 12));
		mt5.seedTrade(eleniLogin, { symbol: 'XAUUSD', side: 'sell', volumeLots: 120, openPrice: 2400, closePrice: 2395, openTime: new Date(lastMonth.getTime() - 3_600_000), closeTime: lastMonth, profit: 600 });
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		const merchant = { baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret };
		const depositKeyDeals = (key: string) => mt5.dealsOf(eleniLogin).filter((d) => d.Comment === key);
		const deposit = async (orderId: string, amountMinor: number, fault?: 'duplicate') => {
			const depositWorkflow = n8n.workflows.find((w) => w.name === nameOf('depositcreditonc'));
			const before = depositWorkflow ? (await n8n.api.listExecutions({ workflowId: depositWorkflow.id })).length : 0;
			await openPraxisDeposit(merchant, { cid: String(eleniId), orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') });
			if (fault) sandbox.praxis.simulator.webhookSenders.praxis.addFault({ kind: 'duplicate', copies: 3 });
			const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved', fee: Math.round(amountMinor * 0.025) });
			if (depositWorkflow) await n8n.api.waitForExecutions(depositWorkflow.id, { count: before + 1 });
			return `praxis:${transaction.tid}`;
		};
		const firstKey = await deposit('demo-dep-1', 100_000);
		steps.push({
			time: '23:10',
			what: 'Eleni tops up 1,000 USD by card through Praxis (2.5% fee)',
			outcome: depositKeyDeals(firstKey).length === 1 ? `credited ${String(depositKeyDeals(firstKey)[0].Profit)} to MT5 ${eleniLogin} once, recorded in the CRM` : 'not credited (unexpected)',
		});
		// Her first deposit is her FTD: marketing gets it (she consented), attributed to the Google click.
		const ftdEvent = `ftd:${String(eleniId)}`;
		const metaPurchase = await until(() => sandbox.meta.simulator.countedEvents().find((e) => e.event.event_id === ftdEvent));
		const googleFtd = await until(() => sandbox.googleAds.simulator.uploadedConversions.find((c) => c.orderId === ftdEvent));
		const audience = await until(() => (sandbox.meta.simulator.audienceMembers('23850000000000001').length ? sandbox.meta.simulator.audienceMembers('23850000000000001') : undefined));
		steps.push({
			time: '23:11',
			what: "Eleni's first deposit goes to the ad platforms (she agreed to marketing)",
			outcome:
				metaPurchase && googleFtd
					? `Meta Purchase ${ftdEvent} (identifiers hashed), Google Ads FTD for ${String(googleFtd.clickKind)} ${String(googleFtd.clickId)}; she joined the depositors audience (${audience?.length ?? 0} member)`
					: `not sent (unexpected): Meta ${metaPurchase ? 'yes' : 'no'}, Google ${googleFtd ? 'yes' : 'no'}`,
		});
		const secondKey = await deposit('demo-dep-2', 20_000, 'duplicate');
		steps.push({
			time: '23:40',
			what: 'Praxis delivers the next deposit notification three times',
			outcome: depositKeyDeals(secondKey).length === 1 ? 'credited once; the copies were refused as replays' : `${depositKeyDeals(secondKey).length} credits (unexpected)`,
		});

		steps.push(...(await withdrawals(sandbox, n8n, { eleniId: String(eleniId), eleniLogin })));

		const auditBefore = sandbox.alerts.simulator.received().length;
		await runNow(n8n, 'tier-review', nameOf('monthlyvolumetie'), { reference: new Date(now).toISOString() });
		const audit = sandbox.alerts.simulator.received().slice(auditBefore).filter((a) => (a.text ?? '').startsWith('Tier change'));
		steps.push({
			time: 'EOM',
			what: 'Month-end volume tier review (last month in server time)',
			outcome: audit.length ? audit.map((a) => (a.text ?? '').split('. ')[0]).join('; ') : 'no tier changes',
		});
	}
	steps.push(await auditTrailCheck(n8n));
	steps.push(await healthPage(n8n));
	return steps;
}

/** End of day: ops chain the day's audit records and check the chain (both also run on a schedule). */
async function auditTrailCheck(n8n: N8nInstance): Promise<DayStep> {
	const what = "Ops close the day's audit trail and check it for tampering";
	const workflow = n8n.workflows.find((w) => w.id === 'audittrail');
	if (!workflow) return { time: 'EOD', what, outcome: 'the audit trail template is not imported (unexpected)' };
	await runNow(n8n, 'audit-trail/chain', workflow.name);
	const response = await fetch(n8n.webhookUrl('audit-trail/verify'), { method: 'POST', headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY }, body: '{}' });
	const result = (await response.json().catch(() => ({}))) as { ok?: boolean; checked?: number; breaks?: unknown[]; lastHash?: string | null };
	return {
		time: 'EOD',
		what,
		outcome:
			result.ok === true && (result.checked ?? 0) > 0
				? `${result.checked} hash-chained records (accounts, balance operations, releases, group and KYC changes), chain intact, last hash ${String(result.lastHash).slice(0, 12)}…`
				: `verification answered ${response.status} ${JSON.stringify(result).slice(0, 200)} (unexpected)`,
	};
}

/** The integration health page, as ops open it in a browser (Basic Auth). */
async function healthPage(n8n: N8nInstance): Promise<DayStep> {
	const response = await fetch(n8n.webhookUrl('integration-health'), {
		headers: { authorization: `Basic ${Buffer.from(`ops:${OPS_DASHBOARD_PASSWORD}`).toString('base64')}` },
	});
	const html = await response.text();
	const rows = [...html.matchAll(/<tr[^>]*>\s*<td[^>]*>([^<]+)<\/td>\s*<td[^>]*>([^<]+)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>\s*<td[^>]*>(\d+)<\/td>/g)];
	return {
		time: 'EOD',
		what: `Ops open the integration health page (${n8n.webhookUrl('integration-health')}, login ops / ${OPS_DASHBOARD_PASSWORD})`,
		outcome:
			response.status === 200 && rows.length
				? rows.map((r) => `${r[1].trim()}: ${r[3]} calls, ${r[4]} failures, ${r[5]} retries`).join('; ')
				: `answered ${response.status} with ${rows.length} integration rows (unexpected)`,
	};
}

/** Withdrawals through the approval template: one approver, a refusal, two approvers, a failing PSP. */
async function withdrawals(sandbox: Sandbox, n8n: N8nInstance, eleni: { eleniId: string; eleniLogin: number }): Promise<DayStep[]> {
	const steps: DayStep[] = [];
	const mt5 = sandbox.mt5.simulator;
	const praxis = sandbox.praxis.simulator;
	const { merchant_id, application_key, merchant_secret } = praxis.credentials();
	const merchant = { baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret };
	const alerts = () => sandbox.alerts.simulator.received().map((a) => a.text ?? '');
	// The demo reports a missing alert as unexpected rather than stopping the day.
	const nextAlert = (from: number, pattern: RegExp): Promise<string | undefined> => nextAlertAfter(sandbox, from, pattern).catch(() => undefined);
	const crmWithdrawal = (wrid: number | null | undefined) => sandbox.crm.simulator.state().transactions.find((t) => t.type === 'withdrawal' && t.psp_transaction_id === String(wrid));
	const until = async (condition: () => boolean) => {
		const deadline = Date.now() + 20_000;
		while (!condition() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
		return condition();
	};
	const cardWithdrawal = async (cid: string, orderId: string, amountMinor: number) => {
		const from = alerts().length;
		await openPraxisWithdrawal(merchant, { cid, orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis-withdrawals'), paymentMethod: 'Credit Card' });
		await praxis.idle();
		const wrid = praxis.state().transactions.find((t) => t.order_id === orderId)?.withdrawal_request_id;
		return { wrid, ask: await nextAlert(from, new RegExp(`request ${String(wrid)}\\b`)), from };
	};
	const ANNA = 'anna.ops@broker.example';
	const BORIS = 'boris.compliance@broker.example';

	const small = await cardWithdrawal(eleni.eleniId, 'demo-wd-1', 30_000);
	if (small.ask) await decide(n8n, resumeUrlIn(small.ask), ANNA, { decision: 'approve' });
	const smallPaid = await until(() => crmWithdrawal(small.wrid)?.status === 'completed');
	steps.push({
		time: '23:50',
		what: 'Eleni asks to withdraw 300 USD to her card; Anna (ops) approves the request n8n posted to Slack',
		outcome: smallPaid
			? `MT5 ${eleni.eleniLogin} debited ${String(mt5.dealsOf(eleni.eleniLogin).find((d) => d.Comment === `praxis:withdrawal:${String(small.wrid)}`)?.Profit)} once, Praxis paid out, the CRM shows it completed`
			: 'not released (unexpected)',
	});

	const large = await cardWithdrawal(eleni.eleniId, 'demo-wd-2', 900_000);
	await until(() => crmWithdrawal(large.wrid)?.status === 'rejected');
	steps.push({
		time: '23:55',
		what: 'Eleni asks for 9,000 USD, more than her free margin',
		outcome: crmWithdrawal(large.wrid)?.status === 'rejected' ? `refused without bothering an approver; the CRM says: ${String(crmWithdrawal(large.wrid)?.reason)}` : 'not refused (unexpected)',
	});

	// Maria (client 1001) has traded a while on MT5 500001.
	mt5.seedBalanceOperation(500001, 2, 20_000, 'praxis:demo-0');
	const big = await cardWithdrawal('1001', 'demo-wd-3', 1_200_000);
	const outcomes: string[] = [];
	if (big.ask) {
		const url = resumeUrlIn(big.ask);
		outcomes.push(`Anna: ${String((await decide(n8n, url, ANNA, { decision: 'approve' })).body.message)}`);
		await nextAlert(big.from, /Second approval needed/);
		outcomes.push(`Anna again: ${String((await decide(n8n, url, ANNA, { decision: 'approve' })).body.message)}`);
		outcomes.push(`Boris: ${String((await decide(n8n, url, BORIS, { decision: 'approve' })).body.message)}`);
	}
	const bigPaid = await until(() => crmWithdrawal(big.wrid)?.status === 'completed');
	steps.push({
		time: '23:58',
		what: 'Maria withdraws 12,000 USD: above 10,000 two different approvers are needed',
		outcome: `${outcomes.join(' | ')} -> ${bigPaid ? 'released once' : 'not released (unexpected)'}`,
	});

	// The CoinsPaid USD float is empty today: the crypto payout fails after MT5 was debited.
	const from = alerts().length;
	const crypto = await crmApi(sandbox, 'POST', '/api/transactions', {
		client_id: Number(eleni.eleniId), type: 'withdrawal', amount: '200.00', currency: 'USD', status: 'pending', method: 'USDT', psp: 'coinspaid', destination: 'TQn9Y2khEsLJW1ChVWFMSMeRDow5KcbLSE',
	});
	const cryptoAsk = await nextAlert(from, new RegExp(`coinspaid request ${String(crypto.json.id)}\\b`));
	if (cryptoAsk) await decide(n8n, resumeUrlIn(cryptoAsk), ANNA, { decision: 'approve' });
	const review = await nextAlert(from, /is in the review queue/);
	steps.push({
		time: '23:59',
		what: 'Eleni asks for 200 USD in USDT from the CRM; CoinsPaid refuses the payout (empty USD float)',
		outcome: review ? `in the review queue with an alert: ${review.split(': ').slice(1).join(': ')}` : 'no review item (unexpected)',
	});
	return steps;
}

async function main() {
	console.log('Starting the sandbox vendors...');
	const sandbox = await startSandbox();
	const wiring = sandboxWiring(sandbox, CRM_WEBHOOK_SECRET);
	const templates = templateNames().map((name) => loadTemplate(name, wiring));

	console.log(`Starting n8n 2.8 with the pack and ${templates.length} template(s)...`);
	let n8n: N8nInstance | undefined;
	const sumsubHookId = templates.flatMap((t) => t.nodes).find((node) => node.type === 'n8n-nodes-brokerage.sumsubTrigger')?.webhookId ?? '';
	const stop = async (code: number) => {
		await n8n?.stop();
		await sandbox.close();
		process.exit(code);
	};
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	try {
		n8n = await startN8n({
			workflows: templates,
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['crm-events', 'crm-kyc', 'crm-registrations', 'crm-deposits', 'crm-audiences', 'praxis-withdrawals', 'crm-withdrawals', `${sumsubHookId}/sumsub`],
		});
	} catch (error) {
		console.error((error as Error).message);
		await stop(1);
		return;
	}
	sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-events'), ['client.created', 'client.updated'], { secret: CRM_WEBHOOK_SECRET });
	sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-kyc'), ['client.kyc_approved'], { secret: CRM_WEBHOOK_SECRET });
	sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-withdrawals'), ['transaction.created'], { secret: CRM_WEBHOOK_SECRET });
	sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-registrations'), ['client.created'], { secret: CRM_WEBHOOK_SECRET });
	sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-deposits'), ['transaction.created', 'transaction.completed'], { secret: CRM_WEBHOOK_SECRET });
	sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-audiences'), ['transaction.created', 'transaction.completed', 'client.updated', 'client.erasure_requested'], {
		secret: CRM_WEBHOOK_SECRET,
	});
	sandbox.sumsub.simulator.configureWebhook({ url: n8n.webhookUrl(`${sumsubHookId}/sumsub`) });

	console.log('\nSandbox:');
	for (const line of describeSandbox(sandbox)) console.log(`  ${line}`);
	console.log(`\nn8n editor: ${n8n.editorUrl}   login: ${n8n.login.email} / ${n8n.login.password}`);
	console.log(`Templates active: ${n8n.workflows.map((w) => w.name).join('; ')}`);

	console.log('\nA brokerage day:');
	const steps = await brokerageDay(sandbox, n8n, templates);
	for (const step of steps) console.log(`  ${step.time}  ${step.what}\n         -> ${step.outcome}`);

	const executions = await n8n.api.listExecutions();
	const deliveries = sandbox.crm.simulator.webhookSenders.crm.deliveries;
	console.log('\nSummary:');
	console.log(`  CRM webhooks delivered: ${deliveries.length} (accepted ${deliveries.filter((d) => d.status === 200).length}, refused ${deliveries.filter((d) => d.status === 401).length})`);
	console.log(`  n8n executions: ${executions.length} (${executions.filter((e) => e.status === 'success').length} succeeded)`);
	console.log(`  alerts sent to ops: ${sandbox.alerts.simulator.received().length}`);
	const opened = (sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string }> }).accounts.filter((a) => a.comment?.startsWith('crm:'));
	console.log(`  MT5 accounts opened for CRM clients: ${opened.length}`);

	const expected = steps.every((step) => !step.outcome.includes('unexpected'));
	if (once) {
		await stop(expected ? 0 : 1);
		return;
	}
	console.log('\nn8n and the sandbox keep running for you to explore. Ctrl-C stops them.');
}

void main();
