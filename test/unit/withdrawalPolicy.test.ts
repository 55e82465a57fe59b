import { FieldError } from '../../lib/errors';
import {
	checkWithdrawal,
	readAmount,
	readCurrency,
	readFreeMargin,
	readInstant,
	readLimit,
	readPreviousWithdrawals,
	readRiskLevel,
	readStatusList,
	type WithdrawalPolicy,
	type WithdrawalRequest,
} from '../../lib/withdrawalPolicy';

const policy = (more: Partial<WithdrawalPolicy> = {}): WithdrawalPolicy => ({
	acceptedKycStatuses: ['approved'],
	refusedClientStatuses: ['blocked'],
	refusedRiskLevels: [],
	refuseUnknownRiskLevel: true,
	twoApproverRiskLevels: ['high'],
	countedStatuses: ['pending', 'approved', 'completed', 'succeeded'],
	limitWindow: 'calendar',
	secondApproverAbove: '10000',
	...more,
});

const request = (more: Partial<WithdrawalRequest> = {}): WithdrawalRequest => ({
	requestId: 'WD-9',
	amount: '1000.00',
	currency: 'USD',
	freeMargin: '5000.00',
	kycStatus: 'approved',
	clientStatus: 'active',
	riskLevel: 'low',
	previousWithdrawals: [],
	requestedAtUtc: readInstant('2026-02-15T12:00:00Z', 'Requested At'),
	...more,
});

const earlier = (amount: string, createdAt: string, more: Record<string, unknown> = {}) => ({
	amount,
	currency: 'USD',
	status: 'completed',
	createdAt,
	...more,
});

const history = (...entries: Array<Record<string, unknown>>) => readPreviousWithdrawals(entries);

const failedChecks = (req: WithdrawalRequest, pol: WithdrawalPolicy = policy()) => checkWithdrawal(req, pol).reasons.map((r) => r.check);

describe('a withdrawal that meets the policy', () => {
	it('passes with one approver, no reasons and empty rejection and approval reasons', () => {
		const result = checkWithdrawal(request(), policy({ dailyLimit: '5000', monthlyLimit: '20000' }));
		expect(result).toEqual({
			passed: true,
			approvalsRequired: 1,
			approvalReason: '',
			reasons: [],
			rejectionReason: '',
			totals: { day: '0.00', month: '0.00', dayRemaining: '5000.00', monthRemaining: '20000.00' },
			window: { dayStartUtc: '2026-02-15T00:00:00.000Z', monthStartUtc: '2026-02-01T00:00:00.000Z' },
		});
	});

	it('reports null remaining amounts when no limit is set', () => {
		const result = checkWithdrawal(request(), policy());
		expect(result.totals).toEqual({ day: '0.00', month: '0.00', dayRemaining: null, monthRemaining: null });
	});
});

describe('free margin', () => {
	it('passes when the amount equals the free margin', () => {
		expect(checkWithdrawal(request({ amount: '120.00', freeMargin: '120' }), policy()).passed).toBe(true);
	});

	it('refuses an amount one cent above the free margin, saying what to do', () => {
		const result = checkWithdrawal(request({ amount: '120.00', freeMargin: '119.99' }), policy());
		expect(result.reasons).toEqual([
			{ check: 'freeMargin', message: 'free margin 119.99 USD is below the 120.00 USD requested: close positions or lower the amount' },
		]);
	});

	it('writes amounts with the currency\'s decimals: 80 and 120 USD become 80.00 and 120.00', () => {
		const result = checkWithdrawal(request({ amount: '120', freeMargin: '80' }), policy());
		expect(result.rejectionReason).toBe('free margin 80.00 USD is below the 120.00 USD requested: close positions or lower the amount');
	});

	it('refuses when the free margin is negative', () => {
		expect(failedChecks(request({ amount: '10', freeMargin: '-35.50' }))).toEqual(['freeMargin']);
	});

	it('refuses an account in another currency instead of comparing its free margin', () => {
		const result = checkWithdrawal(request({ accountCurrency: 'EUR', amount: '100', freeMargin: '50' }), policy());
		expect(result.reasons).toEqual([
			{ check: 'accountCurrency', message: 'account currency EUR differs from the withdrawal currency USD' },
		]);
	});

	it('accepts an account currency equal to the withdrawal currency', () => {
		expect(checkWithdrawal(request({ accountCurrency: 'USD' }), policy()).passed).toBe(true);
	});
});

describe('KYC and client status', () => {
	it('refuses a pending KYC status, naming the status needed', () => {
		const result = checkWithdrawal(request({ kycStatus: 'pending' }), policy());
		expect(result.reasons).toEqual([{ check: 'kycStatus', message: 'KYC status is pending; withdrawals need approved' }]);
	});

	it('refuses a missing KYC status and lists every accepted one', () => {
		const result = checkWithdrawal(request({ kycStatus: '' }), policy({ acceptedKycStatuses: ['approved', 'verified', 'green'] }));
		expect(result.rejectionReason).toBe('KYC status is missing; withdrawals need approved, verified or green');
	});

	it('accepts any of the accepted KYC statuses', () => {
		expect(checkWithdrawal(request({ kycStatus: 'verified' }), policy({ acceptedKycStatuses: ['approved', 'verified'] })).passed).toBe(true);
	});

	it('refuses a blocked client', () => {
		const result = checkWithdrawal(request({ clientStatus: 'blocked' }), policy());
		expect(result.reasons).toEqual([{ check: 'clientStatus', message: 'client status is blocked; withdrawals are refused for blocked clients' }]);
	});

	it('does not refuse a client without a status', () => {
		expect(checkWithdrawal(request({ clientStatus: '' }), policy()).passed).toBe(true);
	});
});

describe('risk level', () => {
	it('refuses a client never risk-assessed, asking to assess first', () => {
		const result = checkWithdrawal(request({ riskLevel: undefined }), policy());
		expect(result.reasons).toEqual([
			{ check: 'riskLevel', message: 'the client has no risk level (never risk-assessed); assess the client\'s risk first, then check again' },
		]);
	});

	it('lets a client without a risk level through when unknown levels are not refused', () => {
		expect(checkWithdrawal(request({ riskLevel: undefined }), policy({ refuseUnknownRiskLevel: false })).passed).toBe(true);
	});

	it('refuses a refused risk level and lets the others through', () => {
		const pol = policy({ refusedRiskLevels: ['high'] });
		expect(checkWithdrawal(request({ riskLevel: 'high' }), pol).rejectionReason).toBe(
			'risk level is high; withdrawals are refused for high-risk clients',
		);
		expect(checkWithdrawal(request({ riskLevel: 'medium' }), pol).passed).toBe(true);
	});
});

describe('approvals required', () => {
	it('needs one approver for an amount equal to the second-approver amount', () => {
		const result = checkWithdrawal(request({ amount: '10000.00', freeMargin: '50000' }), policy());
		expect(result.approvalsRequired).toBe(1);
		expect(result.approvalReason).toBe('');
	});

	it('needs two approvers one cent above it', () => {
		const result = checkWithdrawal(request({ amount: '10000.01', freeMargin: '50000' }), policy());
		expect(result.approvalsRequired).toBe(2);
		expect(result.approvalReason).toBe('amount 10000.01 USD is above 10000.00 USD');
	});

	it('needs two approvers for a high-risk client whatever the amount', () => {
		const result = checkWithdrawal(request({ amount: '50', riskLevel: 'high' }), policy());
		expect(result).toMatchObject({ passed: true, approvalsRequired: 2, approvalReason: 'risk level is high' });
	});

	it('names both reasons when the amount and the risk level each need a second approver', () => {
		const result = checkWithdrawal(
			request({ amount: '12000', freeMargin: '50000', riskLevel: 'medium' }),
			policy({ twoApproverRiskLevels: ['medium', 'high'] }),
		);
		expect(result.approvalReason).toBe('amount 12000.00 USD is above 10000.00 USD; risk level is medium');
	});

	it('still says how many approvers a refused request would need', () => {
		const result = checkWithdrawal(request({ amount: '20000', freeMargin: '100', riskLevel: 'high' }), policy());
		expect(result).toMatchObject({ passed: false, approvalsRequired: 2 });
	});
});

describe('daily and monthly limits', () => {
	it('passes when the counted total plus the amount is exactly the daily limit', () => {
		const result = checkWithdrawal(
			request({ amount: '1000.00', previousWithdrawals: history(earlier('4000', '2026-02-15T08:00:00Z')) }),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.passed).toBe(true);
		expect(result.totals).toMatchObject({ day: '4000.00', dayRemaining: '1000.00' });
	});

	it('refuses one cent over the daily limit, with the amounts already withdrawn and requested', () => {
		const result = checkWithdrawal(
			request({ amount: '1000.00', previousWithdrawals: history(earlier('4000.01', '2026-02-15T08:00:00Z')) }),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.reasons).toEqual([
			{ check: 'dailyLimit', message: 'daily limit 5000.00 USD: 4000.01 already withdrawn today (UTC), 1000.00 more requested' },
		]);
	});

	it('refuses over the monthly limit while the daily limit is met', () => {
		const result = checkWithdrawal(
			request({ amount: '1000', previousWithdrawals: history(earlier('19500', '2026-02-02T08:00:00Z')) }),
			policy({ dailyLimit: '5000', monthlyLimit: '20000' }),
		);
		expect(result.reasons).toEqual([
			{ check: 'monthlyLimit', message: 'monthly limit 20000.00 USD: 19500.00 already withdrawn this month (UTC), 1000.00 more requested' },
		]);
		expect(result.totals).toEqual({ day: '0.00', month: '19500.00', dayRemaining: '5000.00', monthRemaining: '500.00' });
	});

	it('reports a remaining amount of 0, not a negative one, when earlier withdrawals already exceed the limit', () => {
		const result = checkWithdrawal(
			request({ previousWithdrawals: history(earlier('6000', '2026-02-15T01:00:00Z')) }),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals.dayRemaining).toBe('0.00');
	});

	it('counts only withdrawals in the request\'s currency', () => {
		const result = checkWithdrawal(
			request({
				previousWithdrawals: history(earlier('3000', '2026-02-15T08:00:00Z', { currency: 'EUR' }), earlier('500', '2026-02-15T09:00:00Z')),
			}),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals.day).toBe('500.00');
	});

	it('counts only withdrawals with a counted status, whatever their case', () => {
		const result = checkWithdrawal(
			request({
				previousWithdrawals: history(
					earlier('100', '2026-02-15T08:00:00Z', { status: 'PENDING' }),
					earlier('200', '2026-02-15T08:00:00Z', { status: 'rejected' }),
					earlier('400', '2026-02-15T08:00:00Z', { status: 'cancelled' }),
					earlier('800', '2026-02-15T08:00:00Z', { status: 'succeeded' }),
				),
			}),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals.day).toBe('900.00');
	});

	it('never counts the request itself (same id, number or text)', () => {
		const result = checkWithdrawal(
			request({
				requestId: '77',
				previousWithdrawals: history(
					earlier('1000', '2026-02-15T11:59:00Z', { id: 77, status: 'pending' }),
					earlier('250', '2026-02-15T10:00:00Z', { id: 'WD-70' }),
				),
			}),
			policy({ dailyLimit: '1250' }),
		);
		expect(result.totals.day).toBe('250.00');
		expect(result.passed).toBe(true);
	});

	it('adds amounts exactly: 0.1 + 0.2 is 0.30, not 0.30000000000000004', () => {
		const result = checkWithdrawal(
			request({
				amount: '4999.70',
				previousWithdrawals: history(earlier('0.1', '2026-02-15T01:00:00Z'), earlier('0.2', '2026-02-15T02:00:00Z')),
			}),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals.day).toBe('0.30');
		expect(result.passed).toBe(true);
	});
});

describe('calendar windows are UTC days and months', () => {
	const lateFebruary = readInstant('2026-03-01T01:30:00+03:00', 'Requested At'); // 2026-02-28T22:30Z

	it('puts a request made on 1 March at 01:30 +03:00 in February (UTC)', () => {
		const result = checkWithdrawal(request({ requestedAtUtc: lateFebruary }), policy({ dailyLimit: '5000' }));
		expect(result.window).toEqual({ dayStartUtc: '2026-02-28T00:00:00.000Z', monthStartUtc: '2026-02-01T00:00:00.000Z' });
	});

	it('counts a withdrawal from earlier that UTC day, written with another offset', () => {
		const result = checkWithdrawal(
			request({ requestedAtUtc: lateFebruary, previousWithdrawals: history(earlier('700', '2026-02-28T05:00:00-05:00')) }),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals).toMatchObject({ day: '700.00', month: '700.00' });
	});

	it('does not count a withdrawal from just before UTC midnight in the day, but does in the month', () => {
		const result = checkWithdrawal(
			request({ requestedAtUtc: lateFebruary, previousWithdrawals: history(earlier('700', '2026-02-28T01:59:59+02:00')) }),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals).toMatchObject({ day: '0.00', month: '700.00' });
	});

	it('does not count a withdrawal from January in February\'s month', () => {
		const result = checkWithdrawal(
			request({ requestedAtUtc: lateFebruary, previousWithdrawals: history(earlier('700', '2026-02-01T01:00:00+02:00')) }),
			policy({ monthlyLimit: '20000' }),
		);
		expect(result.totals.month).toBe('0.00');
	});

	it('starts a new month at UTC midnight of the 1st: a request at 03:30 +03:00 on 1 March is in March', () => {
		const earlyMarch = readInstant('2026-03-01T03:30:00+03:00', 'Requested At'); // 00:30Z
		const result = checkWithdrawal(
			request({ requestedAtUtc: earlyMarch, previousWithdrawals: history(earlier('900', '2026-02-28T23:00:00Z')) }),
			policy({ dailyLimit: '5000', monthlyLimit: '20000' }),
		);
		expect(result.window).toEqual({ dayStartUtc: '2026-03-01T00:00:00.000Z', monthStartUtc: '2026-03-01T00:00:00.000Z' });
		expect(result.totals).toMatchObject({ day: '0.00', month: '0.00' });
	});

	it('does not count a withdrawal from a later UTC day in the day of the request', () => {
		const result = checkWithdrawal(
			request({ previousWithdrawals: history(earlier('300', '2026-02-16T00:00:00Z')) }),
			policy({ dailyLimit: '5000' }),
		);
		expect(result.totals.day).toBe('0.00');
	});
});

describe('rolling windows are the last 24 hours and 30 days', () => {
	const at = readInstant('2026-03-01T01:30:00+03:00', 'Requested At'); // 2026-02-28T22:30Z

	it('starts 24 hours and 30 days before the request, in UTC', () => {
		const result = checkWithdrawal(request({ requestedAtUtc: at }), policy({ limitWindow: 'rolling' }));
		expect(result.window).toEqual({ dayStartUtc: '2026-02-27T22:30:00.000Z', monthStartUtc: '2026-01-29T22:30:00.000Z' });
	});

	it('counts a withdrawal from the previous UTC day that is within 24 hours', () => {
		const result = checkWithdrawal(
			request({ requestedAtUtc: at, previousWithdrawals: history(earlier('4200', '2026-02-27T23:00:00Z')) }),
			policy({ limitWindow: 'rolling', dailyLimit: '5000' }),
		);
		expect(result.reasons).toEqual([
			{ check: 'dailyLimit', message: 'daily limit 5000.00 USD: 4200.00 already withdrawn in the last 24 hours, 1000.00 more requested' },
		]);
	});

	it('counts a withdrawal exactly 24 hours old, and not one a second older', () => {
		const result = checkWithdrawal(
			request({
				requestedAtUtc: at,
				previousWithdrawals: history(earlier('10', '2026-02-27T22:30:00Z'), earlier('20', '2026-02-27T22:29:59Z')),
			}),
			policy({ limitWindow: 'rolling' }),
		);
		expect(result.totals.day).toBe('10.00');
	});

	it('counts January withdrawals within the last 30 days in the month total', () => {
		const result = checkWithdrawal(
			request({
				requestedAtUtc: at,
				previousWithdrawals: history(earlier('100', '2026-01-30T00:00:00Z'), earlier('200', '2026-01-29T22:00:00Z')),
			}),
			policy({ limitWindow: 'rolling', monthlyLimit: '20000' }),
		);
		expect(result.totals.month).toBe('100.00');
	});

	it('counts a withdrawal recorded a little after the request time', () => {
		const result = checkWithdrawal(
			request({ requestedAtUtc: at, previousWithdrawals: history(earlier('50', '2026-02-28T22:31:00Z')) }),
			policy({ limitWindow: 'rolling' }),
		);
		expect(result.totals.day).toBe('50.00');
	});
});

describe('several failures are listed together', () => {
	it('lists every failed check in order and joins them into the rejection reason', () => {
		const result = checkWithdrawal(
			request({
				amount: '1000',
				freeMargin: '80',
				kycStatus: 'pending',
				clientStatus: 'blocked',
				riskLevel: undefined,
				previousWithdrawals: history(earlier('4200', '2026-02-15T01:00:00Z')),
			}),
			policy({ dailyLimit: '5000', monthlyLimit: '5000' }),
		);
		expect(result.passed).toBe(false);
		expect(result.reasons.map((r) => r.check)).toEqual(['freeMargin', 'kycStatus', 'clientStatus', 'riskLevel', 'dailyLimit', 'monthlyLimit']);
		expect(result.rejectionReason).toBe(result.reasons.map((r) => r.message).join('; '));
		expect(result.rejectionReason).toContain('daily limit 5000.00 USD: 4200.00 already withdrawn today (UTC), 1000.00 more requested');
	});
});

describe('reading the inputs', () => {
	const problem = (run: () => unknown) => {
		try {
			run();
		} catch (error) {
			expect(error).toBeInstanceOf(FieldError);
			return (error as Error).message;
		}
		throw new Error('expected a FieldError');
	};

	it('reads amounts as exact decimals from text or numbers', () => {
		expect(readAmount('250.50')).toBe('250.50');
		expect(readAmount(99.99)).toBe('99.99');
	});

	it('refuses an amount that is not a decimal, zero or missing, naming Amount', () => {
		expect(problem(() => readAmount('1,000.00'))).toBe('"Amount": must be a decimal number such as "250.00" (no thousands separators), got "1,000.00"');
		expect(problem(() => readAmount('0'))).toBe('"Amount": must be more than 0, got "0"');
		expect(problem(() => readAmount(undefined))).toBe('"Amount": is required: the amount the client asks to withdraw, e.g. 250.00');
	});

	it('refuses a missing or non-numeric free margin but accepts a negative one', () => {
		expect(readFreeMargin('-12.5')).toBe('-12.5');
		expect(problem(() => readFreeMargin(null))).toMatch(/^"Free Margin": is required/);
		expect(problem(() => readFreeMargin('n/a'))).toBe('"Free Margin": must be a decimal number such as "1520.75" (no thousands separators), got "n/a"');
	});

	it('upper-cases currency codes of 3 to 5 letters and refuses others', () => {
		expect(readCurrency(' usdt ')).toBe('USDT');
		expect(problem(() => readCurrency('US'))).toBe('"Currency": must be a currency code of 3 to 5 letters such as USD or USDT, got "US"');
	});

	it('reads a risk level in any case, empty as unknown, and refuses other values', () => {
		expect(readRiskLevel('High')).toBe('high');
		expect(readRiskLevel('')).toBeUndefined();
		expect(problem(() => readRiskLevel('critical'))).toBe(
			'"Risk Level": must be low, medium or high (empty when the client was never assessed), got "critical"',
		);
	});

	it('reads status lists separated by commas, lower case', () => {
		expect(readStatusList(' Approved, verified ,,', 'Accepted KYC Statuses')).toEqual(['approved', 'verified']);
		expect(problem(() => readStatusList(' , ', 'Accepted KYC Statuses', { required: 'approved' }))).toBe(
			'"Accepted KYC Statuses": is empty; give at least one status, e.g. approved',
		);
	});

	it('reads an empty limit as no limit and refuses one that is not a number', () => {
		expect(readLimit('', 'Daily Limit')).toBeUndefined();
		expect(readLimit('5000', 'Daily Limit')).toBe('5000');
		expect(problem(() => readLimit('abc', 'Daily Limit'))).toBe(
			'"Daily Limit": must be empty (no limit) or be a decimal number such as "5000" (no thousands separators), got "abc"',
		);
	});

	it('refuses a time without an offset: it could be a server\'s local time', () => {
		expect(problem(() => readInstant('2026-02-15T12:00:00', 'Requested At'))).toMatch(/^"Requested At": must be an ISO-8601 date-time with an offset or Z/);
	});

	it('reads previous withdrawals in the CRM\'s snake_case shape', () => {
		const [entry] = readPreviousWithdrawals([{ id: 5, amount: 100, currency: 'usd', status: 'Completed', created_at: '2026-02-15T10:00:00+02:00' }]);
		expect(entry.id).toBe('5');
		expect(entry.amount).toBe('100');
		expect(entry.currency).toBe('USD');
		expect(entry.status).toBe('completed');
		expect(entry.createdAtUtc.toISO()).toBe('2026-02-15T08:00:00.000Z');
	});

	it('reads previous withdrawals given as JSON text', () => {
		expect(readPreviousWithdrawals('[{"amount": "5", "currency": "USD", "status": "pending", "createdAt": "2026-02-15T10:00:00Z"}]')).toHaveLength(1);
	});

	it('refuses previous withdrawals that are not a list', () => {
		expect(problem(() => readPreviousWithdrawals({ amount: '5' }))).toBe(
			'"Previous Withdrawals": must be a list of the client\'s earlier withdrawals ([] when there are none), got {"amount":"5"}',
		);
	});

	it('names the index and id of a previous withdrawal with a bad amount', () => {
		expect(problem(() => history(earlier('1', '2026-02-15T01:00:00Z'), earlier('1.000,50', '2026-02-15T01:00:00Z', { id: 'WD-3' })))).toBe(
			'"Previous Withdrawals": the withdrawal at index 1 (id WD-3): amount must be a decimal number such as "100.50" (no thousands separators), got "1.000,50"',
		);
	});

	it('names the index of a previous withdrawal with a bad or missing date', () => {
		expect(problem(() => history(earlier('1', 'yesterday')))).toMatch(
			/^"Previous Withdrawals": the withdrawal at index 0: createdAt must be an ISO-8601 date-time with an offset or Z/,
		);
		expect(problem(() => history({ amount: '1', currency: 'USD', status: 'pending' }))).toMatch(/index 0: createdAt must be .* got nothing$/);
	});

	it('refuses a negative previous withdrawal instead of letting it lower the total', () => {
		expect(problem(() => history(earlier('-500', '2026-02-15T01:00:00Z')))).toBe(
			'"Previous Withdrawals": the withdrawal at index 0: amount must not be negative, got "-500"; give withdrawals as positive amounts',
		);
	});
});
