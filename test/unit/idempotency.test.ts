import { ClaimStore, contentKey, fitKey, idempotencyKey, onceInProcess, processClaims } from '../../lib/idempotency';

describe('idempotency keys', () => {
	it('derives a readable key from the source and its event id', () => {
		expect(idempotencyKey('praxis', 8823)).toBe('praxis:8823');
		expect(idempotencyKey('coinspaid', 'a1b2', 'fee')).toBe('coinspaid:a1b2:fee');
	});

	it('refuses empty ids and characters MT5 treats specially', () => {
		expect(() => idempotencyKey('praxis', '')).toThrow(/"idempotency key id": is empty/);
		expect(() => idempotencyKey('praxis', 'a|b')).toThrow(/characters other than/);
		expect(() => idempotencyKey('praxis', 'a b')).toThrow(/characters other than/);
	});

	it('derives the same content key whatever the field order', () => {
		const a = contentKey('crm', { amount: '10', login: '7001', at: '2026-11-26' }, ['login', 'amount', 'at']);
		const b = contentKey('crm', { at: '2026-11-26', login: '7001', amount: '10' }, ['at', 'amount', 'login']);
		const c = contentKey('crm', { at: '2026-11-26', login: '7001', amount: '11' }, ['at', 'amount', 'login']);
		expect(a).toBe(b);
		expect(a).not.toBe(c);
		expect(a).toMatch(/^crm:[A-Za-z0-9_-]{22}$/);
		expect(() => contentKey('crm', { login: '1' }, ['login', 'amount'])).toThrow(/"amount": is missing/);
	});

	it('keeps a key that fits and shortens a long one stably and uniquely', () => {
		expect(fitKey('praxis:8823', 31)).toBe('praxis:8823');
		const long = 'coinspaid:5f0c2d8e-1b7a-4a57-9d1e-3f2b8c9a0d11';
		const fitted = fitKey(long, 31);
		expect(fitted).toHaveLength(31);
		expect(fitted.startsWith('coinspaid:5f0c2d8e~')).toBe(true);
		expect(fitKey(long, 31)).toBe(fitted);
		expect(fitKey(`${long}x`, 31)).not.toBe(fitted);
	});
});

describe('claim store', () => {
	it('lets exactly one of many concurrent claims on a key through', async () => {
		const store = new ClaimStore();
		const outcomes = await Promise.all(Array.from({ length: 10 }, async () => store.claim('praxis:1')));
		expect(outcomes.filter((o) => o.status === 'claimed')).toHaveLength(1);
		expect(outcomes.filter((o) => o.status === 'in_progress')).toHaveLength(9);
	});

	it('answers a late duplicate with the stored result', () => {
		const store = new ClaimStore<{ ticket: string }>();
		store.claim('praxis:2');
		store.complete('praxis:2', { ticket: '136623' });
		expect(store.claim('praxis:2')).toMatchObject({ status: 'done', result: { ticket: '136623' } });
	});

	it('frees a key after a failure so a retry can claim it', () => {
		const store = new ClaimStore();
		store.claim('praxis:3');
		store.release('praxis:3');
		expect(store.claim('praxis:3').status).toBe('claimed');
	});

	it('expires a stuck claim and a remembered result after their time to live', () => {
		let now = 0;
		const store = new ClaimStore({ inProgressTtlMs: 1000, doneTtlMs: 5000, maxEntries: 10 }, () => now);
		store.claim('k');
		now = 999;
		expect(store.claim('k').status).toBe('in_progress');
		now = 1000;
		expect(store.claim('k').status).toBe('claimed');
		store.complete('k', 'r');
		now = 5999;
		expect(store.claim('k').status).toBe('done');
		now = 6000;
		expect(store.claim('k').status).toBe('claimed');
	});

	it('keeps at most maxEntries keys, dropping the oldest', () => {
		const store = new ClaimStore({ inProgressTtlMs: 1000, doneTtlMs: 1000, maxEntries: 2 }, () => 0);
		store.claim('a');
		store.claim('b');
		store.claim('c');
		expect(store.size).toBe(2);
		expect(store.claim('a').status).toBe('claimed');
	});
});

describe('once in process', () => {
	beforeEach(() => processClaims.clear());

	it('runs concurrent duplicates once and tells them apart', async () => {
		let runs = 0;
		const work = async () => {
			runs++;
			await new Promise((resolve) => setImmediate(resolve));
			return { ticket: '7' };
		};
		const outcomes = await Promise.all(Array.from({ length: 5 }, async () => await onceInProcess('k:1', work)));
		expect(runs).toBe(1);
		expect(outcomes.filter((o) => !o.duplicate)).toHaveLength(1);
		expect(outcomes.every((o) => o.result.ticket === '7')).toBe(true);
	});

	it('answers a later duplicate from memory, unless told not to remember', async () => {
		let runs = 0;
		const work = async () => ++runs;
		await onceInProcess('k:2', work);
		expect(await onceInProcess('k:2', work)).toEqual({ result: 1, duplicate: true });
		await onceInProcess('k:3', work, { remember: false });
		expect(await onceInProcess('k:3', work, { remember: false })).toEqual({ result: 3, duplicate: false });
	});

	it('does not remember a failure, so a retry runs the work again', async () => {
		await expect(onceInProcess('k:4', async () => Promise.reject(new Error('vendor down')))).rejects.toThrow('vendor down');
		expect(await onceInProcess('k:4', async () => 'ok')).toEqual({ result: 'ok', duplicate: false });
	});
});
