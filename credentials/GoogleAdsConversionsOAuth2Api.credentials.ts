import type { ICredentialDataDecryptedObject, ICredentialType, INodeProperties } from 'n8n-workflow';

/** reference/ads.md §3.1. */
export const GOOGLE_ADS_API_URL = 'https://googleads.googleapis.com';
export const GOOGLE_ADS_DEFAULT_VERSION = 'v26';
export const GOOGLE_OAUTH_AUTH_URL = 'https://accounts.google.com/o/oauth2/v2/auth';
export const GOOGLE_OAUTH_TOKEN_URL = 'https://oauth2.googleapis.com/token';
export const GOOGLE_ADS_SCOPE = 'https://www.googleapis.com/auth/adwords';

/** The API root a credential points at, without the version: Google's, or the custom URL. */
export function googleAdsApiRoot(credentials: ICredentialDataDecryptedObject): string {
	if (String(credentials.environment ?? 'google') !== 'custom') return GOOGLE_ADS_API_URL;
	return String(credentials.apiBaseUrl ?? '').trim().replace(/\/+$/, '');
}

/**
 * Google Ads API through OAuth 2.0, built like n8n's own Google Ads credential
 * (packages/nodes-base/credentials/GoogleAdsOAuth2Api.credentials.ts, which extends
 * googleOAuth2Api): authorization code grant with offline access so n8n keeps a refresh token,
 * the `adwords` scope, client id and secret sent in the token request body.
 *
 * It extends `oAuth2Api` directly rather than n8n's `googleOAuth2Api`: a community package cannot
 * rely on another package's credential type being loaded. n8n signs every request with the bearer
 * token and, when Google answers 401, refreshes the token and sends the request once more.
 *
 * The Google Ads headers are not part of OAuth: `login-customer-id` (the manager account, when the
 * ad account is reached through one) and `developer-token` (optional since 2026-09-09, "the API
 * servers ignore them") are added by the node's transport from the fields below.
 *
 * "Custom URL" points the API and the token endpoint at another address, e.g. the local sandbox;
 * the token URL is then an expression over those fields, as n8n's Salesforce credential does for
 * its sandbox.
 */
export class GoogleAdsConversionsOAuth2Api implements ICredentialType {
	name = 'googleAdsConversionsOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Google Ads Conversions OAuth2 API';

	icon = { light: 'file:../nodes/GoogleAdsConversions/googleAdsConversions.svg', dark: 'file:../nodes/GoogleAdsConversions/googleAdsConversions.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#google-ads-conversions';

	properties: INodeProperties[] = [
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Google Ads', value: 'google', description: GOOGLE_ADS_API_URL },
				{ name: 'Custom URL', value: 'custom', description: 'Another address, e.g. a local sandbox' },
			],
			default: 'google',
		},
		{
			displayName: 'API Base URL',
			name: 'apiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080',
			description: 'The API address without the version, e.g. the sandbox address',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Custom Token URL',
			name: 'customTokenUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080/token',
			description: 'The OAuth token endpoint of the custom address',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: GOOGLE_OAUTH_AUTH_URL,
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: `={{ $self["environment"] === "custom" ? $self["customTokenUrl"] : "${GOOGLE_OAUTH_TOKEN_URL}" }}`,
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: GOOGLE_ADS_SCOPE,
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			// Offline access and a fresh consent screen, so Google issues a refresh token (as n8n's Google credentials).
			default: 'access_type=offline&prompt=consent',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'body',
		},
		{
			displayName: 'Login Customer ID',
			name: 'loginCustomerId',
			type: 'string',
			default: '',
			placeholder: '987-654-3210',
			description:
				'The manager (MCC) account through which you reach the ad accounts, sent as login-customer-id. Leave empty when you sign in to the ad account directly.',
		},
		{
			displayName: 'Developer Token',
			name: 'developerToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description:
				'Optional: since 9 September 2026 Google ignores developer tokens and takes the access level from the Google Cloud project of the OAuth client. Sent as developer-token when set.',
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: GOOGLE_ADS_DEFAULT_VERSION,
			placeholder: 'v26',
			description: 'Google Ads API version; each version lives about a year, so update it when Google announces a sunset',
		},
	];
}
