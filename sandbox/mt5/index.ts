export { Mt5Simulator, DEFAULT_MANAGERS, type Mt5SimulatorOptions, type Mt5Refusal } from './Mt5Simulator';
export { passwordHash, challengeAnswer } from './auth';
export { DEMO_ACCOUNTS } from './demo';
export { RET, retcode } from './retcodes';
export { SESSION_IDLE_LIMIT_MS, AUTH_ANSWER_WINDOW_MS } from './sessions';
export { MAX_PAGE } from './endpoints/history';
export {
	DEFAULT_GROUPS,
	DEAL_ACTION,
	DEAL_ENTRY,
	SYMBOLS,
	COMMENT_MAX_CHARS,
	MAX_BALANCE_OPERATION,
	MAX_LEVERAGE,
	type AccountSeed,
	type BulkDealsSeed,
	type ClosePositionSeed,
	type GroupConfig,
	type ManagerAccount,
	type ManagerRight,
	type PositionSeed,
	type TradeSeed,
} from './store';
export { DEFAULT_SERVER_ZONE } from './time';
