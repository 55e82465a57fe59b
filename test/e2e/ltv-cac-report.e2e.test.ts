/**
 * The "Marketing: weekly LTV and CAC by channel" template in real n8n: spend from the
 * `marketing_spend` Data Table (seeded through n8n's public API, as marketing would fill it in the
 * editor), FTDs and net deposits from the CRM, last-touch attribution, and an e-mail with an inline
 * SVG chart and the exact figures; a window without FTDs gets a "no first-time deposits" e-mail, and
 * a spend row in the wrong currency lands in the review queue while the report still goes out.
 *
 * The figures below are worked out by hand (last touch, As Of 2026-11-02 07:00 UTC, 3 cohort months
 * = 2026-09-01 up to As Of):
 *   paid_search: spend 3000.00 (Sep) + 1500.00 (Oct) = 4500.00; FTDs Ana (Sep 5) and Chris (Oct 3):
 *     CAC 4500.00 / 2 = 2250.00; 30 days: Ana 500 + 300 = 800, Chris 200 → 500.00 (Chris's window
 *     ends after As Of: *); 90 days: Ana 500 + 300 − 200 = 600, Chris 200 (his Nov 5 deposit is after
 *     As Of) → 400.00 *
 *   paid_social: spend 2000.00 + 1000.00 = 3000.00; FTD Bea (Sep 21, touch classified from its fbclid):
 *     CAC 3000.00; 30 days 1000 − 250.50 = 749.50 (complete); 90 days 749.50 *
 *   email: spend 100.00; FTD Dan (Oct 12): CAC 100.00; LTV 150.00 *
 *   display: spend 500.00, no FTD: CAC n/a
 * Not counted: Gus's first deposit was in August (his September deposit is not an FTD), Fay's deposit
 * is still pending, the August paid_search spend is outside the window, the seeded client's FTD is
 * from 2024.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

const REPORT_TO = 'marketing@broker.example';
const LINEAR_REPORT_TO = 'growth@broker.example';
const SPEND_COLUMNS = ['channel', 'period', 'amount', 'currency'].map((name) => ({ name, type: 'string' }));

interface DataTable {
	id: string;
	name: string;
}

describe('Weekly LTV and CAC by channel template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	let linearWorkflowId = '';
	const runs: Record<string, number> = {};

	const crmCall = async (method: string, path: string, body?: unknown) => {
		const response = await fetch(`${sandbox.crm.url}${path}`, {
			method,
			headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const json = (await response.json()) as Record<string, unknown>;
		if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
		return json;
	};
	const client = async (name: string) => (await crmCall('POST', '/api/clients', { first_name: name, last_name: 'Test', email: `${name.toLowerCase()}@example.com` })).id as number;
	const touch = async (clientId: number, touchpoint: Record<string, unknown>) => await crmCall('POST', `/api/clients/${clientId}/touchpoints`, touchpoint);
	const money = async (clientId: number, type: 'deposit' | 'withdrawal', amount: string, occurredAt: string, status = 'completed') =>
		await crmCall('POST', '/api/transactions', { client_id: clientId, type, amount, currency: 'USD', status, occurred_at: occurredAt });

	const tableNamed = async (name: string) =>
		(await n8n.api.request<{ data: DataTable[] }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`)).data.find((t) => t.name === name);
	const rowsOf = async (name: string) => {
		const table = await tableNamed(name);
		if (!table) return [];
		return (await n8n.api.request<{ data: Array<Record<string, unknown>> }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data;
	};

	const runNow = async (asOf: string, path = 'ltv-cac-report', id = workflowId) => {
		const response = await fetch(n8n.webhookUrl(path), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
			body: JSON.stringify({ asOf }),
		});
		expect(response.status).toBe(200);
		runs[id] = (runs[id] ?? 0) + 1;
		await n8n.api.waitForExecutions(id, { count: runs[id], status: 'success', timeoutMs: 60_000 });
	};
	const reports = (to = REPORT_TO) => sandbox.smtp.sink.messages().filter((m) => m.to.includes(to));

	/** The cells of the report table row of `channel` (the first table: by channel). */
	const tableRow = (html: string, channel: string) => {
		const byChannel = html.slice(html.indexOf('<h3>By channel</h3>'), html.indexOf('<h3>By cohort month</h3>'));
		const row = new RegExp(`<tr data-channel="${channel}">(.*?)</tr>`).exec(byChannel)?.[1] ?? '';
		return [...row.matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((m) => m[1]);
	};
	const bars = (svg: string, metric: string) =>
		Object.fromEntries([...svg.matchAll(new RegExp(`<rect data-channel="([^"]+)" data-metric="${metric}" data-value="([^"]*)"[^>]*width="(\\d+)"`, 'g'))].map((m) => [m[1], { value: m[2], width: Number(m[3]) }]));

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('ltv-cac-report', wiring);
		workflowId = template.id as string;
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		// The same template with the linear model chosen in Settings, as a second workflow (own Run Now path, own recipient).
		linearWorkflowId = 'ltvcacreportlin';
		const linearNodes = nodes.map((node) => {
			if (node.name === 'Run Now') return { ...node, webhookId: 'b0c1d2e3-0000-4000-8000-00000000000a', parameters: { ...node.parameters, path: 'ltv-cac-report-linear' } };
			if (node.name !== 'Settings') return node;
			const settings = JSON.parse(JSON.stringify(node.parameters)) as typeof node.parameters;
			const fields = (settings.assignments as unknown as { assignments: Array<{ name: string; value: string }> }).assignments;
			for (const field of fields) {
				if (field.name === 'model') field.value = 'linear';
				if (field.name === 'reportTo') field.value = LINEAR_REPORT_TO;
			}
			return { ...node, parameters: settings };
		});
		n8n = await startN8n({
			workflows: [
				{ ...template, nodes },
				{ ...template, id: linearWorkflowId, name: `${template.name as string} (linear)`, nodes: linearNodes },
			],
			credentials: sandboxCredentials(wiring),
		});

		const ana = await client('Ana');
		await touch(ana, { timeUtc: '2026-09-01T10:00:00Z', channel: 'email', utmSource: 'newsletter', utmMedium: 'email' });
		await touch(ana, { timeUtc: '2026-09-03T08:00:00Z', channel: 'paid_search', utmSource: 'google', utmMedium: 'cpc', gclid: 'Cj0-ana' });
		await touch(ana, { timeUtc: '2026-09-10T08:00:00Z', channel: 'paid_social', fbclid: 'after-the-ftd' });
		await money(ana, 'deposit', '500.00', '2026-09-05T12:00:00Z');
		await money(ana, 'deposit', '300.00', '2026-10-01T09:00:00Z');
		await money(ana, 'withdrawal', '200.00', '2026-10-20T16:45:00Z');

		const bea = await client('Bea');
		await touch(bea, { timeUtc: '2026-09-20T19:00:00Z', fbclid: 'IwAR-bea', landingUrl: 'https://broker.example/?fbclid=IwAR-bea' });
		await money(bea, 'deposit', '1000.00', '2026-09-21T09:00:00Z');
		await money(bea, 'withdrawal', '250.50', '2026-09-25T11:00:00Z');

		const chris = await client('Chris');
		await touch(chris, { timeUtc: '2026-10-02T12:00:00Z', channel: 'paid_search', gclid: 'Cj0-chris' });
		await money(chris, 'deposit', '200.00', '2026-10-03T15:30:00Z');
		await money(chris, 'deposit', '100.00', '2026-11-05T10:00:00Z');

		const dan = await client('Dan');
		await touch(dan, { timeUtc: '2026-10-11T07:00:00Z', channel: 'email', utmMedium: 'email' });
		await money(dan, 'deposit', '150.00', '2026-10-12T08:00:00Z');

		const gus = await client('Gus');
		await touch(gus, { timeUtc: '2026-08-19T07:00:00Z', channel: 'paid_search' });
		await money(gus, 'deposit', '400.00', '2026-08-20T08:00:00Z');
		await money(gus, 'deposit', '100.00', '2026-09-10T08:00:00Z');

		const fay = await client('Fay');
		await touch(fay, { timeUtc: '2026-10-14T07:00:00Z', channel: 'paid_social' });
		await money(fay, 'deposit', '5000.00', '2026-10-15T08:00:00Z', 'pending');

		// The table as the template creates it; the template's "create if missing" then reuses it.
		const table = await n8n.api.request<DataTable>('POST', '/data-tables', { name: 'marketing_spend', columns: SPEND_COLUMNS });
		const spend = [
			['paid_search', '2026-08', '9999.00', 'USD'],
			['paid_search', '2026-09', '3000.00', 'USD'],
			['paid_search', '2026-10', '1500.00', 'USD'],
			['paid_social', '2026-09', '2000.00', 'USD'],
			['paid_social', '2026-10', '1000.00', 'USD'],
			['email', '2026-10', '100.00', 'USD'],
			['display', '2026-10', '500.00', 'USD'],
			['affiliate', '2026-10', '700.00', 'EUR'],
		].map(([channel, period, amount, currency]) => ({ channel, period, amount, currency }));
		await n8n.api.request('POST', `/data-tables/${table.id}/rows`, { data: spend, returnType: 'count' });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('e-mails CAC and LTV per channel with exact decimals, an inline SVG chart with one CAC and one LTV bar per channel, and a table', async () => {
		await runNow('2026-11-02T07:00:00Z');

		expect(reports()).toHaveLength(1);
		const [mail] = reports();
		expect(mail.subject).toBe('LTV and CAC by channel: first-time deposits 2026-09-01 to 2026-11-02 07:00 UTC');
		const html = mail.html ?? '';
		expect(html).toContain('attributed with the <b>last</b> model');

		// Channel | Spend | FTD credit | FTD clients | CAC | LTV 30 days | LTV 90 days | Net deposits 90 days
		expect(tableRow(html, 'paid_search')).toEqual(['paid_search', '4500.00', '2', '2', '2250.00', '500.00 *', '400.00 *', '800.00']);
		expect(tableRow(html, 'paid_social')).toEqual(['paid_social', '3000.00', '1', '1', '3000.00', '749.50', '749.50 *', '749.50']);
		expect(tableRow(html, 'email')).toEqual(['email', '100.00', '1', '1', '100.00', '150.00 *', '150.00 *', '150.00']);
		expect(tableRow(html, 'display')).toEqual(['display', '500.00', '0', '0', 'n/a', 'n/a', 'n/a', '0.00']);

		const svg = /<svg[\s\S]*?<\/svg>/.exec(html)?.[0] ?? '';
		expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		expect(svg).not.toMatch(/https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
		const cac = bars(svg, 'cac');
		const ltv = bars(svg, 'ltv90');
		expect(Object.keys(cac).sort()).toEqual(['display', 'email', 'paid_search', 'paid_social']);
		expect(Object.keys(ltv).sort()).toEqual(['display', 'email', 'paid_search', 'paid_social']);
		expect(Object.fromEntries(Object.entries(cac).map(([channel, bar]) => [channel, bar.value]))).toEqual({ display: '', email: '100.00', paid_search: '2250.00', paid_social: '3000.00' });
		expect(ltv.paid_search.value).toBe('400.00');
		// Bars are scaled to the largest value (paid_social's CAC, 400 px).
		expect(cac.paid_social.width).toBe(400);
		expect(cac.paid_search.width).toBe(300);
		expect(cac.display.width).toBe(0);

		// The cohort table splits by FTD month.
		expect(html).toMatch(/<tr data-cohort="2026-09" data-channel="paid_search"><td>2026-09<\/td><td>paid_search<\/td><td[^>]*>3000\.00<\/td><td[^>]*>1<\/td><td[^>]*>3000\.00<\/td>/);
		expect(html).toMatch(/<tr data-cohort="2026-10" data-channel="paid_social"><td>2026-10<\/td><td>paid_social<\/td><td[^>]*>1000\.00<\/td><td[^>]*>0<\/td><td[^>]*>n\/a<\/td>/);
		expect(html).not.toContain('9999');
	});

	it('puts a spend row in another currency in the review queue with an alert, and reports the rest', async () => {
		const queue = await rowsOf('brokerage_review_queue');
		expect(queue).toEqual([
			expect.objectContaining({
				idempotency_key: 'ltv-cac:2026-11-02T07:00:00Z:CAC and LTV by Channel:affiliate 2026-10',
				reason: '"spend.currency": is EUR but the report is in USD; convert it first',
				status: 'open',
			}),
		]);
		expect(sandbox.alerts.simulator.received().map((a) => a.text)).toEqual([expect.stringContaining('is EUR but the report is in USD')]);
		expect(tableRow(reports()[0].html ?? '', 'affiliate')).toEqual([]);
	});

	it('with the linear model chosen in Settings, shares an FTD over its touchpoints: fractional credit, CAC and LTV rounded half-up', async () => {
		// Ana's FTD: email (Sep 1) and paid_search (Sep 3) half each; her paid_social touch after the FTD does not count.
		await runNow('2026-11-02T07:00:00Z', 'ltv-cac-report-linear', linearWorkflowId);

		const [mail] = reports(LINEAR_REPORT_TO);
		const html = mail.html ?? '';
		expect(html).toContain('attributed with the <b>linear</b> model');
		// paid_search: 4500.00 / 1.5; 30 days (800 × 0.5 + 200) / 1.5; 90 days (600 × 0.5 + 200) / 1.5 = 333.333…
		expect(tableRow(html, 'paid_search')).toEqual(['paid_search', '4500.00', '1.5', '2', '3000.00', '400.00 *', '333.33 *', '500.00']);
		// email: 100.00 / 1.5 = 66.666…; 30 days (800 × 0.5 + 150) / 1.5 = 366.666…; 90 days (600 × 0.5 + 150) / 1.5
		expect(tableRow(html, 'email')).toEqual(['email', '100.00', '1.5', '2', '66.67', '366.67 *', '300.00 *', '450.00']);
		expect(tableRow(html, 'paid_social')).toEqual(['paid_social', '3000.00', '1', '1', '3000.00', '749.50', '749.50 *', '749.50']);
		expect(bars(html, 'cac').email.value).toBe('66.67');
	});

	it('says there were no first-time deposits when the window has none, listing the spend, instead of failing', async () => {
		// 2026-06-01 up to 2026-08-10: Gus's FTD (2026-08-20) is after As Of, the August spend is in.
		await runNow('2026-08-10T07:00:00Z');

		expect(reports()).toHaveLength(2);
		const mail = reports()[1];
		expect(mail.subject).toBe('LTV and CAC by channel: no first-time deposits 2026-06-01 to 2026-08-10 07:00 UTC');
		const text = mail.text.replace(/\r\n/g, '\n');
		expect(text).toContain('There were no first-time deposits from 2026-06-01 to 2026-08-10 07:00 UTC');
		expect(text).toContain('Spend recorded for 2026-06 to 2026-08:\npaid_search 2026-08: 9999.00 USD');
	});

	it('puts a Run Now whose As Of is not a date in the review queue with an alert, and sends no report', async () => {
		await runNow('next monday');

		const queue = await rowsOf('brokerage_review_queue');
		expect(queue.filter((row) => String(row.idempotency_key).startsWith('ltv-cac:next monday:'))).toEqual([
			expect.objectContaining({ status: 'open', reason: 'As Of must be an ISO-8601 date-time such as 2026-11-02T07:00:00Z, got "next monday"' }),
		]);
		expect(sandbox.alerts.simulator.received().map((a) => a.text).pop()).toContain('got "next monday"');
		expect(reports()).toHaveLength(2);
		expect(reports(LINEAR_REPORT_TO)).toHaveLength(1);
	});
});
