/**
 * The Meta Graph simulator over real HTTP: Conversions API rules (1,000-event cap, 7-day age,
 * whole-batch rejection, hashed vs plain user_data, dedup) and Custom Audience sessions.
 */
import { createHash } from 'node:crypto';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { MetaSimulator } from '../../sandbox/meta';

const TOKEN = 'meta_sandbox_token_EAAB7c1d2e3f';
const PIXEL = '1234567890123456';
const AUDIENCE = '23850000000000001';
const NOW_MS = Date.parse('2026-11-26T09:00:00Z');
const NOW = NOW_MS / 1000;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

interface Answer {
	status: number;
	// eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers are read field by field
	json: any;
}

const event = (overrides: Record<string, unknown> = {}) => ({
	event_name: 'Lead',
	event_time: NOW - 60,
	event_id: `lead:${Math.random()}`,
	action_source: 'system_generated',
	user_data: { em: [sha('a@example.com')], client_ip_address: '203.0.113.7' },
	...overrides,
});

describe('Meta simulator', () => {
	let meta: RunningSimulator<MetaSimulator>;
	let clock = NOW_MS;

	const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
		const response = await fetch(`${meta.url}${path}`, {
			method,
			headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
			body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
		});
		return { status: response.status, json: await response.json() };
	};
	const send = async (data: unknown[], extra: Record<string, unknown> = {}) =>
		await call('POST', `/v25.0/${PIXEL}/events`, { data, access_token: TOKEN, ...extra });
	const users = async (method: 'POST' | 'DELETE', rows: string[][], session?: Record<string, unknown>, schema: string[] = ['EMAIL']) =>
		await call(method, `/v25.0/${AUDIENCE}/users`, { payload: { schema, data: rows }, access_token: TOKEN, ...(session ? { session } : {}) });
	const replace = async (rows: string[][], session: Record<string, unknown>) =>
		await call('POST', `/v25.0/${AUDIENCE}/usersreplace`, { payload: { schema: ['EMAIL'], data: rows }, session, access_token: TOKEN });
	const emails = (...names: string[]) => names.map((n) => [sha(`${n}@example.com`)]);
	const members = () => meta.simulator.audienceMembers(AUDIENCE).map((m) => m.EMAIL);

	beforeAll(async () => {
		meta = await startSimulator(new MetaSimulator({ now: () => clock }));
	});
	afterAll(async () => {
		await meta.close();
	});
	beforeEach(() => {
		clock = NOW_MS;
		meta.simulator.reset();
		meta.simulator.faults.clear();
	});

	describe('Conversions API', () => {
		it('accepts a valid batch and answers events_received with an fbtrace_id', async () => {
			const answer = await send([event(), event()], { test_event_code: 'TEST123' });
			expect(answer.status).toBe(200);
			expect(answer.json).toEqual({ events_received: 2, messages: [], fbtrace_id: expect.any(String) });
			expect(meta.simulator.events).toHaveLength(2);
			expect(meta.simulator.events[0].testEventCode).toBe('TEST123');
		});

		it('takes the access token from the query string too, and refuses a wrong or missing one', async () => {
			expect((await call('POST', `/v25.0/${PIXEL}/events?access_token=${TOKEN}`, { data: [event()] })).status).toBe(200);
			const wrong = await call('POST', `/v25.0/${PIXEL}/events?access_token=nope`, { data: [event()] });
			expect(wrong.json.error).toMatchObject({ code: 190, type: 'OAuthException' });
			expect((await call('POST', `/v25.0/${PIXEL}/events`, { data: [event()] })).json.error.code).toBe(104);
		});

		it('accepts a form-encoded body with data as JSON text', async () => {
			const form = new URLSearchParams({ data: JSON.stringify([event()]), access_token: TOKEN }).toString();
			const answer = await call('POST', `/v25.0/${PIXEL}/events`, form, { 'content-type': 'application/x-www-form-urlencoded' });
			expect(answer.json.events_received).toBe(1);
		});

		it('refuses more than 1,000 events in one request and records none', async () => {
			const answer = await send(Array.from({ length: 1001 }, () => event()));
			expect(answer.status).toBe(400);
			expect(answer.json.error).toMatchObject({ code: 100, type: 'OAuthException', fbtrace_id: expect.any(String) });
			expect(answer.json.error.error_user_msg).toContain('1000');
			expect(meta.simulator.events).toHaveLength(0);
			expect((await send(Array.from({ length: 1000 }, () => event()))).json.events_received).toBe(1000);
		});

		it('rejects the whole batch when one event is more than 7 days old', async () => {
			const answer = await send([event(), event({ event_time: NOW - 8 * 86400 }), event()]);
			expect(answer.status).toBe(400);
			expect(answer.json.error).toMatchObject({ code: 100, error_subcode: expect.any(Number), error_user_title: 'Event Timestamp Too Old' });
			expect(answer.json.error.error_user_msg).toContain('data[1].event_time');
			expect(meta.simulator.events).toHaveLength(0);
			expect(meta.simulator.eventRequestLog[0]).toMatchObject({ accepted: false, eventCount: 3 });
		});

		it('allows 62 days for physical_store events and refuses event times in the future', async () => {
			expect((await send([event({ event_time: NOW - 30 * 86400, action_source: 'physical_store' })])).status).toBe(200);
			expect((await send([event({ event_time: NOW + 3600 })])).json.error.error_user_msg).toContain('in the future');
		});

		it('requires action_source, and event_source_url plus client_user_agent for website events', async () => {
			expect((await send([event({ action_source: undefined })])).json.error.error_user_msg).toContain('action_source');
			const web = await send([event({ action_source: 'website' })]);
			expect(web.json.error.error_user_msg).toContain('event_source_url');
		});

		it('refuses an unhashed e-mail and a hashed fbc: hashed keys must be SHA-256 hex, plain keys must not be', async () => {
			const plain = await send([event({ user_data: { em: 'a@example.com' } })]);
			expect(plain.json.error.error_user_msg).toContain('user_data.em: must be hashed');
			const upper = await send([event({ user_data: { em: sha('a@example.com').toUpperCase() } })]);
			expect(upper.status).toBe(400);
			const hashedFbc = await send([event({ user_data: { em: sha('a@example.com'), fbc: sha('fb.1.1554763741205.AbCdEf') } })]);
			expect(hashedFbc.json.error.error_user_msg).toContain('user_data.fbc: must not be hashed');
		});

		it('counts an event once per event_name + event_id within 48 hours', async () => {
			await send([event({ event_id: 'ftd:c1', event_name: 'Purchase', custom_data: { value: 100, currency: 'USD' } })]);
			await send([event({ event_id: 'ftd:c1', event_name: 'Purchase', custom_data: { value: 100, currency: 'USD' } })]);
			await send([event({ event_id: 'ftd:c1', event_name: 'Lead' })]);
			expect(meta.simulator.events).toHaveLength(3);
			expect(meta.simulator.countedEvents().map((e) => e.event.event_name)).toEqual(['Purchase', 'Lead']);
		});

		it('answers a deprecated API version with code 2635', async () => {
			expect((await call('POST', `/v12.0/${PIXEL}/events`, { data: [event()], access_token: TOKEN })).json.error.code).toBe(2635);
		});

		it('throttles with code 17 subcode 2446079 when told to', async () => {
			meta.simulator.throttle('userRequestLimit', 1);
			const throttled = await send([event()]);
			expect(throttled.json.error).toMatchObject({ code: 17, error_subcode: 2446079 });
			expect((await send([event()])).status).toBe(200);
		});
	});

	describe('Custom Audiences', () => {
		it('adds and removes users; remove matches on any shared column', async () => {
			const added = await users('POST', [[sha('a@example.com'), sha('35799123456')], [sha('b@example.com'), '']], undefined, ['EMAIL', 'PHONE']);
			expect(added.json).toMatchObject({ audience_id: AUDIENCE, num_received: 2, num_invalid_entries: 0 });
			expect(meta.simulator.audienceMembers(AUDIENCE)).toHaveLength(2);
			await users('DELETE', emails('a'));
			expect(members()).toEqual([sha('b@example.com')]);
		});

		it('counts unhashed rows as invalid entries without refusing the request', async () => {
			const answer = await users('POST', [['a@example.com'], [sha('b@example.com')]]);
			expect(answer.json).toMatchObject({ num_received: 2, num_invalid_entries: 1 });
			expect(members()).toEqual([sha('b@example.com')]);
		});

		it('refuses more than 10,000 rows in one request', async () => {
			const rows = Array.from({ length: 10_001 }, (_, i) => [sha(`u${i}@example.com`)]);
			const answer = await users('POST', rows);
			expect(answer.json.error).toMatchObject({ code: 100 });
			expect(answer.json.error.error_user_msg).toContain('10000');
			expect(members()).toHaveLength(0);
		});

		it('replaces the membership only when the batch with last_batch_flag arrives', async () => {
			await users('POST', emails('old1', 'old2'));
			const session = { session_id: 42001, estimated_num_total: 3 };
			await replace(emails('new1', 'new2'), { ...session, batch_seq: 1, last_batch_flag: false });
			expect(members()).toEqual(emails('old1', 'old2').flat());
			const last = await replace(emails('new3'), { ...session, batch_seq: 2, last_batch_flag: true });
			expect(last.json).toMatchObject({ session_id: '42001', num_received: 1 });
			expect(members()).toEqual(emails('new1', 'new2', 'new3').flat());
		});

		it('takes a resent batch once, so a retried replace batch is harmless', async () => {
			const session = { session_id: 42002 };
			await replace(emails('a'), { ...session, batch_seq: 1, last_batch_flag: false });
			await replace(emails('a'), { ...session, batch_seq: 1, last_batch_flag: false });
			await replace(emails('b'), { ...session, batch_seq: 2, last_batch_flag: true });
			await replace(emails('b'), { ...session, batch_seq: 2, last_batch_flag: true });
			expect(members()).toEqual(emails('a', 'b').flat());
			expect(meta.simulator.audience(AUDIENCE)?.sessions[0]).toMatchObject({ numReceived: 2, finished: true });
		});

		it('refuses other changes while a replace session is open, and a replace not starting at batch_seq 1', async () => {
			await replace(emails('a'), { session_id: 42003, batch_seq: 1, last_batch_flag: false });
			expect((await users('POST', emails('x'))).json.error.code).toBe(2650);
			expect((await replace(emails('y'), { session_id: 42004, batch_seq: 1, last_batch_flag: true })).json.error.code).toBe(2650);
			expect((await replace(emails('z'), { session_id: 42005, batch_seq: 2, last_batch_flag: true })).status).toBe(400);
		});

		it('leaves the audience as it was when a replace session expires unfinished', async () => {
			await users('POST', emails('old'));
			await replace(emails('new'), { session_id: 42006, batch_seq: 1, last_batch_flag: false });
			clock += 91 * 60_000;
			const late = await replace(emails('new2'), { session_id: 42006, batch_seq: 2, last_batch_flag: true });
			expect(late.json.error.error_user_msg).toContain('expired');
			expect(members()).toEqual(emails('old').flat());
			expect((await users('POST', emails('other'))).status).toBe(200);
		});

		it('requires a session for usersreplace', async () => {
			const answer = await call('POST', `/v25.0/${AUDIENCE}/usersreplace`, { payload: { schema: ['EMAIL'], data: emails('a') }, access_token: TOKEN });
			expect(answer.json.error.error_user_msg).toContain('session is required');
		});

		it('throttles audience calls with code 80003 and blocks a flagged audience with subcode 1713230', async () => {
			meta.simulator.throttle('audienceCalls', 1, 'audience');
			expect((await users('POST', emails('a'))).json.error.code).toBe(80003);
			meta.simulator.flagAudience(AUDIENCE);
			expect((await users('POST', emails('a'))).json.error).toMatchObject({ code: 100, error_subcode: 1713230, error_user_title: 'Audience Upload Blocked' });
		});

		it('serves the unversioned path as well', async () => {
			const answer = await call('POST', `/${AUDIENCE}/users`, { payload: { schema: 'EMAIL_SHA256', data: [sha('a@example.com')] }, access_token: TOKEN });
			expect(answer.json.num_received).toBe(1);
		});
	});
});
