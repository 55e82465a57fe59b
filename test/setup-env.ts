// n8n-core writes an encryption key under N8N_USER_FOLDER; keep it out of the developer's home.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

if (!process.env.N8N_USER_FOLDER?.includes('n8n-brokerage-test-')) {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-brokerage-test-'));
}
