/**
 * The "Provision a trading account when KYC is approved" template in real n8n: the CRM approves a
 * client's KYC, the template opens an MT5 account and writes its login back to the CRM — once, even
 * when the event is sent again — and refuses clients whose KYC status is not approved.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { startN8n, type N8nInstance } from './n8n';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';
import { crmRequest } from './support';

const SECRET = 'whsec_e2e_provisioning_0123456789abcd';

describe('Provisioning template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, SECRET);
		n8n = await startN8n({
			workflows: [loadTemplate('provision-trading-account', wiring)],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['crm-kyc'],
		});
		sandbox.crm.simulator.subscribe(n8n.webhookUrl('crm-kyc'), ['client.kyc_approved'], { secret: SECRET });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	const crmCall = (method: string, path: string, body?: unknown) => crmRequest(sandbox, method, path, body);
	const mt5AccountsFor = (clientId: unknown) =>
		(sandbox.mt5.simulator.state() as { accounts: Array<{ comment?: string; login: number }> }).accounts.filter(
			(account) => account.comment === `crm:${String(clientId)}`,
		);
	const crmAccountsOf = async (clientId: unknown) => ((await crmCall('GET', `/api/clients/${String(clientId)}/trading-accounts`)).data as unknown[]) ?? [];

	it('opens an MT5 account when the CRM approves KYC and writes the login back to the CRM', async () => {
		const client = await crmCall('POST', '/api/clients', {
			first_name: 'Eleni',
			last_name: 'Christodoulou',
			email: 'eleni.provision@example.com',
			phone: '+357 99 765432',
			country: 'CY',
		});
		await crmCall('PATCH', `/api/clients/${String(client.id)}`, { kyc_status: 'approved' });
		await sandbox.crm.simulator.idle();

		const deliveries = sandbox.crm.simulator.webhookSenders.crm.deliveries.filter((d) => d.status !== 'error');
		expect(deliveries.at(-1)?.status).toBe(200);
		const opened = mt5AccountsFor(client.id);
		expect(opened).toHaveLength(1);
		expect(await crmAccountsOf(client.id)).toEqual([
			expect.objectContaining({ platform: 'mt5', login: String(opened[0].login), group: 'real\\standard' }),
		]);
	});

	it('opens no second account and writes no second login when the approval is sent again', async () => {
		const client = await crmCall('POST', '/api/clients', {
			first_name: 'Jonas',
			last_name: 'Becker',
			email: 'jonas.provision@example.de',
			country: 'DE',
		});
		const approved = await crmCall('PATCH', `/api/clients/${String(client.id)}`, { kyc_status: 'approved' });
		await sandbox.crm.simulator.idle();
		const [again] = await sandbox.crm.simulator.sendEvent('client.kyc_approved', approved);

		expect(again.status).toBe(200);
		expect(mt5AccountsFor(client.id)).toHaveLength(1);
		expect(await crmAccountsOf(client.id)).toHaveLength(1);
	});

	it('refuses a client whose KYC status is not approved and alerts ops', async () => {
		const before = sandbox.alerts.simulator.received().length;
		const [delivery] = await sandbox.crm.simulator.sendEvent('client.kyc_approved', {
			id: 4242,
			first_name: 'Sam',
			last_name: 'Lee',
			email: 'sam.lee@example.com',
			country: 'GB',
			kyc_status: 'pending',
		});

		expect(delivery.status).toBe(200);
		expect(mt5AccountsFor(4242)).toHaveLength(0);
		const alerts = sandbox.alerts.simulator.received().slice(before);
		expect(alerts.map((a) => a.text)).toEqual(['Account provisioning for CRM client 4242 needs attention: KYC status is pending, not approved']);
	});
});
