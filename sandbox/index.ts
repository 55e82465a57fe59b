/**
 * The whole sandbox in one call: every vendor simulator on loopback, for `npm run sandbox`, the
 * demo and e2e tests. Ports are ephemeral unless a base port is given (then base, base+1, ...).
 */
import { AlertSinkSimulator } from './alerts';
import { CoinspaidSimulator } from './coinspaid';
import { CrmSimulator } from './crm';
import { CTraderSimulator } from './ctrader';
import { startSimulator, type RunningSimulator, type Simulator } from './framework';
import { GoogleAdsSimulator } from './googleAds';
import { MetaSimulator } from './meta';
import { Mt5Simulator } from './mt5';
import { OnfidoSimulator } from './onfido';
import { PraxisSimulator } from './praxis';
import { startSmtpSandbox, type SmtpSandbox } from './smtp';
import { SumsubSimulator } from './sumsub';

export interface Sandbox {
	mt5: RunningSimulator<Mt5Simulator>;
	ctrader: RunningSimulator<CTraderSimulator>;
	crm: RunningSimulator<CrmSimulator>;
	alerts: RunningSimulator<AlertSinkSimulator>;
	praxis: RunningSimulator<PraxisSimulator>;
	coinspaid: RunningSimulator<CoinspaidSimulator>;
	onfido: RunningSimulator<OnfidoSimulator>;
	sumsub: RunningSimulator<SumsubSimulator>;
	meta: RunningSimulator<MetaSimulator>;
	googleAds: RunningSimulator<GoogleAdsSimulator>;
	smtp: SmtpSandbox;
	/** Every HTTP simulator by name, for generic loops (reset, print). */
	all(): Array<RunningSimulator<Simulator>>;
	/** Back to the seed, faults cleared, on every simulator. */
	reset(): void;
	close(): Promise<void>;
}

export async function startSandbox(options: { basePort?: number; host?: string } = {}): Promise<Sandbox> {
	const host = options.host ?? '127.0.0.1';
	const port = (offset: number) => (options.basePort ? options.basePort + offset : 0);
	const mt5 = await startSimulator(new Mt5Simulator(), { port: port(0), host });
	const ctrader = await startSimulator(new CTraderSimulator(), { port: port(1), host });
	const crm = await startSimulator(new CrmSimulator(), { port: port(2), host });
	const alerts = await startSimulator(new AlertSinkSimulator(), { port: port(3), host });
	const smtp = await startSmtpSandbox({ port: port(4), httpPort: port(5), host });
	const praxis = await startSimulator(new PraxisSimulator(), { port: port(6), host });
	const coinspaid = await startSimulator(new CoinspaidSimulator(), { port: port(7), host });
	const onfido = await startSimulator(new OnfidoSimulator(), { port: port(9), host });
	const sumsub = await startSimulator(new SumsubSimulator(), { port: port(8), host });
	const meta = await startSimulator(new MetaSimulator(), { port: port(11), host });
	const googleAds = await startSimulator(new GoogleAdsSimulator(), { port: port(10), host });
	const all = () => [mt5, ctrader, crm, alerts, praxis, coinspaid, onfido, sumsub, meta, googleAds, smtp.mailbox] as Array<RunningSimulator<Simulator>>;
	return {
		mt5,
		ctrader,
		crm,
		alerts,
		praxis,
		coinspaid,
		onfido,
		sumsub,
		meta,
		googleAds,
		smtp,
		all,
		reset: () => {
			for (const running of all()) {
				running.simulator.reset();
				running.simulator.faults.clear();
				for (const sender of Object.values(running.simulator.webhookSenders)) sender.clear();
			}
			smtp.sink.clear();
		},
		close: async () => {
			for (const running of all()) if (running !== smtp.mailbox) await running.close();
			await smtp.close();
		},
	};
}

/** The lines `npm run sandbox` prints: where each simulator listens and what it accepts. */
export function describeSandbox(sandbox: Sandbox): string[] {
	const lines: string[] = [];
	for (const running of sandbox.all()) {
		const { simulator } = running;
		lines.push(`${simulator.name.padEnd(8)} ${running.url.padEnd(24)} ${simulator.title}`);
		const credentials = Object.entries(simulator.credentials());
		if (credentials.length) lines.push(`${''.padEnd(33)} accepts ${credentials.map(([k, v]) => `${k}=${v}`).join('  ')}`);
	}
	lines.push(`${'control'.padEnd(33)} every URL: GET <url>/__sandbox/state, POST <url>/__sandbox/reset, POST <url>/__sandbox/faults`);
	return lines;
}
