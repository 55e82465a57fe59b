import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

import { attemptAsync } from '../../../lib/errors';
import { mt5TestLogin } from './connection';

/**
 * The credential test of the MT5 node and trigger: the real challenge–response login, so a wrong
 * password or address fails when the credential is saved, not at 3 a.m.
 */
export async function mt5Login(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
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
}
