/**
 * An SMTP sink: a small RFC 5321 server on loopback that accepts mail and keeps every message, so
 * tests and the demo can read what n8n's Send Email node (nodemailer) sent.
 *
 * Supported: greeting, EHLO/HELO, AUTH PLAIN and AUTH LOGIN (RFC 4954; any credentials unless
 * `auth` is configured), MAIL FROM, RCPT TO, DATA with dot-unstuffing (RFC 5321 §4.5.2), RSET,
 * NOOP, VRFY (252), QUIT. No TLS: STARTTLS is never advertised, so nodemailer with
 * `secure: false` stays on plain text instead of trying an opportunistic upgrade.
 * Replies use RFC 3463 enhanced status codes; commands out of sequence get 503 (§4.3.2).
 */
import { EventEmitter } from 'node:events';
import { createServer, type AddressInfo, type Socket } from 'node:net';

import { parseMail } from './mime';

export interface SmtpSinkOptions {
	/** 0 (default) picks a free port. */
	port?: number;
	host?: string;
	/** The name the server greets with (default "sandbox.smtp.local"). */
	hostname?: string;
	/** Accept only these credentials in AUTH; any credentials are accepted when absent. */
	auth?: { user: string; pass: string };
	/** Refuse MAIL before a successful AUTH (default false). */
	requireAuth?: boolean;
	/** Largest message accepted, advertised as SIZE (default 10 MiB). */
	maxMessageBytes?: number;
}

export interface ReceivedMessage {
	id: string;
	receivedAt: string;
	/** Envelope sender (MAIL FROM). */
	from: string;
	/** Envelope recipients (RCPT TO), including Bcc. */
	to: string[];
	subject: string;
	/** Message headers, names in lower case, encoded words decoded. */
	headers: Record<string, string>;
	text: string;
	html?: string;
	attachments: Array<{ filename?: string; contentType: string; size: number }>;
	/** The message as received (CRLF line ends, dot-unstuffed). */
	raw: string;
	/** The HELO/EHLO name the client gave. */
	clientName: string;
	/** The AUTH user, when the client authenticated. */
	authUser?: string;
}

export interface SmtpSink {
	host: string;
	port: number;
	messages(): ReceivedMessage[];
	clear(): void;
	/** Resolves when at least `count` messages are held (rejects after `timeoutMs`, default 5 s). */
	waitForMessages(count: number, timeoutMs?: number): Promise<ReceivedMessage[]>;
	close(): Promise<void>;
}

type Mode = 'command' | 'data' | 'auth-plain' | 'auth-login-user' | 'auth-login-pass';

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
	const hostname = options.hostname ?? 'sandbox.smtp.local';
	const maxBytes = options.maxMessageBytes ?? 10 * 1024 * 1024;
	const messages: ReceivedMessage[] = [];
	const events = new EventEmitter();
	const sockets = new Set<Socket>();
	let nextId = 1;

	const credentialsAccepted = (user: string, pass: string) => !options.auth || (options.auth.user === user && options.auth.pass === pass);

	const server = createServer((socket) => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
		socket.on('error', () => undefined);
		socket.setTimeout(5 * 60 * 1000, () => {
			reply('421 4.4.2 Idle too long, closing connection');
			socket.end();
		});

		let buffer: Buffer = Buffer.alloc(0);
		let mode: Mode = 'command';
		let clientName = '';
		let authUser: string | undefined;
		let pendingLoginUser = '';
		let from: string | undefined;
		let recipients: string[] = [];
		let dataLines: Buffer[] = [];
		let dataBytes = 0;

		function reply(line: string): void {
			if (!socket.destroyed) socket.write(`${line}\r\n`);
		}
		function resetTransaction(): void {
			from = undefined;
			recipients = [];
			dataLines = [];
			dataBytes = 0;
		}

		function finishAuth(user: string, pass: string): void {
			mode = 'command';
			if (!credentialsAccepted(user, pass)) return reply('535 5.7.8 Authentication credentials invalid');
			authUser = user;
			reply('235 2.7.0 Authentication successful');
		}

		function decodePlain(base64: string): void {
			// RFC 4616: [authzid] NUL authcid NUL passwd
			const parts = Buffer.from(base64, 'base64').toString('utf8').split('\u0000');
			if (parts.length !== 3) {
				mode = 'command';
				return reply('501 5.5.2 Cannot decode AUTH PLAIN response');
			}
			finishAuth(parts[1], parts[2]);
		}

		function finishData(): void {
			mode = 'command';
			if (dataBytes > maxBytes) {
				resetTransaction();
				return reply(`552 5.3.4 Message exceeds the fixed maximum size of ${maxBytes} bytes`);
			}
			const raw = Buffer.concat(dataLines.flatMap((line) => [line, Buffer.from('\r\n')]));
			const parsed = parseMail(raw);
			const message: ReceivedMessage = {
				id: `msg-${nextId++}`,
				receivedAt: new Date().toISOString(),
				from: from ?? '',
				to: recipients,
				subject: parsed.subject,
				headers: parsed.headers,
				text: parsed.text,
				...(parsed.html !== undefined ? { html: parsed.html } : {}),
				attachments: parsed.attachments,
				raw: raw.toString('utf8'),
				clientName,
				...(authUser !== undefined ? { authUser } : {}),
			};
			messages.push(message);
			resetTransaction();
			reply(`250 2.0.0 OK: queued as ${message.id}`);
			events.emit('message');
		}

		function command(line: string): void {
			const space = line.indexOf(' ');
			const verb = (space === -1 ? line : line.slice(0, space)).toUpperCase();
			const argument = space === -1 ? '' : line.slice(space + 1).trim();
			switch (verb) {
				case 'EHLO':
				case 'HELO':
					if (!argument) return reply(`501 5.5.4 Syntax: ${verb} hostname`);
					clientName = argument;
					resetTransaction();
					if (verb === 'HELO') return reply(`250 ${hostname}`);
					return reply(
						[`250-${hostname} greets ${argument}`, '250-8BITMIME', '250-SMTPUTF8', `250-SIZE ${maxBytes}`, '250-ENHANCEDSTATUSCODES', '250 AUTH PLAIN LOGIN'].join('\r\n'),
					);
				case 'AUTH': {
					if (!clientName) return reply('503 5.5.1 Send EHLO first');
					if (authUser !== undefined) return reply('503 5.5.1 Already authenticated');
					if (from !== undefined) return reply('503 5.5.1 AUTH not allowed during a mail transaction');
					const [mechanism, initial] = argument.split(/\s+/);
					if (mechanism?.toUpperCase() === 'PLAIN') {
						if (initial && initial !== '=') return decodePlain(initial);
						mode = 'auth-plain';
						return reply('334 ');
					}
					if (mechanism?.toUpperCase() === 'LOGIN') {
						if (initial) {
							pendingLoginUser = Buffer.from(initial, 'base64').toString('utf8');
							mode = 'auth-login-pass';
							return reply(`334 ${Buffer.from('Password:').toString('base64')}`);
						}
						mode = 'auth-login-user';
						return reply(`334 ${Buffer.from('Username:').toString('base64')}`);
					}
					return reply('504 5.5.4 Unrecognized authentication type');
				}
				case 'MAIL': {
					if (!clientName) return reply('503 5.5.1 Send EHLO or HELO first');
					if (options.requireAuth && authUser === undefined) return reply('530 5.7.0 Authentication required');
					if (from !== undefined) return reply('503 5.5.1 Nested MAIL command');
					const match = /^FROM:\s*<([^>]*)>(?:\s+(.*))?$/i.exec(argument);
					if (!match) return reply('501 5.5.4 Syntax: MAIL FROM:<address>');
					const size = /(?:^|\s)SIZE=(\d+)/i.exec(match[2] ?? '');
					if (size && Number(size[1]) > maxBytes) return reply(`552 5.3.4 Message size exceeds the fixed maximum of ${maxBytes} bytes`);
					from = match[1];
					return reply('250 2.1.0 Sender OK');
				}
				case 'RCPT': {
					if (from === undefined) return reply('503 5.5.1 Need MAIL before RCPT');
					const match = /^TO:\s*<([^>]+)>/i.exec(argument);
					if (!match) return reply('501 5.5.4 Syntax: RCPT TO:<address>');
					recipients.push(match[1]);
					return reply('250 2.1.5 Recipient OK');
				}
				case 'DATA':
					if (argument) return reply('501 5.5.4 DATA takes no arguments');
					if (from === undefined) return reply('503 5.5.1 Need MAIL before DATA');
					if (recipients.length === 0) return reply('503 5.5.1 Need RCPT before DATA');
					mode = 'data';
					return reply('354 End data with <CR><LF>.<CR><LF>');
				case 'RSET':
					resetTransaction();
					return reply('250 2.0.0 OK');
				case 'NOOP':
					return reply('250 2.0.0 OK');
				case 'VRFY':
					return reply('252 2.5.2 Cannot VRFY user, but will accept the message');
				case 'QUIT':
					reply(`221 2.0.0 ${hostname} closing connection`);
					socket.end();
					return;
				case 'STARTTLS':
					return reply('502 5.5.1 STARTTLS is not offered by this sandbox');
				default:
					return reply('500 5.5.2 Command not recognized');
			}
		}

		function line(bytes: Buffer): void {
			if (mode === 'data') {
				if (bytes.length === 1 && bytes[0] === 0x2e) return finishData();
				// Dot-unstuffing: a line the client started with an extra "." loses it.
				const unstuffed = bytes[0] === 0x2e ? bytes.subarray(1) : bytes;
				dataBytes += unstuffed.length + 2;
				if (dataBytes <= maxBytes) dataLines.push(Buffer.from(unstuffed));
				return;
			}
			const text = bytes.toString('utf8');
			if (mode === 'auth-plain') {
				if (text === '*') {
					mode = 'command';
					return reply('501 5.7.0 Authentication cancelled');
				}
				return decodePlain(text);
			}
			if (mode === 'auth-login-user') {
				if (text === '*') {
					mode = 'command';
					return reply('501 5.7.0 Authentication cancelled');
				}
				pendingLoginUser = Buffer.from(text, 'base64').toString('utf8');
				mode = 'auth-login-pass';
				return reply(`334 ${Buffer.from('Password:').toString('base64')}`);
			}
			if (mode === 'auth-login-pass') {
				if (text === '*') {
					mode = 'command';
					return reply('501 5.7.0 Authentication cancelled');
				}
				return finishAuth(pendingLoginUser, Buffer.from(text, 'base64').toString('utf8'));
			}
			command(text.trim());
		}

		socket.on('data', (chunk: Buffer) => {
			buffer = buffer.length === 0 ? chunk : Buffer.concat([buffer, chunk]);
			let newline: number;
			while ((newline = buffer.indexOf(0x0a)) !== -1) {
				const end = newline > 0 && buffer[newline - 1] === 0x0d ? newline - 1 : newline;
				const bytes = buffer.subarray(0, end);
				buffer = buffer.subarray(newline + 1);
				line(bytes);
			}
		});

		reply(`220 ${hostname} ESMTP n8n-nodes-brokerage sandbox`);
	});

	await new Promise<void>((resolve) => server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;

	return {
		host: options.host ?? '127.0.0.1',
		port,
		messages: () => messages.slice(),
		clear: () => {
			messages.length = 0;
		},
		waitForMessages: async (count: number, timeoutMs = 5000) =>
			await new Promise<ReceivedMessage[]>((resolve, reject) => {
				if (messages.length >= count) return resolve(messages.slice());
				const timer = setTimeout(() => {
					events.off('message', check);
					reject(new Error(`the SMTP sink holds ${messages.length} message(s) after ${timeoutMs} ms, expected ${count}`));
				}, timeoutMs);
				function check() {
					if (messages.length < count) return;
					clearTimeout(timer);
					events.off('message', check);
					resolve(messages.slice());
				}
				events.on('message', check);
			}),
		close: async () => {
			for (const socket of sockets) socket.destroy();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
