/**
 * Our shortcut for plain field references (`={{ $json.login }}`) must give exactly what n8n's own
 * expression engine gives, for every form it takes and every form it hands back to n8n. Each case
 * runs on a real n8n-core execution context of the MetaTrader 5 node and compares with its
 * `getNodeParameter`. Also: a collection without expressions is the node's own settings, and a
 * credential is read once per node run.
 */
import type { IDataObject, INode, INodeParameters } from 'n8n-workflow';

import { forgetRunCredentials, runCredentials, runCredentialsDecrypted } from '../../lib/credentials';
import { fieldReference, fixedCollection, itemParameter, referencedScalar } from '../../lib/fieldReference';
import { readRetryPolicy } from '../../lib/retryOptions';
import { executeContextFor, type WorkflowJson } from '../runner';

function balanceNode(parameters: INodeParameters): WorkflowJson {
	return {
		nodes: [
			{
				id: 'f0000000-0000-4000-8000-000000000001',
				name: 'Credit Deposit',
				type: 'n8n-nodes-brokerage.metaTrader5',
				typeVersion: 1,
				position: [0, 0],
				parameters: { resource: 'balance', operation: 'deposit', login: '1001', amount: '10', idempotencyKey: 'k', balanceOptions: {}, ...parameters },
				credentials: { metaTrader5Api: { id: 'mt5', name: 'MT5 sandbox' } },
			},
		],
		connections: {},
	};
}

const item: IDataObject = {
	login: '100234',
	amount: 100.25,
	approved: true,
	client: { login: '100777', 'client-id': 'c-9', όνομα: 'Ελένη' },
	list: ['a', 'b', 'c'],
	missingNot: 0,
	nothing: null,
	object: { a: 1 },
	key: 'praxis:8823',
	// An item's own field with a name n8n refuses to read: the shortcut must refuse it too.
	own: JSON.parse('{"constructor": "x"}') as IDataObject,
};

// [expression, whether the shortcut answers it]
const cases: Array<[string, boolean]> = [
	['={{ $json.login }}', true],
	['={{$json.login}}', true],
	['={{ $json["login"] }}', true],
	["={{ $json['login'] }}", true],
	['={{ $json.client.login }}', true],
	['={{ $json["client"]["client-id"] }}', true],
	['={{ $json.client["όνομα"] }}', true],
	['={{ $json.list[1] }}', true],
	['={{ $json.amount }}', true],
	['={{ $json.approved }}', true],
	['={{ $json.missingNot }}', true],
	// n8n evaluates these (the shortcut declines them): missing, null, objects, arrays, inherited names
	['={{ $json.absent }}', false],
	['={{ $json.nothing }}', false],
	['={{ $json.object }}', false],
	['={{ $json.list }}', false],
	['={{ $json.login.length }}', false],
	['={{ $json.constructor }}', false],
	['={{ $json["__proto__"] }}', false],
	['={{ $json.own.constructor }}', false],
	['={{ $json.list[7] }}', false],
	// …and anything that is more than one field
	['=praxis:{{ $json.key }}', false],
	['={{ $json.login }} ', false],
	['={{ $json.login + 1 }}', false],
	['={{ $json.login }}{{ $json.amount }}', false],
	['={{ $json["we\\"ird"] }}', false],
	['={{ $json.login.toUpperCase() }}', false],
	["={{ $('Credit Deposit').params.resource }}", false],
];

describe('plain field references read without the expression engine', () => {
	it.each(cases)('%s gives what n8n gives', async (expression, shortcut) => {
		const ctx = await executeContextFor(balanceNode({ idempotencyKey: expression }), 'Credit Deposit', [item]);
		const outcome = (read: () => unknown) => {
			try {
				return { value: read() };
			} catch (error) {
				return { error: (error as Error).message };
			}
		};
		expect(outcome(() => itemParameter(ctx, 'idempotencyKey', 0))).toStrictEqual(outcome(() => ctx.getNodeParameter('idempotencyKey', 0)));
		expect(referencedScalar(expression, item) !== undefined).toBe(shortcut);
	});

	it('reads each item its own value', async () => {
		const items = [{ login: '1' }, { login: '2' }, { other: 'x' }];
		const ctx = await executeContextFor(balanceNode({ login: '={{ $json.login }}' }), 'Credit Deposit', items);
		expect([0, 1, 2].map((i) => itemParameter(ctx, 'login', i))).toStrictEqual([0, 1, 2].map((i) => ctx.getNodeParameter('login', i)));
		expect(itemParameter(ctx, 'login', 1)).toBe('2');
	});

	it('returns a fixed value as n8n does, and the fallback for a parameter the node lacks', async () => {
		const ctx = await executeContextFor(balanceNode({ login: '100234' }), 'Credit Deposit', [item]);
		expect(itemParameter(ctx, 'login', 0)).toBe(ctx.getNodeParameter('login', 0));
		expect(itemParameter(ctx, 'notAParameter', 0, 'fallback')).toBe('fallback');
	});

	it('parses a path once and remembers it', () => {
		expect(fieldReference('={{ $json.client["client-id"][0] }}')).toStrictEqual(['client', 'client-id', 0]);
		expect(fieldReference('={{ $json.client["client-id"][0] }}')).toBe(fieldReference('={{ $json.client["client-id"][0] }}'));
		expect(fieldReference('={{ $json }}')).toBeNull();
	});
});

describe('collections without expressions', () => {
	it('are the node’s own settings object, equal to what n8n evaluates', async () => {
		const ctx = await executeContextFor(balanceNode({ balanceOptions: { lookbackDays: 30, checkMargin: false } }), 'Credit Deposit', [item]);
		const fixed = fixedCollection(ctx, 'balanceOptions', 0);
		expect(fixed).toStrictEqual(ctx.getNodeParameter('balanceOptions', 0));
		expect(fixedCollection(ctx, 'balanceOptions', 0)).toBe(fixed);
	});

	it('are left to n8n when an option is an expression', async () => {
		const ctx = await executeContextFor(balanceNode({ balanceOptions: { lookbackDays: '={{ $json.amount }}' } }), 'Credit Deposit', [item]);
		expect(fixedCollection(ctx, 'balanceOptions', 0)).toBeUndefined();
	});

	it('give the same retry policy whether read once for the node or evaluated per item', async () => {
		const fixedCtx = await executeContextFor(balanceNode({ retryAndTimeout: { maxAttempts: 5, timeout: 2500 } }), 'Credit Deposit', [item, item]);
		const evaluatedCtx = await executeContextFor(balanceNode({ retryAndTimeout: { maxAttempts: '={{ 5 }}', timeout: 2500 } }), 'Credit Deposit', [item]);
		const first = readRetryPolicy(fixedCtx, 0);
		expect(first).toStrictEqual(readRetryPolicy(evaluatedCtx, 0));
		expect(first).toMatchObject({ maxAttempts: 5, timeoutMs: 2500 });
		// Each caller gets its own copy of the remembered policy.
		first.maxAttempts = 1;
		expect(readRetryPolicy(fixedCtx, 1).maxAttempts).toBe(5);
	});

	it('still refuse a bad option for every item, naming it', async () => {
		const ctx = await executeContextFor(balanceNode({ retryAndTimeout: { maxAttempts: 50 } }), 'Credit Deposit', [item, item]);
		expect(() => readRetryPolicy(ctx, 0)).toThrow('"Max Attempts" in Retry and Timeout must be a whole number from 1 to 10; it is 50');
		expect(() => readRetryPolicy(ctx, 1)).toThrow('"Max Attempts"');
	});
});

describe('credentials', () => {
	it('are read once per node run and again in the next run', async () => {
		const reads: string[] = [];
		const reader = (run: string) => ({
			getNode: () => ({ credentials: { metaTrader5Api: { id: 'mt5', name: 'MT5' } } }) as unknown as INode,
			getCredentials: async <T extends object>(type: string): Promise<T> => {
				reads.push(`${run}:${type}`);
				return { serverUrl: `http://${run}` } as unknown as T;
			},
		});
		const first = reader('a');
		const [one, two] = await Promise.all([runCredentials(first, 'metaTrader5Api'), runCredentials(first, 'metaTrader5Api')]);
		expect(one).toBe(two);
		await runCredentials(first, 'cTraderApi');
		await runCredentials(reader('b'), 'metaTrader5Api');
		expect(reads).toStrictEqual(['a:metaTrader5Api', 'a:cTraderApi', 'b:metaTrader5Api']);
		// As n8n's request helpers take it, naming the node's credential.
		expect(await runCredentialsDecrypted(first, 'metaTrader5Api')).toStrictEqual({ id: 'mt5', name: 'MT5', type: 'metaTrader5Api', data: one });
		// Forgotten (a renewed token): read again.
		forgetRunCredentials(first, 'metaTrader5Api');
		await runCredentials(first, 'metaTrader5Api');
		expect(reads).toHaveLength(4);
	});

	it('are asked again after a failed read', async () => {
		let calls = 0;
		const ctx = {
			getNode: () => ({}) as INode,
			getCredentials: async <T extends object>(): Promise<T> => {
				calls++;
				if (calls === 1) throw new Error('Credential with ID "mt5" does not exist');
				return { serverUrl: 'http://ok' } as unknown as T;
			},
		};
		await expect(runCredentials(ctx, 'metaTrader5Api')).rejects.toThrow('does not exist');
		await expect(runCredentials(ctx, 'metaTrader5Api')).resolves.toStrictEqual({ serverUrl: 'http://ok' });
		expect(calls).toBe(2);
	});
});
