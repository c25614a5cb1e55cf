import { assertRedisReachable, createRedis, requireJwtSecret, type Config } from '@rum/server-kit';
import { withDatabase } from '../database.ts';
import { parseDuration } from '../durations.ts';
import {
  createProject,
  listProjects,
  listRoutes,
  rotateIngestKey,
  routePatternProblem,
  setRoutePatterns,
} from '@rum/server-kit';
import { UsageError, parseOptions } from '../usage.ts';

function parseCreate(args: string[]) {
  const values = parseOptions(args, {
    name: { type: 'string' },
    'display-name': { type: 'string' },
    domain: { type: 'string', multiple: true },
    origin: { type: 'string', multiple: true },
    'rate-limit': { type: 'string' },
    ttl: { type: 'string' },
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
    ...(values.ttl ? { readTokenTtlMs: parseDuration('--ttl', values.ttl) } : {}),
  };
}

/** Default grace period of a rotated ingest key: pages cached for a day keep sending. */
const DEFAULT_GRACE = '24h';

async function withRedis<T>(
  config: Config,
  fn: (redis: ReturnType<typeof createRedis>) => Promise<T>,
): Promise<T> {
  await assertRedisReachable(config.redisUrl);
  const redis = createRedis(config.redisUrl);
  try {
    return await fn(redis);
  } finally {
    redis.disconnect();
  }
}

/** `rum project routes set <slug> [<pattern>]...` and `rum project routes list <slug>`. */
async function routesCommand(config: Config, args: string[]): Promise<void> {
  const [sub, slug, ...patterns] = args;
  if ((sub !== 'set' && sub !== 'list') || !slug || slug.startsWith('-'))
    throw new UsageError('project routes needs set <slug> [<pattern>]... or list <slug>');
  if (sub === 'list') {
    if (patterns.length > 0) throw new UsageError('project routes list takes only a project');
    const listing = await withDatabase(config, (pool) => listRoutes(pool, slug));
    process.stdout.write(`${JSON.stringify(listing)}\n`);
    return;
  }
  for (const pattern of patterns) {
    const problem = routePatternProblem(pattern);
    if (problem) throw new UsageError(`route pattern ${problem}`);
  }
  const set = await withDatabase(config, (pool) => setRoutePatterns(pool, slug, patterns));
  process.stdout.write(`${JSON.stringify(set)}\n`);
}

/** `rum project create|list|rotate-key|routes`. */
export async function projectCommand(config: Config, args: string[]): Promise<void> {
  const [sub, ...rest] = args;
  if (sub === 'create') {
    const input = parseCreate(rest);
    const created = await withRedis(config, (redis) =>
      withDatabase(config, (pool) => createProject(pool, redis, input, requireJwtSecret(config))),
    );
    process.stdout.write(`${JSON.stringify(created)}\n`);
    return;
  }
  if (sub === 'rotate-key') {
    const [slug, ...options] = rest;
    if (!slug || slug.startsWith('-'))
      throw new UsageError('project rotate-key needs a project: rotate-key <slug> [--grace 24h]');
    const { grace } = parseOptions(options, { grace: { type: 'string' } });
    const graceMs = parseDuration('--grace', grace ?? DEFAULT_GRACE);
    const rotated = await withRedis(config, (redis) =>
      withDatabase(config, (pool) => rotateIngestKey(pool, redis, slug, graceMs)),
    );
    process.stdout.write(`${JSON.stringify(rotated)}\n`);
    return;
  }
  if (sub === 'routes') return routesCommand(config, rest);
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
      : 'project needs a command: create, list, rotate-key or routes',
  );
}
