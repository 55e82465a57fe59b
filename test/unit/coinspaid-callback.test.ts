/**
 * CoinsPaid callbacks: verification and mapping as the trigger runs them, without n8n. Bodies are
 * the simulator's real callback bodies (the exact strings it sends).
 */
import { computeHmac } from '../../lib/signatures';
import { handleCallback, mapCallback } from '../../nodes/CoinsPaid/trigger/callback';
import { CoinspaidSimulator } from '../../sandbox/coinspaid';
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';

// The published example (coinspaid/docs api-documentation/authorization.md).
const DOC_SECRET = 'AbCdEfG123456';
const DOC_BODY = '{"currency":"BTC","foreign_id":"123456"}';
const DOC_SIGNATURE =
	'03c25fcf7cd35e7d995e402cd5d51edd72d48e1471e865907967809a0c189ba55b90815f20e2bb10f82c7a9e9d865546fda58989c2ae9e8e2ff7bc29195fa1ec';
const SECRET = 'cp_sandbox_secret_93b0f2c85e';

describe('CoinsPaid callback verification', () => {
	it('accepts the published CoinsPaid signature vector', () => {
		const verdict = handleCallback({ rawBody: Buffer.from(DOC_BODY), signature: DOC_SIGNATURE }, [DOC_SECRET]);
		// Signed and genuine, but not a transaction: acknowledged (200), nothing runs.
		expect(verdict).toMatchObject({ outcome: 'acknowledge', httpStatus: 200, reason: 'unreadable' });
	});

	it('refuses a forged signature with 401', () => {
		const forged = computeHmac('sha512', 'not-the-secret', DOC_BODY, 'hex');
		expect(handleCallback({ rawBody: DOC_BODY, signature: forged }, [DOC_SECRET])).toMatchObject({
			outcome: 'refuse',
			httpStatus: 401,
			reason: 'signature_mismatch',
		});
	});

	it('refuses a body changed after signing', () => {
		const changed = DOC_BODY.replace('123456', '123457');
		expect(handleCallback({ rawBody: changed, signature: DOC_SIGNATURE }, [DOC_SECRET])).toMatchObject({ outcome: 'refuse' });
	});

	it('refuses a callback without X-Processing-Signature', () => {
		expect(handleCallback({ rawBody: DOC_BODY, signature: undefined }, [DOC_SECRET])).toMatchObject({
			outcome: 'refuse',
			reason: 'signature_header_missing',
		});
	});

	it('refuses everything when no secret is configured', () => {
		expect(handleCallback({ rawBody: DOC_BODY, signature: DOC_SIGNATURE }, ['', ''])).toMatchObject({ outcome: 'refuse', reason: 'secret_missing' });
	});
});

describe('CoinsPaid callbacks from the simulator', () => {
	let coinspaid: RunningSimulator<CoinspaidSimulator>;
	let bodies: { notConfirmed: string; confirmed: string; withdrawalConfirmed: string; withdrawalFailed: string };

	async function call(path: string, body: Record<string, unknown>): Promise<Record<string, unknown>> {
		const raw = JSON.stringify(body);
		const answer = await fetch(`${coinspaid.url}/api/v2${path}`, {
			method: 'POST',
			headers: {
				'content-type': 'application/json',
				'X-Processing-Key': 'cp_sandbox_public_7d1e4a',
				'X-Processing-Signature': computeHmac('sha512', SECRET, raw, 'hex'),
			},
			body: raw,
		});
		return ((await answer.json()) as { data: Record<string, unknown> }).data;
	}

	beforeAll(async () => {
		coinspaid = await startSimulator(new CoinspaidSimulator());
		const { address } = (await call('/addresses/take', { foreign_id: 'client-7', currency: 'BTC' })) as { address: string };
		const deposit = await coinspaid.simulator.depositToAddress(address, { amount: '0.5', confirmations: 0 });
		await coinspaid.simulator.confirm(deposit.id);
		const w1 = await call('/withdrawal/crypto', { foreign_id: 'wd-9', amount: '0.1', currency: 'BTC', address: 'bc1qclientwallet00000000000000000000000009' });
		await coinspaid.simulator.confirmWithdrawal(Number(w1.id));
		const w2 = await call('/withdrawal/crypto', { foreign_id: 'wd-10', amount: '0.1', currency: 'BTC', address: 'bc1qclientwallet00000000000000000000000009' });
		await coinspaid.simulator.failWithdrawal(Number(w2.id));
		await coinspaid.simulator.idle();
		const log = coinspaid.simulator.callbackLog;
		const find = (id: unknown, status: string) => log.find((c) => c.transactionId === Number(id) && c.status === status)!.body;
		bodies = {
			notConfirmed: find(deposit.id, 'not_confirmed'),
			confirmed: find(deposit.id, 'confirmed'),
			withdrawalConfirmed: find(w1.id, 'confirmed'),
			withdrawalFailed: find(w2.id, 'failed'),
		};
	});
	afterAll(async () => {
		await coinspaid.close();
	});

	const sign = (body: string, secret = SECRET) => computeHmac('sha512', secret, body, 'hex');

	it('maps not_confirmed to pending, which never credits', () => {
		const t = mapCallback(JSON.parse(bodies.notConfirmed));
		expect(t).toMatchObject({ status: 'pending', type: 'deposit', vendorStatus: 'not_confirmed', clientId: 'client-7' });
	});

	it('maps confirmed to succeeded with gross, fee and net exactly as CoinsPaid reports them', () => {
		const t = mapCallback(JSON.parse(bodies.confirmed));
		// 0.5 BTC received, 0.99 % deposit fee = 0.00495, credited 0.49505.
		expect(t).toMatchObject({
			source: 'coinspaid',
			type: 'deposit',
			status: 'succeeded',
			gross: { amount: '0.50000000', currency: 'BTC' },
			fee: { amount: '0.00495000', currency: 'BTC' },
			net: { amount: '0.49505000', currency: 'BTC' },
			clientId: 'client-7',
		});
		expect(t.idempotencyKey).toBe(`coinspaid:${t.transactionId}`);
	});

	it('gives not_confirmed and confirmed of one deposit the same idempotency key', () => {
		expect(mapCallback(JSON.parse(bodies.notConfirmed)).idempotencyKey).toBe(mapCallback(JSON.parse(bodies.confirmed)).idempotencyKey);
	});

	it('maps withdrawal callbacks: confirmed → succeeded, failed → failed with the reason', () => {
		expect(mapCallback(JSON.parse(bodies.withdrawalConfirmed))).toMatchObject({
			type: 'withdrawal',
			status: 'succeeded',
			gross: { amount: '0.10000000', currency: 'BTC' },
			clientId: 'wd-9',
			foreignId: 'wd-9',
		});
		expect(mapCallback(JSON.parse(bodies.withdrawalFailed))).toMatchObject({ status: 'failed', error: 'Withdrawal was rejected by the processing' });
	});

	it('verifies the simulator\'s real signature over the exact body and runs', () => {
		const verdict = handleCallback({ rawBody: Buffer.from(bodies.confirmed), signature: sign(bodies.confirmed) }, [SECRET]);
		expect(verdict).toMatchObject({ outcome: 'run', secretIndex: 0 });
	});

	it('accepts a callback signed with the previous secret during rotation', () => {
		const verdict = handleCallback({ rawBody: bodies.confirmed, signature: sign(bodies.confirmed, SECRET) }, ['the-new-secret', SECRET]);
		expect(verdict).toMatchObject({ outcome: 'run', secretIndex: 1 });
	});

	it('acknowledges an identical re-delivery with 200 without running it again', () => {
		const seen = new Set<string>();
		const firstSeen = (signature: string) => !seen.has(signature) && Boolean(seen.add(signature));
		const request = { rawBody: bodies.confirmed, signature: sign(bodies.confirmed) };
		expect(handleCallback(request, [SECRET], { firstSeen })).toMatchObject({ outcome: 'run' });
		expect(handleCallback(request, [SECRET], { firstSeen })).toMatchObject({ outcome: 'acknowledge', httpStatus: 200, reason: 'duplicate' });
	});

	it('does not remember a forged callback, so the genuine one still runs', () => {
		const seen = new Set<string>();
		const firstSeen = (signature: string) => !seen.has(signature) && Boolean(seen.add(signature));
		handleCallback({ rawBody: bodies.confirmed, signature: sign(bodies.confirmed, 'forged') }, [SECRET], { firstSeen });
		expect(seen.size).toBe(0);
	});

	it('acknowledges but does not run statuses filtered out', () => {
		const verdict = handleCallback({ rawBody: bodies.notConfirmed, signature: sign(bodies.notConfirmed) }, [SECRET], { filter: { statuses: ['succeeded'] } });
		expect(verdict).toMatchObject({ outcome: 'acknowledge', httpStatus: 200, reason: 'filtered' });
	});

	it('adds the vendor body under raw only when asked', () => {
		expect(mapCallback(JSON.parse(bodies.confirmed)).raw).toBeUndefined();
		expect(mapCallback(JSON.parse(bodies.confirmed), { includeRaw: true }).raw).toEqual(JSON.parse(bodies.confirmed));
	});
});
