import { DateTime, IANAZone } from 'luxon';
import {
	detectOffsetSeconds,
	fixedServerZone,
	formatServerTime,
	offsetSecondsAt,
	parseMt5ServerTime,
	parseServerZone,
	periodWindow,
	serverTimeMscToUtc,
	serverTimeMscToUtcIso,
	serverTimeToUtc,
	serverTimeToUtcIso,
	serverZoneFromMt5TimeConfig,
	TimeError,
	toUtcDateTime,
	utcToServerTime,
	utcToServerTimeMsc,
	UTC_ZONE,
	type ServerZone,
} from '../../lib/time';

// Expected epochs are worked out by hand from 2026-01-01T00:00:00Z = 1767225600 (20454 days):
//   2026-03-29T00:00Z = 1774742400   2026-10-25T00:00Z = 1792886400
//   2026-03-01T00:00Z = 1772323200   2026-04-01T00:00Z = 1775001600
//   2026-10-01T00:00Z = 1790812800   2026-11-01T00:00Z = 1793491200
// A server epoch is that midnight plus the server's wall-clock time of day.

const athens = parseServerZone('Europe/Athens');
const gmtPlus2 = parseServerZone('GMT+2');
const newYorkClose = parseServerZone('America/New_York+7');

const iso = (dt: DateTime<true>): string => dt.toISO();
const hours = (a: DateTime<true>, b: DateTime<true>) => (b.toMillis() - a.toMillis()) / 3_600_000;

describe('the MetaQuotes example', () => {
	test('1572518788 is displayed by the server as 2019.10.31 10:46:28', () => {
		expect(formatServerTime(1572518788)).toBe('2019.10.31 10:46:28');
	});

	test('1572518788 on a fixed GMT+2 server is 08:46:28 UTC', () => {
		expect(iso(serverTimeToUtc(1572518788, gmtPlus2))).toBe('2019-10-31T08:46:28.000Z');
	});

	test('MT5 numbers arrive as JSON strings of digits and are accepted', () => {
		expect(iso(serverTimeToUtc('1572518788', gmtPlus2))).toBe('2019-10-31T08:46:28.000Z');
	});

	test('on Europe/Athens, 31 October 2019 is after the autumn switch, so also 08:46:28 UTC', () => {
		expect(iso(serverTimeToUtc(1572518788, athens))).toBe('2019-10-31T08:46:28.000Z');
	});

	test('08:46:28 UTC goes back to 1572518788 on a GMT+2 server', () => {
		expect(utcToServerTime('2019-10-31T08:46:28Z', gmtPlus2)).toBe(1572518788);
	});

	test('TimeMsc keeps its milliseconds both ways', () => {
		expect(iso(serverTimeMscToUtc('1572518788123', gmtPlus2))).toBe('2019-10-31T08:46:28.123Z');
		expect(utcToServerTimeMsc('2019-10-31T08:46:28.123Z', gmtPlus2)).toBe(1572518788123);
	});

	test('the /api/time/server answer is read as its epoch when both halves agree', () => {
		expect(parseMt5ServerTime('1572518788 2019.10.31 10:46:28')).toBe(1572518788);
		expect(parseMt5ServerTime('1315489916 2011.09.08 13:51:56')).toBe(1315489916);
	});

	test('a /api/time/server answer whose halves disagree is rejected', () => {
		expect(() => parseMt5ServerTime('1572518788 2019.10.31 10:46:29')).toThrow(/disagrees.*2019\.10\.31 10:46:28/);
	});
});

describe('Europe/Athens around the spring switch (Sun 29 March 2026 01:00 UTC)', () => {
	test('one second before the switch the server is two hours ahead: 02:59:59', () => {
		expect(utcToServerTime('2026-03-29T00:59:59Z', athens)).toBe(1774742400 + 2 * 3600 + 3599);
		expect(iso(serverTimeToUtc(1774753199, athens))).toBe('2026-03-29T00:59:59.000Z');
	});

	test('at the switch the server clock jumps to 04:00, three hours ahead', () => {
		expect(utcToServerTime('2026-03-29T01:00:00Z', athens)).toBe(1774742400 + 4 * 3600);
		expect(iso(serverTimeToUtc(1774756800, athens))).toBe('2026-03-29T01:00:00.000Z');
	});

	test('a missing wall time (03:30) is read with the pre-jump offset: 01:30 UTC', () => {
		expect(iso(serverTimeToUtc(1774742400 + 3.5 * 3600, athens))).toBe('2026-03-29T01:30:00.000Z');
	});

	test('03:00, the first missing second, lands exactly on the switch instant', () => {
		expect(iso(serverTimeToUtc(1774742400 + 3 * 3600, athens))).toBe('2026-03-29T01:00:00.000Z');
	});
});

describe('Europe/Athens around the autumn switch (Sun 25 October 2026 01:00 UTC)', () => {
	test('one second before the switch the server shows 03:59:59, three hours ahead', () => {
		expect(utcToServerTime('2026-10-25T00:59:59Z', athens)).toBe(1792886400 + 3 * 3600 + 3599);
	});

	test('at the switch the server clock goes back to 03:00, two hours ahead', () => {
		expect(utcToServerTime('2026-10-25T01:00:00Z', athens)).toBe(1792886400 + 3 * 3600);
	});

	test('two instants an hour apart in the repeated hour give the same server epoch', () => {
		expect(utcToServerTime('2026-10-25T00:30:00Z', athens)).toBe(1792899000);
		expect(utcToServerTime('2026-10-25T01:30:00Z', athens)).toBe(1792899000);
	});

	test('a repeated wall time (03:30) means its first occurrence: 00:30 UTC, not 01:30', () => {
		expect(iso(serverTimeToUtc(1792899000, athens))).toBe('2026-10-25T00:30:00.000Z');
	});

	test('04:00 after the repeated hour is unambiguous: 02:00 UTC', () => {
		expect(iso(serverTimeToUtc(1792886400 + 4 * 3600, athens))).toBe('2026-10-25T02:00:00.000Z');
	});

	test('02:59:59 before the repeated hour is still summer time: 23:59:59 UTC the day before', () => {
		expect(iso(serverTimeToUtc(1792886400 + 2 * 3600 + 3599, athens))).toBe('2026-10-24T23:59:59.000Z');
	});

	test('every quarter hour across the switch survives UTC → server → UTC except the second pass of the repeated hour', () => {
		const lost: string[] = [];
		for (let ms = Date.UTC(2026, 9, 24, 12); ms <= Date.UTC(2026, 9, 25, 12); ms += 900_000) {
			const utc = DateTime.fromMillis(ms, { zone: 'utc' });
			if (serverTimeToUtc(utcToServerTime(utc, athens), athens).toMillis() !== ms) lost.push(utc.toFormat('HH:mm'));
		}
		expect(lost).toEqual(['01:00', '01:15', '01:30', '01:45']);
	});
});

describe('the New York close zone (America/New_York+7)', () => {
	test('it is GMT+3 between the US switch (8 March 2026) and the EU switch, when Athens is still GMT+2', () => {
		expect(offsetSecondsAt(newYorkClose, '2026-03-15T12:00:00Z')).toBe(10800);
		expect(offsetSecondsAt(athens, '2026-03-15T12:00:00Z')).toBe(7200);
		expect(utcToServerTime('2026-03-15T12:00:00Z', newYorkClose)).toBe(1773532800 + 15 * 3600);
	});

	test('it stays GMT+3 after the EU autumn switch until the US switch on 1 November 2026', () => {
		expect(offsetSecondsAt(newYorkClose, '2026-10-28T12:00:00Z')).toBe(10800);
		expect(offsetSecondsAt(newYorkClose, '2026-11-02T12:00:00Z')).toBe(7200);
	});

	test('a server day starts at 17:00 in New York', () => {
		const day = periodWindow('day', '2026-07-01T12:00:00Z', newYorkClose);
		expect(iso(day.startUtc)).toBe('2026-06-30T21:00:00.000Z');
		expect(day.label).toBe('2026-07-01');
	});
});

describe('month windows in the platform zone', () => {
	test('October 2026 in Europe/Athens runs from 2026-09-30T21:00Z to 2026-10-31T22:00Z (745 hours)', () => {
		const w = periodWindow('month', '2026-10-15T12:00:00Z', athens);
		expect(w.label).toBe('2026-10');
		expect(iso(w.startUtc)).toBe('2026-09-30T21:00:00.000Z');
		expect(iso(w.endUtc)).toBe('2026-10-31T22:00:00.000Z');
		expect(w.startServerEpoch).toBe(1790812800);
		expect(w.endServerEpoch).toBe(1793491200);
		expect(hours(w.startUtc, w.endUtc)).toBe(745);
	});

	test('March 2026 in Europe/Athens runs from 2026-02-28T22:00Z to 2026-03-31T21:00Z (743 hours)', () => {
		const w = periodWindow('month', '2026-03-10T00:00:00Z', athens);
		expect(w.label).toBe('2026-03');
		expect(iso(w.startUtc)).toBe('2026-02-28T22:00:00.000Z');
		expect(iso(w.endUtc)).toBe('2026-03-31T21:00:00.000Z');
		expect(w.startServerEpoch).toBe(1772323200);
		expect(w.endServerEpoch).toBe(1775001600);
		expect(hours(w.startUtc, w.endUtc)).toBe(743);
	});

	test('21:30 UTC on 30 September is already October on an Athens server', () => {
		expect(periodWindow('month', '2026-09-30T21:30:00Z', athens).label).toBe('2026-10');
		expect(periodWindow('month', '2026-09-30T20:59:59Z', athens).label).toBe('2026-09');
	});

	test('the previous month of an instant in November 2026 is October 2026', () => {
		const w = periodWindow('month', '2026-11-10T00:00:00Z', athens, 'previous');
		expect(w.label).toBe('2026-10');
		expect(iso(w.startUtc)).toBe('2026-09-30T21:00:00.000Z');
	});

	test('the previous month of January 2026 is December 2025', () => {
		const w = periodWindow('month', '2026-01-15T00:00:00Z', athens, 'previous');
		expect(w.label).toBe('2025-12');
		expect(iso(w.startUtc)).toBe('2025-11-30T22:00:00.000Z');
		expect(iso(w.endUtc)).toBe('2025-12-31T22:00:00.000Z');
	});

	test('on a fixed GMT+2 server October 2026 starts at 22:00 UTC like every other month', () => {
		const w = periodWindow('month', '2026-10-15T12:00:00Z', gmtPlus2);
		expect(iso(w.startUtc)).toBe('2026-09-30T22:00:00.000Z');
		expect(iso(w.endUtc)).toBe('2026-10-31T22:00:00.000Z');
		expect(hours(w.startUtc, w.endUtc)).toBe(744);
	});

	test('on cTrader (UTC) the month window is the UTC month', () => {
		const w = periodWindow('month', '2026-10-15T12:00:00Z', UTC_ZONE);
		expect(iso(w.startUtc)).toBe('2026-10-01T00:00:00.000Z');
		expect(w.startServerEpoch).toBe(1790812800);
	});
});

describe('day windows in the platform zone', () => {
	test('25 October 2026 in Europe/Athens is 25 hours long', () => {
		const w = periodWindow('day', '2026-10-25T12:00:00Z', athens);
		expect(w.label).toBe('2026-10-25');
		expect(iso(w.startUtc)).toBe('2026-10-24T21:00:00.000Z');
		expect(iso(w.endUtc)).toBe('2026-10-25T22:00:00.000Z');
		expect(w.startServerEpoch).toBe(1792886400);
		expect(w.endServerEpoch).toBe(1792886400 + 86400);
		expect(hours(w.startUtc, w.endUtc)).toBe(25);
	});

	test('29 March 2026 in Europe/Athens is 23 hours long', () => {
		const w = periodWindow('day', '2026-03-29T12:00:00Z', athens);
		expect(w.label).toBe('2026-03-29');
		expect(iso(w.startUtc)).toBe('2026-03-28T22:00:00.000Z');
		expect(iso(w.endUtc)).toBe('2026-03-29T21:00:00.000Z');
		expect(w.startServerEpoch).toBe(1774742400);
		expect(w.endServerEpoch).toBe(1774742400 + 86400);
		expect(hours(w.startUtc, w.endUtc)).toBe(23);
	});

	test('the previous day of 26 October 2026 is the 25-hour day', () => {
		const w = periodWindow('day', '2026-10-26T12:00:00Z', athens, 'previous');
		expect(w.label).toBe('2026-10-25');
		expect(hours(w.startUtc, w.endUtc)).toBe(25);
	});

	test('a day on a fixed-offset server is always 24 hours', () => {
		const w = periodWindow('day', '2026-10-25T12:00:00Z', gmtPlus2);
		expect(iso(w.startUtc)).toBe('2026-10-24T22:00:00.000Z');
		expect(hours(w.startUtc, w.endUtc)).toBe(24);
	});

	test('an unknown period is rejected by name', () => {
		expect(() => periodWindow('week' as 'day', '2026-10-25T12:00:00Z', athens)).toThrow(/"week"/);
	});
});

describe('parseServerZone', () => {
	test('an IANA zone is kept as a zone with its DST rules, in canonical spelling', () => {
		expect(parseServerZone('europe/athens')).toEqual({ kind: 'iana', name: 'Europe/Athens', ianaZone: 'Europe/Athens', shiftMinutes: 0 });
	});

	test.each([
		['UTC+02:00', 120, 'UTC+02:00'],
		['GMT+2', 120, 'UTC+02:00'],
		['+3', 180, 'UTC+03:00'],
		['UTC-5', -300, 'UTC-05:00'],
		['gmt +05:30', 330, 'UTC+05:30'],
		['+0545', 345, 'UTC+05:45'],
	])('%s is a fixed offset of %i minutes', (input, offsetMinutes, name) => {
		expect(parseServerZone(input)).toEqual({ kind: 'fixed', name, offsetMinutes });
	});

	test('"UTC", "GMT" and "0" are UTC', () => {
		expect(parseServerZone('UTC')).toEqual(UTC_ZONE);
		expect(parseServerZone('GMT')).toEqual(UTC_ZONE);
		expect(parseServerZone('0')).toEqual(UTC_ZONE);
	});

	test('a number is minutes from UTC, as MT5 writes TimeZone', () => {
		expect(parseServerZone(120)).toEqual({ kind: 'fixed', name: 'UTC+02:00', offsetMinutes: 120 });
	});

	test('an IANA zone plus hours is a shifted zone', () => {
		expect(newYorkClose).toEqual({ kind: 'iana', name: 'America/New_York+07:00', ianaZone: 'America/New_York', shiftMinutes: 420 });
	});

	test('a zone name parses back to the same zone', () => {
		for (const zone of [athens, gmtPlus2, newYorkClose, UTC_ZONE, fixedServerZone(-210)]) {
			expect(parseServerZone(zone.name)).toEqual(zone);
		}
	});

	test('an unknown zone is named in the error, which lists the accepted forms', () => {
		let error: unknown;
		try {
			parseServerZone('Mars/Olympus', 'Server Time Zone');
		} catch (e) {
			error = e;
		}
		expect(error).toBeInstanceOf(TimeError);
		expect((error as TimeError).field).toBe('Server Time Zone');
		expect((error as TimeError).message).toContain('"Mars/Olympus"');
		expect((error as TimeError).message).toContain('"Europe/Athens"');
		expect((error as TimeError).message).toContain('"America/New_York+7"');
		expect((error as TimeError).message).toContain('"UTC+2"');
	});

	test('a bare number without a sign is rejected with the signed spelling suggested', () => {
		expect(() => parseServerZone('2')).toThrow(/"\+2"/);
	});

	test('an offset beyond UTC+14 is rejected', () => {
		expect(() => parseServerZone('UTC+15')).toThrow(/"UTC\+15" is not a valid offset/);
	});

	test('an offset with minutes that are not a quarter hour is rejected', () => {
		expect(() => parseServerZone('+02:20')).toThrow(/not a valid offset/);
	});

	test('Etc/GMT+2 is rejected because its sign means UTC-2', () => {
		expect(() => parseServerZone('Etc/GMT+2')).toThrow(/means UTC-2/);
	});

	test('an empty field is rejected', () => {
		expect(() => parseServerZone('  ')).toThrow(/is empty/);
	});
});

describe('serverZoneFromMt5TimeConfig', () => {
	test('TimeZone 120 with Daylight on is Europe/Athens (EU switch dates assumed)', () => {
		expect(serverZoneFromMt5TimeConfig({ TimeZone: '120', Daylight: '1', DaylightState: '0' }).name).toBe('Europe/Athens');
	});

	test('the reference answer (TimeZone 60, Daylight 1) is Europe/Berlin', () => {
		expect(serverZoneFromMt5TimeConfig({ Daylight: '1', DaylightState: '0', TimeZone: '60' }).name).toBe('Europe/Berlin');
	});

	test('TimeZone 120 with Daylight off is a fixed GMT+2', () => {
		expect(serverZoneFromMt5TimeConfig({ TimeZone: '120', Daylight: '0', DaylightState: '0' })).toEqual({
			kind: 'fixed',
			name: 'UTC+02:00',
			offsetMinutes: 120,
		});
	});

	test('Daylight off with DaylightState on is a fixed offset one hour later', () => {
		expect(serverZoneFromMt5TimeConfig({ TimeZone: '120', Daylight: '0', DaylightState: '1' }).name).toBe('UTC+03:00');
	});

	test('TimeZone 0 with Daylight off is UTC', () => {
		expect(serverZoneFromMt5TimeConfig({ TimeZone: '0', Daylight: '0' })).toEqual(UTC_ZONE);
	});

	test('an offset with no EU capital (180 minutes) still switches on the EU dates: +3 in winter, +4 in summer', () => {
		const zone = serverZoneFromMt5TimeConfig({ TimeZone: '180', Daylight: '1' });
		expect(offsetSecondsAt(zone, '2026-01-15T12:00:00Z')).toBe(10800);
		expect(offsetSecondsAt(zone, '2026-03-29T00:59:59Z')).toBe(10800);
		expect(offsetSecondsAt(zone, '2026-03-29T01:00:00Z')).toBe(14400);
	});

	test('a TimeZone that is not whole minutes is rejected naming the field', () => {
		expect(() => serverZoneFromMt5TimeConfig({ TimeZone: 'GMT+2', Daylight: '1' })).toThrow(/"TimeZone".*"GMT\+2"/);
	});
});

describe('detectOffsetSeconds', () => {
	test('a 7199 s skew (a second of network delay) is GMT+2: 7200', () => {
		expect(detectOffsetSeconds(1572518788, (1572518788 - 7199) * 1000)).toBe(7200);
	});

	test('the skew is rounded to the nearest quarter hour: 7649 s → 7200, 7651 s → 8100', () => {
		expect(detectOffsetSeconds(1572518788, (1572518788 - 7649) * 1000)).toBe(7200);
		expect(detectOffsetSeconds(1572518788, (1572518788 - 7651) * 1000)).toBe(8100);
	});

	test('a server behind UTC gives a negative offset, and a GMT+0 server gives 0', () => {
		expect(detectOffsetSeconds('1572518788', (1572518788 + 18001) * 1000)).toBe(-18000);
		expect(detectOffsetSeconds(1572518788, (1572518788 + 3) * 1000)).toBe(0);
	});

	test('milliseconds passed as the server time are caught as an impossible offset', () => {
		expect(() => detectOffsetSeconds(1572518788000, 1572518788000)).toThrow(/seconds/);
	});
});

describe('strict inputs', () => {
	const athensZone: ServerZone = athens;

	test('a server time that is not a whole number is rejected naming the value', () => {
		expect(() => serverTimeToUtc('1572518788.5', athensZone, 'Time')).toThrow(/"Time".*"1572518788\.5"/);
		expect(() => serverTimeToUtc('', athensZone)).toThrow(TimeError);
	});

	test('a whole number too large to be a date is rejected rather than returned as an invalid date', () => {
		expect(() => serverTimeToUtc(9007199254740991, gmtPlus2)).toThrow(/outside the range of dates/);
	});

	test('an impossible calendar date is rejected naming the value', () => {
		expect(() => utcToServerTime('2026-02-30T00:00:00Z', athensZone, 'from')).toThrow(/"from".*"2026-02-30T00:00:00Z"/);
	});

	test('text that is not ISO-8601 is rejected', () => {
		expect(() => toUtcDateTime('yesterday')).toThrow(/"yesterday"/);
	});

	test('an invalid Date is rejected', () => {
		expect(() => toUtcDateTime(new Date('nope'))).toThrow(/invalid Date/);
	});

	test('an epoch number is not taken for an instant (seconds or milliseconds?)', () => {
		expect(() => toUtcDateTime(1572518788 as unknown as string)).toThrow(/ISO-8601/);
	});

	test('an ISO string without an offset is read as UTC, never as the host zone', () => {
		expect(utcToServerTime('2026-10-01T00:00:00', gmtPlus2)).toBe(1790812800 + 7200);
	});

	test('an ISO string with an offset, a Date and a DateTime in another zone name the same instant', () => {
		expect(utcToServerTime('2026-10-01T03:00:00+03:00', gmtPlus2)).toBe(1790820000);
		expect(utcToServerTime(new Date('2026-10-01T00:00:00Z'), gmtPlus2)).toBe(1790820000);
		expect(utcToServerTime(DateTime.fromISO('2026-09-30T20:00:00-04:00', { setZone: true }), gmtPlus2)).toBe(1790820000);
	});

	test('the result of a conversion is a UTC DateTime', () => {
		expect(serverTimeToUtc(1572518788, athensZone).zoneName).toBe('UTC');
	});
});

describe('IANA offsets read through the per-hour cache', () => {
	// Zones that switch on the hour, at half hours, by 30 minutes (Lord Howe) and at :45 offsets.
	const zones = ['Europe/Athens', 'America/New_York', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kathmandu', 'America/St_Johns'];

	it.each(zones)('%s: every minute around each switch of 2024-2026, and a year of hours, match Intl exactly', (name) => {
		const zone = parseServerZone(name);
		const direct = (ms: number) => IANAZone.create(name).offset(ms) * 60;
		const instants: number[] = [];
		const from = Date.parse('2024-01-01T00:00:00Z');
		const to = Date.parse('2027-01-01T00:00:00Z');
		// Find each switch hour, then take every minute of the two hours around it.
		for (let ms = from; ms < to; ms += 3_600_000) {
			instants.push(ms + 1_234_567 % 3_600_000);
			if (direct(ms) !== direct(ms + 3_600_000)) for (let m = ms - 3_600_000; m <= ms + 2 * 3_600_000; m += 60_000) instants.push(m, m + 59_999);
		}
		expect(instants.length).toBeGreaterThan(26_000);
		const wrong = instants.filter((ms) => offsetSecondsAt(zone, new Date(ms)) !== direct(ms));
		expect(wrong).toEqual([]);
	});
});

describe('server time → UTC ISO text without a DateTime', () => {
	const zones = ['UTC+2', 'Europe/Athens', 'America/New_York+7', 'Australia/Sydney', 'UTC-3:30', 'Asia/Kathmandu'].map((z) => parseServerZone(z));

	it('writes what luxon writes, hour by hour across 2024-2026 and at DST switches', () => {
		const start = Date.parse('2024-01-01T00:00:00Z') / 1000;
		for (const zone of zones) {
			for (let s = start; s < start + 3 * 366 * 86_400; s += 1_800 + 7) {
				expect(serverTimeToUtcIso(s, zone)).toBe(serverTimeToUtc(s, zone).toISO());
				expect(serverTimeMscToUtcIso(`${s}123`, zone)).toBe(serverTimeMscToUtc(`${s}123`, zone).toISO());
			}
		}
	});

	it('matches luxon at the edges of four-digit years and beyond, and refuses what it refuses', () => {
		const zone = parseServerZone('UTC+2');
		for (const ms of [-62_167_219_200_000 + 7_200_000, -62_167_219_200_000 + 7_199_999, 253_402_300_799_999 + 7_200_000, 253_402_300_800_000 + 7_200_000, 0, -1]) {
			expect(serverTimeMscToUtcIso(ms, zone)).toBe(serverTimeMscToUtc(ms, zone).toISO());
		}
		expect(() => serverTimeToUtcIso('12:00', zone, 'Time')).toThrow(TimeError);
		expect(() => serverTimeMscToUtcIso(9_007_199_254_740_991, zone)).toThrow(TimeError);
	});
});
