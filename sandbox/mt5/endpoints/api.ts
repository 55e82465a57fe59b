/**
 * The shape every authenticated Web API endpoint shares: the simulator checks the session and the
 * manager's right, the endpoint reads its parameters and returns the `answer` (or nothing, for
 * commands whose reply is the bare `{"retcode":"0 Done"}`), or throws Mt5Error for a retcode.
 */
import type { Mt5Params } from '../params';
import type { Session } from '../sessions';
import type { ManagerAccount, ManagerRight, Mt5Store } from '../store';
import type { ServerClock } from '../time';

export interface Mt5Context {
	params: Mt5Params;
	store: Mt5Store;
	clock: ServerClock;
	manager: ManagerAccount;
	session: Session;
	connectionId: number;
	/** Ends this connection's session (`/api/quit`). */
	endSession(): void;
}

export interface ApiRoute {
	path: string;
	/** The manager permission the command needs; retcode 8 without it. */
	right?: ManagerRight;
	handler: (context: Mt5Context) => unknown;
}
