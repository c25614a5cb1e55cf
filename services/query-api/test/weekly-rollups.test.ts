/**
 * 30-day questions on the keys with many values (pages, routes, countries, a route on one form
 * factor) read their whole weeks from the weekly rollups (migration 0015): counts exact and p75
 * within 2% of percentile_cont over the same events, and the weekly rows really are what
 * answered (the answer does not move when the daily rows of those weeks are deleted).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BreakdownResponse, MetricName, PagesResponse, SummaryResponse } from '@rum/contract';
import { RollupCatalog, resolveWindow, segments } from '@rum/server-kit/aggregates';
import { connectTestRedis } from '@rum/testing';
import {
  assertClose,
  groupBy,
  inWindow,
  ofMetric,
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
];

test('30-day pages, routes, countries and a route on a form factor: exact counts, p75 within 2%', async () => {
  for (const q of QUESTIONS) {
    const body = await fixture.get<{ source: string }>(q.path);
    assert.equal(body.source, 'rollup', q.path);
    q.check(body as never, 'LCP');
  }
});

test('those answers come from the weekly rows: deleting the daily rows of the whole weeks changes nothing', async () => {
  const catalog = new RollupCatalog(fixture.db.pool);
  const window = resolveWindow({ range: '30d' }, fixture.now);
  for (const key of ['page', 'route', 'country', 'pageDevice'] as const) {
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
