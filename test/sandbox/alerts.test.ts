import { AlertSinkSimulator } from '../../sandbox/alerts';
import { SandboxControl, startSimulator, type RunningSimulator } from '../../sandbox/framework';

let running: RunningSimulator<AlertSinkSimulator>;
let sink: AlertSinkSimulator;
const HOOK = '/services/T0SANDBOX/B0ALERTS/sandboxhooksecret';

async function post(body: string, contentType = 'application/json', path = HOOK) {
	const response = await fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': contentType }, body });
	return { status: response.status, contentType: response.headers.get('content-type'), text: await response.text() };
}

beforeAll(async () => {
	running = await startSimulator(new AlertSinkSimulator());
	sink = running.simulator;
});
afterAll(async () => await running.close());
beforeEach(() => sink.reset());

describe('alert sink (Slack incoming webhook)', () => {
	it('answers ok in text/plain and keeps the alert', async () => {
		const answer = await post(JSON.stringify({ text: 'Deposit praxis-9001 failed: NOT_ENOUGH_MONEY', username: 'n8n' }));
		expect(answer).toEqual({ status: 200, contentType: 'text/plain; charset=utf-8', text: 'ok' });
		expect(sink.received()).toEqual([
			expect.objectContaining({ hook: 'T0SANDBOX/B0ALERTS/sandboxhooksecret', text: 'Deposit praxis-9001 failed: NOT_ENOUGH_MONEY', extra: { username: 'n8n' } }),
		]);
	});

	it('accepts blocks without text, and the form-encoded payload Slack also takes', async () => {
		const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Review queue*: 3 items' } }];
		expect((await post(JSON.stringify({ blocks }))).status).toBe(200);
		const form = new URLSearchParams({ payload: JSON.stringify({ text: 'from a form' }) }).toString();
		expect((await post(form, 'application/x-www-form-urlencoded')).text).toBe('ok');
		expect(sink.received().map((a) => a.text ?? a.blocks)).toEqual([blocks, 'from a form']);
	});

	it('answers 400 invalid_payload for a body that is not JSON', async () => {
		expect(await post('{"text": "unterminated')).toMatchObject({ status: 400, text: 'invalid_payload' });
		expect(sink.received()).toHaveLength(0);
	});

	it('answers 400 no_text when there is neither text nor blocks', async () => {
		expect(await post(JSON.stringify({ attachments: [{ fallback: 'x' }] }))).toMatchObject({ status: 400, text: 'no_text' });
		expect(await post(JSON.stringify({ text: '   ' }))).toMatchObject({ status: 400, text: 'no_text' });
		expect(sink.received()).toHaveLength(0);
	});

	it('answers 404 no_service for a hook it does not know, when hooks are configured', async () => {
		const strict = await startSimulator(new AlertSinkSimulator({ knownHooks: ['T1/B1/good'] }));
		try {
			const bad = await fetch(`${strict.url}/services/T1/B1/bad`, { method: 'POST', body: JSON.stringify({ text: 'x' }) });
			expect([bad.status, await bad.text()]).toEqual([404, 'no_service']);
			const good = await fetch(`${strict.url}/services/T1/B1/good`, { method: 'POST', body: JSON.stringify({ text: 'x' }) });
			expect(good.status).toBe(200);
		} finally {
			await strict.close();
		}
	});

	it('lists alerts over HTTP and resets through the control API', async () => {
		await post(JSON.stringify({ text: 'one' }));
		const list = (await (await fetch(`${running.url}/alerts`)).json()) as { alerts: Array<{ text: string }> };
		expect(list.alerts.map((a) => a.text)).toEqual(['one']);
		await new SandboxControl(running.url).reset();
		expect(sink.received()).toHaveLength(0);
	});
});
