/**
 * In-process runner for node tests: loads the BUILT package (dist/, as n8n would) with n8n-core's
 * PackageDirectoryLoader, runs a workflow JSON through WorkflowExecute, and returns every node's
 * output. Node tests are workflow fixtures run through it; vendors are reached over real HTTP (the
 * sandbox), nothing of ours is mocked.
 *
 * Nodes of n8n-nodes-base are loaded on demand from an installed copy (the e2e/ runtime folder, or
 * N8N_NODES_BASE_DIR) because n8n-nodes-base cannot be a devDependency of a community package (its
 * install needs an npm `overrides` entry, which the scanner forbids in our package.json).
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { Container } from '@n8n/di';
import { ExecutionLifecycleHooks, PackageDirectoryLoader, PollContext, WorkflowExecute } from 'n8n-core';
import { ExecuteContext } from 'n8n-core/dist/execution-engine/node-execution-context';
import { ScheduledTaskManager } from 'n8n-core/dist/execution-engine/scheduled-task-manager';
import { SSHClientsManager } from 'n8n-core/dist/execution-engine/ssh-clients-manager';
import {
	ICredentialsHelper,
	NodeHelpers,
	Workflow,
	createRunExecutionData,
	type ICredentialDataDecryptedObject,
	type ICredentials,
	type ICredentialType,
	type IDataObject,
	type IHttpRequestHelper,
	type IHttpRequestOptions,
	type INode,
	type INodeCredentialsDetails,
	type INodeExecutionData,
	type INodeProperties,
	type INodeType,
	type INodeTypes,
	type IRun,
	type IRunExecutionData,
	type IVersionedNodeType,
	type IWorkflowBase,
	type IWorkflowExecuteAdditionalData,
	type IWorkflowDataProxyAdditionalKeys,
	type IConnections,
	type IPinData,
	type IWorkflowSettings,
	type WorkflowExecuteMode,
} from 'n8n-workflow';

export const PACKAGE_ROOT = resolve(__dirname, '../..');
export const PACKAGE_NAME = 'n8n-nodes-brokerage';

/** The parts of an n8n workflow JSON (as exported or shipped under workflows/) the runner needs. */
export interface WorkflowJson {
	name?: string;
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
	staticData?: IDataObject;
	pinData?: IPinData;
}

export interface RunOptions {
	/** Items handed to the start node, as a trigger would. Plain objects become `{ json }`. */
	input?: Array<IDataObject | INodeExecutionData>;
	/** Decrypted credential data by credential type name, e.g. { mt5WebApi: { serverUrl: ... } }. */
	credentials?: Record<string, ICredentialDataDecryptedObject>;
	/** The node to start at; by default the workflow's first node without incoming connections. */
	startNode?: string;
	mode?: WorkflowExecuteMode;
}

export interface RunResult {
	status: IRun['status'];
	/** The workflow-level error, when the run failed. */
	error?: IRun['data']['resultData']['error'];
	/** Per node: its outputs (index 0 = main, 1 = error output when enabled) from its last run. */
	outputs: Record<string, INodeExecutionData[][]>;
	/** Per node: the error it raised, if any. */
	nodeErrors: Record<string, { message: string; description?: string | null } | undefined>;
	/** Nodes in the order they ran. */
	executionOrder: string[];
	staticData: IDataObject;
	/** Whether a node marked the static data changed (n8n saves it only then). */
	staticDataChanged: boolean;
	/** How many times nodes had n8n read a credential (each is a database read and a decryption in n8n). */
	credentialReads: number;
	raw: IRun;
}

type LoadedType = INodeType | IVersionedNodeType;

class NodeTypeRegistry implements INodeTypes {
	readonly types = new Map<string, LoadedType>();
	readonly credentialTypes = new Map<string, ICredentialType>();

	getByName(nodeType: string): LoadedType {
		const type = this.types.get(nodeType);
		if (!type) throw new Error(`Node type "${nodeType}" is not loaded in the test runner`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes() {
		return {};
	}
}

let ownPackage: Promise<NodeTypeRegistry> | undefined;

async function loadOwnPackage(): Promise<NodeTypeRegistry> {
	if (!existsSync(join(PACKAGE_ROOT, 'dist'))) {
		throw new Error('dist/ is missing: run `npm run build` before the node tests');
	}
	const registry = new NodeTypeRegistry();
	const loader = new PackageDirectoryLoader(PACKAGE_ROOT);
	await loader.loadAll();
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
		registry.types.set(`${loader.packageName}.${name}`, type);
	}
	for (const [name, { type }] of Object.entries(loader.credentialTypes)) {
		registry.credentialTypes.set(name, type);
	}
	return registry;
}

function nodesBaseDir(): string | undefined {
	const candidates = [process.env.N8N_NODES_BASE_DIR, join(PACKAGE_ROOT, 'e2e/node_modules/n8n-nodes-base')];
	return candidates.find((dir): dir is string => !!dir && existsSync(join(dir, 'package.json')));
}

async function ensureNodeTypes(registry: NodeTypeRegistry, workflow: WorkflowJson): Promise<void> {
	const missing = [...new Set(workflow.nodes.map((n) => n.type))].filter((t) => !registry.types.has(t));
	const fromBase = missing.filter((t) => t.startsWith('n8n-nodes-base.'));
	const unknown = missing.filter((t) => !t.startsWith('n8n-nodes-base.'));
	if (unknown.length) throw new Error(`Unknown node types in fixture: ${unknown.join(', ')}`);
	if (!fromBase.length) return;
	const dir = nodesBaseDir();
	if (!dir) {
		throw new Error(
			`The fixture needs ${fromBase.join(', ')} from n8n-nodes-base; install the e2e runtime (npm run e2e:install) or set N8N_NODES_BASE_DIR`,
		);
	}
	const loader = new PackageDirectoryLoader(dir, [], fromBase);
	await loader.loadAll();
	for (const [name, { type }] of Object.entries(loader.nodeTypes)) {
		registry.types.set(`n8n-nodes-base.${name}`, type);
	}
}

/**
 * Credentials for tests, applied the way n8n's server applies them (packages/cli credentials-helper):
 * generic `authenticate` blocks are expanded with the credential values, function blocks are called,
 * and `preAuthentication` (token fetching) runs when a credential type defines it.
 */
class TestCredentialsHelper extends ICredentialsHelper {
	reads = 0;

	constructor(
		private readonly registry: NodeTypeRegistry,
		readonly data: Record<string, ICredentialDataDecryptedObject>,
	) {
		super();
	}

	getParentTypes(name: string): string[] {
		const extendsList = this.registry.credentialTypes.get(name)?.extends ?? [];
		return extendsList.flatMap((parent) => [parent, ...this.getParentTypes(parent)]);
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions,
		workflow: Workflow,
		node: INode,
	): Promise<IHttpRequestOptions> {
		const type = this.registry.credentialTypes.get(typeName);
		const authenticate = type?.authenticate;
		if (!authenticate) return requestOptions;
		if (typeof authenticate === 'function') return await authenticate(credentials, requestOptions);
		if (authenticate.type !== 'generic') return requestOptions;
		const resolveValue = (value: unknown) =>
			typeof value === 'string' && value.startsWith('=')
				? workflow.expression.getSimpleParameterValue(node, value, 'internal', { $credentials: credentials } as IWorkflowDataProxyAdditionalKeys, undefined, '')
				: value;
		const updated: IHttpRequestOptions = { ...requestOptions };
		for (const [section, values] of Object.entries(authenticate.properties) as Array<[string, Record<string, unknown>]>) {
			const target = { ...((updated as unknown as Record<string, Record<string, unknown>>)[section] ?? {}) };
			for (const [key, value] of Object.entries(values)) target[key] = resolveValue(value);
			(updated as unknown as Record<string, unknown>)[section] = target;
		}
		return updated;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.registry.credentialTypes.get(typeName);
		if (!type?.preAuthentication) return undefined;
		const expirable = type.properties.find((p) => p.typeOptions?.expirable === true);
		if (!expirable) return undefined;
		if (credentials[expirable.name] && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		const updated = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.data[typeName] = updated;
		return updated;
	}

	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('getCredentials is not available in the test runner');
	}

	async getDecrypted(
		_additionalData: IWorkflowExecuteAdditionalData,
		_details: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		this.reads++;
		const found = this.data[type];
		if (!found) throw new Error(`The test gave no credentials of type "${type}"`);
		return found;
	}

	async updateCredentials(_details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) {
		this.data[type] = data;
	}

	async updateCredentialsOauthTokenData(_details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject) {
		this.data[type] = data;
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.registry.credentialTypes.get(type)?.properties ?? [];
	}

	isCredentialUsableByNode(): boolean {
		return true;
	}
}

function toItems(input: RunOptions['input']): INodeExecutionData[] {
	return (input ?? [{}]).map((entry) =>
		'json' in entry && typeof entry.json === 'object' ? (entry as INodeExecutionData) : { json: entry as IDataObject },
	);
}

function findStartNode(workflow: WorkflowJson, name?: string): INode {
	if (name) {
		const node = workflow.nodes.find((n) => n.name === name);
		if (!node) throw new Error(`No node named "${name}" in the fixture`);
		return node;
	}
	const targets = new Set(
		Object.values(workflow.connections).flatMap((byType) =>
			Object.values(byType).flatMap((outputs) => (outputs ?? []).flatMap((list) => (list ?? []).map((c) => c.node))),
		),
	);
	const start = workflow.nodes.find((n) => !targets.has(n.name) && !n.type.endsWith('stickyNote'));
	if (!start) throw new Error('The fixture has no node without incoming connections to start from');
	return start;
}

interface Prepared {
	registry: NodeTypeRegistry;
	workflow: Workflow;
	additionalData: IWorkflowExecuteAdditionalData;
	executionOrder: string[];
}

async function prepare(fixture: WorkflowJson, options: RunOptions, mode: WorkflowExecuteMode): Promise<Prepared> {
	ownPackage ??= loadOwnPackage();
	const registry = await ownPackage;
	await ensureNodeTypes(registry, fixture);

	const staticData = structuredClone(fixture.staticData ?? {});
	const workflow = new Workflow({
		id: 'test-workflow',
		name: fixture.name ?? 'test',
		nodes: fixture.nodes,
		connections: fixture.connections,
		active: false,
		nodeTypes: registry,
		staticData,
		settings: { executionOrder: 'v1', ...fixture.settings },
	});

	const executionOrder: string[] = [];
	const workflowData = { id: workflow.id, name: workflow.name, nodes: fixture.nodes, connections: fixture.connections } as IWorkflowBase;
	const hooks = new ExecutionLifecycleHooks(mode, 'test-execution', workflowData);
	hooks.addHandler('nodeExecuteAfter', (nodeName) => {
		executionOrder.push(nodeName);
	});

	const additionalData = {
		executionId: 'test-execution',
		hooks,
		credentialsHelper: new TestCredentialsHelper(registry, { ...(options.credentials ?? {}) }),
		restApiUrl: 'http://localhost:5678/rest',
		instanceBaseUrl: 'http://localhost:5678/',
		webhookBaseUrl: 'http://localhost:5678/webhook',
		webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
		webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
		formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
		currentNodeParameters: undefined,
		executionTimeoutTimestamp: undefined,
		userId: 'test-user',
		variables: {},
		setExecutionStatus: () => {},
		logAiEvent: () => {},
		sendDataToUI: () => {},
		executeWorkflow: async () => {
			throw new Error('Sub-workflows are not supported by the test runner');
		},
		getRunExecutionData: async () => undefined,
	} as unknown as IWorkflowExecuteAdditionalData;
	return { registry, workflow, additionalData, executionOrder };
}

export async function runWorkflow(fixture: WorkflowJson, options: RunOptions = {}): Promise<RunResult> {
	const mode = options.mode ?? 'trigger';
	const { workflow, additionalData, executionOrder } = await prepare(fixture, options, mode);

	const start = findStartNode(fixture, options.startNode);
	const runExecutionData: IRunExecutionData = createRunExecutionData({
		executionData: {
			nodeExecutionStack: [{ node: start, data: { main: [toItems(options.input)] }, source: null }],
		},
	});
	const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(workflow);

	const outputs: RunResult['outputs'] = {};
	const nodeErrors: RunResult['nodeErrors'] = {};
	for (const [nodeName, tasks] of Object.entries(run.data.resultData.runData)) {
		const last = tasks[tasks.length - 1];
		outputs[nodeName] = (last?.data?.main ?? []).map((items) => items ?? []);
		if (last?.error) nodeErrors[nodeName] = { message: last.error.message, description: last.error.description };
	}
	return {
		status: run.status,
		error: run.data.resultData.error,
		outputs,
		nodeErrors,
		executionOrder,
		// A plain copy, as n8n saves it: the live object is n8n's change-tracking proxy.
		staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject,
		staticDataChanged: (workflow.staticData as IDataObject).__dataChanged === true,
		credentialReads: (additionalData.credentialsHelper as TestCredentialsHelper).reads,
		raw: run,
	};
}

export interface PollResult {
	/** What the poll emitted (null when it found nothing new, as n8n's pollers return). */
	items: INodeExecutionData[] | null;
	/** The workflow static data after the poll: pass it as the next fixture's staticData. */
	staticData: IDataObject;
}

/**
 * Runs a polling trigger's `poll` once, as n8n's scheduler does, with n8n-core's own PollContext.
 * Static data persists between polls through `fixture.staticData`.
 */
export async function runPoll(
	fixture: WorkflowJson,
	options: { nodeName?: string; credentials?: RunOptions['credentials']; mode?: 'trigger' | 'manual' } = {},
): Promise<PollResult> {
	const mode = options.mode ?? 'trigger';
	const { registry, workflow, additionalData } = await prepare(fixture, { credentials: options.credentials }, mode);
	const node = options.nodeName ? workflow.getNode(options.nodeName) : fixture.nodes[0];
	if (!node) throw new Error(`No node named "${options.nodeName}" in the fixture`);
	const nodeType = registry.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new Error(`${node.type} is not a polling trigger`);
	const context = new PollContext(workflow, node, additionalData, mode, 'activate');
	const result = await nodeType.poll.call(context);
	return { items: result?.[0] ?? null, staticData: JSON.parse(JSON.stringify(workflow.staticData)) as IDataObject };
}

/**
 * A polling trigger as n8n runs it once its workflow is active: ONE PollContext, made at activation
 * and reused for every poll (n8n-core ActiveWorkflows.activatePolling), with the workflow's static
 * data carried between polls. `credentials` is the live store: change a field between polls as an
 * admin editing the credential would.
 */
export async function activePoller(
	fixture: WorkflowJson,
	options: { nodeName?: string; credentials?: RunOptions['credentials'] } = {},
): Promise<{ poll: () => Promise<INodeExecutionData[] | null>; credentials: Record<string, ICredentialDataDecryptedObject> }> {
	const { registry, workflow, additionalData } = await prepare(fixture, { credentials: options.credentials }, 'trigger');
	const node = options.nodeName ? workflow.getNode(options.nodeName) : fixture.nodes[0];
	if (!node) throw new Error(`No node named "${options.nodeName}" in the fixture`);
	const nodeType = registry.getByNameAndVersion(node.type, node.typeVersion);
	if (!nodeType.poll) throw new Error(`${node.type} is not a polling trigger`);
	const poll = nodeType.poll;
	const context = new PollContext(workflow, node, additionalData, 'trigger', 'activate');
	return {
		poll: async () => (await poll.call(context))?.[0] ?? null,
		credentials: (additionalData.credentialsHelper as TestCredentialsHelper).data,
	};
}

/**
 * The context n8n-core hands a node's `execute` for one run of `nodeName` on `input` — for tests
 * that compare our reading of parameters with n8n's own (`getNodeParameter`) on the same run.
 */
export async function executeContextFor(fixture: WorkflowJson, nodeName: string, input: Array<IDataObject | INodeExecutionData>): Promise<ExecuteContext> {
	const mode: WorkflowExecuteMode = 'manual';
	const { workflow, additionalData } = await prepare(fixture, {}, mode);
	const node = workflow.getNode(nodeName);
	if (!node) throw new Error(`The fixture has no node "${nodeName}"`);
	const items = toItems(input);
	const runExecutionData = createRunExecutionData({ executionData: { nodeExecutionStack: [] } });
	return new ExecuteContext(workflow, node, additionalData, mode, runExecutionData, 0, items, { main: [items] }, { node, data: { main: [items] }, source: null }, []);
}

/**
 * A module of the BUILT package, the same instance the nodes under test use (the runner loads them
 * from dist/). Importing the TypeScript source instead would give a second copy whose state (claim
 * store, breakers, MT5 sessions) the nodes never see.
 */
export function fromPackage<T>(relativePath: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return require(join(PACKAGE_ROOT, 'dist', relativePath)) as T;
}

/**
 * n8n-core services started during a run keep intervals alive (SSH client clean-up, cron logging);
 * stop them so the test process can exit. Registered automatically for every suite using the runner.
 */
export function stopRunner(): void {
	if (Container.has(SSHClientsManager)) Container.get(SSHClientsManager).onShutdown();
	if (Container.has(ScheduledTaskManager)) Container.get(ScheduledTaskManager).deregisterAllCrons();
}

if (typeof afterAll === 'function') afterAll(stopRunner);
