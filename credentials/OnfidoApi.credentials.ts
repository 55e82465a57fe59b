import type {
	IAuthenticateGeneric,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	INodeProperties,
} from 'n8n-workflow';

/**
 * Onfido (Entrust IDV) API v3.6 (reference/psp_kyc.md §7). Each account lives in one region with
 * its own host, `https://api.{eu|us|ca}.onfido.com/v3.6` (onfido/onfido-python
 * onfido/configuration.py); every call carries `Authorization: Token token=<API_TOKEN>`.
 * The webhook token is a different secret: Onfido shows it when a webhook is registered and signs
 * each delivery with it (X-SHA2-Signature), so the Onfido Trigger uses this credential too.
 */
export const ONFIDO_BASE_URLS = {
	eu: 'https://api.eu.onfido.com/v3.6',
	us: 'https://api.us.onfido.com/v3.6',
	ca: 'https://api.ca.onfido.com/v3.6',
} as const;

/** The API address a credential points at: the region's host, or the custom URL (the sandbox). */
export function onfidoBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const region = String(credentials.region ?? 'eu');
	if (region === 'eu' || region === 'us' || region === 'ca') return ONFIDO_BASE_URLS[region];
	return String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
}

export class OnfidoApi implements ICredentialType {
	name = 'onfidoApi';

	displayName = 'Onfido API';

	icon = { light: 'file:../nodes/Onfido/onfido.svg', dark: 'file:../nodes/Onfido/onfido.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#onfido';

	properties: INodeProperties[] = [
		{
			displayName: 'Region',
			name: 'region',
			type: 'options',
			options: [
				{ name: 'EU (api.eu.onfido.com)', value: 'eu' },
				{ name: 'US (api.us.onfido.com)', value: 'us' },
				{ name: 'Canada (api.ca.onfido.com)', value: 'ca' },
				{ name: 'Custom Base URL', value: 'custom', description: 'The local sandbox or another Onfido-compatible address' },
			],
			default: 'eu',
			description: 'Where your Onfido account is hosted: the region shown in the Onfido dashboard. A token only works in its own region.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080/v3.6',
			description: 'The API address including /v3.6',
			displayOptions: { show: { region: ['custom'] } },
		},
		{
			displayName: 'API Token',
			name: 'apiToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API token from the Onfido dashboard (Developers → Tokens). Sandbox tokens start with api_sandbox, live ones with api_live.',
		},
		{
			displayName: 'Webhook Token',
			name: 'webhookToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The token Onfido shows when you register the webhook (Developers → Webhooks). The Onfido Trigger checks every delivery with it; it is never sent.',
		},
		{
			displayName: 'Previous Webhook Token',
			name: 'previousWebhookToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'While you replace the webhook: the old token, so deliveries still signed with it are accepted. Leave empty otherwise.',
		},
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: {
			headers: {
				Authorization: '=Token token={{$credentials.apiToken}}',
			},
		},
	};

	/** A real authenticated call: one applicant of the list (any token may list applicants). */
	test: ICredentialTestRequest = {
		request: {
			baseURL:
				'={{$credentials.region === "us" ? "https://api.us.onfido.com/v3.6" : $credentials.region === "ca" ? "https://api.ca.onfido.com/v3.6" : $credentials.region === "custom" ? String($credentials.baseUrl).trim().replace(/\\/+$/, "") : "https://api.eu.onfido.com/v3.6"}}',
			url: '/applicants',
			method: 'GET',
			qs: { page: 1, per_page: 1 },
		},
	};
}
