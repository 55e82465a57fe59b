/**
 * Node overhead: MT5 deposits through our MetaTrader 5 node, run in-process by n8n-core's
 * WorkflowExecute as n8n runs it, beside a plain HTTP client making the same calls to the same
 * simulator over one keep-alive connection (auth/start + auth/answer, time/get, then per deposit
 * the ledger search deal/get_batch and trade/balance). Each process warms both clients and times
 * one of them, the variant given:
 *
 *   tsx bench/nodeOverhead.ts <node|plain> [deposits]   → one JSON line on stdout
 */
import { startSimulator } from '../sandbox/framework';
import { Mt5Simulator } from '../sandbox/mt5';
import { fromPackage, runWorkflow, type WorkflowJson } from '../test/runner';
import { BENCH_MANAGER as MANAGER, plainMt5Client } from './plainMt5';

const NODE = 'Credit Deposit';
/**
 * Deposits each client makes on an account of its own before the timed run. A running n8n is
 * JIT-warm; with 20 our code and n8n-core's were still half-compiled during the timed run (1.14×
 * the plain client against ≈1.03× once both are warm: the plain client has far less to compile).
 */
const WARM = 300;

const workflow: WorkflowJson = {
	name: 'bench: MT5 deposits',
	nodes: [
		{
			id: 'b0000000-0000-4000-8000-000000000001',
			name: NODE,
			type: 'n8n-nodes-brokerage.metaTrader5',
			typeVersion: 1,
			position: [0, 0],
			parameters: {
				resource: 'balance',
				operation: 'deposit',
				login: '={{ $json.login }}',
				amount: '={{ $json.amount }}',
				idempotencyKey: '={{ $json.key }}',
				balanceOptions: {},
			},
			credentials: { metaTrader5Api: { id: 'mt5', name: 'MT5 sandbox' } },
		},
	],
	connections: {},
};

/** The plain client's deposit: the same calls our node makes (ledger search, then the balance operation). */
function plainClient(baseUrl: string) {
	const client = plainMt5Client(baseUrl);
	return {
		async login(): Promise<void> {
			await client.login();
			await client.call('GET', '/api/time/get', {});
		},
		async deposit(login: number, amount: string, key: string): Promise<void> {
			const now = Math.floor(Date.now() / 1000);
			const deals = await client.call('GET', '/api/deal/get_batch', { login, from: now - 45 * 86_400, to: now + 86_400 });
			if ((deals.answer as Array<{ Comment?: string }>).some((deal) => deal.Comment === key)) return;
			await client.call('POST', '/api/trade/balance', { login, type: 2, balance: amount, comment: key, check_margin: 1 });
		},
		close: () => client.close(),
	};
}

async function main(): Promise<void> {
	const [variant = 'node', depositsArg = '300'] = process.argv.slice(2);
	const deposits = Number(depositsArg);
	const mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	const credentials = {
		metaTrader5Api: { serverUrl: mt5.url, login: MANAGER.login, password: MANAGER.password, agent: 'bench', serverTimeZone: 'detect', ignoreSslIssues: false },
	};
	const items = (login: number, prefix: string, count: number) =>
		Array.from({ length: count }, (_, i) => ({ login: String(login), amount: `${100 + (i % 50)}.25`, key: `bench:${prefix}:${i}` }));

	if (variant !== 'node' && variant !== 'plain') throw new Error(`unknown variant "${variant}" (node or plain)`);
	const { closeMt5Sessions } = fromPackage<typeof import('../nodes/MetaTrader5/transport/connection')>('nodes/MetaTrader5/transport/connection');
	/** WARM deposits through each client on an account of its own, in every process. */
	const warmUp = async () => {
		const viaNode = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Warm Up Node', leverage: 100 });
		await runWorkflow(workflow, { input: items(viaNode, 'warm', WARM), credentials });
		closeMt5Sessions();
		const viaPlain = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Warm Up Plain', leverage: 100 });
		const warmClient = plainClient(mt5.url);
		await warmClient.login();
		for (const item of items(viaPlain, 'warm', WARM)) await warmClient.deposit(viaPlain, item.amount, item.key);
		warmClient.close();
	};
	// Both processes warm both clients: they differ only in which client makes the timed deposits
	// (the same loaded code, the same compiled simulator, the same heap).
	await warmUp();
	const login = mt5.simulator.addAccount({ group: 'real\\standard', name: 'Bench Client', leverage: 100 });
	const started = process.hrtime.bigint();
	const cpuStarted = process.cpuUsage();
	if (variant === 'node') {
		const result = await runWorkflow(workflow, { input: items(login, 'run', deposits), credentials });
		const credited = result.outputs[NODE]?.[0]?.filter((item) => item.json.alreadyApplied === false).length ?? 0;
		if (credited !== deposits) throw new Error(`the node credited ${credited} of ${deposits} deposits`);
	} else {
		const client = plainClient(mt5.url);
		await client.login();
		for (const item of items(login, 'run', deposits)) await client.deposit(login, item.amount, item.key);
		client.close();
	}
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	const cpu = process.cpuUsage(cpuStarted);
	closeMt5Sessions();
	// Both did the job: every deposit is on the ledger, once.
	const credited = mt5.simulator.dealsOf(login).filter((deal) => deal.Action === '2').length;
	await mt5.close();
	if (credited !== deposits) throw new Error(`${credited} deposits on the ledger, expected ${deposits}`);
	process.stdout.write(`${JSON.stringify({ variant, rows: deposits, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rowsPerSecond: deposits / seconds, peakMb: process.resourceUsage().maxRSS / 1024, credited })}\n`);
}

// n8n-core leaves timers behind; the figure is out, so end the process.
main().then(
	() => process.exit(0),
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
