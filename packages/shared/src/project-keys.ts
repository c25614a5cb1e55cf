import type { Redis } from 'ioredis';
import { ingestKeyRedisKey } from './names.ts';

/** What ingest-api needs to know about a project, stored in Redis under its ingest key. */
export interface IngestProject {
  id: number;
  slug: string;
  /** Origins allowed to send beacons (`https://example.com`); empty: any origin. */
  allowedOrigins: string[];
  rateLimitPerMinute: number;
}

export async function publishIngestKey(
  redis: Redis,
  ingestKey: string,
  project: IngestProject,
): Promise<void> {
  await redis.set(ingestKeyRedisKey(ingestKey), JSON.stringify(project));
}

export async function lookupIngestKey(
  redis: Redis,
  ingestKey: string,
): Promise<IngestProject | null> {
  const raw = await redis.get(ingestKeyRedisKey(ingestKey));
  return raw === null ? null : (JSON.parse(raw) as IngestProject);
}
