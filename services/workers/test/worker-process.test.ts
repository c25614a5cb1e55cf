/**
 * Workers as real child processes: one killed with SIGKILL in the middle of a job (its
 * transaction open) and another that picks the stalled job up; one stopped with SIGTERM while
 * a job is active, which finishes the job before exiting.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { type CollectJob } from '@rum/contract';
import { unpublishIngestKey, type Redis } from '@rum/server-kit';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  uniqueName,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import type Bull from 'bull';
import {
  accepted,
  addJob,
  beacon,
  countRows,
  dropQueue,
  event,
  producerQueue,
  startWorkerChild,
  T0,
  type WorkerChild,
} from './support.ts';

/** Short locks so a dead worker's job is seen as stalled within a few seconds. */
const SETTINGS = { lockDuration: 1000, lockRenewTime: 250, stalledInterval: 500 };

let db: TestDatabase;
let redis: Redis;
let project: TestProject;
let queueName: string;
let producer: Bull.Queue<CollectJob>;
const children: WorkerChild[] = [];

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
  project = await createTestProject(db.pool, redis);
  queueName = uniqueName('rum-collect-test');
  producer = producerQueue(queueName);
});

after(async () => {
  for (const { process: child } of children)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await dropQueue(producer);
  await unpublishIngestKey(redis, project.ingestKey);
  redis.disconnect();
  await db.stop();
});

function startChild(options: { holdBeforeCommitMs?: number }): WorkerChild {
  const child = startWorkerChild(
    db.url,
    { queueName, settings: SETTINGS, ...options },
    { WORKER_CONCURRENCY: '1' },
  );
  children.push(child);
  return child;
}

/** A job big enough to matter: 50 beacons of 5 events on 10 pages. */
function bigJob(tag: string): CollectJob {
  return {
    beacons: Array.from({ length: 50 }, (_, i) =>
      accepted(
        project,
        beacon({
          sid: `${tag}-${i}`,
          url: `https://crash.example.com/page-${i % 10}`,
          events: ['LCP', 'FCP', 'TTFB', 'CLS', 'INP'].map((name, k) =>
            event({
              id: `${tag}-${i}-${k}`,
              name: name as 'LCP',
              value: name === 'CLS' ? 0.1 : 100 * (k + 1),
              ts: T0 + i,
            }),
          ),
        }),
      ),
    ),
  };
}

async function rowsOfTag(tag: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*) AS n FROM metrics WHERE project_id = $1 AND session_id LIKE $2`,
    [project.id, `${tag}-%`],
  );
  return rows[0]!.n;
}

test(
  'a worker killed mid-job: another worker picks the job up and the rows exist exactly once',
  { timeout: 120_000 },
  async () => {
    const first = startChild({ holdBeforeCommitMs: 120_000 });
    await first.line(/^ready$/);
    const job = await addJob(producer, bigJob('crash'));
    // The job's rows are written and its transaction is open, waiting to COMMIT.
    await first.line(new RegExp(`^holding ${job.id}$`));
    first.process.kill('SIGKILL');
    assert.equal((await first.exited).signal, 'SIGKILL');

    const second = startChild({});
    await second.line(/^ready$/);
    // Bull's stalled-job check sees the dead worker's expired lock and puts the job back.
    await job.finished();
    assert.equal(await rowsOfTag('crash'), 250);
    const stored = await producer.getJob(job.id);
    assert.equal(await stored!.getState(), 'completed');

    second.process.kill('SIGTERM');
    assert.equal((await second.exited).code, 0);
    assert.equal(await rowsOfTag('crash'), 250);
    assert.equal(await countRows(db.pool, 'metrics', project.id), 250);
  },
);

test(
  'SIGTERM while a job is active: the job is finished and committed, then the worker exits 0',
  { timeout: 120_000 },
  async () => {
    const worker = startChild({ holdBeforeCommitMs: 1500 });
    await worker.line(/^ready$/);
    const job = await addJob(producer, bigJob('graceful'));
    await worker.line(new RegExp(`^holding ${job.id}$`));
    worker.process.kill('SIGTERM');
    assert.equal((await worker.exited).code, 0);
    const stored = await producer.getJob(job.id);
    assert.equal(await stored!.getState(), 'completed');
    assert.equal(stored!.attemptsMade, 0);
    assert.equal(await rowsOfTag('graceful'), 250);
  },
);
