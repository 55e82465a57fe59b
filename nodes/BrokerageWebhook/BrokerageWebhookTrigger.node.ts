import {
	NodeConnectionTypes,
	type ICredentialsDecrypted,
	type ICredentialTestFunctions,
	type IDataObject,
	type INodeCredentialTestResult,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { registeredByHand } from '../../lib/webhookLifecycle';
import { attempt } from '../../lib/errors';
import { parseAllowList } from '../../lib/ipAllowList';
import { processReplayGuard } from '../../lib/replayGuard';
import { triggerProperties } from './description';
import { verifyRequest, type SignatureFormat, type VerificationSettings } from './verifyRequest';

/** The shortest secret we accept: 128 bits written as hex is 32 characters; 16 is a floor. */
const MIN_SECRET_LENGTH = 16;

export class BrokerageWebhookTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Brokerage Webhook Trigger',
		name: 'brokerageWebhookTrigger',
		icon: { light: 'file:brokerageWebhook.svg', dark: 'file:brokerageWebhook.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{"/" + $parameter["path"]}}',
		description: 'Starts the workflow when the CRM (or any system) sends a signed event; forged, stale and replayed calls are refused',
		defaults: { name: 'Brokerage Webhook Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'brokerageWebhookApi', required: true, testedBy: 'checkSigningSecret' }],
		webhooks: [
			{
				name: 'default',
				httpMethod: 'POST',
				responseMode: '={{$parameter["responseMode"]}}',
				responseData: 'firstEntryJson',
				path: '={{$parameter["path"]}}',
				isFullPath: true,
			},
		],
		properties: triggerProperties,
	};

	methods = {
		credentialTest: {
			async checkSigningSecret(this: ICredentialTestFunctions, credential: ICredentialsDecrypted): Promise<INodeCredentialTestResult> {
				for (const [field, label] of [
					['secret', 'Signing Secret'],
					['previousSecret', 'Previous Signing Secret'],
				] as const) {
					const value = String(credential.data?.[field] ?? '');
					if (field === 'previousSecret' && value === '') continue;
					if (value.trim() !== value) {
						return { status: 'Error', message: `${label} starts or ends with spaces; paste it exactly as the sender shows it` };
					}
					if (value.length < MIN_SECRET_LENGTH) {
						return { status: 'Error', message: `${label} is ${value.length} characters; use at least ${MIN_SECRET_LENGTH}` };
					}
				}
				return { status: 'OK', message: 'The signing secret has a usable form' };
			},
		},
	};

	/** Nothing to register: the sender (a CRM, a back office) gets the URL and secret by hand. */
	webhookMethods = registeredByHand;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const format = this.getNodeParameter('signatureFormat') as SignatureFormat;
		const settings: VerificationSettings = {
			signatureHeader: this.getNodeParameter('signatureHeader') as string,
			format,
			algorithm: format === 'stripeStyle' ? 'sha256' : (this.getNodeParameter('algorithm') as VerificationSettings['algorithm']),
			encoding: format === 'stripeStyle' ? 'hex' : (this.getNodeParameter('encoding') as VerificationSettings['encoding']),
			timestampHeader: format === 'timestampHeader' ? (this.getNodeParameter('timestampHeader') as string) : '',
			prefix: (options.prefix as string) ?? '',
			toleranceSeconds: (options.toleranceSeconds as number) ?? 300,
			ipAllowList: (options.ipAllowList as string) ?? '',
			rejectReplays: options.rejectReplays !== false,
		};
		const refuse = (reason: string, message: string): IWebhookResponseData => {
			// The sender learns the category only; details stay in n8n's log for the operator.
			this.logger.warn(`Brokerage Webhook Trigger refused a request (${reason}): ${message}`);
			response.status(401).json({ error: 'unauthorized', reason });
			return { noWebhookResponse: true };
		};

		// A broken allow-list must not silently open the webhook to everyone.
		const allowList = attempt(() => parseAllowList(settings.ipAllowList));
		if (!allowList.ok) return refuse('misconfigured', allowList.error.message);

		if (request.rawBody === undefined) await request.readRawBody();
		const credentials = await this.getCredentials('brokerageWebhookApi');
		const verdict = verifyRequest(
			settings,
			{ headers: request.headers, rawBody: request.rawBody, sourceIp: request.ip },
			[String(credentials.secret ?? ''), String(credentials.previousSecret ?? '')],
			processReplayGuard,
			`${this.getWorkflow().id ?? ''}:${this.getNode().id}`,
		);
		if (!verdict.accepted) return refuse(verdict.reason, verdict.message);

		const body = this.getBodyData();
		const wanted = String(options.eventTypes ?? '')
			.split(',')
			.map((type) => type.trim())
			.filter(Boolean);
		const eventType = body[(options.eventTypeField as string) || 'type'];
		if (wanted.length && !wanted.includes(String(eventType))) {
			response.status(200).json({ received: true, ignored: `event type ${String(eventType)} is not selected` });
			return { noWebhookResponse: true };
		}

		return {
			workflowData: [
				[
					{
						json: {
							...body,
							webhook: {
								receivedAtUtc: new Date().toISOString(),
								signedAtUtc: verdict.signedAtUtc ?? null,
								secretUsed: verdict.secretUsed,
								sourceIp: request.ip ?? null,
							},
						},
					},
				],
			],
		};
	}
}
