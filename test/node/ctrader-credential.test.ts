/**
 * The cTrader credential as n8n uses it, against the simulator over real HTTP with n8n-core's own
 * request helper: `preAuthentication` asks for a real token (the password sent only as MD5),
 * `authenticate` puts it in `?token=`, and the credential test request reads the groups with it —
 * the steps n8n's credential tester runs for "Test" in the editor.
 */
import { httpRequest } from 'n8n-core/dist/execution-engine/node-execution-context/utils/request-helper-functions';
import {
	Workflow,
	type ICredentialDataDecryptedObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeTypes,
	type IWorkflowDataProxyAdditionalKeys,
} from 'n8n-workflow';

import { CTraderApi } from '../../credentials/CTraderApi.credentials';
import { CTraderSimulator } from '../../sandbox/ctrader';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';

const helpers = { helpers: { httpRequest } } as unknown as IHttpRequestHelper;
const node: INode = { id: 'c', name: 'Credential Test', type: 'n8n-nodes-base.noOp', typeVersion: 1, position: [0, 0], parameters: {} };
const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: { getByNameAndVersion: () => ({ description: { properties: [] } }) } as unknown as INodeTypes });

/** An n8n `={{ ... }}` value of the credential, resolved as n8n resolves it. */
function resolve(value: unknown, credentials: ICredentialDataDecryptedObject): string {
	return String(workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials } as IWorkflowDataProxyAdditionalKeys, undefined, ''));
}

describe('cTrader WebServices API credential', () => {
	let ctrader: RunningSimulator<CTraderSimulator>;
	const credential = new CTraderApi();
	const data = (password = 'sandbox-manager-pass'): ICredentialDataDecryptedObject => ({
		baseUrl: `${ctrader.url}/`,
		managerLogin: '30017',
		password,
		brokerName: 'sandboxbroker',
		webservToken: '',
	});

	beforeAll(async () => {
		ctrader = await startSimulator(new CTraderSimulator({ seed: false }));
	});
	afterAll(async () => {
		await ctrader.close();
	});
	beforeEach(() => ctrader.simulator.reset());

	it('passes the test: a real token request, then the groups read with that token', async () => {
		const credentials = data();
		const token = await credential.preAuthentication.call(helpers, credentials);
		Object.assign(credentials, token);
		const { request } = credential.test;
		const signed = await credential.authenticate(credentials, {
			method: request.method,
			url: `${resolve(request.baseURL, credentials)}${request.url}`,
			json: true,
			returnFullResponse: true,
		} as IHttpRequestOptions);
		const response = (await httpRequest(signed)) as { statusCode: number; body: { traderGroup: unknown[] } };

		expect(token.webservToken).toMatch(/^[0-9a-f-]{36}$/);
		expect(response.statusCode).toBe(200);
		expect(response.body.traderGroup).toHaveLength(4);
		expect(ctrader.simulator.tokenRequestCount).toBe(1);
	});

	it('fails the test with the reason when the password is wrong', async () => {
		await expect(credential.preAuthentication.call(helpers, data('not-the-password'))).rejects.toThrow(
			'cTrader refused the manager token request: HTTP 403 (CH_CLIENT_AUTH_FAILURE: Invalid manager login or password); check Manager Login and Password in the cTrader credential',
		);
	});

	it('fails the test with the reason when the address answers something other than a token', async () => {
		const wrongPath = { ...data(), baseUrl: `${ctrader.url}/not-webservices` };
		await expect(credential.preAuthentication.call(helpers, wrongPath)).rejects.toThrow('cTrader refused the manager token request: HTTP 404');
	});
});
