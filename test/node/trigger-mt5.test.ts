/**
 * The MetaTrader 5 Trigger polls with a cursor in static data: across polls no event is emitted
 * twice and none is missed, including a deal booked with a time just before the last poll.
 */
import type { IDataObject, INodeParameters } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { activePoller, fromPackage, runPoll, type WorkflowJson } from '../runner';
import fixture from './fixtures/trigger-mt5.json';

const base = fixture as unknown as WorkflowJson;
const { resetBreakers } = fromPackage<typeof import('../../lib/circuitBreaker')>('lib/circuitBreaker');
const { closeMt5Sessions } = fromPackage<typeof import('../../nodes/MetaTrader5/transport/connection')>(
	'nodes/MetaTrader5/transport/connection',
);

function trigger(parameters: INodeParameters, staticData: IDataObject = {}): WorkflowJson {
	return { ...base, staticData, nodes: base.nodes.map((n) => ({ ...n, parameters: { ...n.parameters, ...parameters } })) };
}

describe('MetaTrader 5 Trigger', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	let login: number;
	const credentials = () => ({
		metaTrader5Api: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', serverTimeZone: 'Europe/Athens' },
	});
	/** Polls like n8n's scheduler: each poll starts from the static data the previous one left. */
	const poller = (parameters: INodeParameters) => {
		let staticData: IDataObject = {};
		return async () => {
			const result = await runPoll(trigger(parameters, staticData), { credentials: credentials() });
			staticData = result.staticData;
			return (result.items ?? []).map((item) => item.json);
		};
	};

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});
	beforeEach(() => {
		mt5.simulator.reset();
		resetBreakers();
		login = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Trigger Test', balance: 1000 });
	});

	it('starts from now, then emits each new balance operation once', async () => {
		const poll = poller({ event: 'balanceOperation' });
		expect(await poll()).toEqual([]);

		const ticket = mt5.simulator.seedBalanceOperation(login, 2, 250, 'praxis:1');
		const first = await poll();
		expect(first.map((deal) => deal.dealId)).toEqual([String(ticket)]);
		expect(first[0]).toMatchObject({ platform: 'mt5', kind: 'balance', profit: '250.00', comment: 'praxis:1' });
		expect(await poll()).toEqual([]);
	});

	it('does not miss a deal booked with a time just before the previous poll', async () => {
		const poll = poller({ event: 'balanceOperation' });
		await poll();
		await poll();
		const late = mt5.simulator.seedBalanceOperation(login, 3, 50, 'late booking', new Date(Date.now() - 120_000));
		expect((await poll()).map((deal) => deal.dealId)).toEqual([String(late)]);
	});

	it('emits closed trades (the OUT deal) and not the opening deal', async () => {
		const poll = poller({ event: 'closedTrade' });
		await poll();
		const { outDeal } = mt5.simulator.seedTrade(login, {
			symbol: 'EURUSD',
			side: 'buy',
			volumeLots: 1.5,
			openPrice: 1.1,
			closePrice: 1.101,
			profit: 150,
			swap: -2.5,
			commission: -7,
		});
		const deals = await poll();
		expect(deals.map((deal) => deal.dealId)).toEqual([String(outDeal)]);
		expect(deals[0]).toMatchObject({ kind: 'trade', entry: 'out', symbol: 'EURUSD', volumeLots: '1.5' });
	});

	it('emits a newly registered account once', async () => {
		const poll = poller({ event: 'newAccount' });
		await poll();
		const created = mt5.simulator.addAccount({ group: 'real\\vip', name: 'New Client' });
		mt5.simulator.addAccount({ group: 'demo\\forex', name: 'Demo Only' });
		const accounts = await poll();
		expect(accounts.map((account) => account.login)).toEqual([String(created)]);
		expect(await poll()).toEqual([]);
	});

	it('fires once when the margin level falls below the threshold, and again only after a recovery', async () => {
		const poll = poller({ event: 'marginCall', marginLevelThreshold: 100 });
		expect(await poll()).toEqual([]);

		const position = mt5.simulator.openPosition(login, { symbol: 'XAUUSD', side: 'buy', volumeLots: 5, openPrice: 2000, profit: -400, margin: 1000 });
		const fired = await poll();
		expect(fired).toHaveLength(1);
		expect(fired[0]).toMatchObject({ login: String(login), event: 'marginLevelBelowThreshold', thresholdPercent: '100' });
		expect(await poll()).toEqual([]);

		mt5.simulator.closePosition(position, { closePrice: 1990, profit: -400 });
		expect(await poll()).toEqual([]);
		mt5.simulator.openPosition(login, { symbol: 'XAUUSD', side: 'buy', volumeLots: 5, openPrice: 2000, profit: -300, margin: 1000 });
		expect(await poll()).toHaveLength(1);
	});

	it('uses a credential changed while the workflow is active from the next poll on (n8n keeps one context per activation)', async () => {
		// An admin saved a wrong password, the trigger fails; the admin fixes it without reactivating.
		const active = await activePoller(trigger({ event: 'balanceOperation' }), {
			credentials: { metaTrader5Api: { ...credentials().metaTrader5Api, password: 'wrong-password' } },
		});
		await expect(active.poll()).rejects.toThrow(/password|login|authori[sz]/i);
		active.credentials.metaTrader5Api = credentials().metaTrader5Api;
		closeMt5Sessions();
		expect(await active.poll()).toBeNull(); // logged in with the new password: starts from now
		const ticket = mt5.simulator.seedBalanceOperation(login, 2, 75, 'praxis:changed-credential');
		expect(((await active.poll()) ?? []).map((item) => item.json.dealId)).toEqual([String(ticket)]);
	});
});
