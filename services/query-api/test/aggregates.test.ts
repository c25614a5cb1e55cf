/**
 * Every aggregate the API answers equals an exact computation over the generated data set:
 * exactly for raw windows (percentile_cont), within 2% for rollup windows (summed bins).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  METRIC_NAMES,
  type BreakdownResponse,
  type ErrorsResponse,
  type HistogramResponse,
  type MetricName,
  type MetricsResponse,
  type PagesResponse,
  type SessionResponse,
  type SummaryResponse,
  type TimeseriesResponse,
} from '@rum/contract';
import { BINS_PER_BUCKET } from '../src/queries/histogram.ts';
import {
  DAY_MS,
  HOUR_MS,
  binOf,
  exactShares,
  groupBy,
  inWindow,
  percentileCont,
  type DataSet,
  type Event,
  assertClose,
  ofMetric,
  projectGetter,
  startQueryFixture,
  type QueryFixture,
  values,
} from './fixture.ts';

let fixture: QueryFixture | undefined;
let data: DataSet;
let get: ReturnType<typeof projectGetter>;

before(async () => {
  fixture = await startQueryFixture();
  ({ data, get } = fixture);
});

after(() => fixture?.stop());

function assertShares(
  actual: { good: number; needsImprovement: number; poor: number },
  name: MetricName,
  vs: number[],
  label: string,
) {
  const expected = exactShares(name, vs);
  assertClose(actual.good, expected.good, 1e-12, `${label} good`);
  assertClose(
    actual.needsImprovement,
    expected.needsImprovement,
    1e-12,
    `${label} needs-improvement`,
  );
  assertClose(actual.poor, expected.poor, 1e-12, `${label} poor`);
}

/** Summary answer vs exact numbers over the same window; `tolerance` 0 for raw (exact up to float rounding). */
function checkSummary(body: SummaryResponse, events: Event[], tolerance: number, minSamples = 20) {
  assert.deepEqual(
    body.metrics.map((m) => m.metric),
    [...METRIC_NAMES],
  );
  for (const m of body.metrics) {
    const vs = values(ofMetric(events, m.metric));
    assert.ok(vs.length >= minSamples, `the data set has ${m.metric} samples in the window`);
    assert.equal(m.count, vs.length, `${m.metric} count`);
    assertClose(m.p50, percentileCont(vs, 0.5), tolerance, `${m.metric} p50`);
    assertClose(m.p75, percentileCont(vs, 0.75), tolerance, `${m.metric} p75`);
    assertClose(m.p95, percentileCont(vs, 0.95), tolerance, `${m.metric} p95`);
    assertShares(m.shares, m.metric, vs, m.metric);
  }
}

describe('summary', () => {
  test('1h: exact percentile_cont, counts and shares from raw rows', async () => {
    const body = await get<SummaryResponse>('summary?range=1h');
    assert.equal(body.source, 'raw');
    assert.equal(Date.parse(body.to) - Date.parse(body.from), HOUR_MS);
    checkSummary(body, inWindow(data.events, body), 1e-12, 1);
  });

  test('24h: the hourly rollups and raw rows of the partial hours, within 2%; exact counts and shares', async () => {
    const body = await get<SummaryResponse>('summary?range=24h');
    assert.equal(body.source, 'rollup');
    // From the whole hour before now - 24 h.
    assert.equal(Date.parse(body.from) % HOUR_MS, 0);
    const span = Date.parse(body.to) - Date.parse(body.from);
    assert.ok(span >= DAY_MS && span < DAY_MS + HOUR_MS, `24 h and up to an hour: ${span}`);
    checkSummary(body, inWindow(data.events, body), 0.02);
    const lcp = body.metrics.find((m) => m.metric === 'LCP')!;
    assert.equal(
      lcp.rating,
      lcp.p75! <= 2500 ? 'good' : lcp.p75! > 4000 ? 'poor' : 'needs-improvement',
    );
  });

  test('7d: rollup percentiles within 2%, exact counts and shares', async () => {
    const body = await get<SummaryResponse>('summary?range=7d');
    assert.equal(body.source, 'rollup');
    const events = inWindow(data.events, body);
    assert.equal(events.length, data.events.length, 'the whole data set is in the last 7 days');
    checkSummary(body, events, 0.02);
  });

  test('30d reads the daily rollup and agrees with the exact numbers', async () => {
    checkSummary(await get<SummaryResponse>('summary?range=30d'), data.events, 0.02);
  });

  test('from/to over 3 days with ragged edges: raw, hourly and daily segments add up exactly', async () => {
    const now = Date.now();
    const from = new Date(now - 3 * DAY_MS - 17 * 60_000 - 23_456).toISOString();
    const to = new Date(now - 2 * HOUR_MS - 5 * 60_000 - 789).toISOString();
    const body = await get<SummaryResponse>(`summary?from=${from}&to=${to}`);
    assert.equal(body.source, 'rollup');
    assert.equal(body.from, from);
    assert.equal(body.to, to);
    checkSummary(body, inWindow(data.events, body), 0.02);
  });

  test('filters by page, device, browser and country', async () => {
    const body = await get<SummaryResponse>(
      'summary?range=7d&metric=LCP&page=/checkout&device=mobile',
    );
    assert.deepEqual(
      body.metrics.map((m) => m.metric),
      ['LCP'],
    );
    const events = data.events.filter(
      (e) => e.name === 'LCP' && e.path === '/checkout' && e.device === 'mobile',
    );
    assert.equal(body.metrics[0]!.count, events.length);
    assertClose(body.metrics[0]!.p75, percentileCont(values(events), 0.75), 0.02, 'filtered p75');

    // Two dimensions at once: no rollup is keyed by both, so raw rows, exact.
    const raw = await get<SummaryResponse>(
      'summary?range=24h&metric=INP&browser=Safari&country=DE',
    );
    assert.equal(raw.source, 'raw');
    const rawEvents = inWindow(data.events, raw).filter(
      (e) => e.name === 'INP' && e.browser === 'Safari' && e.country === 'DE',
    );
    assert.equal(raw.metrics[0]!.count, rawEvents.length);
    assertClose(
      raw.metrics[0]!.p75,
      percentileCont(values(rawEvents), 0.75),
      1e-12,
      'filtered raw p75',
    );
  });

  test('an empty selection has count 0 and null percentiles', async () => {
    const body = await get<SummaryResponse>('summary?range=24h&metric=CLS&country=ZZ');
    assert.deepEqual(body.metrics, [
      {
        metric: 'CLS',
        count: 0,
        p50: null,
        p75: null,
        p95: null,
        rating: null,
        shares: { good: 0, needsImprovement: 0, poor: 0 },
      },
    ]);
  });
});

describe('timeseries', () => {
  test('24h by 1h (the default): buckets on time_bucket boundaries from the hourly rollup, within 2%', async () => {
    const body = await get<TimeseriesResponse>('timeseries?range=24h&metric=LCP&percentile=95');
    assert.equal(body.source, 'rollup');
    assert.equal(body.interval, '1h');
    assert.equal(body.percentile, 95);
    const from = Date.parse(body.from);
    const to = Date.parse(body.to);
    const first = Math.floor(from / HOUR_MS) * HOUR_MS;
    assert.deepEqual(
      body.points.map((p) => Date.parse(p.time)),
      Array.from({ length: Math.ceil((to - first) / HOUR_MS) }, (_, i) => first + i * HOUR_MS),
    );
    const lcp = ofMetric(inWindow(data.events, body), 'LCP');
    for (const point of body.points) {
      const start = Date.parse(point.time);
      const inBucket = values(lcp.filter((e) => e.time >= start && e.time < start + HOUR_MS));
      assert.equal(point.count, inBucket.length, `count of ${point.time}`);
      assertClose(point.value, percentileCont(inBucket, 0.95), 0.02, `p95 of ${point.time}`);
    }
    assert.equal(
      body.points.reduce((n, p) => n + p.count, 0),
      lcp.length,
    );
  });

  test('24h by 15m: raw rows, exact percentile per bucket', async () => {
    const body = await get<TimeseriesResponse>('timeseries?range=24h&metric=LCP&interval=15m');
    assert.equal(body.source, 'raw');
    const lcp = ofMetric(inWindow(data.events, body), 'LCP');
    for (const point of body.points) {
      const start = Date.parse(point.time);
      const inBucket = values(lcp.filter((e) => e.time >= start && e.time < start + 15 * 60_000));
      assert.equal(point.count, inBucket.length, `count of ${point.time}`);
      assertClose(point.value, percentileCont(inBucket, 0.75), 1e-12, `p75 of ${point.time}`);
    }
  });

  test('7d by 1d from the rollups: exact counts per UTC day, values within 2%', async () => {
    const body = await get<TimeseriesResponse>('timeseries?range=7d&metric=TTFB&interval=1d');
    assert.equal(body.source, 'rollup');
    const ttfb = ofMetric(inWindow(data.events, body), 'TTFB');
    const days = groupBy(ttfb, (e) => Math.floor(e.time / DAY_MS) * DAY_MS);
    assert.equal(
      body.points.length,
      8,
      'a 7-day window not aligned to midnight touches 8 UTC days',
    );
    for (const point of body.points) {
      assert.equal(Date.parse(point.time) % DAY_MS, 0, 'buckets start at midnight UTC');
      const vs = values(days.get(Date.parse(point.time)) ?? []);
      assert.equal(point.count, vs.length, `count of ${point.time}`);
      assertClose(point.value, percentileCont(vs, 0.75), 0.02, `p75 of ${point.time}`);
    }
  });

  test('empty buckets are present with value null and count 0', async () => {
    const body = await get<TimeseriesResponse>('timeseries?range=1h&metric=FID&interval=1m');
    assert.equal(body.points.length, 60);
    const fid = ofMetric(inWindow(data.events, body), 'FID');
    const empty = body.points.filter((p) => p.count === 0);
    assert.ok(empty.length >= 60 - fid.length);
    for (const p of empty) assert.equal(p.value, null);
  });
});

describe('pages, slow pages and breakdowns', () => {
  test('pages: p75 and count per page, most samples first', async () => {
    const body = await get<PagesResponse>('pages?range=24h&metric=LCP&groupBy=page');
    assert.equal(body.groupBy, 'page');
    const lcp = ofMetric(inWindow(data.events, body), 'LCP');
    const byPage = groupBy(lcp, (e) => `${e.domain}${e.path}`);
    assert.equal(body.pages.length, byPage.size);
    const counts = body.pages.map((p) => p.count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
    );
    for (const page of body.pages) {
      const vs = values(byPage.get(`${page.domain}${page.path}`)!);
      assert.equal(page.count, vs.length);
      assertClose(page.p75, percentileCont(vs, 0.75), 0.02, `${page.path} p75`);
      assertShares(page.shares, 'LCP', vs, page.path);
    }
  });

  test('pages with a limit: the first pages of the whole ranking, ties by path (rollup)', async () => {
    // The rollup reads percentiles only for the pages that can make the list (TopGroups).
    const all = await get<PagesResponse>('pages?range=7d&metric=LCP&groupBy=page&limit=500');
    assert.equal(all.source, 'rollup');
    const lcp = ofMetric(inWindow(data.events, all), 'LCP');
    const exact = [...groupBy(lcp, (e) => `${e.domain}\n${e.path}`)]
      .map(([key, events]) => ({ key, count: events.length, events }))
      .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    assert.ok(exact.length >= 6, `pages in the window: ${exact.length}`);
    // Ties at the cut are covered by server-kit's top-groups test, on cells made to tie.
    for (let limit = 1; limit <= exact.length; limit += 1) {
      const body = await get<PagesResponse>(
        `pages?range=7d&metric=LCP&groupBy=page&limit=${limit}`,
      );
      assert.deepEqual(
        body.pages.map((p) => `${p.domain}\n${p.path}`),
        exact.slice(0, limit).map((p) => p.key),
        `limit ${limit}`,
      );
      for (const [i, page] of body.pages.entries()) {
        assert.equal(page.count, exact[i]!.count);
        assertClose(page.p75, percentileCont(values(exact[i]!.events), 0.75), 0.02, page.path);
      }
    }
  });

  test('slow pages: only pages with minSamples, highest p75 first (rollup)', async () => {
    const byPage = groupBy(ofMetric(data.events, 'INP'), (e) => `${e.domain}${e.path}`);
    // A threshold between the page counts, so that it keeps some pages and drops others.
    const minSamples = [...byPage.values()].map((es) => es.length).sort((a, b) => a - b)[2]!;
    const body = await get<PagesResponse>(
      `slow-pages?range=7d&metric=INP&minSamples=${minSamples}&groupBy=page`,
    );
    const expected = [...byPage.entries()]
      .filter(([, es]) => es.length >= minSamples)
      .map(([key, es]) => ({ key, p75: percentileCont(values(es), 0.75)!, count: es.length }))
      .sort((a, b) => b.p75 - a.p75);
    assert.ok(
      expected.length >= 2 && expected.length < byPage.size,
      'the threshold leaves some pages out',
    );
    assert.deepEqual(
      body.pages.map((p) => `${p.domain}${p.path}`),
      expected.map((e) => e.key),
    );
    body.pages.forEach((p, i) => {
      assert.equal(p.count, expected[i]!.count);
      assertClose(p.p75, expected[i]!.p75, 0.02, `${p.path} p75`);
    });
  });

  for (const [by, field] of [
    ['device', 'device'],
    ['country', 'country'],
    ['connection', 'connection'],
  ] as const) {
    test(`breakdown by ${by}`, async () => {
      const body = await get<BreakdownResponse>(`breakdown?range=24h&metric=FCP&by=${by}`);
      assert.equal(body.by, by);
      const groups = groupBy(ofMetric(inWindow(data.events, body), 'FCP'), (e) => e[field]);
      assert.deepEqual(new Set(body.rows.map((r) => r.value)), new Set(groups.keys()));
      for (const row of body.rows) {
        const vs = values(groups.get(row.value)!);
        assert.equal(row.count, vs.length);
        assertClose(row.p75, percentileCont(vs, 0.75), 0.02, `${row.value} p75`);
        assertShares(row.shares, 'FCP', vs, row.value);
      }
    });
  }

  test('breakdown by browser over 30 days (rollup)', async () => {
    const body = await get<BreakdownResponse>('breakdown?range=30d&metric=CLS&by=browser');
    const groups = groupBy(ofMetric(data.events, 'CLS'), (e) => e.browser);
    assert.equal(body.rows.length, groups.size);
    for (const row of body.rows) {
      const vs = values(groups.get(row.value)!);
      assert.equal(row.count, vs.length);
      assertClose(row.p75, percentileCont(vs, 0.75), 0.02, `${row.value} p75`);
      assertShares(row.shares, 'CLS', vs, row.value);
    }
  });
});

describe('histogram', () => {
  for (const range of ['24h', '7d'] as const) {
    test(`${range}: counts per log bucket equal the binned values`, async () => {
      const body = await get<HistogramResponse>(`histogram?range=${range}&metric=LCP`);
      assert.deepEqual(body.thresholds, { good: 2500, poor: 4000 });
      const lcp = ofMetric(inWindow(data.events, body), 'LCP');
      const expected = groupBy(lcp, (e) => Math.floor(binOf('LCP', e.value) / BINS_PER_BUCKET));
      assert.equal(
        body.buckets.reduce((n, b) => n + b.count, 0),
        lcp.length,
      );
      for (const bucket of body.buckets) {
        const inside = lcp.filter((e) => e.value >= bucket.from && e.value < bucket.to);
        assert.equal(bucket.count, inside.length, `bucket [${bucket.from}, ${bucket.to})`);
      }
      assert.equal(body.buckets.filter((b) => b.count > 0).length, expected.size);
      for (let i = 1; i < body.buckets.length; i++) {
        assertClose(body.buckets[i]!.from, body.buckets[i - 1]!.to, 1e-9, 'buckets are contiguous');
      }
    });
  }
});

describe('raw rows, errors and sessions', () => {
  test('metrics: newest first, limited, filtered', async () => {
    const body = await get<MetricsResponse>('metrics?range=7d&limit=25&metric=INP&device=desktop');
    const expected = data.events
      .filter((e) => e.name === 'INP' && e.device === 'desktop')
      .sort((a, b) => b.time - a.time)
      .slice(0, 25);
    assert.deepEqual(
      body.rows.map((r) => [Date.parse(r.time), r.value, r.path, r.sessionId, r.browser]),
      expected.map((e) => [e.time, e.value, e.path, e.sessionId, e.browser]),
    );
    assert.deepEqual(body.rows[0]!.attribution, expected[0]!.attribution);
    assert.deepEqual(
      body.rows.map((r) => r.navigationType),
      expected.map((e) => e.navigationType),
    );
  });

  test('errors: grouped by fingerprint with counts, sessions, first/last seen and the latest stack', async () => {
    const body = await get<ErrorsResponse>('errors?range=7d');
    const groups = groupBy(data.errors, (e) => e.fingerprint);
    assert.equal(body.errors.length, groups.size);
    const counts = body.errors.map((e) => e.count);
    assert.deepEqual(
      counts,
      [...counts].sort((a, b) => b - a),
    );
    for (const group of body.errors) {
      const es = groups.get(group.fingerprint)!.sort((a, b) => a.time - b.time);
      assert.equal(group.count, es.length);
      assert.equal(group.sessions, new Set(es.map((e) => e.sessionId)).size);
      assert.equal(Date.parse(group.firstSeen), es[0]!.time);
      assert.equal(Date.parse(group.lastSeen), es.at(-1)!.time);
      assert.equal(group.sampleStack, es.filter((e) => e.stack !== null).at(-1)!.stack);
    }
  });

  test('sessions/:sid: every event of one session, oldest first', async () => {
    const sid = data.errors[0]!.sessionId;
    const body = await get<SessionResponse>(`sessions/${sid}`);
    const metrics = data.events.filter((e) => e.sessionId === sid).sort((a, b) => a.time - b.time);
    const errors = data.errors.filter((e) => e.sessionId === sid).sort((a, b) => a.time - b.time);
    assert.equal(body.sessionId, sid);
    assert.deepEqual(
      body.metrics.map((m) => [Date.parse(m.time), m.name, m.value]),
      metrics.map((e) => [e.time, e.name, e.value]),
    );
    assert.deepEqual(
      body.errors.map((e) => Date.parse(e.time)),
      errors.map((e) => e.time),
    );
  });
});
