import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import type { EventOrderMemory } from '../../lib/kyc';
import { includeRawOption, optionsWithRaw } from '../../lib/rawData';
import { answerWithoutRunning, headerValue, registeredByHand, runWith } from '../../lib/webhookLifecycle';
import { DIGEST_ALG_HEADER, DIGEST_HEADER, handleSumsubWebhook } from './trigger/webhook';

/**
 * The newest event per applicant in this n8n process, beside the workflow's static data: n8n may
 * load a fresh copy of the static data for each webhook call, so two deliveries of the same event
 * arriving together would both see "new" there; here they cannot.
 */
const processMemories = new Map<string, EventOrderMemory>();

const HOUR_MS = 3_600_000;

export class SumsubTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Sumsub Trigger',
		name: 'sumsubTrigger',
		icon: { light: 'file:sumsub.svg', dark: 'file:sumsub.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["eventTypes"] || []).join(", ") || "All applicant events"}}',
		description: 'Starts the workflow on a signed Sumsub applicant webhook, as a canonical KYC case; forged webhooks are refused and an older event never overrides a newer status',
		defaults: { name: 'Sumsub Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'sumsubApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'sumsub' }],
		properties: [
			{
				displayName:
					'In the Sumsub dashboard (Dev space → Webhooks) add this Production URL with the secret key and signature algorithm from the credential. Webhooks with a wrong X-Payload-Digest are answered 401 and start nothing; an event older than one already received for the applicant is acknowledged and starts nothing.',
				name: 'setupNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Event Types',
				name: 'eventTypes',
				type: 'multiOptions',
				options: [
					{ name: 'Applicant Activated', value: 'applicantActivated' },
					{ name: 'Applicant Created', value: 'applicantCreated' },
					{ name: 'Applicant Deactivated', value: 'applicantDeactivated' },
					{ name: 'Applicant Deleted', value: 'applicantDeleted' },
					{ name: 'Applicant Level Changed', value: 'applicantLevelChanged' },
					{ name: 'Applicant On Hold', value: 'applicantOnHold' },
					{ name: 'Applicant Pending', value: 'applicantPending', description: 'Documents sent to review' },
					{ name: 'Applicant Personal Info Changed', value: 'applicantPersonalInfoChanged' },
					{ name: 'Applicant Prechecked', value: 'applicantPrechecked' },
					{ name: 'Applicant Reset', value: 'applicantReset' },
					{ name: 'Applicant Reviewed', value: 'applicantReviewed', description: 'GREEN or RED result (RED with RETRY or FINAL)' },
					{ name: 'Applicant Tags Changed', value: 'applicantTagsChanged' },
					{ name: 'Applicant Workflow Completed', value: 'applicantWorkflowCompleted' },
				],
				default: ['applicantReviewed'],
				description: 'Which events start the workflow; none selected means all. Others are acknowledged and ignored.',
			},
			optionsWithRaw(includeRawOption('the webhook as Sumsub sent it'), [
				{
					displayName: 'Max Event Age (Hours)',
					name: 'maxEventAgeHours',
					type: 'number',
					typeOptions: { minValue: 1 },
					default: 48,
					description: 'Events older than this are acknowledged but start nothing. Sumsub retries a failed delivery for about a day (5 min, 1 h, 5 h, 18 h), so keep it above 25.',
				},
			]),
		],
	};

	/** Nothing to register: the webhook URL is entered in the Sumsub dashboard. */
	webhookMethods = registeredByHand;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const eventTypes = this.getNodeParameter('eventTypes', []) as string[];
		const credentials = await this.getCredentials('sumsubApi');
		if (request.rawBody === undefined) await request.readRawBody();

		const staticData = this.getWorkflowStaticData('node');
		const stored = (typeof staticData.newestEvents === 'object' && staticData.newestEvents !== null ? staticData.newestEvents : {}) as EventOrderMemory;
		const persisted: EventOrderMemory = JSON.parse(JSON.stringify(stored)) as EventOrderMemory;
		const scope = `${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		const inProcess = processMemories.get(scope) ?? {};
		processMemories.set(scope, inProcess);
		const maxAgeHours = typeof options.maxEventAgeHours === 'number' && options.maxEventAgeHours > 0 ? options.maxEventAgeHours : 48;

		const verdict = handleSumsubWebhook(
			{ rawBody: request.rawBody, digest: headerValue(request, DIGEST_HEADER), digestAlgorithm: headerValue(request, DIGEST_ALG_HEADER) },
			{
				secrets: [String(credentials.webhookSecret ?? ''), String(credentials.previousWebhookSecret ?? '')],
				algorithm: String(credentials.digestAlgorithm ?? 'HMAC_SHA256_HEX'),
				eventTypes,
				nowMs: Date.now(),
				maxEventAgeMs: maxAgeHours * HOUR_MS,
				memories: [inProcess, persisted],
				includeRaw: options.includeRaw === true,
			},
		);
		if (verdict.outcome === 'refuse') return answerWithoutRunning(this, 'Sumsub Trigger', verdict);
		// Saved whenever the memory moved (n8n stores static data after the webhook call).
		if (JSON.stringify(persisted) !== JSON.stringify(stored)) staticData.newestEvents = persisted;
		if (verdict.outcome === 'acknowledge') return answerWithoutRunning(this, 'Sumsub Trigger', verdict);
		const json: IDataObject = {
			...(verdict.kycCase as unknown as IDataObject),
			webhook: {
				receivedAtUtc: new Date().toISOString(),
				secretUsed: verdict.secretUsed,
				...(verdict.correlationId ? { correlationId: verdict.correlationId } : {}),
			},
		};
		return runWith(this, [{ json }]);
	}
}
