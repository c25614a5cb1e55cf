/**
 * Group commit: the jobs a worker holds share transactions. Against a real embedded
 * TimescaleDB and real Redis: jobs that arrive together commit together, every row once; a
 * group the database refuses is stored job by job, so one bad beacon costs no other job.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Registry } from 'prom-client';
import type Bull from 'bull';
import type { CollectJob } from '@rum/contract';
import { createPool, unpublishIngestKey, type Redis } from '@rum/server-kit';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  testConfig,
  uniqueName,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import { normaliseBeacon } from '../src/normalise-beacon.ts';
import { SiteCache } from '../src/site-cache.ts';
import { storeJobs, type JobToStore } from '../src/store-job.ts';
import { startWorker, type CollectResult } from '../src/worker.ts';
import {
  accepted,
  addJob,
  beacon,
  countRows,
  dropQueue,
  event,
  producerQueue,
  waitFor,
} from './support.ts';

let db: TestDatabase;
let redis: Redis;
const projects: TestProject[] = [];

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
});

after(async () => {
  for (const p of projects) await unpublishIngestKey(redis, p.ingestKey);
  redis.disconnect();
  await db.stop();
});

async function newProject(): Promise<TestProject> {
  const project = await createTestProject(db.pool, redis);
  projects.push(project);
  return project;
}

function jobOf(project: TestProject, key: string, sids: string[]): JobToStore {
  return {
    key,
    deadLetters: [],
    beacons: sids.map((sid, index) => {
      const data = accepted(project, beacon({ sid, events: [event({ id: `v5-${sid}` })] }));
      return { index, data, normalised: normaliseBeacon(data) };
    }),
  };
}

test('a group the database refuses is stored job by job: the bad beacon is dead-lettered, every other row of every job is stored once', async (t) => {
  const project = await newProject();
  await db.pool.query(
    `ALTER TABLE metrics ADD CONSTRAINT test_refuse_group CHECK (session_id <> 'refused-in-group')`,
  );
  t.after(() => db.pool.query('ALTER TABLE metrics DROP CONSTRAINT test_refuse_group'));
  const jobs = [
    jobOf(project, 'group:1', ['a-1', 'a-2']),
    jobOf(project, 'group:2', ['b-1', 'refused-in-group', 'b-3']),
    jobOf(project, 'group:3', ['c-1']),
  ];
  const outcomes = await storeJobs(db.pool, new SiteCache(), jobs);

  const counts = outcomes.map((o) => {
    assert.ok('stored' in o, 'every job is stored');
    return [o.stored.committed.metrics.length, o.stored.deadLetters.length];
  });
  assert.deepEqual(counts, [
    [2, 0],
    [2, 1],
    [1, 0],
  ]);
  const { rows } = await db.pool.query<{ session_id: string; n: number }>(
    'SELECT session_id, count(*)::int AS n FROM metrics WHERE project_id = $1 GROUP BY 1 ORDER BY 1',
    [project.id],
  );
  assert.deepEqual(
    rows.map((r) => `${r.session_id}×${r.n}`),
    ['a-1×1', 'a-2×1', 'b-1×1', 'b-3×1', 'c-1×1'],
  );
  const letters = await db.pool.query<{ job: string; beacon_index: number; reason: string }>(
    'SELECT job, beacon_index, reason FROM dead_letters WHERE project = $1',
    [project.project],
  );
  assert.equal(letters.rows.length, 1);
  assert.equal(letters.rows[0]!.job, 'group:2');
  assert.equal(letters.rows[0]!.beacon_index, 1);
  assert.match(letters.rows[0]!.reason, /test_refuse_group/);

  // The same group again (Bull retrying after a crash) adds no row.
  const again = await storeJobs(db.pool, new SiteCache(), jobs);
  assert.ok(again.every((o) => 'stored' in o && o.stored.committed.metrics.length === 0));
  assert.equal(await countRows(db.pool, 'metrics', project.id), 5);
});

test('a group that fails for a transient reason fails every one of its jobs (Bull retries them)', async () => {
  const project = await newProject();
  const jobs = [jobOf(project, 'down:1', ['d-1']), jobOf(project, 'down:2', ['d-2'])];
  // Nothing listens on port 1: every connection is refused, as when the database is down.
  const gone = createPool('postgres://postgres@127.0.0.1:1/rum', 2);
  const outcomes = await storeJobs(gone, new SiteCache(), jobs);
  await gone.end();
  assert.equal(outcomes.length, 2);
  assert.ok(outcomes.every((o) => 'failed' in o));
  assert.equal(await countRows(db.pool, 'metrics', project.id), 0);
});

test('jobs that arrive together commit in fewer transactions than jobs, each row once, each job its own result', async () => {
  const project = await newProject();
  const registry = new Registry();
  const queueName = uniqueName('rum-collect-group');
  const worker = await startWorker(testConfig({ DATABASE_URL: db.url, LOG_LEVEL: 'warn' }), {
    queueName,
    databaseUrl: db.url,
    concurrency: 8,
    metrics: registry,
  });
  const producer: Bull.Queue<CollectJob> = producerQueue(queueName);
  try {
    // Queued while the worker is paused, so it finds them all at once when it resumes.
    await worker.queue.pause(true);
    const jobs = await Promise.all(
      Array.from({ length: 24 }, (_, i) =>
        addJob(producer, {
          beacons: [0, 1].map((j) =>
            accepted(
              project,
              beacon({ sid: `g-${i}-${j}`, events: [event({ id: `v5-${i}-${j}` })] }),
            ),
          ),
        }),
      ),
    );
    await worker.queue.resume(true);
    // Polled rather than 24 job.finished() calls, which each add listeners to the queue.
    await waitFor('24 completed jobs', async () => (await producer.getCompletedCount()) === 24);
    const results = await Promise.all(
      jobs.map(async (j) => (await producer.getJob(j.id))!.returnvalue as CollectResult),
    );
    assert.ok(results.every((r) => r.metrics === 2 && r.errors === 0 && r.deadLetters === 0));
    assert.equal(await countRows(db.pool, 'metrics', project.id), 48);

    // The histogram's _count and _sum lines, read as Prometheus serves them.
    const text = await registry.getSingleMetricAsString('rum_workers_jobs_per_transaction');
    const count = Number(/_count (\d+)/.exec(text)?.[1]);
    const sum = Number(/_sum (\d+)/.exec(text)?.[1]);
    assert.equal(sum, 24, 'every job was in a committed transaction once');
    assert.ok(count < 24, `24 jobs in ${count} transactions`);
  } finally {
    await worker.close();
    await dropQueue(producer);
  }
});
