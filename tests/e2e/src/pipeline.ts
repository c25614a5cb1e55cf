/**
 * The services together in one process, as in production but on free ports of 127.0.0.1: an
 * embedded TimescaleDB, the real ingest API (listening), the real workers on a queue of their
 * own, and on request a websocket instance and the query API. Used by the tests of this
 * package and by the benches.
 */
import type { AddressInfo } from 'node:net';
import Bull from 'bull';
import type { FastifyInstance } from 'fastify';
import {
  createTestProject,
  startTestDatabase,
  TEST_JWT_SECRET,
  TEST_REDIS_URL,
  uniqueName,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import { buildApp as buildIngest } from '@rum/ingest-api';
import { buildApp as buildQuery } from '@rum/query-api';
import { buildApp as buildLive } from '@rum/websocket';
import { startWorker, type RunningWorker } from '@rum/workers';
import { BULL_PREFIX, type Beacon, type CollectJob } from '@rum/contract';
import {
  createLogger,
  createRedis,
  loadConfig,
  unpublishIngestKey,
  type Config,
  type Logger,
  type Redis,
} from '@rum/server-kit';
import { withTimeout } from '@rum/testing/live-client';

export interface PipelineOptions {
  logLevel?: string;
  /** Default: the machine's test Redis. */
  redisUrl?: string;
  /** Projects to create (default 1). */
  projects?: number;
  /** Start a websocket instance too. */
  live?: boolean;
  /** Build the query API too (not listening: use `query.inject`). */
  query?: boolean;
  /** How long ingest trusts what it read about a key (ms); short to see Redis changes at once. */
  keyCacheMs?: number;
  /** Worker jobs at once; default 1 (the embedded engine runs one transaction at a time). */
  workerConcurrency?: number;
  /** More configuration, as environment variables (e.g. ALERT_INTERVAL_MS). */
  env?: NodeJS.ProcessEnv;
}

export interface RunningLive {
  app: FastifyInstance;
  url: string;
}

export interface SendOptions {
  /** Default: the first project's ingest key; null sends none. */
  key?: string | null;
  headers?: Record<string, string>;
  /** The body as it is, instead of the beacon as JSON. */
  body?: string | Buffer;
}

export interface Pipeline {
  config: Config;
  db: TestDatabase;
  redis: Redis;
  projects: TestProject[];
  /** The first project. */
  project: TestProject;
  queueName: string;
  /** A producer-side handle on the workers' queue, to inspect jobs. */
  queue: Bull.Queue<CollectJob>;
  ingestUrl: string;
  worker: RunningWorker;
  live: RunningLive | undefined;
  query: FastifyInstance | undefined;
  /** POSTs to the ingest API; resolves with the status, headers and body. */
  send(
    beacon: Beacon | null,
    options?: SendOptions,
  ): Promise<{ status: number; headers: Headers; body: string }>;
  /** Resolves once every job of the queue is completed or failed. */
  drained(timeoutMs?: number): Promise<void>;
  /** Stops everything it started, drops the test queue's keys. */
  stop(): Promise<void>;
}

export async function startPipeline(options: PipelineOptions = {}): Promise<Pipeline> {
  const logLevel = options.logLevel ?? 'silent';
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const stops: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    // Each step is bounded, so a component that does not close cannot hang the caller.
    for (const fn of stops.reverse())
      await withTimeout(fn(), 'pipeline step to stop').catch(() => {});
  };
  try {
    const db = await startTestDatabase();
    stops.push(() => db.stop());
    const redis = createRedis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
    redis.on('error', () => {});
    stops.push(() => redis.quit());
    const projects: TestProject[] = [];
    for (let i = 0; i < (options.projects ?? 1); i++) {
      projects.push(await createTestProject(db.pool, redis));
    }
    stops.push(async () => {
      for (const p of projects) await unpublishIngestKey(redis, p.ingestKey);
    });

    const config = loadConfig({
      DATABASE_URL: db.url,
      REDIS_URL: redisUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: logLevel,
      ...options.env,
    });
    const queueName = uniqueName('rum-collect-e2e');
    const queue = new Bull<CollectJob>(queueName, redisUrl, { prefix: BULL_PREFIX });
    queue.on('error', () => {});
    stops.push(async () => {
      await queue.obliterate({ force: true });
      await queue.close();
    });

    const worker = await startWorker(config, {
      queueName,
      concurrency: options.workerConcurrency ?? 1,
      databaseUrl: db.url,
      logger: createLogger('workers', logLevel),
    });
    stops.push(() => worker.close());

    let live: RunningLive | undefined;
    if (options.live) {
      live = await startLive(config, createLogger('websocket', logLevel));
      const { app } = live;
      stops.push(() => app.close());
    }

    let query: FastifyInstance | undefined;
    if (options.query) {
      query = await buildQuery({ config, pool: db.pool });
      stops.push(() => query!.close());
      await query.ready();
    }

    const ingest = buildIngest({
      config,
      queueName,
      logger: createLogger('ingest-api', logLevel),
      ...(options.keyCacheMs !== undefined
        ? { projectKeys: { ttlMs: options.keyCacheMs, negativeTtlMs: options.keyCacheMs } }
        : {}),
    });
    stops.push(() => ingest.close());
    await ingest.listen({ host: '127.0.0.1', port: 0 });
    const { port } = ingest.server.address() as AddressInfo;
    const ingestUrl = `http://127.0.0.1:${port}`;

    const project = projects[0]!;
    const send: Pipeline['send'] = async (beacon, sendOptions = {}) => {
      const key = sendOptions.key === undefined ? project.ingestKey : sendOptions.key;
      const url = `${ingestUrl}/v1/collect${key === null ? '' : `?key=${encodeURIComponent(key)}`}`;
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...sendOptions.headers },
        body: sendOptions.body ?? JSON.stringify(beacon),
      });
      return { status: res.status, headers: res.headers, body: await res.text() };
    };

    const drained = async (timeoutMs = 60_000) => {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await queue.getJobCounts();
        if (counts.waiting + counts.active + counts.delayed === 0) return;
        if (Date.now() > deadline) throw new Error(`queue not drained: ${JSON.stringify(counts)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };

    return {
      config,
      db,
      redis,
      projects,
      project,
      queueName,
      queue,
      ingestUrl,
      worker,
      live,
      query,
      send,
      drained,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** A websocket service on a free port of 127.0.0.1 (the pipeline's, or another instance). */
export async function startLive(config: Config, logger: Logger): Promise<RunningLive> {
  const app = await buildLive({ config, logger });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}` };
}
