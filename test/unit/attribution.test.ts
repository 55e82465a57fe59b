import {
	allocate,
	attribute,
	captureTouchpoint,
	channelReport,
	classifyChannel,
	DEFAULT_CHANNEL_RULES,
	fbcFor,
	ftdTimeOf,
	modelWeights,
	readChannelShares,
	readChannelSpend,
	readMovements,
	validateChannelRules,
	type AcquiredClient,
	type AttributionInput,
	type ChannelSpend,
} from '../../lib/attribution';
import { FieldError } from '../../lib/errors';
import { addDecimal } from '../../lib/money';

const RULES = validateChannelRules(DEFAULT_CHANNEL_RULES);
const DAY = 86_400_000;

const capture = (landingUrl: string, more: Record<string, unknown> = {}) =>
	captureTouchpoint({ landingUrl, time: '2026-10-25T09:30:00Z', ...more }, RULES);

function fieldErrorOf(run: () => unknown): FieldError {
	try {
		run();
	} catch (error) {
		if (error instanceof FieldError) return error;
		throw error;
	}
	throw new Error('expected a FieldError');
}

describe('capture: UTM parameters and click ids from the landing URL', () => {
	it('reads every UTM parameter and keeps a gclid with "-", "_" and mixed case exactly as sent', () => {
		const { touchpoint, channelRule } = capture(
			'https://broker.example/open-account?utm_source=google&utm_medium=cpc&utm_campaign=EU_Forex-Q4&utm_term=forex%20broker&utm_content=ad-B&utm_id=123&gclid=Cj0KCQjw-AbC_dEf9-XyZ',
		);
		expect(touchpoint).toEqual({
			timeUtc: '2026-10-25T09:30:00.000Z',
			landingUrl:
				'https://broker.example/open-account?utm_source=google&utm_medium=cpc&utm_campaign=EU_Forex-Q4&utm_term=forex%20broker&utm_content=ad-B&utm_id=123&gclid=Cj0KCQjw-AbC_dEf9-XyZ',
			utmSource: 'google',
			utmMedium: 'cpc',
			utmCampaign: 'EU_Forex-Q4',
			utmTerm: 'forex broker',
			utmContent: 'ad-B',
			utmId: '123',
			gclid: 'Cj0KCQjw-AbC_dEf9-XyZ',
			channel: 'paid_search',
		});
		expect(channelRule).toBe(1);
	});

	it('keeps gbraid, wbraid, ttclid, msclkid, li_fat_id and twclid unchanged', () => {
		const { touchpoint } = capture(
			'https://broker.example/?gbraid=0AAAAA-Gb_Xy&wbraid=CkQKCQjw_Wb-Z&ttclid=E.C.P.Ab-Cd_Ef&msclkid=9f8E7d-6C_b&li_fat_id=aB-1_c&twclid=2-Xy_Z',
		);
		expect(touchpoint).toMatchObject({
			gbraid: '0AAAAA-Gb_Xy',
			wbraid: 'CkQKCQjw_Wb-Z',
			ttclid: 'E.C.P.Ab-Cd_Ef',
			msclkid: '9f8E7d-6C_b',
			liFatId: 'aB-1_c',
			twclid: '2-Xy_Z',
		});
	});

	it('percent-decodes a click id exactly once and keeps a literal "+" in it', () => {
		const { touchpoint } = capture('https://broker.example/?gclid=Ab%252DCd%2FEf+Gh&utm_campaign=spring+sale%21');
		expect(touchpoint.gclid).toBe('Ab%2DCd/Ef+Gh');
		expect(touchpoint.utmCampaign).toBe('spring sale!');
	});

	it('takes the first of a repeated parameter and ignores empty click ids', () => {
		const { touchpoint } = capture('https://broker.example/?utm_source=first&utm_source=second&gclid=&utm_medium=email');
		expect(touchpoint.utmSource).toBe('first');
		expect(touchpoint.gclid).toBeUndefined();
		expect(touchpoint.channel).toBe('email');
	});
});

describe('capture: fbc and fbp (Meta)', () => {
	const ms = Date.parse('2026-10-25T09:30:00Z');

	it('builds fbc as fb.1.<capture time in ms>.<fbclid>, fbclid unchanged', () => {
		const { touchpoint } = capture('https://broker.example/?fbclid=IwAR2F-x_Yz9AbCdEf');
		expect(ms).toBe(1792920600000);
		expect(touchpoint.fbclid).toBe('IwAR2F-x_Yz9AbCdEf');
		expect(touchpoint.fbc).toBe('fb.1.1792920600000.IwAR2F-x_Yz9AbCdEf');
		expect(fbcFor('AbC', 1554763741205)).toBe('fb.1.1554763741205.AbC');
		expect(touchpoint.channel).toBe('paid_social');
	});

	it('keeps an _fbc cookie for the same fbclid, since it holds the original click time', () => {
		const { touchpoint } = capture('https://broker.example/?fbclid=IwAR2F-x_Yz9', { cookies: '_fbc=fb.1.1700000000000.IwAR2F-x_Yz9; other=1' });
		expect(touchpoint.fbc).toBe('fb.1.1700000000000.IwAR2F-x_Yz9');
	});

	it('replaces an _fbc cookie of an older click when the URL brings a new fbclid', () => {
		const { touchpoint } = capture('https://broker.example/?fbclid=NewClick-1', { cookies: { _fbc: 'fb.1.1700000000000.OldClick' } });
		expect(touchpoint.fbc).toBe('fb.1.1792920600000.NewClick-1');
	});

	it('keeps _fbc and _fbp cookies as they are on a visit without fbclid, without calling it paid social', () => {
		const { touchpoint } = capture('https://broker.example/', {
			cookies: '_fbp=fb.1.1596403881668.1116446470; _fbc=fb.1.1700000000000.Old_Click-X; _ttp=Tt-1_x',
		});
		expect(touchpoint.fbp).toBe('fb.1.1596403881668.1116446470');
		expect(touchpoint.fbc).toBe('fb.1.1700000000000.Old_Click-X');
		expect(touchpoint.ttp).toBe('Tt-1_x');
		expect(touchpoint.channel).toBe('direct');
	});

	it('keeps the gclid of a _gcl_aw cookie as cookieGclid, which does not make the visit paid search', () => {
		const { touchpoint } = capture('https://broker.example/', { cookies: '_gcl_aw=GCL.1700000000.Cj0-Ab_Cd' });
		expect(touchpoint.cookieGclid).toBe('Cj0-Ab_Cd');
		expect(touchpoint.gclid).toBeUndefined();
		expect(touchpoint.channel).toBe('direct');
	});
});

describe('capture: bad input names the field', () => {
	it('refuses a landing URL that is not an absolute URL', () => {
		const error = fieldErrorOf(() => capture('broker.example/?utm_source=x'));
		expect(error.field).toBe('Landing URL');
		expect(error.message).toBe(
			'"Landing URL": must be an absolute URL such as "https://broker.example/open-account?utm_source=google", got "broker.example/?utm_source=x"',
		);
	});

	it('refuses a landing URL that is not http or https', () => {
		expect(fieldErrorOf(() => capture('ftp://broker.example/')).message).toBe('"Landing URL": must be an http or https URL, got "ftp://broker.example/"');
	});

	it('refuses a broken percent-encoding, naming the parameter', () => {
		expect(fieldErrorOf(() => capture('https://broker.example/?gclid=Ab%E0%A4')).message).toBe(
			'"Landing URL": parameter "gclid" has a broken percent-encoding: "Ab%E0%A4"',
		);
	});

	it('refuses a bad referrer, a missing landing URL, a missing time and a malformed _gcl_aw', () => {
		expect(fieldErrorOf(() => capture('https://broker.example/', { referrer: 'not a url' })).field).toBe('Referrer');
		expect(fieldErrorOf(() => capture('')).message).toBe('"Landing URL": is required but missing');
		expect(fieldErrorOf(() => capture('https://broker.example/', { time: '' })).message).toBe('"Time": is required but missing');
		expect(fieldErrorOf(() => capture('https://broker.example/', { time: '25/10/2026' })).field).toBe('Time');
		expect(fieldErrorOf(() => capture('https://broker.example/', { cookies: '_gcl_aw=abc' })).message).toBe(
			'"Cookies": _gcl_aw must look like GCL.<seconds>.<gclid>, got "abc"',
		);
	});
});

describe('channel rules', () => {
	const channelOf = (url: string, referrer?: string) => capture(url, { referrer }).touchpoint.channel;

	it('classifies the shipped channels', () => {
		expect(channelOf('https://b.example/?utm_source=facebook&utm_medium=cpc')).toBe('paid_social');
		expect(channelOf('https://b.example/?utm_source=google&utm_medium=CPC')).toBe('paid_search');
		expect(channelOf('https://b.example/?utm_source=newsletter&utm_medium=email')).toBe('email');
		expect(channelOf('https://b.example/?utm_source=partner1&utm_medium=affiliate')).toBe('affiliate');
		expect(channelOf('https://b.example/?utm_source=gdn&utm_medium=display')).toBe('display');
		expect(channelOf('https://b.example/', 'https://www.google.co.uk/')).toBe('organic_search');
		expect(channelOf('https://b.example/', 'https://t.co/xyz')).toBe('organic_social');
		expect(channelOf('https://b.example/', 'https://forexblog.example/review')).toBe('referral');
		expect(channelOf('https://b.example/')).toBe('direct');
	});

	it('counts a referrer from the landing page\'s own site as no referrer (direct)', () => {
		expect(channelOf('https://www.b.example/open', 'https://b.example/pricing')).toBe('direct');
	});

	it('gives "other" and no rule when no row matches', () => {
		const result = capture('https://b.example/?utm_source=radio&utm_medium=offline');
		expect(result.touchpoint.channel).toBe('other');
		expect(result.channelRule).toBeNull();
	});

	it('lets an edited table decide: the first matching row wins', () => {
		const rules = validateChannelRules([
			{ channel: 'ib_partners', source: 'ib-*', medium: '', clickIds: [], referrer: '' },
			...DEFAULT_CHANNEL_RULES,
		]);
		expect(classifyChannel({ utmSource: 'IB-Lagos', utmMedium: 'cpc', clickIds: ['gclid'] }, rules)).toEqual({ channel: 'ib_partners', rule: 1 });
		expect(classifyChannel({ utmSource: 'google', utmMedium: 'cpc', clickIds: [] }, rules)).toEqual({ channel: 'paid_search', rule: 5 });
	});

	it('refuses a rule without a channel or with an unknown click id, naming the row', () => {
		expect(fieldErrorOf(() => validateChannelRules([{ channel: 'x' }, { channel: '' }])).message).toBe(
			'"Channel rule 2 channel": is empty; name the channel, e.g. paid_search',
		);
		expect(fieldErrorOf(() => validateChannelRules([{ channel: 'x', clickIds: 'gclid, dclid' }])).field).toBe('Channel rule 1 clickIds');
	});
});

describe('attribution models', () => {
	const T = '2026-10-25T12:00:00.000Z';
	const at = (msBefore: number) => new Date(Date.parse(T) - msBefore).toISOString();
	const touch = (msBefore: number, channel: string, more: Record<string, unknown> = {}) => ({ timeUtc: at(msBefore), channel, ...more });
	const run = (touchpoints: unknown[], value = '700.00', more: Partial<AttributionInput> = {}) =>
		attribute({
			touchpoints,
			touchpointsField: 'touchpoints',
			conversionTime: T,
			conversionValue: value,
			conversionCurrency: 'USD',
			models: ['first', 'last', 'linear', 'timeDecay', 'positionBased'],
			digits: 2,
			rules: RULES,
			...more,
		});
	const credits = (result: ReturnType<typeof run>, model: 'first' | 'last' | 'linear' | 'timeDecay' | 'positionBased') =>
		result.touchpoints.map((t) => t.credit[model]);

	// Given out of order on purpose: the models work on time order.
	const three = [touch(7 * DAY, 'email'), touch(0, 'paid_search'), touch(14 * DAY, 'paid_social')];

	it('orders touchpoints by time and names the first and last touch', () => {
		const result = run(three);
		expect(result.touchpoints.map((t) => t.channel)).toEqual(['paid_social', 'email', 'paid_search']);
		expect(result.touchpoints.map((t) => t.position)).toEqual([1, 2, 3]);
		expect(result.firstTouch).toEqual({ timeUtc: '2026-10-11T12:00:00.000Z', channel: 'paid_social' });
		expect(result.lastTouch).toEqual({ timeUtc: T, channel: 'paid_search' });
	});

	it('first and last touch take all the credit', () => {
		const result = run(three);
		expect(credits(result, 'first')).toEqual(['700.00', '0.00', '0.00']);
		expect(credits(result, 'last')).toEqual(['0.00', '0.00', '700.00']);
	});

	it('linear splits equally; the odd cent goes to the earliest touch', () => {
		expect(credits(run(three), 'linear')).toEqual(['233.34', '233.33', '233.33']);
		expect(credits(run(three, '100.00'), 'linear')).toEqual(['33.34', '33.33', '33.33']);
	});

	it('time decay: touches 14, 7 and 0 days before weigh 1/4, 1/2, 1 → 1/7, 2/7, 4/7 of 700', () => {
		expect(credits(run(three), 'timeDecay')).toEqual(['100.00', '200.00', '400.00']);
	});

	it('time decay: a touch 7 days before the conversion weighs half of one at the conversion', () => {
		const result = run([touch(0, 'paid_search'), touch(7 * DAY, 'email')], '300.00', { models: ['timeDecay'] });
		expect(credits(result, 'timeDecay')).toEqual(['100.00', '200.00']);
		expect(modelWeights('timeDecay', [0, 7 * DAY], 7 * DAY)).toEqual([2n ** 61n, 2n ** 62n]);
	});

	it('time decay: touches 10, 3 and 1 day before match 2^(−d/7) normalised, computed independently', () => {
		const days = [10, 3, 1];
		const w = days.map((d) => 2 ** (-d / 7));
		const total = w.reduce((a, b) => a + b, 0);
		// 1000.00 × w/Σw = 183.890…, 367.780…, 448.329…: floors 999.99, the cent to the largest remainder.
		expect(w.map((x) => (100000 * x) / total).map((c) => Math.floor(c))).toEqual([18389, 36778, 44832]);
		const result = run(days.map((d) => touch(d * DAY, 'x')), '1000.00', { models: ['timeDecay'] });
		expect(credits(result, 'timeDecay')).toEqual(['183.89', '367.78', '448.33']);
		expect(result.touchpoints.map((t) => t.share.timeDecay)).toEqual(['0.183890', '0.367781', '0.448329']);
	});

	it('position-based: 40/20/40 over three touches', () => {
		expect(credits(run(three), 'positionBased')).toEqual(['280.00', '140.00', '280.00']);
	});

	it('position-based: 20 % split over the middle touches, the odd cents to the earlier ones', () => {
		const five = [4, 3, 2, 1, 0].map((d) => touch(d * DAY, `c${d}`));
		expect(credits(run(five, '100.00'), 'positionBased')).toEqual(['40.00', '6.67', '6.67', '6.66', '40.00']);
		const four = [3, 2, 1, 0].map((d) => touch(d * DAY, `c${d}`));
		expect(credits(run(four, '100.00'), 'positionBased')).toEqual(['40.00', '10.00', '10.00', '40.00']);
	});

	it('position-based: one touch takes 100 %, two touches 50/50', () => {
		expect(credits(run([touch(DAY, 'email')], '99.99'), 'positionBased')).toEqual(['99.99']);
		expect(credits(run([touch(DAY, 'email'), touch(0, 'seo')], '99.99'), 'positionBased')).toEqual(['50.00', '49.99']);
	});

	it('every model\'s credits sum exactly to the value and its shares to exactly 1', () => {
		const seven = [13, 11, 8, 5, 3, 2, 0.5].map((d) => touch(d * DAY, `c${d}`));
		const result = run(seven, '1234.57');
		for (const model of result.models) {
			const sum = result.touchpoints.reduce((s, t) => addDecimal(s, t.credit[model] as string), '0');
			const shares = result.touchpoints.reduce((s, t) => addDecimal(s, t.share[model] as string), '0');
			expect([model, sum, shares]).toEqual([model, '1234.57', '1.000000']);
		}
	});

	it('ignores touchpoints after the conversion and lists them with the reason', () => {
		const result = run([touch(-DAY, 'email'), touch(DAY, 'paid_search')], '50.00', { models: ['last'] });
		expect(result.touchpointCount).toBe(1);
		expect(result.creditByChannel).toEqual({ last: { paid_search: '50.00' } });
		expect(result.ignoredTouchpoints).toEqual([{ timeUtc: '2026-10-26T12:00:00.000Z', channel: 'email', reason: 'after the conversion' }]);
	});

	it('counts a touch exactly at the conversion time', () => {
		expect(run([touch(0, 'email')], '10.00', { models: ['first'] }).touchpointCount).toBe(1);
	});

	it('sums credit and share per channel', () => {
		const result = run([touch(14 * DAY, 'paid_search'), touch(7 * DAY, 'email'), touch(0, 'paid_search')]);
		expect(result.creditByChannel.timeDecay).toEqual({ paid_search: '500.00', email: '200.00' });
		expect(result.shareByChannel.linear).toEqual({ paid_search: '0.666667', email: '0.333333' });
	});

	it('classifies stored touchpoints that have no channel with the channel rules', () => {
		const result = run([{ timeUtc: at(DAY), utmSource: 'google', utmMedium: 'cpc' }, { timeUtc: at(0), fbclid: 'Ab' }], '10.00', { models: ['first'] });
		expect(result.touchpoints.map((t) => t.channel)).toEqual(['paid_search', 'paid_social']);
	});

	it('credits a conversion without touchpoints to direct and says why', () => {
		const result = run([], '25.00', { models: ['linear'] });
		expect(result.creditByChannel).toEqual({ linear: { direct: '25.00' } });
		expect(result.shareByChannel).toEqual({ linear: { direct: '1.000000' } });
		expect(result.firstTouch).toBeNull();
		expect(result.unattributedReason).toBe('no touchpoint at or before the conversion: the whole conversion is credited to direct');
	});

	it('names the field of a bad touchpoint or value', () => {
		expect(fieldErrorOf(() => run([touch(0, 'x'), { channel: 'y' }])).message).toBe('"touchpoints[1].timeUtc": is required but missing');
		expect(fieldErrorOf(() => run([], '10.005')).message).toBe('"Conversion Value": has more decimals than the currency\'s 2: "10.005"');
		expect(fieldErrorOf(() => run([], '-1')).field).toBe('Conversion Value');
		expect(fieldErrorOf(() => run({} as unknown as unknown[])).message).toBe('"touchpoints": must be a list of touchpoints');
	});

	it('allocates leftover units to the largest remainders, ties to the earlier entry', () => {
		expect(allocate(10n, [1n, 1n, 1n])).toEqual([4n, 3n, 3n]);
		expect(allocate(10n, [1n, 2n, 3n])).toEqual([2n, 3n, 5n]);
		expect(allocate(1n, [0n, 1n, 1n])).toEqual([0n, 1n, 0n]);
	});
});

describe('CAC and LTV by channel', () => {
	const spend = (channel: string, period: string, amount: string, itemIndex: number): ChannelSpend => ({ channel, period, amount, itemIndex });
	const ms = (iso: string) => Date.parse(iso);
	const client = (clientId: string, shares: Record<string, string>, ftd: string | undefined, movements: Array<[string, string]>, itemIndex: number): AcquiredClient => ({
		clientId,
		shares,
		ftdTimeMs: ftd ? ms(ftd) : undefined,
		movements: movements.map(([time, amount]) => ({ timeMs: ms(time), amount })),
		itemIndex,
	});
	const options = { model: 'linear' as const, currency: 'USD', digits: 2 };

	const report = () =>
		channelReport(
			[spend('paid_search', '2026-10', '1000.00', 0), spend('paid_search', '2026-11', '300.00', 1), spend('paid_social', '2026-10', '450.00', 2), spend('display', '2026-10', '200.00', 3)],
			[
				client('A', { paid_search: '1' }, '2026-10-05T10:00:00Z', [['2026-10-05T10:00:00Z', '500.00']], 4),
				// 23:30 UTC on 31 October: the October cohort, whatever the local clock says.
				client('B', { paid_search: '0.5', paid_social: '0.5' }, '2026-10-31T23:30:00Z', [['2026-10-31T23:30:00Z', '1000.00']], 5),
				client('C', { paid_search: '1' }, '2026-11-01T00:00:00Z', [['2026-11-01T00:00:00Z', '100.00']], 6),
			],
			options,
		);
	const row = (rows: ReturnType<typeof report>, channel: string, cohort: string) => rows.find((r) => r.channel === channel && r.cohort === cohort);

	it('CAC = spend / fractional FTD credit, per channel and cohort month', () => {
		const rows = report();
		expect(row(rows, 'paid_search', '2026-10')).toMatchObject({ spend: '1000.00', ftdCredit: '1.5', ftdClients: 2, cac: '666.67', cacReason: null });
		expect(row(rows, 'paid_search', '2026-11')).toMatchObject({ spend: '300.00', ftdCredit: '1', cac: '300.00' });
		expect(row(rows, 'paid_search', 'all')).toMatchObject({ spend: '1300.00', ftdCredit: '2.5', ftdClients: 3, cac: '520.00' });
		expect(row(rows, 'paid_social', '2026-10')).toMatchObject({ spend: '450.00', ftdCredit: '0.5', cac: '900.00' });
	});

	it('gives CAC null with a reason, not a division error, when no FTD is credited', () => {
		expect(row(report(), 'display', '2026-10')).toMatchObject({
			spend: '200.00',
			ftdCredit: '0',
			cac: null,
			cacReason: 'no first-time deposit is credited to display in 2026-10 under the linear model, so CAC is undefined',
			ltv: { days30: { netDeposits: '0.00', perFtd: null } },
		});
	});

	it('lists channels alphabetically, "all" first then cohorts in order, with the items behind each row', () => {
		const rows = report();
		expect(rows.map((r) => `${r.channel} ${r.cohort}`)).toEqual([
			'display all',
			'display 2026-10',
			'paid_search all',
			'paid_search 2026-10',
			'paid_search 2026-11',
			'paid_social all',
			'paid_social 2026-10',
		]);
		expect(row(rows, 'paid_search', '2026-10')?.itemIndexes).toEqual([0, 4, 5]);
	});

	it('LTV windows are [FTD, FTD + N × 24 h) in UTC: the last millisecond is in, the boundary out', () => {
		const ftd = '2026-10-05T10:00:00Z';
		const rows = channelReport(
			[],
			[
				client(
					'A',
					{ email: '1' },
					ftd,
					[
						[ftd, '500.00'],
						['2026-11-04T09:59:59.999Z', '-100.00'],
						['2026-11-04T10:00:00.000Z', '200.00'],
						['2027-01-03T10:00:00.000Z', '50.00'],
						['2027-10-05T09:59:59.999Z', '-30.00'],
						['2027-10-05T10:00:00.000Z', '1000.00'],
					],
					0,
				),
			],
			options,
		);
		expect(rows[0].ltv).toEqual({
			days30: { netDeposits: '400.00', perFtd: '400.00' },
			days90: { netDeposits: '600.00', perFtd: '600.00' },
			days180: { netDeposits: '650.00', perFtd: '650.00' },
			days365: { netDeposits: '620.00', perFtd: '620.00' },
		});
	});

	it('weights a client\'s net deposits by its credit share and divides by the FTD credit', () => {
		const rows = report();
		// paid_search October: A 500 × 1 + B 1000 × 0.5 = 1000 over 1.5 FTDs.
		expect(row(rows, 'paid_search', '2026-10')?.ltv.days30).toEqual({ netDeposits: '1000.00', perFtd: '666.67' });
		expect(row(rows, 'paid_social', '2026-10')?.ltv.days30).toEqual({ netDeposits: '500.00', perFtd: '1000.00' });
	});

	it('says whether each window has passed when As Of is given', () => {
		const rows = channelReport([], [client('A', { email: '1' }, '2026-10-05T10:00:00Z', [], 0)], { ...options, asOfMs: ms('2026-11-04T10:00:00Z') });
		expect(rows[0].ltv.days30.complete).toBe(true);
		expect(rows[0].ltv.days90.complete).toBe(false);
	});

	it('counts credited clients without a deposit apart, in no cohort', () => {
		const rows = channelReport([], [client('Z', { email: '1' }, undefined, [], 0)], options);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ cohort: 'all', clientsWithoutFtd: 1, ftdClients: 0, cac: null });
	});

	it('takes the earliest succeeded deposit as the FTD when none is given', () => {
		const movements = readMovements(
			[
				{ type: 'deposit', status: 'failed', gross: { amount: '10', currency: 'USD' }, createdAtUtc: '2026-10-01T00:00:00Z' },
				{ type: 'deposit', status: 'succeeded', gross: { amount: '250.00', currency: 'USD' }, createdAtUtc: '2026-10-03T08:00:00Z' },
				{ type: 'withdrawal', status: 'succeeded', gross: { amount: '50.00', currency: 'USD' }, createdAtUtc: '2026-10-02T00:00:00Z' },
				{ type: 'bonus', status: 'succeeded', gross: { amount: '100', currency: 'USD' }, createdAtUtc: '2026-10-01T00:00:00Z' },
			],
			'USD',
			'transactions',
		);
		expect(movements).toEqual([
			{ timeMs: ms('2026-10-03T08:00:00Z'), amount: '250.00' },
			{ timeMs: ms('2026-10-02T00:00:00Z'), amount: '-50.00' },
		]);
		expect(ftdTimeOf(undefined, movements)).toBe(ms('2026-10-03T08:00:00Z'));
		expect(ftdTimeOf(ms('2026-09-30T00:00:00Z'), movements)).toBe(ms('2026-09-30T00:00:00Z'));
		expect(ftdTimeOf(undefined, [])).toBeUndefined();
	});

	it('reads a client\'s credit from the Attribute output, a channel name or a share map', () => {
		const attribution = { shareByChannel: { linear: { email: '0.333333', paid_search: '0.666667' } } };
		expect(readChannelShares(attribution, 'linear', 'attribution')).toEqual({ email: '0.333333', paid_search: '0.666667' });
		expect(readChannelShares('affiliate', 'linear', 'ftdChannel')).toEqual({ affiliate: '1' });
		expect(fieldErrorOf(() => readChannelShares(attribution, 'timeDecay', 'attribution')).message).toBe(
			'"attribution.shareByChannel": has no credit for the timeDecay model; choose it under Models in the Attribute operation',
		);
		expect(fieldErrorOf(() => readChannelShares({ email: '0.5', seo: '0.4' }, 'linear', 'attribution')).message).toBe(
			'"attribution": the channel shares must add up to exactly 1, they add up to 0.9',
		);
	});

	it('refuses money in another currency and malformed spend rows, naming the field', () => {
		expect(
			fieldErrorOf(() => readMovements([{ type: 'deposit', status: 'succeeded', gross: { amount: '1', currency: 'EUR' }, createdAtUtc: '2026-10-01T00:00:00Z' }], 'USD', 'transactions')).message,
		).toBe('"transactions[0].gross.currency": is EUR but the report is in USD; convert it first');
		const fields = { channel: 'channel', period: 'period', spend: 'spend' };
		expect(fieldErrorOf(() => readChannelSpend({ channel: 'x', period: '2026-10', spend: { amount: '1', currency: 'EUR' } }, 'USD', fields, 0)).field).toBe('spend.currency');
		expect(fieldErrorOf(() => readChannelSpend({ channel: 'x', period: 'Oct 2026', spend: '1' }, 'USD', fields, 0)).message).toBe(
			'"period": must be a month such as "2026-10", got "Oct 2026"',
		);
		expect(readChannelSpend({ channel: 'x', period: '2026-10', spend: { amount: '12.50', currency: 'usd' } }, 'USD', fields, 3)).toEqual({
			channel: 'x',
			period: '2026-10',
			amount: '12.50',
			itemIndex: 3,
		});
	});
});
