import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { computePlainHash } from '../lib/signatures';

/** The start of the message when cTrader refuses the token request; the transport recognises it. */
export const CTRADER_TOKEN_REFUSED = 'cTrader refused the manager token request';

/**
 * A manager of the cTrader broker WebServices API (reference/trading.md §3.1, Spotware's "General
 * Provisions"): `POST /webserv/managers/token {login, hashedPassword}` answers `{webservToken}`,
 * and every other call carries `?token=`. The password leaves n8n only as its MD5 hex, as the API
 * requires.
 *
 * The token never expires; it stops working when the manager's password changes. So it is kept in
 * a hidden `expirable` field that n8n fills through `preAuthentication` the first time (and stores
 * with the credential), sends on every call (`authenticate`), and fetches again when it is empty.
 * n8n 2.8 refetches on its own only after a 401, but cTrader rejects a stale token with 403, so
 * the cTrader transport (nodes/CTrader/transport) clears the token and asks n8n for a new one when
 * a call is refused with 403.
 */
export class CTraderApi implements ICredentialType {
	name = 'cTraderApi';

	displayName = 'cTrader WebServices API';

	icon = { light: 'file:../nodes/CTrader/cTrader.svg', dark: 'file:../nodes/CTrader/cTrader.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#ctrader';

	properties: INodeProperties[] = [
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://live-yourbroker.webapi.ctrader.com:8443/v2',
			description:
				'The WebServices address Spotware gave you, including /v2 if it has one. Calls are accepted only from the IP addresses Spotware allow-listed for you.',
		},
		{
			displayName: 'Manager Login',
			name: 'managerLogin',
			type: 'string',
			default: '',
			required: true,
			placeholder: '30017',
			description: 'The number of a manager with WebServices access; its rights per group and broker decide what the node may do',
		},
		{
			displayName: 'Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The manager's password. Only its MD5 hash is sent, as cTrader requires.",
		},
		{
			displayName: 'Broker Name',
			name: 'brokerName',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'yourbroker',
			description: 'The broker name (brokerName) new trader accounts are created under',
		},
		{
			displayName: 'Token',
			name: 'webservToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	/**
	 * Asks cTrader for the manager token; n8n stores it in the hidden field and reuses it. A refusal
	 * is reported in words here, because n8n would otherwise show only "status code 403".
	 */
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const baseUrl = String(credentials.baseUrl ?? '').replace(/\/+$/, '');
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${baseUrl}/webserv/managers/token`,
			body: {
				login: Number(String(credentials.managerLogin ?? '').trim()),
				hashedPassword: computePlainHash('md5', [String(credentials.password ?? '')], 'hex'),
			},
			json: true,
			returnFullResponse: true,
			ignoreHttpStatusErrors: true,
		})) as { statusCode: number; body: unknown };
		const body = (typeof response.body === 'object' && response.body !== null ? response.body : {}) as Record<string, unknown>;
		if (response.statusCode >= 400) {
			const vendor = [body.errorCode, body.description].filter((part) => typeof part === 'string' && part !== '').join(': ');
			const hint =
				response.statusCode === 403 || response.statusCode === 401
					? 'check Manager Login and Password in the cTrader credential (a changed manager password needs updating there)'
					: 'check the Base URL in the cTrader credential';
			throw new Error(`${CTRADER_TOKEN_REFUSED}: HTTP ${response.statusCode}${vendor ? ` (${vendor})` : ''}; ${hint}`);
		}
		if (typeof body.webservToken !== 'string' || body.webservToken === '') {
			throw new Error(`${CTRADER_TOKEN_REFUSED}: the answer has no webservToken; check the Base URL in the cTrader credential`);
		}
		return { webservToken: body.webservToken };
	}

	/**
	 * Adds `?token=`. A function rather than a generic `={{$credentials.webservToken}}` block: n8n
	 * evaluates such an expression (a data proxy and a sandbox) on every request.
	 */
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const token = typeof credentials.webservToken === 'string' ? credentials.webservToken : '';
		return { ...requestOptions, qs: { ...(requestOptions.qs ?? {}), token } };
	}

	/** A real token request (preAuthentication runs first), then a light read with the token. */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{$credentials.baseUrl.replace(/\\/+$/, "")}}',
			url: '/webserv/tradergroups',
			method: 'GET',
		},
	};
}
