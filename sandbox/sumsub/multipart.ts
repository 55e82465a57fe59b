/**
 * Reads a multipart/form-data body (RFC 7578) as a server does: the boundary from Content-Type,
 * each part's headers up to the blank line, its bytes up to CRLF + the next delimiter. Written apart
 * from the node's builder (nodes/Sumsub/transport/signing.ts) so a sandbox test of an upload checks
 * one against the other.
 */
export interface FormPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string | undefined {
	if (!contentType || !/^\s*multipart\/form-data\b/i.test(contentType)) return undefined;
	const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
	const delimiter = Buffer.from(`--${boundary}`, 'latin1');
	const separator = Buffer.concat([Buffer.from('\r\n'), delimiter]);
	if (body.indexOf(delimiter) !== 0) throw new MultipartError('the body does not start with the boundary from Content-Type');
	const parts: FormPart[] = [];
	let at = delimiter.length;
	for (;;) {
		const tail = body.subarray(at, at + 2).toString('latin1');
		if (tail === '--') return parts;
		if (tail !== '\r\n') throw new MultipartError('a boundary is not followed by CRLF');
		const headersEnd = body.indexOf('\r\n\r\n', at + 2);
		if (headersEnd < 0) throw new MultipartError('a part has no end of headers');
		const end = body.indexOf(separator, headersEnd + 4);
		if (end < 0) throw new MultipartError('the closing boundary is missing');
		const headers = body.subarray(at + 2, headersEnd).toString('utf8').split('\r\n');
		const disposition = headers.find((h) => /^content-disposition\s*:/i.test(h)) ?? '';
		const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) throw new MultipartError('a part has no name in Content-Disposition');
		const fileName = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
		const type = headers.find((h) => /^content-type\s*:/i.test(h));
		parts.push({ name, fileName, contentType: type?.replace(/^content-type\s*:\s*/i, '').trim(), data: body.subarray(headersEnd + 4, end) });
		at = end + separator.length;
	}
}
