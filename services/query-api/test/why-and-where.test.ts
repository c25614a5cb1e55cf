/**
 * Why and where (issue 13): navigation types, routes, comparison with the previous window,
 * top attribution values, LCP/INP phases and the Core Web Vitals assessment, each checked
 * against an exact computation over the generated data set (within 2% where bins answer).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestDatabase, TestProject } from '@rum/testing';
import {
  PHASES,
  rate,
  type AssessmentResponse,
  type AttributionResponse,
  type BreakdownResponse,
  type ErrorsResponse,
  type PagesResponse,
  type PhasesResponse,
  type SummaryResponse,
} from '@rum/contract';
import {
  ATTRIBUTION_HOURS_KEPT_MS,
  ATTRIBUTION_SETTLE_MS,
  ATTRIBUTION_TOP_VALUES,
  rerollAttributionDays,
  rollRecentAttributionHours,
  rollSettledAttributionDays,
  setRoutePatterns,
} from '@rum/server-kit';
import {
  DAY_MS,
  HOUR_MS,
  exactAttribution,
  exactShares,
  groupBy,
  inWindow,
  percentileCont,
  type DataSet,
  type Event,
  assertClose,
  ofMetric,
  packedAttributionMismatches,
  projectGetter,
  startQueryFixture,
  type QueryFixture,
  values,
} from './fixture.ts';

let fixture: QueryFixture | undefined;
let db: TestDatabase;
let project: TestProject;
let data: DataSet;
let get: ReturnType<typeof projectGetter>;
let now: number;

before(async () => {
  fixture = await startQueryFixture();
  ({ db, project, data, get, now } = fixture);
});

after(() => fixture?.stop());

describe('navigation types', () => {
  for (const range of ['24h', '30d'] as const) {
    test(`breakdown by navigationType (${range}), samples without one as unknown`, async () => {
      const body = await get<BreakdownResponse>(
        `breakdown?range=${range}&metric=LCP&by=navigationType`,
      );
      assert.equal(body.source, range === '24h' ? 'rollup' : 'rollup');
      const groups = groupBy(
        ofMetric(inWindow(data.events, body), 'LCP'),
        (e) => e.navigationType ?? 'unknown',
      );
      assert.ok(groups.has('back-forward-cache') && groups.has('unknown'));
      assert.deepEqual(new Set(body.rows.map((r) => r.value)), new Set(groups.keys()));
      for (const row of body.rows) {
        const vs = values(groups.get(row.value)!);
        assert.equal(row.count, vs.length, row.value);
        assertClose(row.p75, percentileCont(vs, 0.75), 0.02, `${row.value} p75`);
      }
    });
  }

  test('navigationType filters every aggregate (summary over 7 days, from its rollup)', async () => {
    const body = await get<SummaryResponse>('summary?range=7d&navigationType=reload');
    assert.equal(body.source, 'rollup');
    const reloads = inWindow(data.events, body).filter((e) => e.navigationType === 'reload');
    for (const m of body.metrics) {
      const vs = values(ofMetric(reloads, m.metric));
      assert.equal(m.count, vs.length, m.metric);
      assertClose(m.p75, percentileCont(vs, 0.75), 0.02, `${m.metric} p75`);
    }
  });

  test('errors filter by the navigation type of their page view', async () => {
    const body = await get<ErrorsResponse>('errors?range=7d&navigationType=reload');
    const reloads = inWindow(data.errors, body).filter((e) => e.navigationType === 'reload');
    const groups = groupBy(reloads, (e) => e.fingerprint);
    assert.ok(reloads.length > 0 && reloads.length < data.errors.length);
    assert.deepEqual(
      Object.fromEntries(body.errors.map((e) => [e.fingerprint, e.count])),
      Object.fromEntries([...groups].map(([fp, es]) => [fp, es.length])),
    );
  });

  test('an unknown navigation type is a 400 naming the parameter', async () => {
    const body = await get<{ parameter?: string; message: string }>(
      'summary?navigationType=teleport',
      400,
    );
    assert.match(body.message, /navigationType/);
  });
});

describe('routes', () => {
  test('pages group by route template by default: /product/1, /2, /3 are one row', async () => {
    const body = await get<PagesResponse>('pages?range=7d&metric=LCP');
    assert.equal(body.groupBy, 'route');
    const lcp = ofMetric(inWindow(data.events, body), 'LCP');
    const routeOf = (path: string) => path.replace(/\/\d+$/, '/:id');
    const byRoute = groupBy(lcp, (e) => `${e.domain}${routeOf(e.path)}`);
    assert.equal(body.pages.length, byRoute.size);
    const product = body.pages.find((p) => p.path === '/product/:id')!;
    assert.equal(product.pages, 3);
    assert.equal(product.route, '/product/:id');
    for (const row of body.pages) {
      const vs = values(byRoute.get(`${row.domain}${row.path}`)!);
      assert.equal(row.count, vs.length, row.path);
      assertClose(row.p75, percentileCont(vs, 0.75), 0.02, `${row.path} p75`);
    }
  });

  test('raw windows group by route exactly', async () => {
    const body = await get<PagesResponse>('slow-pages?range=1h&metric=TTFB&minSamples=1');
    assert.equal(body.source, 'raw');
    const ttfb = ofMetric(inWindow(data.events, body), 'TTFB');
    const product = values(ttfb.filter((e) => e.path.startsWith('/product/')));
    const row = body.pages.find((p) => p.path === '/product/:id');
    if (product.length === 0) assert.equal(row, undefined);
    else assert.equal(row!.p75, percentileCont(product, 0.75));
  });

  test('the page filter takes a route template', async () => {
    const body = await get<SummaryResponse>('summary?range=24h&metric=INP&page=/product/:id');
    const inp = ofMetric(inWindow(data.events, body), 'INP').filter((e) =>
      e.path.startsWith('/product/'),
    );
    assert.equal(body.metrics[0]!.count, inp.length);
    assertClose(body.metrics[0]!.p75, percentileCont(values(inp), 0.75), 0.02, 'p75');
  });

  for (const range of ['24h', '7d', '30d'] as const) {
    test(`a route filter (${range}) reads the route rollups: counts exact, p75 within 2%`, async () => {
      const body = await get<SummaryResponse>(`summary?range=${range}&route=/product/:id`);
      assert.equal(body.source, 'rollup');
      const product = inWindow(data.events, body).filter((e) => e.path.startsWith('/product/'));
      for (const m of body.metrics) {
        const vs = values(ofMetric(product, m.metric));
        assert.equal(m.count, vs.length, m.metric);
        assertClose(m.p75, percentileCont(vs, 0.75), 0.02, `${m.metric} p75`);
      }
    });
  }

  for (const range of ['7d', '30d'] as const) {
    test(`a route filter beside a device filter (${range}) reads the route x device pair: counts exact, p75 within 2%`, async () => {
      const body = await get<SummaryResponse>(
        `summary?range=${range}&route=/product/:id&device=mobile`,
      );
      assert.equal(body.source, 'rollup');
      const product = inWindow(data.events, body).filter(
        (e) => e.path.startsWith('/product/') && e.device === 'mobile',
      );
      for (const m of body.metrics) {
        const vs = values(ofMetric(product, m.metric));
        assert.equal(m.count, vs.length, m.metric);
        assertClose(m.p75, percentileCont(vs, 0.75), 0.02, `${m.metric} p75`);
      }
    });
  }

  test('project patterns win over automatic templates and apply to stored pages', async () => {
    const set = await setRoutePatterns(db.pool, project.project, ['/product/:slug', '/post/*']);
    assert.equal(set.pagesRetemplated, 4);
    try {
      const body = await get<PagesResponse>('pages?range=30d&metric=CLS&groupBy=route');
      const paths = body.pages.map((p) => p.path);
      assert.ok(paths.includes('/product/:slug') && paths.includes('/post/*'), paths.join());
      assert.ok(!paths.includes('/product/:id'));
      // The route rollups were rebuilt with the new templates: a route filter over 30 days
      // (daily and hourly route rows) counts exactly the pages the new pattern covers.
      const filtered = await get<SummaryResponse>('summary?range=30d&route=/product/:slug');
      assert.equal(filtered.source, 'rollup');
      const product = inWindow(data.events, filtered).filter((e) => e.path.startsWith('/product/'));
      for (const m of filtered.metrics)
        assert.equal(m.count, ofMetric(product, m.metric).length, m.metric);
      // (The metric parameter keeps this apart from the cached answer of the test above.)
      const former = await get<SummaryResponse>('summary?range=30d&metric=LCP&route=/product/:id');
      assert.equal(former.metrics[0]?.count ?? 0, 0, 'no rows keep the former template');
      // A page created after the change takes the new patterns too.
      const { rows } = await db.pool.query<{ route: string }>(
        `INSERT INTO pages (website_id, path) SELECT website_id, '/product/99' FROM pages WHERE path = '/product/1'
         RETURNING route`,
      );
      assert.equal(rows[0]!.route, '/product/:slug');
    } finally {
      await setRoutePatterns(db.pool, project.project, []);
    }
  });

  test('automatic templating: numbers, UUIDs, hashes; words stay', async () => {
    const cases: Array<[string, string]> = [
      ['/products/1234', '/products/:id'],
      ['/orders/3f2a8e4c-1b7d-4c2e-9a0f-5d6e7f8a9b0c/items', '/orders/:id/items'],
      ['/assets/9f86d081884c7d659a2feaa0c55ad015', '/assets/:id'],
      ['/static/app.3f9a2b1c.js', '/static/app.:hash.js'],
      ['/blog/hello-world', '/blog/hello-world'],
      ['/page-2', '/page-2'],
      ['/', '/'],
    ];
    for (const [path, route] of cases) {
      const { rows } = await db.pool.query<{ route: string }>(
        `SELECT rum_route($1, '{}') AS route`,
        [path],
      );
      assert.equal(rows[0]!.route, route, path);
    }
  });
});

describe('compare=previous', () => {
  test('summary: the previous 24 hours and the change', async () => {
    const body = await get<SummaryResponse>('summary?range=24h&compare=previous');
    assert.ok(body.compare);
    assert.equal(Date.parse(body.compare.to), Date.parse(body.from));
    assert.equal(Date.parse(body.compare.from), 2 * Date.parse(body.from) - Date.parse(body.to));
    const before = inWindow(data.events, body.compare);
    const nowEvents = inWindow(data.events, body);
    for (const m of body.metrics) {
      const then = values(ofMetric(before, m.metric));
      const vs = values(ofMetric(nowEvents, m.metric));
      assert.equal(m.previous!.count, then.length, m.metric);
      assertClose(m.previous!.p75, percentileCont(then, 0.75), 0.02, `${m.metric} previous p75`);
      assertClose(m.change!.p75, m.p75! - m.previous!.p75!, 1e-9, `${m.metric} change`);
      assertClose(
        m.change!.good,
        exactShares(m.metric, vs).good - exactShares(m.metric, then).good,
        1e-9,
        `${m.metric} good share change`,
      );
    }
  });

  test('pages and breakdown rows carry their previous figures', async () => {
    const pages = await get<PagesResponse>('pages?range=24h&metric=LCP&compare=previous');
    for (const row of pages.pages)
      assert.ok(row.previous !== undefined && row.change !== undefined);
    const body = await get<BreakdownResponse>(
      'breakdown?range=24h&metric=LCP&by=device&compare=previous',
    );
    const before = groupBy(ofMetric(inWindow(data.events, body.compare!), 'LCP'), (e) => e.device);
    for (const row of body.rows) {
      assert.equal(row.previous?.count ?? 0, before.get(row.value)?.length ?? 0, row.value);
    }
    const plain = await get<BreakdownResponse>('breakdown?range=24h&metric=LCP&by=device');
    assert.equal(plain.compare, undefined);
    assert.equal(plain.rows[0]!.previous, undefined);
  });
});

/** The exact answer of attribution?by=`key` over `events`. */

describe('attribution and phases', () => {
  test('raw window: LCP by element, ranked by poor samples, exact', async () => {
    const body = await get<AttributionResponse>('attribution?range=24h&metric=LCP&by=element');
    assert.equal(body.source, 'raw');
    const { of, groups, poorTotal } = exactAttribution(
      inWindow(data.events, body),
      'LCP',
      'element',
    );
    assert.equal(body.count, of.length);
    assert.equal(body.poor, poorTotal);
    assertClose(
      body.unattributed,
      (groups.get(null)?.length ?? 0) / of.length,
      1e-12,
      'unattributed',
    );
    assert.equal(body.groups.length, groups.size - (groups.has(null) ? 1 : 0));
    const poors = body.groups.map((g) => g.poor);
    assert.deepEqual(
      poors,
      [...poors].sort((a, b) => b - a),
    );
    for (const g of body.groups) {
      const vs = values(groups.get(g.value)!);
      assert.equal(g.count, vs.length);
      assert.equal(g.p75, percentileCont(vs, 0.75));
      assert.equal(g.poor, vs.filter((v) => rate('LCP', v) === 'poor').length);
      assertClose(g.poorShare, poorTotal ? g.poor / poorTotal : 0, 1e-12, 'poor share');
    }
  });

  test('resource URLs lose their query string', async () => {
    const body = await get<AttributionResponse>('attribution?range=24h&metric=LCP&by=url');
    assert.ok(body.groups.length > 0);
    for (const g of body.groups) assert.doesNotMatch(g.value, /[?#]/);
  });

  test('a key the metric does not have is a 400', async () => {
    const body = await get<{ message: string }>('attribution?metric=CLS&by=element', 400);
    assert.match(body.message, /by/);
  });

  test('after the daily rollup: 7 days within 2%, counts exact, the same ranking', async () => {
    const rolled = await rollSettledAttributionDays(db.pool, now);
    assert.ok(rolled.length >= 2, `days rolled: ${rolled.length}`);
    assert.deepEqual(await rollSettledAttributionDays(db.pool, now), [], 'each day once');
    for (const [metric, key] of [
      ['LCP', 'element'],
      ['INP', 'target'],
      ['INP', 'type'],
      ['CLS', 'target'],
    ] as const) {
      const body = await get<AttributionResponse>(
        `attribution?range=7d&metric=${metric}&by=${key}`,
      );
      assert.equal(body.source, 'rollup');
      const { of, groups, poorTotal } = exactAttribution(inWindow(data.events, body), metric, key);
      assert.equal(body.count, of.length, `${metric} ${key} count`);
      assert.equal(body.poor, poorTotal);
      for (const g of body.groups) {
        assert.ok(
          groups.has(g.value),
          `${metric} ${key}: ${g.value} in ${[...groups.keys()].join()}`,
        );
        const vs = values(groups.get(g.value)!);
        assert.equal(g.count, vs.length, `${metric} ${key}=${g.value}`);
        assertClose(g.p75, percentileCont(vs, 0.75), 0.02, `${metric} ${key}=${g.value} p75`);
      }
    }
  });

  test('a short list names the first values of the whole ranking, with the totals of all (rollup)', async () => {
    // Only the values that can make the list get percentiles (TopGroups); the rest still count.
    for (const [metric, key] of [
      ['LCP', 'element'],
      ['INP', 'target'],
    ] as const) {
      const first = await get<AttributionResponse>(
        `attribution?range=7d&metric=${metric}&by=${key}&limit=1`,
      );
      assert.equal(first.source, 'rollup');
      const { of, groups, poorTotal } = exactAttribution(inWindow(data.events, first), metric, key);
      const exact = [...groups]
        .filter((g): g is [string, typeof of] => g[0] !== null)
        .map(([value, events]) => ({
          value,
          count: events.length,
          poor: events.filter((e) => rate(metric, e.value) === 'poor').length,
          events,
        }))
        .sort((a, b) => b.poor - a.poor || b.count - a.count || a.value.localeCompare(b.value));
      assert.ok(exact.length >= 3, `${metric} ${key}: values in the window: ${exact.length}`);
      for (let limit = 1; limit <= exact.length; limit += 1) {
        const body = await get<AttributionResponse>(
          `attribution?range=7d&metric=${metric}&by=${key}&limit=${limit}`,
        );
        const label = `${metric} ${key} limit ${limit}`;
        assert.equal(body.count, of.length, `${label}: count`);
        assert.equal(body.poor, poorTotal, `${label}: poor`);
        assertClose(
          body.unattributed,
          (groups.get(null)?.length ?? 0) / of.length,
          1e-12,
          `${label}: unattributed`,
        );
        assert.deepEqual(
          body.groups.map((g) => [g.value, g.count, g.poor]),
          exact.slice(0, limit).map((g) => [g.value, g.count, g.poor]),
          label,
        );
        for (const [i, g] of body.groups.entries())
          assertClose(g.p75, percentileCont(values(exact[i]!.events), 0.75), 0.02, label);
      }
    }
  });

  test('after the hourly rollup: 24 hours and 7 days from rolled hours (and days) within 2%, counts exact; each hour once', async () => {
    const recent = await rollRecentAttributionHours(db.pool, now);
    assert.ok(recent.length >= 24, `recent hours rolled: ${recent.length}`);
    const older = await rollRecentAttributionHours(db.pool, now, true);
    assert.ok(older.length > 0 && older.every((h) => h < recent[0]!), 'recent hours not twice');
    const kept = Math.ceil((now - ATTRIBUTION_HOURS_KEPT_MS) / HOUR_MS) * HOUR_MS;
    const { rows } = await db.pool.query<{ with_events: number; rolled: number }>(
      `SELECT (SELECT count(DISTINCT time_bucket(INTERVAL '1 hour', time)) FROM metrics
                WHERE time >= $1 AND time < $2 AND name IN ('LCP', 'INP', 'CLS'))::int AS with_events,
              (SELECT count(*) FROM attribution_hours WHERE bucket >= $1 AND bucket < $2)::int AS rolled`,
      [new Date(kept), new Date(Math.floor(now / HOUR_MS) * HOUR_MS)],
    );
    assert.equal(rows[0]!.rolled, rows[0]!.with_events, 'every complete hour kept with events');
    assert.equal(recent.length + older.length, rows[0]!.rolled);
    assert.deepEqual(await rollRecentAttributionHours(db.pool, now, true), [], 'each hour once');
    for (const [range, metric, key] of [
      ['24h', 'LCP', 'element'],
      ['24h', 'LCP', 'url'],
      ['24h', 'INP', 'target'],
      ['24h', 'CLS', 'target'],
      ['7d', 'LCP', 'url'],
      ['7d', 'INP', 'type'],
    ] as const) {
      const body = await get<AttributionResponse>(
        `attribution?range=${range}&metric=${metric}&by=${key}&limit=11`,
      );
      assert.equal(body.source, 'rollup', `${metric} ${key}`);
      const { of, groups, poorTotal } = exactAttribution(inWindow(data.events, body), metric, key);
      assert.equal(body.count, of.length, `${metric} ${key} count`);
      assert.equal(body.poor, poorTotal, `${metric} ${key} poor`);
      for (const g of body.groups) {
        const vs = values(groups.get(g.value)!);
        assert.equal(g.count, vs.length, `${metric} ${key}=${g.value}`);
        assertClose(g.p75, percentileCont(vs, 0.75), 0.02, `${metric} ${key}=${g.value} p75`);
      }
    }
  });

  test('late events in a rolled hour roll it again; its hours outlive the day rollup', async () => {
    const hour = Math.floor((now - 3 * HOUR_MS) / HOUR_MS) * HOUR_MS;
    const window = `from=${new Date(hour).toISOString()}&to=${new Date(hour + HOUR_MS).toISOString()}`;
    const late = (limit: number) =>
      get<AttributionResponse>(`attribution?${window}&metric=INP&by=target&limit=${limit}`);
    await rollRecentAttributionHours(db.pool, now);
    const before = await late(20);
    assert.equal(before.source, 'rollup');
    const site = await db.pool.query<{ page: number; website: number }>(
      `SELECT p.id AS page, w.id AS website FROM pages p JOIN websites w ON w.id = p.website_id
        WHERE w.project_id = $1 ORDER BY p.id LIMIT 1`,
      [project.id],
    );
    await db.pool.query(
      `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
         device_type, browser, os, country, attribution)
       SELECT to_timestamp($1 / 1000.0) + i * interval '1 minute', $2, $3, $4, 'late', 'late-' || i, 'INP',
              700, 'poor', 'mobile', 'Chrome', 'Android', 'DE', '{"target":"button#late-hour"}'
         FROM generate_series(1, 5) i`,
      [hour, project.id, site.rows[0]!.website, site.rows[0]!.page],
    );
    assert.deepEqual(await rollRecentAttributionHours(db.pool, now), [new Date(hour)]);
    const after = await late(21);
    assert.equal(after.source, 'rollup');
    assert.equal(after.count, before.count + 5);
    assert.equal(after.poor, before.poor + 5);
    assert.equal(after.groups.find((g) => g.value === 'button#late-hour')?.count, 5);
    assert.equal(await packedAttributionMismatches(db.pool), 0, 'the hour packed again');

    const day = Math.floor(hour / DAY_MS) * DAY_MS;
    const rolled = await rollSettledAttributionDays(db.pool, day + ATTRIBUTION_SETTLE_MS + DAY_MS);
    assert.ok(rolled.some((d) => d.getTime() === day));
    const left = await db.pool.query<{ rows: number; hours: number }>(
      `SELECT (SELECT count(*) FROM attribution_hourly WHERE bucket >= $1 AND bucket < $2)::int AS rows,
              (SELECT count(*) FROM attribution_hours WHERE bucket >= $1 AND bucket < $2)::int AS hours`,
      [new Date(day), new Date(day + DAY_MS)],
    );
    assert.ok(left.rows[0]!.rows > 0 && left.rows[0]!.hours > 0, 'the hours are kept');
    const whole = await get<AttributionResponse>(
      `attribution?from=${new Date(day).toISOString()}&to=${new Date(day + DAY_MS).toISOString()}&metric=INP&by=target&limit=22`,
    );
    assert.equal(whole.source, 'rollup');
    assert.equal(whole.groups.find((g) => g.value === 'button#late-hour')?.count, 5);
    const hourAgain = await late(23);
    assert.equal(hourAgain.source, 'rollup', 'an hour of a rolled day reads its hour');
    assert.equal(hourAgain.count, after.count);
  });

  for (const metric of ['LCP', 'INP'] as const) {
    for (const range of ['24h', '7d'] as const) {
      test(`phases of ${metric} (${range}): p75 of each, all views and poor ones`, async () => {
        const body = await get<PhasesResponse>(`phases?range=${range}&metric=${metric}`);
        const of = ofMetric(inWindow(data.events, body), metric);
        assert.deepEqual(
          body.phases.map((p) => p.phase),
          [...PHASES[metric]],
        );
        const tolerance = body.source === 'raw' ? 1e-9 : 0.02;
        for (const row of body.phases) {
          const all = of.flatMap((e) =>
            typeof e.attribution?.[row.phase] === 'number' ? [e] : [],
          );
          const poor = all.filter((e) => rate(metric, e.value) === 'poor');
          const phase = (es: Event[]) => es.map((e) => e.attribution![row.phase] as number);
          assert.equal(row.all.count, all.length, row.phase);
          assert.equal(row.poor.count, poor.length, `${row.phase} poor`);
          assertClose(row.all.p75, percentileCont(phase(all), 0.75), tolerance, `${row.phase} p75`);
          assertClose(
            row.poor.p75,
            percentileCont(phase(poor), 0.75),
            tolerance,
            `${row.phase} poor p75`,
          );
        }
      });
    }
  }

  test('the daily rollup stays bounded: values beyond the top ones become (other)', async () => {
    const day = Math.floor((now - 20 * DAY_MS) / DAY_MS) * DAY_MS;
    const distinct = ATTRIBUTION_TOP_VALUES * 3;
    const page = await db.pool.query<{ id: number; website_id: number }>(
      `SELECT id, website_id FROM pages ORDER BY id LIMIT 1`,
    );
    const { id: pageId, website_id: websiteId } = page.rows[0]!;
    await db.pool.query(
      `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
         device_type, browser, os, country, attribution)
       SELECT to_timestamp($1 / 1000.0) + i * interval '1 second', $2, $3, $4, 'bounded', 'b-' || i, 'LCP',
              1000 + i * 30, 'good', 'desktop', 'Chrome', 'Linux', 'DE',
              jsonb_build_object('element', 'div.card:nth-child(' || (i % $5) || ')')
         FROM generate_series(1, $5 * 4) i`,
      [day, project.id, websiteId, pageId, distinct],
    );
    await rollSettledAttributionDays(db.pool, now);
    const { rows } = await db.pool.query<{ values: number; samples: number }>(
      `SELECT count(DISTINCT value)::int AS values, sum(samples)::int AS samples FROM attribution_daily
        WHERE bucket = $1 AND key = 'element' AND name = 'LCP'`,
      [new Date(day)],
    );
    assert.equal(rows[0]!.values, ATTRIBUTION_TOP_VALUES + 1, 'top values plus (other)');
    assert.equal(rows[0]!.samples, distinct * 4, 'every sample counted');
    const body = await get<AttributionResponse>(
      `attribution?from=${new Date(day).toISOString()}&to=${new Date(day + DAY_MS).toISOString()}&metric=LCP&by=element&limit=100`,
    );
    assert.equal(body.source, 'rollup');
    assert.equal(body.count, distinct * 4);
    assert.ok(body.groups.some((g) => g.value === '(other)'));
  });
});

describe('back-filled days', () => {
  test('events written into a rolled day count once it is rolled again; empty days are not claimed', async () => {
    const day = Math.floor((now - 40 * DAY_MS) / DAY_MS) * DAY_MS;
    await rollSettledAttributionDays(db.pool, now);
    const claimed = await db.pool.query(`SELECT 1 FROM attribution_days WHERE bucket = $1`, [
      new Date(day),
    ]);
    assert.equal(claimed.rowCount, 0, 'a day without events is left unclaimed');
    const insert = (n: number, from: number) =>
      db.pool.query(
        `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating,
           device_type, browser, os, country, attribution)
         SELECT to_timestamp($1 / 1000.0) + i * interval '1 minute', $2, w.id, p.id, 'backfill', 'bf-' || ($4 + i),
                'INP', 300, 'needs-improvement', 'mobile', 'Chrome', 'Android', 'DE', '{"target":"button#late"}'
           FROM generate_series(1, $3) i, pages p JOIN websites w ON w.id = p.website_id
          WHERE w.project_id = $2 AND p.path = '/checkout'`,
        [day, project.id, n, from],
      );
    const window = `from=${new Date(day).toISOString()}&to=${new Date(day + DAY_MS).toISOString()}`;
    await insert(10, 0);
    await rollSettledAttributionDays(db.pool, now);
    await insert(5, 10);
    const stale = await get<AttributionResponse>(`attribution?${window}&metric=INP&by=target`);
    assert.equal(stale.source, 'rollup');
    assert.equal(stale.count, 10, 'the rollup holds what was there when the day was rolled');
    await rerollAttributionDays(db.pool, new Date(day), new Date(day + DAY_MS));
    const body = await get<AttributionResponse>(
      `attribution?${window}&metric=INP&by=target&limit=1`,
    );
    assert.equal(body.count, 15);
    assert.deepEqual(
      body.groups.map((g) => [g.value, g.count]),
      [['button#late', 15]],
    );
  });
});

describe('Core Web Vitals assessment', () => {
  test('per form factor over 28 days: p75 and rating of LCP, INP and CLS, and the verdict', async () => {
    const body = await get<AssessmentResponse>('assessment');
    assert.equal(Date.parse(body.to) - Date.parse(body.from) >= 28 * DAY_MS, true);
    assert.deepEqual(
      body.formFactors.map((f) => f.formFactor),
      ['mobile', 'desktop'],
    );
    const events = inWindow(data.events, body);
    for (const ff of body.formFactors) {
      const devices = ff.formFactor === 'mobile' ? ['mobile', 'tablet'] : ['desktop'];
      const mine = events.filter((e) => devices.includes(e.device));
      for (const m of ff.metrics) {
        const vs = values(ofMetric(mine, m.metric));
        assert.equal(m.count, vs.length, `${ff.formFactor} ${m.metric}`);
        assertClose(m.p75, percentileCont(vs, 0.75), 0.02, `${ff.formFactor} ${m.metric} p75`);
        assert.equal(m.rating, rate(m.metric, m.p75!));
      }
      const passed = ff.metrics.every((m) => m.rating === 'good');
      assert.equal(ff.status, passed ? 'passed' : 'failed');
    }
  });

  test('below the sample floor there is no verdict', async () => {
    const body = await get<AssessmentResponse>('assessment?minSamples=1000000');
    for (const ff of body.formFactors) {
      assert.equal(ff.status, 'insufficient-data');
      for (const m of ff.metrics) assert.equal(m.rating, null);
    }
  });
});
