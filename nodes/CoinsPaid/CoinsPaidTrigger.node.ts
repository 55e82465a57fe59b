import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { includeRawOption, optionsWithRaw } from '../../lib/rawData';
import { answerWithoutRunning, registeredByHand, runWith } from '../../lib/webhookLifecycle';
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
			optionsWithRaw(includeRawOption('the callback exactly as CoinsPaid sent it')),
		],
	};

	/** Nothing to register: the callback URL is entered in the CoinsPaid dashboard (there is no API for it). */
	webhookMethods = registeredByHand;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
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
		// Anything but 200 for a delivery we will not run makes CoinsPaid retry for hours.
		if (verdict.outcome !== 'run') return answerWithoutRunning(this, 'CoinsPaid Trigger', verdict, ['filtered', 'duplicate']);
		return runWith(this, [{ json: verdict.transaction as unknown as IDataObject }]);
	}
}
