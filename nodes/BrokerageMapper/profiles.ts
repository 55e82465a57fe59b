/**
 * Mapping profiles shipped with the pack. Each maps a common CRM's record to a canonical shape
 * (lib/model.ts); users pick one in the node or copy it as the start of their own JSON profile.
 * The "Generic CRM" profiles match the REST CRM the sandbox simulates and the webhook payloads of
 * many white-label forex CRMs (snake_case fields).
 */
import type { MappingProfile } from '../../lib/mapping';

export const SHIPPED_PROFILES: Record<string, MappingProfile> = {
	genericCrmClient: {
		name: 'Generic CRM Client → Client',
		entity: 'client',
		description: 'A CRM client record (id, first_name, last_name, email, phone, country) to a canonical client.',
		fields: [
			{ target: 'clientId', source: 'id', required: true, transforms: ['trim'] },
			{ target: 'firstName', source: 'first_name', transforms: ['trim'] },
			{ target: 'lastName', source: 'last_name', transforms: ['trim'] },
			{ target: 'email', source: 'email', required: true, transforms: ['trim', 'lowercase'] },
			{ target: 'phone', source: 'phone', transforms: [{ name: 'e164' }] },
			{ target: 'country', source: 'country', required: true, transforms: ['trim', 'uppercase'] },
			{ target: 'dateOfBirth', source: 'date_of_birth' },
			{ target: 'language', source: 'language', transforms: ['trim', 'lowercase'] },
			{ target: 'status', source: 'status' },
			{
				target: 'kycStatus',
				source: 'kyc_status',
				transforms: [
					'lowercase',
					{
						name: 'lookup',
						table: { not_started: 'not_started', pending: 'pending', on_hold: 'on_hold', approved: 'approved', rejected: 'rejected_final' },
						fallback: 'keep',
					},
				],
			},
			{ target: 'createdAtUtc', source: 'created_at' },
		],
	},
	genericCrmTransaction: {
		name: 'Generic CRM Transaction → Transaction',
		entity: 'transaction',
		description: 'A CRM payment record (id, client_id, login, type, amount, currency, status) to a canonical transaction.',
		fields: [
			{ target: 'transactionId', source: 'id', required: true, transforms: ['trim'] },
			{ target: 'source', default: 'crm' },
			{
				target: 'type',
				source: 'type',
				required: true,
				transforms: [
					'lowercase',
					{ name: 'lookup', table: { deposit: 'deposit', withdrawal: 'withdrawal', withdraw: 'withdrawal', bonus: 'bonus', credit: 'credit_in' } },
				],
			},
			{
				target: 'status',
				source: 'status',
				required: true,
				transforms: [
					'lowercase',
					{
						name: 'lookup',
						table: {
							pending: 'pending',
							approved: 'succeeded',
							completed: 'succeeded',
							succeeded: 'succeeded',
							declined: 'failed',
							failed: 'failed',
							cancelled: 'failed',
							refunded: 'reversed',
							chargeback: 'chargeback',
						},
					},
				],
			},
			{ target: 'gross.amount', source: 'amount', required: true, transforms: ['decimal'] },
			{ target: 'gross.currency', source: 'currency', required: true, transforms: ['trim', 'uppercase'] },
			{ target: 'clientId', source: 'client_id', required: true },
			{ target: 'login', source: 'login' },
			{ target: 'method', source: 'method', transforms: ['lowercase'] },
			{ target: 'createdAtUtc', source: 'created_at' },
		],
	},
	genericCrmTradingAccount: {
		name: 'Generic CRM Trading Account → Trading Account',
		entity: 'tradingAccount',
		description: 'A CRM trading-account record (login, platform, group, leverage, currency, client_id).',
		fields: [
			{ target: 'platform', source: 'platform', required: true, transforms: ['lowercase', { name: 'lookup', table: { mt5: 'mt5', metatrader5: 'mt5', ctrader: 'ctrader', mt4: 'mt4' } }] },
			{ target: 'login', source: 'login', required: true, transforms: ['trim'] },
			{ target: 'clientId', source: 'client_id', required: true },
			{ target: 'group', source: 'group' },
			{ target: 'leverage', source: 'leverage' },
			{ target: 'currency', source: 'currency', transforms: ['uppercase'] },
		],
	},
};
