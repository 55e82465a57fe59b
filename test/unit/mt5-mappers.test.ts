/**
 * MT5 records → canonical shapes. Records are written as the Web API sends them (every number a
 * string, times on the server's wall clock); expectations are literal.
 */
import {
	dealKind,
	toAccountFigures,
	toDeal,
	toOpenPosition,
	toTradingAccount,
	toTradingGroup,
	volumeToLots,
} from '../../nodes/MetaTrader5/actions/mappers';
import { parseServerZone } from '../../lib/time';

const athens = parseServerZone('Europe/Athens');
const utcPlus2 = parseServerZone('UTC+2');

// 2025-01-15 10:00:00 on the server's wall clock (Athens winter, UTC+2).
const user = {
	Login: '700001',
	Group: 'real\\standard',
	Registration: '1736935200',
	Name: 'Maria Papadopoulou',
	FirstName: 'Maria',
	LastName: 'Papadopoulou',
	Email: 'maria@example.com',
	Leverage: '100',
	Balance: '5000.00',
	Credit: '0.00',
};

const account = {
	Login: '700001',
	CurrencyDigits: '2',
	Balance: '5000.00',
	Credit: '250.00',
	Margin: '1270.20',
	MarginFree: '4559.80',
	MarginLevel: '458.98',
	Equity: '5830.00',
};

function deal(fields: Record<string, string>): Record<string, string> {
	return {
		Deal: '100001',
		Login: '700001',
		Action: '2',
		Entry: '0',
		Symbol: '',
		Price: '0.00',
		Volume: '0',
		Profit: '0.00',
		Commission: '0.00',
		Storage: '0.00',
		PositionID: '0',
		Comment: '',
		Time: '1736935200',
		TimeMsc: '1736935200000',
		...fields,
	};
}

describe('toTradingAccount', () => {
	it('maps the user record and the trade account into one canonical account', () => {
		expect(toTradingAccount(user, account, athens, { currency: 'usd' })).toEqual({
			platform: 'mt5',
			login: '700001',
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
			createdAtUtc: '2025-01-15T08:00:00.000Z',
		});
	});

	it('without the trade account, takes balance and credit from the user record and leaves equity out', () => {
		const mapped = toTradingAccount(user, undefined, athens);
		expect(mapped).toMatchObject({ balance: '5000.00', credit: '0.00' });
		expect(mapped).not.toHaveProperty('equity');
		expect(mapped).not.toHaveProperty('currency');
	});

	it('builds the name from first and last name when Name is empty', () => {
		expect(toTradingAccount({ ...user, Name: '' }, undefined, athens).name).toBe('Maria Papadopoulou');
	});

	it('keeps the vendor records under raw only when asked', () => {
		expect(toTradingAccount(user, account, athens)).not.toHaveProperty('raw');
		expect(toTradingAccount(user, account, athens, { includeRaw: true }).raw).toEqual({ user, account });
	});

	it('reads the registration time with the server zone in force then', () => {
		// 2024-06-01 09:15:00 server wall clock: Athens summer (UTC+3), while a fixed UTC+2 server reads it 1 h later.
		expect(toTradingAccount({ ...user, Registration: '1717233300' }, undefined, athens).createdAtUtc).toBe('2024-06-01T06:15:00.000Z');
		expect(toTradingAccount({ ...user, Registration: '1717233300' }, undefined, utcPlus2).createdAtUtc).toBe('2024-06-01T07:15:00.000Z');
	});
});

describe('toAccountFigures', () => {
	it('leaves the margin level out when no margin is in use (MT5 writes 0.00 then)', () => {
		expect(toAccountFigures({ ...account, Margin: '0.00', MarginFree: '5250.00', MarginLevel: '0.00' })).toEqual({
			platform: 'mt5',
			login: '700001',
			balance: '5000.00',
			credit: '250.00',
			equity: '5830.00',
			margin: '0.00',
			freeMargin: '5250.00',
		});
	});

	it('refuses a money field that is not an exact decimal, naming it', () => {
		expect(() => toAccountFigures({ ...account, Equity: '5,830.00' })).toThrow('"Equity" must be a decimal number');
	});
});

describe('toDeal', () => {
	it('maps a closing trade with lots, price, profit, commission and swap', () => {
		const mapped = toDeal(
			deal({
				Deal: '100007',
				Action: '1',
				Entry: '1',
				Symbol: 'EURUSD',
				Price: '1.08560',
				Volume: '15000',
				Profit: '250.00',
				Commission: '-3.50',
				Storage: '-1.20',
				PositionID: '50000001',
				Comment: 'tp hit',
			}),
			athens,
		);
		expect(mapped).toEqual({
			platform: 'mt5',
			dealId: '100007',
			login: '700001',
			kind: 'trade',
			side: 'sell',
			entry: 'out',
			symbol: 'EURUSD',
			volumeLots: '1.5',
			price: '1.08560',
			profit: '250.00',
			commission: '-3.50',
			swap: '-1.20',
			positionId: '50000001',
			comment: 'tp hit',
			timeUtc: '2025-01-15T08:00:00.000Z',
		});
	});

	it('maps a balance operation with its signed amount in profit and no trade fields', () => {
		expect(toDeal(deal({ Action: '2', Profit: '-100.00', Comment: 'praxis:8823' }), athens)).toEqual({
			platform: 'mt5',
			dealId: '100001',
			login: '700001',
			kind: 'balance',
			profit: '-100.00',
			comment: 'praxis:8823',
			timeUtc: '2025-01-15T08:00:00.000Z',
		});
	});

	it('names every action code by its kind', () => {
		const kinds = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '15', '18'].map(
			(action) => toDeal(deal({ Action: action }), athens).kind,
		);
		expect(kinds).toEqual([
			'trade',
			'trade',
			'balance',
			'credit',
			'charge',
			'correction',
			'bonus',
			'commission',
			'commission',
			'commission',
			'other',
			'other',
			'other',
		]);
		expect(dealKind(undefined)).toBe('other');
	});

	it('gives buy and each entry their canonical names', () => {
		const entries = ['0', '1', '2', '3', '255'].map((entry) => toDeal(deal({ Action: '0', Entry: entry, Symbol: 'EURUSD' }), athens));
		expect(entries.map((d) => d.side)).toEqual(['buy', 'buy', 'buy', 'buy', 'buy']);
		expect(entries.map((d) => d.entry)).toEqual(['in', 'out', 'inout', 'out_by', undefined]);
	});

	it('converts lots exactly, without floating point', () => {
		expect(['1', '100', '1000', '10000', '12345', '3'].map((v) => volumeToLots(v))).toEqual([
			'0.0001',
			'0.01',
			'0.1',
			'1',
			'1.2345',
			'0.0003',
		]);
	});

	it('reads the autumn DST switch: 02:30 server time is still summer (UTC+3), 04:30 is winter (UTC+2)', () => {
		// Europe/Athens leaves summer time on 2025-10-26 at 04:00 local (01:00 UTC).
		const before = toDeal(deal({ Time: '1761445800', TimeMsc: '1761445800000' }), athens);
		const after = toDeal(deal({ Time: '1761453000', TimeMsc: '1761453000000' }), athens);
		expect(before.timeUtc).toBe('2025-10-25T23:30:00.000Z');
		expect(after.timeUtc).toBe('2025-10-26T02:30:00.000Z');
	});

	it('reads the spring DST switch: 02:30 server time is winter (UTC+2), 04:30 is summer (UTC+3)', () => {
		// Europe/Athens enters summer time on 2025-03-30 at 03:00 local (01:00 UTC).
		const before = toDeal(deal({ Time: '1743301800', TimeMsc: '1743301800000' }), athens);
		const after = toDeal(deal({ Time: '1743309000', TimeMsc: '1743309000000' }), athens);
		expect(before.timeUtc).toBe('2025-03-30T00:30:00.000Z');
		expect(after.timeUtc).toBe('2025-03-30T01:30:00.000Z');
	});

	it('keeps the milliseconds of TimeMsc, and falls back to Time without it', () => {
		expect(toDeal(deal({ TimeMsc: '1736935200123' }), athens).timeUtc).toBe('2025-01-15T08:00:00.123Z');
		expect(toDeal(deal({ TimeMsc: '' }), athens).timeUtc).toBe('2025-01-15T08:00:00.000Z');
	});

	it('keeps the deal record under raw only when asked', () => {
		const record = deal({});
		expect(toDeal(record, athens)).not.toHaveProperty('raw');
		expect(toDeal(record, athens, { includeRaw: true }).raw).toBe(record);
	});
});

describe('toOpenPosition', () => {
	it('maps an open position with lots, prices, floating profit, swap and UTC open time', () => {
		expect(
			toOpenPosition(
				{
					Position: '50000002',
					Login: '700002',
					Symbol: 'GBPUSD',
					Action: '1',
					TimeCreate: '1761453000',
					TimeCreateMsc: '1761453000000',
					PriceOpen: '1.27020',
					PriceCurrent: '1.27310',
					Volume: '20000',
					Profit: '-580.00',
					Storage: '-2.40',
					Comment: '',
				},
				athens,
			),
		).toEqual({
			platform: 'mt5',
			login: '700002',
			positionId: '50000002',
			symbol: 'GBPUSD',
			side: 'sell',
			volumeLots: '2',
			priceOpen: '1.27020',
			priceCurrent: '1.27310',
			profit: '-580.00',
			swap: '-2.40',
			timeUtc: '2025-10-26T02:30:00.000Z',
		});
	});
});

describe('toTradingGroup', () => {
	it('maps currency and margin call / stop-out levels with their unit', () => {
		expect(
			toTradingGroup({
				Group: 'real\\vip',
				Company: 'Sandbox Brokerage Ltd',
				Currency: 'USD',
				CurrencyDigits: '2',
				MarginSOMode: '0',
				MarginCall: '50.00',
				MarginStopOut: '20.00',
			}),
		).toEqual({
			platform: 'mt5',
			name: 'real\\vip',
			currency: 'USD',
			currencyDigits: 2,
			marginCall: '50.00',
			stopOut: '20.00',
			levelUnit: 'percent',
			company: 'Sandbox Brokerage Ltd',
		});
	});

	it('reports leverage only when the group record has one, and money levels as money', () => {
		const group = toTradingGroup({ Group: 'pro', Currency: 'eur', MarginSOMode: '1', Leverage: '200' });
		expect(group).toMatchObject({ currency: 'EUR', levelUnit: 'money', leverage: 200 });
		expect(toTradingGroup({ Group: 'pro' })).not.toHaveProperty('leverage');
	});
});

describe('volumeToLots: whole MT5 volumes take a shortcut that agrees with the exact division', () => {
	it('for every volume from 0 to 200,000 and some large ones', () => {
		const volumes = [...Array.from({ length: 200_001 }, (_, i) => i), 1_000_000_000, 123_456_789_012];
		for (const volume of volumes) expect(volumeToLots(String(volume))).toBe(volumeToLots(volume));
	});

	it('leaves anything else to the exact path', () => {
		expect(volumeToLots('0015')).toBe('0.0015');
		expect(volumeToLots(' 1500')).toBe('0.15');
		expect(() => volumeToLots('1,500')).toThrow('"Volume"');
	});
});
