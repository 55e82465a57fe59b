/** Small canonical records for reconciliation tests: a PSP deposit, an MT5 deal and a CRM transaction. */
export const pspDeposit = (id: string | number, net: string, at: string, more: Record<string, unknown> = {}) => ({
	transactionId: String(id),
	source: 'praxis',
	type: 'deposit',
	status: 'succeeded',
	gross: { amount: net, currency: 'USD' },
	net: { amount: net, currency: 'USD' },
	idempotencyKey: `praxis:${id}`,
	login: '500001',
	updatedAtUtc: at,
	...more,
});

export const mt5Deal = (dealId: string, comment: string, profit: string, timeUtc: string, more: Record<string, unknown> = {}) => ({
	platform: 'mt5',
	dealId,
	login: '500001',
	kind: 'balance',
	profit,
	currency: 'USD',
	comment,
	timeUtc,
	...more,
});

export const crmTransaction = (id: number, reference: string, type: string, amount: string, more: Record<string, unknown> = {}) => ({
	id,
	reference,
	type,
	amount,
	currency: 'USD',
	status: 'completed',
	client_id: 17,
	login: '500001',
	...more,
});
