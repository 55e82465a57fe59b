/**
 * Sumsub request signing (reference/psp_kyc.md §6; SumSubstance/AppTokenUsageExamples
 * `sign_request` / `createSignature`; SUMSUB/agent-skills sumsub-api-auth):
 *
 *   X-App-Token      the app token
 *   X-App-Access-Ts  unix time in SECONDS
 *   X-App-Access-Sig lowercase hex HMAC-SHA256(secret, ts + METHOD + path_with_query + body bytes)
 *
 * No separators; the body is the exact bytes sent (empty for GET), a multipart body included with
 * its boundaries. Sumsub refuses a timestamp more than 60 s from its clock, so a request is signed
 * when it is sent, every retry again.
 *
 * n8n's request helpers would build a multipart body themselves (and so bytes we never saw), so
 * `multipartBody` builds it here as one Buffer with a known boundary; that Buffer is signed and sent.
 */
import { createHmac, randomBytes } from 'crypto';

export const SUMSUB_APP_TOKEN_HEADER = 'X-App-Token';
export const SUMSUB_TS_HEADER = 'X-App-Access-Ts';
export const SUMSUB_SIG_HEADER = 'X-App-Access-Sig';

/** The documented signature: hex HMAC-SHA256 over ts + METHOD + path?query + body. */
export function sumsubSignature(
	secret: string,
	timestampSeconds: number | string,
	method: string,
	pathWithQuery: string,
	body: Buffer | string = '',
): string {
	return createHmac('sha256', secret)
		.update(String(timestampSeconds))
		.update(method.toUpperCase())
		.update(pathWithQuery)
		.update(body)
		.digest('hex');
}

/** The three headers for one request. */
export function sumsubAuthHeaders(
	appToken: string,
	secret: string,
	timestampSeconds: number,
	method: string,
	pathWithQuery: string,
	body: Buffer | string = '',
): Record<string, string> {
	return {
		[SUMSUB_APP_TOKEN_HEADER]: appToken,
		[SUMSUB_TS_HEADER]: String(timestampSeconds),
		[SUMSUB_SIG_HEADER]: sumsubSignature(secret, timestampSeconds, method, pathWithQuery, body),
	};
}

/**
 * The path and query exactly as they go on the wire: `url` may be absolute or relative to
 * `baseURL` (n8n's credential tests pass them apart, the way axios joins them: base + url, so a
 * base URL with a path prefix keeps it).
 */
export function pathWithQueryOf(url: string, baseURL?: string): string {
	const absolute = /^https?:\/\//i.test(url) || !baseURL ? url : `${baseURL.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
	const parsed = new URL(absolute);
	return `${parsed.pathname}${parsed.search}`;
}

export interface MultipartField {
	/** The form field name, e.g. "metadata". */
	field: string;
	content: string | Buffer;
	fileName?: string;
	contentType?: string;
}

export interface MultipartBody {
	body: Buffer;
	boundary: string;
	/** The Content-Type header naming the boundary of `body`. */
	contentType: string;
}

/** A multipart/form-data body (RFC 7578) as one Buffer, CRLF line ends, with its boundary. */
export function multipartBody(fields: MultipartField[], boundary = `----n8nSumsub${randomBytes(12).toString('hex')}`): MultipartBody {
	if (!/^[0-9A-Za-z'()+_,\-./:=?]{1,70}$/.test(boundary)) throw new Error('the multipart boundary must be 1–70 safe characters');
	const chunks: Buffer[] = [];
	for (const field of fields) {
		if (/["\r\n]/.test(field.field) || (field.fileName !== undefined && /["\r\n]/.test(field.fileName))) {
			throw new Error(`the multipart field "${field.field}" has a name or file name with quotes or line breaks`);
		}
		const disposition = `form-data; name="${field.field}"${field.fileName === undefined ? '' : `; filename="${field.fileName}"`}`;
		const headers = [`Content-Disposition: ${disposition}`, ...(field.contentType ? [`Content-Type: ${field.contentType}`] : [])];
		chunks.push(Buffer.from(`--${boundary}\r\n${headers.join('\r\n')}\r\n\r\n`, 'utf8'));
		chunks.push(Buffer.isBuffer(field.content) ? field.content : Buffer.from(field.content, 'utf8'));
		chunks.push(Buffer.from('\r\n', 'utf8'));
	}
	chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
	return { body: Buffer.concat(chunks), boundary, contentType: `multipart/form-data; boundary=${boundary}` };
}
