/**
 * The "Monthly volume tiers" template in real n8n against the MT5 simulator: last month in server
 * time, lots of closing trades per account, promotions applied at once, a demotion only after the
 * second low month, every change audited.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

describe('Monthly volume tiers template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	const logins: Record<string, number> = {};

	const groupOf = (login: number) =>
		(sandbox.mt5.simulator.state() as { accounts: Array<{ login: number; group: string }> }).accounts.find((a) => a.login === login)?.group;
	const trade = (login: number, lots: number, closeTime: string) =>
		sandbox.mt5.simulator.seedTrade(login, {
			symbol: 'EURUSD',
			side: 'buy',
			volumeLots: lots,
			openPrice: 1.1,
			closePrice: 1.1005,
			openTime: closeTime.replace('T12', 'T10'),
			closeTime,
			profit: 10,
		});
	let workflowId = '';
	let reviews = 0;
	/** Starts a review the way ops do (the on-demand webhook answers at once) and waits for it to end. */
	const review = async (reference: string) => {
		const response = await fetch(n8n.webhookUrl('tier-review'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
			body: JSON.stringify({ reference }),
		});
		reviews++;
		await n8n.api.waitForExecutions(workflowId, { count: reviews, status: 'success' });
		return response.status;
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const mt5 = sandbox.mt5.simulator;
		logins.busy = mt5.addAccount({ group: 'real\\standard', name: 'Busy Trader', registered: '2026-09-01T00:00:00Z' });
		logins.steady = mt5.addAccount({ group: 'real\\standard', name: 'Steady Trader', registered: '2026-09-01T00:00:00Z' });
		logins.quiet = mt5.addAccount({ group: 'real\\vip', name: 'Quiet VIP', registered: '2026-09-01T00:00:00Z' });
		trade(logins.busy, 70, '2026-10-10T12:00:00Z');
		trade(logins.busy, 50.5, '2026-10-20T12:00:00Z');
		trade(logins.steady, 60, '2026-10-12T12:00:00Z');
		trade(logins.quiet, 10, '2026-10-14T12:00:00Z');
		// Closed on 31 October 23:30 server time (21:30 UTC): still October on the platform.
		trade(logins.quiet, 5, '2026-10-31T21:30:00Z');
		const template = loadTemplate('monthly-volume-tiers', wiring);
		workflowId = template.id as string;
		n8n = await startN8n({ workflows: [template], credentials: sandboxCredentials(wiring) });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('promotes at once on last month\'s lots and audits every change', async () => {
		const before = sandbox.alerts.simulator.received().length;
		expect(await review('2026-11-01T06:00:00Z')).toBe(200);

		expect(groupOf(logins.busy)).toBe('real\\vip');
		expect(groupOf(logins.steady)).toBe('real\\gold');
		expect(groupOf(logins.quiet)).toBe('real\\vip');
		const audit = sandbox.alerts.simulator.received().slice(before).map((a) => a.text);
		expect(audit).toHaveLength(2);
		expect(audit).toEqual(
			expect.arrayContaining([
				expect.stringContaining(`Tier change 2026-10: account ${logins.busy} moved from real\\standard to real\\vip (promotion)`),
				expect.stringContaining(`account ${logins.steady} moved from real\\standard to real\\gold (promotion)`),
			]),
		);
	});

	it('refuses an on-demand run without the ops key', async () => {
		const response = await fetch(n8n.webhookUrl('tier-review'), { method: 'POST', body: '{}' });
		expect(response.status).toBe(403);
	});

	it('demotes the quiet VIP only after a second low month, and not again when a month is re-run', async () => {
		trade(logins.quiet, 3, '2026-11-15T12:00:00Z');
		trade(logins.busy, 150, '2026-11-16T12:00:00Z');
		trade(logins.steady, 55, '2026-11-16T12:00:00Z');
		expect(await review('2026-12-01T06:00:00Z')).toBe(200);
		expect(groupOf(logins.quiet)).toBe('real\\standard');
		expect(groupOf(logins.busy)).toBe('real\\vip');
		expect(groupOf(logins.steady)).toBe('real\\gold');

		const before = sandbox.alerts.simulator.received().length;
		expect(await review('2026-12-01T06:00:00Z')).toBe(200);
		expect(sandbox.alerts.simulator.received().slice(before)).toEqual([]);
	});
});
