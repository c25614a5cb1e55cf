/**
 * Database state that Redis holds copies of, for services that read it without a database:
 * the ingest keys (ingest-api) and the revoked read tokens (query-api, websocket). Each copy
 * is a hash with a marker field that only a complete publication sets.
 */
import type { Redis } from 'ioredis';
import type { Pool } from './db.ts';
import { ingestKeysPublished, syncIngestKeys } from './ingest-keys.ts';
import { revokedTokensPublished, syncRevokedTokens } from './revoked-tokens.ts';

export interface RedisCopy {
  name: string;
  /** True when the copy in Redis is whole. */
  isPublished(redis: Redis): Promise<boolean>;
  /** Publishes the whole copy from the database; returns how many entries it holds. */
  publish(pool: Pool, redis: Redis): Promise<number>;
}

export const REDIS_COPIES: readonly RedisCopy[] = [
  { name: 'ingest keys', isPublished: ingestKeysPublished, publish: syncIngestKeys },
  { name: 'revoked read tokens', isPublished: revokedTokensPublished, publish: syncRevokedTokens },
];

/** Publishes every copy; returns the entries of each, by name. */
export async function publishRedisCopies(
  pool: Pool,
  redis: Redis,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const copy of REDIS_COPIES) counts[copy.name] = await copy.publish(pool, redis);
  return counts;
}
