/**
 * Fault injection shared by every simulator. A test (or the demo, through the control API) queues
 * rules; each matching request consumes one use of the first matching rule. Faults reproduce what
 * real vendors and networks do to an integration: a 5xx burst, rate limiting with Retry-After, a slow
 * answer, a connection reset, a change that is applied but whose answer never arrives, and a lost
 * session. Webhook senders have their own delivery faults (see webhooks.ts).
 */

export type Fault =
	/** Answer with this status (and body) instead of handling the request. */
	| { kind: 'status'; status: number; body?: unknown }
	/** 429 with a Retry-After header, the request is not handled. */
	| { kind: 'rateLimit'; retryAfterSeconds: number }
	/** Wait, then handle the request normally. */
	| { kind: 'delay'; ms: number }
	/** Destroy the connection before handling: nothing was applied. */
	| { kind: 'reset' }
	/** Handle the request (the change is applied), then destroy the connection without answering. */
	| { kind: 'timeoutAfterCommit' }
	/** The simulator forgets its sessions before handling (e.g. the MT5 server restarted). */
	| { kind: 'sessionLoss' };

export interface FaultRule {
	fault: Fault;
	/** Only requests with this method (any when omitted). */
	method?: string;
	/** Only requests whose path equals this, or starts with it when it ends with "*". */
	path?: string;
	/** How many matching requests the rule affects (default 1). */
	times?: number;
}

interface ActiveRule extends FaultRule {
	remaining: number;
	hits: number;
}

export const FAULT_KINDS = ['status', 'rateLimit', 'delay', 'reset', 'timeoutAfterCommit', 'sessionLoss'] as const;

export class FaultInjector {
	private rules: ActiveRule[] = [];
	/** Every fault that fired, for assertions: which rule, which request. */
	readonly fired: Array<{ kind: Fault['kind']; method: string; path: string; at: number }> = [];

	add(rule: FaultRule): void {
		if (!FAULT_KINDS.includes(rule.fault?.kind)) {
			throw new Error(`unknown fault kind "${String(rule.fault?.kind)}" (known: ${FAULT_KINDS.join(', ')})`);
		}
		const times = rule.times ?? 1;
		if (!Number.isInteger(times) || times < 1) throw new Error('"times" must be a whole number of at least 1');
		this.rules.push({ ...rule, remaining: times, hits: 0 });
	}

	/** The fault for this request, if a rule matches; consumes one use of that rule. */
	take(method: string, path: string): Fault | undefined {
		const rule = this.rules.find((r) => r.remaining > 0 && matches(r, method, path));
		if (!rule) return undefined;
		rule.remaining--;
		rule.hits++;
		this.fired.push({ kind: rule.fault.kind, method, path, at: Date.now() });
		this.rules = this.rules.filter((r) => r.remaining > 0);
		return rule.fault;
	}

	pending(): FaultRule[] {
		return this.rules.map(({ fault, method, path, remaining }) => ({ fault, method, path, times: remaining }));
	}

	clear(): void {
		this.rules = [];
		this.fired.length = 0;
	}
}

function matches(rule: FaultRule, method: string, path: string): boolean {
	if (rule.method && rule.method.toUpperCase() !== method.toUpperCase()) return false;
	if (!rule.path) return true;
	return rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
}
