/**
 * The packed bin rollups (migrations 0021, 0023, 0024) on the embedded TimescaleDB: overall,
 * device, browser, page, route, country, page x device and route x device questions answered
 * from them equal, number for number, the same questions answered from the bin rollups they
 * are built on (lists with and without a top, time series and metric groups, over 24 hours, 7
 * and 30 days, raw rows at the window's ends included), their counts are those of the raw
 * rows, and late events reach them through TimescaleDB's invalidation when the refresh
 * policies run. Also: the bins of packed entries against a sorted array.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { METRIC_NAMES, rate, type MetricName, type Range } from '@rum/contract';
import { orderStatisticBinsOfPacked } from '../src/aggregates/bin-percentiles.ts';
import {
  binCountsSql,
  groupStats,
  rollupSource,
  topStatsOfBins,
  type GroupBy,
  type GroupStatsQuery,
  type GroupStatsRow,
  type Readers,
  type TopGroups,
} from '../src/aggregates/group-stats.ts';
import { RollupCatalog } from '../src/aggregates/rollup-catalog.ts';
import { SqlParams } from '../src/aggregates/sql-params.ts';
import type { BinRollupKey } from '../src/aggregates/sql-identifiers.ts';
import { resolveWindow } from '../src/aggregates/window.ts';
import { refreshRollups } from '../src/migrations.ts';
import { startTestDatabase, type TestDatabase } from './test-database.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const COUNTRIES = ['DE', 'FR', 'US', 'BR', 'JP', 'IN'];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const BROWSERS = ['Chrome', 'Safari', 'Firefox', 'Edge'];
const PERCENTILES = [0.5, 0.75, 0.95];

let db: TestDatabase;
let readers: Readers;
let projectId: number;
let pageIds: number[];

function random(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
}

interface Event {
  time: number;
  page: number;
  name: MetricName;
  value: number;
  country: string;
  device: string;
  browser: string;
}

async function insert(events: Event[], session: string): Promise<void> {
  const col = <T>(f: (e: Event) => T) => events.map(f);
  await db.pool.query(
    `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value,
                          rating, device_type, browser, os, country)
     SELECT to_timestamp(e.t / 1000.0), $1, pg.website_id, pg.id, $2, 'm' || e.i, e.name, e.value,
            e.rating, e.device, e.browser, 'Android', e.country
       FROM unnest($3::float8[], $4::int[], $5::text[], $6::float8[], $7::text[], $8::text[],
                   $9::text[], $10::text[])
              WITH ORDINALITY AS e(t, page, name, value, rating, country, device, browser, i)
       JOIN pages pg ON pg.id = e.page`,
    [
      projectId,
      session,
      col((e) => e.time),
      col((e) => e.page),
      col((e) => e.name),
      col((e) => e.value),
      col((e) => rate(e.name, e.value)),
      col((e) => e.country),
      col((e) => e.device),
      col((e) => e.browser),
    ],
  );
}

/** Log-normal values around each metric's thresholds, so bins straddle the rating edges. */
function events(count: number, from: number, to: number, seed: number): Event[] {
  const rand = random(seed);
  const median: Record<MetricName, number> = {
    LCP: 2400,
    INP: 190,
    CLS: 0.09,
    FCP: 1700,
    TTFB: 750,
    FID: 90,
  };
  return Array.from({ length: count }, () => {
    const name = METRIC_NAMES[Math.floor(rand() * 3)]!;
    const normal = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    // Skewed: the first pages and countries take most events.
    const page = pageIds[Math.floor(pageIds.length * rand() ** 2)]!;
    return {
      time: from + Math.floor(rand() * (to - from)),
      page,
      name,
      value: median[name] * Math.exp(0.7 * normal),
      country: COUNTRIES[Math.floor(COUNTRIES.length * rand() ** 2)]!,
      device: DEVICES[Math.floor(DEVICES.length * rand() ** 2)]!,
      browser: BROWSERS[Math.floor(BROWSERS.length * rand())]!,
    };
  });
}

before(async () => {
  db = await startTestDatabase();
  readers = { db: db.pool, rollups: new RollupCatalog(db.pool) };
  const { rows } = await db.pool.query<{ project: number; page: number }>(`
    WITH pr AS (INSERT INTO projects (slug, name) VALUES ('packed', 'packed') RETURNING id),
         w AS (INSERT INTO websites (project_id, domain) SELECT id, 'packed.example' FROM pr RETURNING id, project_id)
    INSERT INTO pages (website_id, path)
    SELECT w.id, p FROM w, unnest(ARRAY['/', '/cart', '/product/1', '/product/2', '/product/3',
                                        '/post/a', '/post/b', '/about']) p
    RETURNING (SELECT project_id FROM w) AS project, id AS page`);
  projectId = rows[0]!.project;
  pageIds = rows.map((r) => r.page);
  const now = Date.now();
  // 33 days of traffic up to now: whole weeks, days and hours, and the open hour read raw.
  await insert(events(12_000, now - 33 * DAY, now, 1), 's');
  await refreshRollups(db.pool);
});

after(async () => {
  await db?.stop();
});

/** The question from the bin rollups of `rollup`, as before migration 0021. */
async function fromBins<K>(
  q: GroupStatsQuery,
  rollup: BinRollupKey,
  metricOf: (key: K) => MetricName,
): Promise<GroupStatsRow<K>[]> {
  const p = new SqlParams();
  const source = await rollupSource(readers, rollup);
  const bins = binCountsSql(p, q.filters, q.window, q.groupBy, source, q.coarsest);
  return (await topStatsOfBins(db.pool, p, bins, q.percentiles, metricOf, q.top)).top;
}

const byKey = <K>(rows: GroupStatsRow<K>[]) =>
  [...rows].sort((a, b) => String(a.key).localeCompare(String(b.key)));

interface Question {
  label: string;
  rollup: BinRollupKey;
  groupBy: GroupBy;
  pages?: boolean;
  country?: string;
  device?: string;
  top?: TopGroups;
  coarsest?: GroupStatsQuery['coarsest'];
}

const QUESTIONS: Question[] = [
  { label: 'summary', rollup: 'overall', groupBy: { column: 'metric' } },
  { label: '6-hourly series', rollup: 'overall', groupBy: { interval: '6h' }, coarsest: 'hourly' },
  { label: 'devices', rollup: 'device', groupBy: { column: 'device' } },
  { label: 'browsers', rollup: 'browser', groupBy: { column: 'browser' } },
  {
    label: 'pages on desktops',
    rollup: 'pageDevice',
    groupBy: { column: 'page' },
    device: 'desktop',
  },
  {
    label: 'routes on phones',
    rollup: 'routeDevice',
    groupBy: { column: 'route' },
    device: 'mobile',
  },
  {
    label: 'metrics on desktops',
    rollup: 'device',
    groupBy: { column: 'metric' },
    device: 'desktop',
  },
  { label: 'pages', rollup: 'page', groupBy: { column: 'page' } },
  {
    label: 'top 3 pages',
    rollup: 'page',
    groupBy: { column: 'page' },
    top: { limit: 3, by: 'count' },
  },
  { label: 'routes', rollup: 'route', groupBy: { column: 'route' } },
  {
    label: 'top 2 routes by poor',
    rollup: 'route',
    groupBy: { column: 'route' },
    top: { limit: 2, by: 'poor' },
  },
  { label: 'countries', rollup: 'country', groupBy: { column: 'country' } },
  {
    label: 'top 1 country',
    rollup: 'country',
    groupBy: { column: 'country' },
    top: { limit: 1, by: 'count' },
  },
  {
    label: 'metrics of one country',
    rollup: 'country',
    groupBy: { column: 'metric' },
    country: 'FR',
  },
  {
    label: 'daily series of two pages',
    rollup: 'page',
    groupBy: { interval: '1d' },
    pages: true,
    coarsest: 'daily',
  },
  {
    label: 'hourly series of one country',
    rollup: 'country',
    groupBy: { interval: '1h' },
    country: 'DE',
    coarsest: 'hourly',
  },
];

const byMetric = (groupBy: GroupBy) => 'column' in groupBy && groupBy.column === 'metric';

function query(question: Question, range: Range, name: MetricName): GroupStatsQuery {
  return {
    filters: {
      projectId,
      metrics: byMetric(question.groupBy) ? ['LCP', 'INP', 'CLS'] : [name],
      ...(question.pages ? { pageIds: pageIds.slice(0, 2) } : {}),
      ...(question.country ? { country: question.country } : {}),
      ...(question.device ? { device: question.device } : {}),
    },
    window: resolveWindow({ range }, Date.now()),
    groupBy: question.groupBy,
    percentiles: PERCENTILES,
    ...(question.top ? { top: question.top } : {}),
    ...(question.coarsest ? { coarsest: question.coarsest } : {}),
  };
}

/** Every question from the packed rollups equals it from the bin rollups; returns the total count. */
async function assertPackedEqualsBins(
  range: Range,
  name: MetricName,
): Promise<Map<string, number>> {
  const totals = new Map<string, number>();
  for (const question of QUESTIONS) {
    const q = query(question, range, name);
    const metricOf = (key: unknown) => (byMetric(q.groupBy) ? (key as MetricName) : name);
    const packed = await groupStats(readers, q, metricOf);
    assert.equal(packed.source, 'rollup', `${question.label}: read from the rollups`);
    const bins = await fromBins(q, question.rollup, metricOf);
    assert.ok(bins.length > 0, `${question.label}, ${range}: has groups`);
    assert.deepEqual(byKey(packed.rows), byKey(bins), `${question.label}, ${range}, ${name}`);
    totals.set(
      question.label,
      packed.rows.reduce((sum, r) => sum + r.count, 0),
    );
  }
  return totals;
}

test('every question from the packed rollups equals it from the bin rollups exactly', async () => {
  for (const range of ['24h', '7d', '30d'] as const)
    for (const name of ['LCP', 'CLS'] as const) await assertPackedEqualsBins(range, name);
});

test('their counts are the raw rows', async () => {
  for (const range of ['24h', '7d', '30d'] as const) {
    const window = resolveWindow({ range }, Date.now());
    const { rows } = await db.pool.query<{ country: string; n: number }>(
      `SELECT country, count(*)::int AS n FROM metrics
        WHERE project_id = $1 AND name = 'LCP' AND time >= $2 AND time < $3 GROUP BY country`,
      [projectId, window.from, window.to],
    );
    const q = query(
      QUESTIONS.find((x) => x.label === 'countries')!,
      range,
      'LCP',
    );
    const packed = await groupStats<string>(readers, q, () => 'LCP');
    assert.deepEqual(
      Object.fromEntries(packed.rows.map((r) => [r.key, r.count])),
      Object.fromEntries(rows.map((r) => [r.country, r.n])),
      range,
    );
  }
});

test('late events reach the packed rollups when the refresh policies run', async () => {
  const before = await assertPackedEqualsBins('7d', 'LCP');
  // 300 LCP events of 30 hours ago: in rolled hours (or a rolled day) of every 7-day window.
  const at = Date.now() - 30 * HOUR;
  const late = events(900, at, at + HOUR, 2).filter((e) => e.name === 'LCP');
  await insert(late, 'late');
  const stale = await assertPackedEqualsBins('7d', 'LCP');
  assert.equal(
    stale.get('pages'),
    before.get('pages'),
    'not yet refreshed: the rolled rows answer',
  );
  await db.embedded.runDuePolicies(true);
  const refreshed = await assertPackedEqualsBins('7d', 'LCP');
  for (const label of ['summary', 'devices', 'pages', 'routes', 'countries'])
    assert.equal(refreshed.get(label), before.get(label)! + late.length, label);
});

test('the bins of packed entries are those of the sorted samples', () => {
  const rand = random(7);
  for (let round = 0; round < 200; round++) {
    const entries = Array.from({ length: 1 + Math.floor(rand() * 40) }, () => ({
      bin: Math.floor(rand() * 600) - (round % 2) * 3,
      n: 1 + Math.floor(rand() * (round % 3 === 0 ? 5 : 3_000_000_000)),
    }));
    const packed = Buffer.alloc(entries.length * 10);
    entries.forEach((e, i) => {
      packed.writeInt16BE(e.bin, i * 10);
      packed.writeBigInt64BE(BigInt(e.n), i * 10 + 2);
    });
    const count = entries.reduce((sum, e) => sum + e.n, 0);
    const percentiles = [0, 0.5, 0.75, 0.95, 1];
    // Reference: the bin of the sample at each rank, walking the bins in order.
    const sorted = [...entries].sort((a, b) => a.bin - b.bin);
    const binAt = (rank: number) => {
      let seen = 0;
      for (const e of sorted) if ((seen += e.n) > rank) return e.bin;
      throw new Error('rank beyond the samples');
    };
    const expected = percentiles.flatMap((p) => {
      const rank = p * (count - 1);
      return [binAt(Math.floor(rank)), binAt(Math.ceil(rank))];
    });
    assert.deepEqual(orderStatisticBinsOfPacked(packed, count, percentiles), expected);
  }
  assert.throws(() => orderStatisticBinsOfPacked(Buffer.alloc(9), 1, [0.5]), /not whole/);
  assert.throws(() => orderStatisticBinsOfPacked(Buffer.alloc(0), 1, [0.5]), /fewer than/);
});
