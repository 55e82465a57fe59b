/**
 * A multipart/form-data body (RFC 7578) built as one Buffer, for vendors whose upload endpoint
 * takes a file (Onfido `POST /documents`). n8n's request helper sends a Buffer body as it is, so
 * the node needs no form-data dependency (community nodes may import only n8n-workflow, luxon and
 * crypto). Text fields are UTF-8; names and file names are quoted with `"` and CR/LF escaped as
 * browsers do (WHATWG HTML "multipart/form-data encoding algorithm").
 */
import { randomBytes } from 'crypto';

export interface MultipartFile {
	/** The form field the file goes in, e.g. "file". */
	field: string;
	fileName: string;
	contentType: string;
	data: Buffer;
}

export interface MultipartBody {
	body: Buffer;
	/** The Content-Type header, boundary included. */
	contentType: string;
}

function quoted(value: string): string {
	return value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22');
}

/** Fields first (in the order given, empty values left out), then the files. */
export function buildMultipartBody(
	fields: ReadonlyArray<[string, string | undefined]>,
	files: readonly MultipartFile[],
	boundary = `----n8nBrokerage${randomBytes(12).toString('hex')}`,
): MultipartBody {
	const parts: Buffer[] = [];
	for (const [name, value] of fields) {
		if (value === undefined || value === '') continue;
		parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(name)}"\r\n\r\n${value}\r\n`, 'utf8'));
	}
	for (const file of files) {
		parts.push(
			Buffer.from(
				`--${boundary}\r\nContent-Disposition: form-data; name="${quoted(file.field)}"; filename="${quoted(file.fileName)}"\r\n` +
					`Content-Type: ${file.contentType}\r\n\r\n`,
				'utf8',
			),
			file.data,
			Buffer.from('\r\n', 'utf8'),
		);
	}
	parts.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}
