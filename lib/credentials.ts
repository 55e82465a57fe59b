/**
 * A credential read once per node run. n8n's `getCredentials` loads the credential from its
 * database, decrypts it and resolves its expressions on every call; a vendor client asks for it on
 * every request (three to five per balance operation), and nothing in it changes within one run —
 * except a token n8n fetches, which it writes into the very object handed to its request helper,
 * so later calls of the run send the fresh one. The context object n8n hands a node lives exactly
 * as long as that run, so it keys the cache.
 */
import type { ICredentialDataDecryptedObject, ICredentialsDecrypted, INode } from 'n8n-workflow';

interface CredentialReader {
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T>;
	getNode(): INode;
}

const perRun = new WeakMap<object, Map<string, Promise<ICredentialsDecrypted>>>();

/** The credential as n8n's request helpers take it (`credentialsDecrypted`), read once per run. */
export async function runCredentialsDecrypted(ctx: CredentialReader, type: string): Promise<ICredentialsDecrypted> {
	let byType = perRun.get(ctx);
	if (!byType) {
		byType = new Map();
		perRun.set(ctx, byType);
	}
	let read = byType.get(type);
	if (!read) {
		const reference = ctx.getNode().credentials?.[type];
		read = ctx.getCredentials<ICredentialDataDecryptedObject>(type).then((data) => ({ id: reference?.id ?? '', name: reference?.name ?? '', type, data }));
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
