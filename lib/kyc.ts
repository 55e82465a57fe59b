/**
 * Helpers every KYC vendor node shares (Sumsub, Onfido): ISO 3166-1 country codes between the
 * alpha-3 the vendors send and the alpha-2 of the canonical model, calendar dates without a time
 * zone, and the rule that an older webhook event never overrides a newer status.
 *
 * Pure, no n8n imports: the triggers keep the ordering state in the workflow's static data and hand
 * it in here as a plain object.
 */

/**
 * ISO 3166-1 alpha-2 → alpha-3, every officially assigned code (249), plus Kosovo's user-assigned
 * XK/XKX, which KYC vendors use for Kosovar documents. [inference] that Sumsub sends "XKX".
 */
const ALPHA2_ALPHA3 =
	'AF:AFG AX:ALA AL:ALB DZ:DZA AS:ASM AD:AND AO:AGO AI:AIA AQ:ATA AG:ATG AR:ARG AM:ARM AW:ABW AU:AUS ' +
	'AT:AUT AZ:AZE BS:BHS BH:BHR BD:BGD BB:BRB BY:BLR BE:BEL BZ:BLZ BJ:BEN BM:BMU BT:BTN BO:BOL BQ:BES ' +
	'BA:BIH BW:BWA BV:BVT BR:BRA IO:IOT BN:BRN BG:BGR BF:BFA BI:BDI CV:CPV KH:KHM CM:CMR CA:CAN KY:CYM ' +
	'CF:CAF TD:TCD CL:CHL CN:CHN CX:CXR CC:CCK CO:COL KM:COM CG:COG CD:COD CK:COK CR:CRI CI:CIV HR:HRV ' +
	'CU:CUB CW:CUW CY:CYP CZ:CZE DK:DNK DJ:DJI DM:DMA DO:DOM EC:ECU EG:EGY SV:SLV GQ:GNQ ER:ERI EE:EST ' +
	'SZ:SWZ ET:ETH FK:FLK FO:FRO FJ:FJI FI:FIN FR:FRA GF:GUF PF:PYF TF:ATF GA:GAB GM:GMB GE:GEO DE:DEU ' +
	'GH:GHA GI:GIB GR:GRC GL:GRL GD:GRD GP:GLP GU:GUM GT:GTM GG:GGY GN:GIN GW:GNB GY:GUY HT:HTI HM:HMD ' +
	'VA:VAT HN:HND HK:HKG HU:HUN IS:ISL IN:IND ID:IDN IR:IRN IQ:IRQ IE:IRL IM:IMN IL:ISR IT:ITA JM:JAM ' +
	'JP:JPN JE:JEY JO:JOR KZ:KAZ KE:KEN KI:KIR KP:PRK KR:KOR KW:KWT KG:KGZ LA:LAO LV:LVA LB:LBN LS:LSO ' +
	'LR:LBR LY:LBY LI:LIE LT:LTU LU:LUX MO:MAC MG:MDG MW:MWI MY:MYS MV:MDV ML:MLI MT:MLT MH:MHL MQ:MTQ ' +
	'MR:MRT MU:MUS YT:MYT MX:MEX FM:FSM MD:MDA MC:MCO MN:MNG ME:MNE MS:MSR MA:MAR MZ:MOZ MM:MMR NA:NAM ' +
	'NR:NRU NP:NPL NL:NLD NC:NCL NZ:NZL NI:NIC NE:NER NG:NGA NU:NIU NF:NFK MK:MKD MP:MNP NO:NOR OM:OMN ' +
	'PK:PAK PW:PLW PS:PSE PA:PAN PG:PNG PY:PRY PE:PER PH:PHL PN:PCN PL:POL PT:PRT PR:PRI QA:QAT RE:REU ' +
	'RO:ROU RU:RUS RW:RWA BL:BLM SH:SHN KN:KNA LC:LCA MF:MAF PM:SPM VC:VCT WS:WSM SM:SMR ST:STP SA:SAU ' +
	'SN:SEN RS:SRB SC:SYC SL:SLE SG:SGP SX:SXM SK:SVK SI:SVN SB:SLB SO:SOM ZA:ZAF GS:SGS SS:SSD ES:ESP ' +
	'LK:LKA SD:SDN SR:SUR SJ:SJM SE:SWE CH:CHE SY:SYR TW:TWN TJ:TJK TZ:TZA TH:THA TL:TLS TG:TGO TK:TKL ' +
	'TO:TON TT:TTO TN:TUN TR:TUR TM:TKM TC:TCA TV:TUV UG:UGA UA:UKR AE:ARE GB:GBR US:USA UM:UMI UY:URY ' +
	'UZ:UZB VU:VUT VE:VEN VN:VNM VG:VGB VI:VIR WF:WLF EH:ESH YE:YEM ZM:ZMB ZW:ZWE XK:XKX';

const TO_ALPHA3 = new Map<string, string>();
const TO_ALPHA2 = new Map<string, string>();
for (const pair of ALPHA2_ALPHA3.split(' ')) {
	const [alpha2, alpha3] = pair.split(':');
	TO_ALPHA3.set(alpha2, alpha3);
	TO_ALPHA2.set(alpha3, alpha2);
}

/** Every alpha-2 code known here, for tests and option lists. */
export function knownAlpha2Codes(): string[] {
	return [...TO_ALPHA3.keys()];
}

/**
 * The ISO 3166-1 alpha-2 code of a country given as alpha-3 ("GBR") or alpha-2 ("GB"), any case;
 * undefined when it is neither (vendors send null or "" for unknown countries).
 */
export function countryAlpha2(code: unknown): string | undefined {
	if (typeof code !== 'string') return undefined;
	const text = code.trim().toUpperCase();
	if (text.length === 3) return TO_ALPHA2.get(text);
	if (text.length === 2 && TO_ALPHA3.has(text)) return text;
	return undefined;
}

/** The alpha-3 code for an alpha-2 or alpha-3 input, any case; undefined when unknown. */
export function countryAlpha3(code: unknown): string | undefined {
	if (typeof code !== 'string') return undefined;
	const text = code.trim().toUpperCase();
	if (text.length === 2) return TO_ALPHA3.get(text);
	if (text.length === 3 && TO_ALPHA2.has(text)) return text;
	return undefined;
}

/**
 * A calendar date (YYYY-MM-DD) from a vendor date or date-time ("2028-09-04",
 * "2028-09-04 00:00:00", "2028-09-04T00:00:00Z"). Document expiry and birth dates are dates, not
 * instants: the date part is taken as written, never shifted through a time zone. Undefined when
 * the value holds no valid date.
 */
export function calendarDate(value: unknown): string | undefined {
	if (typeof value !== 'string') return undefined;
	const match = /^(\d{4})-(\d{2})-(\d{2})(?:$|[ T])/.exec(value.trim());
	if (!match) return undefined;
	const [, y, m, d] = match;
	const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
	if (date.getUTCFullYear() !== Number(y) || date.getUTCMonth() !== Number(m) - 1 || date.getUTCDate() !== Number(d)) return undefined;
	return `${y}-${m}-${d}`;
}

// ---------------------------------------------------------------------------------------------
// Newest event wins
// ---------------------------------------------------------------------------------------------

/** What a trigger remembers per subject (applicant): the newest event time and that event's digests. */
export interface NewestEvent {
	/** Event time of the newest event accepted, in UTC milliseconds. */
	t: number;
	/** Digests of the events accepted at exactly `t` (several events may share a millisecond). */
	d: string[];
}

/** The trigger's memory: subject id → newest event. Lives in the workflow's static data. */
export type EventOrderMemory = Record<string, NewestEvent>;

export type EventOrderVerdict =
	/** Newer than anything seen for the subject: run it. */
	| { verdict: 'newest' }
	/** The same event again (same time, same digest): acknowledge, do not run. */
	| { verdict: 'duplicate' }
	/** Older than an event already accepted: acknowledge, do not run (its status is outdated). */
	| { verdict: 'older'; newestMs: number }
	/** Older than the maximum age: acknowledge, do not run (a replay, or a delivery far too late). */
	| { verdict: 'tooOld'; ageMs: number };

export interface EventOrderCheck {
	subjectId: string;
	eventTimeMs: number;
	/** Identifies this exact event (e.g. its signature): tells a duplicate from a sibling event. */
	digest: string;
	nowMs: number;
	/** Events older than this are not run; subjects not heard of for longer are forgotten. */
	maxAgeMs: number;
}

/**
 * Decides whether an event may change a subject's status and, when it may, records it. An older
 * event never overrides a newer one: vendors retry failed deliveries for hours (Sumsub: after 5 min,
 * 1 h, 5 h and 18 h), so an old "pending" can arrive after the "approved" that followed it.
 *
 * Memory entries older than `maxAgeMs` are pruned: any event older than such an entry is itself
 * older than the maximum age and refused anyway, so forgetting them changes no verdict.
 */
export function recordIfNewest(memory: EventOrderMemory, check: EventOrderCheck): EventOrderVerdict {
	const ageMs = check.nowMs - check.eventTimeMs;
	if (ageMs > check.maxAgeMs) return { verdict: 'tooOld', ageMs };
	const seen = Object.prototype.hasOwnProperty.call(memory, check.subjectId) ? memory[check.subjectId] : undefined;
	if (seen && check.eventTimeMs < seen.t) return { verdict: 'older', newestMs: seen.t };
	if (seen && check.eventTimeMs === seen.t) {
		if (seen.d.includes(check.digest)) return { verdict: 'duplicate' };
		memory[check.subjectId] = { t: seen.t, d: [...seen.d, check.digest].slice(-20) };
	} else {
		memory[check.subjectId] = { t: check.eventTimeMs, d: [check.digest] };
	}
	for (const [subject, entry] of Object.entries(memory)) {
		if (check.nowMs - entry.t > check.maxAgeMs) delete memory[subject];
	}
	return { verdict: 'newest' };
}
