import type { Redis } from 'ioredis';
import type { Pool } from './db.ts';
import { publishAllIngestKeys, type IngestProject } from './project-keys.ts';

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
