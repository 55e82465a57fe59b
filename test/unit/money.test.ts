import {
	addDecimal,
	compareDecimal,
	currencyDigits,
	divideDecimal,
	fromMinorUnits,
	minorUnitsToNumber,
	MoneyError,
	multiplyDecimal,
	parseDecimal,
	roundDecimal,
	subtractDecimal,
	sumMoney,
	toMinorUnits,
	trimDecimal,
} from '../../lib/money';

describe('money: exact decimal arithmetic', () => {
	it('adds 0.1 and 0.2 to exactly 0.3 (no floating point)', () => {
		expect(addDecimal('0.1', '0.2')).toBe('0.3');
		expect(addDecimal(0.1, 0.2)).toBe('0.3');
	});

	it('subtracts across scales and signs', () => {
		expect(subtractDecimal('100', '0.01')).toBe('99.99');
		expect(subtractDecimal('-5.5', '4.50')).toBe('-10.00');
	});

	it('multiplies exactly and grows the scale', () => {
		expect(multiplyDecimal('19.99', '3')).toBe('59.97');
		expect(multiplyDecimal('1000.00', '0.035')).toBe('35.00000');
	});

	it('divides with the chosen rounding', () => {
		expect(divideDecimal('10', '3', 2)).toBe('3.33');
		expect(divideDecimal('2', '3', 2)).toBe('0.67');
		expect(divideDecimal('-2', '3', 2)).toBe('-0.67');
		expect(divideDecimal('1', '8', 2, 'half-even')).toBe('0.12');
		expect(divideDecimal('3', '8', 2, 'half-even')).toBe('0.38');
		expect(() => divideDecimal('1', '0', 2)).toThrow(/divide by zero/);
	});

	it('rounds half-up, half-even, down and up', () => {
		expect(roundDecimal('2.345', 2)).toBe('2.35');
		expect(roundDecimal('-2.345', 2)).toBe('-2.35');
		expect(roundDecimal('2.345', 2, 'half-even')).toBe('2.34');
		expect(roundDecimal('2.355', 2, 'half-even')).toBe('2.36');
		expect(roundDecimal('2.349', 2, 'down')).toBe('2.34');
		expect(roundDecimal('2.341', 2, 'up')).toBe('2.35');
		expect(roundDecimal('7', 2)).toBe('7.00');
	});

	it('normalises signs, exponents and leading points', () => {
		expect(parseDecimal('+100.50')).toBe('100.50');
		expect(parseDecimal('1e2')).toBe('100');
		expect(parseDecimal('1.5e-3')).toBe('0.0015');
		expect(parseDecimal('.5')).toBe('0.5');
		expect(parseDecimal(' 26000.00 ')).toBe('26000.00');
	});

	it('rejects thousands separators, words and non-finite numbers, naming the field', () => {
		expect(() => parseDecimal('1,000.00', 'amount')).toThrow(/"amount" must be a decimal number/);
		expect(() => parseDecimal('ten', 'amount')).toThrow(MoneyError);
		expect(() => parseDecimal(Number.NaN, 'fee')).toThrow(/"fee" must be a finite number/);
		expect(() => parseDecimal(undefined, 'amount')).toThrow(/got nothing/);
	});

	it('converts major to minor units and back exactly', () => {
		expect(toMinorUnits('12.34', 2)).toBe(1234n);
		expect(toMinorUnits('12.3', 2)).toBe(1230n);
		expect(toMinorUnits('0.00000001', 8)).toBe(1n);
		expect(fromMinorUnits(1234, 2)).toBe('12.34');
		expect(fromMinorUnits('-5', 2)).toBe('-0.05');
		expect(fromMinorUnits(0, 0)).toBe('0');
	});

	it('refuses to drop decimals silently when converting to minor units', () => {
		expect(() => toMinorUnits('12.345', 2, undefined, 'amount')).toThrow(/"amount" has more than 2 decimals/);
		expect(toMinorUnits('12.345', 2, 'half-up')).toBe(1235n);
	});

	it('refuses minor amounts that are not whole and numbers a double cannot hold', () => {
		expect(() => fromMinorUnits('12.5', 2, 'amountMinor')).toThrow(/whole number of minor units/);
		expect(() => minorUnitsToNumber(2n ** 60n)).toThrow(/too large/);
		expect(minorUnitsToNumber(123n)).toBe(123);
	});

	it('trims trailing zeros without touching whole numbers', () => {
		expect(trimDecimal('1.2500')).toBe('1.25');
		expect(trimDecimal('3.000')).toBe('3');
		expect(trimDecimal('100')).toBe('100');
		expect(trimDecimal('-0.10')).toBe('-0.1');
	});

	it('compares values of different scales', () => {
		expect(compareDecimal('1.10', '1.1')).toBe(0);
		expect(compareDecimal('-1', '0.5')).toBe(-1);
		expect(compareDecimal('10', '9.999')).toBe(1);
	});

	it('sums one currency and refuses to mix currencies', () => {
		expect(sumMoney([{ amount: '10.10', currency: 'usd' }, { amount: '0.90', currency: 'USD' }], 'USD')).toEqual({
			amount: '11.00',
			currency: 'USD',
		});
		expect(() => sumMoney([{ amount: '1', currency: 'EUR' }], 'USD')).toThrow(/cannot add EUR to USD/);
	});

	it('knows ISO decimals and asks for them when a currency is unknown', () => {
		expect(currencyDigits('jpy')).toBe(0);
		expect(currencyDigits('KWD')).toBe(3);
		expect(() => currencyDigits('XYZ', 'currency')).toThrow(/decimals of currency "XYZ" is not known/);
	});
});

describe('parseDecimal: text already in canonical form is returned as it is', () => {
	// The shortcut must agree with the full parse; " x" (a leading space) always takes the full parse.
	const samples = ['0', '-0', '-0.00', '0.00', '-0.01', '-0.10', '10', '-10', '26000.00', '0.50', '007', '00.5', '+1', '1e2', '-1E-2', '.5', '-.5', '10.', '-00.1', '123456789012345678901234567890.123'];
	it.each(samples)('%s', (text) => {
		let slow: string | Error;
		try {
			slow = parseDecimal(` ${text}`);
		} catch (error) {
			slow = error as Error;
		}
		if (slow instanceof Error) expect(() => parseDecimal(text)).toThrow(MoneyError);
		else expect(parseDecimal(text)).toBe(slow);
	});

	it('agrees with the full parse on 20,000 generated amounts', () => {
		let seed = 7;
		const next = (n: number) => {
			seed = (seed * 1103515245 + 12345) % 2147483648;
			return seed % n;
		};
		const digits = (length: number) => Array.from({ length }, () => String(next(10))).join('');
		for (let i = 0; i < 20_000; i++) {
			const text = `${['', '-', '+'][next(3)]}${digits(1 + next(6))}${next(2) ? `.${digits(1 + next(5))}` : ''}`;
			expect(parseDecimal(text)).toBe(parseDecimal(` ${text}`));
		}
	});
});
