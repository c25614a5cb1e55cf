import { assertRedisReachable, createRedis, requireJwtSecret, type Config } from '@rum/server-kit';
import { withDatabase } from '../database.ts';
import { parseDuration } from '../durations.ts';
import { createReadToken, listReadTokens, revokeReadToken } from '@rum/server-kit';
import { UsageError, parseOptions } from '../usage.ts';

function line(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** `rum token create|list|revoke`. */
export async function tokenCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const values = parseOptions(rest, {
      project: { type: 'string' },
      ttl: { type: 'string' },
      name: { type: 'string' },
    });
    if (!values.project) throw new UsageError('token create needs --project <slug>');
    const options = {
      ...(values.ttl ? { ttlMs: parseDuration('--ttl', values.ttl) } : {}),
      ...(values.name ? { name: values.name } : {}),
    };
    line(
      await withDatabase(config, (pool) =>
        createReadToken(pool, values.project!, requireJwtSecret(config), options),
      ),
    );
    return;
  }
  if (sub === 'list') {
    const values = parseOptions(rest, { project: { type: 'string' } });
    if (!values.project) throw new UsageError('token list needs --project <slug>');
    for (const token of await withDatabase(config, (pool) => listReadTokens(pool, values.project!)))
      line(token);
    return;
  }
  if (sub === 'revoke') {
    const [id, ...extra] = rest;
    if (!id || extra.length > 0 || id.startsWith('-'))
      throw new UsageError('token revoke takes one token id');
    await assertRedisReachable(config.redisUrl);
    const redis = createRedis(config.redisUrl);
    try {
      line(await withDatabase(config, (pool) => revokeReadToken(pool, redis, id)));
    } finally {
      redis.disconnect();
    }
    return;
  }
  throw new UsageError(
    sub ? `unknown token command "${sub}"` : 'token needs a command: create, list or revoke',
  );
}
