/**
 * The "Trade history sync" template in real n8n: yesterday as the MT5 server counts it, closing
 * deals with UTC times saved in the CRM once, however often the sync runs.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

describe('Trade history sync template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	let runs = 0;
	const deals: Record<string, number> = {};

	const sync = async (reference: string) => {
		const response = await fetch(n8n.webhookUrl('trade-history-sync'), {
			method: 'POST',
			headers: { 'content-type': 'application/json', 'x-ops-key': OPS_RUN_KEY },
			body: JSON.stringify({ reference }),
		});
		expect(response.status).toBe(200);
		runs++;
		await n8n.api.waitForExecutions(workflowId, { count: runs, status: 'success' });
	};
	const crmTrades = () => (sandbox.crm.simulator.state() as { trades: Array<Record<string, string>> }).trades;

	beforeAll(async () => {
		sandbox = await startSandbox();
		const mt5 = sandbox.mt5.simulator;
		const login = mt5.addAccount({ group: 'real\\standard', name: 'History Client', registered: '2026-11-01T00:00:00Z' });
		const trade = (openTime: string, closeTime: string, lots: number, profit: number) =>
			mt5.seedTrade(login, { symbol: 'GBPUSD', side: 'sell', volumeLots: lots, openPrice: 1.27, closePrice: 1.269, openTime, closeTime, profit, swap: -1.2, commission: -6 }).outDeal;
		// Server day 2026-11-25 in Europe/Athens (GMT+2) is 2026-11-24T22:00Z to 2026-11-25T22:00Z.
		deals.before = trade('2026-11-24T18:00:00Z', '2026-11-24T21:00:00Z', 1, 10);
		deals.early = trade('2026-11-24T22:10:00Z', '2026-11-24T23:30:00Z', 0.5, -20.5);
		deals.late = trade('2026-11-25T20:00:00Z', '2026-11-25T21:59:00Z', 2.25, 130);
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('trade-history-sync', wiring);
		workflowId = template.id as string;
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		n8n = await startN8n({ workflows: [{ ...template, nodes }], credentials: sandboxCredentials(wiring) });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('saves the closing deals of yesterday in server time, with UTC times and exact amounts', async () => {
		await sync('2026-11-26T10:00:00Z');
		const saved = crmTrades();
		expect(saved.map((t) => t.deal_id).sort()).toEqual([String(deals.early), String(deals.late)].sort());
		expect(saved.find((t) => t.deal_id === String(deals.early))).toMatchObject({
			time_utc: '2026-11-24T23:30:00.000Z',
			volume_lots: '0.5',
			profit: '-20.50',
			side: 'buy',
			symbol: 'GBPUSD',
		});
	});

	it('does not duplicate a trade when the same day is synced again', async () => {
		await sync('2026-11-26T10:00:00Z');
		expect(crmTrades()).toHaveLength(2);
	});
});
