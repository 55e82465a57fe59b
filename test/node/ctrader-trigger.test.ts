/**
 * The cTrader Trigger's poll, called the way n8n's ActiveWorkflows calls it: through n8n-core's
 * PollContext (mode "trigger", activation "activate") on the built node, with real HTTP to the
 * cTrader simulator and the workflow's static data kept between polls. A small credentials helper
 * below plays n8n's part (token through preAuthentication, `?token=` through authenticate).
 */
import { PackageDirectoryLoader, PollContext } from 'n8n-core';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IVersionedNodeType,
	type IWorkflowDataProxyAdditionalKeys,
	type IWorkflowExecuteAdditionalData,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

import { CTraderSimulator } from '../../sandbox/ctrader';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { PACKAGE_ROOT } from '../runner';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { resetBreakers } = require('../../dist/lib/circuitBreaker') as typeof import('../../lib/circuitBreaker');

const MINUTE = 60_000;

interface Loaded {
	nodeTypes: INodeTypes;
	credentialTypes: Map<string, ICredentialType>;
}

async function loadPackage(): Promise<Loaded> {
	const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
	await loader.loadAll();
	const types = new Map<string, INodeType | IVersionedNodeType>();
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) types.set(`${loader.packageName}.${name}`, type);
	const credentialTypes = new Map<string, ICredentialType>();
	for (const [name, { type }] of Object.entries(loader.credentialTypes)) credentialTypes.set(name, type);
	const nodeTypes: INodeTypes = {
		getByName: (name) => types.get(name) as INodeType | IVersionedNodeType,
		getByNameAndVersion: (name, version) => NodeHelpers.getVersionedNodeType(types.get(name) as INodeType, version),
		getKnownTypes: () => ({}),
	};
	return { nodeTypes, credentialTypes };
}

/** n8n's part for one credential: the stored data, the token fetched when empty, `?token=` added. */
class CredentialsForPolls extends ICredentialsHelper {
	constructor(
		private readonly types: Map<string, ICredentialType>,
		public data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, options: IHttpRequestOptions, workflow: Workflow, node: INode) {
		const authenticate = this.types.get(typeName)?.authenticate;
		if (typeof authenticate === 'function') return await authenticate(credentials, options);
		if (!authenticate || authenticate.type !== 'generic') return options;
		const qs = { ...(options.qs ?? {}) };
		for (const [key, value] of Object.entries(authenticate.properties.qs ?? {})) {
			qs[key] = workflow.expression.getSimpleParameterValue(node, value as string, 'internal', { $credentials: credentials } as IWorkflowDataProxyAdditionalKeys, undefined, '');
		}
		return { ...options, qs };
	}

	async preAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string, _node: INode, expired: boolean) {
		const type = this.types.get(typeName);
		const expirable = type?.properties.find((p) => p.typeOptions?.expirable === true);
		if (!type?.preAuthentication || !expirable || (credentials[expirable.name] && !expired)) return undefined;
		const updated = { ...credentials, ...(await type.preAuthentication.call(helpers, credentials)) } as ICredentialDataDecryptedObject;
		this.data[typeName] = updated;
		return updated;
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('not used');
	}

	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, _details: unknown, type: string) {
		return this.data[type];
	}

	async updateCredentials(_details: unknown, type: string, data: ICredentialDataDecryptedObject) {
		this.data[type] = data;
	}

	async updateCredentialsOauthTokenData() {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.types.get(type)?.properties ?? [];
	}
}

describe('cTrader Trigger polls', () => {
	let loaded: Loaded;
	let ctrader: RunningSimulator<CTraderSimulator>;

	beforeAll(async () => {
		loaded = await loadPackage();
		ctrader = await startSimulator(new CTraderSimulator({ seed: false }));
	});
	afterAll(async () => {
		await ctrader.close();
	});
	beforeEach(() => {
		ctrader.simulator.reset();
		ctrader.simulator.faults.clear();
		resetBreakers();
	});

	/** One active workflow with the trigger; `poll()` runs one scheduled check. */
	function activeTrigger(parameters: IDataObject, staticData: IDataObject = {}) {
		const node: INode = {
			id: 'c7a1d2e3-0000-4000-8000-00000000d001',
			name: 'cTrader Trigger',
			type: 'n8n-nodes-brokerage.cTraderTrigger',
			typeVersion: 1,
			position: [0, 0],
			parameters: { overlapMinutes: 10, retryAndTimeout: { baseDelay: 10, maxDelay: 50, timeout: 3000 }, ...parameters },
			credentials: { cTraderApi: { id: 'ctrader', name: 'cTrader sandbox' } },
		};
		const workflow = new Workflow({ id: 'trigger-test', nodes: [node], connections: {}, active: true, nodeTypes: loaded.nodeTypes, staticData });
		const credentialsHelper = new CredentialsForPolls(loaded.credentialTypes, {
			cTraderApi: { baseUrl: ctrader.url, managerLogin: '30017', password: 'sandbox-manager-pass', brokerName: 'sandboxbroker', webservToken: '' },
		});
		const additionalData = { credentialsHelper, executionId: 'poll', userId: 'test', variables: {} } as unknown as IWorkflowExecuteAdditionalData;
		const nodeType = loaded.nodeTypes.getByNameAndVersion(node.type, 1);
		// n8n makes an active workflow's poll context once, at activation, and polls with it until
		// deactivation; a manual "test step" gets a context of its own.
		const active = new PollContext(workflow, node, additionalData, 'trigger', 'activate');
		const poll = async (mode: WorkflowExecuteMode = 'trigger'): Promise<IDataObject[]> => {
			const context = mode === 'manual' ? new PollContext(workflow, node, additionalData, mode, 'manual') : active;
			const output = (await nodeType.poll?.call(context)) as INodeExecutionData[][] | null;
			return (output?.[0] ?? []).map((item) => item.json);
		};
		return { poll, workflow, credentials: credentialsHelper.data };
	}

	it('uses a credential changed while the workflow is active from the next poll on', async () => {
		const login = ctrader.simulator.seedTrader();
		const trigger = activeTrigger({ event: 'closedTrade' });
		const fixed = trigger.credentials.cTraderApi;
		trigger.credentials.cTraderApi = { ...fixed, password: 'a-wrong-password' };
		expect(await trigger.poll()).toEqual([]); // activation: the cursor starts now, cTrader is not asked
		await expect(trigger.poll()).rejects.toThrow(/password|login|token|401|403|unauthori[sz]ed/i);
		trigger.credentials.cTraderApi = fixed; // the admin corrects it; the workflow stays active
		ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: Date.now() - 1000, symbol: 'USDJPY' }]);
		expect((await trigger.poll()).map((deal) => deal.symbol)).toEqual(['USDJPY']);
	});

	describe('for closed trades', () => {
		it('start at activation, then emit each new closing deal once, including one that appears late inside the overlap', async () => {
			const login = ctrader.simulator.seedTrader();
			ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: Date.now() - 60 * MINUTE }]);
			const trigger = activeTrigger({ event: 'closedTrade' });

			expect(await trigger.poll()).toEqual([]);

			ctrader.simulator.seedClosedPositions([
				{ login, closeTimestamp: Date.now() - 2000, symbol: 'GBPUSD' },
				{ login, closeTimestamp: Date.now() - 1000, symbol: 'EURUSD' },
			]);
			const second = await trigger.poll();
			expect(second.map((deal) => deal.symbol)).toEqual(['GBPUSD', 'EURUSD']);
			expect(second[0]).toMatchObject({ platform: 'ctrader', kind: 'trade', entry: 'out', login: String(login) });

			expect(await trigger.poll()).toEqual([]);

			// Written after the last check but stamped 3 minutes earlier (a late report, clock skew).
			ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: Date.now() - 3 * MINUTE, symbol: 'XAUUSD' }]);
			const late = await trigger.poll();
			expect(late.map((deal) => deal.symbol)).toEqual(['XAUUSD']);
			expect(await trigger.poll()).toEqual([]);
		});

		it('keep their place across a restart, when the static data has been saved as JSON and loaded again', async () => {
			const login = ctrader.simulator.seedTrader();
			const before = activeTrigger({ event: 'closedTrade' });
			await before.poll();
			ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: Date.now() - 1000 }]);
			expect(await before.poll()).toHaveLength(1);

			const saved = JSON.parse(JSON.stringify(before.workflow.staticData)) as IDataObject;
			const after = activeTrigger({ event: 'closedTrade' }, saved);
			ctrader.simulator.seedClosedPositions([{ login, closeTimestamp: Date.now() - 500, symbol: 'USDJPY' }]);

			expect((await after.poll()).map((deal) => deal.symbol)).toEqual(['USDJPY']);
		});

		it('read a gap of several days since the last check in 2-day windows, missing nothing', async () => {
			const login = ctrader.simulator.seedTrader();
			const fiveDaysAgo = Date.now() - 5 * 24 * 60 * MINUTE;
			const trigger = activeTrigger({ event: 'closedTrade' }, { 'node:cTrader Trigger': { event: 'closedTrade', cursorMs: fiveDaysAgo, seen: {} } });
			ctrader.simulator.seedClosedPositions([1, 2, 3, 4].map((day) => ({ login, closeTimestamp: fiveDaysAgo + day * 24 * 60 * MINUTE })));

			expect(await trigger.poll()).toHaveLength(4);
		});

		it('offer the latest closing deal as a test event without moving the cursor', async () => {
			const login = ctrader.simulator.seedTrader();
			ctrader.simulator.seedClosedPositions([
				{ login, closeTimestamp: Date.now() - 2 * MINUTE, symbol: 'GBPUSD' },
				{ login, closeTimestamp: Date.now() - MINUTE, symbol: 'EURUSD' },
			]);
			const trigger = activeTrigger({ event: 'closedTrade' });

			expect((await trigger.poll('manual')).map((deal) => deal.symbol)).toEqual(['EURUSD']);
			expect(trigger.workflow.staticData).toEqual({});
		});
	});

	describe('for new accounts', () => {
		it('emit each account registered after activation once, as a canonical trading account', async () => {
			ctrader.simulator.seedTrader({ registrationTimestamp: Date.now() - 60 * MINUTE });
			const trigger = activeTrigger({ event: 'newAccount' });
			expect(await trigger.poll()).toEqual([]);

			const first = ctrader.simulator.seedTrader({ name: 'Anna', lastName: 'Pappas', email: 'anna@example.com', balance: '0' });
			const emitted = await trigger.poll();
			expect(emitted).toEqual([
				expect.objectContaining({ platform: 'ctrader', login: String(first), name: 'Anna Pappas', email: 'anna@example.com', balance: '0.00' }),
			]);
			expect(await trigger.poll()).toEqual([]);

			const second = ctrader.simulator.seedTrader();
			expect((await trigger.poll()).map((account) => account.login)).toEqual([String(second)]);
		});

		it('ask cTrader for the manager token once over many polls', async () => {
			const trigger = activeTrigger({ event: 'newAccount' });
			for (let i = 0; i < 4; i++) {
				ctrader.simulator.seedTrader();
				await trigger.poll();
			}
			expect(ctrader.simulator.tokenRequestCount).toBe(1);
		});
	});
});
