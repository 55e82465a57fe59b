/**
 * MT5 return codes. The Web API answers `"retcode":"<code> <text>"` with HTTP 200 for every
 * API-level outcome, success or refusal (MQ docs `webapi_https`: responses are
 * `{"retcode":"<code> <text>","answer":{...}}`). Codes and texts are those of MetaQuotes' own PHP
 * sample `MTRetCode` (mirrored in `tarikhagustia/laravel-mt5` `src/Lib/mt5_retcode.php`), except 0,
 * which the server writes as "Done" in every documented example.
 */

export const RET = {
	OK: 0,
	ERR_PARAMS: 3,
	ERR_DATA: 4,
	ERR_PERMISSIONS: 8,
	ERR_TIMEOUT: 9,
	ERR_NOTFOUND: 13,
	AUTH_CLIENT_INVALID: 1000,
	AUTH_ACCOUNT_INVALID: 1001,
	AUTH_CLIENT_OLD: 1010,
	USR_LOGIN_EXHAUSTED: 3002,
	USR_LOGIN_EXIST: 3004,
	USR_INVALID_PASSWORD: 3006,
	USR_DIFFERENT_CURRENCY: 3010,
	TRADE_MAX_MONEY: 4005,
	REQUEST_NO_MONEY: 10019,
} as const;

export type RetcodeNumber = (typeof RET)[keyof typeof RET];

const TEXT: Readonly<Record<RetcodeNumber, string>> = {
	0: 'Done',
	3: 'Invalid parameters',
	4: 'Invalid data',
	8: 'Not enough permissions',
	9: 'Operation timeout',
	13: 'Not found',
	1000: 'Invalid terminal type',
	1001: 'Invalid account',
	1010: 'Client has old version',
	3002: 'Logins range exhausted',
	3004: 'Account already exists',
	3006: 'Invalid account password',
	3010: 'Attempt to move account to different currency group',
	4005: 'Money limit reached',
	10019: 'Not enough money',
};

/** "13 Not found": the form the server writes. */
export function retcode(code: RetcodeNumber): string {
	return `${code} ${TEXT[code]}`;
}

export const DONE = retcode(RET.OK);

/**
 * An API-level refusal: the simulator answers HTTP 200 with this retcode. `reason` says why, for
 * the sandbox's own diagnostics (`state().lastRefusal`); the real server sends no such text.
 */
export class Mt5Error extends Error {
	constructor(
		readonly code: RetcodeNumber,
		readonly reason: string,
	) {
		super(`${retcode(code)}: ${reason}`);
		this.name = 'Mt5Error';
	}
}
