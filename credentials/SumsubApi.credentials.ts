import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { pathWithQueryOf, sumsubAuthHeaders } from '../nodes/Sumsub/transport/signing';

export const SUMSUB_DEFAULT_BASE_URL = 'https://api.sumsub.com';

/** The API address of a credential, without a trailing slash. */
export function sumsubBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const text = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	return text === '' ? SUMSUB_DEFAULT_BASE_URL : text;
}

/**
 * A Sumsub app token with its secret key, and the secret of the webhook that calls the Sumsub
 * Trigger (reference/psp_kyc.md §6). Sandbox and production share https://api.sumsub.com; the
 * token's prefix (`sbx:` or `prd:`) decides which one answers.
 *
 * Every request is signed in `authenticate`: `X-App-Access-Sig` = hex HMAC-SHA256(secret key,
 * ts + METHOD + path?query + body bytes) with `X-App-Access-Ts` in unix seconds
 * (nodes/Sumsub/transport/signing.ts). It runs for every try, so a retried request carries a fresh
 * timestamp inside Sumsub's ±60 s window. A JSON body is serialised once here and sent as that very
 * string; a Buffer (a multipart upload built by the transport) is signed and sent as it is.
 */
export class SumsubApi implements ICredentialType {
	name = 'sumsubApi';

	displayName = 'Sumsub API';

	icon = { light: 'file:../nodes/Sumsub/sumsub.svg', dark: 'file:../nodes/Sumsub/sumsub.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#sumsub';

	properties: INodeProperties[] = [
		{
			displayName: 'App Token',
			name: 'appToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			placeholder: 'sbx:…',
			description: 'From the Sumsub dashboard (Dev space → App tokens). A token starting with sbx: works on the sandbox, prd: on production.',
		},
		{
			displayName: 'Secret Key',
			name: 'secretKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Shown once when the app token was created. It signs every request; it is never sent.',
		},
		{
			displayName: 'Webhook Secret Key',
			name: 'webhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The secret key of the webhook in the Sumsub dashboard (Dev space → Webhooks). The Sumsub Trigger checks X-Payload-Digest with it.',
		},
		{
			displayName: 'Webhook Digest Algorithm',
			name: 'digestAlgorithm',
			type: 'options',
			options: [
				{ name: 'HMAC SHA-256 (Recommended)', value: 'HMAC_SHA256_HEX' },
				{ name: 'HMAC SHA-512', value: 'HMAC_SHA512_HEX' },
				{ name: 'HMAC SHA-1 (Legacy)', value: 'HMAC_SHA1_HEX' },
			],
			default: 'HMAC_SHA256_HEX',
			description: 'The signature algorithm chosen for the webhook in the Sumsub dashboard. Webhooks that say they use another one are refused.',
		},
		{
			displayName: 'Previous Webhook Secret Key',
			name: 'previousWebhookSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'While you rotate the webhook secret: the old one, so webhooks still signed with it are accepted. Leave empty otherwise.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: SUMSUB_DEFAULT_BASE_URL,
			placeholder: SUMSUB_DEFAULT_BASE_URL,
			description: 'The Sumsub API address without a path. Change it only for a local sandbox.',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const method = String(requestOptions.method ?? 'GET').toUpperCase();
		const { body } = requestOptions;
		let url = requestOptions.url;
		// Query parameters are written into the URL here, so the query signed is the query sent.
		const qs = requestOptions.qs ?? {};
		const query = new URLSearchParams();
		for (const [key, value] of Object.entries(qs)) if (value !== undefined && value !== null) query.append(key, String(value));
		if ([...query.keys()].length > 0) url += `${url.includes('?') ? '&' : '?'}${query.toString()}`;
		const rawBody: Buffer | string =
			Buffer.isBuffer(body) ? body : typeof body === 'string' ? body : body === undefined || body === null || method === 'GET' ? '' : JSON.stringify(body);
		const headers: Record<string, string> = {};
		for (const [name, value] of Object.entries(requestOptions.headers ?? {})) headers[name] = String(value);
		if (!Object.keys(headers).some((name) => name.toLowerCase() === 'content-type')) headers['Content-Type'] = 'application/json';
		const signed = sumsubAuthHeaders(
			String(credentials.appToken ?? '').trim(),
			String(credentials.secretKey ?? ''),
			Math.floor(Date.now() / 1000),
			method,
			pathWithQueryOf(url, requestOptions.baseURL),
			rawBody,
		);
		const options: IHttpRequestOptions = { ...requestOptions, url, qs: undefined, headers: { ...headers, ...signed } };
		if (rawBody === '') delete options.body;
		else options.body = rawBody;
		return options;
	}

	/** A real signed call that every app token may make: the list of verification levels. */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl || "https://api.sumsub.com").trim().replace(/\\/+$/, "")}}',
			url: '/resources/applicants/-/levels',
			method: 'GET',
		},
	};
}
