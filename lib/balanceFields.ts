/**
 * The fields every platform's balance operations share (login, amount, idempotency key), written
 * once so MT5, cTrader and later MT4 ask ops staff the same questions in the same words.
 */
import type { INodeProperties } from 'n8n-workflow';

export interface BalanceFieldWording {
	/** What the login is called on this platform: "The MT5 account number". */
	login: string;
	/** How the platform keeps the key: "It is stored as the deal comment and looked up before every attempt." */
	keyStorage: string;
	/** Extra words on the amount, e.g. that a correction may be negative. */
	amountNote?: string;
}

export function balanceOperationFields(wording: BalanceFieldWording): INodeProperties[] {
	return [
		{
			displayName: 'Login',
			name: 'login',
			type: 'string',
			required: true,
			default: '={{ $json.login }}',
			description: `${wording.login} to move money on`,
		},
		{
			displayName: 'Amount',
			name: 'amount',
			type: 'string',
			required: true,
			default: '={{ $json.net?.amount ?? $json.amount }}',
			description: `In the account currency, as a decimal such as 250.00. Positive; the operation decides the direction${wording.amountNote ? ` (${wording.amountNote})` : ''}.`,
		},
		{
			displayName: 'Idempotency Key',
			name: 'idempotencyKey',
			type: 'string',
			required: true,
			default: '={{ $json.idempotencyKey }}',
			placeholder: 'praxis:8823',
			description: `A key unique to the event that causes this operation, e.g. the payment provider and its transaction ID. The same key never moves money twice. ${wording.keyStorage}`,
		},
	];
}
