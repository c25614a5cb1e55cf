/**
 * The whole live path in one process, as in production but on free ports of 127.0.0.1:
 * an embedded TimescaleDB, the real ingest API (listening), the real workers on a queue of
 * their own, and a websocket instance. Used by the end-to-end test and bench/live.bench.ts.
 */
import type { AddressInfo } from 'node:net';
import Bull from 'bull';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  TEST_JWT_SECRET,
  TEST_REDIS_URL,
  uniqueName,
  type TestProject,
} from '@rum/cli/test-support';
import { BULL_PREFIX, createLogger, loadConfig, type Beacon, type CollectJob } from '@rum/shared';
import { buildApp } from '../../ingest-api/src/app.ts';
import { startWorker } from '../../workers/src/worker.ts';
import { startLive, withTimeout, type RunningLive } from './support.ts';

export interface Pipeline {
  project: TestProject;
  live: RunningLive;
  /** POSTs one beacon to the ingest API with the project's key; resolves with the HTTP status. */
  send(beacon: Beacon): Promise<number>;
  /** Stops everything it started, drops the test queue's keys. */
  stop(): Promise<void>;
}

export async function startPipeline(options: { logLevel?: string } = {}): Promise<Pipeline> {
  const logLevel = options.logLevel ?? 'silent';
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    // Each step is bounded, so a component that does not close cannot hang the caller.
    for (const fn of stops.reverse())
      await withTimeout(fn(), 'pipeline step to stop').catch(() => {});
  };
  try {
    const db = await startTestDatabase();
    stops.push(() => db.stop());
    const redis = connectTestRedis();
    stops.push(() => redis.quit());
    const project = await createTestProject(db.pool, redis);

    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: logLevel,
    });
    const queueName = uniqueName('rum-collect-live');
    stops.push(async () => {
      const queue = new Bull<CollectJob>(queueName, TEST_REDIS_URL, { prefix: BULL_PREFIX });
      await queue.obliterate({ force: true });
      await queue.close();
    });

    const worker = await startWorker(config, {
      queueName,
      // The embedded engine runs one backend, so concurrent jobs would only queue on it; and
      // with concurrency > 1 some jobs were seen to stay active forever against it (reported).
      concurrency: 1,
      databaseUrl: db.url,
      logger: createLogger('workers', logLevel),
    });
    stops.push(() => worker.close());

    const live = await startLive();
    stops.push(() => live.close());

    const ingest = buildApp({ config, queueName, logger: createLogger('ingest-api', logLevel) });
    stops.push(() => ingest.close());
    await ingest.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ingest.server.address() as AddressInfo;
    const collectUrl = `http://127.0.0.1:${port}/v1/collect?key=${encodeURIComponent(project.ingestKey)}`;

    const send = async (beacon: Beacon) => {
      const res = await fetch(collectUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(beacon),
      });
      await res.arrayBuffer();
      return res.status;
    };
    return { project, live, send, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
