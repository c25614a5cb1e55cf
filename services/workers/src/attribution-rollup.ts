/**
 * Runs the daily attribution rollup (`rollSettledAttributionDays` in server-kit) when the
 * workers start and every hour after. Every worker process runs it; a day is rolled once.
 */
import { HOUR_MS } from '@rum/contract';
import { rollSettledAttributionDays, type Logger, type Pool } from '@rum/server-kit';
import { startPeriodic, type Periodic } from './periodic.ts';

/** How often the workers look for days to roll. */
export const ATTRIBUTION_ROLLUP_INTERVAL_MS = HOUR_MS;

/** Runs {@link rollSettledAttributionDays} now and every `intervalMs`; failures are retried next time. */
export function startAttributionRollup(
  pool: Pool,
  log: Logger,
  intervalMs = ATTRIBUTION_ROLLUP_INTERVAL_MS,
): Periodic {
  return startPeriodic(async () => {
    try {
      const days = await rollSettledAttributionDays(pool);
      if (days.length > 0)
        log.info({ days: days.map((d) => d.toISOString().slice(0, 10)) }, 'attribution rolled up');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'attribution rollup failed; trying again later');
    }
  }, intervalMs);
}
