/**
 * Reads a multipart/form-data request body (RFC 7578) the way a server does: split on the
 * boundary from the Content-Type header, headers of each part up to the blank line, the rest is
 * the value. Written independently of lib/multipart.ts (the node's builder), so a sandbox test of
 * an upload checks one against the other.
 */
export interface FormPart {
	name: string;
	fileName?: string;
	contentType?: string;
	data: Buffer;
}

export class MultipartError extends Error {}

export function boundaryOf(contentType: string | undefined): string | undefined {
	if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
	const match = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
	return match ? (match[1] ?? match[2]) : undefined;
}

export function parseMultipart(body: Buffer, boundary: string): FormPart[] {
	const delimiter = Buffer.from(`--${boundary}`);
	const parts: FormPart[] = [];
	let position = body.indexOf(delimiter);
	if (position < 0) throw new MultipartError('the body has no part with the boundary from Content-Type');
	for (;;) {
		const afterDelimiter = position + delimiter.length;
		if (body.slice(afterDelimiter, afterDelimiter + 2).toString() === '--') break;
		const headerStart = afterDelimiter + 2; // CRLF after the delimiter
		const headerEnd = body.indexOf('\r\n\r\n', headerStart);
		if (headerEnd < 0) throw new MultipartError('a part has no header end');
		const next = body.indexOf(Buffer.concat([Buffer.from('\r\n'), delimiter]), headerEnd + 4);
		if (next < 0) throw new MultipartError('the body has no closing boundary');
		const headers = body.slice(headerStart, headerEnd).toString('utf8').split('\r\n');
		const disposition = headers.find((h) => /^content-disposition:/i.test(h)) ?? '';
		const name = /\bname="([^"]*)"/i.exec(disposition)?.[1];
		if (name === undefined) throw new MultipartError('a part has no name');
		const fileName = /\bfilename="([^"]*)"/i.exec(disposition)?.[1];
		const contentType = headers.find((h) => /^content-type:/i.test(h))?.replace(/^content-type:\s*/i, '');
		parts.push({ name, fileName, contentType, data: body.slice(headerEnd + 4, next) });
		position = next + 2;
	}
	return parts;
}
