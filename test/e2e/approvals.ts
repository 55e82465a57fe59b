/**
 * A withdrawal approver's side, for tests and the demo: approvers hold a personal token (a JWT
 * signed with the "Withdrawal approvers" credential's secret, `sub` = who they are) and POST their
 * decision to the resume URL the approval request in Slack carries. n8n's Wait node verifies the
 * token (HS256) and hands the template `jwtPayload`, so the template knows who approved.
 */
import { createHmac } from 'node:crypto';

import type { N8nInstance } from './n8n';

/** The sandbox secret of the "Withdrawal approvers" JWT credential. */
export const APPROVER_JWT_SECRET = 'withdrawal-approvers-sandbox-5d0c2e7b41a9';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** An HS256 JWT for one approver, valid for an hour. */
export function approverToken(email: string, secret = APPROVER_JWT_SECRET): string {
	const now = Math.floor(Date.now() / 1000);
	const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
	const payload = base64url(JSON.stringify({ sub: email, role: 'withdrawal-approver', iat: now, exp: now + 3600 }));
	const signature = base64url(createHmac('sha256', secret).update(`${header}.${payload}`).digest());
	return `${header}.${payload}.${signature}`;
}

/** The resume URL in an approval request message ("... decides at http://…/webhook-waiting/12"). */
export function resumeUrlIn(text: string): string {
	const match = /(https?:\/\/\S+\/webhook-waiting\/\d+)/.exec(text);
	if (!match) throw new Error(`no resume URL in "${text}"`);
	return match[1];
}

/** Waits until the execution behind a resume URL is waiting (it may still be saving its state). */
export async function untilWaiting(n8n: N8nInstance, resumeUrl: string, timeoutMs = 20_000): Promise<void> {
	const id = resumeUrl.split('/').pop() as string;
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const execution = await n8n.api.getExecution(id, { includeData: false });
		if (execution.status === 'waiting') return;
		if (Date.now() > deadline) throw new Error(`execution ${id} is "${execution.status}", not waiting`);
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

export interface Decision {
	decision: 'approve' | 'reject' | string;
	reason?: string;
}

/** One approver's decision; answers the HTTP status and the template's JSON answer. */
export async function decide(
	n8n: N8nInstance,
	resumeUrl: string,
	email: string,
	decision: Decision,
	secret = APPROVER_JWT_SECRET,
): Promise<{ status: number; body: Record<string, unknown> }> {
	await untilWaiting(n8n, resumeUrl);
	const response = await fetch(resumeUrl, {
		method: 'POST',
		headers: { 'content-type': 'application/json', authorization: `Bearer ${approverToken(email, secret)}` },
		body: JSON.stringify(decision),
	});
	const text = await response.text();
	let body: Record<string, unknown>;
	try {
		body = JSON.parse(text) as Record<string, unknown>;
	} catch {
		body = { text };
	}
	return { status: response.status, body };
}
