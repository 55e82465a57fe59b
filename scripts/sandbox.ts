// `npm run sandbox`: every vendor simulator in one process until Ctrl-C, printing URLs and credentials.
import { describeSandbox, startSandbox } from '../sandbox';

async function main() {
	const basePort = process.env.SANDBOX_BASE_PORT ? Number(process.env.SANDBOX_BASE_PORT) : 4100;
	const sandbox = await startSandbox({ basePort });
	console.log('Brokerage sandbox running (Ctrl-C to stop):');
	for (const line of describeSandbox(sandbox)) console.log(`  ${line}`);
	const stop = async () => {
		await sandbox.close();
		process.exit(0);
	};
	process.on('SIGINT', () => void stop());
	process.on('SIGTERM', () => void stop());
}

void main();
