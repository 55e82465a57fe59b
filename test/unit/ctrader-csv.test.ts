import { CsvError, parseCsvRecords, parseCsvRows } from '../../nodes/CTrader/transport/csv';

describe('cTrader report CSV', () => {
	it('keeps a quoted field with commas as one field', () => {
		expect(parseCsvRows('symbol,volume\r\n"US 500, Cash",10\r\n')).toEqual([
			['symbol', 'volume'],
			['US 500, Cash', '10'],
		]);
	});

	it('reads a doubled quote inside a quoted field as one quote', () => {
		expect(parseCsvRows('a,b\n"say ""hi""",2\n')).toEqual([
			['a', 'b'],
			['say "hi"', '2'],
		]);
	});

	it('keeps a line break inside a quoted field', () => {
		expect(parseCsvRows('comment,n\r\n"line one\r\nline two",1')).toEqual([
			['comment', 'n'],
			['line one\r\nline two', '1'],
		]);
	});

	it('keeps empty fields, including a trailing one, and ignores blank lines and a byte-order mark', () => {
		expect(parseCsvRows('\uFEFFa,b,c\n\n1,,\n')).toEqual([
			['a', 'b', 'c'],
			['1', '', ''],
		]);
	});

	it('keys records by the header and checks the columns it needs', () => {
		expect(parseCsvRecords('login,symbol\n3100101,"EUR,USD"\n', ['login'])).toEqual([{ login: '3100101', symbol: 'EUR,USD' }]);
		expect(() => parseCsvRecords('login,symbol\n1,x\n', ['netPnl'])).toThrow('the report has no column "netPnl" (the header)');
	});

	it('refuses a record with more fields than the header, naming the record', () => {
		expect(() => parseCsvRecords('a,b\n1,2\n1,2,3\n')).toThrow('a record has 3 fields where the header has 2 (record 2 after the header)');
	});

	it('refuses a quoted field that is never closed, naming the line it opened on', () => {
		const parse = () => parseCsvRows('a,b\n1,"open\n2,3\n');
		expect(parse).toThrow(CsvError);
		expect(parse).toThrow('a quoted field is never closed (line 2)');
	});

	it('refuses text after a closing quote', () => {
		expect(() => parseCsvRows('a\n"x"y\n')).toThrow('a quoted field is followed by "y" instead of a comma or a line end (line 2)');
	});
});
