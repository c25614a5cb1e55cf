import fp from 'fastify-plugin';
import Bull from 'bull';
import {
  BULL_PREFIX,
  COLLECT_JOB_OPTIONS,
  type AcceptedBeacon,
  type CollectJob,
} from '@rum/contract';
import { Histogram } from 'prom-client';
import {
  createRedis,
  MicroBatcher,
  waitUntilReady,
  withTimeout,
  type Redis,
} from '@rum/server-kit';
import { notQueued, REDIS_TIMEOUT_MS } from '../lib/not-queued.ts';

/** Micro-batching: beacons arriving together share one Bull job (see bench/ingest.bench.ts). */
export interface BatchOptions {
  /** Most beacons in one job; 1 means one job per request. */
  maxItems: number;
  /** Longest the first beacon of a job waits for others, in ms; 0 = the current event-loop turn. */
  maxWaitMs: number;
}

export const DEFAULT_BATCH: BatchOptions = { maxItems: 32, maxWaitMs: 2 };

export interface CollectQueue {
  queue: Bull.Queue<CollectJob>;
  /** Resolves once the beacon is in a Bull job in Redis; rejects with a 503 error otherwise. */
  enqueue(beacon: AcceptedBeacon): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    collectQueue: CollectQueue;
  }
}

export interface QueuePluginOptions {
  url: string;
  name: string;
  batch: BatchOptions;
}

export default fp<QueuePluginOptions>(
  async (app, { url, name, batch }) => {
    const clients: Redis[] = [];
    const queue = new Bull<CollectJob>(name, {
      prefix: BULL_PREFIX,
      createClient: (type) => {
        // The producer's client fails fast while Redis is down (no offline queue), so an add
        // rejects at once instead of hanging; Bull requires the blocking ones to wait forever.
        const client =
          type === 'client'
            ? createRedis(url)
            : createRedis(url, {
                maxRetriesPerRequest: null,
                enableReadyCheck: false,
                enableOfflineQueue: true,
              });
        clients.push(client);
        return client;
      },
    });
    queue.on('error', (err: Error) => app.log.warn({ err: err.message }, 'queue error'));

    const queueAddSeconds = new Histogram({
      name: 'rum_ingest_queue_add_duration_seconds',
      help: 'Time to add one collect job to the Bull queue in Redis, by outcome (ok, error).',
      labelNames: ['outcome'],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers: [app.metrics],
    });
    const batchBeacons = new Histogram({
      name: 'rum_ingest_job_beacons',
      help: 'Beacons micro-batched into one collect job.',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers: [app.metrics],
    });
    const batcher = new MicroBatcher<AcceptedBeacon>({
      ...batch,
      flush: async (beacons) => {
        const end = queueAddSeconds.startTimer();
        try {
          // A timed-out add may still land later: that request got a 503, never a 202, and the
          // workers' idempotency keys absorb a client's retry.
          await withTimeout(
            queue.add({ beacons }, COLLECT_JOB_OPTIONS),
            REDIS_TIMEOUT_MS,
            'queue add',
          );
          end({ outcome: 'ok' });
          batchBeacons.observe(beacons.length);
        } catch (err) {
          end({ outcome: 'error' });
          app.log.warn(
            { err: (err as Error).message, beacons: beacons.length },
            'collect job not queued',
          );
          throw notQueued(err);
        }
      },
    });

    app.decorate('collectQueue', {
      queue,
      enqueue: (beacon: AcceptedBeacon) => batcher.add(beacon),
    });
    app.addHook('onClose', async () => {
      await batcher.close();
      await queue.close();
      await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
    });
    await waitUntilReady(queue.client as Redis, url);
  },
  { name: 'rum-queue', dependencies: ['rum-metrics'] },
);
