import { connect, type Socket } from 'node:net';

import { SandboxControl } from '../../sandbox/framework';
import { startSmtpSandbox, startSmtpSink, type SmtpSandbox } from '../../sandbox/smtp';

/** A raw SMTP client: sends a line, waits for one complete (possibly multi-line) reply. */
class RawSmtpClient {
	private socket: Socket | undefined;
	private pending = '';
	private waiters: Array<(reply: string) => void> = [];

	async open(port: number): Promise<string> {
		const socket = connect(port, '127.0.0.1');
		this.socket = socket;
		socket.setEncoding('utf8');
		socket.on('data', (chunk: string) => {
			this.pending += chunk;
			// A reply ends with a line "NNN " (space after the code); "NNN-" lines continue it.
			let match: RegExpExecArray | null;
			while ((match = /^((?:\d{3}-[^\r\n]*\r\n)*\d{3}(?: [^\r\n]*)?\r\n)/.exec(this.pending))) {
				this.pending = this.pending.slice(match[1].length);
				this.waiters.shift()?.(match[1].trimEnd());
			}
		});
		return await this.next();
	}

	async send(line: string): Promise<string> {
		const reply = this.next();
		this.socket?.write(`${line}\r\n`);
		return await reply;
	}

	/** Writes without waiting for a reply (message lines inside DATA). */
	write(text: string): void {
		this.socket?.write(text);
	}

	next(): Promise<string> {
		return new Promise((resolve) => this.waiters.push(resolve));
	}

	close(): void {
		this.socket?.destroy();
	}
}

let sandbox: SmtpSandbox;
let client: RawSmtpClient;

beforeAll(async () => {
	sandbox = await startSmtpSandbox();
});
afterAll(async () => await sandbox.close());
beforeEach(() => {
	sandbox.sink.clear();
	client = new RawSmtpClient();
});
afterEach(() => client.close());

async function deliver(lines: string[], envelope = { from: 'ops@broker.example', to: ['alerts@broker.example'] }): Promise<string> {
	expect(await client.open(sandbox.sink.port)).toMatch(/^220 /);
	await client.send('EHLO n8n.local');
	expect(await client.send(`MAIL FROM:<${envelope.from}>`)).toMatch(/^250 /);
	for (const to of envelope.to) expect(await client.send(`RCPT TO:<${to}>`)).toMatch(/^250 /);
	expect(await client.send('DATA')).toMatch(/^354 /);
	const queued = client.next();
	client.write(`${lines.join('\r\n')}\r\n.\r\n`);
	const reply = await queued;
	await client.send('QUIT');
	return reply;
}

describe('SMTP sink', () => {
	it('greets and advertises AUTH but never STARTTLS', async () => {
		expect(await client.open(sandbox.sink.port)).toMatch(/^220 sandbox\.smtp\.local ESMTP/);
		const ehlo = await client.send('EHLO n8n.local');
		expect(ehlo).toMatch(/^250-sandbox\.smtp\.local greets n8n\.local/);
		expect(ehlo).toMatch(/250 AUTH PLAIN LOGIN$/);
		expect(ehlo).not.toMatch(/STARTTLS/);
	});

	it('keeps a delivered message with its envelope, subject, headers and text', async () => {
		const reply = await deliver(
			['From: Ops <ops@broker.example>', 'To: alerts@broker.example', 'Subject: Deposit failed', 'Message-ID: <m1@broker.example>', '', 'Client 1001: deposit praxis-9001 failed.'],
			{ from: 'ops@broker.example', to: ['alerts@broker.example', 'audit@broker.example'] },
		);
		expect(reply).toMatch(/^250 2\.0\.0 OK: queued as msg-1$/);
		const [message] = sandbox.sink.messages();
		expect(message).toMatchObject({
			from: 'ops@broker.example',
			to: ['alerts@broker.example', 'audit@broker.example'],
			subject: 'Deposit failed',
			text: 'Client 1001: deposit praxis-9001 failed.\r\n',
			clientName: 'n8n.local',
		});
		expect(message.headers['message-id']).toBe('<m1@broker.example>');
		expect(message.raw).toMatch(/^From: Ops <ops@broker\.example>\r\n/);
	});

	it('removes the extra dot of dot-stuffed lines', async () => {
		await deliver(['Subject: dots', '', '..leading dot', '...two dots', 'no dot']);
		expect(sandbox.sink.messages()[0].text).toBe('.leading dot\r\n..two dots\r\nno dot\r\n');
	});

	it('decodes an encoded-word subject and a multipart message with quoted-printable and base64 parts', async () => {
		await deliver([
			'Subject: =?UTF-8?Q?Einzahlung_best=C3=A4tigt?=',
			'MIME-Version: 1.0',
			'Content-Type: multipart/mixed; boundary="outer"',
			'',
			'--outer',
			'Content-Type: multipart/alternative; boundary=inner',
			'',
			'--inner',
			'Content-Type: text/plain; charset=utf-8',
			'Content-Transfer-Encoding: quoted-printable',
			'',
			'Betrag: 250,00 =E2=82=AC',
			'--inner',
			'Content-Type: text/html; charset=utf-8',
			'Content-Transfer-Encoding: base64',
			'',
			Buffer.from('<p>Betrag: 250,00 €</p>').toString('base64'),
			'--inner--',
			'--outer',
			'Content-Type: text/csv; name="report.csv"',
			'Content-Disposition: attachment; filename="report.csv"',
			'Content-Transfer-Encoding: base64',
			'',
			Buffer.from('login,amount\n3100001,250.00\n').toString('base64'),
			'--outer--',
		]);
		const [message] = sandbox.sink.messages();
		expect(message.subject).toBe('Einzahlung bestätigt');
		expect(message.text).toBe('Betrag: 250,00 €');
		expect(message.html).toBe('<p>Betrag: 250,00 €</p>');
		expect(message.attachments).toEqual([{ filename: 'report.csv', contentType: 'text/csv', size: 28 }]);
	});

	it('accepts AUTH PLAIN and AUTH LOGIN and records the user', async () => {
		await client.open(sandbox.sink.port);
		await client.send('EHLO n8n.local');
		expect(await client.send(`AUTH PLAIN ${Buffer.from('\u0000ops\u0000secret').toString('base64')}`)).toMatch(/^235 /);
		client.close();
		client = new RawSmtpClient();
		await client.open(sandbox.sink.port);
		await client.send('EHLO n8n.local');
		expect(await client.send('AUTH LOGIN')).toBe(`334 ${Buffer.from('Username:').toString('base64')}`);
		expect(await client.send(Buffer.from('ops').toString('base64'))).toMatch(/^334 /);
		expect(await client.send(Buffer.from('secret').toString('base64'))).toMatch(/^235 /);
	});

	it('refuses wrong credentials when a user is configured, and mail before AUTH when required', async () => {
		const strict = await startSmtpSink({ auth: { user: 'n8n', pass: 'pw' }, requireAuth: true });
		try {
			await client.open(strict.port);
			await client.send('EHLO n8n.local');
			expect(await client.send('MAIL FROM:<a@b.example>')).toMatch(/^530 /);
			expect(await client.send(`AUTH PLAIN ${Buffer.from('\u0000n8n\u0000wrong').toString('base64')}`)).toMatch(/^535 /);
			expect(await client.send(`AUTH PLAIN ${Buffer.from('\u0000n8n\u0000pw').toString('base64')}`)).toMatch(/^235 /);
			expect(await client.send('MAIL FROM:<a@b.example>')).toMatch(/^250 /);
		} finally {
			client.close();
			await strict.close();
		}
	});

	it('answers 503 for commands out of sequence and 500 for unknown ones', async () => {
		await client.open(sandbox.sink.port);
		expect(await client.send('MAIL FROM:<a@b.example>')).toMatch(/^503 /);
		await client.send('HELO n8n.local');
		expect(await client.send('RCPT TO:<c@d.example>')).toMatch(/^503 /);
		expect(await client.send('DATA')).toMatch(/^503 /);
		await client.send('MAIL FROM:<a@b.example>');
		expect(await client.send('DATA')).toMatch(/^503 5\.5\.1 Need RCPT/);
		expect(await client.send('RSET')).toMatch(/^250 /);
		expect(await client.send('RCPT TO:<c@d.example>')).toMatch(/^503 /);
		expect(await client.send('NOOP')).toMatch(/^250 /);
		expect(await client.send('FROB')).toMatch(/^500 /);
		expect(sandbox.sink.messages()).toHaveLength(0);
	});

	it('serves the mailbox over HTTP and clears it through the control API', async () => {
		await deliver(['Subject: over http', '', 'body'], { from: 'ops@broker.example', to: ['Review@Broker.example'] });
		const list = (await (await fetch(`${sandbox.mailbox.url}/messages?to=review@broker.example`)).json()) as { messages: Array<{ id: string; subject: string }> };
		expect(list.messages.map((m) => m.subject)).toEqual(['over http']);
		const one = (await (await fetch(`${sandbox.mailbox.url}/messages/${list.messages[0].id}`)).json()) as { text: string };
		expect(one.text).toBe('body\r\n');
		const control = new SandboxControl(sandbox.mailbox.url);
		expect((await control.state<{ messages: unknown[] }>()).messages).toHaveLength(1);
		await control.reset();
		expect(sandbox.sink.messages()).toHaveLength(0);
	});
});
