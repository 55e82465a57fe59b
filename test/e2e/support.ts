/**
 * Small helpers every e2e suite needs: calling the sandbox CRM's API as an integration would, and
 * waiting for an outcome of a template that runs asynchronously to the test.
 */
import type { Sandbox } from '../../sandbox';

/** One call to the sandbox CRM with its API key; answers the parsed JSON body. */
export async function crmRequest(sandbox: Sandbox, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
	const response = await fetch(`${sandbox.crm.url}${path}`, {
		method,
		headers: { 'content-type': 'application/json', 'x-api-key': sandbox.crm.simulator.credentials().apiKey },
		body: body === undefined ? undefined : JSON.stringify(body),
	});
	return (await response.json()) as Record<string, unknown>;
}

/** Retries an assertion until it holds or the time is up (then its last failure is thrown). */
export async function eventually(assertion: () => void | Promise<void>, timeoutMs = 30_000): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		try {
			await assertion();
			return;
		} catch (error) {
			if (Date.now() > deadline) throw error;
			await new Promise((resolve) => setTimeout(resolve, 150));
		}
	}
}
