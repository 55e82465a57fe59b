/**
 * The MT5 transport: the documented handshake maths (MetaQuotes' own test vectors), the credential
 * test's real login against the simulator, and the one-connection session.
 */
import type { ICredentialTestFunctions } from 'n8n-workflow';

import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { Mt5Simulator } from '../../sandbox/mt5';
import { MetaTrader5 } from '../../nodes/MetaTrader5/MetaTrader5.node';
import { passwordHash, randAnswer, serverProofMatches } from '../../nodes/MetaTrader5/transport/auth';
import { closeMt5Sessions, mt5Send } from '../../nodes/MetaTrader5/transport/connection';
import { describeRetcode, parseRetcode } from '../../nodes/MetaTrader5/transport/retcodes';

describe('MT5 handshake maths (MQ docs webapi_rest_authentication test vectors)', () => {
	const hash = passwordHash('Password1');

	it('hashes the password as MD5(MD5(UTF-16LE(password)) + "WebAPI")', () => {
		expect(hash.toString('hex')).toBe('904ba8ecb16273d2f0ae9c3b8a023752');
	});

	it('answers the server challenge', () => {
		expect(randAnswer(hash, '73007dc7184747ce0f7c98516ef1c851')).toBe('77fe51827f7fa69dd80fbec9aa33f1bb');
	});

	it('checks the server proof of our challenge', () => {
		const expected = randAnswer(hash, '4db98fec17aab4dc5a240bdc659e8395');
		expect(expected).toBe('1732021b1b332f51660b2b315eed3a35');
		expect(serverProofMatches(expected, '1732021B1B332F51660B2B315EED3A35')).toBe(true);
		expect(serverProofMatches(expected, '1732021b1b332f51660b2b315eed3a36')).toBe(false);
		expect(serverProofMatches(expected, undefined)).toBe(false);
	});
});

describe('MT5 retcodes in words', () => {
	it('reads the code and explains it', () => {
		expect(parseRetcode('10019 Not enough money')).toEqual({ code: 10019, text: 'Not enough money' });
		expect(describeRetcode(parseRetcode('3010 Different currency'))).toBe(
			'the target group has a different currency than the account (MT5 retcode 3010 Different currency)',
		);
		expect(parseRetcode(undefined).code).toBe(-1);
	});
});

describe('MT5 credential test and session', () => {
	let mt5: RunningSimulator<Mt5Simulator>;
	const node = new MetaTrader5();
	const test = async (data: Record<string, unknown>) =>
		await node.methods.credentialTest.mt5Login.call({} as ICredentialTestFunctions, {
			id: 'x',
			name: 'MT5',
			type: 'metaTrader5Api',
			data: { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', ...data },
		});

	beforeAll(async () => {
		mt5 = await startSimulator(new Mt5Simulator({ accounts: [] }));
	});
	afterAll(async () => {
		closeMt5Sessions();
		await mt5.close();
	});

	it('passes with the right manager login and API password', async () => {
		expect(await test({})).toEqual({ status: 'OK', message: 'Logged in to MetaTrader 5 with the challenge–response handshake' });
	});

	it('fails with a wrong password, saying what MT5 answered', async () => {
		const result = await test({ password: 'wrong-password' });
		expect(result.status).toBe('Error');
		expect(result.message).toContain('the manager login or API password is wrong');
	});

	it('fails with an address where no server listens', async () => {
		const result = await test({ serverUrl: 'http://127.0.0.1:9' });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/ECONNREFUSED/);
	});

	it('keeps the session on one keep-alive connection across calls', async () => {
		const endpoint = { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', agent: 't', ignoreSslIssues: false };
		for (let i = 0; i < 3; i++) {
			const response = await mt5Send(endpoint, { method: 'GET', path: '/api/test/access', timeoutMs: 2000 });
			expect(response.statusCode).toBe(200);
		}
		const sessions = (mt5.simulator.state() as { sessions: unknown[] }).sessions;
		expect(sessions).toHaveLength(1);
	});

	it('sends values with the MT5 escapes (=, |, backslash, line feed) and non-Latin text intact', async () => {
		const endpoint = { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', agent: 't', ignoreSslIssues: false };
		const name = 'Ελένη = A|B \\ C\nD & E?#%';
		const added = await mt5Send(endpoint, {
			method: 'POST',
			path: '/api/user/add',
			query: { group: 'real\\standard', leverage: 100, name, pass_main: 'Main#Pass1', pass_investor: 'Invest#Pass2', comment: undefined, email: '' },
			timeoutMs: 2000,
		});
		const answer = (added.body as { retcode: string; answer: { Login: string } });
		expect(answer.retcode).toMatch(/^0 /);
		const read = await mt5Send(endpoint, { method: 'GET', path: '/api/user/get', query: { login: answer.answer.Login }, timeoutMs: 2000 });
		expect((read.body as { answer: { Name: string; Group: string } }).answer).toMatchObject({ Name: name, Group: 'real\\standard' });
	});

	it('logs in again on a new connection when the old one was dropped', async () => {
		const endpoint = { serverUrl: mt5.url, login: '1015', password: 'Sandbox#Mgr1', agent: 't', ignoreSslIssues: false };
		await mt5Send(endpoint, { method: 'GET', path: '/api/test/access', timeoutMs: 2000 });
		mt5.dropConnections();
		const response = await mt5Send(endpoint, { method: 'GET', path: '/api/test/access', timeoutMs: 2000 });
		expect(response.statusCode).toBe(200);
		expect((response.body as { retcode: string }).retcode).toMatch(/^0 /);
	});
});
