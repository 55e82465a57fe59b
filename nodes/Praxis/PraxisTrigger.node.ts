import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { registeredByHand } from '../../lib/webhookLifecycle';
import { processReplayGuard } from '../../lib/replayGuard';
import { transactionJson } from './mappers';
import { praxisFindOrder } from './transport';
import { checkNotification, notificationReply } from './trigger/notification';
import { includeRawOption } from '../../lib/rawData';

export class PraxisTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Praxis Trigger',
		name: 'praxisTrigger',
		icon: { light: 'file:praxis.svg', dark: 'file:praxis.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"/" + $parameter["path"]}}',
		description: 'Starts the workflow on a signed Praxis payment notification, as a canonical transaction; forged, stale and replayed notifications are refused',
		defaults: { name: 'Praxis Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'praxisApi', required: true, testedBy: 'praxisFindOrder' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				// The signed reply is written by webhook() itself (see there).
				responseMode: 'onReceived',
				path: '={{$parameter["path"]}}',
				isFullPath: true,
			},
		],
		properties: [
			{
				displayName:
					'Give this Production URL to the Praxis node as Notification URL (or to Praxis as the default one). Notifications with a wrong GT-Authentication or a stale timestamp are answered 401 and start nothing; a repeat of one already received is acknowledged (so Praxis stops resending) and starts nothing.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Path',
				name: 'path',
				type: 'string',
				default: 'praxis',
				required: true,
				placeholder: 'praxis',
				description: 'The last part of the webhook URL, e.g. https://n8n.example.com/webhook/praxis',
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					includeRawOption('the notification as Praxis sent it'),
					{
						displayName: 'Timestamp Tolerance (Seconds)',
						name: 'toleranceSeconds',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 300,
						description: 'How far the notification\'s timestamp may be from this server\'s clock; older ones are refused as replays',
					},
				],
			},
		],
	};

	methods = { credentialTest: { praxisFindOrder } };

	/** Nothing to register: the notification URL travels with each cashier session or is set in the Praxis back office. */
	webhookMethods = registeredByHand;

	/**
	 * Answers Praxis itself and still starts the workflow: n8n 2.8's webhook helper
	 * (cli webhook-helpers `executeWebhook`) skips its own answer when `noWebhookResponse` is true and
	 * then runs `workflowData` all the same. The reply must carry Praxis's signed JSON and header,
	 * which n8n's "Immediately" answer cannot.
	 */
	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const credentials = await this.getCredentials('praxisApi');
		const secret = String(credentials.merchantSecret ?? '');
		const nowMs = Date.now();

		if (request.rawBody === undefined) await request.readRawBody();
		const header = request.headers['gt-authentication'];
		const verdict = checkNotification({
			rawBody: request.rawBody ?? Buffer.alloc(0),
			signature: Array.isArray(header) ? header[0] : header,
			secrets: [secret, String(credentials.previousSecret ?? '')],
			merchantId: String(credentials.merchantId ?? '').trim() || undefined,
			applicationKey: String(credentials.applicationKey ?? '').trim() || undefined,
			toleranceSeconds: typeof options.toleranceSeconds === 'number' ? options.toleranceSeconds : 300,
			nowMs,
			replayGuard: processReplayGuard,
			replayScope: `${this.getWorkflow().id ?? ''}:${this.getNode().id}`,
		});

		const reply = (status: 0 | -1) => {
			const signed = notificationReply(secret, Math.floor(nowMs / 1000), status);
			response.status(200).set(signed.headers).send(signed.body);
		};

		if (!verdict.accepted) {
			if (verdict.reason === 'replay') {
				// Already accepted once: acknowledge again so Praxis stops, but run nothing.
				reply(0);
				return { noWebhookResponse: true };
			}
			if (verdict.reason === 'unreadable') {
				// Signed by Praxis but not a transaction we can read: ask for a resend rather than lose it.
				this.logger.warn(`Praxis Trigger could not read a signed notification: ${verdict.message}`);
				reply(-1);
				return { noWebhookResponse: true };
			}
			// Praxis learns the category only; the details stay in n8n's log for the operator.
			this.logger.warn(`Praxis Trigger refused a notification (${verdict.reason}): ${verdict.message}`);
			response.status(401).json({ error: 'unauthorized', reason: verdict.reason });
			return { noWebhookResponse: true };
		}

		reply(0);
		const json: IDataObject = {
			...transactionJson(verdict.transaction),
			webhook: { receivedAtUtc: new Date(nowMs).toISOString(), secretUsed: verdict.secretUsed },
			...(options.includeRaw === true ? { raw: verdict.body as IDataObject } : {}),
		};
		return { noWebhookResponse: true, workflowData: [[{ json }]] };
	}
}
