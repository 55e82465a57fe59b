/**
 * The "Equity and margin sync" template in real n8n: MT5 figures reach the CRM's trading accounts,
 * and a later run sends only the accounts and fields that changed.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

describe('Equity and margin sync template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let workflowId = '';
	let runs = 0;
	const logins: number[] = [];

	const sync = async () => {
		const response = await fetch(n8n.webhookUrl('equity-sync'), { method: 'POST', headers: { 'x-ops-key': OPS_RUN_KEY } });
		expect(response.status).toBe(200);
		runs++;
		await n8n.api.waitForExecutions(workflowId, { count: runs, status: 'success' });
	};
	const updates = () => sandbox.crm.simulator.figureUpdates;

	beforeAll(async () => {
		sandbox = await startSandbox();
		sandbox.mt5.simulator.reset();
		const mt5 = sandbox.mt5.simulator;
		const crm = sandbox.crm.simulator;
		for (const [i, name] of ['Ana Ruiz', 'Ben Okafor'].entries()) {
			const login = mt5.addAccount({ group: 'real\\standard', name, balance: 1000 * (i + 1) });
			logins.push(login);
			const client = await fetch(`${sandbox.crm.url}/api/clients`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': crm.credentials().apiKey },
				body: JSON.stringify({ first_name: name.split(' ')[0], last_name: name.split(' ')[1], email: `sync${i}@example.com` }),
			}).then(async (r) => (await r.json()) as { id: number });
			await fetch(`${sandbox.crm.url}/api/clients/${client.id}/trading-accounts`, {
				method: 'POST',
				headers: { 'content-type': 'application/json', 'x-api-key': crm.credentials().apiKey },
				body: JSON.stringify({ platform: 'mt5', login: String(login), group: 'real\\standard', leverage: 100, currency: 'USD' }),
			});
		}
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const template = loadTemplate('equity-margin-sync', wiring);
		workflowId = template.id as string;
		// The minute schedule stays off here: runs are started (and counted) by the test alone.
		const nodes = template.nodes.map((node) => (node.type === 'n8n-nodes-base.scheduleTrigger' ? { ...node, disabled: true } : node));
		n8n = await startN8n({ workflows: [{ ...template, nodes }], credentials: sandboxCredentials(wiring) });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('writes every account\'s figures to the CRM on the first run', async () => {
		await sync();
		const first = updates().filter((u) => logins.map(String).includes(u.login));
		expect(first.map((u) => u.login).sort()).toEqual(logins.map(String).sort());
		expect(first.find((u) => u.login === String(logins[1]))?.fields).toMatchObject({ balance: '2000.00', equity: '2000.00' });
		const crmAccount = (sandbox.crm.simulator.state() as { tradingAccounts: Array<{ login: string; equity?: string }> }).tradingAccounts.find(
			(a) => a.login === String(logins[0]),
		);
		expect(crmAccount?.equity).toBe('1000.00');
	});

	it('sends nothing when nothing changed, then only the changed account and fields', async () => {
		const before = updates().length;
		await sync();
		expect(updates().length).toBe(before);

		sandbox.mt5.simulator.seedBalanceOperation(logins[0], 2, 250, 'deposit');
		await sync();
		const sent = updates().slice(before);
		expect(sent).toEqual([{ platform: 'mt5', login: String(logins[0]), fields: { balance: '1250.00', equity: '1250.00', free_margin: '1250.00' } }]);
	});
});
