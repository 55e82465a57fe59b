/**
 * Issue 8, item 5 in real n8n with a real RabbitMQ broker (Debian's rabbitmq-server, a private node
 * on loopback): the CRM's signed events go through "Events: publish canonical events to RabbitMQ"
 * to the topic exchange `brokerage.events`, and "Events: RabbitMQ subscriber" writes each one to
 * the Data Table `brokerage_event_log`. Every event must land there exactly once, whatever the
 * sender, the broker or a publisher does twice; nothing is lost while the broker is down; and a
 * malformed message ends in the review queue instead of vanishing or coming back forever.
 */
import { startSandbox, type Sandbox } from '../../sandbox';
import { postRaw, type ReceiverReply } from '../../sandbox/framework';
import { computeHmac } from '../../lib/signatures';
import { nodeOutput, startN8n, type ExecutionSummary, type N8nInstance } from './n8n';
import { amqplib, startRabbitMq, type AmqpConnection, type RabbitMqBroker } from './rabbitmq';
import { eventually } from './support';
import { loadTemplate, sandboxCredentials, sandboxWiring } from './templates';

const SECRET = 'whsec_e2e_rabbitmq_0123456789abcdef';
const EXCHANGE = 'brokerage.events';
const QUEUE = 'brokerage.events.event-log';
const PATH = 'crm-events-to-rabbitmq';

interface Row {
	id: number;
	[column: string]: unknown;
}

jest.setTimeout(180_000);

describe('Canonical events over RabbitMQ in real n8n', () => {
	let broker: RabbitMqBroker;
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let publisherId = '';
	let subscriberId = '';

	const crm = () => sandbox.crm.simulator;
	const alerts = () => sandbox.alerts.simulator.received().map((alert) => String(alert.text));

	const rows = async (name: string): Promise<Row[]> => {
		const tables = await n8n.api.request<{ data: Array<{ id: string; name: string }> }>('GET', `/data-tables?filter=${encodeURIComponent(JSON.stringify({ name }))}`);
		const table = tables.data.find((t) => t.name === name);
		return table ? (await n8n.api.request<{ data: Row[] }>('GET', `/data-tables/${table.id}/rows?limit=250`)).data : [];
	};
	const executionCount = async (workflowId: string, status?: 'success') => (await n8n.api.listExecutions({ workflowId, status, limit: 250 })).length;
	const logged = async (key: string) => (await rows('brokerage_event_log')).filter((row) => row.idempotency_key === key);
	const reviewItems = async (text: string) => (await rows('brokerage_review_queue')).filter((row) => String(row.reason).includes(text));

	/** Each key in the event log exactly once, once every message on the queue was taken. */
	async function expectLoggedOnce(keys: string[]): Promise<void> {
		await eventually(async () => {
			const log = await rows('brokerage_event_log');
			for (const key of keys) expect(log.filter((row) => row.idempotency_key === key)).toHaveLength(1);
		}, 60_000);
		await queueDrained();
	}

	async function withChannel<T>(use: (channel: Awaited<ReturnType<AmqpConnection['createConfirmChannel']>>) => Promise<T>): Promise<T> {
		const connection = await amqplib().connect(broker.url);
		try {
			return await use(await connection.createConfirmChannel());
		} finally {
			await connection.close();
		}
	}

	/** Waits until the subscriber consumes the queue and nothing is waiting or in flight. */
	async function queueDrained(timeoutMs = 60_000): Promise<void> {
		await eventually(async () => {
			const queue = await withChannel(async (channel) => await channel.checkQueue(QUEUE));
			expect(queue.consumerCount).toBe(1);
			expect(queue.messageCount).toBe(0);
			const running = await n8n.api.listExecutions({ workflowId: subscriberId, status: 'running' });
			expect(running).toHaveLength(0);
		}, timeoutMs);
	}

	/** Publishes straight to the exchange, as another publisher (or a publisher retrying) would. */
	async function publishDirectly(messages: Array<{ routingKey: string; body: string; messageId?: string }>): Promise<void> {
		await withChannel(async (channel) => {
			for (const { routingKey, body, messageId } of messages) {
				channel.publish(EXCHANGE, routingKey, Buffer.from(body), { persistent: true, contentType: 'application/json', ...(messageId ? { messageId } : {}) });
			}
			await channel.waitForConfirms();
		});
	}

	/** The subscriber's runs that started after the run `sinceId` (ids grow), oldest first. */
	async function subscriberRunsSince(sinceId: number): Promise<ExecutionSummary[]> {
		const runs = await n8n.api.listExecutions({ workflowId: subscriberId, limit: 250 });
		return runs.filter((run) => Number(run.id) > sinceId).reverse();
	}
	const lastSubscriberRun = async () => Number((await n8n.api.listExecutions({ workflowId: subscriberId, limit: 1 }))[0]?.id ?? 0);

	/**
	 * The CRM sending an event again, as a sender does after a failed answer: same event, same body,
	 * a new timestamp and so a new signature (an identical request would be refused as a replay).
	 */
	async function redeliver(eventId: string): Promise<ReceiverReply> {
		const event = crm().emittedEvents.find((e) => e.id === eventId);
		if (!event) throw new Error(`the CRM never emitted ${eventId}`);
		await new Promise((resolve) => setTimeout(resolve, 1100));
		const body = JSON.stringify({ ...event });
		const t = Math.floor(Date.now() / 1000);
		const signature = `t=${t},v1=${computeHmac('sha256', SECRET, `${t}.${body}`, 'hex')}`;
		return await postRaw(n8n.webhookUrl(PATH), { headers: { 'X-CRM-Signature': signature, 'X-CRM-Event': event.type, 'X-CRM-Event-Id': event.id }, body });
	}

	async function sendClientEvent(id: string) {
		const deliveries = await crm().sendEvent('client.created', { id, first_name: 'Nikos', last_name: 'Petrou', email: `${id.toLowerCase()}@example.com`, country: 'CY' });
		return { key: `crm:${deliveries[0].eventId}`, deliveries };
	}

	beforeAll(async () => {
		broker = await startRabbitMq();
		// The one setup step done in RabbitMQ itself (the templates' notes say so): the exchange.
		await withChannel(async (channel) => await channel.assertExchange(EXCHANGE, 'topic', { durable: true }));

		sandbox = await startSandbox();
		const wiring = { ...sandboxWiring(sandbox, SECRET), rabbitmq: broker.wiring };
		// The templates ship inactive (they need a broker); an admin activates them after the setup.
		const subscriber = { ...loadTemplate('rabbitmq-subscriber', wiring), active: true };
		const publisher = { ...loadTemplate('events-to-rabbitmq', wiring), active: true };
		subscriberId = subscriber.id as string;
		publisherId = publisher.id as string;
		n8n = await startN8n({ workflows: [subscriber, publisher], credentials: sandboxCredentials(wiring), waitForWebhooks: [PATH] });
		await queueDrained();
		crm().subscribe(n8n.webhookUrl(PATH), ['*'], { secret: SECRET });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await broker?.close();
	});

	it('publishes every CRM event as a canonical event and the subscriber logs each exactly once', async () => {
		const since = await lastSubscriberRun();
		const sent = [
			await crm().sendEvent('client.created', { id: 'C-7001', first_name: 'Maria', last_name: 'Georgiou', email: 'maria@example.com', country: 'CY' }),
			await crm().sendEvent('client.updated', { id: 'C-7001', phone: '+35799111222' }),
			await crm().sendEvent('transaction.completed', { id: 9101, client_id: 'C-7001', type: 'deposit', amount: '250.00', currency: 'EUR' }),
			await crm().sendEvent('client.kyc_approved', { id: 'C-7002' }),
			await crm().sendEvent('note.created', { client_id: 'C-7002', text: 'asked about leverage' }),
		];

		const keys = sent.map(([delivery]) => {
			expect(delivery.status).toBe(200);
			const answer = JSON.parse(delivery.responseBody) as Record<string, unknown>;
			const type = crm().emittedEvents.find((event) => event.id === delivery.eventId)?.type;
			expect(answer).toEqual({ published: true, idempotencyKey: `crm:${delivery.eventId}`, routingKey: type });
			return answer.idempotencyKey as string;
		});
		await expectLoggedOnce(keys);
		const [deposit] = await logged(keys[2]);
		expect(deposit).toMatchObject({ event_type: 'transaction.completed', source: 'crm', client_id: 'C-7001', event_id: sent[2][0].eventId });
		expect(deposit.occurred_at_utc).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);

		// On the wire: persistent, routed by type, the key as message id and header for any consumer.
		const messages = [];
		for (const run of await subscriberRunsSince(since)) messages.push(nodeOutput(await n8n.api.getExecution(run.id), 'Brokerage Event')[0]);
		const message = messages.find((m) => (m.properties as Record<string, unknown>).messageId === keys[2]) as Record<string, any>;
		expect(message.fields).toMatchObject({ exchange: EXCHANGE, routingKey: 'transaction.completed' });
		expect(message.properties).toMatchObject({ deliveryMode: 2, contentType: 'application/json', headers: { 'x-idempotency-key': keys[2], 'x-event-type': 'transaction.completed' } });
		expect(JSON.parse(message.content as string)).toMatchObject({ idempotencyKey: keys[2], type: 'transaction.completed', source: 'crm', clientId: 'C-7001', data: { amount: '250.00', currency: 'EUR' } });
	});

	it('logs an event once when the CRM delivers it twice, ten copies at once, and again later', async () => {
		crm().webhookSenders.crm.addFault({ kind: 'duplicate', copies: 2 });
		const twice = await sendClientEvent('C-7101');
		crm().webhookSenders.crm.addFault({ kind: 'duplicate', copies: 10, concurrent: true });
		const tenAtOnce = await sendClientEvent('C-7102');
		// The trigger lets one copy of an identical signed request through and refuses the rest as replays.
		expect(twice.deliveries.map((d) => d.status)).toEqual([200, 401]);
		expect(tenAtOnce.deliveries.filter((d) => d.status === 200)).toHaveLength(1);

		// A later redelivery is a new signed request: it is published a second time, and the subscriber drops it.
		const publishedBefore = await executionCount(publisherId, 'success');
		const again = await redeliver(twice.deliveries[0].eventId);
		expect(again.status).toBe(200);
		expect(await executionCount(publisherId, 'success')).toBe(publishedBefore + 1);

		await expectLoggedOnce([twice.key, tenAtOnce.key]);
	});

	it('logs an event once when ten copies with the same message id are published at the same moment', async () => {
		const key = 'crm:evt_direct_ten_copies';
		const body = JSON.stringify({ eventId: 'evt_direct_ten_copies', idempotencyKey: key, type: 'client.updated', source: 'crm', clientId: 'C-7201', occurredAtUtc: '2026-11-26T08:00:00.000Z', data: {} });
		const since = await lastSubscriberRun();

		await publishDirectly(Array.from({ length: 10 }, () => ({ routingKey: 'client.updated', body, messageId: key })));

		await expectLoggedOnce([key]);
		const runs = await subscriberRunsSince(since);
		expect(runs.map((run) => run.status)).toEqual(Array(10).fill('success'));
	});

	it('logs once what RabbitMQ delivers again after the subscriber lost its connection mid-run', async () => {
		// Enough messages that n8n is still working through them when its connection is cut.
		const keys = Array.from({ length: 150 }, (_, i) => `crm:evt_redelivered_${i}`);
		const since = await lastSubscriberRun();
		await publishDirectly(
			keys.map((key) => ({
				routingKey: 'transaction.completed',
				body: JSON.stringify({ eventId: key.slice(4), idempotencyKey: key, type: 'transaction.completed', source: 'crm', clientId: 'C-7301', occurredAtUtc: '2026-11-26T08:00:00.000Z', data: {} }),
				messageId: key,
			})),
		);
		// Cut n8n's connection while one message is in flight: RabbitMQ puts back what was not
		// acknowledged and delivers it again, marked as redelivered, once n8n has reconnected.
		await eventually(async () => expect((await subscriberRunsSince(since)).length).toBeGreaterThan(0), 60_000);
		broker.ctl(['close_all_connections', 'e2e: cut the subscriber off mid-run']);

		await expectLoggedOnce(keys);
		let redelivered: unknown;
		for (const run of await subscriberRunsSince(since)) {
			const [checked] = nodeOutput(await n8n.api.getExecution(run.id), 'Check Event');
			if (checked.redelivered === true) {
				redelivered = checked.idempotencyKey;
				break;
			}
		}
		expect(keys).toContain(redelivered);
	});

	it('loses nothing while RabbitMQ is down: review item and alert, a 500 to the CRM, and its next delivery is logged once', async () => {
		await broker.stop();
		try {
			const { key, deliveries } = await sendClientEvent('C-7401');

			expect(deliveries.map((d) => d.status)).toEqual([500]);
			await eventually(async () => {
				const [item] = await reviewItems(`CRM event client.created was not published to RabbitMQ`);
				expect(item).toMatchObject({ idempotency_key: key, client_id: 'C-7401', status: 'open' });
			});
			expect(alerts().some((text) => text.includes(`RabbitMQ publish failed for ${key}`))).toBe(true);
		} finally {
			await broker.start();
		}
		const eventId = crm().emittedEvents[crm().emittedEvents.length - 1].id;

		// n8n reconnects the subscriber on its own, retrying the trigger after 1, 2, 4, 8, 16, 32 s...
		await queueDrained(100_000);
		const again = await redeliver(eventId);
		expect(again.status).toBe(200);
		await expectLoggedOnce([`crm:${eventId}`]);
	});

	it('sends a malformed message to the review queue with the reason, and takes it off the queue', async () => {
		const since = await lastSubscriberRun();
		await publishDirectly([
			{ routingKey: 'client.created', body: 'this is not JSON', messageId: 'bad-message-1' },
			{ routingKey: 'client.created', body: JSON.stringify({ type: 'client.created', data: { id: 'C-7501' } }), messageId: 'bad-message-2' },
		]);

		await eventually(async () => {
			expect(await reviewItems('message id bad-message-1): the body is not JSON')).toHaveLength(1);
			expect(await reviewItems('message id bad-message-2): "idempotencyKey" is missing')).toHaveLength(1);
		});
		expect(alerts().filter((text) => text.includes('Malformed message on RabbitMQ queue'))).toHaveLength(2);
		// Not back on the queue, and not run again and again.
		await queueDrained();
		await new Promise((resolve) => setTimeout(resolve, 1500));
		expect((await subscriberRunsSince(since)).map((run) => run.status)).toEqual(['success', 'success']);
	});
});
