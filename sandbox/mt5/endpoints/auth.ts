/**
 * `webapi_rest_authentication`: the two-step challenge–response.
 *
 *   GET /api/auth/start?version=&agent=&login=&type=manager
 *     → {"retcode":"0 Done","version_access":"<build>","srv_rand":"<32 hex>"}   (srv_rand at the top level)
 *   GET /api/auth/answer?srv_rand_answer=&cli_rand=
 *     → {"retcode":"0 Done","version_access":"<build>","version_trade":"<build>","cli_rand_answer":"<32 hex>"}
 *
 * Refusals (HTTP 200 with a retcode, like every API-level answer):
 * - unknown manager login, and a wrong srv_rand_answer (wrong password): "1001 Invalid account".
 *   The MetaQuotes server answers a failed manager authentication with 1001; users of the real
 *   server report exactly that for a wrong or non-API password (tarikhagustia/php-mt5 issue #8).
 *   3006 "Invalid account password" is what `user/check_password` answers, not the manager login.
 * - more than 10 s between start and answer: "9 Operation timeout" (the docs give the limit, not
 *   the code; 9 is MT_RET_ERR_TIMEOUT).
 * - missing or malformed parameters: "3 Invalid parameters"; type other than manager: "1000
 *   Invalid terminal type"; version below 484: "1010 Client has old version".
 * An answer on a connection that sent no start has no session to complete: HTTP 403, as for any
 * command outside a session.
 */
import { answerMatches, challengeAnswer, isRandHex, passwordHash } from '../auth';
import { Mt5Params } from '../params';
import { DONE, Mt5Error, RET } from '../retcodes';
import { AUTH_ANSWER_WINDOW_MS, type SessionTable } from '../sessions';
import type { ManagerAccount } from '../store';
import type { SandboxRequest } from '../../framework';

/** `webapi_rest_authentication`: "version — the client build, no lower than 484". */
export const MIN_CLIENT_VERSION = 484;

export interface AuthDeps {
	sessions: SessionTable;
	manager(login: number): ManagerAccount | undefined;
	nextServerRand(): string;
	build: string;
	/** HTTP 403 for a connection without a session (the simulator's single place for it). */
	noSession(reason: 'none' | 'idle'): Error;
}

export function authStart(deps: AuthDeps, request: SandboxRequest): Record<string, string> {
	const params = new Mt5Params(request.query, request.rawBody);
	const version = params.requiredInteger('version');
	const agent = params.required('agent');
	const login = params.requiredInteger('login');
	const type = params.required('type');
	if (/\s/.test(agent)) throw new Mt5Error(RET.ERR_PARAMS, '"agent" must not contain spaces');
	if (type.toLowerCase() !== 'manager') throw new Mt5Error(RET.AUTH_CLIENT_INVALID, `type "${type}" is not "manager"`);
	if (version < MIN_CLIENT_VERSION) throw new Mt5Error(RET.AUTH_CLIENT_OLD, `version ${version} is below ${MIN_CLIENT_VERSION}`);
	const manager = deps.manager(login);
	if (!manager) throw new Mt5Error(RET.AUTH_ACCOUNT_INVALID, `no manager ${login}`);
	const srvRand = deps.nextServerRand();
	deps.sessions.begin(request.connectionId, manager, srvRand);
	return { retcode: DONE, version_access: deps.build, srv_rand: srvRand };
}

export function authAnswer(deps: AuthDeps, request: SandboxRequest): Record<string, string> {
	const challenge = deps.sessions.takeChallenge(request.connectionId);
	if (!challenge) throw deps.noSession('none');
	const params = new Mt5Params(request.query, request.rawBody);
	const srvRandAnswer = params.required('srv_rand_answer');
	const cliRand = params.required('cli_rand');
	if (challenge.ageMs > AUTH_ANSWER_WINDOW_MS) {
		throw new Mt5Error(RET.ERR_TIMEOUT, `answered ${challenge.ageMs} ms after auth/start (limit ${AUTH_ANSWER_WINDOW_MS})`);
	}
	if (!isRandHex(cliRand)) throw new Mt5Error(RET.ERR_PARAMS, '"cli_rand" must be 32 hex characters');
	const hash = passwordHash(challenge.manager.password);
	if (!answerMatches(challengeAnswer(hash, challenge.srvRand), srvRandAnswer)) {
		throw new Mt5Error(RET.AUTH_ACCOUNT_INVALID, 'srv_rand_answer does not match the password');
	}
	deps.sessions.open(request.connectionId, challenge.manager);
	return {
		retcode: DONE,
		version_access: deps.build,
		version_trade: deps.build,
		cli_rand_answer: challengeAnswer(hash, cliRand.toLowerCase()),
	};
}
