/**
 * Ingest keys in Redis: ingest-api reads them there (it never touches the database), while
 * the database stays their source of truth. They live in one hash with a marker field that
 * only a complete publication sets, so ingest can tell a key that does not exist (401) from
 * a key set that Redis lost (flushed, restarted without persistence, failed over to an empty
 * replica: 503 and retry, never 401); the workers notice the missing marker and republish
 * every key within seconds (see `IngestKeyKeeper` in the workers).
 */
import type { Redis } from 'ioredis';
import { INGEST_KEYS_HASH, PUBLISHED_FIELD } from '@rum/contract';
import type { Pool } from './db.ts';

/** What ingest-api needs to know about a project, stored in Redis under its ingest key. */
export interface IngestProject {
  id: number;
  slug: string;
  /** Origins allowed to send beacons (`https://example.com`); empty: any origin. */
  allowedOrigins: string[];
  rateLimitPerMinute: number;
  /** Epoch ms after which this key is refused (a rotated key's grace period); null: never. */
  expiresAt: number | null;
}

/** Publishes (or replaces) one key; the marker is left as it is. */
export async function publishIngestKey(
  redis: Redis,
  ingestKey: string,
  project: IngestProject,
): Promise<void> {
  await redis.hset(INGEST_KEYS_HASH, ingestKey, JSON.stringify(project));
}

/**
 * Publishes the complete key set: every key given, the removal of `retired` ones (expired),
 * and the marker that tells ingest the set is whole, in one transaction.
 */
export async function publishAllIngestKeys(
  redis: Redis,
  keys: ReadonlyMap<string, IngestProject>,
  retired: readonly string[] = [],
): Promise<void> {
  const multi = redis.multi();
  if (keys.size > 0) {
    multi.hset(
      INGEST_KEYS_HASH,
      Object.fromEntries([...keys].map(([key, project]) => [key, JSON.stringify(project)])),
    );
  }
  if (retired.length > 0) multi.hdel(INGEST_KEYS_HASH, ...retired);
  multi.hset(INGEST_KEYS_HASH, PUBLISHED_FIELD, new Date().toISOString());
  const results = await multi.exec();
  const failed = results?.find(([err]) => err);
  if (!results || failed) throw failed?.[0] ?? new Error('publishing ingest keys was aborted');
}

export async function unpublishIngestKey(redis: Redis, ingestKey: string): Promise<void> {
  await redis.hdel(INGEST_KEYS_HASH, ingestKey);
}

/** True when the key set in Redis is whole (its marker is there). */
export async function ingestKeysPublished(redis: Redis): Promise<boolean> {
  return (await redis.hexists(INGEST_KEYS_HASH, PUBLISHED_FIELD)) === 1;
}

/**
 * The project of an ingest key; `null` when the key set is whole and does not hold it;
 * `'unpublished'` when Redis has lost the key set and it is being restored.
 */
export async function lookupIngestKey(
  redis: Redis,
  ingestKey: string,
): Promise<IngestProject | null | 'unpublished'> {
  const [raw, published] = await redis.hmget(INGEST_KEYS_HASH, ingestKey, PUBLISHED_FIELD);
  if (raw) return JSON.parse(raw) as IngestProject;
  return published ? null : 'unpublished';
}

interface KeyRow {
  key: string;
  expires_at: Date | null;
  id: number;
  slug: string;
  allowed_origins: string[];
  rate_limit_per_minute: number;
}

/**
 * Publishes every project's ingest keys from the database (their source of truth) to Redis,
 * with the marker that tells ingest the set is whole; keys past their grace period are
 * removed. Returns how many keys are live.
 */
export async function syncIngestKeys(pool: Pool, redis: Redis): Promise<number> {
  const { rows } = await pool.query<KeyRow>(
    `SELECT k.key, k.expires_at, p.id, p.slug, p.allowed_origins, p.rate_limit_per_minute
       FROM ingest_keys k JOIN projects p ON p.id = k.project_id`,
  );
  const live = new Map<string, IngestProject>();
  const retired: string[] = [];
  const now = Date.now();
  for (const row of rows) {
    const expiresAt = row.expires_at?.getTime() ?? null;
    if (expiresAt !== null && expiresAt <= now) retired.push(row.key);
    else live.set(row.key, ingestProjectOf(row, expiresAt));
  }
  await publishAllIngestKeys(redis, live, retired);
  return live.size;
}

export function ingestProjectOf(
  row: Pick<KeyRow, 'id' | 'slug' | 'allowed_origins' | 'rate_limit_per_minute'>,
  expiresAt: number | null,
): IngestProject {
  return {
    id: row.id,
    slug: row.slug,
    allowedOrigins: row.allowed_origins,
    rateLimitPerMinute: row.rate_limit_per_minute,
    expiresAt,
  };
}
