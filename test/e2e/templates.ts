/**
 * Shipped templates (workflows/*.json) wired to the sandbox: the places an admin edits after import
 * (the Slack incoming-webhook URL, vendor URLs) are pointed at the simulators, and the credentials
 * the templates name are created with sandbox values. Used by e2e suites and by the demo.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { Sandbox } from '../../sandbox';
import { SANDBOX_ACTIONS } from '../../sandbox/googleAds';
import { APPROVER_JWT_SECRET } from './approvals';
import type { E2eCredential, E2eWorkflow } from './n8n';

export const WORKFLOWS_DIR = join(__dirname, '../../workflows');

/** The placeholders templates ship with, where an admin puts their own systems' addresses. */
const SLACK_PLACEHOLDER = 'https://hooks.slack.com/services/REPLACE/WITH/YOURS';
const CRM_PLACEHOLDER = 'https://crm.example.com';
const ONFIDO_WORKFLOW_PLACEHOLDER = 'REPLACE_WITH_YOUR_ONFIDO_WORKFLOW_ID';
const GOOGLE_CUSTOMER_PLACEHOLDER = 'REPLACE_WITH_YOUR_GOOGLE_ADS_CUSTOMER_ID';
const GOOGLE_FTD_ACTION_PLACEHOLDER = 'REPLACE_WITH_YOUR_FTD_CONVERSION_ACTION_ID';
const META_AUDIENCE_PLACEHOLDER = 'REPLACE_WITH_YOUR_AUDIENCE_ID';

/** The header value that lets ops (and tests, and the demo) start on-demand runs of templates. */
export const OPS_RUN_KEY = 'ops-run-key-sandbox-7f3a9c';

/** The password of the integration health page's Basic Auth login (user "ops"). */
export const OPS_DASHBOARD_PASSWORD = 'ops-dashboard-sandbox-5d1e07';

/** The header value the brokerage's website server sends with each lead form (X-Form-Key). */
export const WEBSITE_FORM_KEY = 'website-form-key-sandbox-2b8e41';

export interface SandboxWiring {
	alertWebhookUrl: string;
	/** The secret the CRM signs its webhooks with (the CRM subscription's secret). */
	crmWebhookSecret: string;
	crmBaseUrl: string;
	crmApiKey: string;
	mt5Url: string;
	mt5Login: string;
	mt5Password: string;
	praxis: { baseUrl: string; merchantId: string; applicationKey: string; merchantSecret: string };
	coinspaid: { baseUrl: string; publicKey: string; secret: string };
	ctrader: { baseUrl: string; managerLogin: string; password: string; brokerName: string };
	sumsub: { baseUrl: string; appToken: string; secretKey: string; webhookSecret: string; digestAlgorithm: string };
	onfido: { baseUrl: string; apiToken: string; webhookToken: string; workflowId: string };
	smtp: { host: string; port: number; user: string; password: string };
	meta: { baseUrl: string; accessToken: string; pixelId: string; adAccountId: string; apiVersion: string; depositorsAudienceId: string };
	googleAds: { baseUrl: string; accessTokenUrl: string; clientId: string; clientSecret: string; refreshToken: string; accessToken: string; loginCustomerId: string; customerId: string; ftdConversionActionId: string };
	/** A RabbitMQ broker (test/e2e/rabbitmq.ts); without one the credential points at a local default. */
	rabbitmq?: RabbitMqWiring;
}

export interface RabbitMqWiring {
	hostname: string;
	port: number;
	username: string;
	password: string;
	vhost: string;
}

export function templateNames(): string[] {
	return readdirSync(WORKFLOWS_DIR)
		.filter((file) => file.endsWith('.json'))
		.map((file) => file.replace(/\.json$/, ''));
}

export function loadTemplate(name: string, wiring: SandboxWiring): E2eWorkflow {
	const text = readFileSync(join(WORKFLOWS_DIR, `${name}.json`), 'utf8')
		.split(SLACK_PLACEHOLDER)
		.join(wiring.alertWebhookUrl)
		.split(CRM_PLACEHOLDER)
		.join(wiring.crmBaseUrl)
		.split(ONFIDO_WORKFLOW_PLACEHOLDER)
		.join(wiring.onfido.workflowId)
		.split(GOOGLE_CUSTOMER_PLACEHOLDER)
		.join(wiring.googleAds.customerId)
		.split(GOOGLE_FTD_ACTION_PLACEHOLDER)
		.join(wiring.googleAds.ftdConversionActionId)
		.split(META_AUDIENCE_PLACEHOLDER)
		.join(wiring.meta.depositorsAudienceId);
	const workflow = JSON.parse(text) as E2eWorkflow;
	return { ...workflow, id: workflow.id ?? name.replace(/[^A-Za-z0-9]/g, '').slice(0, 16) };
}

/** The credentials the shipped templates refer to, filled with sandbox values. */
export function sandboxCredentials(wiring: SandboxWiring): E2eCredential[] {
	return [
		{
			id: 'crm-webhook-secret',
			name: 'CRM webhook secret',
			type: 'brokerageWebhookApi',
			data: { secret: wiring.crmWebhookSecret, previousSecret: '' },
		},
		{ id: 'crm-api-key', name: 'CRM API key', type: 'httpHeaderAuth', data: { name: 'X-API-Key', value: wiring.crmApiKey } },
		{ id: 'ops-run-key', name: 'Ops run key', type: 'httpHeaderAuth', data: { name: 'X-Ops-Key', value: OPS_RUN_KEY } },
		{ id: 'website-form-key', name: 'Website form key', type: 'httpHeaderAuth', data: { name: 'X-Form-Key', value: WEBSITE_FORM_KEY } },
		{
			id: 'mt5-manager',
			name: 'MT5 manager',
			type: 'metaTrader5Api',
			data: { serverUrl: wiring.mt5Url, login: wiring.mt5Login, password: wiring.mt5Password, agent: 'n8n-brokerage', serverTimeZone: 'detect', ignoreSslIssues: false },
		},
		{
			id: 'praxis',
			name: 'Praxis',
			type: 'praxisApi',
			data: { ...wiring.praxis, previousSecret: '', environment: 'custom' },
		},
		{
			id: 'coinspaid',
			name: 'CoinsPaid',
			type: 'coinsPaidApi',
			data: { ...wiring.coinspaid, previousSecret: '', environment: 'custom' },
		},
		{
			id: 'ctrader-manager',
			name: 'cTrader manager',
			type: 'cTraderApi',
			// The token is left empty: n8n asks cTrader for it (the credential's preAuthentication).
			data: { ...wiring.ctrader, webservToken: '' },
		},
		{
			id: 'sumsub',
			name: 'Sumsub',
			type: 'sumsubApi',
			data: { ...wiring.sumsub, previousWebhookSecret: '' },
		},
		{
			id: 'onfido',
			name: 'Onfido',
			type: 'onfidoApi',
			data: { region: 'custom', baseUrl: wiring.onfido.baseUrl, apiToken: wiring.onfido.apiToken, webhookToken: wiring.onfido.webhookToken, previousWebhookToken: '' },
		},
		{
			id: 'meta-conversions',
			name: 'Meta Conversions',
			type: 'metaConversionsApi',
			data: { baseUrl: wiring.meta.baseUrl, accessToken: wiring.meta.accessToken, pixelId: wiring.meta.pixelId, adAccountId: wiring.meta.adAccountId, apiVersion: wiring.meta.apiVersion, testEventCode: '' },
		},
		// OAuth2 as n8n stores it after the consent screen (which needs a browser): the token data is
		// filled in, and n8n refreshes it at the sandbox's token endpoint when Google Ads answers 401.
		{
			id: 'google-ads',
			name: 'Google Ads',
			type: 'googleAdsConversionsOAuth2Api',
			data: {
				grantType: 'authorizationCode',
				environment: 'custom',
				apiBaseUrl: wiring.googleAds.baseUrl,
				customTokenUrl: wiring.googleAds.accessTokenUrl,
				accessTokenUrl: wiring.googleAds.accessTokenUrl,
				authUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
				scope: 'https://www.googleapis.com/auth/adwords',
				authentication: 'body',
				clientId: wiring.googleAds.clientId,
				clientSecret: wiring.googleAds.clientSecret,
				loginCustomerId: wiring.googleAds.loginCustomerId,
				developerToken: '',
				apiVersion: 'v26',
				oauthTokenData: { access_token: wiring.googleAds.accessToken, refresh_token: wiring.googleAds.refreshToken, token_type: 'Bearer', expires_in: 3599 },
			},
		},
		// n8n's own SMTP credential, for the Send Email nodes; the sandbox sink speaks plain SMTP.
		{
			id: 'smtp',
			name: 'Brokerage SMTP',
			type: 'smtp',
			data: { ...wiring.smtp, secure: false, disableStartTls: true },
		},
		// n8n's own JWT credential: the Wait nodes of the withdrawal template verify approvers' tokens.
		{
			id: 'withdrawal-approvers',
			name: 'Withdrawal approvers',
			type: 'jwtAuth',
			data: { keyType: 'passphrase', secret: APPROVER_JWT_SECRET, algorithm: 'HS256' },
		},
		// n8n's own Basic Auth credential: the login of the integration health page.
		{ id: 'ops-dashboard-login', name: 'Ops dashboard login', type: 'httpBasicAuth', data: { user: 'ops', password: OPS_DASHBOARD_PASSWORD } },
		// n8n's own RabbitMQ credential, for the event templates (guest is allowed on loopback only).
		{
			id: 'rabbitmq',
			name: 'RabbitMQ',
			type: 'rabbitmq',
			data: { ...(wiring.rabbitmq ?? { hostname: '127.0.0.1', port: 5672, username: 'guest', password: 'guest', vhost: '/' }), ssl: false },
		},
	];
}

export function sandboxWiring(sandbox: Sandbox, crmWebhookSecret: string): SandboxWiring {
	const mt5 = sandbox.mt5.simulator.credentials();
	return {
		alertWebhookUrl: `${sandbox.alerts.url}${sandbox.alerts.simulator.hookPath}`,
		crmWebhookSecret,
		crmBaseUrl: sandbox.crm.url,
		crmApiKey: sandbox.crm.simulator.credentials().apiKey,
		mt5Url: sandbox.mt5.url,
		mt5Login: mt5.login,
		mt5Password: mt5.password,
		praxis: (() => {
			const p = sandbox.praxis.simulator.credentials();
			return { baseUrl: sandbox.praxis.url, merchantId: p.merchant_id, applicationKey: p.application_key, merchantSecret: p.merchant_secret };
		})(),
		coinspaid: (() => {
			const c = sandbox.coinspaid.simulator.credentials() as { publicKey: string; secret: string };
			return { baseUrl: `${sandbox.coinspaid.url}/api/v2`, publicKey: c.publicKey, secret: c.secret };
		})(),
		sumsub: (() => {
			const c = sandbox.sumsub.simulator.credentials();
			return { baseUrl: sandbox.sumsub.url, appToken: c.app_token, secretKey: c.secret_key, webhookSecret: c.webhook_secret, digestAlgorithm: c.digest_algorithm };
		})(),
		onfido: (() => {
			const c = sandbox.onfido.simulator.credentials();
			return { baseUrl: `${sandbox.onfido.url}${c.basePath}`, apiToken: c.apiToken, webhookToken: c.webhookToken, workflowId: c.workflowId };
		})(),
		meta: (() => {
			const c = sandbox.meta.simulator.credentials();
			// The sandbox's first audience stands for the brokerage's "depositors" retargeting audience.
			return { baseUrl: sandbox.meta.url, accessToken: c.accessToken, pixelId: c.pixelId, adAccountId: c.adAccountId, apiVersion: c.apiVersion, depositorsAudienceId: '23850000000000001' };
		})(),
		googleAds: (() => {
			const c = sandbox.googleAds.simulator.credentials();
			return {
				baseUrl: sandbox.googleAds.url,
				accessTokenUrl: c.accessTokenUrl,
				clientId: c.clientId,
				clientSecret: c.clientSecret,
				refreshToken: c.refreshToken,
				accessToken: sandbox.googleAds.simulator.issueAccessToken(),
				loginCustomerId: c.loginCustomerId,
				customerId: c.customerId,
				ftdConversionActionId: SANDBOX_ACTIONS.ftd,
			};
		})(),
		smtp: (() => {
			const c = sandbox.smtp.mailbox.simulator.credentials();
			return { host: c.host, port: Number(c.port), user: c.user, password: c.password };
		})(),
		ctrader: (() => {
			const c = sandbox.ctrader.simulator.credentials();
			return { baseUrl: sandbox.ctrader.url, managerLogin: c.managerLogin, password: c.managerPassword, brokerName: c.brokerName };
		})(),
	};
}
