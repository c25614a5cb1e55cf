/**
 * Query latency of every dashboard question (summary, time series, histogram, breakdowns by
 * each dimension, pages and slow pages by route and by page, comparisons with the previous
 * window, attribution and phases, the Core Web Vitals assessment) over 24 h, 7 d and 30 d,
 * uncached and cached, through
 * the whole query-api app (auth, validation, cache, serialisation) with `app.inject()`, so no
 * socket or client library is measured. Target: uncached p50 under 50 ms at 10 M events on a
 * real TimescaleDB, cached under 2 ms (measured figures: the README's Performance section).
 *
 * Loads BENCH_EVENTS (1,000,000) metric rows over the last 30 days, generated in SQL as a real
 * site's traffic looks: page views (about 5 metrics each) on 300 pages (200 of them
 * `/products/<id>`, one route) with Zipf-like skew (a few pages take most of the traffic), 3
 * device types (60% mobile), 10 browsers, 6 OSes, 50 countries (skewed), 5 connection types, 4
 * navigation types, log-normal values slower on mobile and on some pages; LCP, INP and CLS carry
 * attribution as the SDK's attribution build sends it (a few common elements and targets, a
 * long tail of 500 card selectors, signed image URLs, phases). Then materialises the rollups
 * and the daily attribution rollup (timed), on a real server runs VACUUM (ANALYZE) as its
 * autovacuum soon would, and prints the rollups' sizes.
 *
 * Into a fresh embedded TimescaleDB, or DATABASE_URL (a throw-away project, removed at the end
 * unless BENCH_KEEP=1; BENCH_PROJECT=<slug> measures a project a previous BENCH_KEEP run left,
 * without loading). "Uncached" requests delete the project's cache entries first (and must
 * report `x-cache: miss`); "cached" ones must hit.
 *
 * Env: BENCH_EVENTS (1000000), BENCH_CHUNK (500000 rows per INSERT), BENCH_UNCACHED_RUNS (15),
 * BENCH_CACHED_RUNS (100), BENCH_KEEP, BENCH_PROJECT, BENCH_ONLY (e.g. `phases,attribution`:
 * only the uncached questions whose names start so), DATABASE_URL, REDIS_URL.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';
import { buildApp } from '@rum/query-api';
import {
  createPool,
  createRedis,
  loadConfig,
  migrate,
  refreshRollups,
  rollRecentAttributionHours,
  rollSettledAttributionDays,
  rollupViews,
  signReadToken,
  type Pool,
} from '@rum/server-kit';

const EVENTS = Number(process.env.BENCH_EVENTS ?? 1_000_000);
const CHUNK = Number(process.env.BENCH_CHUNK ?? 500_000);
const UNCACHED_RUNS = Number(process.env.BENCH_UNCACHED_RUNS ?? 15);
const CACHED_RUNS = Number(process.env.BENCH_CACHED_RUNS ?? 100);
const KEEP = process.env.BENCH_KEEP === '1';
const REUSE = process.env.BENCH_PROJECT;
/** Comma-separated name prefixes: only the uncached questions named so are measured. */
const ONLY = process.env.BENCH_ONLY?.split(',').filter(Boolean);
/** Metric rows per page view, on average (LCP, FCP, TTFB, CLS; INP 70%, FID 40%). */
const ROWS_PER_VIEW = 5.1;
const PAGES = 300;
/** Hard stop: loading and refreshing take about 0.1 ms per event on a real server, 1 ms embedded. */
const RUN_LIMIT_MS = (1200 + EVENTS / 500) * 1000;

for (const [name, value] of Object.entries({ EVENTS, CHUNK, UNCACHED_RUNS, CACHED_RUNS })) {
  if (!(Number.isInteger(value) && value > 0))
    throw new Error(`BENCH_${name} must be a positive integer`);
}

/** The measured project's metric rows: BENCH_EVENTS, or what a BENCH_PROJECT holds. */
let events = EVENTS;

function emit(metric: string, value: number, unit: string): void {
  const rounded = Math.round(value * 1000) / 1000;
  process.stdout.write(
    `${JSON.stringify({ bench: 'query', metric, value: rounded, unit, events })}\n`,
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

/** Page views `first`..`last` of the synthetic site, as metric rows (see the file comment). */
const LOAD_SQL = `
INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
  navigation_type, device_type, browser, os, country, connection, attribution)
SELECT v.t, $1, $2, $3 + v.rank - 1, 's' || v.pv, m.name || v.pv, m.name, v2.value,
  CASE WHEN v2.value <= m.good THEN 'good' WHEN v2.value > m.poor THEN 'poor' ELSE 'needs-improvement' END,
  v.nav, v.device, v.browser, v.os, v.country, v.conn,
  CASE m.name
    WHEN 'LCP' THEN jsonb_build_object(
      'element', CASE WHEN a.r < 0.2 THEN 'div.card:nth-child(' || floor(a.r2 * 500) || ')'
                      ELSE (ARRAY['img.hero', 'h1.title', 'img.product', 'p.lead'])[1 + floor(a.r2 * 4)::int] END,
      'url', 'https://cdn.example/img/' || v.rank || '.jpg?sig=' || v.pv,
      'timeToFirstByte', round(v2.value * 0.25), 'resourceLoadDelay', round(v2.value * 0.15 * a.r),
      'resourceLoadDuration', round(v2.value * 0.35), 'elementRenderDelay', round(v2.value * (0.25 + 0.15 * (1 - a.r))))
    WHEN 'INP' THEN jsonb_build_object(
      'target', (ARRAY['button#buy', 'a.nav', 'input#search', 'div.menu'])[1 + floor(a.r2 * 4)::int],
      'type', CASE WHEN a.r < 0.8 THEN 'pointer' ELSE 'keyboard' END,
      'inputDelay', round(v2.value * 0.2 * a.r), 'processingDuration', round(v2.value * 0.5),
      'presentationDelay', round(v2.value * (0.5 - 0.2 * a.r)))
    WHEN 'CLS' THEN jsonb_build_object('target', (ARRAY['div.ad-slot', 'footer', 'img.product'])[1 + floor(a.r2 * 3)::int])
  END
FROM (
  SELECT pv,
    to_timestamp($6 / 1000.0) - interval '30 days' * random() AS t,
    least($7::int, floor(exp(random() * ln($7::int + 1))))::int AS rank,
    CASE WHEN r1 < 0.6 THEN 'mobile' WHEN r1 < 0.95 THEN 'desktop' ELSE 'tablet' END AS device,
    CASE WHEN r2 < 0.55 THEN 'Chrome' WHEN r2 < 0.75 THEN 'Safari' WHEN r2 < 0.82 THEN 'Edge'
         WHEN r2 < 0.87 THEN 'Firefox' WHEN r2 < 0.92 THEN 'Samsung Internet' WHEN r2 < 0.94 THEN 'Opera'
         WHEN r2 < 0.96 THEN 'Chrome WebView' WHEN r2 < 0.98 THEN 'Yandex Browser'
         WHEN r2 < 0.99 THEN 'UC Browser' ELSE 'unknown' END AS browser,
    CASE WHEN r3 < 0.45 THEN 'Android' WHEN r3 < 0.7 THEN 'iOS' WHEN r3 < 0.88 THEN 'Windows'
         WHEN r3 < 0.96 THEN 'macOS' WHEN r3 < 0.99 THEN 'Linux' ELSE 'unknown' END AS os,
    (ARRAY['US','IN','BR','DE','GB','FR','JP','ID','MX','IT','ES','CA','RU','TR','KR','PL','NL','AU',
           'VN','PH','AR','CO','TH','EG','NG','PK','BD','SA','ZA','MY','CL','PE','UA','RO','BE','SE',
           'CH','AT','PT','CZ','GR','IL','HU','DK','FI','NO','IE','NZ','SG','ZZ'])
      [least(50, floor(exp(random() * ln(51))))::int] AS country,
    CASE WHEN r4 < 0.62 THEN '4g' WHEN r4 < 0.85 THEN 'unknown' WHEN r4 < 0.95 THEN '3g'
         WHEN r4 < 0.99 THEN '2g' ELSE 'slow-2g' END AS conn,
    CASE WHEN r5 < 0.8 THEN 'navigate' WHEN r5 < 0.9 THEN 'reload'
         WHEN r5 < 0.97 THEN 'back-forward-cache' ELSE 'back-forward' END AS nav
  FROM (SELECT pv, random() r1, random() r2, random() r3, random() r4, random() r5
          FROM generate_series($4::bigint, $5::bigint) pv) x
) v
CROSS JOIN (VALUES ('LCP', 2100, 0.55, 2500, 4000, 1), ('FCP', 1400, 0.5, 1800, 3000, 1),
                   ('TTFB', 500, 0.6, 800, 1800, 1), ('CLS', 0.04, 1.0, 0.1, 0.25, 1),
                   ('INP', 140, 0.7, 200, 500, 0.7), ('FID', 30, 0.9, 100, 300, 0.4))
  AS m(name, median, sigma, good, poor, p)
CROSS JOIN LATERAL (SELECT least(m.median * 50, m.median
    * (CASE v.device WHEN 'mobile' THEN 1.3 WHEN 'tablet' THEN 1.15 ELSE 0.8 END)
    * (0.7 + (v.rank % 7) / 5.0)
    * exp(m.sigma * sqrt(-2 * ln(1 - random())) * cos(2 * pi() * random()))) AS value) v2
CROSS JOIN LATERAL (SELECT random() AS r, random() AS r2 WHERE v2.value IS NOT NULL) a
WHERE random() < m.p`;

async function load(pool: Pool, projectId: number, websiteId: number, firstPageId: number) {
  const views = Math.round(EVENTS / ROWS_PER_VIEW);
  const viewsPerChunk = Math.max(1, Math.round(CHUNK / ROWS_PER_VIEW));
  const now = Date.now() - 60_000;
  for (let first = 0; first < views; first += viewsPerChunk) {
    const last = Math.min(views, first + viewsPerChunk) - 1;
    await pool.query(LOAD_SQL, [projectId, websiteId, firstPageId, first, last, now, PAGES]);
    note(`loaded ${Math.round((last + 1) * ROWS_PER_VIEW)} / ${EVENTS} rows`);
  }
}

/** Creates the bench project, site and pages and loads the events; returns the project's slug. */
async function setUp(pool: Pool, embedded: boolean): Promise<string> {
  const slug = `bench-${randomBytes(4).toString('hex')}`;
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO projects (slug, name) VALUES ($1, $1) RETURNING id`,
    [slug],
  );
  const projectId = rows[0]!.id;
  const { rows: site } = await pool.query<{ id: number }>(
    `INSERT INTO websites (project_id, domain) VALUES ($1, 'shop.example') RETURNING id`,
    [projectId],
  );
  const { rows: pages } = await pool.query<{ id: number }>(
    `INSERT INTO pages (website_id, path)
     SELECT $1, CASE WHEN i % 3 = 0 THEN '/category/c' || i ELSE '/products/' || i END
       FROM generate_series(1, $2) i RETURNING id`,
    [site[0]!.id, PAGES],
  );
  const ids = pages.map((p) => p.id).sort((a, b) => a - b);
  if (ids.at(-1)! - ids[0]! !== PAGES - 1) throw new Error('expected consecutive page ids');
  let t = performance.now();
  await load(pool, projectId, site[0]!.id, ids[0]!);
  emit('load_rows_per_s', EVENTS / ((performance.now() - t) / 1000), 'rows/s');
  t = performance.now();
  await refreshRollups(pool);
  emit('rollup_refresh_from_scratch_s', (performance.now() - t) / 1000, 's');
  await rollAttribution(pool);
  if (!embedded) {
    // A real server's autovacuum analyses new rows within minutes; measured right after a bulk
    // load, chunks without statistics get one-row estimates and plans no server keeps for long
    // (a rollup's every metric read and filtered). It also vacuums chunks that were inserted
    // into (PostgreSQL 13+), which marks their pages all-visible: what lets the rollups' covering
    // indexes answer without heap fetches. The embedded engine never analyses (README).
    t = performance.now();
    await pool.query('VACUUM (ANALYZE)');
    emit('analyze_s', (performance.now() - t) / 1000, 's');
  }
  return slug;
}

/** Rolls the attribution of settled days (and the weeks they complete) and of every complete hour kept, as the workers' first run does. */
async function rollAttribution(pool: Pool): Promise<void> {
  let t = performance.now();
  const days = await rollSettledAttributionDays(pool);
  emit('attribution_rollup_days', days.length, 'days');
  emit('attribution_rollup_s', (performance.now() - t) / 1000, 's');
  t = performance.now();
  const hours = await rollRecentAttributionHours(pool, Date.now(), true);
  emit('attribution_rollup_hours', hours.length, 'hours');
  emit('attribution_rollup_hours_s', (performance.now() - t) / 1000, 's');
}

async function rollupSizes(pool: Pool, projectId: number): Promise<void> {
  for (const { view } of await rollupViews(pool)) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${view} WHERE project_id = $1`,
      [projectId],
    );
    emit(`rows_${view}`, rows[0]!.n, 'rows');
  }
  for (const table of ['attribution_daily', 'attribution_weekly', 'attribution_hourly'].flatMap(
    (t) => [t, `${t}_packed`],
  )) {
    const { rows } = await pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ${table} WHERE project_id = $1`,
      [projectId],
    );
    emit(`rows_${table}`, rows[0]!.n, 'rows');
  }
}

const QUESTIONS = [
  ['summary', 'summary'],
  ['timeseries', 'timeseries?metric=LCP'],
  ['histogram', 'histogram?metric=LCP'],
  ['breakdown_device', 'breakdown?metric=LCP&by=device'],
  ['breakdown_browser', 'breakdown?metric=LCP&by=browser'],
  ['breakdown_os', 'breakdown?metric=LCP&by=os'],
  ['breakdown_country', 'breakdown?metric=LCP&by=country'],
  ['breakdown_connection', 'breakdown?metric=LCP&by=connection'],
  ['breakdown_navigation_type', 'breakdown?metric=LCP&by=navigationType'],
  ['pages', 'pages?metric=LCP'],
  ['pages_by_page', 'pages?metric=LCP&groupBy=page'],
  ['slow_pages', 'slow-pages?metric=LCP'],
  ['summary_device_filter', 'summary?device=mobile'],
  ['summary_page_filter', 'summary?page=/products/1'],
  ['summary_route_filter', 'summary?route=/products/:id'],
  ['summary_navigation_filter', 'summary?navigationType=back-forward-cache'],
  ['summary_compare', 'summary?compare=previous'],
  ['pages_compare', 'pages?metric=LCP&compare=previous'],
  ['attribution_lcp_element', 'attribution?metric=LCP&by=element'],
  ['attribution_lcp_url', 'attribution?metric=LCP&by=url'],
  ['attribution_inp_target', 'attribution?metric=INP&by=target'],
  ['phases_lcp', 'phases?metric=LCP'],
  ['phases_inp', 'phases?metric=INP'],
] as const;
/**
 * The CrUX-compatible API (POST, a body each): records (28 days ending today) and history
 * records (weekly 28-day periods, from the daily rollups) for the origin, a form factor, a page
 * (the busiest) and that page on a form factor (the page x device rollups), and the origin on a
 * connection type. The bench site is one website, so its origin is answered by the overall
 * rollups.
 */
const CRUX_QUESTIONS = [
  ['crux_record_origin', 'queryRecord', { origin: 'https://shop.example' }],
  [
    'crux_record_origin_phone',
    'queryRecord',
    { origin: 'https://shop.example', formFactor: 'PHONE' },
  ],
  ['crux_record_url', 'queryRecord', { url: 'https://shop.example/products/1' }],
  [
    'crux_record_url_phone',
    'queryRecord',
    { url: 'https://shop.example/products/1', formFactor: 'PHONE' },
  ],
  [
    'crux_record_origin_4g',
    'queryRecord',
    { origin: 'https://shop.example', effectiveConnectionType: '4G' },
  ],
  ['crux_history_origin', 'queryHistoryRecord', { origin: 'https://shop.example' }],
  [
    'crux_history_origin_phone',
    'queryHistoryRecord',
    { origin: 'https://shop.example', formFactor: 'PHONE' },
  ],
  ['crux_history_url', 'queryHistoryRecord', { url: 'https://shop.example/products/1' }],
  [
    'crux_history_url_phone',
    'queryHistoryRecord',
    { url: 'https://shop.example/products/1', formFactor: 'PHONE' },
  ],
  [
    'crux_history_origin_40',
    'queryHistoryRecord',
    { origin: 'https://shop.example', collectionPeriodCount: 40 },
  ],
] as const;
/** Questions without a window of their own (the assessment is always the last 28 days). */
const FIXED_QUESTIONS = [
  ['assessment', 'assessment'],
  ['assessment_route', 'assessment?route=/products/:id'],
] as const;
const RANGES = ['24h', '7d', '30d'] as const;

async function main(): Promise<void> {
  const config = loadConfig();
  let embedded: EmbeddedTimescale | undefined;
  const url = config.databaseUrl ?? (embedded = await startEmbeddedTimescale()).url;
  const pool = createPool(url, 4);
  const redis = createRedis(config.redisUrl, { enableOfflineQueue: true });
  const jwtSecret = randomBytes(32).toString('hex');
  let slug: string | undefined;
  try {
    await migrate(pool);
    slug = REUSE ?? (await setUp(pool, embedded !== undefined));
    const { rows } = await pool.query<{ id: number }>('SELECT id FROM projects WHERE slug = $1', [
      slug,
    ]);
    if (!rows[0]) throw new Error(`no project ${slug}`);
    if (REUSE) {
      const counted = await pool.query<{ n: number }>(
        'SELECT count(*) AS n FROM metrics WHERE project_id = $1',
        [rows[0].id],
      );
      events = counted.rows[0]!.n;
      await rollAttribution(pool);
    }
    await rollupSizes(pool, rows[0].id);

    // The app opens its own pool, as deployed (with its session settings).
    const app = await buildApp({
      config: {
        ...config,
        databaseUrl: url,
        databaseReadUrl: undefined,
        jwtSecret,
        logLevel: 'warn',
      },
      rateLimit: { max: 1_000_000 },
    });
    await app.ready();
    const headers = { authorization: `Bearer ${signReadToken(slug, jwtSecret)}` };
    const dropCache = async () => {
      const keys = await redis.keys(`project:${slug}:*`);
      if (keys.length > 0) await redis.del(...keys);
    };
    /** A dashboard path (GET under the project), or a CrUX method and its body (POST). */
    type Question = string | { method: string; body: object };
    const request = async (question: Question, expect: 'hit' | 'miss'): Promise<number> => {
      const path = typeof question === 'string' ? question : question.method;
      // The app stores an answer after sending it: the previous run's write may land after
      // dropCache, so a miss that finds an entry drops it and asks again.
      for (let attempt = 1; ; attempt++) {
        const start = performance.now();
        const res = await app.inject(
          typeof question === 'string'
            ? { url: `/v1/projects/${slug}/${question}`, headers }
            : {
                method: 'POST',
                url: `/v1/records:${question.method}`,
                headers,
                payload: question.body,
              },
        );
        const ms = performance.now() - start;
        if (res.statusCode !== 200) throw new Error(`${path}: ${res.statusCode} ${res.body}`);
        if (res.headers['x-cache'] === expect) return ms;
        if (expect === 'hit' || attempt === 3)
          throw new Error(`${path}: expected a cache ${expect}`);
        await dropCache();
      }
    };
    try {
      const measure = async (name: string, path: Question) => {
        if (ONLY && !ONLY.some((prefix) => name.startsWith(prefix))) return;
        const uncached: number[] = [];
        for (let i = 0; i < UNCACHED_RUNS + 2; i++) {
          await dropCache();
          const ms = await request(path, 'miss');
          if (i >= 2) uncached.push(ms); // two warm-up runs
        }
        uncached.sort((a, b) => a - b);
        emit(`${name}_uncached_p50_ms`, quantile(uncached, 0.5), 'ms');
        emit(`${name}_uncached_p95_ms`, quantile(uncached, 0.95), 'ms');
      };
      for (const range of RANGES) {
        for (const [name, question] of QUESTIONS) {
          const path = `${question}${question.includes('?') ? '&' : '?'}range=${range}`;
          await measure(`${name}_${range}`, path);
        }
      }
      for (const [name, path] of FIXED_QUESTIONS) await measure(name, path);
      for (const [name, method, body] of CRUX_QUESTIONS) await measure(name, { method, body });
      const measureCached = async (name: string, question: Question) => {
        const cached: number[] = [];
        await dropCache();
        await request(question, 'miss');
        for (let i = 0; i < CACHED_RUNS; i++) cached.push(await request(question, 'hit'));
        cached.sort((a, b) => a - b);
        emit(`${name}_cached_p50_ms`, quantile(cached, 0.5), 'ms');
        emit(`${name}_cached_p95_ms`, quantile(cached, 0.95), 'ms');
      };
      await measureCached('summary_30d', 'summary?range=30d');
      await measureCached('crux_history_origin', {
        method: 'queryHistoryRecord',
        body: { origin: 'https://shop.example' },
      });
      await dropCache();
    } finally {
      await app.close();
    }
  } finally {
    if (slug !== undefined && !embedded && !KEEP && !REUSE) {
      // A shared database keeps nothing of the bench (the rollups drop the rows on their next refresh).
      const { rows } = await pool.query<{ id: number }>('SELECT id FROM projects WHERE slug = $1', [
        slug,
      ]);
      await pool.query('DELETE FROM metrics WHERE project_id = $1', [rows[0]?.id]);
      await pool.query('DELETE FROM projects WHERE slug = $1', [slug]);
    } else if (slug !== undefined && (KEEP || REUSE)) {
      note(`kept project ${slug}: BENCH_PROJECT=${slug} measures it again without loading`);
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
