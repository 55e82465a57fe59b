/**
 * MT5 return codes in words an operations person can act on. The Web API answers HTTP 200 with
 * `"retcode":"<code> <text>"` for every outcome (MQ docs `webapi_https`); codes from MetaQuotes'
 * `MTRetCode` (reference/trading.md §1.5).
 */
const MEANING: Record<number, string> = {
	1: 'nothing was done',
	2: 'the server reported a general error',
	3: 'a parameter is invalid',
	4: 'the data is invalid',
	7: 'the trade server has a network problem',
	8: 'the manager account lacks the permission for this (check its rights on the MT5 server)',
	9: 'the server timed out',
	10: 'the server has no connection to the trade server',
	12: 'requests are too frequent',
	13: 'not found',
	17: 'it already exists',
	1001: 'the manager login or API password is wrong',
	1002: 'the manager account is disabled',
	1012: 'this IP address is not allowed for the manager account',
	3002: 'the server has no free logins left in its range',
	3004: 'the account already exists',
	3006: 'the password does not meet MT5 rules (8–16 characters with lower case, upper case, digits and symbols)',
	3008: 'the account has open trades',
	3009: 'the account must be moved on a different server',
	3010: 'the target group has a different currency than the account',
	4005: 'the amount is over the 1,000,000,000 limit of one operation',
	10019: 'there is not enough money (balance, free margin or issued credit) for this withdrawal',
	12001: 'this must run on the main trade server',
};

/** Codes that mean the server could not do it now, so trying again later may work. */
export const TRANSIENT_RETCODES = new Set([7, 9, 10, 12]);

export interface Retcode {
	code: number;
	text: string;
}

/** Reads "10019 Not enough money" into its number and text; a missing retcode is code -1. */
export function parseRetcode(value: unknown): Retcode {
	const match = /^(\d+)\s*(.*)$/.exec(String(value ?? '').trim());
	if (!match) return { code: -1, text: String(value ?? 'no retcode in the answer') };
	return { code: Number(match[1]), text: match[2] };
}

export function describeRetcode({ code, text }: Retcode): string {
	const meaning = MEANING[code];
	return meaning ? `${meaning} (MT5 retcode ${code} ${text})` : `MT5 answered retcode ${code} ${text}`;
}
