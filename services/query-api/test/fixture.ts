/**
 * A generated data set with known values, inserted straight into the tables, and the exact
 * reference computations the tests compare the API's answers with.
 */
import {
  METRIC_NAMES,
  NAVIGATION_TYPES,
  THRESHOLDS,
  binOf,
  rate,
  type MetricName,
  type Rating,
} from '@rum/contract';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import type { Pool, Redis } from '@rum/server-kit';
import { refreshRollups } from '@rum/server-kit';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  testConfig,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import { buildApp } from '../src/app.ts';
// Seeded, so the data set (and any failure) is reproducible.
import { seededRandom as prng } from '@rum/testing/synthetic-traffic';

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;

export interface Event {
  time: number;
  name: MetricName;
  value: number;
  rating: Rating;
  sessionId: string;
  domain: string;
  path: string;
  pageId: number;
  websiteId: number;
  device: string;
  browser: string;
  os: string;
  country: string;
  connection: string;
  /** null: the SDK sent none. */
  navigationType: string | null;
  /** As the SDK's attribution build sends it; null for the standard build. */
  attribution: Record<string, string | number> | null;
  /** The release the page ran; null: none sent. */
  release: string | null;
}

export interface JsError {
  time: number;
  sessionId: string;
  fingerprint: string;
  message: string;
  stack: string | null;
  pageId: number;
  device: string;
  browser: string;
  country: string;
  navigationType: string | null;
  release: string | null;
}

export interface DataSet {
  events: Event[];
  errors: JsError[];
}

const SITES = [
  {
    domain: 'shop.example',
    paths: ['/', '/checkout', '/product/1', '/cart', '/product/2', '/product/3'],
  },
  { domain: 'blog.example', paths: ['/', '/post/hello'] },
];
const DEVICES = ['mobile', 'desktop', 'tablet'];
const BROWSERS: Array<[string, string]> = [
  ['Chrome', 'Android'],
  ['Safari', 'iOS'],
  ['Firefox', 'Windows'],
  ['Edge', 'Windows'],
];
const COUNTRIES = ['US', 'DE', 'FR', 'JP', 'BR'];
const CONNECTIONS = ['4g', 'wifi', 'unknown'];
const NAVIGATIONS = [...NAVIGATION_TYPES, null];
const LCP_ELEMENTS = ['img.hero', 'h1.title', 'div.banner > img'];
const INP_TARGETS = ['button#buy', 'a.nav', 'input#search'];
const CLS_TARGETS = ['div.ad-slot', 'footer'];

/**
 * The release a page ran `age` ms before the data set's end: a deploy three days ago and one a
 * day ago; every tenth sample (`i`) sent none.
 */
export function releaseAt(age: number, i: number): string | null {
  if (i % 10 === 0) return null;
  return age > 3 * DAY_MS ? 'v1.0' : age > DAY_MS ? 'v1.1' : 'v1.2';
}

/** Parts of `total` in the given proportions, each rounded to 0.1 (the last takes the rest). */
function split(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const parts = weights.slice(0, -1).map((w) => Math.round(((total * w) / sum) * 10) / 10);
  return [...parts, Math.round((total - parts.reduce((a, b) => a + b, 0)) * 10) / 10];
}
/** Typical medians per metric; pages and devices scale them. */
const MEDIANS: Record<MetricName, number> = {
  LCP: 2200,
  INP: 160,
  CLS: 0.06,
  FCP: 1500,
  TTFB: 600,
  FID: 40,
};

/**
 * `count` events over the last `days` days (strictly increasing ages, so times are distinct),
 * values log-normal around a per-page, per-device median, plus JS errors.
 */
export function generateDataSet(
  pages: Array<{ domain: string; path: string; pageId: number; websiteId: number }>,
  now: number,
  count = 6000,
  days = 5,
): DataSet {
  const rand = prng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const spacing = (days * DAY_MS - 2 * 60_000) / count;
  const events: Event[] = [];
  for (let i = 0; i < count; i++) {
    const time = now - 60_000 - Math.round(i * spacing + rand() * spacing * 0.9);
    const page = pages[Math.floor(Math.pow(rand(), 1.5) * pages.length)]!;
    const pageIndex = pages.indexOf(page);
    const device = pick(DEVICES);
    const [browser, os] = pick(BROWSERS);
    const name = rand() < 0.05 ? 'FID' : pick(METRIC_NAMES.filter((n) => n !== 'FID'));
    const median = MEDIANS[name] * (1 + 0.35 * pageIndex) * (device === 'mobile' ? 1.4 : 1);
    let value = median * Math.exp(0.6 * gauss());
    if (name === 'CLS') value = rand() < 0.3 ? 0 : Math.round(value * 10_000) / 10_000 + 0.001;
    else value = Math.round(value * 10) / 10 + 1;
    let attribution: Record<string, string | number> | null = null;
    if (rand() < 0.85) {
      const w = () => 0.2 + rand();
      if (name === 'LCP') {
        // The slow pages' LCP is mostly their hero image, loaded with a signed URL.
        const element = rand() < 0.3 + 0.1 * pageIndex ? 'img.hero' : pick(LCP_ELEMENTS);
        const [ttfb, delay, load, render] = split(value, [w(), w(), w(), w()]);
        attribution = {
          element,
          ...(element.includes('img')
            ? { url: `https://cdn.example/${element.length}.jpg?sig=${i}` }
            : {}),
          timeToFirstByte: ttfb!,
          resourceLoadDelay: delay!,
          resourceLoadDuration: load!,
          elementRenderDelay: render!,
        };
      } else if (name === 'INP') {
        const [input, processing, presentation] = split(value, [w(), w(), w()]);
        attribution = {
          target: pick(INP_TARGETS),
          type: rand() < 0.8 ? 'pointer' : 'keyboard',
          inputDelay: input!,
          processingDuration: processing!,
          presentationDelay: presentation!,
        };
      } else if (name === 'CLS') {
        attribution = { target: pick(CLS_TARGETS), value: Math.round(value * 5000) / 10_000 };
      }
    }
    events.push({
      time,
      name,
      value,
      rating: rate(name, value),
      sessionId: `s-${Math.floor(i / 4)}`,
      domain: page.domain,
      path: page.path,
      pageId: page.pageId,
      websiteId: page.websiteId,
      device,
      browser,
      os,
      country: pick(COUNTRIES),
      connection: pick(CONNECTIONS),
      navigationType: pick(NAVIGATIONS),
      attribution,
      release: releaseAt(now - time, i),
    });
  }
  const errors: JsError[] = [];
  for (let i = 0; i < 300; i++) {
    const kind = Math.floor(Math.pow(rand(), 2) * 3);
    const page = pick(pages);
    const time = now - 60_000 - Math.round(rand() * days * DAY_MS);
    errors.push({
      time,
      sessionId: `s-${Math.floor(rand() * (count / 4))}`,
      fingerprint: `fp-${kind}`,
      message: `TypeError: thing ${kind} is undefined`,
      stack:
        rand() < 0.2
          ? null
          : `TypeError: thing ${kind}\n    at f${kind} (app.js:${10 + kind}:5)\n    at call${i}`,
      pageId: page.pageId,
      device: pick(DEVICES),
      browser: pick(BROWSERS)[0],
      country: pick(COUNTRIES),
      navigationType: pick(NAVIGATIONS),
      release: releaseAt(now - time, i),
    });
  }
  return { events, errors };
}

/** Creates the sites and pages of the data set for a project; returns their ids. */
export async function createPages(pool: Pool, projectId: number) {
  const pages: Array<{ domain: string; path: string; pageId: number; websiteId: number }> = [];
  for (const site of SITES) {
    const { rows } = await pool.query<{ id: number }>(
      'INSERT INTO websites (project_id, domain) VALUES ($1, $2) RETURNING id',
      [projectId, site.domain],
    );
    const websiteId = rows[0]!.id;
    for (const path of site.paths) {
      const { rows: p } = await pool.query<{ id: number }>(
        'INSERT INTO pages (website_id, path) VALUES ($1, $2) RETURNING id',
        [websiteId, path],
      );
      pages.push({ domain: site.domain, path, pageId: p[0]!.id, websiteId });
    }
  }
  return pages;
}

/** Inserts the data set with unnest (in chunks), then materialises both rollups. */
export async function insertDataSet(pool: Pool, projectId: number, data: DataSet): Promise<void> {
  const CHUNK = 2000;
  for (let i = 0; i < data.events.length; i += CHUNK) {
    const chunk = data.events.slice(i, i + CHUNK);
    const col = <K extends keyof Event>(k: K) => chunk.map((e) => e[k]);
    await pool.query(
      `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, delta, rating,
         navigation_type, device_type, browser, os, country, connection, attribution, release)
       SELECT to_timestamp(t / 1000.0), $1, w, p, s, 'm-' || s || '-' || ord, n, v, v, r, nt, d, b, o, c, cn,
         a::jsonb, rl
       FROM unnest($2::float8[], $3::int[], $4::int[], $5::text[], $6::text[], $7::float8[], $8::text[],
         $9::text[], $10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
         WITH ORDINALITY AS u(t, w, p, s, n, v, r, d, b, o, c, cn, nt, a, rl, ord)`,
      [
        projectId,
        col('time'),
        col('websiteId'),
        col('pageId'),
        col('sessionId'),
        col('name'),
        col('value'),
        col('rating'),
        col('device'),
        col('browser'),
        col('os'),
        col('country'),
        col('connection'),
        col('navigationType'),
        chunk.map((e) => (e.attribution ? JSON.stringify(e.attribution) : null)),
        col('release'),
      ],
    );
  }
  const e = data.errors;
  await pool.query(
    `INSERT INTO js_errors (time, project_id, website_id, page_id, session_id, fingerprint, message, stack, source,
       line, col, device_type, browser, os, country, navigation_type, release)
     SELECT to_timestamp(t / 1000.0), $1, (SELECT website_id FROM pages WHERE id = p), p, s, f, m, st, 'app.js', 10, 5, d, b, 'any', c, nt, rl
     FROM unnest($2::float8[], $3::int[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[],
       $11::text[], $12::text[]) AS u(t, p, s, f, m, st, d, b, c, nt, rl)`,
    [
      projectId,
      e.map((x) => x.time),
      e.map((x) => x.pageId),
      e.map((x) => x.sessionId),
      e.map((x) => x.fingerprint),
      e.map((x) => x.message),
      e.map((x) => x.stack),
      e.map((x) => x.device),
      e.map((x) => x.browser),
      e.map((x) => x.country),
      e.map((x) => x.navigationType),
      e.map((x) => x.release),
    ],
  );
  // What the workers keep as they store rows: each release's first and last sighting.
  await pool.query(
    `INSERT INTO releases (project_id, release, first_seen, last_seen)
     SELECT $1, rl, to_timestamp(min(t) / 1000.0), to_timestamp(max(t) / 1000.0)
       FROM unnest($2::float8[], $3::text[]) AS u(t, rl) WHERE rl IS NOT NULL GROUP BY rl`,
    [
      projectId,
      [...data.events, ...e].map((x) => x.time),
      [...data.events, ...e].map((x) => x.release),
    ],
  );
  await refreshRollups(pool);
}

// ---- exact reference computations ------------------------------------------------------

/** The samples of `metric` in `events`, grouped by their normalised `key` value (null: none), and how many are poor. */
export function exactAttribution(events: Event[], metric: MetricName, key: string) {
  const of = ofMetric(events, metric);
  const norm = (v: string | number | undefined) =>
    v === undefined || v === ''
      ? null
      : (key === 'url' ? String(v).replace(/[?#].*$/, '') : String(v)).slice(0, 200);
  const groups = groupBy(of, (e) => norm(e.attribution?.[key]));
  const poorTotal = of.filter((e) => rate(metric, e.value) === 'poor').length;
  return { of, groups, poorTotal };
}

export const values = (events: readonly Event[]) => events.map((e) => e.value);
export const ofMetric = (events: readonly Event[], name: MetricName) =>
  events.filter((e) => e.name === name);

/** `actual` within `relative` of `expected` (both null, or both numbers). */
export function assertClose(
  actual: number | null,
  expected: number | null,
  relative: number,
  label: string,
): void {
  if (expected === null || actual === null) {
    assert.equal(actual, expected, label);
    return;
  }
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-9);
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${label}: ${actual} vs exact ${expected} (tolerance ${tolerance})`,
  );
}

export interface QueryFixture {
  db: TestDatabase;
  project: TestProject;
  data: DataSet;
  /** When the data set was generated (its newest event is a minute before). */
  now: number;
  get: ReturnType<typeof projectGetter>;
  stop(): Promise<void>;
}

/**
 * A database holding the generated data set for a new project (by default 6,000 events over 5
 * days), and the query API over it.
 */
export async function startQueryFixture(
  size: { count?: number; days?: number } = {},
): Promise<QueryFixture> {
  const db = await startTestDatabase();
  const redis: Redis = connectTestRedis();
  const project = await createTestProject(db.pool, redis);
  const pages = await createPages(db.pool, project.id);
  const now = Date.now();
  const data = generateDataSet(pages, now, size.count, size.days);
  await insertDataSet(db.pool, project.id, data);
  const app = await buildApp({ pool: db.pool, config: testConfig({ LOG_LEVEL: 'warn' }) });
  await app.ready();
  return {
    db,
    project,
    data,
    now,
    get: projectGetter(app, project),
    stop: async () => {
      await app.close();
      redis.disconnect();
      await db.stop();
    },
  };
}

/** GET under the project's routes with its read token; asserts the status, returns the body. */
export function projectGetter(
  app: FastifyInstance,
  project: { project: string; readToken: string },
) {
  return async function get<T>(path: string, status = 200): Promise<T> {
    const res = await app.inject({
      url: `/v1/projects/${project.project}/${path}`,
      headers: { authorization: `Bearer ${project.readToken}` },
    });
    assert.equal(res.statusCode, status, `${path}: ${res.body}`);
    return res.json() as T;
  };
}

/** PostgreSQL's percentile_cont: linear interpolation between the order statistics at p x (n - 1). */
export function percentileCont(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = p * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export function inWindow<T extends { time: number }>(
  events: readonly T[],
  w: { from: string; to: string },
): T[] {
  const from = Date.parse(w.from);
  const to = Date.parse(w.to);
  return events.filter((e) => e.time >= from && e.time < to);
}

/** Shares with the thresholds as edges: good <= good edge, poor > poor edge. */
export function exactShares(name: MetricName, values: readonly number[]) {
  const n = values.length;
  if (n === 0) return { good: 0, needsImprovement: 0, poor: 0 };
  const good = values.filter((v) => v <= THRESHOLDS[name].good).length;
  const poor = values.filter((v) => v > THRESHOLDS[name].poor).length;
  return { good: good / n, needsImprovement: (n - good - poor) / n, poor: poor / n };
}

export function groupBy<T, K>(xs: readonly T[], key: (x: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const x of xs) {
    const k = key(x);
    const g = groups.get(k);
    if (g) g.push(x);
    else groups.set(k, [x]);
  }
  return groups;
}

export { binOf };

/**
 * Rows of the packed attribution rollups (migration 0022) that differ from their bin rollups:
 * each packed row's bins, unpacked and summed per bin, and its samples, against the bin rows of
 * the same bucket, value and rating, in all three tables (0: they hold the same counts).
 */
export async function packedAttributionMismatches(pool: Pool): Promise<number> {
  let mismatches = 0;
  for (const table of ['attribution_hourly', 'attribution_daily', 'attribution_weekly']) {
    const { rows } = await pool.query<{ n: number }>(
      `WITH unpacked AS (
         SELECT p.bucket, p.project_id, p.name, p.key, p.value, p.rating,
                get_byte(p.bins, o) * 256 + get_byte(p.bins, o + 1) AS bin,
                ('x' || encode(substring(p.bins FROM o + 3 FOR 8), 'hex'))::bit(64)::bigint AS samples
           FROM ${table}_packed p, generate_series(0, length(p.bins) - 10, 10) o),
       packed AS (
         SELECT bucket, project_id, name, key, value, rating, bin, sum(samples)::bigint AS samples
           FROM unpacked GROUP BY 1, 2, 3, 4, 5, 6, 7
         UNION ALL
         SELECT bucket, project_id, name, key, value, rating, -1, samples FROM ${table}_packed),
       bins AS (
         SELECT bucket, project_id, name, key, value, rating, bin::int, sum(samples)::bigint
           FROM ${table} GROUP BY 1, 2, 3, 4, 5, 6, 7
         UNION ALL
         SELECT bucket, project_id, name, key, value, rating, -1, sum(samples)::bigint
           FROM ${table} GROUP BY 1, 2, 3, 4, 5, 6)
       SELECT count(*)::int AS n
         FROM ((TABLE packed EXCEPT ALL TABLE bins) UNION ALL (TABLE bins EXCEPT ALL TABLE packed)) x`,
    );
    mismatches += rows[0]!.n;
  }
  return mismatches;
}
