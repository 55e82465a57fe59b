/**
 * A credential read once per node run. n8n's `getCredentials` loads the credential from its
 * database, decrypts it and resolves its expressions on every call; a vendor client asks for it on
 * every request (three per balance operation), and nothing in it can change within one run. The
 * context object n8n hands a node lives exactly as long as that run, so it keys the cache.
 */
import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

interface CredentialReader {
	getCredentials<T extends object = ICredentialDataDecryptedObject>(type: string): Promise<T>;
}

const perRun = new WeakMap<object, Map<string, Promise<ICredentialDataDecryptedObject>>>();

export async function runCredentials(ctx: CredentialReader, type: string): Promise<ICredentialDataDecryptedObject> {
	let byType = perRun.get(ctx);
	if (!byType) {
		byType = new Map();
		perRun.set(ctx, byType);
	}
	let credentials = byType.get(type);
	if (!credentials) {
		credentials = ctx.getCredentials<ICredentialDataDecryptedObject>(type);
		byType.set(type, credentials);
		// A failed read (e.g. the credential was deleted) is not remembered: the next call asks again.
		credentials.catch(() => byType.delete(type));
	}
	return await credentials;
}
