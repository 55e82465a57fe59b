/**
 * The MT5 Web API simulator's money side, over real HTTP on loopback: balance operations
 * (`webapi_trade_balance`), deals (`webapi_deal_*`) and open positions (`webapi_position_get_batch`).
 */
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator, type AccountSeed } from '../../sandbox/mt5';
import { Mt5Connection, type Mt5Reply, type Query } from '../../sandbox/mt5/client';

const MANAGER = { login: 1015, password: 'Sandbox#Mgr1' };
const SUPPORT = { login: 1016, password: 'Support#Mgr1' };

/** 15 Jan 2026 10:00 UTC = 12:00 on the GMT+2 server clock. */
const NOW_UTC = Date.UTC(2026, 0, 15, 10, 0, 0);
const NOW_SERVER_S = Date.UTC(2026, 0, 15, 12, 0, 0) / 1000;
/** A window covering all of 2025 and 2026 in server seconds. */
const ALL_TIME = { from: Date.UTC(2025, 0, 1) / 1000, to: Date.UTC(2027, 0, 1) / 1000 };

function api(reply: Mt5Reply) {
	expect(reply.status).toBe(200);
	return reply.json;
}

describe('MT5 simulator: money, deals and positions', () => {
	let now = NOW_UTC;
	let running: RunningSimulator<Mt5Simulator>;
	let sim: Mt5Simulator;
	let connection: Mt5Connection;
	const accounts: AccountSeed[] = [
		{ login: 600001, group: 'real\\standard', name: 'Ana Silva', balance: 1000, registered: '2025-06-01T09:00:00Z' },
		{ login: 600002, group: 'real\\vip', name: 'Ben Okafor', balance: 5000, credit: 300, registered: '2025-06-02T09:00:00Z' },
		{ login: 600003, group: 'real\\eur', name: 'Chloé Martin', balance: 700, registered: '2025-06-03T09:00:00Z' },
	];

	beforeAll(async () => {
		running = await startSimulator(new Mt5Simulator({ nowMs: () => now, accounts }));
		sim = running.simulator;
	});
	afterAll(async () => await running.close());
	beforeEach(async () => {
		now = NOW_UTC;
		sim.reset();
		sim.faults.clear();
		connection = new Mt5Connection(running.url);
		expect((await connection.login(MANAGER.login, MANAGER.password)).answer.json.retcode).toBe('0 Done');
	});
	afterEach(() => connection.close());

	const balance = (query: Query) => connection.get('/api/trade/balance', query);
	const account = async (login: number) => api(await connection.get('/api/user/account/get', { login })).answer;
	const deals = async (query: Query) => api(await connection.get('/api/deal/get_batch', query)).answer;

	describe('trade/balance', () => {
		it('credits a deposit once and answers the deal ticket as a string', async () => {
			const reply = api(await balance({ login: 600001, type: 2, balance: '250.50', comment: 'praxis:8823' }));
			expect(reply).toEqual({ retcode: '0 Done', answer: { Ticket: expect.stringMatching(/^\d+$/) } });
			expect((await account(600001)).Balance).toBe('1250.50');
			expect(sim.dealsOf(600001).filter((d) => d.Comment === 'praxis:8823')).toHaveLength(1);
		});

		it('records the operation as a deal: Action = type, Entry 0, no symbol, Volume 0, the amount in Profit', async () => {
			const { answer } = api(await balance({ login: 600001, type: 2, balance: 250, comment: 'praxis:8823' }));
			const deal = api(await connection.get('/api/deal/get', { ticket: answer.Ticket })).answer;
			expect(deal).toMatchObject({
				Deal: answer.Ticket,
				Login: '600001',
				Dealer: String(MANAGER.login),
				Action: '2',
				Entry: '0',
				Symbol: '',
				Volume: '0',
				Profit: '250.00',
				Comment: 'praxis:8823',
			});
		});

		it('stamps the deal with SERVER time: Time and TimeMsc on the GMT+2 wall clock', async () => {
			now = NOW_UTC + 123;
			await connection.get('/api/test/access');
			const { answer } = api(await balance({ login: 600001, type: 2, balance: 10 }));
			const deal = api(await connection.get('/api/deal/get', { ticket: answer.Ticket })).answer;
			expect(deal.Time).toBe(String(NOW_SERVER_S));
			expect(deal.TimeMsc).toBe(String(NOW_SERVER_S * 1000 + 123));
		});

		it('stamps deals on both sides of the EU spring switch with the clock then in force', async () => {
			now = Date.UTC(2026, 2, 29, 0, 30, 0);
			await connection.login(MANAGER.login, MANAGER.password);
			const before = api(await balance({ login: 600001, type: 2, balance: 1 })).answer.Ticket;
			now = Date.UTC(2026, 2, 29, 1, 30, 0);
			await connection.login(MANAGER.login, MANAGER.password); // an hour idle ended the session
			const after = api(await balance({ login: 600001, type: 2, balance: 1 })).answer.Ticket;
			const times = (await deals({ ticket: `${before},${after}` })).map((d: { Time: string }) => Number(d.Time));
			expect(times).toEqual([Date.UTC(2026, 2, 29, 2, 30, 0) / 1000, Date.UTC(2026, 2, 29, 4, 30, 0) / 1000]);
		});

		it.each([
			[3, 'credit', { Balance: '5000.00', Credit: '400.00' }],
			[4, 'charge', { Balance: '5100.00', Credit: '300.00' }],
			[5, 'correction', { Balance: '5100.00', Credit: '300.00' }],
			[6, 'bonus', { Balance: '5100.00', Credit: '300.00' }],
		])('applies type %i (%s) and files a deal with that Action', async (type, _, expected) => {
			const { answer } = api(await balance({ login: 600002, type, balance: 100 }));
			expect(await account(600002)).toMatchObject(expected);
			expect(api(await connection.get('/api/deal/get', { ticket: answer.Ticket })).answer.Action).toBe(String(type));
		});

		it.each([0, 1, 7, 'x'])('refuses type %p with "3 Invalid parameters"', async (type) => {
			expect(api(await balance({ login: 600001, type, balance: 100 }))).toEqual({ retcode: '3 Invalid parameters' });
		});

		it.each([
			['zero', '0'],
			['not a number', '1,000'],
			['missing', undefined],
		])('refuses an amount that is %s with 3', async (_, amount) => {
			const query: Query = { login: 600001, type: 2 };
			if (amount !== undefined) query.balance = amount;
			expect(api(await balance(query))).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('refuses more than 1,000,000,000 in one operation with "4005 Money limit reached"', async () => {
			expect(api(await balance({ login: 600001, type: 2, balance: '1000000000.01' }))).toEqual({ retcode: '4005 Money limit reached' });
			expect(api(await balance({ login: 600001, type: 2, balance: '-1000000001' }))).toEqual({ retcode: '4005 Money limit reached' });
			expect(api(await balance({ login: 600001, type: 2, balance: '1000000000' })).retcode).toBe('0 Done');
		});

		it('answers 13 for an unknown login', async () => {
			expect(api(await balance({ login: 699999, type: 2, balance: 100 }))).toEqual({ retcode: '13 Not found' });
		});

		it('refuses a withdrawal beyond the balance with "10019 Not enough money", even without the margin check', async () => {
			expect(api(await balance({ login: 600001, type: 2, balance: '-1000.01', check_margin: 0 }))).toEqual({ retcode: '10019 Not enough money' });
			expect((await account(600001)).Balance).toBe('1000.00');
			expect(api(await balance({ login: 600001, type: 2, balance: '-1000.00' })).retcode).toBe('0 Done');
			expect((await account(600001)).Balance).toBe('0.00');
		});

		it('refuses a withdrawal beyond free margin with 10019 unless check_margin=0', async () => {
			sim.openPosition(600001, { symbol: 'EURUSD', side: 'buy', volumeLots: 1, openPrice: 1.1, margin: 800 });
			expect((await account(600001)).MarginFree).toBe('200.00');
			expect(api(await balance({ login: 600001, type: 2, balance: -300 }))).toEqual({ retcode: '10019 Not enough money' });
			expect(api(await balance({ login: 600001, type: 2, balance: -300, check_margin: 1 }))).toEqual({ retcode: '10019 Not enough money' });
			expect(api(await balance({ login: 600001, type: 2, balance: -300, check_margin: 0 })).retcode).toBe('0 Done');
			expect((await account(600001)).Balance).toBe('700.00');
		});

		it('refuses taking back more credit than was given with 10019', async () => {
			expect(api(await balance({ login: 600002, type: 3, balance: '-300.01' }))).toEqual({ retcode: '10019 Not enough money' });
			expect(api(await balance({ login: 600002, type: 3, balance: -300 })).retcode).toBe('0 Done');
			expect((await account(600002)).Credit).toBe('0.00');
		});

		it('truncates the comment to 31 characters (32 with the terminator)', async () => {
			const comment = 'praxis:8823:deposit:2026-01-15:retry-1';
			const { answer } = api(await balance({ login: 600001, type: 2, balance: 5, comment }));
			expect(api(await connection.get('/api/deal/get', { ticket: answer.Ticket })).answer.Comment).toBe(comment.slice(0, 31));
		});

		it('undoes MT5 escaping in the comment (\\| and \\= are | and =)', async () => {
			const { answer } = api(await balance({ login: 600001, type: 2, balance: 5, comment: 'ref\\=a\\|b' }));
			expect(api(await connection.get('/api/deal/get', { ticket: answer.Ticket })).answer.Comment).toBe('ref=a|b');
		});

		it('rounds the amount to the currency digits', async () => {
			api(await balance({ login: 600001, type: 2, balance: '0.005' }));
			expect((await account(600001)).Balance).toBe('1000.01');
		});

		it('writes EUR amounts of a EUR account with its digits', async () => {
			api(await balance({ login: 600003, type: 2, balance: '99.9' }));
			expect(await account(600003)).toMatchObject({ Balance: '799.90', CurrencyDigits: '2' });
		});

		it('refuses a manager without the Accountant permission with "8 Not enough permissions" and credits nothing', async () => {
			const support = new Mt5Connection(running.url);
			try {
				await support.login(SUPPORT.login, SUPPORT.password);
				expect(api(await support.get('/api/trade/balance', { login: 600001, type: 2, balance: 100 }))).toEqual({ retcode: '8 Not enough permissions' });
				expect(sim.state().accounts.find((a) => a.login === 600001)?.balance).toBe('1000.00');
			} finally {
				support.close();
			}
		});

		it('applies a balance operation whose answer is lost (timeoutAfterCommit): the deal exists once', async () => {
			sim.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/api/trade/balance' });
			await expect(balance({ login: 600001, type: 2, balance: 40, comment: 'praxis:9001' })).rejects.toThrow();
			const again = new Mt5Connection(running.url);
			try {
				await again.login(MANAGER.login, MANAGER.password);
				const found = api(await again.get('/api/deal/get_batch', { login: 600001, ...ALL_TIME })).answer.filter((d: { Comment: string }) => d.Comment === 'praxis:9001');
				expect(found).toHaveLength(1);
			} finally {
				again.close();
			}
		});
	});

	describe('deals', () => {
		it('writes a seeded trade as an IN deal and an OUT deal with profit, swap and commission', async () => {
			const { inDeal, outDeal } = sim.seedTrade(600001, {
				symbol: 'EURUSD',
				side: 'buy',
				volumeLots: 1.25,
				openPrice: 1.0831,
				closePrice: 1.0856,
				openTime: '2026-01-10T08:00:00Z',
				closeTime: '2026-01-10T15:30:00Z',
				profit: 312.5,
				swap: -1.2,
				commission: -7,
			});
			const [opened, closed] = await deals({ ticket: `${inDeal},${outDeal}` });
			expect(opened).toMatchObject({ Action: '0', Entry: '0', Symbol: 'EURUSD', Price: '1.08310', Volume: '12500', VolumeExt: '125000000', Profit: '0.00', Commission: '-3.50', Digits: '5' });
			expect(closed).toMatchObject({ Action: '1', Entry: '1', Price: '1.08560', Volume: '12500', Profit: '312.50', Storage: '-1.20', Commission: '-3.50', VolumeClosed: '12500' });
			expect(closed.PositionID).toBe(opened.PositionID);
			expect(opened.Time).toBe(String(Date.UTC(2026, 0, 10, 10, 0, 0) / 1000));
			// 1000 + 312.50 profit - 1.20 swap - 7.00 commission
			expect((await account(600001)).Balance).toBe('1304.30');
		});

		it('writes every deal field as a string', async () => {
			sim.seedTrade(600001, { symbol: 'XAUUSD', side: 'sell', volumeLots: 0.1, openPrice: 2351.2, closePrice: 2340.7, profit: 105 });
			for (const deal of await deals({ login: 600001, ...ALL_TIME })) {
				for (const [field, value] of Object.entries(deal)) if (field !== 'ApiData') expect([field, typeof value]).toEqual([field, 'string']);
			}
		});

		it('counts deals in a window of server seconds, both ends inclusive', async () => {
			sim.seedBalanceOperation(600001, 2, 10, 'a', '2026-01-05T10:00:00Z');
			sim.seedBalanceOperation(600001, 2, 10, 'b', '2026-01-06T10:00:00Z');
			const a = Date.UTC(2026, 0, 5, 12, 0, 0) / 1000;
			const b = Date.UTC(2026, 0, 6, 12, 0, 0) / 1000;
			const total = async (from: number, to: number) => api(await connection.get('/api/deal/get_total', { login: 600001, from, to })).answer.total;
			expect(await total(a, b)).toBe('2');
			expect(await total(a + 1, b)).toBe('1');
			expect(await total(a, b - 1)).toBe('1');
			expect(await total(ALL_TIME.from, ALL_TIME.to)).toBe('3');
		});

		it('selects by SERVER time: a deposit at 23:30 UTC on 31 January is a February deal on a GMT+2 server', async () => {
			sim.seedBalanceOperation(600001, 2, 10, 'late', '2026-01-31T23:30:00Z');
			const january = { from: Date.UTC(2026, 0, 1) / 1000, to: Date.UTC(2026, 1, 1) / 1000 - 1 };
			const february = { from: Date.UTC(2026, 1, 1) / 1000, to: Date.UTC(2026, 2, 1) / 1000 - 1 };
			expect((await deals({ login: 600001, ...january })).map((d: { Comment: string }) => d.Comment)).not.toContain('late');
			expect((await deals({ login: 600001, ...february })).map((d: { Comment: string }) => d.Comment)).toEqual(['late']);
		});

		it('requires from and to for login and group queries (retcode 3)', async () => {
			expect(api(await connection.get('/api/deal/get_total', { login: 600001 }))).toEqual({ retcode: '3 Invalid parameters' });
			expect(api(await connection.get('/api/deal/get_page', { login: 600001, from: 0, offset: 0, total: 10 }))).toEqual({ retcode: '3 Invalid parameters' });
			expect(api(await connection.get('/api/deal/get_batch', { group: 'real*', to: ALL_TIME.to }))).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('answers 13 for deals of an unknown login', async () => {
			expect(api(await connection.get('/api/deal/get_total', { login: 699999, ...ALL_TIME }))).toEqual({ retcode: '13 Not found' });
		});

		it('pages with offset and total, in time order', async () => {
			for (let day = 1; day <= 5; day++) sim.seedBalanceOperation(600001, 2, day, `d${day}`, `2026-01-0${day}T10:00:00Z`);
			const page = api(await connection.get('/api/deal/get_page', { login: 600001, ...ALL_TIME, offset: 2, total: 2 })).answer;
			expect(page.map((d: { Comment: string }) => d.Comment)).toEqual(['d2', 'd3']);
		});

		it('caps a page at 100 deals', async () => {
			sim.seedDeals(600001, { count: 250, start: '2026-01-02T00:00:00Z' });
			const page = api(await connection.get('/api/deal/get_page', { login: 600001, ...ALL_TIME, offset: 0, total: 1000 })).answer;
			expect(page).toHaveLength(100);
			const last = api(await connection.get('/api/deal/get_page', { login: 600001, ...ALL_TIME, offset: 200, total: 100 })).answer;
			expect(last).toHaveLength(51);
		});

		it('reads batches by login list, by group mask and by ticket; a symbol narrows them', async () => {
			sim.seedTrade(600002, { symbol: 'GBPUSD', side: 'buy', volumeLots: 1, openPrice: 1.27, closePrice: 1.28, profit: 1000, openTime: '2026-01-03T10:00:00Z', closeTime: '2026-01-04T10:00:00Z' });
			const logins = (list: Array<{ Login: string }>) => [...new Set(list.map((d) => d.Login))];
			expect(logins(await deals({ login: '600002,600003', ...ALL_TIME }))).toEqual(['600002', '600003']);
			expect(logins(await deals({ group: 'real*,!real\\vip', ...ALL_TIME }))).toEqual(['600001', '600003']);
			expect((await deals({ login: '600002', symbol: 'GBPUSD', ...ALL_TIME })).map((d: { Entry: string }) => d.Entry)).toEqual(['0', '1']);
			const first = sim.dealsOf(600001)[0].Deal as string;
			expect((await deals({ ticket: first })).map((d: { Deal: string }) => d.Deal)).toEqual([first]);
		});

		it('refuses get_batch with more than one selector with 3', async () => {
			expect(api(await connection.get('/api/deal/get_batch', { login: 600001, group: 'real*', ...ALL_TIME }))).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('answers 13 for an unknown deal ticket', async () => {
			expect(api(await connection.get('/api/deal/get', { ticket: 1 }))).toEqual({ retcode: '13 Not found' });
		});

		it('refuses a manager without access to trades with 8', async () => {
			const limited = await startSimulator(new Mt5Simulator({ accounts, managers: [{ login: 1, password: 'Limited#Mgr1', rights: ['accountsRead'] }] }));
			const other = new Mt5Connection(limited.url);
			try {
				await other.login(1, 'Limited#Mgr1');
				expect(api(await other.get('/api/deal/get_total', { login: 600001, ...ALL_TIME }))).toEqual({ retcode: '8 Not enough permissions' });
			} finally {
				other.close();
				await limited.close();
			}
		});

		it('seeds 200,000 deals quickly and serves the last page by binary search', async () => {
			const started = Date.now();
			sim.seedDeals(600001, { count: 200_000, start: '2025-02-01T00:00:00Z', stepSeconds: 60 });
			expect(Date.now() - started).toBeLessThan(2_000);
			const total = Number(api(await connection.get('/api/deal/get_total', { login: 600001, ...ALL_TIME })).answer.total);
			expect(total).toBe(200_001);
			const last = api(await connection.get('/api/deal/get_page', { login: 600001, ...ALL_TIME, offset: total - 1, total: 100 })).answer;
			expect(last).toHaveLength(1);
			// The 200,000th deal closes the 100,000th round trip, one minute per deal from 02:00 server time.
			expect(last[0]).toMatchObject({ Action: '1', Entry: '1', Profit: '1.50', Time: String(Date.UTC(2025, 1, 1, 2, 0, 0) / 1000 + 199_999 * 60) });
			expect(sim.state().dealCount).toBe(200_004); // + the seed's deposits and credit
		});

		it('keeps a login in time order when deals are seeded out of order', async () => {
			sim.seedBalanceOperation(600001, 2, 1, 'later', '2026-01-10T10:00:00Z');
			sim.seedBalanceOperation(600001, 2, 1, 'earlier', '2026-01-08T10:00:00Z');
			const comments = (await deals({ login: 600001, ...ALL_TIME })).map((d: { Comment: string }) => d.Comment);
			expect(comments).toEqual(['Initial deposit', 'earlier', 'later']);
		});
	});

	describe('positions', () => {
		it('answers open positions by login, group and ticket with numbers as strings; a symbol narrows them', async () => {
			const ticket = sim.openPosition(600002, { symbol: 'GBPUSD', side: 'sell', volumeLots: 2, openPrice: 1.2702, currentPrice: 1.2688, profit: 280, swap: -3.1, margin: 1270.2, openTime: '2026-01-14T07:00:00Z' });
			sim.openPosition(600001, { symbol: 'XAUUSD', side: 'buy', volumeLots: 0.1, openPrice: 2351.2, margin: 235.12 });
			const [position] = api(await connection.get('/api/position/get_batch', { login: 600002 })).answer;
			expect(position).toMatchObject({
				Position: String(ticket),
				Login: '600002',
				Symbol: 'GBPUSD',
				Action: '1',
				PriceOpen: '1.27020',
				PriceCurrent: '1.26880',
				Volume: '20000',
				Profit: '280.00',
				Storage: '-3.10',
				TimeCreate: String(Date.UTC(2026, 0, 14, 9, 0, 0) / 1000),
			});
			const byGroup = api(await connection.get('/api/position/get_batch', { group: 'real*' })).answer;
			expect(byGroup.map((p: { Login: string }) => p.Login)).toEqual(['600001', '600002']);
			expect(api(await connection.get('/api/position/get_batch', { group: 'real*', symbol: 'XAUUSD' })).answer).toHaveLength(1);
			expect(api(await connection.get('/api/position/get_batch', { ticket })).answer).toHaveLength(1);
		});

		it('closes a position into an OUT deal and moves its profit into the balance', async () => {
			const ticket = sim.openPosition(600001, { symbol: 'EURUSD', side: 'buy', volumeLots: 1, openPrice: 1.1, profit: 120, margin: 1100 });
			sim.closePosition(ticket, { closePrice: 1.1012 });
			expect(api(await connection.get('/api/position/get_batch', { login: 600001 })).answer).toEqual([]);
			expect(await account(600001)).toMatchObject({ Balance: '1120.00', Margin: '0.00' });
		});
	});

	it('shows in state() the accounts, the deal count, the last deals and the sessions', async () => {
		api(await balance({ login: 600001, type: 2, balance: 75, comment: 'psp:1' }));
		const state = sim.state();
		expect(state.accounts.find((a) => a.login === 600001)).toMatchObject({ balance: '1075.00', group: 'real\\standard', currency: 'USD' });
		expect(state.dealCount).toBe(5);
		expect(state.lastDeals.at(-1)).toMatchObject({ Comment: 'psp:1', Profit: '75.00' });
		expect(state.sessions).toEqual([expect.objectContaining({ login: MANAGER.login })]);
	});

	it('goes back to the seed on reset()', async () => {
		api(await balance({ login: 600001, type: 2, balance: 75 }));
		sim.reset();
		expect(sim.state().accounts.find((a) => a.login === 600001)?.balance).toBe('1000.00');
		expect(sim.state().dealCount).toBe(4);
		expect(sim.state().sessions).toEqual([]);
	});
});
