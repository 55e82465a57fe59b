/**
 * An Onfido webhook delivery, verified and read, without n8n: the trigger only reads the request,
 * fetches and answers. Onfido signs the raw body: `X-SHA2-Signature` = hex HMAC-SHA256(webhook
 * token, raw body) (onfido-python onfido/webhook_event_verifier.py; onfido-node
 * test/classic-webhook-event-verifier.test.ts). The body is
 * `{"payload": {resource_type, action, object: {id, status, completed_at_iso8601, href}, resource?}}`
 * (onfido-node docs/WebhookEventPayload*.md). There is no timestamp in the signature, so replays
 * are recognised by their signature and, for ordering, by `completed_at_iso8601`.
 */
import { attempt } from '../../../lib/errors';
import { verifyHmac, WebhookSignatureError, type RawBody } from '../../../lib/signatures';

export const SIGNATURE_HEADER = 'X-SHA2-Signature';

/** The events the trigger can start on. */
export const TRIGGER_EVENTS = ['workflow_run.completed', 'check.completed'] as const;
export type TriggerEvent = (typeof TRIGGER_EVENTS)[number];

export interface OnfidoEvent {
	resourceType: string;
	action: string;
	objectId: string;
	objectStatus?: string;
	/** ISO instant with milliseconds, from completed_at_iso8601. */
	completedAtUtc?: string;
	href?: string;
	/** The applicant, when the payload names it (workflow run events carry `resource.applicant_id`). */
	applicantId?: string;
	resource?: Record<string, unknown>;
}

export type EventVerdict =
	| { outcome: 'refuse'; httpStatus: 401; reason: string; message: string }
	| { outcome: 'acknowledge'; httpStatus: 200; reason: 'unreadable' | 'filtered'; message: string }
	| { outcome: 'accept'; event: OnfidoEvent; secretIndex: number; signature: string };

export class EventFormatError extends Error {
	constructor(message: string) {
		super(`The Onfido webhook cannot be read: ${message}`);
		this.name = 'EventFormatError';
	}
}

function utc(value: unknown): string | undefined {
	if (typeof value !== 'string' || value === '') return undefined;
	const ms = Date.parse(value);
	return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export function readEvent(body: unknown): OnfidoEvent {
	const payload = (body as { payload?: unknown } | null)?.payload;
	if (typeof payload !== 'object' || payload === null) throw new EventFormatError('there is no "payload" object');
	const p = payload as Record<string, unknown>;
	const object = (typeof p.object === 'object' && p.object !== null ? p.object : {}) as Record<string, unknown>;
	const resource = typeof p.resource === 'object' && p.resource !== null ? (p.resource as Record<string, unknown>) : undefined;
	const action = typeof p.action === 'string' ? p.action : '';
	const objectId = typeof object.id === 'string' ? object.id : '';
	if (!action) throw new EventFormatError('payload.action is missing');
	if (!objectId) throw new EventFormatError('payload.object.id is missing');
	return {
		resourceType: typeof p.resource_type === 'string' ? p.resource_type : action.split('.')[0],
		action,
		objectId,
		objectStatus: typeof object.status === 'string' ? object.status : undefined,
		completedAtUtc: utc(object.completed_at_iso8601),
		href: typeof object.href === 'string' ? object.href : undefined,
		applicantId: typeof resource?.applicant_id === 'string' ? resource.applicant_id : undefined,
		resource,
	};
}

/**
 * Verify, then read and filter one delivery.
 * - Unsigned, forged, or signed with neither token → 401 and nothing runs.
 * - Signed but unreadable, or an event not selected → 200 without running (Onfido would otherwise
 *   resend it; it is genuine, we just do not act on it).
 */
export function checkEvent(
	request: { rawBody: RawBody | undefined; signature: string | undefined },
	tokens: ReadonlyArray<string | undefined>,
	events: readonly string[],
): EventVerdict {
	const verified = attempt(() =>
		verifyHmac({
			rawBody: request.rawBody as RawBody,
			signature: request.signature,
			secrets: tokens,
			algorithm: 'sha256',
			encoding: 'hex',
			signatureHeader: SIGNATURE_HEADER,
		}),
	);
	if (!verified.ok) {
		// Every failure refuses: an unexpected one must not let an unverified delivery through.
		const reason = verified.error instanceof WebhookSignatureError ? verified.error.reason : 'verification_failed';
		return { outcome: 'refuse', httpStatus: 401, reason, message: verified.error.message };
	}
	const raw = Buffer.isBuffer(request.rawBody) ? request.rawBody.toString('utf8') : String(request.rawBody);
	let event: OnfidoEvent;
	try {
		event = readEvent(JSON.parse(raw) as unknown);
	} catch (error) {
		return { outcome: 'acknowledge', httpStatus: 200, reason: 'unreadable', message: (error as Error).message };
	}
	if (events.length > 0 && !events.includes(event.action)) {
		return { outcome: 'acknowledge', httpStatus: 200, reason: 'filtered', message: `event ${event.action} is not selected` };
	}
	return { outcome: 'accept', event, secretIndex: verified.value.secretIndex, signature: String(request.signature).trim().toLowerCase() };
}

/** The newest completed event seen per applicant, kept in the workflow's static data. */
export interface NewestSeen {
	timeUtc: string;
	/** "<action>:<object id>" of that event. */
	eventKey: string;
}

/** Cap on remembered applicants: the oldest entries go first. */
export const ORDERING_MEMORY = 20_000;

/**
 * Whether an event for this applicant may run: not when an event completed later was already run
 * (it would put an older status over a newer one), nor when this same event was already run.
 * Updates `memory` when it may.
 */
export function admitInOrder(memory: Record<string, NewestSeen>, applicantKey: string, timeUtc: string | undefined, eventKey: string): { admitted: true } | { admitted: false; reason: 'older' | 'duplicate'; newest: NewestSeen } {
	const newest = memory[applicantKey];
	if (newest && timeUtc) {
		if (timeUtc < newest.timeUtc) return { admitted: false, reason: 'older', newest };
		if (timeUtc === newest.timeUtc && eventKey === newest.eventKey) return { admitted: false, reason: 'duplicate', newest };
	}
	if (newest && !timeUtc && eventKey === newest.eventKey) return { admitted: false, reason: 'duplicate', newest };
	delete memory[applicantKey];
	memory[applicantKey] = { timeUtc: timeUtc ?? newest?.timeUtc ?? '', eventKey };
	const keys = Object.keys(memory);
	for (let i = 0; i < keys.length - ORDERING_MEMORY; i++) delete memory[keys[i]];
	return { admitted: true };
}
