/**
 * Query latency: summary and timeseries over a short window (24 h, exact percentile_cont on
 * the hypertable) and a long one (30 d, summed histogram bins from the rollups), uncached
 * and cached, through the whole query-api app (auth, validation, cache, serialisation) with
 * `app.inject()`, so no socket or client library is measured.
 * Target: 30-day summary of 10 M events under 50 ms uncached on real TimescaleDB, cached
 * under 5 ms (measured figures: the README's Benchmarks section).
 *
 * Loads BENCH_EVENTS (1,000,000) events spread over 30 days into a fresh embedded
 * TimescaleDB (or DATABASE_URL, into a throw-away project removed at the end), generated in
 * SQL with generate_series in chunks, then materialises the rollups. "Uncached" requests
 * delete their cache entry first (and must report `x-cache: miss`); "cached" ones must hit.
 *
 * Env: BENCH_EVENTS (1000000), BENCH_CHUNK (100000 rows per INSERT), BENCH_UNCACHED_RUNS (20),
 * BENCH_CACHED_RUNS (200), DATABASE_URL, REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';
import { migrate, refreshRollups } from '@rum/server-kit';
import { METRIC_NAMES, THRESHOLDS } from '@rum/contract';
import { createPool, createRedis, loadConfig, signReadToken, type Pool } from '@rum/server-kit';
import { buildApp } from '@rum/query-api';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 100_000);
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 20);
const CACHED_RUNS = Number(process.env.BENCH_CACHED_RUNS ?? 200);
const DAYS = 30;
const PAGES = 50;
/** Hard stop: generous for loading on the embedded engine (about 1 ms per event), plus the runs. */
const RUN_LIMIT_MS = (600 + EVENTS / 1000) * 1000;

for (const [name, value] of Object.entries({ EVENTS, CHUNK, UNCACHED_RUNS, CACHED_RUNS })) {
  if (!(Number.isInteger(value) && value > 0))
    throw new Error(`BENCH_${name} must be a positive integer`);
}

function emit(metric: string, value: number, unit: string): void {
  const rounded = Math.round(value * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({ bench: 'query', metric, value: rounded, unit, events: EVENTS })}\n`,
  );
}
function note(message: string): void {
  process.stderr.write(`query bench: ${message}\n`);
}

const guard = setTimeout(() => {
  note(`gave up after ${RUN_LIMIT_MS} ms`);
  process.exit(1);
}, RUN_LIMIT_MS);
guard.unref();

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/**
 * Inserts `count` events over the last 30 days for one project, in SQL: metric, page and
 * dimensions cycle with the row number, values are log-normal around a per-metric median.
 */
async function load(
  pool: Pool,
  projectId: number,
  websiteId: number,
  firstPageId: number,
  now: number,
): Promise<void> {
  const names = [...METRIC_NAMES];
  const medians = names.map((n) => (n === 'CLS' ? 0.05 : THRESHOLDS[n].good * 0.8));
  for (let start = 0; start < EVENTS; start += CHUNK) {
    const end = Math.min(EVENTS, start + CHUNK) - 1;
    await pool.query(
      `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
         device_type, browser, os, country, connection)
       SELECT time, $1, $2, $3 + (g % $4), 's' || (g / 5), 'm' || g, name, value,
         CASE WHEN value <= good THEN 'good' WHEN value > poor THEN 'poor' ELSE 'needs-improvement' END,
         (ARRAY['mobile', 'desktop', 'tablet'])[1 + g % 3],
         (ARRAY['Chrome', 'Safari', 'Firefox', 'Edge'])[1 + g % 4],
         (ARRAY['Android', 'iOS', 'Windows', 'macOS'])[1 + (g / 3) % 4],
         (ARRAY['US', 'DE', 'FR', 'JP', 'BR', 'IN', 'GB'])[1 + (g / 7) % 7],
         (ARRAY['4g', 'wifi', '3g', 'unknown'])[1 + (g / 11) % 4]
       FROM (
         SELECT g, to_timestamp(($5::float8 - g * $6::float8) / 1000) AS time,
           m.name, m.good, m.poor,
           m.median * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS value
         FROM generate_series($7::int, $8::int) AS g
         JOIN unnest($9::text[], $10::float8[], $11::float8[], $12::float8[])
           WITH ORDINALITY AS m(name, median, good, poor, i) ON m.i = 1 + g % $13
       ) rows`,
      [
        projectId,
        websiteId,
        firstPageId,
        PAGES,
        now - 60_000,
        (DAYS * 86_400_000 - 120_000) / EVENTS,
        start,
        end,
        names,
        medians,
        names.map((n) => THRESHOLDS[n].good),
        names.map((n) => THRESHOLDS[n].poor),
        names.length,
      ],
    );
    note(`loaded ${end + 1} / ${EVENTS}`);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedTimescale | undefined;
  const url = config.databaseUrl ?? (embedded = await startEmbeddedTimescale()).url;
  const pool = createPool(url, 4);
  const redis = createRedis(config.redisUrl, { enableOfflineQueue: true });
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const jwtSecret = randomBytes(32).toString('hex');
  let projectId: number | undefined;
  try {
    await migrate(pool);
    const { rows } = await pool.query<{ id: number }>(
      `INSERT INTO projects (slug, name) VALUES ($1, $1) RETURNING id`,
      [slug],
    );
    projectId = rows[0]!.id;
    const { rows: site } = await pool.query<{ id: number }>(
      `INSERT INTO websites (project_id, domain) VALUES ($1, 'bench.example') RETURNING id`,
      [projectId],
    );
    const websiteId = site[0]!.id;
    const { rows: pages } = await pool.query<{ id: number }>(
      `INSERT INTO pages (website_id, path) SELECT $1, '/page/' || i FROM generate_series(0, $2 - 1) i RETURNING id`,
      [websiteId, PAGES],
    );
    const ids = pages.map((p) => p.id).sort((a, b) => a - b);
    if (ids.at(-1)! - ids[0]! !== PAGES - 1) throw new Error('expected consecutive page ids');

    let t = performance.now();
    await load(pool, projectId, websiteId, ids[0]!, Date.now());
    const loadMs = performance.now() - t;
    emit('load_events_per_s', EVENTS / (loadMs / 1000), 'events/s');

    t = performance.now();
    await refreshRollups(pool);
    emit('rollup_refresh_s', (performance.now() - t) / 1000, 's');
    const { rows: sizes } = await pool.query<
      Record<'hourly' | 'daily' | 'hourly_overall' | 'daily_overall', string>
    >(
      `SELECT (SELECT count(*) FROM metrics_hourly WHERE project_id = $1) AS hourly,
              (SELECT count(*) FROM metrics_daily WHERE project_id = $1) AS daily,
              (SELECT count(*) FROM metrics_hourly_overall WHERE project_id = $1) AS hourly_overall,
              (SELECT count(*) FROM metrics_daily_overall WHERE project_id = $1) AS daily_overall`,
      [projectId],
    );
    note(`rollup rows: ${JSON.stringify(sizes[0])}`);

    const app = await buildApp({
      pool,
      config: { ...config, jwtSecret, logLevel: 'warn' },
      rateLimit: { max: 1_000_000 },
    });
    await app.ready();
    const headers = { authorization: `Bearer ${signReadToken(slug, jwtSecret)}` };
    try {
      const cases = [
        ['summary_24h', 'summary?range=24h', `project:${slug}:summary:range=24h`],
        ['summary_30d', 'summary?range=30d', `project:${slug}:summary:range=30d`],
        [
          'timeseries_24h',
          'timeseries?range=24h&metric=LCP&percentile=75&interval=15m',
          `project:${slug}:timeseries:interval=15m&metric=LCP&percentile=75&range=24h`,
        ],
        [
          'timeseries_30d',
          'timeseries?range=30d&metric=LCP&percentile=75&interval=6h',
          `project:${slug}:timeseries:interval=6h&metric=LCP&percentile=75&range=30d`,
        ],
      ] as const;
      for (const [name, path, key] of cases) {
        const request = async (expect: 'hit' | 'miss'): Promise<number> => {
          const start = performance.now();
          const res = await app.inject({ url: `/v1/projects/${slug}/${path}`, headers });
          const ms = performance.now() - start;
          if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
          if (res.headers['x-cache'] !== expect)
            throw new Error(`${path}: expected a cache ${expect}`);
          return ms;
        };
        const uncached: number[] = [];
        for (let i = 0; i < UNCACHED_RUNS + 2; i++) {
          await redis.del(key);
          const ms = await request('miss');
          if (i >= 2) uncached.push(ms); // two warm-up runs
        }
        const cached: number[] = [];
        for (let i = 0; i < CACHED_RUNS; i++) cached.push(await request('hit'));
        uncached.sort((a, b) => a - b);
        cached.sort((a, b) => a - b);
        emit(`${name}_uncached_p50_ms`, quantile(uncached, 0.5), 'ms');
        emit(`${name}_uncached_p95_ms`, quantile(uncached, 0.95), 'ms');
        emit(`${name}_cached_p50_ms`, quantile(cached, 0.5), 'ms');
        emit(`${name}_cached_p95_ms`, quantile(cached, 0.95), 'ms');
        await redis.del(key);
      }
    } finally {
      await app.close();
    }
  } finally {
    if (projectId !== undefined && !embedded) {
      // A shared database keeps nothing of the bench (the rollups drop the rows on their next refresh).
      await pool.query('DELETE FROM metrics WHERE project_id = $1', [projectId]);
      await pool.query('DELETE FROM projects WHERE id = $1', [projectId]);
    }
    redis.disconnect();
    await pool.end();
    await embedded?.stop();
  }
}

main().then(
  () => clearTimeout(guard),
  (err: unknown) => {
    note(`failed: ${(err as Error).stack ?? String(err)}`);
    process.exit(1);
  },
);
