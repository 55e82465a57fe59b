import { breakerSnapshot } from '../../../lib/circuitBreaker';
import { hourlyKeys, hourlySeries, integrationHealth, type AlertThresholds, type IntegrationHealth } from '../../../lib/health';
import { httpCallStats } from '../../../lib/http';

/**
 * Every integration this n8n process has called: the pack's counters, breakers and hourly buckets
 * are module-level, shared by all its nodes in the process, so this node sees the calls the
 * MetaTrader 5, Praxis, ... nodes of every workflow made.
 */
export function currentHealth(thresholds: AlertThresholds, nowMs: number): IntegrationHealth[] {
	return integrationHealth({ stats: httpCallStats(), breakers: breakerSnapshot(), series: hourlySeries, seriesKeys: hourlyKeys() }, thresholds, nowMs);
}
