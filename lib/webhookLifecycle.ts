/**
 * The webhook lifecycle of triggers whose sender is configured by hand (a CRM's webhook settings,
 * the Praxis notification URL, the CoinsPaid dashboard): nothing is registered remotely, so
 * activation always succeeds and deactivation has nothing to remove. Triggers keep a fixed path so
 * the URL given to the sender stays stable.
 */
import type { IDataObject, IHookFunctions, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

export const registeredByHand = {
	default: {
		async checkExists(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async create(this: IHookFunctions): Promise<boolean> {
			return true;
		},
		async delete(this: IHookFunctions): Promise<boolean> {
			return true;
		},
	},
};

/** One header's value: Node gives a repeated header as an array; the first one counts. */
export function headerValue(request: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
	const value = request.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}

/** A delivery a vendor trigger will not run: refused (forged, stale) or only acknowledged. */
export type UnrunDelivery = { outcome: 'refuse'; reason: string; message: string } | { outcome: 'acknowledge'; reason: string; message?: string };

/**
 * Answers a delivery that must not run the workflow, the same way for every vendor: a refused one
 * (forged, stale) gets 401 with the category only — the details go to n8n's log for the operator,
 * not to whoever sent it; an acknowledged one (duplicate, older, filtered, unreadable) gets 200 so
 * the vendor stops retrying, and runs nothing. `quietReasons` are acknowledged without a log line.
 */
export function answerWithoutRunning(
	ctx: IWebhookFunctions,
	sender: string,
	delivery: UnrunDelivery,
	quietReasons: readonly string[] = ['filtered'],
): IWebhookResponseData {
	const response = ctx.getResponseObject();
	if (delivery.outcome === 'refuse') {
		ctx.logger.warn(`${sender} refused a delivery (${delivery.reason}): ${delivery.message}`);
		response.status(401).json({ error: 'unauthorized', reason: delivery.reason });
	} else {
		if (!quietReasons.includes(delivery.reason)) ctx.logger.info(`${sender} acknowledged a delivery without running it (${delivery.reason}): ${delivery.message ?? ''}`);
		response.status(200).json({ received: true, ignored: delivery.reason });
	}
	return { noWebhookResponse: true };
}

/**
 * Starts the workflow with these items after answering 200 `{received: true}` ourselves: with the
 * "on received" response mode n8n would otherwise answer the literal text "firstEntryJson".
 */
export function runWith(ctx: IWebhookFunctions, items: Array<{ json: IDataObject }>): IWebhookResponseData {
	ctx.getResponseObject().status(200).json({ received: true });
	return { noWebhookResponse: true, workflowData: [items] };
}
