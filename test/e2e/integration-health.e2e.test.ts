/**
 * The "Operations: integration health" template in real n8n, beside the deposit template: Praxis
 * deposits are credited to MT5 through injected 503 bursts (so some tries fail and are retried),
 * the review queue holds a few items, and the dashboard page — behind Basic Auth — shows the
 * numbers the MT5 simulator saw, in the HTML and in a headless Chromium screenshot. Then MT5 fails
 * persistently: the breaker opens, and two checks send exactly one Slack alert naming it.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';

import { startSandbox, type Sandbox } from '../../sandbox';
import { openPraxisDeposit } from '../../sandbox/praxis';
import { PACKAGE_ROOT, startN8n, type N8nInstance } from './n8n';
import { eventually } from './support';
import { loadTemplate, OPS_DASHBOARD_PASSWORD, OPS_RUN_KEY, sandboxCredentials, sandboxWiring } from './templates';

const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const COLUMNS = ['received_at', 'idempotency_key', 'client_id', 'amount', 'currency', 'reason', 'status'].map((name) => ({ name, type: 'string' }));
/** Where the screenshot is kept for people to look at (git-ignored). */
const SCREENSHOT = join(PACKAGE_ROOT, '.reports', 'integration-health-dashboard.png');
/** MT5 requests that are part of one try rather than calls of their own: the login handshake and the idle ping. */
const NOT_A_TRY = /^\/api\/(auth\/|test\/access)/;

// ------------------------------------------------------------------------------------------------
// A PNG, read with node:zlib alone: size from IHDR, pixels from IDAT (8-bit RGB or RGBA).

interface Png {
	width: number;
	height: number;
	pixel(x: number, y: number): [number, number, number];
}

function decodePng(file: Buffer): Png {
	expect(file.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
	let offset = 8;
	let width = 0;
	let height = 0;
	let colourType = 0;
	const idat: Buffer[] = [];
	while (offset < file.length) {
		const length = file.readUInt32BE(offset);
		const type = file.toString('latin1', offset + 4, offset + 8);
		const data = file.subarray(offset + 8, offset + 8 + length);
		if (type === 'IHDR') {
			width = data.readUInt32BE(0);
			height = data.readUInt32BE(4);
			expect(data[8]).toBe(8); // bit depth
			colourType = data[9];
			expect([2, 6]).toContain(colourType);
			expect(data[12]).toBe(0); // not interlaced
		}
		if (type === 'IDAT') idat.push(data);
		offset += 12 + length;
	}
	const channels = colourType === 6 ? 4 : 3;
	const raw = inflateSync(Buffer.concat(idat));
	const stride = width * channels;
	const pixels = Buffer.alloc(height * stride);
	for (let y = 0; y < height; y++) {
		const filter = raw[y * (stride + 1)];
		for (let x = 0; x < stride; x++) {
			const value = raw[y * (stride + 1) + 1 + x];
			const left = x >= channels ? pixels[y * stride + x - channels] : 0;
			const up = y > 0 ? pixels[(y - 1) * stride + x] : 0;
			const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * stride + x - channels] : 0;
			let predicted = 0;
			if (filter === 1) predicted = left;
			else if (filter === 2) predicted = up;
			else if (filter === 3) predicted = (left + up) >> 1;
			else if (filter === 4) {
				const p = left + up - upLeft;
				const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
				predicted = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
			}
			pixels[y * stride + x] = (value + predicted) & 0xff;
		}
	}
	return {
		width,
		height,
		pixel: (x, y) => {
			const at = y * stride + x * channels;
			return [pixels[at], pixels[at + 1], pixels[at + 2]];
		},
	};
}

function colourCounts(png: Png): Map<string, number> {
	const counts = new Map<string, number>();
	for (let y = 0; y < png.height; y++) {
		for (let x = 0; x < png.width; x++) {
			const key = png.pixel(x, y).join(',');
			counts.set(key, (counts.get(key) ?? 0) + 1);
		}
	}
	return counts;
}

async function chromium(args: string[]): Promise<string> {
	if (!existsSync(CHROMIUM)) {
		throw new Error(`Chromium is not installed (${CHROMIUM} is missing): run \`apt-get install -y chromium\` (or set CHROMIUM_BIN)`);
	}
	// A throw-away profile: no first-run state shared between runs.
	const profile = join(tmpdir(), `chromium-e2e-${process.pid}-${Date.now()}`);
	try {
		return await new Promise((resolve, reject) => {
			execFile(
				CHROMIUM,
				['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', `--user-data-dir=${profile}`, ...args],
				{ timeout: 60_000, maxBuffer: 20 * 1024 * 1024 },
				(error, stdout, stderr) => (error ? reject(new Error(`chromium failed: ${error.message}\n${stderr}`)) : resolve(stdout)),
			);
		});
	} finally {
		rmSync(profile, { recursive: true, force: true });
	}
}

// ------------------------------------------------------------------------------------------------

describe('Integration health template in real n8n', () => {
	let sandbox: Sandbox;
	let n8n: N8nInstance;
	let depositWorkflowId = '';
	let healthWorkflowId = '';
	/** Every MT5 request the simulator received, in order. */
	const mt5Requests: Array<{ method: string; path: string }> = [];

	const dashboardUrl = (withLogin: boolean) => {
		const url = new URL(n8n.webhookUrl('integration-health'));
		if (withLogin) {
			url.username = 'ops';
			url.password = OPS_DASHBOARD_PASSWORD;
		}
		return url.toString();
	};
	const getDashboard = async () => {
		const response = await fetch(n8n.webhookUrl('integration-health'), {
			headers: { authorization: `Basic ${Buffer.from(`ops:${OPS_DASHBOARD_PASSWORD}`).toString('base64')}` },
		});
		return { status: response.status, contentType: response.headers.get('content-type') ?? '', html: await response.text() };
	};
	const mt5Row = (html: string) => {
		const row = /<tr data-key="metaTrader5Api:[^"]*"[^>]*>(.*?)<\/tr>/.exec(html)?.[1];
		expect(row).toBeDefined();
		const field = (name: string) => new RegExp(`data-field="${name}">(.*?)</td>`).exec(row ?? '')?.[1];
		return { integration: field('integration'), host: field('host'), calls: field('calls'), failures: field('failures'), retries: field('retries'), breaker: field('breaker'), lastSuccess: field('lastSuccess'), lastFailure: field('lastFailure'), status: field('status') };
	};
	const card = (html: string, name: string) => new RegExp(`data-card="${name}"><div class="value">([^<]*)<`).exec(html)?.[1];
	const healthAlerts = () => sandbox.alerts.simulator.received().filter((alert) => /failing persistently/.test(alert.text ?? ''));

	let depositRuns = 0;
	const deposit = async (orderId: string, amountMinor: number) => {
		const { merchant_id, application_key, merchant_secret } = sandbox.praxis.simulator.credentials();
		await openPraxisDeposit(
			{ baseUrl: sandbox.praxis.url, merchantId: merchant_id, applicationKey: application_key, merchantSecret: merchant_secret },
			{ cid: '1001', orderId, amountMinor, currency: 'USD', notificationUrl: n8n.webhookUrl('praxis') },
		);
		const { transaction } = await sandbox.praxis.simulator.completeDeposit(orderId, { status: 'approved' });
		depositRuns++;
		await n8n.api.waitForExecutions(depositWorkflowId, { count: depositRuns, timeoutMs: 60_000 });
		return `praxis:${transaction.tid}`;
	};
	/** Runs the check through its webhook and waits until that run has finished (scheduled runs aside). */
	const runCheck = async () => {
		const finishedWebhookRuns = async () =>
			(await n8n.api.listExecutions({ workflowId: healthWorkflowId })).filter((e) => e.mode === 'webhook' && !['new', 'running', 'waiting'].includes(e.status)).length;
		const before = await finishedWebhookRuns();
		const response = await fetch(n8n.webhookUrl('integration-health/check'), { method: 'POST', headers: { 'x-ops-key': OPS_RUN_KEY } });
		expect(response.status).toBe(200);
		await eventually(async () => expect(await finishedWebhookRuns()).toBe(before + 1));
	};

	beforeAll(async () => {
		sandbox = await startSandbox();
		const wiring = sandboxWiring(sandbox, 'unused-secret-0123456789abcdef');
		const health = loadTemplate('integration-health', wiring);
		const deposits = loadTemplate('deposit-credit-once', wiring);
		healthWorkflowId = health.id as string;
		depositWorkflowId = deposits.id as string;
		n8n = await startN8n({
			workflows: [health, deposits, loadTemplate('error-to-review-queue', wiring)],
			credentials: sandboxCredentials(wiring),
			waitForWebhooks: ['praxis'],
		});
		// Every request passes the fault injector first: that is where the simulator's traffic is counted.
		const faults = sandbox.mt5.simulator.faults;
		const take = faults.take.bind(faults);
		faults.take = (method, path) => {
			mt5Requests.push({ method, path });
			return take(method, path);
		};
		const table = await n8n.api.request<{ id: string }>('POST', '/data-tables', { name: 'brokerage_review_queue', columns: COLUMNS });
		const row = (key: string, status: string) => ({ received_at: new Date().toISOString(), idempotency_key: key, client_id: '1001', amount: '10.00', currency: 'USD', reason: 'seeded by the e2e test', status });
		await n8n.api.request('POST', `/data-tables/${table.id}/rows`, {
			data: [row('praxis:seed-1', 'open'), row('praxis:seed-2', 'open'), row('praxis:seed-3', 'open'), row('praxis:seed-4', 'resolved')],
		});
	}, 240_000);

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	it('refuses the page without the login, asking the browser for it', async () => {
		const response = await fetch(n8n.webhookUrl('integration-health'));
		expect(response.status).toBe(401);
		expect(response.headers.get('www-authenticate')).toMatch(/^Basic /);
		const wrong = await fetch(n8n.webhookUrl('integration-health'), { headers: { authorization: `Basic ${Buffer.from('ops:wrong').toString('base64')}` } });
		expect(wrong.status).toBe(403);
	});

	it('shows the calls, failures and retries the MT5 simulator saw, and the open review items', async () => {
		// Transient trouble: two 503s on the ledger read (retried), one on the credit itself (ledger
		// checked, then retried). Every deposit is still credited once.
		sandbox.mt5.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'GET', path: '/api/deal/get_batch', times: 2 });
		sandbox.mt5.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'POST', path: '/api/trade/balance', times: 1 });
		const keys = [await deposit('health-dep-1', 10_000), await deposit('health-dep-2', 12_000), await deposit('health-dep-3', 5_000)];
		for (const key of keys) expect(sandbox.mt5.simulator.dealsOf(500001).filter((deal) => deal.Comment === key)).toHaveLength(1);
		expect(sandbox.mt5.simulator.faults.fired).toHaveLength(3);

		const tries = mt5Requests.filter((request) => !NOT_A_TRY.test(request.path)).length;
		const { status, contentType, html } = await getDashboard();
		expect(status).toBe(200);
		expect(contentType).toMatch(/^text\/html/);
		const mt5 = mt5Row(html);
		expect(mt5).toMatchObject({ integration: 'MetaTrader 5', host: new URL(sandbox.mt5.url).host, failures: '0', retries: '3', breaker: 'closed (calls flow)', lastFailure: 'never' });
		// Each try reached the simulator: a call's first try, or a retry.
		expect(Number(mt5.calls) + Number(mt5.retries)).toBe(tries);
		expect(Number(mt5.calls)).toBeGreaterThanOrEqual(6); // per deposit at least the ledger read and the credit
		expect(mt5.lastSuccess).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
		expect(mt5.status).toContain('OK');
		expect(card(html, 'reviewQueue')).toBe('3');
		expect(card(html, 'retries')).toBe('3');
		expect(card(html, 'openBreakers')).toBe('0');
	});

	it('renders in headless Chromium behind the login, charts included', async () => {
		const dom = await chromium(['--dump-dom', dashboardUrl(true)]);
		expect(dom).toContain('<h1>Integration health</h1>');
		expect(dom).toMatch(/data-field="integration">MetaTrader 5</);

		const shot = join(tmpdir(), `integration-health-${process.pid}.png`);
		const blankShot = join(tmpdir(), `integration-health-blank-${process.pid}.png`);
		await chromium([`--screenshot=${shot}`, '--window-size=1280,1600', dashboardUrl(true)]);
		await chromium([`--screenshot=${blankShot}`, '--window-size=1280,1600', 'about:blank']);
		const png = decodePng(readFileSync(shot));
		expect({ width: png.width, height: png.height }).toEqual({ width: 1280, height: 1600 });
		const colours = colourCounts(png);
		const blankColours = colourCounts(decodePng(readFileSync(blankShot)));
		expect(blankColours.size).toBeLessThanOrEqual(2);
		expect(colours.size).toBeGreaterThan(50);
		// The chart's bars in their exact colours: calls #54aeff; the page background #f6f8fa.
		expect(colours.get('84,174,255') ?? 0).toBeGreaterThan(100);
		expect(colours.get('246,248,250') ?? 0).toBeGreaterThan(100_000);

		mkdirSync(join(PACKAGE_ROOT, '.reports'), { recursive: true });
		await chromium([`--screenshot=${SCREENSHOT}`, '--window-size=1280,1600', dashboardUrl(true)]);
		expect(decodePng(readFileSync(SCREENSHOT)).width).toBe(1280);
		rmSync(shot, { force: true });
		rmSync(blankShot, { force: true });
	});

	it('alerts once when MT5 fails persistently, however often the check runs, naming it', async () => {
		const failuresBefore = Number(mt5Row((await getDashboard()).html).failures);
		const fired = sandbox.mt5.simulator.faults.fired.length;
		sandbox.mt5.simulator.faults.add({ fault: { kind: 'status', status: 503 }, method: 'GET', path: '/api/deal/get_batch', times: 100 });
		await deposit('health-dep-down-1', 7_000);
		await deposit('health-dep-down-2', 8_000);
		// 4 tries of the first deposit, then 1 of the second: the 5th failure in a row opens the breaker.
		expect(sandbox.mt5.simulator.faults.fired.length - fired).toBe(5);

		await runCheck();
		await eventually(() => expect(healthAlerts()).toHaveLength(1), 30_000);
		await runCheck();
		await new Promise((resolve) => setTimeout(resolve, 2_000));
		const alerts = healthAlerts();
		expect(alerts).toHaveLength(1);
		expect(alerts[0].text).toContain(`MetaTrader 5 at ${new URL(sandbox.mt5.url).host} is failing persistently`);
		expect(alerts[0].text).toMatch(/circuit breaker is open|tries in a row failed/);

		const { html } = await getDashboard();
		const mt5 = mt5Row(html);
		expect(Number(mt5.failures)).toBe(failuresBefore + 2);
		expect(mt5.breaker).toMatch(/OPEN|testing recovery/);
		expect(mt5.status).toContain('Failing');
		expect(mt5.lastFailure).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$/);
		// The two deposits MT5 could not take wait in the review queue beside the 3 seeded ones.
		expect(card(html, 'reviewQueue')).toBe('5');
		expect(card(html, 'openBreakers')).toBe('1');
		await chromium([`--screenshot=${SCREENSHOT.replace(/\.png$/, '-failing.png')}`, '--window-size=1280,1600', dashboardUrl(true)]);
	});
});
