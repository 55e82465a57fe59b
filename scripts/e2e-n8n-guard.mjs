// Preloaded into `n8n start` by the e2e harness (test/e2e/n8n.ts, `node --import`). The harness
// gives n8n a stdin pipe from the test process and never writes to it: when the test process goes
// away — finished, crashed, Ctrl-C, killed — the pipe closes and n8n shuts down as on SIGTERM, so no
// n8n outlives the run that started it. (Jest's sandboxed `process` never sees real signals, so the
// test process itself cannot pass them on.)
import { fstatSync } from 'node:fs';

// Only a pipe (Node's spawn makes it a socket pair) from a parent: never a terminal or /dev/null.
const stdin = fstatSync(0);
if (stdin.isFIFO() || stdin.isSocket()) {
	const stop = () => process.kill(process.pid, 'SIGTERM');
	process.stdin.once('end', stop);
	process.stdin.once('error', stop);
	process.stdin.resume();
	process.stdin.unref(); // only watch the pipe; n8n's own handles decide how long it runs
}
