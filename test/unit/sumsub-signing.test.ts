/**
 * Sumsub request signing as documented (psp_kyc.md §6): X-App-Access-Sig = lowercase hex
 * HMAC-SHA256(secret, ts + METHOD + path_with_query + body bytes). Every expected value is computed
 * here with node:crypto over that concatenation, never with the code under test.
 */
import { createHmac } from 'node:crypto';

import { SumsubApi } from '../../credentials/SumsubApi.credentials';
import { multipartBody, pathWithQueryOf, sumsubAuthHeaders, sumsubSignature } from '../../nodes/Sumsub/transport/signing';

const SECRET = 'Hej2ch71kG2kTd1iIUDZFNsO5C1lh5Gq';
const TOKEN = 'sbx:uY0CgwELmgUAEyl4hNWxLngb.0WSeQeiYny4WEqmAALEAiK2qTC96fBad';
const documented = (ts: number, method: string, path: string, body: Buffer | string = '') =>
	createHmac('sha256', SECRET).update(Buffer.concat([Buffer.from(`${ts}${method}${path}`), Buffer.isBuffer(body) ? body : Buffer.from(body)])).digest('hex');

describe('Sumsub request signature', () => {
	it('signs a GET with an empty body over ts + GET + path', () => {
		expect(sumsubSignature(SECRET, 1607551635, 'GET', '/resources/applicants/5b594ade0a975a36c9349e66/one')).toBe(
			documented(1607551635, 'GET', '/resources/applicants/5b594ade0a975a36c9349e66/one'),
		);
	});

	it('signs the query string as part of the path', () => {
		const path = '/resources/applicants?levelName=basic-kyc-level';
		const body = '{"externalUserId":"CRM-100234"}';
		const signature = sumsubSignature(SECRET, 1607551635, 'post', path, body);
		expect(signature).toBe(documented(1607551635, 'POST', path, body));
		expect(signature).not.toBe(documented(1607551635, 'POST', '/resources/applicants', body));
		expect(signature).toMatch(/^[0-9a-f]{64}$/);
	});

	it('signs a multipart body byte for byte, boundaries included', () => {
		const image = Buffer.from([0xff, 0xd8, 0xff, 0x00, 0x0d, 0x0a, 0x80]);
		const { body, contentType, boundary } = multipartBody(
			[
				{ field: 'metadata', content: '{"idDocType":"PASSPORT","country":"GBR"}' },
				{ field: 'content', content: image, fileName: 'passport.jpg', contentType: 'image/jpeg' },
			],
			'----n8nSumsubTestBoundary',
		);
		const expectedBody = Buffer.concat([
			Buffer.from(
				'------n8nSumsubTestBoundary\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n{"idDocType":"PASSPORT","country":"GBR"}\r\n' +
					'------n8nSumsubTestBoundary\r\nContent-Disposition: form-data; name="content"; filename="passport.jpg"\r\nContent-Type: image/jpeg\r\n\r\n',
			),
			image,
			Buffer.from('\r\n------n8nSumsubTestBoundary--\r\n'),
		]);
		expect(body.equals(expectedBody)).toBe(true);
		expect(boundary).toBe('----n8nSumsubTestBoundary');
		expect(contentType).toBe('multipart/form-data; boundary=----n8nSumsubTestBoundary');
		const path = '/resources/applicants/5b594ade0a975a36c9349e66/info/idDoc';
		expect(sumsubSignature(SECRET, 1700000000, 'POST', path, body)).toBe(documented(1700000000, 'POST', path, expectedBody));
	});

	it('gives the three headers with the timestamp in seconds', () => {
		expect(sumsubAuthHeaders(TOKEN, SECRET, 1700000000, 'GET', '/resources/applicants/-/levels')).toEqual({
			'X-App-Token': TOKEN,
			'X-App-Access-Ts': '1700000000',
			'X-App-Access-Sig': documented(1700000000, 'GET', '/resources/applicants/-/levels'),
		});
	});

	it('keeps a base URL path prefix and the query when joining base and url', () => {
		expect(pathWithQueryOf('/resources/applicants/-/levels', 'https://proxy.example/sumsub/')).toBe('/sumsub/resources/applicants/-/levels');
		expect(pathWithQueryOf('https://api.sumsub.com/resources/applicants?levelName=a%20b')).toBe('/resources/applicants?levelName=a%20b');
	});

	it('refuses a boundary that could break the body', () => {
		expect(() => multipartBody([{ field: 'metadata', content: '{}' }], 'bad boundary\r\n')).toThrow(/boundary/);
	});
});

describe('Sumsub credential authenticate', () => {
	const credential = new SumsubApi();
	const data = { appToken: TOKEN, secretKey: SECRET, baseUrl: 'https://api.sumsub.com' };
	const headerOf = (options: { headers?: Record<string, unknown> }, name: string) => String(options.headers?.[name]);

	it('serialises a JSON body once, sends that string and signs it with the query folded into the URL', async () => {
		const options = await credential.authenticate(data, {
			method: 'POST',
			url: 'https://api.sumsub.com/resources/applicants',
			qs: { levelName: 'basic-kyc-level' },
			body: { externalUserId: 'CRM-1' },
		});
		expect(options.url).toBe('https://api.sumsub.com/resources/applicants?levelName=basic-kyc-level');
		expect(options.qs).toBeUndefined();
		expect(options.body).toBe('{"externalUserId":"CRM-1"}');
		const ts = Number(headerOf(options, 'X-App-Access-Ts'));
		expect(Math.abs(ts - Date.now() / 1000)).toBeLessThan(5);
		expect(headerOf(options, 'X-App-Access-Sig')).toBe(documented(ts, 'POST', '/resources/applicants?levelName=basic-kyc-level', '{"externalUserId":"CRM-1"}'));
		expect(headerOf(options, 'Content-Type')).toBe('application/json');
	});

	it('signs a Buffer body as it is and keeps its multipart Content-Type', async () => {
		const { body, contentType } = multipartBody([{ field: 'metadata', content: '{"idDocType":"SELFIE","country":"GBR"}' }]);
		const options = await credential.authenticate(data, { method: 'POST', url: 'https://api.sumsub.com/resources/applicants/abc/info/idDoc', headers: { 'Content-Type': contentType }, body });
		expect(options.body).toBe(body);
		const ts = Number(headerOf(options, 'X-App-Access-Ts'));
		expect(headerOf(options, 'X-App-Access-Sig')).toBe(documented(ts, 'POST', '/resources/applicants/abc/info/idDoc', body));
		expect(headerOf(options, 'Content-Type')).toBe(contentType);
	});

	it('signs the credential test request with base URL and path apart, empty body', async () => {
		const options = await credential.authenticate(data, { method: 'GET', baseURL: 'https://api.sumsub.com', url: '/resources/applicants/-/levels' });
		const ts = Number(headerOf(options, 'X-App-Access-Ts'));
		expect(headerOf(options, 'X-App-Access-Sig')).toBe(documented(ts, 'GET', '/resources/applicants/-/levels'));
		expect(options.body).toBeUndefined();
	});
});
