/**
 * The cTrader node's account, group and token behaviour against the cTrader simulator over real
 * HTTP, run as n8n runs it: the manager token is fetched once and reused until cTrader rejects
 * it, money is scaled by moneyDigits exactly, updates are PATCHes that leave other fields alone.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { CTraderSimulator, md5Hex } from '../../sandbox/ctrader';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/ctrader-account.json';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const workflow = fixture as unknown as WorkflowJson;
const NODE = 'cTrader';

function withParameters(parameters: INodeParameters): WorkflowJson {
	return {
		...workflow,
		nodes: workflow.nodes.map((node: INode) => ({
			...node,
			parameters: { retryAndTimeout: node.parameters.retryAndTimeout, ...parameters },
		})),
	};
}

describe('cTrader accounts, groups and the manager token', () => {
	let ctrader: RunningSimulator<CTraderSimulator>;
	let managerPassword: string;
	// A fresh object per run: n8n writes the fetched token into the credential data it is given.
	const credentials = (overrides: IDataObject = {}) => ({
		cTraderApi: {
			baseUrl: ctrader.url,
			managerLogin: '30017',
			password: managerPassword,
			brokerName: 'sandboxbroker',
			webservToken: '',
			...overrides,
		},
	});
	const run = async (input: IDataObject[], wf = workflow, overrides: IDataObject = {}) =>
		await runWorkflow(wf, { input, credentials: credentials(overrides) });
	/** The token cTrader hands out now (the same password gives the same token back). */
	const currentToken = async (password = managerPassword) => {
		const answer = await fetch(`${ctrader.url}/webserv/managers/token`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify({ login: 30017, hashedPassword: md5Hex(password) }),
		});
		return ((await answer.json()) as { webservToken: string }).webservToken;
	};

	beforeAll(async () => {
		ctrader = await startSimulator(new CTraderSimulator({ seed: false }));
	});
	afterAll(async () => {
		await ctrader.close();
	});
	beforeEach(() => {
		ctrader.simulator.reset();
		ctrader.simulator.faults.clear();
		resetBreakers();
		managerPassword = 'sandbox-manager-pass';
	});

	describe('the manager token', () => {
		it('is requested once for a run of many calls', async () => {
			const logins = [1, 2, 3, 4, 5].map(() => ctrader.simulator.seedTrader({ balance: '10' }));
			const result = await run(logins.map((login) => ({ login: String(login) })));

			expect(result.outputs[NODE][0].map((item) => item.json.login)).toEqual(logins.map(String));
			expect(ctrader.simulator.tokenRequestCount).toBe(1);
		});

		it('is reused from the credential when one is stored, without asking cTrader again', async () => {
			const login = ctrader.simulator.seedTrader();
			const token = await currentToken();
			const before = ctrader.simulator.tokenRequestCount;

			await run([{ login: String(login) }, { login: String(login) }], workflow, { webservToken: token });

			expect(ctrader.simulator.tokenRequestCount).toBe(before);
		});

		it('is requested again, once, after the manager password changed and the stored token was rejected', async () => {
			const login = ctrader.simulator.seedTrader({ balance: '12.34' });
			const staleToken = await currentToken();
			ctrader.simulator.rotateManagerPassword('rotated-manager-pass');
			managerPassword = 'rotated-manager-pass'; // the admin updated the credential
			const before = ctrader.simulator.tokenRequestCount;

			const result = await run([{ login: String(login) }, { login: String(login) }, { login: String(login) }], workflow, {
				webservToken: staleToken,
			});

			expect(result.outputs[NODE][1] ?? []).toEqual([]);
			expect(result.outputs[NODE][0].map((item) => item.json.balance)).toEqual(['12.34', '12.34', '12.34']);
			expect(ctrader.simulator.tokenRequestCount).toBe(before + 1);
		});

		it('fails with the reason in words when the password in the credential is no longer the manager\'s', async () => {
			const login = ctrader.simulator.seedTrader();
			const staleToken = await currentToken();
			ctrader.simulator.rotateManagerPassword('rotated-manager-pass');

			const result = await run([{ login: String(login) }], workflow, { webservToken: staleToken });

			expect(result.outputs[NODE][0]).toEqual([]);
			expect(result.outputs[NODE][1][0].json.error).toContain(
				'cTrader refused the manager token request: HTTP 403 (CH_CLIENT_AUTH_FAILURE: Invalid manager login or password); check Manager Login and Password in the cTrader credential',
			);
		});

		it('sends the password only as its MD5: a credential holding the hash itself is refused', async () => {
			const login = ctrader.simulator.seedTrader();
			const result = await run([{ login: String(login) }], workflow, { password: md5Hex('sandbox-manager-pass') });

			expect(result.outputs[NODE][1][0].json.error).toContain('cTrader refused the manager token request: HTTP 403');
		});
	});

	describe('money in moneyDigits', () => {
		it.each([
			[0, '2345', '2345'],
			[2, '2345.12', '2345.12'],
			[3, '0.125', '0.125'],
		])('reads an account with moneyDigits %i exactly (balance %s)', async (moneyDigits, balance, expected) => {
			const login = ctrader.simulator.seedTrader({ moneyDigits, balance, depositCurrency: 'EUR' });
			const result = await run([{ login: String(login) }], withParameters({ resource: 'account', operation: 'equity', login: '={{ $json.login }}' }));

			expect(result.outputs[NODE][0][0].json).toEqual({
				platform: 'ctrader',
				login: String(login),
				currency: 'EUR',
				balance: expected,
				credit: moneyDigits === 0 ? '0' : `0.${'0'.repeat(moneyDigits)}`,
				equity: expected,
				margin: moneyDigits === 0 ? '0' : `0.${'0'.repeat(moneyDigits)}`,
				freeMargin: expected,
			});
		});

		it('reports equity, used margin, free margin and margin level from open positions, exact to the cent', async () => {
			const login = ctrader.simulator.seedTrader({ balance: '1000.00', nonWithdrawableBonus: '50.00' });
			ctrader.simulator.seedOpenPosition({ login, unrealizedPnl: '-120.35', usedMargin: '216.60' });
			const result = await run([{ login: String(login) }], withParameters({ resource: 'account', operation: 'equity', login: '={{ $json.login }}' }));

			// equity = 1000.00 + 50.00 − 120.35; level = 929.65 / 216.60 × 100
			expect(result.outputs[NODE][0][0].json).toMatchObject({
				balance: '1000.00',
				credit: '50.00',
				equity: '929.65',
				margin: '216.60',
				freeMargin: '713.05',
				marginLevelPercent: '429.20',
			});
		});
	});

	describe('create', () => {
		const create = (extra: INodeParameters = {}) =>
			withParameters({
				resource: 'account',
				operation: 'create',
				groupName: 'VIP',
				leverage: 200,
				depositCurrency: 'eur',
				accessRights: 'FULL_ACCESS',
				accountType: 'HEDGED',
				firstName: '={{ $json.firstName }}',
				lastName: '={{ $json.lastName }}',
				email: '={{ $json.email }}',
				...extra,
			});

		it('opens an account with leverage in cents, the MD5 of the given password and a zero balance', async () => {
			const result = await run([{ firstName: 'Anna', lastName: 'Pappas', email: 'Anna@Example.com' }], create({ additionalFields: { password: 'Client#Pass1', phone: '+35799123456' } }));

			const account = result.outputs[NODE][0][0].json;
			expect(account).toMatchObject({ platform: 'ctrader', group: 'VIP', currency: 'EUR', leverage: 200, balance: '0.00', name: 'Anna Pappas', email: 'anna@example.com' });
			expect(account.generatedPassword).toBeUndefined();
			const stored = ctrader.simulator.trader(Number(account.login));
			expect(stored).toMatchObject({ leverageInCents: 20000, brokerName: 'sandboxbroker', contactDetails: { email: 'anna@example.com', phone: '+35799123456' } });
			// The simulator keeps the hash; the password itself never left n8n.
			expect(JSON.stringify(ctrader.simulator.state())).not.toContain('Client#Pass1');
		});

		it('generates a password when none is given and returns it once, for the client', async () => {
			const result = await run([{ firstName: 'Nikos', lastName: 'Ioannou', email: 'nikos@example.com' }], create());

			const account = result.outputs[NODE][0][0].json;
			expect(account.generatedPassword).toMatch(/^(?=.*[A-Z])(?=.*[a-z])(?=.*\d)[A-Za-z\d]{12}$/);
			// cTrader's own password check accepts it: the account got the MD5 of the password returned.
			const check = await fetch(`${ctrader.url}/webserv/traders/${String(account.login)}/checkpassword?token=${await currentToken()}`, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ hashedPassword: md5Hex(String(account.generatedPassword)) }),
			});
			expect(check.status).toBe(204);
		});

		it('routes an unknown group to the error output with cTrader\'s reason', async () => {
			const result = await run([{ firstName: 'A', lastName: 'B', email: 'a@example.com' }], create({ groupName: 'Nope' }));

			expect(result.outputs[NODE][1][0].json.error).toBe(
				'cTrader could not create an account in group Nope: the trader group does not exist (TRADER_GROUP_NOT_FOUND: trader group "Nope" not found)',
			);
		});

		it('refuses a leverage with more than two decimals, naming the field', async () => {
			const result = await run([{ firstName: 'A', lastName: 'B', email: 'a@example.com' }], create({ leverage: 33.333 }));

			expect(result.outputs[NODE][1][0].json.error).toContain('"Leverage" has more than 2 decimals');
			expect(ctrader.simulator.state().traders).toHaveLength(0);
		});
	});

	describe('update', () => {
		it('changes only the fields given (PATCH), leaving name, contact details and settings as they were', async () => {
			const login = ctrader.simulator.seedTrader({ name: 'Maria', lastName: 'Georgiou', email: 'maria@example.com', groupName: 'Standard', balance: '500' });
			const before = ctrader.simulator.trader(login) as IDataObject;

			const result = await run(
				[{ login: String(login) }],
				withParameters({ resource: 'account', operation: 'update', login: '={{ $json.login }}', updateFields: { groupName: 'VIP', leverage: 50 } }),
			);

			const after = ctrader.simulator.trader(login) as IDataObject;
			expect(result.outputs[NODE][0][0].json).toMatchObject({ group: 'VIP', leverage: 50, name: 'Maria Georgiou', email: 'maria@example.com', balance: '500.00' });
			const unchanged = (record: IDataObject) => ({ ...record, groupName: undefined, leverageInCents: undefined, lastUpdateTimestamp: undefined });
			expect(unchanged(after)).toEqual(unchanged(before));
			expect(after).toMatchObject({ groupName: 'VIP', leverageInCents: 5000 });
		});

		it('merges a new email into the contact details instead of replacing them', async () => {
			const login = ctrader.simulator.seedTrader({ email: 'old@example.com' });
			await run([{ login: String(login) }], withParameters({ resource: 'account', operation: 'update', login: '={{ $json.login }}', updateFields: { phone: '+35799000111' } }));

			await run([{ login: String(login) }], withParameters({ resource: 'account', operation: 'update', login: '={{ $json.login }}', updateFields: { email: 'New@Example.com' } }));

			expect(ctrader.simulator.trader(login)?.contactDetails).toEqual({ email: 'new@example.com', phone: '+35799000111' });
		});

		it('asks for at least one field instead of sending an empty change', async () => {
			const login = ctrader.simulator.seedTrader();
			const result = await run([{ login: String(login) }], withParameters({ resource: 'account', operation: 'update', login: '={{ $json.login }}', updateFields: {} }));

			expect(result.outputs[NODE][1][0].json.error).toBe('"Update Fields": add at least one field to change');
		});
	});

	describe('get many', () => {
		const day = 24 * 60 * 60 * 1000;
		const start = Date.UTC(2025, 0, 1);

		it('lists every account registered in the range, oldest first, even when cTrader answers in capped pages', async () => {
			const capped = await startSimulator(new CTraderSimulator({ seed: false, traderListLimit: 3 }));
			try {
				const logins = Array.from({ length: 10 }, (_, i) => capped.simulator.seedTrader({ registrationTimestamp: start + i * 3_600_000 }));
				capped.simulator.seedTrader({ registrationTimestamp: start + 2 * day }); // outside the range
				const result = await runWorkflow(
					withParameters({ resource: 'account', operation: 'getMany', from: '2025-01-01T00:00:00Z', to: '2025-01-01T23:59:59.999Z', returnAll: true }),
					{ input: [{}], credentials: { cTraderApi: { ...credentials().cTraderApi, baseUrl: capped.url } } },
				);

				expect(result.outputs[NODE][0].map((item) => item.json.login)).toEqual(logins.map(String));
				expect(result.outputs[NODE][0][0].json.createdAtUtc).toBe('2025-01-01T00:00:00.000Z');
			} finally {
				await capped.close();
			}
		});

		it('filters by group name and stops at the limit', async () => {
			const vip = [0, 1, 2].map((i) => ctrader.simulator.seedTrader({ groupName: 'VIP', registrationTimestamp: start + i * 1000 }));
			ctrader.simulator.seedTrader({ groupName: 'Standard', registrationTimestamp: start + 500 });
			const result = await run(
				[{}],
				withParameters({ resource: 'account', operation: 'getMany', from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', groupName: 'VIP', returnAll: false, limit: 2 }),
			);

			expect(result.outputs[NODE][0].map((item) => item.json.login)).toEqual(vip.slice(0, 2).map(String));
		});

		it('names the unknown group and lists the known ones', async () => {
			const result = await run([{}], withParameters({ resource: 'account', operation: 'getMany', from: '2025-01-01T00:00:00Z', to: '2025-01-02T00:00:00Z', groupName: 'Gold' }));

			expect(result.outputs[NODE][1][0].json.error).toBe('"Group": cTrader has no trader group "Gold" (it has: Default, Standard, ECN, VIP)');
		});
	});

	it('lists the trader groups', async () => {
		const result = await run([{}], withParameters({ resource: 'group', operation: 'getMany' }));

		expect(result.outputs[NODE][0].map((item) => item.json)).toEqual([
			{ platform: 'ctrader', groupId: '1', name: 'Default', description: 'Default group' },
			{ platform: 'ctrader', groupId: '2', name: 'Standard', description: 'Retail standard, USD' },
			{ platform: 'ctrader', groupId: '3', name: 'ECN', description: 'Raw spread with commission' },
			{ platform: 'ctrader', groupId: '4', name: 'VIP', description: 'VIP clients' },
		]);
	});

	it('says there is no such trader when the login is unknown', async () => {
		const result = await run([{ login: '999999' }]);

		expect(result.outputs[NODE][1][0].json.error).toBe(
			'cTrader could not read trader 999999: there is no trader account with this login (TRADER_NOT_FOUND: trader 999999 not found)',
		);
	});
});
