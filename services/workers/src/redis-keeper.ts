/**
 * Redis holds copies of database state that other services read without a database
 * (`REDIS_COPIES`). When Redis loses its data (restarted without persistence, flushed, failed
 * over to an empty replica), the copies' markers are gone; the workers, which have the
 * database, notice within one check and republish them. Every worker process keeps watch;
 * publishing is idempotent.
 */
import type { Logger, Pool, Redis, RedisCopy } from '@rum/server-kit';
import { startPeriodic } from './periodic.ts';

/** How often the markers are checked: ingest keys are back within this (plus one publish). */
export const KEEPER_INTERVAL_MS = 2000;

export interface RedisKeeper {
  /** Checks every copy now and republishes the missing ones. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export function startRedisKeeper(
  pool: Pool,
  redis: Redis,
  copies: readonly RedisCopy[],
  log: Logger,
  intervalMs = KEEPER_INTERVAL_MS,
): RedisKeeper {
  const checkNow = async () => {
    for (const copy of copies) {
      try {
        if (await copy.isPublished(redis)) continue;
        const entries = await copy.publish(pool, redis);
        log.info({ copy: copy.name, entries }, 'republished to Redis from the database');
      } catch (err) {
        // Redis or the database away: the next check tries again.
        log.debug({ copy: copy.name, err: (err as Error).message }, 'redis keeper check failed');
      }
    }
  };
  const periodic = startPeriodic(checkNow, intervalMs);
  return { check: periodic.run, close: periodic.close };
}
