import type { Config } from '@rum/shared';
import { createRedis } from '@rum/shared';
import { withDatabase } from '../database.ts';
import { migrate } from '../migrate.ts';
import { syncIngestKeys } from '../projects.ts';

/** `rum migrate`: applies the schema, then republishes ingest keys to Redis when it is reachable. */
export async function migrateCommand(config: Config): Promise<void> {
  await withDatabase(config, async (pool) => {
    await migrate(pool);
    console.error('schema applied');
    const redis = createRedis(config.redisUrl, { lazyConnect: true });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const n = await syncIngestKeys(pool, redis);
      console.error(`ingest keys of ${n} project(s) published to Redis`);
    } catch {
      console.error(
        `Redis not reachable at ${config.redisUrl}: ingest keys not published (run \`rum migrate\` again once it is up)`,
      );
    } finally {
      redis.disconnect();
    }
  });
}
