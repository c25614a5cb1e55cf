/**
 * The database goes away: jobs are retried with backoff (delayed, not failed for good) and
 * land once it is back. The embedded TimescaleDB is stopped and restarted on the same data
 * folder and port, as a restarted server would be.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPool, unpublishIngestKey } from '@rum/server-kit';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  testConfig,
  uniqueName,
} from '@rum/testing';
import { startEmbeddedTimescale } from '@rum/embedded-db';
import { startWorker } from '../src/worker.ts';
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

test(
  'jobs wait while the database is down and land once it is back',
  { timeout: 180_000 },
  async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'rum-workers-dbdown-'));
    const db = await startTestDatabase({ dataDir });
    const { port, url } = db.embedded;
    const redis = connectTestRedis();
    const project = await createTestProject(db.pool, redis);
    const queueName = uniqueName('rum-collect-test');
    const producer = producerQueue(queueName);
    const worker = await startWorker(
      testConfig({ DATABASE_URL: url, LOG_LEVEL: 'warn', WORKER_CONCURRENCY: '1' }),
      {
        queueName,
        databaseUrl: url,
      },
    );
    let dbStopped = false;
    // eslint-disable-next-line prefer-const -- read by the cleanup hook registered below, assigned later
    let restarted: Awaited<ReturnType<typeof startEmbeddedTimescale>> | undefined;
    t.after(async () => {
      await worker.close();
      await dropQueue(producer);
      await unpublishIngestKey(redis, project.ingestKey);
      redis.disconnect();
      if (!dbStopped) await db.stop();
      await restarted?.stop();
      // Last: the engine writes its files on stop.
      rmSync(dataDir, { recursive: true, force: true });
    });

    // Warm up: the worker has a connection and cached ids when the server disappears.
    await (await addJob(producer, { beacons: [accepted(project)] })).finished();
    await db.stop();
    dbStopped = true;

    const jobs = await Promise.all(
      [1, 2, 3].map((i) =>
        addJob(producer, {
          beacons: [
            accepted(
              project,
              beacon({
                url: `https://down.example.com/p${i}`,
                events: [event(), event({ name: 'FCP' })],
              }),
            ),
          ],
        }),
      ),
    );
    // Every job has failed at least once and is waiting for its next attempt, none for good.
    await waitFor('every job to be retried with backoff', async () => {
      const states = await Promise.all(
        jobs.map(async (job) => {
          const stored = await producer.getJob(job.id);
          return { attempts: stored!.attemptsMade, state: await stored!.getState() };
        }),
      );
      assert.ok(
        states.every((s) => s.state !== 'failed' && s.state !== 'completed'),
        JSON.stringify(states),
      );
      return states.every((s) => s.attempts >= 1 && s.state === 'delayed');
    });
    const failedReason = (await producer.getJob(jobs[0]!.id))!.failedReason ?? '';
    assert.match(failedReason, /ECONNREFUSED|connect|terminat|Connection/i);

    restarted = await startEmbeddedTimescale({ dataDir, port });
    const pool = createPool(restarted.url, 1);
    try {
      await Promise.all(jobs.map((job) => job.finished()));
      assert.equal(await countRows(pool, 'metrics', project.id), 1 + 3 * 2);
      const { rows } = await pool.query<{ path: string }>(
        `SELECT DISTINCT p.path FROM metrics m JOIN pages p ON p.id = m.page_id WHERE m.project_id = $1 ORDER BY 1`,
        [project.id],
      );
      assert.deepEqual(
        rows.map((r) => r.path),
        ['/p1', '/p2', '/p3', '/products/42'],
      );
    } finally {
      await pool.end();
    }
  },
);
