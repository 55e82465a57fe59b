import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IExecuteFunctions,
	type INodeCredentialTestResult,
	type INodeExecutionData,
	type INodeType,
	type INodeTypeDescription,
} from 'n8n-workflow';

import { attemptAsync } from '../../lib/errors';
import { retryAndTimeoutOptions } from '../../lib/retryOptions';
import { RESOURCES } from './actions/resources';
import { router } from './actions/router';
import { mt5TestLogin } from './transport/connection';

export class MetaTrader5 implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'MetaTrader 5',
		name: 'metaTrader5',
		icon: { light: 'file:metaTrader5.svg', dark: 'file:metaTrader5.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Create trading accounts, credit deposits exactly once, and read deals, equity and groups on a MetaTrader 5 server',
		defaults: { name: 'MetaTrader 5' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		usableAsTool: true,
		credentials: [{ name: 'metaTrader5Api', required: true, testedBy: 'mt5Login' }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				options: Object.entries(RESOURCES).map(([value, { name }]) => ({ name, value })),
				default: 'balance',
			},
			...Object.values(RESOURCES).flatMap(({ resource }) => resource.description),
			retryAndTimeoutOptions,
		],
	};

	methods = {
		credentialTest: {
			/** The real challenge–response login, so a wrong password or address fails here, not at 3 a.m. */
			async mt5Login(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				const data = credential.data ?? {};
				const result = await attemptAsync(async () => {
					await mt5TestLogin(
						{
							serverUrl: String(data.serverUrl ?? '').replace(/\/+$/, ''),
							login: String(data.login ?? ''),
							password: String(data.password ?? ''),
							agent: String(data.agent || 'n8n-brokerage'),
							ignoreSslIssues: data.ignoreSslIssues === true,
						},
						10_000,
					);
				});
				return result.ok
					? { status: 'OK', message: 'Logged in to MetaTrader 5 with the challenge–response handshake' }
					: { status: 'Error', message: result.error.message };
			},
		},
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
