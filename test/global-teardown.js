const { rmSync } = require('node:fs');

module.exports = async () => {
	const folder = process.env.N8N_USER_FOLDER;
	if (folder && folder.includes('n8n-brokerage-test-')) rmSync(folder, { recursive: true, force: true });
};
