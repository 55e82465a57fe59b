/**
 * The notification sender. The framework's WebhookSender records only the receiver's status and
 * body, but Praxis judges a merchant's reply by its `GT-Authentication` header too, so this
 * subclass posts itself (keeping the framework's delivery faults: duplicate, out of order, bad
 * signature, stale timestamp) and hands every reply, headers included, to the simulator.
 */
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

import { WebhookSender, type Delivery, type DeliveryFault, type SignedRequest, type WebhookEvent } from '../framework';

export interface ReceiverReply {
	status: number | 'error';
	headers: Record<string, string>;
	body: string;
}

export type NotificationSigner = (event: WebhookEvent, options: { forge: boolean; timestampSeconds: number }) => SignedRequest;
export type ReplyHandler = (event: WebhookEvent, reply: ReceiverReply, delivery: Delivery, sent: SignedRequest) => void;

const DELIVERY_FAULT_KINDS = ['duplicate', 'outOfOrder', 'badSignature', 'staleTimestamp'];

export class PraxisNotificationSender extends WebhookSender {
	private queued: DeliveryFault[] = [];
	private heldEvents: WebhookEvent[] = [];
	private holdFor = 0;

	constructor(
		private readonly signNotification: NotificationSigner,
		private readonly onReply: ReplyHandler,
		private readonly clockSeconds: () => number,
	) {
		super(signNotification, clockSeconds);
	}

	override addFault(fault: DeliveryFault): void {
		if (!DELIVERY_FAULT_KINDS.includes(fault?.kind)) throw new Error(`unknown delivery fault "${String(fault?.kind)}"`);
		this.queued.push(fault);
	}

	override clear(): void {
		super.clear();
		this.queued = [];
		this.heldEvents = [];
		this.holdFor = 0;
	}

	override async send(url: string, event: WebhookEvent): Promise<Delivery[]> {
		const fault = this.queued.shift();
		if (fault?.kind === 'outOfOrder') this.holdFor = fault.count;
		if (this.holdFor > 0) {
			this.heldEvents.push(event);
			if (this.heldEvents.length < this.holdFor) return [];
			const batch = this.heldEvents.reverse();
			this.heldEvents = [];
			this.holdFor = 0;
			const results: Delivery[] = [];
			for (const held of batch) results.push(await this.deliver(url, held, 1, false, this.clockSeconds()));
			return results;
		}
		const forge = fault?.kind === 'badSignature';
		const timestamp = this.clockSeconds() - (fault?.kind === 'staleTimestamp' ? fault.ageSeconds : 0);
		const copies = fault?.kind === 'duplicate' ? fault.copies : 1;
		const results: Delivery[] = [];
		for (let attempt = 1; attempt <= copies; attempt++) results.push(await this.deliver(url, event, attempt, forge, timestamp));
		return results;
	}

	override async sendConcurrently(url: string, event: WebhookEvent, copies: number): Promise<Delivery[]> {
		const timestamp = this.clockSeconds();
		return await Promise.all(Array.from({ length: copies }, async (_, i) => await this.deliver(url, event, i + 1, false, timestamp)));
	}

	private async deliver(url: string, event: WebhookEvent, attempt: number, forge: boolean, timestampSeconds: number): Promise<Delivery> {
		const signed = this.signNotification(event, { forge, timestampSeconds });
		const reply = await postForReply(url, signed);
		const delivery: Delivery = {
			eventId: event.id,
			url,
			status: reply.status,
			responseBody: reply.body.slice(0, 4000),
			attempt,
			forged: forge,
			at: new Date(this.clockSeconds() * 1000).toISOString(),
		};
		this.deliveries.push(delivery);
		this.onReply(event, reply, delivery, signed);
		return delivery;
	}
}

async function postForReply(url: string, signed: SignedRequest): Promise<ReceiverReply> {
	const target = new URL(url);
	const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
	return await new Promise((resolve) => {
		const req = send(
			target,
			{
				method: 'POST',
				headers: { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(signed.body), ...signed.headers },
				rejectUnauthorized: false,
			},
			(res) => {
				const chunks: Buffer[] = [];
				res.on('data', (chunk: Buffer) => chunks.push(chunk));
				res.on('end', () => {
					const headers: Record<string, string> = {};
					for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
					resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString('utf8') });
				});
			},
		);
		req.on('error', (error) => resolve({ status: 'error', headers: {}, body: error.message }));
		req.setTimeout(60_000, () => req.destroy(new Error('notification receiver did not answer in 60 s')));
		req.end(signed.body);
	});
}
