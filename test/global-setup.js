// One throw-away N8N_USER_FOLDER for the whole run (n8n-core writes its encryption key there),
// inherited by every jest worker and removed at the end.
const { mkdtempSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');

module.exports = async () => {
	process.env.N8N_USER_FOLDER = mkdtempSync(join(tmpdir(), 'n8n-brokerage-test-'));
};
