import { chunk } from '../../lib/batchPerItem';

describe('splitting rows into batches', () => {
	it('keeps order and puts the remainder in the last batch', () => {
		expect(chunk([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
	});

	it('gives no batch for no rows', () => {
		expect(chunk([], 2000)).toEqual([]);
	});

	it('refuses a batch size below 1', () => {
		expect(() => chunk([1], 0)).toThrow(/at least 1/);
	});
});
