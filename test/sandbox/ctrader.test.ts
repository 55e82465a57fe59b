import { CTraderSimulator, formatCTraderTime } from '../../sandbox/ctrader';
import { SandboxControl, startSimulator, type RunningSimulator } from '../../sandbox/framework';

// MD5 hex of "sandbox-manager-pass" and "new-manager-pass", computed outside the code under test
// (`printf %s 'sandbox-manager-pass' | md5sum`).
const MANAGER_PASSWORD_MD5 = 'b4cce7bd7759adf4d3faa5dcbbaddd76';
const NEW_MANAGER_PASSWORD_MD5 = '30e31198489fa3180c23458e80f91368';
const TRADER_PASSWORD_MD5 = 'eb9679f9255ec594db9db1a3aec0a871';

interface Answer {
	status: number;
	text: string;
	contentType: string;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
	json: any;
}

let running: RunningSimulator<CTraderSimulator>;
let ctrader: CTraderSimulator;

async function call(method: string, path: string, body?: unknown): Promise<Answer> {
	const response = await fetch(`${running.url}${path}`, {
		method,
		headers: body === undefined ? {} : { 'content-type': 'application/json' },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	const text = await response.text();
	let json: unknown;
	try {
		json = JSON.parse(text);
	} catch {
		json = undefined;
	}
	return { status: response.status, text, contentType: response.headers.get('content-type') ?? '', json };
}

async function token(hashedPassword = MANAGER_PASSWORD_MD5): Promise<string> {
	const answer = await call('POST', '/webserv/managers/token', { login: 30017, hashedPassword });
	expect(answer.status).toBe(200);
	return answer.json.webservToken as string;
}

/** An authenticated call: appends ?token= (or &token=) as the docs require. */
async function api(method: string, path: string, body?: unknown): Promise<Answer> {
	const t = await token();
	return await call(method, `${path}${path.includes('?') ? '&' : '?'}token=${t}`, body);
}

const newTrader = {
	accessRights: 'FULL_ACCESS',
	accountType: 'HEDGED',
	balance: '00',
	brokerName: 'sandboxbroker',
	depositCurrency: 'USD',
	groupName: 'Standard',
	hashedPassword: TRADER_PASSWORD_MD5,
	leverageInCents: 10000,
	totalMarginCalculationType: 'MAX',
};

beforeAll(async () => {
	running = await startSimulator(new CTraderSimulator());
	ctrader = running.simulator;
});
afterAll(async () => await running.close());
beforeEach(() => {
	ctrader.reset();
	ctrader.faults.clear();
});

describe('cTrader manager token', () => {
	it('is issued for the MD5 hex of the manager password and accepted as ?token=', async () => {
		const answer = await call('POST', '/webserv/managers/token', { login: 30017, hashedPassword: MANAGER_PASSWORD_MD5 });
		expect(answer.status).toBe(200);
		expect(answer.json.webservToken).toMatch(/^[0-9a-f-]{36}$/);
		const groups = await call('GET', `/webserv/tradergroups?token=${answer.json.webservToken}`);
		expect(groups.status).toBe(200);
		expect(groups.json.traderGroup.map((g: { name: string }) => g.name)).toContain('Standard');
	});

	it('is refused for the clear-text password or a wrong hash', async () => {
		expect((await call('POST', '/webserv/managers/token', { login: 30017, hashedPassword: 'sandbox-manager-pass' })).status).toBe(400);
		const wrong = await call('POST', '/webserv/managers/token', { login: 30017, hashedPassword: NEW_MANAGER_PASSWORD_MD5 });
		expect(wrong.status).toBe(403);
		expect(wrong.json.errorCode).toBe('CH_CLIENT_AUTH_FAILURE');
	});

	it('is the same token for the same password, so a client can keep reusing it', async () => {
		expect(await token()).toBe(await token());
	});

	it('rejects a request without a token or with an unknown one with 403 and a JSON error', async () => {
		const missing = await call('GET', '/webserv/traders/3100001');
		expect(missing.status).toBe(403);
		expect(missing.json).toMatchObject({ errorCode: 'CH_CLIENT_AUTH_FAILURE' });
		const unknown = await call('GET', '/webserv/traders/3100001?token=1dd4ef40-c5b3-61c0-0689-b1b40c97fadc');
		expect(unknown.status).toBe(403);
		expect(unknown.json.description).toMatch(/invalid/);
	});

	it('keeps working until the manager password changes, then is rejected and a new one is issued', async () => {
		const first = await token();
		expect((await call('GET', `/webserv/traders/3100001?token=${first}`)).status).toBe(200);
		expect((await call('GET', `/webserv/traders/3100001?token=${first}`)).status).toBe(200);
		ctrader.rotateManagerPassword('new-manager-pass');
		expect((await call('GET', `/webserv/traders/3100001?token=${first}`)).status).toBe(403);
		const second = await token(NEW_MANAGER_PASSWORD_MD5);
		expect(second).not.toBe(first);
		expect((await call('GET', `/webserv/traders/3100001?token=${second}`)).status).toBe(200);
		expect(ctrader.tokenRequestCount).toBe(2);
	});
});

describe('cTrader traders', () => {
	it('creates a trader from the required fields and returns its login', async () => {
		const answer = await api('POST', '/webserv/traders', newTrader);
		expect(answer.status).toBe(201);
		expect(answer.json).toMatchObject({ login: 3100101, groupName: 'Standard', balance: 0, moneyDigits: 2, leverageInCents: 10000 });
		expect((await api('GET', `/webserv/traders/${answer.json.login}`)).json.depositCurrency).toBe('USD');
	});

	it('refuses a create without a required field, naming it', async () => {
		const { leverageInCents: _omitted, ...withoutLeverage } = newTrader;
		const answer = await api('POST', '/webserv/traders', withoutLeverage);
		expect(answer.status).toBe(400);
		expect(answer.json).toMatchObject({ errorCode: 'INVALID_REQUEST' });
		expect(answer.json.description).toMatch(/leverageInCents/);
	});

	it('refuses an unknown brokerName with CH_PLANT_INVALID', async () => {
		const answer = await api('POST', '/webserv/traders', { ...newTrader, brokerName: 'otherbroker' });
		expect(answer.status).toBe(400);
		expect(answer.json.errorCode).toBe('CH_PLANT_INVALID');
	});

	it('shows money as integers scaled by 10^moneyDigits (234512 with moneyDigits 2 is 2345.12)', async () => {
		const answer = await api('GET', '/webserv/traders/3100001');
		expect(answer.json).toMatchObject({ balance: 234512, equity: 234512, freeMargin: 234512, moneyDigits: 2 });
		expect(answer.json.balance / 10 ** answer.json.moneyDigits).toBe(2345.12);
	});

	it('scales by the trader own moneyDigits (8 for a BTC account)', async () => {
		const login = ctrader.seedTrader({ depositCurrency: 'BTC', moneyDigits: 8, balance: '0.01234567' });
		const answer = await api('GET', `/webserv/traders/${login}`);
		expect(answer.json).toMatchObject({ balance: 1234567, moneyDigits: 8 });
	});

	it('answers 404 TRADER_NOT_FOUND for an unknown login', async () => {
		const answer = await api('GET', '/webserv/traders/999');
		expect(answer.status).toBe(404);
		expect(answer.json.errorCode).toBe('TRADER_NOT_FOUND');
	});

	it('PATCH changes only the given fields and never the balance', async () => {
		await api('PATCH', '/webserv/traders/3100001', { groupName: 'VIP', balance: 1 });
		const trader = (await api('GET', '/webserv/traders/3100001')).json;
		expect(trader).toMatchObject({ groupName: 'VIP', name: 'Maria', leverageInCents: 10000, balance: 234512 });
	});

	it('PUT replaces the trader: omitted optional fields go back to their defaults, balance stays', async () => {
		const { balance: _b, hashedPassword: _p, ...settings } = newTrader;
		const answer = await api('PUT', '/webserv/traders/3100001', { ...settings, leverageInCents: 5000 });
		expect(answer.status).toBe(200);
		const trader = (await api('GET', '/webserv/traders/3100001')).json;
		expect(trader).toMatchObject({ leverageInCents: 5000, balance: 234512, contactDetails: {} });
		expect(trader.name).toBeUndefined();
	});

	it('PUT without a mandatory field is refused with 400 and changes nothing', async () => {
		const answer = await api('PUT', '/webserv/traders/3100001', { groupName: 'VIP' });
		expect(answer.status).toBe(400);
		expect(answer.json.description).toMatch(/accessRights/);
		expect((await api('GET', '/webserv/traders/3100001')).json.groupName).toBe('Standard');
	});

	it('lists traders registered between from and to (UTC) with hasMore', async () => {
		const answer = await api('GET', '/webserv/traders/?from=2024-01-15T00:00:00.000&to=2024-01-15T23:59:59.999');
		expect(answer.status).toBe(200);
		expect(answer.json.hasMore).toBe(false);
		expect(answer.json.trader.map((t: { login: number }) => t.login)).toEqual([3100001]);
	});

	it('says hasMore when the list is cut at its limit', async () => {
		const limited = new CTraderSimulator({ traderListLimit: 1 });
		const other = await startSimulator(limited);
		try {
			const t = (await (await fetch(`${other.url}/webserv/managers/token`, { method: 'POST', body: JSON.stringify({ login: 30017, hashedPassword: MANAGER_PASSWORD_MD5 }) })).json()) as { webservToken: string };
			const list = (await (await fetch(`${other.url}/webserv/traders/?from=2024-01-01T00:00:00.000&to=2024-12-31T00:00:00.000&token=${t.webservToken}`)).json()) as { trader: unknown[]; hasMore: boolean };
			expect(list.trader).toHaveLength(1);
			expect(list.hasMore).toBe(true);
		} finally {
			await other.close();
		}
	});

	it('refuses a list time that is not yyyy-MM-ddTHH:mm:ss.SSS', async () => {
		const answer = await api('GET', '/webserv/traders/?from=2024-01-15&to=2024-01-16T00:00:00.000');
		expect(answer.status).toBe(400);
		expect(answer.json.description).toMatch(/"from"/);
	});
});

describe('cTrader changebalance', () => {
	const deposit = (extra: Record<string, unknown> = {}) => ({ login: 3100001, preciseAmount: 123.45, type: 'DEPOSIT', comment: 'psp', externalId: 'praxis:8823', externalNote: 'Card deposit', source: 'card', ...extra });

	it('deposits an exact decimal amount and returns a balanceHistoryId', async () => {
		const answer = await api('POST', '/webserv/traders/3100001/changebalance', deposit());
		expect(answer.status).toBe(200);
		expect(answer.json).toEqual({ balanceHistoryId: 6340680 });
		expect(ctrader.balanceOf(3100001)).toBe('2468.57');
		expect((await api('GET', '/webserv/traders/3100001')).json.balance).toBe(246857);
	});

	it('refuses the same externalId a second time and leaves the balance unchanged', async () => {
		await api('POST', '/webserv/traders/3100001/changebalance', deposit());
		const again = await api('POST', '/webserv/traders/3100001/changebalance', deposit());
		expect(again.status).toBe(400);
		expect(again.json.errorCode).toBe('INVALID_REQUEST');
		expect(again.json.description).toMatch(/externalId "praxis:8823" was already used by balanceHistoryId 6340680/);
		expect(ctrader.balanceOf(3100001)).toBe('2468.57');
		expect(ctrader.balanceHistory(3100001)).toHaveLength(1);
	});

	it('applies a repeated externalId twice when configured like a server that does not deduplicate', async () => {
		const lenient = await startSimulator(new CTraderSimulator({ externalIdPolicy: 'accept' }));
		try {
			const t = ((await (await fetch(`${lenient.url}/webserv/managers/token`, { method: 'POST', body: JSON.stringify({ login: 30017, hashedPassword: MANAGER_PASSWORD_MD5 }) })).json()) as { webservToken: string }).webservToken;
			for (let i = 0; i < 2; i++) {
				const response = await fetch(`${lenient.url}/webserv/traders/3100001/changebalance?token=${t}`, { method: 'POST', body: JSON.stringify(deposit()) });
				expect(response.status).toBe(200);
			}
			expect(lenient.simulator.balanceOf(3100001)).toBe('2592.02');
		} finally {
			await lenient.close();
		}
	});

	it('refuses a withdrawal beyond the balance with NOT_ENOUGH_MONEY', async () => {
		const answer = await api('POST', '/webserv/traders/3100001/changebalance', { login: 3100001, preciseAmount: '2345.13', type: 'WITHDRAW' });
		expect(answer.status).toBe(400);
		expect(answer.json.errorCode).toBe('NOT_ENOUGH_MONEY');
		expect(ctrader.balanceOf(3100001)).toBe('2345.12');
	});

	it('refuses a withdrawal beyond the free margin even when the balance covers it', async () => {
		ctrader.seedOpenPosition({ login: 3100001, usedMargin: '1000.00', unrealizedPnl: '-200.00' });
		const answer = await api('POST', '/webserv/traders/3100001/changebalance', { login: 3100001, preciseAmount: '1200', type: 'WITHDRAW' });
		expect(answer.status).toBe(400);
		expect(answer.json.errorCode).toBe('NOT_ENOUGH_MONEY');
		expect(answer.json.description).toMatch(/free margin 1145\.12/);
	});

	it('lets the skip-margin flag withdraw into a negative balance', async () => {
		const answer = await api('POST', '/webserv/traders/3100001/changebalance', { login: 3100001, preciseAmount: '2400', type: 'WITHDRAW', skipMarginCheck: true });
		expect(answer.status).toBe(200);
		expect(ctrader.balanceOf(3100001)).toBe('-54.88');
	});

	it('refuses a zero, negative or over-precise amount with CHANGE_BALANCE_BAD_AMOUNT', async () => {
		for (const preciseAmount of [0, -5, '10.001']) {
			const answer = await api('POST', '/webserv/traders/3100001/changebalance', { login: 3100001, preciseAmount, type: 'DEPOSIT' });
			expect(answer.status).toBe(400);
			expect(answer.json.errorCode).toBe('CHANGE_BALANCE_BAD_AMOUNT');
		}
		expect(ctrader.balanceOf(3100001)).toBe('2345.12');
	});

	it('moves the non-withdrawable bonus, not the balance, for the bonus types', async () => {
		await api('POST', '/webserv/traders/3100001/changebalance', { login: 3100001, preciseAmount: '50', type: 'DEPOSIT_NONWITHDRAWABLE_BONUS' });
		const trader = (await api('GET', '/webserv/traders/3100001')).json;
		expect(trader).toMatchObject({ balance: 234512, nonWithdrawableBonus: 5000, equity: 239512 });
	});

	it('applies the change when the answer is lost (timeoutAfterCommit)', async () => {
		const t = await token();
		ctrader.faults.add({ fault: { kind: 'timeoutAfterCommit' }, path: '/webserv/traders/3100001/changebalance' });
		await expect(
			fetch(`${running.url}/webserv/traders/3100001/changebalance?token=${t}`, { method: 'POST', body: JSON.stringify(deposit()) }),
		).rejects.toThrow();
		expect(ctrader.balanceOf(3100001)).toBe('2468.57');
		expect(ctrader.balanceHistory(3100001)[0]).toMatchObject({ externalId: 'praxis:8823', delta: '123.45' });
		// The retry a careful client makes is then refused instead of crediting twice.
		const retry = await call('POST', `/webserv/traders/3100001/changebalance?token=${t}`, deposit());
		expect(retry.status).toBe(400);
		expect(ctrader.balanceOf(3100001)).toBe('2468.57');
	});
});

describe('cTrader positions as CSV', () => {
	it('lists closed positions between from and to as CSV with UTC timestamps', async () => {
		const answer = await api('GET', '/webserv/closedPositions?from=2024-03-04T00:00:00.000&to=2024-03-05T00:00:00.000');
		expect(answer.status).toBe(200);
		expect(answer.contentType).toMatch(/^text\/csv/);
		const lines = answer.text.trim().split('\r\n');
		expect(lines[0]).toBe(
			'login,positionId,closingDealId,openTimestamp,closeTimestamp,entryPrice,closePrice,direction,volume,symbol,commission,swap,netPnl,depositToUsdConversionRate,quoteToDepositConversionRate',
		);
		expect(lines).toHaveLength(3);
		expect(lines[1]).toBe('3100001,51000001,78000001,2024-03-04T13:00:00.000,2024-03-04T14:00:00.000,1.08500,1.08620,BUY,100000,EURUSD,-3.50,0.00,116.50,1,1');
	});

	it('filters closed positions by login', async () => {
		const answer = await api('GET', '/webserv/closedPositions?from=2024-03-04T00:00:00.000&to=2024-03-05T00:00:00.000&login=3100002');
		expect(answer.text.trim().split('\r\n')).toHaveLength(1);
	});

	it('refuses a window longer than 2 days with 400', async () => {
		const answer = await api('GET', '/webserv/closedPositions?from=2024-03-01T00:00:00.000&to=2024-03-03T00:00:00.001');
		expect(answer.status).toBe(400);
		expect(answer.json.description).toMatch(/2 days/);
		const exactlyTwoDays = await api('GET', '/webserv/closedPositions?from=2024-03-01T00:00:00.000&to=2024-03-03T00:00:00.000');
		expect(exactlyTwoDays.status).toBe(200);
	});

	it('serves many generated rows quickly and exactly within the window', async () => {
		const from = Date.UTC(2024, 4, 1);
		ctrader.generateClosedPositions({ count: 20_000, fromMs: from, toMs: from + 2 * 86_400_000, logins: [3100001] });
		const answer = await api('GET', `/webserv/closedPositions?from=${formatCTraderTime(from)}&to=${formatCTraderTime(from + 86_400_000 - 1)}`);
		const rows = answer.text.trim().split('\r\n').slice(1);
		expect(rows).toHaveLength(10_000);
		for (const row of rows.slice(0, 50)) expect(row.split(',')[12]).toMatch(/^-?\d+\.\d{2}$/);
	});

	it('lists open positions as CSV', async () => {
		ctrader.seedOpenPosition({ login: 3100001, symbol: 'XAUUSD', volume: '10', entryPrice: '2035.50', usedMargin: '203.55' });
		const answer = await api('GET', '/webserv/openPositions?login=3100001');
		const lines = answer.text.trim().split('\r\n');
		expect(lines[0]).toBe('login,positionId,openTimestamp,entryPrice,direction,volume,symbol,commission,swap,unrealizedPnl,usedMargin');
		expect(lines[1]).toMatch(/^3100001,\d+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3},2035\.50,BUY,10,XAUUSD,0,0,0,203\.55$/);
	});
});

describe('cTrader control API', () => {
	it('shows the state and resets it from another process', async () => {
		await api('POST', '/webserv/traders/3100001/changebalance', { login: 3100001, preciseAmount: '1', type: 'DEPOSIT', externalId: 'x1' });
		const control = new SandboxControl(running.url);
		const state = await control.state<{ balanceHistory: Array<{ externalId: string }> }>();
		expect(state.balanceHistory.map((entry) => entry.externalId)).toEqual(['x1']);
		await control.reset();
		expect(ctrader.balanceOf(3100001)).toBe('2345.12');
	});

	it('sessionLoss drops the manager token, which is then rejected', async () => {
		const t = await token();
		ctrader.faults.add({ fault: { kind: 'sessionLoss' } });
		expect((await call('GET', `/webserv/traders/3100001?token=${t}`)).status).toBe(403);
	});
});
