/**
 * Outgoing webhooks from a simulator (the CRM's signed events, PSP notifications...), with the
 * delivery faults real senders show: the same event delivered twice, events delivered out of
 * order, and a bad signature. Every delivery is recorded with the receiver's answer so tests can
 * assert that a forged call got 401. Duplicates go one after another unless asked to go at once:
 * real senders retry in parallel from several workers, which a receiver's in-process dedupe must
 * survive too.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type DeliveryFault =
	/**
	 * Deliver the next event `copies` times in total (at-least-once delivery): one after another, or
	 * with `concurrent: true` all at once (every copy is sent before any answer is awaited).
	 */
	| { kind: 'duplicate'; copies: number; concurrent?: boolean }
	/** Hold the next `count` events and deliver them in reverse order. */
	| { kind: 'outOfOrder'; count: number }
	/** Sign the next event with a wrong secret. */
	| { kind: 'badSignature' }
	/** Send the next event with a timestamp this many seconds in the past (replay window tests). */
	| { kind: 'staleTimestamp'; ageSeconds: number };

const DELIVERY_FAULT_KINDS: ReadonlyArray<DeliveryFault['kind']> = ['duplicate', 'outOfOrder', 'badSignature', 'staleTimestamp'];

export interface Delivery {
	eventId: string;
	url: string;
	status: number | 'error';
	/** The receiver's answer body (truncated), to read back a workflow's response. */
	responseBody: string;
	attempt: number;
	forged: boolean;
	at: string;
}

export interface SignedRequest {
	headers: Record<string, string>;
	body: string;
}

/** What the receiver answered, headers included (some vendors judge a signed reply). */
export interface ReceiverReply {
	status: number | 'error';
	headers: Record<string, string>;
	body: string;
}

/** Called after every delivery, for vendors whose behaviour depends on the reply (Praxis resends). */
export type ReplyHandler = (event: WebhookEvent, reply: ReceiverReply, delivery: Delivery, sent: SignedRequest) => void;

/** Builds the headers and body for one event; `forge` asks for a wrong signature. */
export type Signer = (event: WebhookEvent, options: { forge: boolean; timestampSeconds: number }) => SignedRequest;

export interface WebhookEvent {
	id: string;
	type: string;
	payload: Record<string, unknown>;
}

export class WebhookSender {
	readonly deliveries: Delivery[] = [];
	private faults: DeliveryFault[] = [];
	private held: WebhookEvent[] = [];
	private holdCount = 0;

	constructor(
		private readonly signer: Signer,
		private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
		private readonly onReply?: ReplyHandler,
	) {}

	addFault(fault: DeliveryFault): void {
		if (!DELIVERY_FAULT_KINDS.includes(fault?.kind)) throw new Error(`unknown delivery fault "${String(fault?.kind)}" (known: ${DELIVERY_FAULT_KINDS.join(', ')})`);
		this.faults.push(fault);
	}

	/** Sends an event to `url` (applying any queued delivery fault); resolves when every copy is answered. */
	async send(url: string, event: WebhookEvent): Promise<Delivery[]> {
		const fault = this.faults.shift();
		if (fault?.kind === 'outOfOrder') {
			this.holdCount = fault.count;
		}
		if (this.holdCount > 0) {
			this.held.push(event);
			if (this.held.length < this.holdCount) return [];
			const batch = this.held.reverse();
			this.held = [];
			this.holdCount = 0;
			const results: Delivery[] = [];
			for (const held of batch) results.push(await this.post(url, held, 1, false, this.nowSeconds()));
			return results;
		}
		const forge = fault?.kind === 'badSignature';
		const timestamp = this.nowSeconds() - (fault?.kind === 'staleTimestamp' ? fault.ageSeconds : 0);
		const copies = fault?.kind === 'duplicate' ? fault.copies : 1;
		if (fault?.kind === 'duplicate' && fault.concurrent === true) {
			return await Promise.all(Array.from({ length: copies }, async (_, i) => await this.post(url, event, i + 1, forge, timestamp)));
		}
		const results: Delivery[] = [];
		for (let attempt = 1; attempt <= copies; attempt++) {
			results.push(await this.post(url, event, attempt, forge, timestamp));
		}
		return results;
	}

	/** Delivers the same copies concurrently (for "ten concurrent duplicates" cases). */
	async sendConcurrently(url: string, event: WebhookEvent, copies: number): Promise<Delivery[]> {
		const timestamp = this.nowSeconds();
		return await Promise.all(
			Array.from({ length: copies }, async (_, i) => await this.post(url, event, i + 1, false, timestamp)),
		);
	}

	clear(): void {
		this.deliveries.length = 0;
		this.faults = [];
		this.held = [];
		this.holdCount = 0;
	}

	private async post(url: string, event: WebhookEvent, attempt: number, forge: boolean, timestampSeconds: number): Promise<Delivery> {
		const signed = this.signer(event, { forge, timestampSeconds });
		const reply = await postRaw(url, signed);
		const delivery: Delivery = {
			eventId: event.id,
			url,
			status: reply.status,
			responseBody: reply.body.slice(0, 4000),
			attempt,
			forged: forge,
			at: new Date(this.nowSeconds() * 1000).toISOString(),
		};
		this.deliveries.push(delivery);
		this.onReply?.(event, reply, delivery, signed);
		return delivery;
	}
}

export async function postRaw(url: string, signed: SignedRequest): Promise<ReceiverReply> {
	const target = new URL(url);
	const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
	return await new Promise((resolve) => {
		const req = send(
			target,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(signed.body), ...signed.headers },
				rejectUnauthorized: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const headers: Record<string, string> = {};
					for (const [name, value] of Object.entries(res.headers)) {
						if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
					}
					resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
				});
			},
		);
		req.on('error', (error) => resolve({ status: 'error', headers: {}, body: error.message }));
		req.setTimeout(60_000, () => req.destroy(new Error('webhook receiver did not answer in 60 s')));
		req.end(signed.body);
	});
}
