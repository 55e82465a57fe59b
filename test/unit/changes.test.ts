import { changesSince } from '../../lib/changes';

describe('changes since the last report', () => {
	const fields = ['balance', 'equity', 'margin'];

	it('reports every field the first time', () => {
		const memory = {};
		expect(changesSince(memory, '700001', { balance: '100.00', equity: '100.00', margin: '0.00' }, fields)).toEqual({
			changed: { balance: '100.00', equity: '100.00', margin: '0.00' },
			previous: {},
		});
	});

	it('reports nothing when nothing changed, and only the changed field otherwise', () => {
		const memory = {};
		changesSince(memory, '700001', { balance: '100.00', equity: '100.00', margin: '0.00' }, fields);
		expect(changesSince(memory, '700001', { balance: '100.00', equity: '100.00', margin: '0.00' }, fields)).toBeUndefined();
		expect(changesSince(memory, '700001', { balance: '100.00', equity: '97.50', margin: '0.00' }, fields)).toEqual({
			changed: { equity: '97.50' },
			previous: { equity: '100.00' },
		});
	});

	it('keeps records apart and treats a disappeared value as a change to null', () => {
		const memory = {};
		changesSince(memory, 'a', { balance: '1', equity: '1', margin: '1' }, fields);
		changesSince(memory, 'b', { balance: '2', equity: '2', margin: '2' }, fields);
		expect(changesSince(memory, 'a', { balance: '1', equity: '1' }, fields)).toEqual({ changed: { margin: null }, previous: { margin: '1' } });
		expect(changesSince(memory, 'b', { balance: '2', equity: '2', margin: '2' }, fields)).toBeUndefined();
	});
});
