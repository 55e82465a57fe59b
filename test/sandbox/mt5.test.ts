/**
 * The MT5 Web API simulator, over real HTTP on loopback: authentication, sessions bound to the
 * keep-alive connection, accounts, groups and server time. Money, deals and positions are in
 * mt5-money.test.ts.
 */
import { startSimulator, type RunningSimulator } from '../../sandbox/framework';
import { challengeAnswer, Mt5Simulator, passwordHash, type AccountSeed } from '../../sandbox/mt5';
import { Mt5Connection, type Mt5Reply } from '../../sandbox/mt5/client';

// MQ docs `webapi_rest_authentication`, test vectors (reference §1.2).
const VECTOR = {
	password: 'Password1',
	passwordHash: '904ba8ecb16273d2f0ae9c3b8a023752',
	srvRand: '73007dc7184747ce0f7c98516ef1c851',
	srvRandAnswer: '77fe51827f7fa69dd80fbec9aa33f1bb',
	cliRand: '4db98fec17aab4dc5a240bdc659e8395',
	cliRandAnswer: '1732021b1b332f51660b2b315eed3a35',
};

const MANAGER = { login: 1015, password: 'Sandbox#Mgr1' };
const VECTOR_MANAGER = { login: 1020, password: VECTOR.password };
const READ_ONLY = { login: 1016, password: 'Support#Mgr1' };
const GOOD_PASSWORDS = { PassMain: 'Abcdef1!', PassInvestor: 'Zyxwvu2?' };

const JAN_15_2026_10_00_UTC = Date.UTC(2026, 0, 15, 10, 0, 0);

/** The API-level answer: HTTP 200 and its JSON. */
function api(reply: Mt5Reply) {
	expect(reply.status).toBe(200);
	return reply.json;
}

describe('MT5 challenge–response maths (sandbox/mt5/auth.ts)', () => {
	it('derives the documented password hash for "Password1"', () => {
		expect(passwordHash(VECTOR.password).toString('hex')).toBe(VECTOR.passwordHash);
	});

	it('answers the documented srv_rand and cli_rand', () => {
		const hash = passwordHash(VECTOR.password);
		expect(challengeAnswer(hash, VECTOR.srvRand)).toBe(VECTOR.srvRandAnswer);
		expect(challengeAnswer(hash, VECTOR.cliRand)).toBe(VECTOR.cliRandAnswer);
	});
});

describe('MT5 simulator', () => {
	let now = JAN_15_2026_10_00_UTC;
	let running: RunningSimulator<Mt5Simulator>;
	let sim: Mt5Simulator;
	let connection: Mt5Connection;
	const accounts: AccountSeed[] = [
		{ login: 600001, group: 'real\\standard', name: 'Ana Silva', balance: 1000 },
		{ login: 600002, group: 'real\\vip', name: 'Ben Okafor', balance: 5000 },
		{ login: 600003, group: 'real\\eur', name: 'Chloé Martin', balance: 700 },
		{ login: 600004, group: 'demo\\forex', name: 'Dana Demo', balance: 10000 },
	];

	beforeAll(async () => {
		running = await startSimulator(
			new Mt5Simulator({
				nowMs: () => now,
				accounts,
				managers: [MANAGER, { ...READ_ONLY, rights: ['accountsRead', 'tradesRead'] }, VECTOR_MANAGER],
			}),
		);
		sim = running.simulator;
	});
	afterAll(async () => await running.close());
	beforeEach(() => {
		now = JAN_15_2026_10_00_UTC;
		sim.reset();
		sim.faults.clear();
		connection = new Mt5Connection(running.url);
	});
	afterEach(() => connection.close());

	async function loggedIn(manager: { login: number; password: string } = MANAGER): Promise<Mt5Connection> {
		const { answer } = await connection.login(manager.login, manager.password);
		expect(answer.json.retcode).toBe('0 Done');
		return connection;
	}

	async function waitFor(condition: () => boolean): Promise<void> {
		for (let i = 0; i < 100 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
		expect(condition()).toBe(true);
	}

	describe('authentication', () => {
		it('completes the documented handshake end to end with the documented vectors', async () => {
			sim.queueServerRand(VECTOR.srvRand);
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: VECTOR_MANAGER.login, type: 'manager' }));
			expect(start.srv_rand).toBe(VECTOR.srvRand);
			const answer = api(await connection.get('/api/auth/answer', { srv_rand_answer: VECTOR.srvRandAnswer, cli_rand: VECTOR.cliRand }));
			expect(answer).toEqual({ retcode: '0 Done', version_access: '1290', version_trade: '1290', cli_rand_answer: VECTOR.cliRandAnswer });
		});

		it('puts srv_rand (32 hex) and version_access at the top level of auth/start, not in "answer"', async () => {
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' }));
			expect(Object.keys(start).sort()).toEqual(['retcode', 'srv_rand', 'version_access']);
			expect(start.srv_rand).toMatch(/^[0-9a-f]{32}$/);
		});

		it('proves the server knows the password through cli_rand_answer', async () => {
			const { serverProved } = await connection.login(MANAGER.login, MANAGER.password);
			expect(serverProved).toBe(true);
		});

		it('refuses an unknown manager login with "1001 Invalid account"', async () => {
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: 4242, type: 'manager' }));
			expect(start).toEqual({ retcode: '1001 Invalid account' });
		});

		it('refuses a wrong password with "1001 Invalid account" and opens no session', async () => {
			const { answer } = await connection.login(MANAGER.login, 'Wrong#Pass1');
			expect(api(answer)).toEqual({ retcode: '1001 Invalid account' });
			expect((await connection.get('/api/test/access')).status).toBe(403);
			expect(sim.state().sessions).toEqual([]);
		});

		it('refuses an answer sent more than 10 s after auth/start with "9 Operation timeout"', async () => {
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' }));
			now += 10_001;
			const answer = await connection.get('/api/auth/answer', {
				srv_rand_answer: challengeAnswer(passwordHash(MANAGER.password), start.srv_rand),
				cli_rand: VECTOR.cliRand,
			});
			expect(api(answer)).toEqual({ retcode: '9 Operation timeout' });
			expect((await connection.get('/api/test/access')).status).toBe(403);
		});

		it('accepts an answer exactly 10 s after auth/start', async () => {
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' }));
			now += 10_000;
			const answer = await connection.get('/api/auth/answer', {
				srv_rand_answer: challengeAnswer(passwordHash(MANAGER.password), start.srv_rand),
				cli_rand: VECTOR.cliRand,
			});
			expect(api(answer).retcode).toBe('0 Done');
		});

		it('accepts one answer per auth/start: a second answer finds no challenge', async () => {
			await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' });
			await connection.get('/api/auth/answer', { srv_rand_answer: '0'.repeat(32), cli_rand: VECTOR.cliRand });
			expect((await connection.get('/api/auth/answer', { srv_rand_answer: '0'.repeat(32), cli_rand: VECTOR.cliRand })).status).toBe(403);
		});

		it('refuses a non-manager type with 1000, an old client with 1010 and missing parameters with 3', async () => {
			const base = { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' };
			expect(api(await connection.get('/api/auth/start', { ...base, type: 'client' })).retcode).toBe('1000 Invalid terminal type');
			expect(api(await connection.get('/api/auth/start', { ...base, version: 483 })).retcode).toBe('1010 Client has old version');
			expect(api(await connection.get('/api/auth/start', { version: 4410, login: MANAGER.login, type: 'manager' })).retcode).toBe('3 Invalid parameters');
			expect(api(await connection.get('/api/auth/start', { ...base, agent: 'Web Manager' })).retcode).toBe('3 Invalid parameters');
		});

		it('refuses a cli_rand that is not 32 hex characters with 3', async () => {
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' }));
			const answer = await connection.get('/api/auth/answer', {
				srv_rand_answer: challengeAnswer(passwordHash(MANAGER.password), start.srv_rand),
				cli_rand: 'abc',
			});
			expect(api(answer)).toEqual({ retcode: '3 Invalid parameters' });
		});
	});

	describe('the session belongs to its keep-alive connection', () => {
		it('answers HTTP 403 without JSON to a command before authentication', async () => {
			const reply = await connection.get('/api/user/get', { login: 600001 });
			expect(reply.status).toBe(403);
			expect(reply.json).toBeUndefined();
		});

		it('serves every command of a session on the one connection it was opened on', async () => {
			await loggedIn();
			for (let i = 0; i < 3; i++) expect(api(await connection.get('/api/test/access'))).toEqual({ retcode: '0 Done' });
			expect(sim.state().sessions).toHaveLength(1);
		});

		it('refuses the session on another connection with 403, and keeps it on its own', async () => {
			await loggedIn();
			const other = new Mt5Connection(running.url);
			try {
				expect((await other.get('/api/user/get', { login: 600001 })).status).toBe(403);
				expect(api(await connection.get('/api/user/get', { login: 600001 })).retcode).toBe('0 Done');
			} finally {
				other.close();
			}
		});

		it('finds no challenge when auth/answer comes on another connection than auth/start (403)', async () => {
			const start = api(await connection.get('/api/auth/start', { version: 4410, agent: 'WebManager', login: MANAGER.login, type: 'manager' }));
			const other = new Mt5Connection(running.url);
			try {
				const answer = await other.get('/api/auth/answer', {
					srv_rand_answer: challengeAnswer(passwordHash(MANAGER.password), start.srv_rand),
					cli_rand: VECTOR.cliRand,
				});
				expect(answer.status).toBe(403);
			} finally {
				other.close();
			}
		});

		it('keeps a session that hears from its client within every 180 s', async () => {
			await loggedIn();
			now += 179_000;
			expect(api(await connection.get('/api/test/access')).retcode).toBe('0 Done');
			now += 179_000;
			expect(api(await connection.get('/api/user/get', { login: 600001 })).retcode).toBe('0 Done');
		});

		it('drops a session idle for 180 s: 403, the connection closed, and a new login works', async () => {
			await loggedIn();
			now += 180_000;
			const reply = await connection.get('/api/test/access');
			expect(reply.status).toBe(403);
			expect(reply.headers.connection).toBe('close');
			expect(sim.state().sessions).toEqual([]);
			await loggedIn();
			expect(api(await connection.get('/api/test/access')).retcode).toBe('0 Done');
		});

		it('lists no idle session in state() once 180 s have passed', async () => {
			await loggedIn();
			now += 60_000;
			expect(sim.state().sessions).toEqual([expect.objectContaining({ login: MANAGER.login, idleSeconds: 60 })]);
			now += 120_000;
			expect(sim.state().sessions).toEqual([]);
		});

		it('drops every session on the sessionLoss fault, so the next command gets 403', async () => {
			await loggedIn();
			sim.faults.add({ fault: { kind: 'sessionLoss' }, path: '/api/user/get' });
			expect((await connection.get('/api/user/get', { login: 600001 })).status).toBe(403);
			await loggedIn();
			expect(api(await connection.get('/api/user/get', { login: 600001 })).retcode).toBe('0 Done');
		});

		it('ends the session when its connection closes', async () => {
			await loggedIn();
			expect(sim.state().sessions).toHaveLength(1);
			connection.close();
			await waitFor(() => sim.state().sessions.length === 0);
		});

		it('ends the session on /api/quit', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/quit'))).toEqual({ retcode: '0 Done' });
			expect((await connection.get('/api/test/access')).status).toBe(403);
		});

		it('keeps the session on the same connection after an API-level refusal', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/user/get', { login: 999 })).retcode).toBe('13 Not found');
			expect(api(await connection.get('/api/test/access')).retcode).toBe('0 Done');
		});
	});

	describe('user/add', () => {
		const add = (query: Record<string, string | number>, body: Record<string, unknown> = GOOD_PASSWORDS) =>
			connection.post('/api/user/add', query, body);

		it('allocates a login from 700000 and answers the full record with every number as a string', async () => {
			await loggedIn();
			const reply = api(await add({ group: 'real\\standard', name: 'Eva Novak', leverage: 100 }, { ...GOOD_PASSWORDS, Email: 'eva@example.com', Country: 'Czechia' }));
			expect(reply.retcode).toBe('0 Done');
			expect(reply.answer).toMatchObject({
				Login: '700000',
				Group: 'real\\standard',
				Name: 'Eva Novak',
				Email: 'eva@example.com',
				Country: 'Czechia',
				Leverage: '100',
				Balance: '0.00',
				Credit: '0.00',
				Rights: '355',
			});
			for (const [field, value] of Object.entries(reply.answer)) {
				if (field !== 'ApiData') expect([field, typeof value]).toEqual([field, 'string']);
			}
			expect(reply.answer).not.toHaveProperty('PassMain');
		});

		it('stamps Registration with the server clock (GMT+2 in January)', async () => {
			await loggedIn();
			const reply = api(await add({ group: 'real\\standard', name: 'Eva Novak', leverage: 100 }));
			expect(reply.answer.Registration).toBe(String(Date.UTC(2026, 0, 15, 12, 0, 0) / 1000));
		});

		it('allocates consecutive logins', async () => {
			await loggedIn();
			const first = api(await add({ group: 'real\\standard', name: 'A One', leverage: 100 }));
			const second = api(await add({ group: 'real\\standard', name: 'B Two', leverage: 100 }));
			expect([first.answer.Login, second.answer.Login]).toEqual(['700000', '700001']);
		});

		it('reads everything from the JSON body with case-sensitive MT5 field names', async () => {
			await loggedIn();
			const reply = api(
				await add({}, { ...GOOD_PASSWORDS, Group: 'real\\vip', Name: 'Fay Body', Leverage: 200, FirstName: 'Fay', LastName: 'Body', LeadCampaign: 'spring-promo', Phone: '+302101234567' }),
			);
			expect(reply.answer).toMatchObject({ Group: 'real\\vip', Leverage: '200', FirstName: 'Fay', LastName: 'Body', LeadCampaign: 'spring-promo', Phone: '+302101234567' });
		});

		it('ignores a body field in the wrong case: "group" is not "Group"', async () => {
			await loggedIn();
			const reply = api(await add({}, { ...GOOD_PASSWORDS, group: 'real\\vip', Name: 'Gil Case', Leverage: 100 }));
			expect(reply).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('lets query parameters override the body', async () => {
			await loggedIn();
			const reply = api(await add({ group: 'real\\ecn', leverage: 50 }, { ...GOOD_PASSWORDS, Group: 'real\\vip', Name: 'Hal Query', Leverage: 200 }));
			expect(reply.answer).toMatchObject({ Group: 'real\\ecn', Leverage: '50', Name: 'Hal Query' });
		});

		it('accepts an explicit login and refuses one that exists with 3004', async () => {
			await loggedIn();
			expect(api(await add({ login: 654321, group: 'real\\standard', name: 'Ida Own', leverage: 100 })).answer.Login).toBe('654321');
			expect(api(await add({ login: 654321, group: 'real\\standard', name: 'Ida Own', leverage: 100 }))).toEqual({ retcode: '3004 Account already exists' });
		});

		it.each([
			['too short', 'Ab1!xyz'],
			['too long', 'Abcdefghij1!xyzwv'],
			['without an upper-case letter', 'abcdef1!'],
			['without a lower-case letter', 'ABCDEF1!'],
			['without a digit', 'Abcdefg!'],
			['without a special character', 'Abcdefg1'],
		])('refuses a main password %s with "3006 Invalid account password"', async (_, password) => {
			await loggedIn();
			const reply = api(await add({ group: 'real\\standard', name: 'Jo Weak', leverage: 100 }, { PassMain: password, PassInvestor: GOOD_PASSWORDS.PassInvestor }));
			expect(reply).toEqual({ retcode: '3006 Invalid account password' });
		});

		it('refuses a missing investor password with 3006', async () => {
			await loggedIn();
			expect(api(await add({ group: 'real\\standard', name: 'Jo Weak', leverage: 100 }, { PassMain: GOOD_PASSWORDS.PassMain }))).toEqual({
				retcode: '3006 Invalid account password',
			});
		});

		it.each([0, 501, 'abc'])('refuses leverage %p with 3', async (leverage) => {
			await loggedIn();
			expect(api(await add({ group: 'real\\standard', name: 'Kim Lev', leverage })).retcode).toBe('3 Invalid parameters');
		});

		it('accepts leverage 1 and 500', async () => {
			await loggedIn();
			expect(api(await add({ group: 'real\\standard', name: 'Lo Low', leverage: 1 })).answer.Leverage).toBe('1');
			expect(api(await add({ group: 'real\\standard', name: 'Hi High', leverage: 500 })).answer.Leverage).toBe('500');
		});

		it('refuses an unknown group and a missing name with 3', async () => {
			await loggedIn();
			expect(api(await add({ group: 'real\\nope', name: 'Max Grp', leverage: 100 })).retcode).toBe('3 Invalid parameters');
			expect(api(await add({ group: 'real\\standard', leverage: 100 })).retcode).toBe('3 Invalid parameters');
		});

		it('refuses a body that is not JSON with 3', async () => {
			await loggedIn();
			const reply = await connection.send('POST', '/api/user/add', { group: 'real\\standard', name: 'Ned Form', leverage: 100 }, 'PassMain=Abcdef1!');
			expect(api(reply)).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('refuses a manager without "Modify accounts" with "8 Not enough permissions"', async () => {
			await loggedIn(READ_ONLY);
			expect(api(await add({ group: 'real\\standard', name: 'Oli Perm', leverage: 100 }))).toEqual({ retcode: '8 Not enough permissions' });
			expect(sim.state().accounts.map((a) => a.login)).not.toContain(700000);
		});
	});

	describe('user/get, get_batch, logins', () => {
		it('answers one record and 13 for an unknown login, 3 without a login', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/user/get', { login: 600001 })).answer).toMatchObject({ Login: '600001', Name: 'Ana Silva', Balance: '1000.00' });
			expect(api(await connection.get('/api/user/get', { login: 699999 }))).toEqual({ retcode: '13 Not found' });
			expect(api(await connection.get('/api/user/get'))).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('reads a batch of logins in the order asked and skips unknown ones', async () => {
			await loggedIn();
			const reply = api(await connection.get('/api/user/get_batch', { login: '600003,699999,600001' }));
			expect(reply.answer.map((u: { Login: string }) => u.Login)).toEqual(['600003', '600001']);
		});

		it('selects by group mask with * and ! exclusions', async () => {
			await loggedIn();
			const reply = api(await connection.get('/api/user/get_batch', { group: 'real*,!real\\eur' }));
			expect(reply.answer.map((u: { Login: string }) => u.Login)).toEqual(['600001', '600002']);
		});

		it('matches group masks case-insensitively and accepts an escaped backslash', async () => {
			await loggedIn();
			const reply = api(await connection.get('/api/user/get_batch', { group: 'REAL\\\\VIP' }));
			expect(reply.answer.map((u: { Login: string }) => u.Login)).toEqual(['600002']);
		});

		it('refuses get_batch with both login and group, or neither, with 3', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/user/get_batch', { login: '600001', group: '*' })).retcode).toBe('3 Invalid parameters');
			expect(api(await connection.get('/api/user/get_batch')).retcode).toBe('3 Invalid parameters');
		});

		it('lists the logins of a group mask as strings', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/user/logins', { group: 'demo*' }))).toEqual({ retcode: '0 Done', answer: ['600004'] });
		});
	});

	describe('user/update', () => {
		const update = (query: Record<string, string | number>, body?: Record<string, unknown>) => connection.post('/api/user/update', query, body);

		it('moves an account to another group of the same currency and changes leverage from the query', async () => {
			await loggedIn();
			const reply = api(await update({ login: 600001, group: 'real\\vip', leverage: 200 }));
			expect(reply.answer).toMatchObject({ Login: '600001', Group: 'real\\vip', Leverage: '200' });
			expect(api(await connection.get('/api/user/get', { login: 600001 })).answer.Group).toBe('real\\vip');
		});

		it('applies a JSON body with MT5 field names', async () => {
			await loggedIn();
			const reply = api(await update({ login: 600001 }, { Group: 'real\\ecn', Leverage: '300', Email: 'ana@example.org', LeadSource: 'google' }));
			expect(reply.answer).toMatchObject({ Group: 'real\\ecn', Leverage: '300', Email: 'ana@example.org', LeadSource: 'google' });
		});

		it.each([
			['leverage 0', { leverage: 0 }],
			['leverage 501', { leverage: 501 }],
			['leverage "abc"', { leverage: 'abc' }],
			['an unknown group', { group: 'real\\platinum' }],
		])('silently keeps the old value for %s and answers the unchanged record with "0 Done"', async (_, change) => {
			await loggedIn();
			const reply = api(await update({ login: 600001, ...change }));
			expect(reply.retcode).toBe('0 Done');
			expect(reply.answer).toMatchObject({ Group: 'real\\standard', Leverage: '100' });
		});

		it('applies the valid fields of a request and silently skips the invalid ones', async () => {
			await loggedIn();
			const reply = api(await update({ login: 600001, leverage: 0, group: 'real\\vip' }));
			expect(reply.answer).toMatchObject({ Group: 'real\\vip', Leverage: '100' });
		});

		it('ignores Balance in an update: balance moves only through trade/balance', async () => {
			await loggedIn();
			expect(api(await update({ login: 600001 }, { Balance: '999999.00' })).answer.Balance).toBe('1000.00');
		});

		it('refuses a move to a group in another currency with 3010 and changes nothing', async () => {
			await loggedIn();
			expect(api(await update({ login: 600001, group: 'real\\eur', leverage: 50 }))).toEqual({
				retcode: '3010 Attempt to move account to different currency group',
			});
			expect(api(await connection.get('/api/user/get', { login: 600001 })).answer).toMatchObject({ Group: 'real\\standard', Leverage: '100' });
		});

		it('answers 13 for an unknown login and 3 without one', async () => {
			await loggedIn();
			expect(api(await update({ login: 699999, leverage: 50 }))).toEqual({ retcode: '13 Not found' });
			expect(api(await update({ leverage: 50 }))).toEqual({ retcode: '3 Invalid parameters' });
		});

		it('refuses a manager without "Modify accounts" with 8 and changes nothing', async () => {
			await loggedIn(READ_ONLY);
			expect(api(await update({ login: 600001, leverage: 50 }))).toEqual({ retcode: '8 Not enough permissions' });
			expect(sim.store.user(600001).leverage).toBe(100);
		});
	});

	describe('user/check_password', () => {
		it('answers "0 Done" for the right password and "3006 Invalid account password" otherwise', async () => {
			await loggedIn();
			await connection.post('/api/user/add', { login: 654000, group: 'real\\standard', name: 'Pia Pwd', leverage: 100 }, GOOD_PASSWORDS);
			expect(api(await connection.post('/api/user/check_password', {}, { Login: 654000, Type: 'main', Password: GOOD_PASSWORDS.PassMain }))).toEqual({ retcode: '0 Done' });
			expect(api(await connection.post('/api/user/check_password', {}, { Login: 654000, Type: 'main', Password: 'Nope#1234' }))).toEqual({
				retcode: '3006 Invalid account password',
			});
		});
	});

	describe('user/account/get', () => {
		it('reports balance, equity and margin as strings with the currency digits', async () => {
			sim.openPosition(600002, { symbol: 'EURUSD', side: 'buy', volumeLots: 1, openPrice: 1.1, profit: -250.5, swap: -4.5, margin: 1100 });
			await loggedIn();
			const account = api(await connection.get('/api/user/account/get', { login: 600002 })).answer;
			expect(account).toMatchObject({
				Login: '600002',
				CurrencyDigits: '2',
				Balance: '5000.00',
				Credit: '0.00',
				Profit: '-250.50',
				Storage: '-4.50',
				Floating: '-255.00',
				Equity: '4745.00',
				Margin: '1100.00',
				MarginFree: '3645.00',
				MarginLevel: '431.36',
				MarginLeverage: '100',
			});
		});

		it('answers MarginLevel "0.00" without open positions', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/user/account/get', { login: 600001 })).answer).toMatchObject({ Equity: '1000.00', MarginFree: '1000.00', MarginLevel: '0.00' });
		});

		it('answers 13 for an unknown login', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/user/account/get', { login: 699999 }))).toEqual({ retcode: '13 Not found' });
		});

		it('reads accounts in batches by login or group mask', async () => {
			await loggedIn();
			const byGroup = api(await connection.get('/api/user/account/get_batch', { group: 'real\\*' })).answer;
			expect(byGroup.map((a: { Login: string; Balance: string }) => [a.Login, a.Balance])).toEqual([
				['600001', '1000.00'],
				['600002', '5000.00'],
				['600003', '700.00'],
			]);
			const byLogin = api(await connection.get('/api/user/account/get_batch', { login: '600004' })).answer;
			expect(byLogin).toEqual([expect.objectContaining({ Login: '600004', Balance: '10000.00' })]);
		});
	});

	describe('group/get', () => {
		it('answers the group with currency and margin call / stop-out levels as strings', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/group/get', { group: 'real\\standard' })).answer).toMatchObject({
				Group: 'real\\standard',
				Currency: 'USD',
				CurrencyDigits: '2',
				MarginCall: '80.00',
				MarginStopOut: '30.00',
			});
			expect(api(await connection.get('/api/group/get', { group: 'real\\eur' })).answer.Currency).toBe('EUR');
		});

		it('answers 13 for an unknown group and a list for a mask', async () => {
			await loggedIn();
			expect(api(await connection.get('/api/group/get', { group: 'real\\nope' }))).toEqual({ retcode: '13 Not found' });
			const groups = api(await connection.get('/api/group/get', { mask: '*' })).answer;
			expect(groups.map((g: { Group: string }) => g.Group)).toEqual(['demo\\forex', 'real\\standard', 'real\\gold', 'real\\vip', 'real\\ecn', 'real\\eur']);
		});
	});

	describe('server time (default zone Europe/Athens: GMT+2, GMT+3 in EU summer time)', () => {
		const serverTime = async () => api(await connection.get('/api/time/server')).answer.Time;
		const timeConfig = async () => api(await connection.get('/api/time/get')).answer;

		it('writes the server wall clock as epoch seconds and as text', async () => {
			await loggedIn();
			expect(await serverTime()).toBe(`${Date.UTC(2026, 0, 15, 12, 0, 0) / 1000} 2026.01.15 12:00:00`);
		});

		it('describes the zone as TimeZone "120" minutes with daylight saving, off in January', async () => {
			await loggedIn();
			expect(await timeConfig()).toMatchObject({ TimeZone: '120', Daylight: '1', DaylightState: '0' });
		});

		it('jumps from 02:59:59 to 04:00:00 at the EU spring switch (29 March 2026, 01:00 UTC)', async () => {
			now = Date.UTC(2026, 2, 29, 0, 59, 59);
			await loggedIn();
			expect(await serverTime()).toBe(`${Date.UTC(2026, 2, 29, 2, 59, 59) / 1000} 2026.03.29 02:59:59`);
			expect((await timeConfig()).DaylightState).toBe('0');
			now = Date.UTC(2026, 2, 29, 1, 0, 0);
			expect(await serverTime()).toBe(`${Date.UTC(2026, 2, 29, 4, 0, 0) / 1000} 2026.03.29 04:00:00`);
			expect(await timeConfig()).toMatchObject({ TimeZone: '120', DaylightState: '1' });
		});

		it('repeats 03:00–04:00 at the EU autumn switch (25 October 2026, 01:00 UTC)', async () => {
			now = Date.UTC(2026, 9, 25, 0, 59, 59);
			await loggedIn();
			expect(await serverTime()).toBe(`${Date.UTC(2026, 9, 25, 3, 59, 59) / 1000} 2026.10.25 03:59:59`);
			now = Date.UTC(2026, 9, 25, 1, 0, 0);
			expect(await serverTime()).toBe(`${Date.UTC(2026, 9, 25, 3, 0, 0) / 1000} 2026.10.25 03:00:00`);
			expect((await timeConfig()).DaylightState).toBe('0');
		});
	});

	it('answers commands on GET and POST alike', async () => {
		await loggedIn();
		expect(api(await connection.post('/api/user/get', { login: 600001 })).answer.Login).toBe('600001');
	});
});

describe('MT5 simulator with another server zone', () => {
	let now = Date.UTC(2026, 2, 10, 12, 0, 0);
	const start = async (serverZone: string) => {
		const running = await startSimulator(new Mt5Simulator({ nowMs: () => now, accounts: [], serverZone }));
		const connection = new Mt5Connection(running.url);
		const { login, password } = running.simulator.credentials();
		await connection.login(login, password);
		return { running, connection };
	};

	it('runs a fixed GMT+3 clock without daylight saving', async () => {
		const { running, connection } = await start('UTC+3');
		try {
			expect(api(await connection.get('/api/time/get')).answer).toMatchObject({ TimeZone: '180', Daylight: '0', DaylightState: '0' });
			expect(api(await connection.get('/api/time/server')).answer.Time).toBe(`${Date.UTC(2026, 2, 10, 15, 0, 0) / 1000} 2026.03.10 15:00:00`);
		} finally {
			connection.close();
			await running.close();
		}
	});

	it('runs the New York close clock: GMT+3 from the US switch (8 March 2026), before the EU one', async () => {
		const { running, connection } = await start('America/New_York+7');
		try {
			expect(api(await connection.get('/api/time/get')).answer).toMatchObject({ TimeZone: '120', Daylight: '1', DaylightState: '1' });
			expect(api(await connection.get('/api/time/server')).answer.Time).toBe(`${Date.UTC(2026, 2, 10, 15, 0, 0) / 1000} 2026.03.10 15:00:00`);
		} finally {
			connection.close();
			await running.close();
		}
	});
});
