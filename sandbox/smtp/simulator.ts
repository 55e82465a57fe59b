/**
 * The SMTP sink's HTTP side: SMTP is not HTTP, so the sink runs its own listener (sink.ts) and this
 * simulator gives other processes (e2e tests, the demo) the mailbox and the usual /__sandbox/
 * control API (state, reset) on the shared framework.
 */
import { SandboxHttpError, Simulator, startSimulator, type RunningSimulator, type Router } from '../framework';
import { startSmtpSink, type ReceivedMessage, type SmtpSink, type SmtpSinkOptions } from './sink';

export class MailboxSimulator extends Simulator {
	readonly name = 'smtp';
	readonly title = 'SMTP sink (plain SMTP, no TLS) with an HTTP mailbox';

	constructor(
		readonly sink: SmtpSink,
		private readonly auth?: { user: string; pass: string },
	) {
		super();
	}

	routes(router: Router): void {
		// GET /messages[?to=<address>][&subject=<text>]: every message, oldest first.
		router.add('GET', '/messages', (req) => {
			const to = req.query.get('to')?.toLowerCase();
			const subject = req.query.get('subject');
			const messages = this.sink
				.messages()
				.filter((m) => (!to || m.to.some((r) => r.toLowerCase() === to)) && (!subject || m.subject.includes(subject)));
			return { body: { messages } };
		});
		router.add('GET', '/messages/:id', (req) => {
			const message = this.sink.messages().find((m) => m.id === req.params.id);
			if (!message) throw new SandboxHttpError(404, { error: `no message ${req.params.id}` });
			return { body: message };
		});
		router.add('DELETE', '/messages', () => {
			this.sink.clear();
			return { status: 204 };
		});
	}

	reset(): void {
		this.sink.clear();
	}

	state(): { messages: ReceivedMessage[] } {
		return { messages: this.sink.messages() };
	}

	/** What n8n's SMTP credential needs: host, port, secure off, and any user/password unless configured. */
	credentials(): Record<string, string> {
		return {
			host: this.sink.host,
			port: String(this.sink.port),
			secure: 'false',
			disableStartTls: 'true',
			user: this.auth?.user ?? 'sandbox',
			password: this.auth?.pass ?? 'sandbox',
		};
	}
}

export interface SmtpSandbox {
	sink: SmtpSink;
	mailbox: RunningSimulator<MailboxSimulator>;
	close(): Promise<void>;
}

/** Starts the SMTP listener and its HTTP mailbox together. */
export async function startSmtpSandbox(options: SmtpSinkOptions & { httpPort?: number } = {}): Promise<SmtpSandbox> {
	const { httpPort, ...smtpOptions } = options;
	const sink = await startSmtpSink(smtpOptions);
	const mailbox = await startSimulator(new MailboxSimulator(sink, options.auth), { port: httpPort, host: options.host });
	return {
		sink,
		mailbox,
		close: async () => {
			await mailbox.close();
			await sink.close();
		},
	};
}
