/**
 * Deal history: an MT5 account's whole history (100,000 or 1,000,000 deals) read from the simulator
 * in slices of 10,000 — one run of our MetaTrader 5 node each (Deal → Get Many with Skip and Max
 * Deals, run by n8n-core) — beside a plain keep-alive HTTP client paging the same get_total and
 * get_page calls. Throughput, and this process's memory, which should not grow with the history:
 * each run holds only its slice (peak RSS, and the heap still used after a final GC). The simulator runs in a child process of its own, so its
 * million deals do not count.
 *
 *   tsx bench/dealHistory.ts <node|plain> <deals>     → one JSON line on stdout
 *   tsx bench/dealHistory.ts server <deals>           (the simulator child: prints its URL and login)
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

import { startSimulator } from '../sandbox/framework';
import { Mt5Simulator } from '../sandbox/mt5';
import { BENCH_MANAGER as MANAGER, plainMt5Client } from './plainMt5';

const SLICE = 10_000;
const PAGE = 100;
const START = '2020-01-01T00:00:00Z';
const PERIOD = { from: '2019-12-01T00:00:00Z', to: '2026-01-01T00:00:00Z' };

async function server(deals: number): Promise<void> {
	const mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	const login = mt5.simulator.addAccount({ group: 'real\\standard', name: 'History Bench', registered: '2019-12-01T00:00:00Z' });
	mt5.simulator.seedDeals(login, { count: deals, start: START, stepSeconds: 60 });
	process.stdout.write(`${JSON.stringify({ url: mt5.url, login })}\n`);
	// Runs until the bench closes our stdin.
	process.stdin.resume();
	process.stdin.on('end', () => void mt5.close().then(() => process.exit(0)));
}

/** Starts the simulator child with `deals` deals; its URL, login and a stop function. */
async function startServer(deals: number): Promise<{ url: string; login: number; stop: () => void }> {
	const child = spawn(process.execPath, ['--import', 'tsx', __filename, 'server', String(deals)], { stdio: ['pipe', 'pipe', 'inherit'] });
	const line = await new Promise<string>((resolve, reject) => {
		const lines = createInterface({ input: child.stdout! });
		lines.once('line', resolve);
		child.once('exit', (code) => reject(new Error(`the simulator child exited with ${code}`)));
	});
	const { url, login } = JSON.parse(line) as { url: string; login: number };
	return { url, login, stop: () => child.stdin!.end() };
}

/** The plain client: one keep-alive socket, the MT5 login, then get_total and get_page per slice. */
async function readPlain(url: string, login: number, total: number): Promise<number> {
	const client = plainMt5Client(url);
	await client.login();
	// The whole period in server seconds, wide enough for every deal whatever the zone.
	const window = { login, from: Math.floor(Date.parse(PERIOD.from) / 1000), to: Math.floor(Date.parse(PERIOD.to) / 1000) };
	let read = 0;
	for (let skip = 0; skip < total; skip += SLICE) {
		const answer = await client.call('GET', '/api/deal/get_total', window);
		const end = Math.min(Number((answer.answer as { total: string }).total), skip + SLICE);
		for (let offset = skip; offset < end; offset += PAGE) {
			const page = await client.call('GET', '/api/deal/get_page', { ...window, offset, total: Math.min(PAGE, end - offset) });
			read += (page.answer as unknown[]).length;
		}
	}
	client.close();
	return read;
}

/** Our node, one n8n-core run per slice; each run's items are counted and let go. */
async function readNode(url: string, login: number, total: number): Promise<number> {
	// Loaded here so the plain variant's process does not carry n8n-core.
	const { fromPackage, runWorkflow } = await import('../test/runner');
	const { closeMt5Sessions } = fromPackage<typeof import('../nodes/MetaTrader5/transport/connection')>('nodes/MetaTrader5/transport/connection');
	const credentials = { metaTrader5Api: { serverUrl: url, login: MANAGER.login, password: MANAGER.password, agent: 'bench', serverTimeZone: 'detect', ignoreSslIssues: false } };
	let read = 0;
	for (let skip = 0; skip < total; skip += SLICE) {
		const result = await runWorkflow(
			{
				name: 'bench: deal history slice',
				nodes: [
					{
						id: 'b0000000-0000-4000-8000-0000000000d1',
						name: 'Deals',
						type: 'n8n-nodes-brokerage.metaTrader5',
						typeVersion: 1,
						position: [0, 0],
						parameters: { resource: 'deal', operation: 'getAll', selectBy: 'login', login: String(login), from: PERIOD.from, to: PERIOD.to, options: { skip, maxDeals: SLICE } },
						credentials: { metaTrader5Api: { id: 'mt5', name: 'MT5 sandbox' } },
					},
				],
				connections: {},
			},
			{ input: [{}], credentials },
		);
		const items = result.outputs.Deals?.[0] ?? [];
		if (result.status !== 'success' || items.length === 0) throw new Error(`slice at ${skip}: ${result.status} ${JSON.stringify(result.nodeErrors)}`);
		read += items.length;
	}
	closeMt5Sessions();
	return read;
}

async function main(): Promise<void> {
	const [variant = 'node', dealsArg = '100000'] = process.argv.slice(2);
	const deals = Number(dealsArg);
	if (variant === 'server') return await server(deals);
	if (variant !== 'node' && variant !== 'plain') throw new Error(`unknown variant "${variant}" (node, plain or server)`);
	const simulator = await startServer(deals);
	try {
		const started = process.hrtime.bigint();
		const read = variant === 'node' ? await readNode(simulator.url, simulator.login, deals) : await readPlain(simulator.url, simulator.login, deals);
		const seconds = Number(process.hrtime.bigint() - started) / 1e9;
		// Every deal read once: the slices neither overlap nor leave a gap.
		if (read !== deals) throw new Error(`read ${read} deals of ${deals}`);
		// What the process still holds once garbage is collected (run with --expose-gc): whether the
		// reading itself keeps anything, apart from how far the allocator grew on the way.
		(globalThis as { gc?: () => void }).gc?.();
		const retainedMb = process.memoryUsage().heapUsed / 1048576;
		process.stdout.write(`${JSON.stringify({ variant, rows: deals, seconds, rowsPerSecond: deals / seconds, peakMb: process.resourceUsage().maxRSS / 1024, retainedMb })}\n`);
	} finally {
		simulator.stop();
	}
}

main().then(
	() => {
		if (process.argv[2] !== 'server') process.exit(0);
	},
	(error: unknown) => {
		console.error(error);
		process.exit(1);
	},
);
