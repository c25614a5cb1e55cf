import type { Config } from '@rum/server-kit';
import { createRedis } from '@rum/server-kit';
import { withDatabase } from '../database.ts';
import { migrate, migrationStatus } from '@rum/server-kit';
import { publishRedisCopies } from '@rum/server-kit';
import { UsageError } from '../usage.ts';

/**
 * `rum migrate`: applies the pending migrations (one JSON line per migration on stdout), then
 * republishes ingest keys to Redis when it is reachable. `rum migrate status`: one JSON line
 * `{"applied":[…],"pending":[…]}`.
 */
export async function migrateCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'status' && rest.length === 0) {
    const status = await withDatabase(config, (pool) => migrationStatus(pool));
    process.stdout.write(`${JSON.stringify(status)}\n`);
    return;
  }
  if (sub !== undefined) throw new UsageError(`migrate takes no arguments but "status"`);
  await withDatabase(config, async (pool) => {
    const applied = await migrate(pool, {
      onApplied: ({ name, ms }) =>
        process.stdout.write(`${JSON.stringify({ applied: name, ms })}\n`),
    });
    if (applied.length === 0) console.error('schema up to date: no pending migration');
    const redis = createRedis(config.redisUrl, { lazyConnect: true });
    redis.on('error', () => {});
    try {
      await redis.connect();
      const counts = await publishRedisCopies(pool, redis);
      console.error(`published to Redis: ${JSON.stringify(counts)}`);
    } catch {
      console.error(
        `Redis not reachable at ${config.redisUrl}: ingest keys and revoked tokens not published (the workers publish them once it is up)`,
      );
    } finally {
      redis.disconnect();
    }
  });
}
