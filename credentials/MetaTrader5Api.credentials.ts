import type { ICredentialType, INodeProperties } from 'n8n-workflow';

/**
 * A manager account of the MT5 Web API (MQ docs `webapi_preparing`): the access server's address,
 * the manager login and its API password. Tested by the MetaTrader 5 node with the real
 * challenge–response login (the handshake needs two calls on one connection and MD5 maths, which a
 * declarative test request cannot do).
 */
export class MetaTrader5Api implements ICredentialType {
	name = 'metaTrader5Api';

	displayName = 'MetaTrader 5 Web API';

	icon = { light: 'file:../nodes/MetaTrader5/metaTrader5.svg', dark: 'file:../nodes/MetaTrader5/metaTrader5.dark.svg' } as const;

	documentationUrl = 'https://github.com/n8n-nodes-brokerage/n8n-nodes-brokerage#metatrader-5';

	properties: INodeProperties[] = [
		{
			displayName: 'Server URL',
			name: 'serverUrl',
			type: 'string',
			default: '',
			required: true,
			placeholder: 'https://mt5.your-broker.com:443',
			description: 'The Web API address of your MT5 access server (HTTPS; "Allow Web API connections" must be on)',
		},
		{
			displayName: 'Manager Login',
			name: 'login',
			type: 'string',
			default: '',
			required: true,
			placeholder: '1015',
			description: 'A manager account with "Connect using MetaTrader 5 Manager"; balance operations also need "Accountant"',
		},
		{
			displayName: 'API Password',
			name: 'password',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: "The manager's API password (Security tab), not its main password",
		},
		{
			displayName: 'Agent Name',
			name: 'agent',
			type: 'string',
			default: 'n8n-brokerage',
			description: 'How this connection is named in the MT5 server logs (no spaces)',
		},
		{
			displayName: 'Server Time Zone',
			name: 'serverTimeZone',
			type: 'string',
			default: 'detect',
			placeholder: 'Europe/Athens',
			description:
				'MT5 reports trade-server time. "detect" reads it from the server; or give an IANA zone (Europe/Athens for GMT+2/+3 with EU daylight saving), a zone plus hours (America/New_York+7 for New York close), or a fixed offset (UTC+02:00).',
		},
		{
			displayName: 'Ignore SSL Issues (Insecure)',
			name: 'ignoreSslIssues',
			type: 'boolean',
			default: false,
			description: 'Whether to connect even if the server certificate cannot be validated (only for test servers)',
		},
	];
}
