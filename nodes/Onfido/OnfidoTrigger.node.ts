import {
	NodeConnectionTypes,
	type IDataObject,
	type INodeType,
	type INodeTypeDescription,
	type IWebhookFunctions,
	type IWebhookResponseData,
} from 'n8n-workflow';

import { attemptAsync } from '../../lib/errors';
import { processReplayGuard } from '../../lib/replayGuard';
import { DEFAULT_RETRY_POLICY } from '../../lib/retryOptions';
import { includeRawOption, optionsWithRaw } from '../../lib/rawData';
import { answerWithoutRunning, headerValue, registeredByHand, runWith } from '../../lib/webhookLifecycle';
import { checkToKycCase, kycCaseJson, workflowRunToKycCase, type OnfidoKycCase } from './mappers';
import { fetchCheckWithReports, fetchWorkflowRun } from './transport';
import { admitInOrder, checkEvent, SIGNATURE_HEADER, type NewestSeen, type OnfidoEvent } from './trigger/event';

/** A re-delivery of the same signed body is recognised for a day. */
const DUPLICATE_WINDOW_MS = 24 * 60 * 60_000;

/** Fetching inside a webhook must answer Onfido quickly: two tries, 8 s each. */
const FETCH_POLICY = { ...DEFAULT_RETRY_POLICY, maxAttempts: 2, timeoutMs: 8_000, maxDelayMs: 1_000, maxRetryAfterWaitMs: 2_000 };

/** What the payload alone says, when the resource is not fetched. */
function caseFromPayload(event: OnfidoEvent, includeRaw: boolean): OnfidoKycCase {
	const resource = event.resource ?? {};
	if (event.resourceType === 'workflow_run') {
		return workflowRunToKycCase({ ...resource, id: event.objectId, status: event.objectStatus }, { includeRaw, eventTimeUtc: event.completedAtUtc });
	}
	// A check's payload says "complete" but not clear or consider: that needs the fetch.
	return checkToKycCase({ id: event.objectId, status: event.objectStatus, applicant_id: event.applicantId }, [], { includeRaw, eventTimeUtc: event.completedAtUtc });
}

export class OnfidoTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Onfido Trigger',
		name: 'onfidoTrigger',
		icon: { light: 'file:onfido.svg', dark: 'file:onfido.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{($parameter["events"] || []).join(", ")}}',
		description: 'Starts the workflow when Onfido finishes a workflow run or check, as a canonical KYC case; forged and out-of-date webhooks start nothing',
		defaults: { name: 'Onfido Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'onfidoApi', required: true }],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'onfido' }],
		properties: [
			{
				displayName:
					'Register this webhook URL in the Onfido dashboard (Developers → Webhooks) and copy the token Onfido shows into the credential. Deliveries with a wrong X-SHA2-Signature are answered 401 and start nothing; an event older than one already handled for the same applicant is acknowledged and starts nothing.',
				name: 'notice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				options: [
					{ name: 'Check Completed', value: 'check.completed', description: 'Every report of a check is done' },
					{ name: 'Workflow Run Completed', value: 'workflow_run.completed', description: 'A Studio workflow reached approved, declined, review, abandoned or error' },
				],
				default: ['workflow_run.completed', 'check.completed'],
				description: 'Which events start the workflow; others are acknowledged and ignored',
			},
			{
				displayName: 'Fetch Resource',
				name: 'fetchResource',
				type: 'boolean',
				default: true,
				description:
					'Whether to read the completed workflow run (or the check with its reports) from Onfido, so the output has the result, documents and screening flags. Without it the output has only what the webhook says.',
			},
			optionsWithRaw(includeRawOption('what Onfido sent (and what was fetched)')),
		],
	};

	/** Nothing to register here: the webhook and its token are created in the Onfido dashboard. */
	webhookMethods = registeredByHand;

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const request = this.getRequestObject();
		const response = this.getResponseObject();
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const includeRaw = options.includeRaw === true;
		const events = this.getNodeParameter('events', []) as string[];
		const fetchResource = this.getNodeParameter('fetchResource', true) !== false;
		if (request.rawBody === undefined) await request.readRawBody();
		const credentials = await this.getCredentials('onfidoApi');
		const verdict = checkEvent(
			{ rawBody: request.rawBody, signature: headerValue(request, SIGNATURE_HEADER) },
			[String(credentials.webhookToken ?? ''), String(credentials.previousWebhookToken ?? '')],
			events,
		);
		if (verdict.outcome === 'refuse' || verdict.outcome === 'acknowledge') return answerWithoutRunning(this, 'Onfido Trigger', verdict);
		const { event } = verdict;

		let kycCase: OnfidoKycCase;
		if (fetchResource) {
			// Read from the credential's own address, never from `href`: the token must not follow a URL
			// that arrived in a request.
			const fetched = await attemptAsync(async () => {
				if (event.resourceType === 'workflow_run') {
					return workflowRunToKycCase(await fetchWorkflowRun(this, event.objectId, FETCH_POLICY), { includeRaw, eventTimeUtc: event.completedAtUtc });
				}
				if (event.resourceType === 'check') {
					const { check, reports } = await fetchCheckWithReports(this, event.objectId, FETCH_POLICY);
					return checkToKycCase(check, reports, { includeRaw, eventTimeUtc: event.completedAtUtc });
				}
				return caseFromPayload(event, includeRaw);
			});
			if (!fetched.ok) {
				// Not acknowledged, so Onfido delivers it again; nothing was remembered, so that delivery runs.
				this.logger.warn(`Onfido Trigger could not fetch ${event.resourceType} ${event.objectId}: ${fetched.error.message}`);
				response.status(503).json({ received: false, error: 'fetch_failed' });
				return { noWebhookResponse: true };
			}
			kycCase = fetched.value;
		} else {
			kycCase = caseFromPayload(event, includeRaw);
		}

		const scope = `onfido:${this.getWorkflow().id ?? ''}:${this.getNode().id}`;
		if (!processReplayGuard.firstSeen(`${scope}:${verdict.signature}`, DUPLICATE_WINDOW_MS)) {
			return answerWithoutRunning(this, 'Onfido Trigger', { outcome: 'acknowledge', reason: 'duplicate' });
		}
		const staticData = this.getWorkflowStaticData('node');
		const memory = (staticData.newestByApplicant ??= {}) as Record<string, NewestSeen>;
		const applicantKey = kycCase.applicantId || event.applicantId || `${event.resourceType}:${event.objectId}`;
		const order = admitInOrder(memory, applicantKey, event.completedAtUtc ?? kycCase.eventTimeUtc, `${event.action}:${event.objectId}`);
		if (!order.admitted) return answerWithoutRunning(this, 'Onfido Trigger', { outcome: 'acknowledge', reason: order.reason });

		const json: IDataObject = {
			...kycCaseJson(kycCase),
			webhook: {
				action: event.action,
				resourceType: event.resourceType,
				objectId: event.objectId,
				receivedAtUtc: new Date().toISOString(),
				tokenUsed: verdict.secretIndex === 0 ? 'current' : 'previous',
			},
			...(includeRaw ? { rawWebhook: JSON.parse((Buffer.isBuffer(request.rawBody) ? request.rawBody : Buffer.from(String(request.rawBody))).toString('utf8')) as IDataObject } : {}),
		};
		return runWith(this, [{ json }]);
	}
}
