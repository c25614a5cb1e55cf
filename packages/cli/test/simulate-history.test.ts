/**
 * `rum simulate --history` against the product as `npm start` runs it (a fresh data folder, a
 * Redis of its own: the product uses the default queue name, free ports): the history's rows
 * are stored by the running workers over the whole window, and materialised in the rollups,
 * including days older than the refresh policies look back, and in the daily attribution rollup.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EMBEDDED_STATE_FILE, type EmbeddedState } from '@rum/contract';
import {
  freeServicePorts,
  startPrivateRedis,
  TEST_JWT_SECRET,
  type PrivateRedis,
} from '@rum/testing';
import pg from 'pg';
import { RUM, rumEnv, runRum, type Run } from './run-rum.ts';

const DAY_MS = 86_400_000;
const DAYS = 7;
const PER_DAY = 200;

let dataDir: string;
let redis: PrivateRedis;
let ports: Record<string, string>;
let stack: ChildProcess | undefined;
let stackErr = '';

function env(): NodeJS.ProcessEnv {
  return rumEnv({
    RUM_DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    JWT_SECRET: TEST_JWT_SECRET,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...ports,
  });
}

function rum(...args: string[]): Promise<Run> {
  return runRum(env(), args);
}

async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const state = JSON.parse(
    readFileSync(join(dataDir, EMBEDDED_STATE_FILE), 'utf8'),
  ) as EmbeddedState;
  const client = new pg.Client({ connectionString: state.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

before(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'rum-history-'));
  redis = await startPrivateRedis();
  ports = Object.fromEntries(
    Object.entries(await freeServicePorts()).map(([name, port]) => [name, String(port)]),
  );
});

after(async () => {
  if (stack && stack.exitCode === null) {
    const exited = new Promise((r) => stack!.once('exit', r));
    stack.kill('SIGINT');
    const killer = setTimeout(() => stack!.kill('SIGKILL'), 60_000);
    await exited;
    clearTimeout(killer);
  }
  rmSync(dataDir, { recursive: true, force: true });
  await redis?.stop();
});

test('bad --history arguments print the usage on stderr and exit with 2', async () => {
  for (const args of [
    ['--history', '0d'],
    ['--history', 'abc'],
    ['--history', '500d'],
    ['--history', '91d'],
    ['--history', '2.5d'],
    ['--history', '7d', '--events', '100'],
    ['--history', '7d', '--per-day', '0'],
    ['--per-day', '100'],
  ]) {
    const run = await rum('simulate', ...args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Usage: rum <command>/);
  }
});

test('--history with nothing running says what to start and exits with 1', async () => {
  const run = await rum('simulate', '--history', '1d');
  assert.equal(run.code, 1);
  assert.equal(run.stdout, '');
  assert.match(run.stderr, /npm start/);
});

test(
  'rum simulate --history 7d: rows over the whole window, stored by the workers, in the rollups',
  { timeout: 600_000 },
  async () => {
    stack = spawn(process.execPath, [RUM, 'start'], {
      env: env(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    stack.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    stack.stderr!.on('data', (c: Buffer) => (stackErr = (stackErr + c.toString()).slice(-20_000)));
    const deadline = Date.now() + 240_000;
    while (!out.includes('Press Ctrl-C')) {
      assert.equal(stack.exitCode, null, `rum start exited:\n${stackErr}`);
      assert.ok(Date.now() < deadline, `rum start printed no URLs in time:\n${stackErr}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    assert.match(out, /npm run simulate -- --history 30d/, 'rum start offers the history');

    const run = await rum(
      'simulate',
      '--history',
      `${DAYS}d`,
      '--per-day',
      String(PER_DAY),
      '--seed',
      '5',
    );
    assert.equal(run.code, 0, `${run.stderr}\n${stackErr}`);
    const summary = JSON.parse(run.stdout) as {
      from: string;
      to: string;
      pageViews: number;
      events: number;
      stored: number;
      deadLetters: number;
      failedJobs: number;
      attributionDays: number;
    };
    assert.ok(summary.pageViews > DAYS * PER_DAY * 0.6, `page views: ${summary.pageViews}`);
    assert.equal(summary.stored, summary.events);
    assert.equal(summary.deadLetters, 0);
    assert.equal(summary.failedJobs, 0);
    assert.ok(summary.attributionDays >= DAYS - 2);
    assert.match(
      run.stderr,
      new RegExp(`history: ${DAYS} days, ${summary.pageViews} page views .* stored in`),
    );
    const from = Date.parse(summary.from);
    const to = Date.parse(summary.to);
    assert.ok(Math.abs(to - from - DAYS * DAY_MS) < 1000);

    await withDb(async (client) => {
      const project = (
        await client.query<{ id: number }>(`SELECT id FROM projects WHERE slug = 'demo'`)
      ).rows[0]!.id;
      const span = (
        await client.query<{ n: number; first: Date; last: Date; navs: number }>(
          `SELECT count(*)::int AS n, min(time) AS first, max(time) AS last,
                  count(DISTINCT navigation_type)::int AS navs
             FROM metrics WHERE project_id = $1`,
          [project],
        )
      ).rows[0]!;
      assert.equal(span.n, summary.events, 'every event stored, nothing else');
      assert.ok(span.first.getTime() >= from && span.first.getTime() < from + 2 * 3_600_000);
      assert.ok(span.last.getTime() <= to + 1000 && span.last.getTime() > to - 2 * 3_600_000);
      assert.equal(span.navs, 6, 'every navigation type');

      // Every UTC day of the window has its share: a whole day between half and 1.6 times the
      // weekday volume (weekends are lower); the first and last, partial, are not checked.
      const days = (
        await client.query<{ day: Date; views: number }>(
          `SELECT date_trunc('day', time) AS day, count(*)::int AS views
             FROM metrics WHERE project_id = $1 AND name = 'LCP' GROUP BY 1 ORDER BY 1`,
          [project],
        )
      ).rows;
      // The window's N days touch N + 1 UTC dates (N when it ends right after midnight).
      assert.ok(days.length === DAYS + 1 || days.length === DAYS, `${days.length} days`);
      for (const { day, views } of days.slice(1, -1))
        assert.ok(views > PER_DAY * 0.5 && views < PER_DAY * 1.6, `${day.toISOString()}: ${views}`);

      const attributed = (
        await client.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM metrics
            WHERE project_id = $1 AND name = 'LCP' AND attribution ? 'elementRenderDelay'`,
          [project],
        )
      ).rows[0]!.n;
      assert.ok(attributed > 0.8 * summary.pageViews);

      // The daily attribution rollup: every settled day of the window rolled, with all of the
      // day's LCP samples under the element key (those without one as '(none)').
      const rolled = (
        await client.query<{ day: Date; rolled: number; raw: number }>(
          `SELECT d.bucket AS day,
                  (SELECT coalesce(sum(a.samples), 0)::int FROM attribution_daily a
                    WHERE a.bucket = d.bucket AND a.project_id = $1 AND a.name = 'LCP'
                      AND a.key = 'element') AS rolled,
                  (SELECT count(*)::int FROM metrics m
                    WHERE m.project_id = $1 AND m.name = 'LCP'
                      AND m.time >= d.bucket AND m.time < d.bucket + INTERVAL '1 day') AS raw
             FROM attribution_days d WHERE d.bucket >= date_trunc('day', $2::timestamptz)`,
          [project, new Date(from)],
        )
      ).rows;
      assert.ok(rolled.length >= DAYS - 2, `attribution days rolled: ${rolled.length}`);
      for (const day of rolled) assert.equal(day.rolled, day.raw, day.day.toISOString());

      // Materialised, not only computed on read (the rollups are real-time): the rollups'
      // own tables hold every row, the days older than their policies' windows (3 and 5 days)
      // included, which only the command's refresh materialises.
      for (const view of ['metrics_hourly_overall', 'metrics_daily_overall']) {
        const { rows } = await client.query<{ relation: string }>(
          `SELECT format('%I.%I', h.schema_name, h.table_name) AS relation
             FROM _timescaledb_catalog.continuous_agg ca
             JOIN _timescaledb_catalog.hypertable h ON h.id = ca.mat_hypertable_id
            WHERE ca.user_view_name = $1`,
          [view],
        );
        const materialised = (
          await client.query<{ all: number; old: number }>(
            `SELECT coalesce(sum(samples), 0)::int AS all,
                    coalesce(sum(samples) FILTER (WHERE bucket < date_trunc('day', $2::timestamptz)), 0)::int AS old
               FROM ${rows[0]!.relation} WHERE project_id = $1`,
            [project, new Date(to - 5 * DAY_MS - DAY_MS)],
          )
        ).rows[0]!;
        const raw = (
          await client.query<{ old: number }>(
            `SELECT count(*)::int AS old FROM metrics
              WHERE project_id = $1 AND time < date_trunc('day', $2::timestamptz)`,
            [project, new Date(to - 5 * DAY_MS - DAY_MS)],
          )
        ).rows[0]!;
        assert.equal(materialised.all, summary.events, view);
        assert.ok(raw.old > 0);
        assert.equal(materialised.old, raw.old, view);
      }
    });
  },
);
