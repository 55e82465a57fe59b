/**
 * MetaTrader 5 accounts through the node as n8n runs it, against the MT5 simulator over real HTTP:
 * create, get, get many, get equity and update, with their error routing.
 */
import { join } from 'node:path';

import type { IDataObject, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { PACKAGE_ROOT, runWorkflow, type WorkflowJson } from '../runner';
import fixture from './fixtures/mt5-account.json';

/** The runner loads the node from dist/, so the sessions to close live in that copy of the transport. */
function closeMt5Sessions(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const transport = require(join(PACKAGE_ROOT, 'dist/nodes/MetaTrader5/transport/connection.js')) as typeof import('../../nodes/MetaTrader5/transport/connection');
	transport.closeMt5Sessions();
}

const NODE = 'MT5 Account';

function accountWorkflow(parameters: INodeParameters): WorkflowJson {
	const workflow = fixture as unknown as WorkflowJson;
	return { ...workflow, nodes: workflow.nodes.map((node) => ({ ...node, parameters: { ...node.parameters, ...parameters } })) };
}

const json = (items: INodeExecutionData[] | undefined) => (items ?? []).map((item) => item.json);

describe('MetaTrader 5 accounts', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	const run = async (parameters: INodeParameters, input: IDataObject[] = [{}], manager = { login: '1015', password: 'Sandbox#Mgr1' }) => {
		const result = await runWorkflow(accountWorkflow(parameters), {
			input,
			credentials: {
				metaTrader5Api: { serverUrl: mt5.url, ...manager, agent: 'n8n-test', serverTimeZone: 'detect' },
			},
		});
		const [main, errors] = result.outputs[NODE] ?? [];
		return { result, main: main ?? [], errors: errors ?? [] };
	};
	const accounts = () => mt5.simulator.state().accounts;

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});
	beforeEach(() => {
		mt5.simulator.reset();
		mt5.simulator.faults.clear();
	});

	describe('create', () => {
		const create = (parameters: INodeParameters = {}, input: IDataObject[] = [{}]) =>
			run(
				{
					operation: 'create',
					group: 'real\\standard',
					leverage: 200,
					firstName: 'Eleni',
					lastName: 'Christodoulou',
					email: 'eleni@example.com',
					additionalFields: { country: 'Cyprus', phone: '+35799123456' },
					...parameters,
				},
				input,
			);

		it('opens an account and returns its login, currency and generated passwords that MT5 accepts', async () => {
			const { main, errors } = await create();

			expect(errors).toHaveLength(0);
			expect(main).toHaveLength(1);
			const account = main[0].json;
			expect(account).toMatchObject({
				platform: 'mt5',
				login: '700000',
				group: 'real\\standard',
				currency: 'USD',
				leverage: 200,
				balance: '0.00',
				credit: '0.00',
				name: 'Eleni Christodoulou',
				email: 'eleni@example.com',
			});
			expect(account.createdAtUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
			expect(Math.abs(Date.parse(account.createdAtUtc as string) - Date.now())).toBeLessThan(60_000);
			for (const password of [account.mainPassword, account.investorPassword] as string[]) {
				expect(password).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{8,16}$/);
			}
			expect(account.mainPassword).not.toBe(account.investorPassword);
			expect(() => mt5.simulator.store.checkPassword(700000, 'main', account.mainPassword as string)).not.toThrow();
			expect(() => mt5.simulator.store.checkPassword(700000, 'investor', account.investorPassword as string)).not.toThrow();
			expect(mt5.simulator.store.user(700000).text).toMatchObject({
				FirstName: 'Eleni',
				LastName: 'Christodoulou',
				Country: 'Cyprus',
				Phone: '+35799123456',
			});
		});

		it('generates different passwords for every account', async () => {
			const { main } = await create({}, [{}, {}, {}]);

			expect(main.map((item) => item.json.login)).toEqual(['700000', '700001', '700002']);
			expect(new Set(main.map((item) => item.json.mainPassword)).size).toBe(3);
		});

		it('uses the passwords it is given', async () => {
			const { main } = await create({ options: { mainPassword: 'Given#Pass1', investorPassword: 'Read#Only22' } });

			expect(main[0].json).toMatchObject({ mainPassword: 'Given#Pass1', investorPassword: 'Read#Only22' });
			expect(() => mt5.simulator.store.checkPassword(700000, 'main', 'Given#Pass1')).not.toThrow();
		});

		it('refuses a leverage outside 1–500 before calling MT5, naming the field', async () => {
			const { main, errors } = await create({ leverage: '={{ 1000 }}' });

			expect(main).toHaveLength(0);
			expect(errors[0].json.error).toBe('"Leverage": must be a whole number from 1 to 500 (the N in 1:N); it is 1000');
			expect(accounts()).toHaveLength(0);
		});

		it('refuses a given password MT5 would reject, without repeating the password', async () => {
			const { errors } = await create({ options: { mainPassword: 'weakpass' } });

			const message = errors[0].json.error as string;
			expect(message).toMatch(/^"Main Password": needs an upper-case letter\./);
			expect(message).not.toContain('weakpass');
			expect(accounts()).toHaveLength(0);
		});

		it('routes an MT5 refusal to the error output with its retcode', async () => {
			const { errors } = await create({ group: 'real\\nope' });

			expect(errors[0].json.error).toBe(
				'MetaTrader 5 could not create an account in group real\\nope: a parameter is invalid (MT5 retcode 3 Invalid parameters)',
			);
			expect(errors[0].pairedItem).toEqual({ item: 0 });
		});

		it('tells a manager without the right to modify accounts what is missing (retcode 8)', async () => {
			const support = { login: '1016', password: 'Support#Mgr1' };
			const { errors } = await run(
				{ operation: 'create', group: 'real\\standard', leverage: 100, firstName: 'Eleni', lastName: 'Christodoulou' },
				[{}],
				support,
			);

			expect(errors[0].json.error).toBe(
				'MetaTrader 5 could not create an account in group real\\standard: the manager account lacks the permission for this (check its rights on the MT5 server) (MT5 retcode 8 Not enough permissions)',
			);
			expect(accounts()).toHaveLength(0);
		});

		it('refuses a missing last name and a malformed email, naming each field', async () => {
			const { errors } = await run(
				{
					operation: 'create',
					group: 'real\\standard',
					firstName: 'Eleni',
					lastName: '={{ $json.lastName }}',
					email: '={{ $json.email }}',
				},
				[{ lastName: '', email: 'eleni@example.com' }, { lastName: 'Christodoulou', email: 'not-an-email' }],
			);

			expect(json(errors).map((item) => item.error)).toEqual([
				'"Last Name": is required, e.g. Papadopoulou',
				'"Email": is not an email address (expected name@domain)',
			]);
			expect(accounts()).toHaveLength(0);
		});
	});

	describe('reading', () => {
		let maria: number;
		let jonas: number;
		let lucia: number;

		beforeEach(() => {
			maria = mt5.simulator.addAccount({
				group: 'real\\standard',
				name: 'Maria Papadopoulou',
				email: 'maria@example.com',
				leverage: 100,
				registered: '2025-01-15T08:00:00Z',
				balance: 5000,
				credit: 250,
				positions: [{ symbol: 'GBPUSD', side: 'buy', volumeLots: 2, openPrice: 1.2702, currentPrice: 1.2731, profit: 580, margin: 1270.2 }],
			});
			jonas = mt5.simulator.addAccount({ group: 'real\\vip', name: 'Jonas Weber', leverage: 200, balance: 25000 });
			lucia = mt5.simulator.addAccount({ group: 'real\\eur', name: 'Lucía García', leverage: 30, balance: 1200 });
			mt5.simulator.addAccount({ group: 'demo\\forex', name: 'Demo Trader', balance: 10000 });
		});

		it('gets an account with equity and margin merged in and its registration in UTC', async () => {
			const { main } = await run({ operation: 'get' }, [{ login: String(maria) }]);

			expect(main[0].json).toEqual({
				platform: 'mt5',
				login: String(maria),
				group: 'real\\standard',
				currency: 'USD',
				leverage: 100,
				balance: '5000.00',
				credit: '250.00',
				equity: '5830.00',
				margin: '1270.20',
				freeMargin: '4559.80',
				marginLevelPercent: '458.98',
				name: 'Maria Papadopoulou',
				email: 'maria@example.com',
				tradingEnabled: true,
				createdAtUtc: '2025-01-15T08:00:00.000Z',
			});
		});

		it('adds the vendor records under raw when asked', async () => {
			const { main } = await run({ operation: 'get', options: { includeRaw: true } }, [{ login: String(jonas) }]);

			expect(main[0].json.raw).toMatchObject({ user: { Login: String(jonas), Group: 'real\\vip' }, account: { Equity: '25000.00' } });
		});

		it('routes an unknown login to the error output with retcode 13, and a malformed one naming the field', async () => {
			const { main, errors } = await run({ operation: 'get' }, [{ login: '799999' }, { login: 'abc' }, { login: String(lucia) }]);

			expect(json(main).map((item) => item.login)).toEqual([String(lucia)]);
			expect(main[0].pairedItem).toEqual({ item: 2 });
			expect(json(errors).map((item) => item.error)).toEqual([
				'MetaTrader 5 could not read account 799999: not found (MT5 retcode 13 Not found)',
				'"Login": must be an MT5 login (a whole number such as 700001); it is "abc"',
			]);
			expect(errors.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }]);
		});

		it('gets many accounts by group mask, one item each, with each group currency', async () => {
			const { main } = await run({ operation: 'getAll', selectBy: 'group', groupMask: 'real*' });

			expect(json(main).map((item) => [item.login, item.group, item.currency, item.equity])).toEqual([
				[String(maria), 'real\\standard', 'USD', '5830.00'],
				[String(jonas), 'real\\vip', 'USD', '25000.00'],
				[String(lucia), 'real\\eur', 'EUR', '1200.00'],
			]);
		});

		it('excludes groups with a ! pattern', async () => {
			const { main } = await run({ operation: 'getAll', selectBy: 'group', groupMask: 'real*,!real\\vip' });

			expect(json(main).map((item) => item.login)).toEqual([String(maria), String(lucia)]);
		});

		it('gets many accounts by logins, and names the logins the server does not know', async () => {
			const known = await run({ operation: 'getAll', selectBy: 'logins', logins: `${lucia}, ${maria}` });
			expect(json(known.main).map((item) => item.login)).toEqual([String(lucia), String(maria)]);

			const withUnknown = await run({ operation: 'getAll', selectBy: 'logins', logins: `${maria},799998` });
			expect(withUnknown.main).toHaveLength(0);
			expect(withUnknown.errors[0].json.error).toBe(
				'"Logins": the server has no account 799998 (turn on "Skip Unknown Logins" to leave unknown logins out)',
			);
		});

		it('leaves unknown logins out when told to', async () => {
			const { main, errors } = await run({
				operation: 'getAll',
				selectBy: 'logins',
				logins: `${maria},799998`,
				options: { skipUnknownLogins: true },
			});

			expect(errors).toHaveLength(0);
			expect(json(main).map((item) => item.login)).toEqual([String(maria)]);
		});

		it('gets equity and margin of several logins as exact decimals', async () => {
			const { main } = await run({ operation: 'getEquity', selectBy: 'logins', logins: '={{ $json.logins }}' }, [
				{ logins: [maria, jonas] },
			]);

			expect(json(main)).toEqual([
				{
					platform: 'mt5',
					login: String(maria),
					balance: '5000.00',
					credit: '250.00',
					equity: '5830.00',
					margin: '1270.20',
					freeMargin: '4559.80',
					marginLevelPercent: '458.98',
				},
				{
					platform: 'mt5',
					login: String(jonas),
					balance: '25000.00',
					credit: '0.00',
					equity: '25000.00',
					margin: '0.00',
					freeMargin: '25000.00',
				},
			]);
		});

		it('gets equity of a whole group', async () => {
			const { main } = await run({ operation: 'getEquity', selectBy: 'group', groupMask: 'real\\eur' });

			expect(json(main).map((item) => [item.login, item.equity])).toEqual([[String(lucia), '1200.00']]);
		});

		it('routes a bad login list for equity to the error output, naming the field', async () => {
			const { main, errors } = await run({ operation: 'getEquity', selectBy: 'logins', logins: '={{ $json.logins }}' }, [
				{ logins: `${maria}, 7000x1` },
				{ logins: '' },
				{ logins: '799997' },
			]);

			expect(main).toHaveLength(0);
			expect(json(errors).map((item) => item.error)).toEqual([
				'"Logins": "7000x1" is not an MT5 login (a whole number such as 700001)',
				'"Logins": is required: give one or more MT5 logins, e.g. 700001, 700002',
				'"Logins": the server has no account 799997 (turn on "Skip Unknown Logins" to leave unknown logins out)',
			]);
		});
	});

	describe('update', () => {
		let login: number;
		const update = (updateFields: INodeParameters) => run({ operation: 'update', login: String(login), updateFields });

		beforeEach(() => {
			login = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Eleni Christodoulou', leverage: 100, balance: 500 });
			mt5.simulator.store.user(login).text.FirstName = 'Eleni';
			mt5.simulator.store.user(login).text.LastName = 'Christodoulou';
		});

		it('moves the account to another group and changes its leverage', async () => {
			const { main, errors } = await update({ group: 'real\\vip', leverage: 200 });

			expect(errors).toHaveLength(0);
			expect(main[0].json).toMatchObject({
				login: String(login),
				group: 'real\\vip',
				currency: 'USD',
				leverage: 200,
				balance: '500.00',
				updatedFields: ['group', 'leverage'],
			});
			expect(accounts()[0]).toMatchObject({ group: 'real\\vip', leverage: 200 });
		});

		it('restricts trading and lifts the restriction again, keeping the account\'s other rights', async () => {
			const before = mt5.simulator.store.user(login).rights;
			const restricted = await update({ trading: 'disabled' });

			expect(restricted.errors).toHaveLength(0);
			expect(restricted.main[0].json).toMatchObject({ login: String(login), tradingEnabled: false, updatedFields: ['trading'] });
			expect(mt5.simulator.store.user(login).rights).toBe(before | 0x4);

			const lifted = await update({ trading: 'enabled' });
			expect(lifted.main[0].json).toMatchObject({ tradingEnabled: true });
			expect(mt5.simulator.store.user(login).rights).toBe(before & ~0x4);
		});

		it('keeps the display name in step when only the last name changes', async () => {
			const { main } = await update({ lastName: 'Georgiou' });

			expect(main[0].json.name).toBe('Eleni Georgiou');
			expect(mt5.simulator.store.user(login).text).toMatchObject({ FirstName: 'Eleni', LastName: 'Georgiou', Name: 'Eleni Georgiou' });
		});

		it('reports a leverage MT5 silently ignored as an error naming the field and the value it kept', async () => {
			const { main, errors } = await update({ leverage: 1000 });

			expect(main).toHaveLength(0);
			expect(errors[0].json.error).toBe('"Leverage": MT5 kept 100; 1000 is not accepted (1–500).');
			expect(accounts()[0].leverage).toBe(100);
		});

		it('reports a group MT5 silently ignored, and says the other changes were applied', async () => {
			const { errors } = await update({ group: 'real\\vipp', email: 'eleni@example.com' });

			expect(errors[0].json.error).toBe(
				'"Group": MT5 kept real\\standard; real\\vipp is not accepted (the group may not exist, or the manager may not be allowed to use it). The other changes were applied.',
			);
			expect(accounts()[0]).toMatchObject({ group: 'real\\standard', email: 'eleni@example.com' });
		});

		it('explains retcode 3010: the target group has another currency, and nothing changed', async () => {
			const { errors } = await update({ group: 'real\\eur', leverage: 50 });

			expect(errors[0].json.error).toBe(
				`"Group": account ${login} is in USD (group real\\standard) and group real\\eur is in EUR; MT5 cannot move an account to a group with another currency (MT5 retcode 3010). Nothing was changed: choose a group in the account's currency, or open a new account in real\\eur.`,
			);
			expect(accounts()[0]).toMatchObject({ group: 'real\\standard', currency: 'USD', leverage: 100 });
		});

		it('refuses an update with no fields, and a non-whole leverage, naming the field', async () => {
			expect((await update({})).errors[0].json.error).toBe('"Update Fields": add at least one field to change');
			expect((await update({ leverage: '={{ "1:100" }}' })).errors[0].json.error).toBe(
				'"Leverage": must be a whole number (the N in 1:N); it is "1:100"',
			);
		});

		it('routes an unknown login to the error output with retcode 13', async () => {
			const { errors } = await run({ operation: 'update', login: '799999', updateFields: { leverage: 50 } });

			expect(errors[0].json.error).toBe('MetaTrader 5 could not update account 799999: not found (MT5 retcode 13 Not found)');
		});
	});
});
