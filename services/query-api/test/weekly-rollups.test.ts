/**
 * 30-day questions on the keys with many values (pages, routes, countries, a route on one form
 * factor) read their whole weeks from the weekly rollups (migration 0015), and attribution from
 * the weekly attribution rollup (0018): counts exact and p75 within 2% of percentile_cont over
 * the same events, and the weekly rows really are what answered (the answer does not move when
 * the daily rows of those weeks, bin and packed (0021, 0022), are deleted). The packed
 * attribution rows hold exactly their bin rows, as rolled and as rolled again.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type {
  AttributionResponse,
  BreakdownResponse,
  MetricName,
  PagesResponse,
  SummaryResponse,
} from '@rum/contract';
import { RollupCatalog, resolveWindow, segments } from '@rum/server-kit/aggregates';
import { connectTestRedis } from '@rum/testing';
import { rerollAttributionDays, rollSettledAttributionDays } from '@rum/server-kit';
import {
  assertClose,
  exactAttribution,
  groupBy,
  inWindow,
  ofMetric,
  packedAttributionMismatches,
  percentileCont,
  startQueryFixture,
  values,
  type Event,
  type QueryFixture,
} from './fixture.ts';

let fixture: QueryFixture;

before(async () => {
  // 40 days: a 30-day window holds at least three whole weeks.
  fixture = await startQueryFixture({ count: 8000, days: 40 });
  // What the workers do: roll the settled days of attribution, and the weeks they complete.
  await rollSettledAttributionDays(fixture.db.pool, fixture.now);
});
after(() => fixture?.stop());

/** Per group of `events`, the count and p75 a row of the answer must have. */
function checkRows(
  rows: readonly { count: number; p75: number | null }[],
  keyOf: (row: never) => string,
  groups: Map<string, Event[]>,
  label: string,
): void {
  assert.equal(rows.length, groups.size, `${label}: one row per group`);
  for (const row of rows) {
    const key = keyOf(row as never);
    const vs = values(groups.get(key) ?? []);
    assert.equal(row.count, vs.length, `${label} ${key} count`);
    assertClose(row.p75, percentileCont(vs, 0.75), 0.02, `${label} ${key} p75`);
  }
}

const QUESTIONS: Array<{ path: string; check: (body: never, metric: MetricName) => void }> = [
  {
    path: 'pages?range=30d&metric=LCP&groupBy=page&limit=500',
    check: (body: PagesResponse) =>
      checkRows(
        body.pages,
        (r: PagesResponse['pages'][number]) => `${r.domain}${r.path}`,
        groupBy(
          ofMetric(inWindow(fixture.data.events, body), 'LCP'),
          (e) => `${e.domain}${e.path}`,
        ),
        'page',
      ),
  },
  {
    path: 'pages?range=30d&metric=INP&groupBy=route&limit=500',
    check: (body: PagesResponse) =>
      checkRows(
        body.pages,
        (r: PagesResponse['pages'][number]) => `${r.domain}${r.path}`,
        groupBy(
          ofMetric(inWindow(fixture.data.events, body), 'INP'),
          (e) => `${e.domain}${e.path.replace(/\/\d+$/, '/:id')}`,
        ),
        'route',
      ),
  },
  {
    path: 'breakdown?range=30d&metric=CLS&by=country',
    check: (body: BreakdownResponse) =>
      checkRows(
        body.rows,
        (r: BreakdownResponse['rows'][number]) => r.value,
        groupBy(ofMetric(inWindow(fixture.data.events, body), 'CLS'), (e) => e.country),
        'country',
      ),
  },
  {
    path: 'summary?range=30d&metric=LCP&route=/product/:id&device=mobile',
    check: (body: SummaryResponse) => {
      const lcp = ofMetric(inWindow(fixture.data.events, body), 'LCP').filter(
        (e) => e.path.startsWith('/product/') && e.device === 'mobile',
      );
      assert.equal(body.metrics[0]!.count, lcp.length, 'route on mobile count');
      assertClose(
        body.metrics[0]!.p75,
        percentileCont(values(lcp), 0.75),
        0.02,
        'route on mobile p75',
      );
    },
  },
  {
    path: 'attribution?range=30d&metric=LCP&by=element&limit=100',
    check: (body: AttributionResponse) => {
      const { of, groups, poorTotal } = exactAttribution(
        inWindow(fixture.data.events, body),
        'LCP',
        'element',
      );
      assert.equal(body.count, of.length, 'attribution count');
      assert.equal(body.poor, poorTotal, 'attribution poor');
      assert.equal(body.groups.length, groups.size - (groups.has(null) ? 1 : 0));
      for (const g of body.groups) {
        const vs = values(groups.get(g.value) ?? []);
        assert.equal(g.count, vs.length, `element ${g.value} count`);
        assertClose(g.p75, percentileCont(vs, 0.75), 0.02, `element ${g.value} p75`);
      }
    },
  },
];

test('30-day pages, routes, countries and a route on a form factor: exact counts, p75 within 2%', async () => {
  for (const q of QUESTIONS) {
    const body = await fixture.get<{ source: string }>(q.path);
    assert.equal(body.source, 'rollup', q.path);
    q.check(body as never, 'LCP');
  }
});

/** Rows of a week in `attribution_weekly` that differ from the sum of its days' rows (0: none). */
async function weekMismatches(week: Date): Promise<number> {
  const { rows } = await fixture.db.pool.query<{ n: number }>(
    `WITH days AS (
       SELECT project_id, name, key, value, rating, bin, sum(samples)::bigint AS samples
         FROM attribution_daily WHERE bucket >= $1 AND bucket < $1::timestamptz + INTERVAL '7 days'
        GROUP BY 1, 2, 3, 4, 5, 6),
     weeks AS (
       SELECT project_id, name, key, value, rating, bin, samples FROM attribution_weekly WHERE bucket = $1)
     SELECT count(*)::int AS n FROM ((TABLE days EXCEPT TABLE weeks) UNION ALL (TABLE weeks EXCEPT TABLE days)) x`,
    [week],
  );
  return rows[0]!.n;
}

test('attribution weeks: each settled week rolled once, as the sum of its days; a day rolled again rolls its week again', async () => {
  const { rows: weeks } = await fixture.db.pool.query<{ bucket: Date; rolled_at: Date }>(
    'SELECT bucket, rolled_at FROM attribution_weeks ORDER BY bucket',
  );
  assert.ok(weeks.length >= 4, `weeks rolled: ${weeks.length}`);
  for (const w of weeks) assert.equal(await weekMismatches(w.bucket), 0, w.bucket.toISOString());
  assert.deepEqual(await rollSettledAttributionDays(fixture.db.pool, fixture.now), []);
  const again = await fixture.db.pool.query('SELECT bucket FROM attribution_weeks');
  assert.equal(again.rowCount, weeks.length, 'no week rolled twice');

  // Back-filled events in one day of the second week: that day and its week are rolled again.
  const week = weeks[1]!.bucket;
  const day = new Date(week.getTime() + 2 * 86_400_000);
  await fixture.db.pool.query(
    `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
        device_type, browser, os, country, attribution)
     SELECT $1::timestamptz + INTERVAL '1 hour', project_id, website_id, page_id, 'late', 'late-' || i, 'LCP', 9000,
            'poor', device_type, browser, os, country, '{"element":"#late"}'
       FROM (SELECT * FROM metrics WHERE project_id = $2 LIMIT 1) m, generate_series(1, 5) i`,
    [day, fixture.project.id],
  );
  await rerollAttributionDays(fixture.db.pool, day, new Date(day.getTime() + 86_400_000));
  const { rows: rerolled } = await fixture.db.pool.query<{ rolled_at: Date }>(
    'SELECT rolled_at FROM attribution_weeks WHERE bucket = $1',
    [week],
  );
  assert.ok(rerolled[0]!.rolled_at > weeks[1]!.rolled_at, 'the week was rolled again');
  assert.equal(await weekMismatches(week), 0);
  const late = await fixture.db.pool.query<{ n: number }>(
    `SELECT sum(samples)::int AS n FROM attribution_weekly WHERE bucket = $1 AND value = '#late'`,
    [week],
  );
  assert.equal(late.rows[0]!.n, 5, 'the back-filled samples are in the week');
  assert.equal(await packedAttributionMismatches(fixture.db.pool), 0, 'packed as rolled again');
  await fixture.db.pool.query(`DELETE FROM metrics WHERE session_id = 'late'`);
  await rerollAttributionDays(fixture.db.pool, day, new Date(day.getTime() + 86_400_000));
  assert.equal(await packedAttributionMismatches(fixture.db.pool), 0, 'packed as rolled back');
});

test('those answers come from the weekly rows: deleting the daily rows of the whole weeks changes nothing', async () => {
  const catalog = new RollupCatalog(fixture.db.pool);
  const window = resolveWindow({ range: '30d' }, fixture.now);
  // The bin rollups, and the packed ones the lists of pages, routes and countries read.
  const keys = [
    'page',
    'route',
    'country',
    'pageDevice',
    'pagePacked',
    'routePacked',
    'countryPacked',
    'pageDevicePacked',
  ] as const;
  for (const key of keys) {
    const [tables, marks] = await Promise.all([catalog.tables(key), catalog.watermarks(key)]);
    const weeks = segments(window, 'weekly', marks).filter((s) => s.source === 'weekly');
    assert.equal(weeks.length, 1, `${key}: the window's whole weeks are materialised`);
    const span = weeks[0]!.to.getTime() - weeks[0]!.from.getTime();
    assert.ok(span >= 21 * 86_400_000, `${key}: at least three weeks`);
    const deleted = await fixture.db.pool.query(
      `DELETE FROM ${tables.daily.table} WHERE bucket >= $1 AND bucket < $2`,
      [weeks[0]!.from, weeks[0]!.to],
    );
    assert.ok((deleted.rowCount ?? 0) > 0, `${key}: daily rows were there`);
  }
  const { rows: weeks } = await fixture.db.pool.query<{ bucket: Date }>(
    `SELECT bucket FROM attribution_weeks WHERE bucket >= $1 AND bucket + INTERVAL '7 days' <= $2`,
    [window.from, window.to],
  );
  assert.ok(weeks.length >= 3, `attribution: whole weeks rolled (${weeks.length})`);
  for (const { bucket } of weeks) {
    for (const table of ['attribution_daily', 'attribution_daily_packed']) {
      const deleted = await fixture.db.pool.query(
        `DELETE FROM ${table} WHERE bucket >= $1 AND bucket < $1::timestamptz + INTERVAL '7 days'`,
        [bucket],
      );
      assert.ok((deleted.rowCount ?? 0) > 0, `attribution: ${table} rows were there`);
    }
  }
  // The answers above are cached: drop them, so these are computed again.
  const redis = connectTestRedis();
  try {
    const cached = await redis.keys(`project:${fixture.project.project}:*`);
    assert.ok(cached.length > 0, 'the answers were cached under the project');
    await redis.del(...cached);
  } finally {
    redis.disconnect();
  }
  for (const q of QUESTIONS) q.check((await fixture.get(q.path)) as never, 'LCP');
});
