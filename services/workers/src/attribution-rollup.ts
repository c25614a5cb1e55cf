/**
 * Runs the attribution rollups (`rollSettledAttributionDays` and `rollRecentAttributionHours`
 * in server-kit) when the workers start and every few minutes after. Every worker process runs
 * them; a day is rolled once, an hour once per count of its events.
 */
import { MINUTE_MS } from '@rum/contract';
import {
  rollRecentAttributionHours,
  rollSettledAttributionDays,
  type Logger,
  type Pool,
} from '@rum/server-kit';
import { startPeriodic, type Periodic } from './periodic.ts';

/** How often the workers look for days and hours to roll: the raw rows a window reads are at most the open hour and this much. */
export const ATTRIBUTION_ROLLUP_INTERVAL_MS = 5 * MINUTE_MS;

const isoHour = (d: Date) => d.toISOString().slice(0, 13);

/** Rolls settled days, then the complete hours after them, now and every `intervalMs`; failures are retried next time. */
export function startAttributionRollup(
  pool: Pool,
  log: Logger,
  intervalMs = ATTRIBUTION_ROLLUP_INTERVAL_MS,
): Periodic {
  let first = true;
  return startPeriodic(async () => {
    try {
      const days = await rollSettledAttributionDays(pool);
      if (days.length > 0)
        log.info({ days: days.map((d) => d.toISOString().slice(0, 10)) }, 'attribution rolled up');
      // The first run looks at every hour kept: hours no process rolled (as after an upgrade).
      const hours = await rollRecentAttributionHours(pool, Date.now(), first);
      first = false;
      if (hours.length > 0) log.debug({ hours: hours.map(isoHour) }, 'attribution hours rolled up');
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'attribution rollup failed; trying again later');
    }
  }, intervalMs);
}
