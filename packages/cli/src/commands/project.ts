import { assertRedisReachable, createRedis, type Config } from '@rum/shared';
import { withDatabase } from '../database.ts';
import { createProject, listProjects } from '../projects.ts';
import { UsageError, parseOptions } from '../usage.ts';

function parseCreate(args: string[]) {
  const values = parseOptions(args, {
    name: { type: 'string' },
    'display-name': { type: 'string' },
    domain: { type: 'string', multiple: true },
    origin: { type: 'string', multiple: true },
    'rate-limit': { type: 'string' },
  });
  if (!values.name) throw new UsageError('project create needs --name <slug>');
  for (const origin of values.origin ?? []) {
    if (!/^https?:\/\/[^/]+$/.test(origin)) {
      throw new UsageError(
        `--origin must look like https://example.com (scheme and host, no path): "${origin}"`,
      );
    }
  }
  const rateLimit = values['rate-limit'] === undefined ? undefined : Number(values['rate-limit']);
  if (rateLimit !== undefined && !(Number.isInteger(rateLimit) && rateLimit > 0)) {
    throw new UsageError('--rate-limit must be a positive whole number of requests per minute');
  }
  return {
    slug: values.name,
    ...(values['display-name'] ? { name: values['display-name'] } : {}),
    domains: values.domain ?? [],
    origins: values.origin ?? [],
    ...(rateLimit ? { rateLimitPerMinute: rateLimit } : {}),
  };
}

/** `rum project create|list`. */
export async function projectCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const input = parseCreate(rest);
    await assertRedisReachable(config.redisUrl);
    const redis = createRedis(config.redisUrl);
    try {
      const created = await withDatabase(config, (pool) =>
        createProject(pool, redis, input, config.jwtSecret),
      );
      process.stdout.write(`${JSON.stringify(created)}\n`);
    } finally {
      redis.disconnect();
    }
    return;
  }
  if (sub === 'list' && rest.length === 0) {
    const projects = await withDatabase(config, listProjects);
    for (const p of projects) {
      process.stdout.write(
        `${JSON.stringify({ project: p.slug, name: p.name, ingestKey: p.ingestKey, domains: p.domains, origins: p.allowedOrigins, rateLimitPerMinute: p.rateLimitPerMinute })}\n`,
      );
    }
    return;
  }
  throw new UsageError(
    sub
      ? `unknown project command "${[sub, ...rest].join(' ')}"`
      : 'project needs a command: create or list',
  );
}
