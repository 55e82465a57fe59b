import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

/** reference/ads.md §1.1: the example version of the Conversions API and Marketing API docs. */
export const META_DEFAULT_API_VERSION = 'v25.0';
export const META_GRAPH_BASE_URL = 'https://graph.facebook.com';

/** The Graph API address a credential points at, without a trailing slash. */
export function metaGraphBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	const url = String(credentials.baseUrl ?? '').trim().replace(/\/+$/, '');
	return url || META_GRAPH_BASE_URL;
}

/** The API version, written as Meta does ("v25.0"); "25" and "25.0" are accepted too. */
export function metaApiVersion(credentials: ICredentialDataDecryptedObject): string {
	const text = String(credentials.apiVersion ?? '').trim();
	if (!text) return META_DEFAULT_API_VERSION;
	const match = /^v?(\d+)(?:\.(\d+))?$/i.exec(text);
	return match ? `v${match[1]}.${match[2] ?? '0'}` : text;
}

/**
 * Meta Graph API access for the Conversions API (server events to a pixel / dataset) and
 * customer-file Custom Audiences. Meta takes the token as `access_token` in the query string or
 * in the body (reference/ads.md §1.1); `authenticate` puts it in the JSON body so it never appears
 * in a URL (URLs end up in logs and error messages), and in the query string only for a GET,
 * which has no body.
 */
export class MetaConversionsApi implements ICredentialType {
	name = 'metaConversionsApi';

	displayName = 'Meta Conversions API';

	icon = { light: 'file:../nodes/MetaConversions/metaConversions.svg', dark: 'file:../nodes/MetaConversions/metaConversions.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#meta-conversions';

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A System User token of the Business Manager that owns the pixel and the ad account (Events Manager → your dataset → Settings → Conversions API → Generate access token). Keep it server-side.',
		},
		{
			displayName: 'Pixel ID',
			name: 'pixelId',
			type: 'string',
			default: '',
			required: true,
			placeholder: '1234567890123456',
			description: 'The pixel (dataset) ID the server events are sent to, from Events Manager',
		},
		{
			displayName: 'Ad Account ID',
			name: 'adAccountId',
			type: 'string',
			default: '',
			placeholder: 'act_987654321',
			description: 'The ad account that owns your Custom Audiences, with or without "act_". Needed for audiences only.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: 'v25.0',
			description: 'The Graph API version, e.g. v25.0. Conversions API versions stay supported for at least two years.',
		},
		{
			displayName: 'Test Event Code',
			name: 'testEventCode',
			type: 'string',
			default: '',
			placeholder: 'TEST12345',
			description:
				'From Events Manager → Test Events, to see events arrive while you set up. Remove it for production: test events are still used for ads measurement.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: 'https://graph.facebook.com',
			description: 'The Graph API address. Change it only to point at a local sandbox.',
		},
	];

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const token = String(credentials.accessToken ?? '').trim();
		const method = String(requestOptions.method ?? 'GET').toUpperCase();
		if (method === 'GET') {
			return { ...requestOptions, qs: { ...(requestOptions.qs ?? {}), access_token: token } };
		}
		const body = typeof requestOptions.body === 'object' && requestOptions.body !== null ? requestOptions.body : {};
		return { ...requestOptions, body: { ...(body as object), access_token: token } };
	}

	/** A real call: reading the pixel, which the token must be allowed to send events to. */
	test: ICredentialTestRequest = {
		request: {
			baseURL: '={{String($credentials.baseUrl || "https://graph.facebook.com").trim().replace(/\\/+$/, "")}}',
			url: '={{"/" + (String($credentials.apiVersion || "v25.0").trim()) + "/" + String($credentials.pixelId).trim()}}',
			method: 'GET',
			qs: { fields: 'id,name' },
		},
	};
}
