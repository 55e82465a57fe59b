/**
 * Controls a running sandbox simulator from another process (e2e tests, the demo) through its
 * /__sandbox/ control API — the same operations tests use in-process on the simulator object.
 */
import type { FaultRule } from './faults';
import type { Delivery, DeliveryFault } from './webhooks';

export class SandboxControl {
	constructor(readonly baseUrl: string) {}

	async state<T = unknown>(): Promise<T> {
		return (await this.call('GET', 'state')) as T;
	}

	async reset(): Promise<void> {
		await this.call('POST', 'reset');
	}

	async addFaults(rules: FaultRule | FaultRule[]): Promise<void> {
		await this.call('POST', 'faults', rules);
	}

	async webhookFault(sender: string, fault: DeliveryFault): Promise<void> {
		await this.call('POST', `webhooks/${sender}/faults`, fault);
	}

	async deliveries(sender: string): Promise<Delivery[]> {
		return (await this.call('GET', `webhooks/${sender}/deliveries`)) as Delivery[];
	}

	private async call(method: string, action: string, body?: unknown): Promise<unknown> {
		const response = await fetch(`${this.baseUrl}/__sandbox/${action}`, {
			method,
			headers: body === undefined ? {} : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await response.text();
		if (!response.ok) throw new Error(`sandbox ${method} ${action}: ${response.status} ${text}`);
		return text ? (JSON.parse(text) as unknown) : undefined;
	}
}
