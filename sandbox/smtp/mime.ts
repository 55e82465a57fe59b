/**
 * Just enough MIME (RFC 2045–2047) to read back what a mailer sent: header unfolding, encoded
 * words in headers, quoted-printable and base64 bodies, and multipart trees (the first text/plain
 * and text/html parts become `text` and `html`; other leaves are listed as attachments).
 */

export interface ParsedMail {
	/** Header names in lower case; a repeated header's values joined with ", ". */
	headers: Record<string, string>;
	subject: string;
	text: string;
	html?: string;
	attachments: Array<{ filename?: string; contentType: string; size: number }>;
}

interface Part {
	headers: Record<string, string>;
	/** The body bytes as a latin1 string (one char per byte), still transfer-encoded. */
	body: string;
}

function splitHeaders(raw: string): Part {
	const match = /\r?\n\r?\n/.exec(raw);
	const head = match ? raw.slice(0, match.index) : raw;
	const body = match ? raw.slice(match.index + match[0].length) : '';
	const headers: Record<string, string> = {};
	for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
		const colon = line.indexOf(':');
		if (colon <= 0) continue;
		const name = line.slice(0, colon).trim().toLowerCase();
		const value = line.slice(colon + 1).trim();
		headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
	}
	return { headers, body };
}

function decodeBytes(bytes: Buffer, charset: string | undefined): string {
	const name = (charset ?? 'utf-8').toLowerCase();
	// windows-1252 differs from latin1 only in 0x80–0x9F, which a sink can live without.
	if (['iso-8859-1', 'latin1', 'windows-1252'].includes(name)) return bytes.toString('latin1');
	return bytes.toString('utf8');
}

function decodeQuotedPrintable(text: string): Buffer {
	const unfolded = text.replace(/=\r?\n/g, '');
	const bytes: number[] = [];
	for (let i = 0; i < unfolded.length; i++) {
		const char = unfolded[i];
		if (char === '=' && /^[0-9A-Fa-f]{2}$/.test(unfolded.slice(i + 1, i + 3))) {
			bytes.push(parseInt(unfolded.slice(i + 1, i + 3), 16));
			i += 2;
		} else bytes.push(unfolded.charCodeAt(i) & 0xff);
	}
	return Buffer.from(bytes);
}

/** RFC 2047 encoded words (=?charset?B|Q?text?=); whitespace between two of them is dropped. */
export function decodeEncodedWords(value: string): string {
	return value
		.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)\s+(?==\?)/g, '$1')
		.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=/g, (_, charset: string, encoding: string, text: string) => {
			const bytes =
				encoding.toUpperCase() === 'B' ? Buffer.from(text, 'base64') : decodeQuotedPrintable(text.replace(/_/g, ' '));
			return decodeBytes(bytes, charset.replace(/\*.*$/, ''));
		});
}

/** "text/plain; charset=utf-8; name=\"a b.txt\"" → type and lower-cased parameter names. */
export function parseHeaderParams(value: string | undefined): { value: string; params: Record<string, string> } {
	if (!value) return { value: '', params: {} };
	const [first, ...rest] = value.match(/(?:[^;"]+|"(?:[^"\\]|\\.)*")+/g) ?? [''];
	const params: Record<string, string> = {};
	for (const item of rest) {
		const equals = item.indexOf('=');
		if (equals === -1) continue;
		const name = item.slice(0, equals).trim().toLowerCase();
		let param = item.slice(equals + 1).trim();
		if (param.startsWith('"') && param.endsWith('"')) param = param.slice(1, -1).replace(/\\(.)/g, '$1');
		params[name] = decodeEncodedWords(param);
	}
	return { value: first.trim().toLowerCase(), params };
}

function decodeBody(part: Part): Buffer {
	const encoding = (part.headers['content-transfer-encoding'] ?? '7bit').toLowerCase();
	if (encoding === 'base64') return Buffer.from(part.body.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64');
	if (encoding === 'quoted-printable') return decodeQuotedPrintable(part.body);
	return Buffer.from(part.body, 'latin1');
}

function walk(part: Part, mail: ParsedMail): void {
	const type = parseHeaderParams(part.headers['content-type'] ?? 'text/plain');
	if (type.value.startsWith('multipart/') && type.params.boundary) {
		const delimiter = `--${type.params.boundary}`;
		const lines = part.body.split(/\r?\n/);
		let current: string[] | undefined;
		for (const line of lines) {
			if (line === `${delimiter}--`) break;
			if (line === delimiter) {
				if (current) walk(splitHeaders(current.join('\r\n')), mail);
				current = [];
			} else current?.push(line);
		}
		if (current) walk(splitHeaders(current.join('\r\n')), mail);
		return;
	}
	const disposition = parseHeaderParams(part.headers['content-disposition']);
	const filename = disposition.params.filename ?? type.params.name;
	const bytes = decodeBody(part);
	const isAttachment = disposition.value === 'attachment' || filename !== undefined;
	if (!isAttachment && type.value === 'text/plain' && mail.text === '') mail.text = decodeBytes(bytes, type.params.charset);
	else if (!isAttachment && type.value === 'text/html' && mail.html === undefined) mail.html = decodeBytes(bytes, type.params.charset);
	else mail.attachments.push({ filename, contentType: type.value, size: bytes.length });
}

/** Parses a whole message (headers and body, CRLF line ends, already dot-unstuffed). */
export function parseMail(raw: Buffer): ParsedMail {
	const top = splitHeaders(raw.toString('latin1'));
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(top.headers)) headers[name] = decodeEncodedWords(Buffer.from(value, 'latin1').toString('utf8'));
	const mail: ParsedMail = { headers, subject: headers.subject ?? '', text: '', attachments: [] };
	walk(top, mail);
	return mail;
}
