/**
 * The CrUX-compatible API (issue 15): records and history records for origins, urls and each
 * form factor, checked against an exact computation over the same samples (densities with
 * CrUX's edges, p75 as percentile_cont), their shape against a schema written from CrUX's
 * reference, the errors CrUX clients expect, and a real CrUX client from npm (crux-api,
 * unmodified) reading them.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createQueryHistoryRecord, createQueryRecord } from 'crux-api';
import type { FastifyInstance } from 'fastify';
import {
  DAY_MS,
  THRESHOLDS,
  rate,
  type CruxHistoryResponse,
  type CruxRecordResponse,
  type MetricName,
} from '@rum/contract';
import type { Redis } from '@rum/server-kit';
import { RollupCatalog, pageLoadsSource, planFor, type Readers } from '@rum/server-kit/aggregates';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  testConfig,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import { buildApp, type AppOptions } from '../src/app.ts';
import type { CruxMetricStats } from '../src/lib/crux-format.ts';
import { collectionPeriods, resolveKey } from '../src/lib/crux-key.ts';
import { queryCruxHistoryStats, queryHistoryPageLoads } from '../src/queries/crux-history.ts';
import { queryCruxStats, queryPageLoads } from '../src/queries/crux-record.ts';
import { assertCruxShape } from './crux-schema.ts';
import {
  createPages,
  generateDataSet,
  insertDataSet,
  percentileCont,
  type Event,
} from './fixture.ts';

const CRUX_NAMES: Record<string, MetricName> = {
  largest_contentful_paint: 'LCP',
  interaction_to_next_paint: 'INP',
  cumulative_layout_shift: 'CLS',
  first_contentful_paint: 'FCP',
  experimental_time_to_first_byte: 'TTFB',
};
const NAV_KEYS: Record<string, string> = {
  navigate: 'navigate',
  reload: 'reload',
  restore: 'restore',
  'back-forward': 'back_forward',
  'back-forward-cache': 'back_forward_cache',
  prerender: 'prerender',
};
const DEVICE_OF = { PHONE: 'mobile', TABLET: 'tablet', DESKTOP: 'desktop' } as const;

let db: TestDatabase;
let redis: Redis;
let app: FastifyInstance;
let now: number;
/** Two websites (shop.example, blog.example), 45 days of samples. */
let multi: TestProject;
let multiEvents: Event[];
/** One website (solo.example): an origin answered by the overall rollups. */
let single: TestProject;
let singleEvents: Event[];

const r4 = (x: number) => Math.round(x * 10_000) / 10_000;
const fmt = (metric: MetricName, x: number) => (metric === 'CLS' ? x.toFixed(2) : Math.round(x));

/** What CrUX would say about these samples of one metric, computed here from the values. */
function expectedHistogram(metric: MetricName, vs: readonly number[]) {
  const { good, poor } = THRESHOLDS[metric];
  const n = vs.length;
  const g = vs.filter((v) => v <= good).length;
  const p = vs.filter((v) => v > poor).length;
  return {
    histogram: [
      { start: fmt(metric, 0), end: fmt(metric, good), density: r4(g / n) },
      { start: fmt(metric, good), end: fmt(metric, poor), density: r4((n - g - p) / n) },
      { start: fmt(metric, poor), density: r4(p / n) },
    ],
    percentiles: { p75: fmt(metric, percentileCont(vs, 0.75)!) },
  };
}

function expectedFractions(keys: Record<string, string>, values: ReadonlyArray<string | null>) {
  const out: Record<string, number> = {};
  for (const k of Object.values(keys)) out[k] = 0;
  if (keys === NAV_KEYS) out.navigate_cache = 0;
  const known = values.filter((v): v is string => v !== null && keys[v] !== undefined);
  for (const v of known) out[keys[v]!]! += 1;
  for (const k of Object.keys(out)) out[k] = r4(out[k]! / known.length);
  return out;
}

/** The samples of the period ending on UTC day `lastDay` (ms), as the API reads it. */
function inPeriod(events: readonly Event[], lastDay: number): Event[] {
  const from = lastDay - 27 * DAY_MS;
  const to = Math.min(lastDay + DAY_MS, Date.now());
  return events.filter((e) => e.time >= from && e.time < to);
}

const today = () => Math.floor(Date.now() / DAY_MS) * DAY_MS;

async function post(
  path: 'queryRecord' | 'queryHistoryRecord',
  body: unknown,
  opts: { token?: string; bearer?: boolean; type?: string; target?: FastifyInstance } = {},
) {
  const token = opts.token ?? multi.readToken;
  return (opts.target ?? app).inject({
    method: 'POST',
    url: `/v1/records:${path}${opts.bearer ? '' : `?key=${encodeURIComponent(token)}`}`,
    headers: {
      'content-type': opts.type ?? 'application/json',
      ...(opts.bearer ? { authorization: `Bearer ${token}` } : {}),
    },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

/** A 200 answer of `path`, checked against the CrUX schema of its kind. */
async function answer<T>(path: 'queryRecord' | 'queryHistoryRecord', body: object, token?: string) {
  const res = await post(path, body, token ? { token } : {});
  assert.equal(res.statusCode, 200, res.body);
  const json = res.json<T>();
  assertCruxShape(path === 'queryRecord' ? 'record' : 'history', json);
  return json;
}

const record = (body: object, token?: string) =>
  answer<CruxRecordResponse>('queryRecord', body, token);
const history = (body: object, token?: string) =>
  answer<CruxHistoryResponse>('queryHistoryRecord', body, token);

/** Every histogram metric of `body` equals the exact computation over `events`. */
function assertRecordExact(body: CruxRecordResponse, events: readonly Event[], label: string) {
  const names = Object.keys(body.record.metrics).filter((m) => m in CRUX_NAMES);
  assert.deepEqual(names.sort(), Object.keys(CRUX_NAMES).sort(), label);
  for (const name of names) {
    const metric = CRUX_NAMES[name]!;
    const vs = events.filter((e) => e.name === metric).map((e) => e.value);
    assert.deepEqual(
      body.record.metrics[name as keyof typeof body.record.metrics],
      expectedHistogram(metric, vs),
      `${label} ${name} (${vs.length} samples)`,
    );
  }
}

/** form_factors and navigation_types equal the shares of the page loads (TTFB samples) of `events`. */
function assertFractionsExact(body: CruxRecordResponse, events: readonly Event[]) {
  const ttfb = events.filter((e) => e.name === 'TTFB');
  assert.deepEqual(
    body.record.metrics.form_factors?.fractions,
    expectedFractions(
      { mobile: 'phone', tablet: 'tablet', desktop: 'desktop' },
      ttfb.map((e) => e.device),
    ),
  );
  assert.deepEqual(
    body.record.metrics.navigation_types?.fractions,
    expectedFractions(
      NAV_KEYS,
      ttfb.map((e) => e.navigationType),
    ),
  );
}

/** Figures read from the rollups' bins: counts, good and poor exact, p75 within 2% of percentile_cont. */
function assertStatsClose(
  metric: MetricName,
  s: CruxMetricStats | undefined,
  vs: readonly number[],
  label: string,
) {
  assert.ok(s, label);
  assert.equal(s.count, vs.length, label);
  assert.equal(s.good, vs.filter((v) => v <= THRESHOLDS[metric].good).length, label);
  assert.equal(s.poor, vs.filter((v) => v > THRESHOLDS[metric].poor).length, label);
  const exact = percentileCont(vs, 0.75)!;
  assert.ok(Math.abs(s.p75! - exact) <= exact * 0.02, `${label}: ${s.p75} vs ${exact}`);
}

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
  now = Date.now();
  multi = await createTestProject(db.pool, redis);
  const pages = await createPages(db.pool, multi.id);
  const multiData = generateDataSet(pages, now, 9000, 45);
  multiEvents = multiData.events;
  await insertDataSet(db.pool, multi.id, multiData);

  single = await createTestProject(db.pool, redis);
  const { rows } = await db.pool.query<{ id: number }>(
    `INSERT INTO websites (project_id, domain) VALUES ($1, 'solo.example') RETURNING id`,
    [single.id],
  );
  const websiteId = rows[0]!.id;
  const soloPages = [];
  for (const path of ['/', '/a']) {
    const { rows: p } = await db.pool.query<{ id: number }>(
      'INSERT INTO pages (website_id, path) VALUES ($1, $2) RETURNING id',
      [websiteId, path],
    );
    soloPages.push({ domain: 'solo.example', path, pageId: p[0]!.id, websiteId });
  }
  const singleData = generateDataSet(soloPages, now, 3000, 20);
  singleEvents = singleData.events;
  await insertDataSet(db.pool, single.id, singleData);

  app = await buildApp({ pool: db.pool, config: testConfig({ LOG_LEVEL: 'warn' }) });
  await app.ready();
  // Answers are cached per day: start from none.
  for (const p of [multi, single]) {
    const keys = await redis.keys(`project:${p.project}:crux-*`);
    if (keys.length) await redis.del(...keys);
  }
});

after(async () => {
  await app?.close();
  redis?.disconnect();
  await db?.stop();
});

describe('queryRecord: equal to an exact computation over the same samples', () => {
  test('an origin among two websites: its pages only, 28 days ending today', async () => {
    const body = await record({ origin: 'https://shop.example' });
    const events = inPeriod(multiEvents, today()).filter((e) => e.domain === 'shop.example');
    assert.deepEqual(body.record.key, { origin: 'https://shop.example' });
    const first = new Date(today() - 27 * DAY_MS);
    const last = new Date(today());
    const ymd = (d: Date) => ({
      year: d.getUTCFullYear(),
      month: d.getUTCMonth() + 1,
      day: d.getUTCDate(),
    });
    assert.deepEqual(body.record.collectionPeriod, { firstDate: ymd(first), lastDate: ymd(last) });
    assertRecordExact(body, events, 'origin');
    assertFractionsExact(body, events);
  });

  for (const formFactor of ['PHONE', 'TABLET', 'DESKTOP'] as const) {
    test(`an origin on ${formFactor}: that form factor's samples, no form_factors`, async () => {
      const body = await record({ origin: 'https://shop.example', formFactor });
      assert.deepEqual(body.record.key, { origin: 'https://shop.example', formFactor });
      const events = inPeriod(multiEvents, today()).filter(
        (e) => e.domain === 'shop.example' && e.device === DEVICE_OF[formFactor],
      );
      assertRecordExact(body, events, formFactor);
      assert.equal(body.record.metrics.form_factors, undefined);
      assert.ok(body.record.metrics.navigation_types);
    });
  }

  test('ALL_FORM_FACTORS is every form factor', async () => {
    const all = await record({ origin: 'https://blog.example', formFactor: 'ALL_FORM_FACTORS' });
    const events = inPeriod(multiEvents, today()).filter((e) => e.domain === 'blog.example');
    assertRecordExact(all, events, 'blog all');
  });

  test('a url: one page, its query and fragment dropped as CrUX normalises it', async () => {
    const original = 'https://shop.example/checkout?utm_source=x#top';
    const body = await record({ url: original, formFactor: 'PHONE' });
    assert.deepEqual(body.record.key, {
      url: 'https://shop.example/checkout',
      formFactor: 'PHONE',
    });
    assert.deepEqual(body.urlNormalizationDetails, {
      originalUrl: original,
      normalizedUrl: 'https://shop.example/checkout',
    });
    const events = inPeriod(multiEvents, today()).filter(
      (e) => e.domain === 'shop.example' && e.path === '/checkout' && e.device === 'mobile',
    );
    assertRecordExact(body, events, 'url on phone');
    const plain = await record({ url: 'https://shop.example/checkout' });
    assert.equal(plain.urlNormalizationDetails, undefined);
  });

  test('the only website of a project (the overall rollups answer), metrics filtered', async () => {
    const body = await record(
      {
        origin: 'https://solo.example',
        metrics: ['largest_contentful_paint', 'cumulative_layout_shift', 'round_trip_time'],
      },
      single.readToken,
    );
    assert.deepEqual(Object.keys(body.record.metrics).sort(), [
      'cumulative_layout_shift',
      'largest_contentful_paint',
    ]);
    const events = inPeriod(singleEvents, today());
    for (const [name, metric] of [
      ['largest_contentful_paint', 'LCP'],
      ['cumulative_layout_shift', 'CLS'],
    ] as const) {
      const vs = events.filter((e) => e.name === metric).map((e) => e.value);
      assert.deepEqual(body.record.metrics[name], expectedHistogram(metric, vs), name);
    }
  });

  test("the only website's fractions (counted from the device and navigation-type rollups)", async () => {
    const body = await record({ origin: 'https://solo.example' }, single.readToken);
    assertFractionsExact(body, inPeriod(singleEvents, today()));
  });

  test("a connection type: CrUX's 4G is effectiveType '4g', echoed in the key; fractions of those page loads", async () => {
    const body = await record({
      origin: 'https://shop.example',
      formFactor: 'PHONE',
      effectiveConnectionType: '4G',
    });
    assert.deepEqual(body.record.key, {
      origin: 'https://shop.example',
      formFactor: 'PHONE',
      effectiveConnectionType: '4G',
    });
    const events = inPeriod(multiEvents, today()).filter(
      (e) => e.domain === 'shop.example' && e.device === 'mobile' && e.connection === '4g',
    );
    assertRecordExact(body, events, 'phone on 4G');
    assert.deepEqual(
      body.record.metrics.navigation_types?.fractions,
      expectedFractions(
        NAV_KEYS,
        events.filter((e) => e.name === 'TTFB').map((e) => e.navigationType),
      ),
    );
    const solo = await record(
      { origin: 'https://solo.example', effectiveConnectionType: '4G' },
      single.readToken,
    );
    assertRecordExact(
      solo,
      inPeriod(singleEvents, today()).filter((e) => e.connection === '4g'),
      'solo on 4G',
    );
  });

  test("threshold edges as CrUX's: good <= the lower edge, poor > the upper one", async () => {
    const edges = await createTestProject(db.pool, redis);
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO websites (project_id, domain) VALUES ($1, 'edge.example') RETURNING id`,
      [edges.id],
    );
    const { rows: p } = await db.pool.query<{ id: number }>(
      `INSERT INTO pages (website_id, path) VALUES ($1, '/') RETURNING id`,
      [rows[0]!.id],
    );
    const base = { domain: 'edge.example', path: '/', pageId: p[0]!.id, websiteId: rows[0]!.id };
    const samples: Array<[MetricName, number]> = [
      ['LCP', 2500],
      ['LCP', 2500.1],
      ['LCP', 4000],
      ['LCP', 4000.1],
      ['CLS', 0.1],
      ['CLS', 0.1001],
      ['CLS', 0.25],
      ['CLS', 0.2501],
      ['INP', 200],
      ['INP', 500],
      ['INP', 501],
    ];
    const events: Event[] = samples.map(([name, value], i) => ({
      ...base,
      time: Date.now() - (i + 1) * 60_000,
      name,
      value,
      rating: rate(name, value),
      sessionId: `edge-${i}`,
      device: 'desktop',
      browser: 'Chrome',
      os: 'Linux',
      country: 'DE',
      connection: '4g',
      navigationType: 'navigate',
      attribution: null,
      release: null,
    }));
    await insertDataSet(db.pool, edges.id, { events, errors: [] });
    const body = await record({ origin: 'https://edge.example' }, edges.readToken);
    const densities = (
      name: 'largest_contentful_paint' | 'cumulative_layout_shift' | 'interaction_to_next_paint',
    ) => body.record.metrics[name]!.histogram.map((b) => b.density);
    assert.deepEqual(densities('largest_contentful_paint'), [0.25, 0.5, 0.25]);
    assert.deepEqual(densities('cumulative_layout_shift'), [0.25, 0.5, 0.25]);
    assert.deepEqual(densities('interaction_to_next_paint'), [0.3333, 0.3333, 0.3333]);
    assert.deepEqual(
      body.record.metrics.cumulative_layout_shift!.histogram.map((b) => [b.start, b.end]),
      [
        ['0.00', '0.10'],
        ['0.10', '0.25'],
        ['0.25', undefined],
      ],
    );
    // p75 of 0.1, 0.1001, 0.25, 0.2501 is 0.250025, written as CrUX writes CLS.
    assert.equal(body.record.metrics.cumulative_layout_shift!.percentiles.p75, '0.25');
    assert.equal(body.record.metrics.largest_contentful_paint!.percentiles.p75, 4000);
  });
});

describe('queryHistoryRecord', () => {
  test('weekly 28-day periods ending today: each equal to an exact computation; "NaN" and null where a period has no data', async () => {
    const count = 8;
    const body = await history({ origin: 'https://shop.example', collectionPeriodCount: count });
    const periods = body.record.collectionPeriods;
    assert.equal(periods.length, count);
    const lastDays = periods.map((p) =>
      Date.UTC(p.lastDate.year, p.lastDate.month - 1, p.lastDate.day),
    );
    assert.equal(lastDays.at(-1), today());
    lastDays.slice(1).forEach((d, i) => assert.equal(d - lastDays[i]!, 7 * DAY_MS));
    for (const p of periods) {
      const span =
        Date.UTC(p.lastDate.year, p.lastDate.month - 1, p.lastDate.day) -
        Date.UTC(p.firstDate.year, p.firstDate.month - 1, p.firstDate.day);
      assert.equal(span, 27 * DAY_MS);
    }
    const shop = multiEvents.filter((e) => e.domain === 'shop.example');
    let empty = 0;
    for (const [name, metric] of Object.entries(CRUX_NAMES)) {
      const value = body.record.metrics[name as 'largest_contentful_paint']!;
      lastDays.forEach((lastDay, i) => {
        const vs = inPeriod(shop, lastDay)
          .filter((e) => e.name === metric)
          .map((e) => e.value);
        const label = `${name} period ${i}`;
        if (vs.length === 0) {
          empty++;
          assert.deepEqual(
            value.histogramTimeseries.map((b) => b.densities[i]),
            ['NaN', 'NaN', 'NaN'],
            label,
          );
          assert.equal(value.percentilesTimeseries.p75s[i], null, label);
          return;
        }
        const expected = expectedHistogram(metric, vs);
        assert.deepEqual(
          value.histogramTimeseries.map((b) => b.densities[i]),
          expected.histogram.map((b) => b.density),
          label,
        );
        assert.equal(value.percentilesTimeseries.p75s[i], expected.percentiles.p75, label);
      });
      assert.deepEqual(
        value.histogramTimeseries.map((b) => [b.start, b.end]),
        expectedHistogram(metric, [1]).histogram.map((b) => [b.start, b.end]),
      );
    }
    // 45 days of data: the oldest period (days 76 to 49 ago) has none, the next (69 to 42) some.
    assert.equal(empty, 1 * 5);
    const nav = body.record.metrics.navigation_types!.fractionTimeseries;
    lastDays.forEach((lastDay, i) => {
      const ttfb = inPeriod(shop, lastDay).filter((e) => e.name === 'TTFB');
      const expected = ttfb.length
        ? expectedFractions(
            NAV_KEYS,
            ttfb.map((e) => e.navigationType),
          )
        : undefined;
      for (const k of Object.keys(nav))
        assert.equal(nav[k]!.fractions[i], expected ? expected[k] : 'NaN', `${k} period ${i}`);
    });
  });

  test('default 25 periods; a url on one form factor', async () => {
    const body = await history({ url: 'https://shop.example/', formFactor: 'DESKTOP' });
    assert.equal(body.record.collectionPeriods.length, 25);
    assert.equal(body.record.metrics.form_factors, undefined);
    const events = multiEvents.filter(
      (e) =>
        e.domain === 'shop.example' && e.path === '/' && e.device === 'desktop' && e.name === 'LCP',
    );
    const lcp = body.record.metrics.largest_contentful_paint!;
    const vs = inPeriod(events, today()).map((e) => e.value);
    assert.equal(
      lcp.percentilesTimeseries.p75s.at(-1),
      expectedHistogram('LCP', vs).percentiles.p75,
    );
  });
});

describe('queryHistoryRecord on a connection type', () => {
  test('a url on 4G: each period equal to an exact computation', async () => {
    const body = await history({
      url: 'https://shop.example/checkout',
      effectiveConnectionType: '4G',
      collectionPeriodCount: 4,
    });
    assert.deepEqual(body.record.key, {
      url: 'https://shop.example/checkout',
      effectiveConnectionType: '4G',
    });
    const lastDays = body.record.collectionPeriods.map((p) =>
      Date.UTC(p.lastDate.year, p.lastDate.month - 1, p.lastDate.day),
    );
    const events = multiEvents.filter(
      (e) => e.domain === 'shop.example' && e.path === '/checkout' && e.connection === '4g',
    );
    for (const [name, metric] of Object.entries(CRUX_NAMES)) {
      const value = body.record.metrics[name as 'largest_contentful_paint']!;
      lastDays.forEach((lastDay, i) => {
        const vs = inPeriod(events, lastDay)
          .filter((e) => e.name === metric)
          .map((e) => e.value);
        if (vs.length === 0) return assert.equal(value.percentilesTimeseries.p75s[i], null);
        const expected = expectedHistogram(metric, vs);
        assert.deepEqual(
          value.histogramTimeseries.map((b) => b.densities[i]),
          expected.histogram.map((b) => b.density),
          `${name} period ${i}`,
        );
        assert.equal(value.percentilesTimeseries.p75s[i], expected.percentiles.p75);
      });
    }
    const phone = body.record.metrics.form_factors!.fractionTimeseries.phone!.fractions;
    lastDays.forEach((lastDay, i) => {
      const ttfb = inPeriod(events, lastDay).filter((e) => e.name === 'TTFB');
      const expected = expectedFractions(
        { mobile: 'phone', tablet: 'tablet', desktop: 'desktop' },
        ttfb.map((e) => e.device),
      );
      assert.equal(phone[i], ttfb.length ? expected.phone : 'NaN', `phone period ${i}`);
    });
  });
});

describe('from the rollups (records with more samples than the exact limit)', () => {
  const readers = (): Readers => ({ db: db.pool, rollups: new RollupCatalog(db.pool) });

  test('record: counts and good/poor exact, p75 within 2% of percentile_cont', async () => {
    const resolved = await resolveKey(db.pool, multi.id, { origin: 'https://shop.example' });
    const [period] = collectionPeriods(1);
    const stats = await queryCruxStats(readers(), {
      filters: resolved.filters,
      window: period!.window,
      metrics: ['LCP', 'INP', 'CLS'],
      exactMaxSamples: 0,
    });
    const events = inPeriod(multiEvents, today()).filter((e) => e.domain === 'shop.example');
    for (const metric of ['LCP', 'INP', 'CLS'] as const) {
      const vs = events.filter((e) => e.name === metric).map((e) => e.value);
      assertStatsClose(metric, stats.get(metric), vs, metric);
    }
  });

  test('history: per period counts exact, p75 within 2%, from the daily rollups', async () => {
    const periods = collectionPeriods(6);
    const resolved = await resolveKey(db.pool, single.id, {
      origin: 'https://solo.example',
      formFactor: 'PHONE',
    });
    const stats = await queryCruxHistoryStats(readers(), {
      filters: resolved.filters,
      periods,
      metrics: ['LCP', 'TTFB'],
      exactMaxSamples: 0,
    });
    for (const metric of ['LCP', 'TTFB'] as const) {
      periods.forEach((p, i) => {
        const vs = singleEvents
          .filter((e) => e.device === 'mobile' && e.name === metric)
          .filter((e) => e.time >= p.window.from.getTime() && e.time < p.window.to.getTime())
          .map((e) => e.value);
        const s = stats.get(metric)![i];
        if (vs.length === 0) return assert.equal(s, undefined, `${metric} ${i}`);
        assertStatsClose(metric, s, vs, `${metric} ${i}`);
      });
    }
  });
});

describe('a url on a form factor, and the fractions, from their own rollups (migration 0012)', () => {
  const readers = (): Readers => ({ db: db.pool, rollups: new RollupCatalog(db.pool) });
  const checkout = { url: 'https://shop.example/checkout', formFactor: 'PHONE' } as const;
  const checkoutOnPhone = (e: Event) =>
    e.domain === 'shop.example' && e.path === '/checkout' && e.device === 'mobile';

  test('planFor: page x device reads its pair; any other two dimensions raw rows', async () => {
    const { filters } = await resolveKey(db.pool, multi.id, checkout);
    const [period] = collectionPeriods(1);
    assert.deepEqual(planFor(filters, { column: 'metric' }, period!.window), {
      source: 'rollup',
      rollup: 'pageDevice',
    });
    assert.deepEqual(
      planFor({ ...filters, connection: '4g' }, { column: 'metric' }, period!.window),
      { source: 'raw' },
    );
    // A route (its pages resolved, the route kept) on a device: the route x device pair; the
    // same pages grouped one by one: the page x device pair.
    const route = { projectId: 1, pageIds: [1, 2], route: '/p/:id', device: 'mobile' };
    assert.deepEqual(planFor(route, { column: 'metric' }, period!.window), {
      source: 'rollup',
      rollup: 'routeDevice',
    });
    assert.deepEqual(planFor(route, { column: 'page' }, period!.window), {
      source: 'rollup',
      rollup: 'pageDevice',
    });
    assert.deepEqual(planFor({ projectId: 1, connection: '4g' }, undefined, period!.window), {
      source: 'rollup',
      rollup: 'connection',
    });
    assert.equal(pageLoadsSource(filters, 'navigationType'), 'pageLoads');
    assert.equal(pageLoadsSource({ ...filters, navigationType: 'reload' }, 'device'), 'pageLoads');
    assert.equal(pageLoadsSource({ ...filters, connection: '4g' }, 'device'), 'raw');
    assert.equal(pageLoadsSource({ projectId: 1 }, 'device'), 'device');
    assert.equal(
      pageLoadsSource({ projectId: 1, connection: '4g', device: ['mobile'] }, 'navigationType'),
      'pageLoadsByConnection',
    );
  });

  test('record: counts and good/poor exact, p75 within 2%; page loads per navigation type exact', async () => {
    const { filters } = await resolveKey(db.pool, multi.id, checkout);
    const [period] = collectionPeriods(1);
    const stats = await queryCruxStats(readers(), {
      filters,
      window: period!.window,
      metrics: ['LCP', 'INP', 'CLS', 'TTFB'],
      exactMaxSamples: 0,
    });
    const events = inPeriod(multiEvents, today()).filter(checkoutOnPhone);
    for (const metric of ['LCP', 'INP', 'CLS', 'TTFB'] as const) {
      const vs = events.filter((e) => e.name === metric).map((e) => e.value);
      assertStatsClose(metric, stats.get(metric), vs, metric);
    }
    const loads = await queryPageLoads(readers(), {
      filters,
      window: period!.window,
      column: 'navigationType',
    });
    const expected = new Map<string, number>();
    for (const e of events)
      if (e.name === 'TTFB' && e.navigationType !== null)
        expected.set(e.navigationType, (expected.get(e.navigationType) ?? 0) + 1);
    assert.deepEqual(new Map([...loads].sort()), new Map([...expected].sort()));
  });

  test('history: per period counts exact, p75 within 2%; form factors per period exact', async () => {
    const periods = collectionPeriods(8);
    const { filters } = await resolveKey(db.pool, multi.id, checkout);
    const stats = await queryCruxHistoryStats(readers(), {
      filters,
      periods,
      metrics: ['LCP', 'CLS'],
      exactMaxSamples: 0,
    });
    const inWindow = (e: Event, p: (typeof periods)[number]) =>
      e.time >= p.window.from.getTime() && e.time < p.window.to.getTime();
    for (const metric of ['LCP', 'CLS'] as const) {
      periods.forEach((p, i) => {
        const vs = multiEvents
          .filter((e) => checkoutOnPhone(e) && e.name === metric && inWindow(e, p))
          .map((e) => e.value);
        const s = stats.get(metric)![i];
        if (vs.length === 0) return assert.equal(s, undefined, `${metric} ${i}`);
        assertStatsClose(metric, s, vs, `${metric} ${i}`);
      });
    }
    const url = await resolveKey(db.pool, multi.id, { url: checkout.url });
    const loads = await queryHistoryPageLoads(readers(), {
      filters: url.filters,
      periods,
      column: 'device',
    });
    periods.forEach((p, i) => {
      const expected = new Map<string, number>();
      for (const e of multiEvents)
        if (
          e.domain === 'shop.example' &&
          e.path === '/checkout' &&
          e.name === 'TTFB' &&
          inWindow(e, p)
        )
          expected.set(e.device, (expected.get(e.device) ?? 0) + 1);
      assert.deepEqual(
        new Map([...loads[i]!].sort()),
        new Map([...expected].sort()),
        `period ${i}`,
      );
    });
  });
});

describe('requests and errors as CrUX clients send and expect them', () => {
  test('text/plain body, ?key= and Bearer all answer the same', async () => {
    const body = { origin: 'https://blog.example', metrics: ['largest_contentful_paint'] };
    const asJson = await post('queryRecord', body);
    const asText = await post('queryRecord', JSON.stringify(body), {
      type: 'text/plain;charset=UTF-8',
    });
    const asBearer = await post('queryRecord', body, { bearer: true });
    for (const res of [asJson, asText, asBearer]) assert.equal(res.statusCode, 200, res.body);
    assert.deepEqual(asText.json(), asJson.json());
    assert.deepEqual(asBearer.json(), asJson.json());
  });

  const cases: Array<[string, object | string, number, string, RegExp]> = [
    [
      'an origin without samples',
      { origin: 'https://nowhere.example' },
      404,
      'NOT_FOUND',
      /data not found/,
    ],
    [
      'a url without samples',
      { url: 'https://shop.example/never' },
      404,
      'NOT_FOUND',
      /data not found/,
    ],
    [
      'both origin and url',
      { origin: 'https://shop.example', url: 'https://shop.example/' },
      400,
      'INVALID_ARGUMENT',
      /url/,
    ],
    ['neither', { formFactor: 'PHONE' }, 400, 'INVALID_ARGUMENT', /origin/],
    [
      'an origin with a path',
      { origin: 'https://shop.example/cart' },
      400,
      'INVALID_ARGUMENT',
      /origin/,
    ],
    ['a bad url', { url: 'not a url' }, 400, 'INVALID_ARGUMENT', /"url"/],
    [
      'an unknown form factor',
      { origin: 'https://shop.example', formFactor: 'WATCH' },
      400,
      'INVALID_ARGUMENT',
      /formFactor/,
    ],
    [
      'an unknown metric',
      { origin: 'https://shop.example', metrics: ['speed'] },
      400,
      'INVALID_ARGUMENT',
      /metrics/,
    ],
    [
      'an unknown field',
      { origin: 'https://shop.example', colour: 'red' },
      400,
      'INVALID_ARGUMENT',
      /colour/,
    ],
    [
      'a connection type CrUX does not know',
      { origin: 'https://shop.example', effectiveConnectionType: '5G' },
      400,
      'INVALID_ARGUMENT',
      /effectiveConnectionType/,
    ],
    [
      'a connection type no sample has (offline)',
      { origin: 'https://shop.example', effectiveConnectionType: 'offline' },
      404,
      'NOT_FOUND',
      /data not found/,
    ],
    [
      'a JSON body that is no object',
      '["https://shop.example"]',
      400,
      'INVALID_ARGUMENT',
      /JSON object/,
    ],
    ['a body that is not JSON', 'origin=https://shop.example', 400, 'INVALID_ARGUMENT', /JSON/],
  ];
  for (const [label, body, code, status, message] of cases) {
    test(`${label}: ${code} ${status}`, async () => {
      const res = await post('queryRecord', body, {
        type: typeof body === 'string' ? 'text/plain' : 'application/json',
      });
      assert.equal(res.statusCode, code, res.body);
      const json = res.json<{ error: { code: number; status: string; message: string } }>();
      assertCruxShape('error', json);
      assert.equal(json.error.code, code);
      assert.equal(json.error.status, status);
      assert.match(json.error.message, message);
    });
  }

  test('collectionPeriodCount above 40: 400 naming it', async () => {
    const res = await post('queryHistoryRecord', {
      origin: 'https://shop.example',
      collectionPeriodCount: 41,
    });
    assert.equal(res.statusCode, 400);
    assertCruxShape('error', res.json());
    assert.match(res.json<{ error: { message: string } }>().error.message, /collectionPeriodCount/);
  });

  test("tokens: none or a bad one 401 UNAUTHENTICATED, another project's site 403 PERMISSION_DENIED", async () => {
    const none = await app.inject({
      method: 'POST',
      url: '/v1/records:queryRecord',
      payload: { origin: 'https://shop.example' },
    });
    const bad = await post(
      'queryRecord',
      { origin: 'https://shop.example' },
      { token: 'not-a-token' },
    );
    for (const res of [none, bad]) {
      assert.equal(res.statusCode, 401, res.body);
      assertCruxShape('error', res.json());
      assert.equal(res.json<{ error: { status: string } }>().error.status, 'UNAUTHENTICATED');
    }
    const other = await post(
      'queryRecord',
      { origin: 'https://shop.example' },
      { token: single.readToken },
    );
    assert.equal(other.statusCode, 403, other.body);
    assertCruxShape('error', other.json());
    assert.equal(other.json<{ error: { status: string } }>().error.status, 'PERMISSION_DENIED');
  });

  test('over the rate limit: 429 RESOURCE_EXHAUSTED with Retry-After', async () => {
    const limited = await buildApp({
      pool: db.pool,
      config: testConfig({ LOG_LEVEL: 'warn' }),
      rateLimit: { max: 2 },
    } satisfies AppOptions);
    try {
      const own = await createTestProject(db.pool, redis);
      const statuses: number[] = [];
      let last;
      for (let i = 0; i < 3; i++) {
        last = await post(
          'queryRecord',
          { origin: 'https://nowhere.example' },
          { token: own.readToken, target: limited },
        );
        statuses.push(last.statusCode);
      }
      assert.deepEqual(statuses, [404, 404, 429]);
      assertCruxShape('error', last!.json());
      assert.equal(last!.json<{ error: { status: string } }>().error.status, 'RESOURCE_EXHAUSTED');
      assert.ok(Number(last!.headers['retry-after']) > 0);
    } finally {
      await limited.close();
    }
  });

  test('OpenAPI documents both routes', async () => {
    const doc = (await app.inject('/docs/json')).json<{
      paths: Record<string, { post?: unknown }>;
    }>();
    assert.ok(doc.paths['/v1/records:queryRecord']?.post);
    assert.ok(doc.paths['/v1/records:queryHistoryRecord']?.post);
  });
});

describe('a real CrUX client (crux-api from npm, unmodified)', () => {
  test('reads a record and a history record through its fetch option; null for no data', async (t) => {
    const server = await buildApp({ pool: db.pool, config: testConfig({ LOG_LEVEL: 'warn' }) });
    await server.listen({ port: 0, host: '127.0.0.1' });
    try {
      const { port } = server.server.address() as AddressInfo;
      // crux-api posts to https://chromeuxreport.googleapis.com/v1/records:… and takes a
      // `fetch` option: only the host is swapped for ours, the request is the client's own.
      const local: typeof fetch = (input, init) =>
        fetch(
          String(input).replace(
            'https://chromeuxreport.googleapis.com',
            `http://127.0.0.1:${port}`,
          ),
          init,
        );
      const queryRecord = createQueryRecord({ key: multi.readToken, fetch: local });
      const queryHistoryRecord = createQueryHistoryRecord({ key: multi.readToken, fetch: local });

      const rec = await queryRecord({ origin: 'https://shop.example', formFactor: 'PHONE' });
      assert.ok(rec);
      t.diagnostic(`crux-api queryRecord: ${JSON.stringify(rec)}`);
      const direct = await record({ origin: 'https://shop.example', formFactor: 'PHONE' });
      assert.deepEqual(rec, direct);

      const hist = await queryHistoryRecord({
        url: 'https://shop.example/checkout',
        metrics: ['largest_contentful_paint', 'interaction_to_next_paint'],
        collectionPeriodCount: 3,
      });
      assert.ok(hist);
      t.diagnostic(`crux-api queryHistoryRecord: ${JSON.stringify(hist)}`);
      assert.equal(hist.record.collectionPeriods.length, 3);
      assert.deepEqual(Object.keys(hist.record.metrics).sort(), [
        'interaction_to_next_paint',
        'largest_contentful_paint',
      ]);
      const lcp = multiEvents
        .filter((e) => e.domain === 'shop.example' && e.path === '/checkout' && e.name === 'LCP')
        .map((e) => e);
      assert.equal(
        hist.record.metrics.largest_contentful_paint!.percentilesTimeseries.p75s.at(-1),
        expectedHistogram(
          'LCP',
          inPeriod(lcp, today()).map((e) => e.value),
        ).percentiles.p75,
      );

      assert.equal(await queryRecord({ origin: 'https://nowhere.example' }), null);
    } finally {
      await server.close();
    }
  });
});
