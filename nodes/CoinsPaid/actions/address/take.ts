/**
 * A deposit address for one client (`POST /v2/addresses/take`). CoinsPaid's addresses are static:
 * the same foreign_id and currency always get the same address, and every deposit callback names
 * that foreign_id, which is how a deposit is tied to the client.
 */
import { updateDisplayOptions, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { readRetryPolicy } from '../../../../lib/retryOptions';
import { coinsPaidRequest } from '../../transport';
import { fieldError, optionsCollection, readCurrency, readIncludeRaw, readRequired } from '../inputs';

/** [inference] No length limit is documented; 255 is the common column size. */
const FOREIGN_ID_MAX = 255;

export const description: INodeProperties[] = updateDisplayOptions({ show: { resource: ['address'], operation: ['take'] } }, [
	{
		displayName: 'Client ID',
		name: 'foreignId',
		type: 'string',
		required: true,
		default: '={{ $json.clientId }}',
		description: "The client's ID in your CRM, sent as foreign_id; every deposit to the address names it",
	},
	{
		displayName: 'Currency',
		name: 'currency',
		type: 'string',
		required: true,
		default: 'BTC',
		description: 'The cryptocurrency the client sends, e.g. BTC, ETH, USDT',
	},
	{
		displayName: 'Convert To',
		name: 'convertTo',
		type: 'string',
		default: '',
		placeholder: 'EUR',
		description: 'Optional: the currency CoinsPaid converts each deposit to on arrival (e.g. EUR). Leave empty to keep the crypto.',
	},
	optionsCollection(),
]);

interface AddressAnswer {
	data?: { id?: number; currency?: string; convert_to?: string | null; address?: string; tag?: string | null; foreign_id?: string };
}

export async function execute(this: IExecuteFunctions, itemIndex: number) {
	const foreignId = readRequired(this, itemIndex, 'foreignId', 'Client ID', 'the CRM client ID 10042');
	if (foreignId.length > FOREIGN_ID_MAX) throw fieldError(this, itemIndex, 'Client ID', `is longer than ${FOREIGN_ID_MAX} characters`);
	const currency = readCurrency(this, itemIndex, 'currency', 'Currency');
	const convertTo = readCurrency(this, itemIndex, 'convertTo', 'Convert To', false);
	const answer = await coinsPaidRequest<AddressAnswer>(
		this,
		'/addresses/take',
		{ foreign_id: foreignId, currency, ...(convertTo ? { convert_to: convertTo } : {}) },
		`give client ${foreignId} a ${currency} deposit address`,
		// The same client and currency get the same address, so asking twice is harmless.
		{ policy: readRetryPolicy(this, itemIndex), idempotent: true },
	);
	const data = answer.data ?? {};
	return {
		source: 'coinspaid',
		clientId: data.foreign_id ?? foreignId,
		currency: data.currency ?? currency,
		convertTo: data.convert_to ?? null,
		address: data.address ?? '',
		tag: data.tag ?? null,
		addressId: data.id === undefined ? '' : String(data.id),
		...(readIncludeRaw(this, itemIndex) ? { raw: answer as unknown as Record<string, unknown> } : {}),
	};
}
