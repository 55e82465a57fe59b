/**
 * A credential read once per node run. n8n's `getCredentials` loads the credential from its
 * database, decrypts it and resolves its expressions on every call; a vendor client asks for it on
 * every request (three to five per balance operation), and nothing in it changes within one run —
 * except a token n8n fetches, which it writes into the very object handed to its request helper,
 * so later calls of the run send the fresh one. The context object n8n hands an action node lives
 * exactly as long as that run, so it keys the cache. A trigger's does not: n8n makes a poll
 * trigger's context once, when the workflow is activated, and polls with it until deactivation —
 * cached there, a changed password would never reach the trigger — so those read afresh.
 */
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

interface CredentialReader {
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T>;
	getNode(): INode;
}

const perRun = new WeakMap<object, Map<string, Promise<ICredentialsDecrypted>>>();

/**
 * Whether n8n made this context for one run (an action node's execution, a webhook call, a
 * load-options request) rather than for a workflow's whole activation (a poll or trigger node's
 * context, which carries `__emit` or `emit`).
 */
export function livesOneRun(ctx: object): boolean {
	const emitter = ctx as { __emit?: unknown; emit?: unknown };
	return typeof emitter.__emit !== 'function' && typeof emitter.emit !== 'function';
}

function readCredentials(ctx: CredentialReader, type: string): Promise<ICredentialsDecrypted> {
	const reference = ctx.getNode().credentials?.[type];
	return ctx.getCredentials<ICredentialDataDecryptedObject>(type).then((data) => ({ id: reference?.id ?? '', name: reference?.name ?? '', type, data }));
}

/** The credential as n8n's request helpers take it (`credentialsDecrypted`), read once per run. */
export async function runCredentialsDecrypted(ctx: CredentialReader, type: string): Promise<ICredentialsDecrypted> {
	if (!livesOneRun(ctx)) return await readCredentials(ctx, type);
	let byType = perRun.get(ctx);
	if (!byType) {
		byType = new Map();
		perRun.set(ctx, byType);
	}
	let read = byType.get(type);
	if (!read) {
		read = readCredentials(ctx, type);
		byType.set(type, read);
		// A failed read (e.g. the credential was deleted) is not remembered: the next call asks again.
		const runs = byType;
		read.catch(() => runs.delete(type));
	}
	return await read;
}

/** The credential's fields, read once per node run. */
export async function runCredentials(ctx: CredentialReader, type: string): Promise<ICredentialDataDecryptedObject> {
	return (await runCredentialsDecrypted(ctx, type)).data ?? {};
}

/** Forgets this run's copy (after a token renewal the stored credential is read again). */
export function forgetRunCredentials(ctx: CredentialReader, type: string): void {
	perRun.get(ctx)?.delete(type);
}
