/**
 * A job on a real Bull queue (real Redis, unique queue name) becomes rows in a real embedded
 * TimescaleDB through an in-process worker: the rows, idempotency, CLS re-reports, malformed
 * jobs and the live push a socket.io client receives.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type CollectJob, type LiveErrorsUpdate, type LiveMetricsUpdate } from '@rum/contract';
import { unpublishIngestKey, type Redis } from '@rum/server-kit';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  uniqueName,
  type TestDatabase,
  type TestProject,
  testConfig,
} from '@rum/testing';
import type Bull from 'bull';
import { startWorker, type CollectResult, type RunningWorker } from '../src/worker.ts';
import {
  accepted,
  addJob,
  beacon,
  connectProjectRoom,
  countRows,
  dropQueue,
  event,
  FIREFOX_WINDOWS_UA,
  producerQueue,
  SAFARI_IPHONE_UA,
  T0,
} from './support.ts';

let db: TestDatabase;
let redis: Redis;
let worker: RunningWorker;
let producer: Bull.Queue<CollectJob>;

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
  const queueName = uniqueName('rum-collect-test');
  worker = await startWorker(testConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' }), {
    queueName,
    databaseUrl: db.url,
  });
  producer = producerQueue(queueName);
});

after(async () => {
  await worker.close();
  await dropQueue(producer);
  for (const p of projects) await unpublishIngestKey(redis, p.ingestKey);
  redis.disconnect();
  await db.stop();
});

const projects: TestProject[] = [];
async function newProject(): Promise<TestProject> {
  const project = await createTestProject(db.pool, redis);
  projects.push(project);
  return project;
}

/** Adds a job and resolves with what the worker returned (rows inserted or grown). */
async function run(data: CollectJob): Promise<CollectResult> {
  const job = await addJob(producer, data);
  return (await job.finished()) as CollectResult;
}

test('a job becomes exactly the expected rows', async () => {
  const project = await newProject();
  const desktop = beacon({
    sid: 'sess-desktop',
    url: 'https://shop.example.com/products/42?ref=mail#reviews',
    events: [
      event({
        id: 'v5-lcp-1',
        name: 'LCP',
        value: 2500,
        delta: 2500,
        navigationType: 'navigate',
        ts: T0,
      }),
      event({ id: 'v5-cls-1', name: 'CLS', value: 0.3, ts: T0 + 10 }),
    ],
    errors: [
      {
        message: 'TypeError: a is undefined',
        stack: 'render@https://shop.example.com/app.js:3:7',
        line: 3,
        col: 7,
        ts: T0 + 20,
      },
    ],
    connection: { effectiveType: '4g' },
  });
  const phone = beacon({
    sid: 'sess-phone',
    url: 'https://shop.example.com/',
    events: [event({ id: 'v5-inp-1', name: 'INP', value: 180, ts: T0 + 30 })],
    device: { timezone: 'Europe/Paris' },
  });
  const result = await run({
    beacons: [
      accepted(project, desktop, { userAgent: FIREFOX_WINDOWS_UA, country: 'DE' }),
      accepted(project, phone, { userAgent: SAFARI_IPHONE_UA }),
    ],
  });
  assert.deepEqual(result, { metrics: 3, errors: 1, deadLetters: 0 });

  const { rows } = await db.pool.query(
    `SELECT m.session_id, m.metric_id, m.name, m.value, m.delta, m.rating, m.navigation_type, w.domain, p.path,
            m.device_type, m.browser, m.os, m.country, m.connection, m.time
       FROM metrics m JOIN pages p ON p.id = m.page_id JOIN websites w ON w.id = m.website_id
      WHERE m.project_id = $1 ORDER BY m.time`,
    [project.id],
  );
  const common = { domain: 'shop.example.com' };
  assert.deepEqual(rows, [
    {
      ...common,
      session_id: 'sess-desktop',
      metric_id: 'v5-lcp-1',
      name: 'LCP',
      value: 2500,
      delta: 2500,
      rating: 'good',
      navigation_type: 'navigate',
      path: '/products/42',
      device_type: 'desktop',
      browser: 'Firefox',
      os: 'Windows',
      country: 'DE',
      connection: '4g',
      time: new Date(T0),
    },
    {
      ...common,
      session_id: 'sess-desktop',
      metric_id: 'v5-cls-1',
      name: 'CLS',
      value: 0.3,
      delta: null,
      rating: 'poor',
      navigation_type: null,
      path: '/products/42',
      device_type: 'desktop',
      browser: 'Firefox',
      os: 'Windows',
      country: 'DE',
      connection: '4g',
      time: new Date(T0 + 10),
    },
    {
      ...common,
      session_id: 'sess-phone',
      metric_id: 'v5-inp-1',
      name: 'INP',
      value: 180,
      delta: null,
      rating: 'good',
      navigation_type: null,
      path: '/',
      device_type: 'mobile',
      browser: 'Safari',
      os: 'iOS',
      country: 'FR',
      connection: 'unknown',
      time: new Date(T0 + 30),
    },
  ]);

  const errors = await db.pool.query(
    `SELECT e.session_id, e.message, e.line, e.col, e.browser, e.country, p.path, length(e.fingerprint) AS fp
       FROM js_errors e JOIN pages p ON p.id = e.page_id WHERE e.project_id = $1`,
    [project.id],
  );
  assert.deepEqual(errors.rows, [
    {
      session_id: 'sess-desktop',
      message: 'TypeError: a is undefined',
      line: 3,
      col: 7,
      browser: 'Firefox',
      country: 'DE',
      path: '/products/42',
      fp: 16,
    },
  ]);
  // One website, two pages, created on first sight.
  const pages = await db.pool.query(
    `SELECT p.path FROM pages p JOIN websites w ON w.id = p.website_id WHERE w.project_id = $1 ORDER BY p.path`,
    [project.id],
  );
  assert.deepEqual(
    pages.rows.map((r) => r.path),
    ['/', '/products/42'],
  );
});

test('the same job twice, or the same beacon in two jobs or twice in one, stores each event once', async () => {
  const project = await newProject();
  const b = beacon({
    events: [
      event({ name: 'LCP' }),
      event({ name: 'FCP', value: 900 }),
      event({ name: 'TTFB', value: 300 }),
    ],
    errors: [{ message: 'boom', ts: T0 }],
  });
  const data = { beacons: [accepted(project, b)] };
  const first = await run(data);
  const second = await run(data);
  const both = await run({ beacons: [accepted(project, b), accepted(project, b)] });
  assert.deepEqual(first, { metrics: 3, errors: 1, deadLetters: 0 });
  // The retries committed nothing new.
  assert.deepEqual(second, { metrics: 0, errors: 0, deadLetters: 0 });
  assert.deepEqual(both, { metrics: 0, errors: 0, deadLetters: 0 });
  assert.equal(await countRows(db.pool, 'metrics', project.id), 3);
  assert.equal(await countRows(db.pool, 'js_errors', project.id), 1);
});

test('a CLS re-report with the same id updates the row when larger, never duplicates it', async () => {
  const project = await newProject();
  const sid = 'sess-cls';
  const report = (value: number) =>
    run({
      beacons: [
        accepted(
          project,
          beacon({ sid, events: [event({ id: 'v5-cls', name: 'CLS', value, ts: T0 })] }),
        ),
      ],
    });
  const read = async () =>
    (await db.pool.query('SELECT value, rating FROM metrics WHERE project_id = $1', [project.id]))
      .rows;

  await report(0.05);
  assert.deepEqual(await read(), [{ value: 0.05, rating: 'good' }]);
  await report(0.3);
  assert.deepEqual(await read(), [{ value: 0.3, rating: 'poor' }]);
  // An older, smaller report arriving late changes nothing.
  const late = await report(0.2);
  assert.deepEqual(late, { metrics: 0, errors: 0, deadLetters: 0 });
  assert.deepEqual(await read(), [{ value: 0.3, rating: 'poor' }]);
  // Growth reported twice within one job: the larger wins.
  await run({
    beacons: [
      accepted(
        project,
        beacon({ sid, events: [event({ id: 'v5-cls', name: 'CLS', value: 0.4, ts: T0 })] }),
      ),
      accepted(
        project,
        beacon({ sid, events: [event({ id: 'v5-cls', name: 'CLS', value: 0.35, ts: T0 })] }),
      ),
    ],
  });
  assert.deepEqual(await read(), [{ value: 0.4, rating: 'poor' }]);
});

/** The dead letters of a project, oldest first. */
async function deadLetters(projectSlug: string) {
  const { rows } = await db.pool.query<{
    beacon_index: number;
    reason: string;
    payload: string;
    project_id: number | null;
  }>(
    'SELECT beacon_index, reason, payload, project_id FROM dead_letters WHERE project = $1 ORDER BY id',
    [projectSlug],
  );
  return rows;
}

test('a job that is not a job fails at once, is dead-lettered, and jobs around it land', async () => {
  const project = await newProject();
  const before = await addJob(producer, { beacons: [accepted(project)] });
  const notAJob = await addJob(producer, { nope: true } as unknown as CollectJob);
  const afterJob = await addJob(producer, { beacons: [accepted(project)] });

  await before.finished();
  await afterJob.finished();
  await assert.rejects(notAJob.finished(), /malformed collect job/);
  const stored = await producer.getJob(notAJob.id);
  assert.ok(stored);
  assert.equal(await stored.getState(), 'failed');
  assert.equal(stored.attemptsMade, 1);
  const { rows } = await db.pool.query<{ payload: string; beacon_index: number }>(
    `SELECT payload, beacon_index FROM dead_letters WHERE job LIKE $1`,
    [`%:${notAJob.id}:${notAJob.timestamp}`],
  );
  assert.deepEqual(
    rows.map((r) => [r.beacon_index, JSON.parse(r.payload)]),
    [[-1, { nope: true }]],
  );
  assert.equal(await countRows(db.pool, 'metrics', project.id), 2);
});

test('31 good beacons and one poisoned one: the 31 are stored exactly once, the one is dead-lettered, the job completes', async () => {
  const project = await newProject();
  const good = Array.from({ length: 31 }, (_, i) =>
    accepted(project, beacon({ sid: `good-${i}`, events: [event({ id: `v5-good-${i}` })] })),
  );
  // U+0000 in the session id: PostgreSQL cannot store it, so the beacon can never be stored.
  const poisoned = accepted(
    project,
    beacon({ sid: 'poison\u0000ed', events: [event({ id: 'v5-bad' })] }),
  );
  const beacons = [...good.slice(0, 17), poisoned, ...good.slice(17)];
  const job = await addJob(producer, { beacons });
  const result = (await job.finished()) as CollectResult;
  assert.deepEqual(result, { metrics: 31, errors: 0, deadLetters: 1 });
  assert.equal(await job.getState(), 'completed');

  const { rows } = await db.pool.query<{ session_id: string; n: number }>(
    'SELECT session_id, count(*) AS n FROM metrics WHERE project_id = $1 GROUP BY 1 ORDER BY 1',
    [project.id],
  );
  assert.equal(rows.length, 31);
  assert.ok(rows.every((r) => r.n === 1 && r.session_id.startsWith('good-')));
  const letters = await deadLetters(project.project);
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.beacon_index, 17);
  assert.equal(letters[0]!.project_id, project.id);
  assert.match(letters[0]!.reason, /beacon 17: .*"beacon\.sid" contains U\+0000/);
  // The payload is exactly what was received, NUL included.
  assert.deepEqual(JSON.parse(letters[0]!.payload), poisoned);

  // The same beacons in a new job (a client's retry) add no row; a dead letter is kept per job.
  const again = await addJob(producer, { beacons });
  assert.deepEqual(await again.finished(), { metrics: 0, errors: 0, deadLetters: 1 });
  assert.equal(await countRows(db.pool, 'metrics', project.id), 31);
  assert.equal((await deadLetters(project.project)).length, 2, 'one per job');
});

test('a beacon the database refuses is dead-lettered with its reason; the rest of its job is stored', async (t) => {
  const project = await newProject();
  // A refusal no contract check foresees: the database's own constraint, on one beacon only.
  await db.pool.query(
    `ALTER TABLE metrics ADD CONSTRAINT test_refuse_one CHECK (session_id <> 'refused-by-db')`,
  );
  t.after(() => db.pool.query('ALTER TABLE metrics DROP CONSTRAINT test_refuse_one'));
  const beacons = [
    accepted(project, beacon({ sid: 'kept-1' })),
    accepted(project, beacon({ sid: 'refused-by-db' })),
    accepted(project, beacon({ sid: 'kept-2', errors: [{ message: 'boom', ts: T0 }] })),
  ];
  const job = await addJob(producer, { beacons });
  assert.deepEqual(await job.finished(), { metrics: 2, errors: 1, deadLetters: 1 });
  const { rows } = await db.pool.query<{ session_id: string }>(
    'SELECT session_id FROM metrics WHERE project_id = $1 ORDER BY 1',
    [project.id],
  );
  assert.deepEqual(
    rows.map((r) => r.session_id),
    ['kept-1', 'kept-2'],
  );
  assert.equal(await countRows(db.pool, 'js_errors', project.id), 1);
  const letters = await deadLetters(project.project);
  assert.equal(letters.length, 1);
  assert.equal(letters[0]!.beacon_index, 1);
  assert.match(letters[0]!.reason, /test_refuse_one/);
});

test('the release of a beacon is stored on its metric and error rows, and its first and last sighting in releases', async () => {
  const project = await newProject();
  const times = [T0 + 5000, T0 + 1000, T0 + 9000];
  await run({
    beacons: [
      accepted(
        project,
        beacon({
          release: 'v2.3.1',
          events: times.map((ts) => event({ ts })),
          errors: [{ message: 'boom', ts: T0 + 12_000 }],
        }),
      ),
      accepted(project, beacon({ events: [event({ ts: T0 + 500 })] })),
    ],
  });
  const { rows: metrics } = await db.pool.query<{ release: string | null; n: number }>(
    'SELECT release, count(*)::int AS n FROM metrics WHERE project_id = $1 GROUP BY 1 ORDER BY 1',
    [project.id],
  );
  assert.deepEqual(metrics, [
    { release: 'v2.3.1', n: 3 },
    { release: null, n: 1 },
  ]);
  const { rows: errors } = await db.pool.query<{ release: string | null }>(
    'SELECT release FROM js_errors WHERE project_id = $1',
    [project.id],
  );
  assert.deepEqual(errors, [{ release: 'v2.3.1' }]);
  const sightings = async () =>
    (
      await db.pool.query<{ release: string; first_seen: Date; last_seen: Date }>(
        'SELECT release, first_seen, last_seen FROM releases WHERE project_id = $1',
        [project.id],
      )
    ).rows.map((r) => [r.release, r.first_seen.getTime(), r.last_seen.getTime()]);
  assert.deepEqual(await sightings(), [['v2.3.1', T0 + 1000, T0 + 12_000]]);
  // An earlier row moves the first sighting back, whatever the cache holds.
  await run({
    beacons: [accepted(project, beacon({ release: 'v2.3.1', events: [event({ ts: T0 - 7000 })] }))],
  });
  assert.deepEqual(await sightings(), [['v2.3.1', T0 - 7000, T0 + 12_000]]);
});

test('committed rows reach a socket.io client in the project room through the Redis adapter', async (t) => {
  const project = await newProject();
  const { client, close } = await connectProjectRoom(project.project);
  t.after(close);
  const metrics = new Promise<LiveMetricsUpdate>((resolve) => client.once('metrics', resolve));
  const errors = new Promise<LiveErrorsUpdate>((resolve) => client.once('errors', resolve));
  const values = [100, 200, 300, 400, 5000];
  await run({
    beacons: [
      accepted(
        project,
        beacon({
          url: 'https://live.example.com/checkout',
          events: values.map((value, i) => event({ name: 'LCP', value, ts: T0 + i })),
          errors: [{ message: 'live boom', ts: T0 + 9 }],
        }),
      ),
    ],
  });
  const update = await metrics;
  assert.equal(update.project, project.project);
  assert.equal(update.events, 5);
  // percentile_cont(0.75) of 100..400, 5000 is 400; all good but the 5000 ms one.
  assert.deepEqual(update.byMetric.LCP, {
    count: 5,
    p75: 400,
    good: 4,
    needsImprovement: 0,
    poor: 1,
  });
  assert.equal(update.recent[0]!.value, 5000);
  assert.equal(update.recent[0]!.path, '/checkout');
  const errorUpdate = await errors;
  assert.deepEqual(
    errorUpdate.errors.map((e) => [e.message, e.path]),
    [['live boom', '/checkout']],
  );
});
