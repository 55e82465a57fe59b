/**
 * The MetaTrader 5 client every operation uses: credentials, the keep-alive session
 * (connection.ts), retries with backoff behind the breaker (lib/http), retcodes in words, and the
 * server's time zone. Vendor field names stop here and in the operations' mappers.
 */
import { NodeApiError, type IExecuteFunctions, type ILoadOptionsFunctions, type IPollFunctions, type JsonObject } from 'n8n-workflow';

import { breakerKey } from '../../../lib/circuitBreaker';
import { livesOneRun, runCredentials } from '../../../lib/credentials';
import { runWithRetry, type RetryHooks } from '../../../lib/http';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../../../lib/retryOptions';
import { parseMt5ServerTime, parseServerZone, serverZoneFromMt5TimeConfig, type ServerZone } from '../../../lib/time';
import { mt5Origin, mt5Send, type Mt5Endpoint, type Mt5RawRequest } from './connection';
import { describeRetcode, parseRetcode } from './retcodes';

export const MT5_CREDENTIAL = 'metaTrader5Api';

export type Mt5Context = IExecuteFunctions | IPollFunctions | ILoadOptionsFunctions;

export interface Mt5Call {
	method?: 'GET' | 'POST';
	path: string;
	query?: Mt5RawRequest['query'];
	body?: unknown;
	/** Reads are idempotent; a balance operation or account creation is not. */
	idempotent: boolean;
}

/** A Web API answer: the retcode and the `answer` payload (numbers arrive as strings). */
export interface Mt5Answer {
	retcode: number;
	answer: unknown;
	body: Record<string, unknown>;
}

/** MT5 said no (a retcode other than 0): the message says what it means and what to check. */
export class Mt5RetcodeError extends NodeApiError {
	readonly retcode: number;

	constructor(ctx: Mt5Context, retcode: { code: number; text: string }, action: string) {
		super(ctx.getNode(), { retcode: `${retcode.code} ${retcode.text}` } as JsonObject, {
			message: `MetaTrader 5 could not ${action}: ${describeRetcode(retcode)}`,
			httpCode: String(retcode.code),
		});
		this.name = 'NodeApiError';
		this.retcode = retcode.code;
	}
}

const endpoints = new WeakMap<object, Mt5Endpoint>();
/** This node run's endpoint, so later commands of the run find it without waiting on a promise (not a trigger's: lib/credentials). */
const runEndpoints = new WeakMap<Mt5Context, Mt5Endpoint>();

/** The credential's endpoint; one object per node run (the credential is read once a run). */
async function readEndpoint(ctx: Mt5Context): Promise<Mt5Endpoint> {
	const credentials = await runCredentials(ctx, MT5_CREDENTIAL);
	let endpoint = endpoints.get(credentials);
	if (!endpoint) {
		endpoint = {
			serverUrl: String(credentials.serverUrl ?? '').replace(/\/+$/, ''),
			login: String(credentials.login ?? ''),
			password: String(credentials.password ?? ''),
			agent: String(credentials.agent || 'n8n-brokerage'),
			ignoreSslIssues: credentials.ignoreSslIssues === true,
		};
		endpoints.set(credentials, endpoint);
	}
	if (livesOneRun(ctx)) runEndpoints.set(ctx, endpoint);
	return endpoint;
}

/**
 * Sends a command and returns the answer when the retcode is 0; otherwise throws Mt5RetcodeError.
 * `action` completes "MetaTrader 5 could not …" in error messages ("credit the deposit").
 */
export async function mt5Request(
	ctx: Mt5Context,
	call: Mt5Call,
	action: string,
	policy: RetryPolicy = DEFAULT_RETRY_POLICY,
	hooks: RetryHooks<Mt5Answer> = {},
): Promise<Mt5Answer> {
	const endpoint = runEndpoints.get(ctx) ?? (await readEndpoint(ctx));
	const host = mt5Origin(endpoint).host;
	const outcome = await runWithRetry<Mt5Answer>(
		{
			// n8n copies the node on every getNode(); only a failure needs it.
			get node() {
				return ctx.getNode();
			},
			key: breakerKey(MT5_CREDENTIAL, endpoint.login, host),
			serviceName: `MetaTrader 5 at ${host}`,
			host,
			idempotent: call.idempotent,
		},
		() =>
			mt5Send(endpoint, {
				method: call.method ?? 'GET',
				path: call.path,
				query: call.query,
				body: call.body,
				timeoutMs: policy.timeoutMs,
			}),
		policy,
		hooks,
	);
	if ('result' in outcome) return outcome.result;
	const body = (typeof outcome.response.body === 'object' && outcome.response.body !== null ? outcome.response.body : {}) as Record<
		string,
		unknown
	>;
	const retcode = parseRetcode(body.retcode);
	if (retcode.code !== 0) throw new Mt5RetcodeError(ctx, retcode, action);
	return { retcode: 0, answer: body.answer, body };
}

const zones = new Map<string, ServerZone>();

/**
 * The trade server's time zone: as configured in the credential (an IANA zone or a fixed offset),
 * or read from the server (`/api/time/get`) and cached for the process when set to "detect".
 */
export async function mt5ServerZone(ctx: Mt5Context): Promise<ServerZone> {
	const credentials = await runCredentials(ctx, MT5_CREDENTIAL);
	const setting = String(credentials.serverTimeZone ?? 'detect').trim();
	if (setting && setting.toLowerCase() !== 'detect') return parseServerZone(setting, 'Server Time Zone');
	const key = `${String(credentials.serverUrl)}|${String(credentials.login)}`;
	const cached = zones.get(key);
	if (cached) return cached;
	const { answer } = await mt5Request(ctx, { path: '/api/time/get', idempotent: true }, 'read its time settings');
	const zone = serverZoneFromMt5TimeConfig(answer as { TimeZone: string });
	zones.set(key, zone);
	return zone;
}

/** The server's clock now, as server epoch seconds (`/api/time/server`). */
export async function mt5ServerNow(ctx: Mt5Context): Promise<number> {
	const { answer } = await mt5Request(ctx, { path: '/api/time/server', idempotent: true }, 'read its clock');
	return parseMt5ServerTime(String((answer as { Time?: unknown })?.Time ?? ''));
}
