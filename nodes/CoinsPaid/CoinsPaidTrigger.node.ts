import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { registeredByHand } from '../../lib/webhookLifecycle';
import type { TransactionStatus } from '../../lib/model';
import { processReplayGuard } from '../../lib/replayGuard';
import { handleCallback, SIGNATURE_HEADER, type CallbackFilter } from './trigger/callback';

/** CoinsPaid retries for about four hours after the first failure; a re-delivery is recognised for a day. */
const DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;

export class CoinsPaidTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'CoinsPaid Trigger',
		name: 'coinsPaidTrigger',
		icon: { light: 'file:coinsPaid.svg', dark: 'file:coinsPaid.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: 'Deposits and withdrawals',
		description: 'Starts the workflow on a signed CoinsPaid deposit or withdrawal callback; forged callbacks are refused',
		defaults: { name: 'CoinsPaid Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'coinsPaidApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'coinspaid' }],
		properties: [
			{
				displayName: 'Enter this webhook URL as the callback URL in the CoinsPaid dashboard. Only a confirmed deposit has status "succeeded"; credit nothing else.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Types',
				name: 'types',
				type: 'multiOptions',
				options: [
					{ name: 'Deposit', value: 'deposit' },
					{ name: 'Withdrawal', value: 'withdrawal' },
				],
				default: [],
				description: 'Which callbacks start the workflow; none selected means all. Others are acknowledged and ignored.',
			},
			{
				displayName: 'Statuses',
				name: 'statuses',
				type: 'multiOptions',
				options: [
					{ name: 'Pending', value: 'pending', description: 'Seen on the blockchain, not confirmed yet (never credit)' },
					{ name: 'Succeeded', value: 'succeeded', description: 'Confirmed' },
					{ name: 'Failed', value: 'failed' },
				],
				default: [],
				description: 'Which statuses start the workflow; none selected means all',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Include Raw Vendor Data',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether to add the callback exactly as CoinsPaid sent it under "raw"',
					},
				],
			},
		],
	};

	/** Nothing to register: the callback URL is entered in the CoinsPaid dashboard (there is no API for it). */
	webhookMethods = registeredByHand;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const filter: CallbackFilter = {
			types: this.getNodeParameter('types', []) as CallbackFilter['types'],
			statuses: this.getNodeParameter('statuses', []) as TransactionStatus[],
		};
		if (request.rawBody === undefined) await request.readRawBody();
		const credentials = await this.getCredentials('coinsPaidApi');
		const header = request.headers[SIGNATURE_HEADER.toLowerCase()];
		const scope = `coinspaid:${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		const verdict = handleCallback(
			{ rawBody: request.rawBody, signature: Array.isArray(header) ? header[0] : header },
			[String(credentials.secret ?? ''), String(credentials.previousSecret ?? '')],
			{
				filter,
				includeRaw: options.includeRaw === true,
				firstSeen: (signature) => processReplayGuard.firstSeen(`${scope}:${signature}`, DUPLICATE_WINDOW_MS),
			},
		);
		if (verdict.outcome === 'refuse') {
			// CoinsPaid learns the category only; details stay in n8n's log for the operator.
			this.logger.warn(`CoinsPaid Trigger refused a callback (${verdict.reason}): ${verdict.message}`);
			response.status(401).json({ error: 'unauthorized', reason: verdict.reason });
			return { noWebhookResponse: true };
		}
		if (verdict.outcome === 'acknowledge') {
			if (verdict.reason === 'unreadable') this.logger.warn(`CoinsPaid Trigger ignored a signed callback: ${verdict.message}`);
			// Anything but 200 makes CoinsPaid retry for hours.
			response.status(200).json({ received: true, ignored: verdict.reason });
			return { noWebhookResponse: true };
		}
		// Answer here: n8n's "on received" answer would otherwise be the literal text "firstEntryJson".
		response.status(200).json({ received: true });
		return { noWebhookResponse: true, workflowData: [[{ json: verdict.transaction as unknown as IDataObject }]] };
	}
}
