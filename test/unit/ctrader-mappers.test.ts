import { leverageInCents, leverageOf, scaledMoney, toAccountFigures, toClosedDeal, unitsToLots } from '../../nodes/CTrader/actions/mappers';

describe('cTrader money in moneyDigits', () => {
	it('scales whole units by 10^moneyDigits exactly', () => {
		expect(scaledMoney({ moneyDigits: 2, equity: 234512 }, 'equity')).toBe('2345.12');
		expect(scaledMoney({ moneyDigits: 0, equity: 234512 }, 'equity')).toBe('234512');
		expect(scaledMoney({ moneyDigits: 8, equity: 1 }, 'equity')).toBe('0.00000001');
		expect(scaledMoney({ moneyDigits: 2, balance: -5 }, 'balance')).toBe('-0.05');
	});

	it('stays exact up to the largest whole number a JSON number carries', () => {
		expect(scaledMoney({ moneyDigits: 2, balance: 9007199254740991 }, 'balance')).toBe('90071992547409.91');
	});

	it('refuses a record without moneyDigits rather than guessing a scale', () => {
		expect(() => toAccountFigures({ login: 7, balance: 100 })).toThrow('cTrader\'s record of trader 7 has no usable "moneyDigits" (missing)');
	});

	it('refuses a money field that is not a whole number of units', () => {
		expect(() => scaledMoney({ moneyDigits: 2, balance: 10.5 }, 'balance')).toThrow('"balance" must be a whole number of 10^moneyDigits units, got 10.5');
	});

	it('leaves the margin level out while no margin is used', () => {
		expect(toAccountFigures({ login: 1, moneyDigits: 2, balance: 100, equity: 100, usedMargin: 0, freeMargin: 100 }).marginLevelPercent).toBeUndefined();
	});
});

describe('cTrader leverage in cents', () => {
	it('turns 1:N into N × 100 and back', () => {
		expect(leverageInCents(100)).toBe(10000);
		expect(leverageInCents('33.33')).toBe(3333);
		expect(leverageOf({ leverageInCents: 3000 })).toBe(30);
		expect(leverageOf({ leverageInCents: 3333 })).toBe(33.33);
	});

	it('refuses zero, negatives and a third decimal', () => {
		expect(() => leverageInCents(0)).toThrow('"Leverage" must be positive');
		expect(() => leverageInCents('1.005')).toThrow('"Leverage" has more than 2 decimals');
	});
});

describe('cTrader closed positions as canonical deals', () => {
	const row = {
		login: '3100001',
		positionId: '51000001',
		closingDealId: '78000001',
		openTimestamp: '2024-03-04T13:00:00.000',
		closeTimestamp: '2024-03-04T14:00:00.000',
		entryPrice: '1.08500',
		closePrice: '1.08620',
		direction: 'BUY',
		volume: '100000',
		symbol: 'EURUSD',
		commission: '-3.50',
		swap: '0.00',
		netPnl: '116.50',
		depositToUsdConversionRate: '1',
		quoteToDepositConversionRate: '1',
	};

	it('reports the closing deal of a BUY position as a sell "out", with gross profit and costs apart', () => {
		expect(toClosedDeal(row)).toEqual({
			platform: 'ctrader',
			dealId: '78000001',
			login: '3100001',
			kind: 'trade',
			side: 'sell',
			entry: 'out',
			symbol: 'EURUSD',
			volumeLots: '1',
			price: '1.08620',
			profit: '120.00',
			commission: '-3.50',
			swap: '0.00',
			positionId: '51000001',
			timeUtc: '2024-03-04T14:00:00.000Z',
		});
	});

	it('converts commission and swap from USD into the deposit currency with the row\'s rate', () => {
		// A EUR account: 1 EUR = 1.25 USD, so -5.00 USD commission is -4.00 EUR.
		const deal = toClosedDeal({ ...row, commission: '-5.00', swap: '-1.25', netPnl: '95.00', depositToUsdConversionRate: '1.25' });
		expect(deal).toMatchObject({ commission: '-4.00', swap: '-1.00', profit: '100.00' });
	});

	it('turns base-asset units into lots with the contract size', () => {
		expect(unitsToLots('150000')).toBe('1.5');
		expect(unitsToLots('1000')).toBe('0.01');
		expect(unitsToLots('250', '100')).toBe('2.5');
		expect(toClosedDeal({ ...row, symbol: 'XAUUSD', volume: '30' }, { contractSize: '100' }).volumeLots).toBe('0.3');
	});
});
