import { join } from 'node:path';

import { startSmtpSandbox, type SmtpSandbox } from '../../sandbox/smtp';

// n8n's Send Email node sends through nodemailer; when the e2e runtime (real n8n) is installed,
// drive the sink with that exact nodemailer and the transport options the node builds.
const nodemailerPath = join(__dirname, '../../e2e/node_modules/nodemailer');

describe("SMTP sink with n8n's nodemailer", () => {
	let sandbox: SmtpSandbox;
	beforeAll(async () => {
		sandbox = await startSmtpSandbox();
	});
	afterAll(async () => await sandbox.close());
	beforeEach(() => sandbox.sink.clear());

	// The SMTP credential's "Disable STARTTLS" maps to ignoreTLS; both settings must deliver in plain text.
	it.each([true, false])('receives a message sent with secure: false and ignoreTLS %s, as the Send Email node sends it', async (ignoreTLS) => {
		const nodemailer = require(nodemailerPath) as {
			createTransport(options: Record<string, unknown>): {
				verify(): Promise<true>;
				sendMail(mail: Record<string, unknown>): Promise<{ accepted: string[] }>;
				close(): void;
			};
		};
		const transport = nodemailer.createTransport({
			host: '127.0.0.1',
			port: sandbox.sink.port,
			secure: false,
			ignoreTLS,
			auth: { user: 'sandbox', pass: 'sandbox' },
		});
		try {
			await expect(transport.verify()).resolves.toBe(true);
			const info = await transport.sendMail({
				from: 'n8n <ops@broker.example>',
				to: 'review@broker.example',
				subject: 'Überprüfung nötig: withdrawal 5002',
				text: 'Line one\n.Line starting with a dot',
				html: '<b>Review</b>',
			});
			expect(info.accepted).toEqual(['review@broker.example']);
		} finally {
			transport.close();
		}
		const [message] = await sandbox.sink.waitForMessages(1);
		expect(message).toMatchObject({ from: 'ops@broker.example', to: ['review@broker.example'], subject: 'Überprüfung nötig: withdrawal 5002', html: '<b>Review</b>', authUser: 'sandbox' });
		expect(message.text).toBe('Line one\r\n.Line starting with a dot');
	});
});
