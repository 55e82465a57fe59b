/**
 * An alert sink that answers like a Slack incoming webhook (https://api.slack.com/messaging/webhooks):
 * `POST /services/T…/B…/secret` with a JSON body `{text, blocks?, attachments?}` (or, as Slack also
 * accepts, a form body `payload=<json>`) is answered `200 ok` in text/plain. Errors are text/plain
 * codes, as in Slack's "Handling errors" list (https://api.slack.com/messaging/webhooks): `400
 * invalid_payload` for a body that is not JSON, `400 no_text` when there is neither text nor blocks
 * (an attachments-only post is refused too — our rule, stricter than Slack's legacy behaviour),
 * `400 too_many_attachments` above 100, and `404 no_service` for a hook the workspace does not know
 * (only when `knownHooks` is configured). Every accepted alert is kept;
 * `GET /alerts` lists them for assertions from other processes.
 */
import { Simulator, type Router, type SandboxRequest, type SandboxResponse } from '../framework';

export interface AlertSinkOptions {
	/** Hook paths ("T000/B000/XXXX") that exist; any path is accepted when absent. */
	knownHooks?: string[];
}

export interface ReceivedAlert {
	id: number;
	/** "T…/B…/secret" from the URL. */
	hook: string;
	receivedAt: string;
	text?: string;
	blocks?: unknown[];
	attachments?: unknown[];
	/** Other top-level fields Slack honours (channel, username, icon_emoji, thread_ts, …). */
	extra: Record<string, unknown>;
	raw: string;
}

function slackError(status: number, code: string): SandboxResponse {
	return { status, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: code };
}

export class AlertSinkSimulator extends Simulator {
	readonly name = 'alerts';
	readonly title = 'Slack-style incoming-webhook alert sink';

	private alerts: ReceivedAlert[] = [];
	private nextId = 1;

	constructor(private readonly options: AlertSinkOptions = {}) {
		super();
	}

	/** A hook URL path to give the pack's alert step, e.g. `${url}${sink.hookPath}`. */
	get hookPath(): string {
		return `/services/${this.options.knownHooks?.[0] ?? 'T0SANDBOX/B0ALERTS/sandboxhooksecret'}`;
	}

	/** Alerts received so far, oldest first. */
	received(): ReceivedAlert[] {
		return this.alerts.slice();
	}

	routes(router: Router): void {
		router.add('POST', '/services/:team/:bot/:secret', (req) => this.receive(req));
		router.add('GET', '/alerts', (req) => {
			const hook = req.query.get('hook');
			return { body: { alerts: this.alerts.filter((a) => !hook || a.hook === hook) } };
		});
	}

	reset(): void {
		this.alerts = [];
		this.nextId = 1;
	}

	state(): { alerts: ReceivedAlert[] } {
		return { alerts: this.alerts };
	}

	credentials(): Record<string, string> {
		return { webhookUrl: `${this.baseUrl}${this.hookPath}` };
	}

	private receive(req: SandboxRequest): SandboxResponse {
		const hook = `${req.params.team}/${req.params.bot}/${req.params.secret}`;
		if (this.options.knownHooks && !this.options.knownHooks.includes(hook)) return slackError(404, 'no_service');
		const raw = req.rawBody.toString('utf8');
		let text = raw;
		if (String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
			text = new URLSearchParams(raw).get('payload') ?? '';
		}
		let payload: unknown;
		try {
			payload = JSON.parse(text);
		} catch {
			return slackError(400, 'invalid_payload');
		}
		if (payload === null || typeof payload !== 'object' || Array.isArray(payload)) return slackError(400, 'invalid_payload');
		const { text: messageText, blocks, attachments, ...extra } = payload as Record<string, unknown>;
		const hasText = typeof messageText === 'string' && messageText.trim() !== '';
		const hasBlocks = Array.isArray(blocks) && blocks.length > 0;
		if (!hasText && !hasBlocks) return slackError(400, 'no_text');
		if (Array.isArray(attachments) && attachments.length > 100) return slackError(400, 'too_many_attachments');
		this.alerts.push({
			id: this.nextId++,
			hook,
			receivedAt: new Date().toISOString(),
			...(hasText ? { text: messageText as string } : {}),
			...(hasBlocks ? { blocks: blocks as unknown[] } : {}),
			...(Array.isArray(attachments) ? { attachments } : {}),
			extra,
			raw,
		});
		return { headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'ok' };
	}
}
