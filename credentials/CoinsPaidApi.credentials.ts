import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { computeHmac } from '../lib/signatures';

/** reference/psp_kyc.md §4a (coinspaid/docs api-documentation/v2). */
export const COINSPAID_BASE_URLS = {
	live: 'https://app.coinspaid.com/api/v2',
	sandbox: 'https://app.sandbox.cryptoprocessing.com/api/v2',
} as const;

export const COINSPAID_KEY_HEADER = 'X-Processing-Key';
export const COINSPAID_SIGNATURE_HEADER = 'X-Processing-Signature';

/** The API address a credential points at: the chosen environment, or the custom URL. */
export function coinsPaidBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const environment = String(credentials.environment ?? 'sandbox');
	if (environment === 'live' || environment === 'sandbox') return COINSPAID_BASE_URLS[environment];
	return String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
}

/**
 * CoinsPaid (Cryptoprocessing) API v2 keys. Every request carries `X-Processing-Key` (the public
 * key) and `X-Processing-Signature` = hex HMAC-SHA512(secret, the exact raw JSON body)
 * (coinspaid/docs api-documentation/authorization.md); callbacks are signed the same way, which is
 * why the CoinsPaid Trigger uses this credential too.
 *
 * n8n's generic `authenticate` can only copy values into headers, it cannot hash the body, so
 * `authenticate` is a function: it serialises the body ONCE, signs that exact string and sends the
 * string itself as the body. n8n-core passes a string body to axios unchanged (axios only trims a
 * string that is already JSON, and JSON.stringify output has nothing to trim), so the bytes
 * CoinsPaid hashes are the bytes signed here.
 */
export class CoinsPaidApi implements ICredentialType {
	name = 'coinsPaidApi';

	displayName = 'CoinsPaid API';

	icon = { light: 'file:../nodes/CoinsPaid/coinsPaid.svg', dark: 'file:../nodes/CoinsPaid/coinsPaid.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#coinspaid';

	properties: INodeProperties[] = [
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Sandbox', value: 'sandbox', description: COINSPAID_BASE_URLS.sandbox },
				{ name: 'Live', value: 'live', description: COINSPAID_BASE_URLS.live },
				{ name: 'Custom URL', value: 'custom', description: 'Another address, e.g. a local sandbox' },
			],
			default: 'sandbox',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'http://127.0.0.1:8080/api/v2',
			description: 'The API address including /api/v2',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Public Key',
			name: 'publicKey',
			type: 'string',
			default: '',
			required: true,
			description: 'The API key from the CoinsPaid dashboard (Settings → API keys), sent as X-Processing-Key',
		},
		{
			displayName: 'Secret Key',
			name: 'secret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The secret shown once when the key was created. It signs every request and verifies callbacks; it is never sent.',
		},
		{
			displayName: 'Previous Secret Key',
			name: 'previousSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'While you rotate keys: the old secret, so callbacks still signed with it are accepted. Leave empty otherwise. Requests are always signed with the current secret.',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const { body } = requestOptions;
		// CoinsPaid wants a JSON object even when a call takes no parameters ("{}").
		const rawBody = typeof body === 'string' ? body : JSON.stringify(body ?? {});
		const signature = computeHmac('sha512', String(credentials.secret ?? ''), rawBody, 'hex');
		return {
			...requestOptions,
			body: rawBody,
			headers: {
				...(requestOptions.headers ?? {}),
				'Content-Type': 'application/json',
				[COINSPAID_KEY_HEADER]: String(credentials.publicKey ?? '').trim(),
				[COINSPAID_SIGNATURE_HEADER]: signature,
			},
		};
	}

	/** A real signed call: the balance list, which every key may read. */
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.environment === "live" ? "https://app.coinspaid.com/api/v2" : $credentials.environment === "sandbox" ? "https://app.sandbox.cryptoprocessing.com/api/v2" : String($credentials.baseUrl).trim().replace(/\\/+$/, "")}}',
			url: '/accounts/list',
			method: 'POST',
			body: {},
		},
	};
}
