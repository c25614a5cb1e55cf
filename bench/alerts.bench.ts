/**
 * Alert evaluation: how long the workers' once-a-minute evaluation of every rule takes, with
 * the query API's aggregate engine, on a project holding BENCH_EVENTS metric rows over the last
 * 24 hours (one page view about every few ms, a third of them on phones, 50 product pages).
 * BENCH_RULES rules mix the stats, windows (5m to 24h), devices and routes a team would set.
 * Prints the p50 and p95 of one whole evaluation and the mean per rule. The evaluation must
 * stay well inside its minute.
 *
 * Into a fresh embedded TimescaleDB, or DATABASE_URL (a throw-away project, removed at the end).
 * Env: BENCH_EVENTS (500000), BENCH_RULES (20), BENCH_RUNS (10), DATABASE_URL.
 */
import { randomBytes } from 'node:crypto';
import { ALERT_WINDOWS, DAY_MS, MINUTE_MS, type AlertWindow } from '@rum/contract';
import { startEmbeddedTimescale } from '@rum/embedded-db';
import { createAlertRule, createPool, migrate, rollupViews, type Pool } from '@rum/server-kit';
import { RollupCatalog } from '@rum/server-kit/aggregates';
import { evaluateRules } from '@rum/workers';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 500_000);
const RULES = Number(process.env.BENCH_RULES ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);
for (const [name, value] of Object.entries({ EVENTS, RULES, RUNS }))
  if (!(Number.isInteger(value) && value > 0))
    throw new Error(`BENCH_${name} must be a positive integer`);

function emit(metric: string, value: number, unit: string): void {
  const rounded = Math.round(value * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({ bench: 'alerts', metric, value: rounded, unit, events: EVENTS, rules: RULES })}\n`,
  );
}
function note(message: string): void {
  process.stderr.write(`alerts bench: ${message}\n`);
}

const PRODUCT_PAGES = 50;

async function load(pool: Pool, now: number): Promise<{ projectId: number; slug: string }> {
  const slug = `bench-alerts-${randomBytes(4).toString('hex')}`;
  const { rows: p } = await pool.query<{ id: number }>(
    'INSERT INTO projects (slug, name) VALUES ($1, $1) RETURNING id',
    [slug],
  );
  const projectId = p[0]!.id;
  const { rows: w } = await pool.query<{ id: number }>(
    `INSERT INTO websites (project_id, domain) VALUES ($1, 'shop.example') RETURNING id`,
    [projectId],
  );
  await pool.query(
    `INSERT INTO pages (website_id, path)
     SELECT $1::int, '/products/' || i FROM generate_series(1, $2) i
     UNION ALL SELECT $1::int, '/' UNION ALL SELECT $1::int, '/cart'`,
    [w[0]!.id, PRODUCT_PAGES],
  );
  const started = performance.now();
  // Metrics cycle LCP, INP, CLS, FCP, TTFB; a third of the rows on phones; values log-normal.
  await pool.query(
    `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value,
       rating, device_type, browser, os, country)
     SELECT to_timestamp(($3::float8 - (i::float8 / $4) * $5) / 1000), $1::int, $2::int, pg.id,
            's-' || (i / 5), 'm-' || i, m.name, m.value,
            CASE WHEN m.value <= m.good THEN 'good' WHEN m.value > m.poor THEN 'poor'
                 ELSE 'needs-improvement' END,
            CASE WHEN i % 3 = 0 THEN 'mobile' WHEN i % 7 = 0 THEN 'tablet' ELSE 'desktop' END,
            'Chrome', 'Android', 'DE'
       FROM generate_series(0, $4::int - 1) i
       CROSS JOIN LATERAL (SELECT id FROM pages WHERE website_id = $2
                            ORDER BY id OFFSET (i::bigint * 7919) % ($6 + 2) LIMIT 1) pg
       CROSS JOIN LATERAL (
         SELECT t.name, t.median * exp(0.6 * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random())) AS value,
                t.good, t.poor
           FROM (VALUES ('LCP', 2200.0, 2500.0, 4000.0), ('INP', 160.0, 200.0, 500.0),
                        ('CLS', 0.06, 0.1, 0.25), ('FCP', 1500.0, 1800.0, 3000.0),
                        ('TTFB', 600.0, 800.0, 1800.0)) AS t(name, median, good, poor)
          OFFSET i % 5 LIMIT 1) m`,
    [projectId, w[0]!.id, now, EVENTS, DAY_MS - MINUTE_MS, PRODUCT_PAGES],
  );
  note(`loaded ${EVENTS} rows in ${Math.round(performance.now() - started)} ms`);
  // What the refresh policies keep materialised: the hourly rollups up to the last hour.
  for (const { view } of await rollupViews(pool))
    if (view.startsWith('metrics_hourly_'))
      await pool.query(
        `CALL refresh_continuous_aggregate($1, now() - interval '2 days', now() - interval '1 hour')`,
        [view],
      );
  return { projectId, slug };
}

async function main(): Promise<void> {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedTimescale();
  const pool = createPool(process.env.DATABASE_URL ?? embedded!.url, 4);
  let projectId: number | undefined;
  try {
    await migrate(pool);
    const now = Math.floor(Date.now() / MINUTE_MS) * MINUTE_MS;
    const project = await load(pool, now);
    projectId = project.projectId;
    const windows = Object.keys(ALERT_WINDOWS) as AlertWindow[];
    for (let i = 0; i < RULES; i++) {
      await createAlertRule(pool, {
        project: project.slug,
        metric: (['LCP', 'INP', 'CLS'] as const)[i % 3]!,
        stat: i % 4 === 3 ? 'poor-share' : 'p75',
        above: i % 4 === 3 ? 0.25 : 1e9,
        window: windows[i % windows.length]!,
        ...(i % 2 === 0 ? { device: 'mobile' } : {}),
        ...(i % 5 === 4 ? { route: '/products/:id' } : {}),
        webhook: 'http://127.0.0.1:9/never',
      });
    }
    const readers = { db: pool, rollups: new RollupCatalog(pool) };
    const times: number[] = [];
    for (let run = 0; run < RUNS + 1; run++) {
      const started = performance.now();
      await evaluateRules(readers, now + run * MINUTE_MS, (rule, err) => {
        throw new Error(`rule ${rule}: ${err.message}`);
      });
      if (run > 0) times.push(performance.now() - started); // the first warms the caches
    }
    times.sort((a, b) => a - b);
    emit('evaluation_p50', times[Math.floor(0.5 * (times.length - 1))]!, 'ms');
    emit('evaluation_p95', times[Math.ceil(0.95 * (times.length - 1))]!, 'ms');
    emit('per_rule_mean', times.reduce((a, b) => a + b, 0) / times.length / RULES, 'ms');
  } finally {
    // A shared database keeps nothing of the bench (the rollups drop the rows on their next refresh).
    if (projectId !== undefined && process.env.DATABASE_URL) {
      await pool.query('DELETE FROM metrics WHERE project_id = $1', [projectId]);
      await pool.query('DELETE FROM projects WHERE id = $1', [projectId]);
    }
    await pool.end();
    await embedded?.stop();
  }
}

await main();
