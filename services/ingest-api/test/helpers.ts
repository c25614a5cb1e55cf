/** A real ingest app on real Redis with a queue of its own, and what tests need around it. */
import { gzipSync } from 'node:zlib';
import Bull from 'bull';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { BULL_PREFIX, type Beacon, type CollectJob } from '@rum/contract';
import {
  createRedis,
  loadConfig,
  publishAllIngestKeys,
  publishIngestKey,
  unpublishIngestKey,
  type IngestProject,
  type Redis,
} from '@rum/server-kit';
import { TEST_JWT_SECRET, TEST_REDIS_URL, uniqueName } from '@rum/testing';
import { buildApp, type AppOptions } from '../src/app.ts';
import { RATE_LIMIT_NAMESPACE } from '../src/routes/collect.ts';

export const TEST_CONFIG = loadConfig({
  REDIS_URL: TEST_REDIS_URL,
  LOG_LEVEL: 'silent',
  JWT_SECRET: TEST_JWT_SECRET,
  COUNTRY_HEADER: 'cf-ipcountry',
});

export function validBeacon(overrides: Partial<Beacon> = {}): Beacon {
  const ts = Date.now();
  return {
    sid: uniqueName('s'),
    url: 'https://shop.example.com/products/42',
    events: [
      {
        id: uniqueName('v4-lcp'),
        name: 'LCP',
        value: 2143.5,
        rating: 'good',
        navigationType: 'navigate',
        ts,
      },
      {
        id: uniqueName('v4-cls'),
        name: 'CLS',
        value: 0.12,
        delta: 0.02,
        rating: 'needs-improvement',
        ts,
      },
    ],
    errors: [{ message: 'TypeError: x is undefined', stack: 'at main.js:1:2', ts }],
    device: { type: 'mobile', timezone: 'Europe/Berlin' },
    ...overrides,
  };
}

export interface TestProject {
  key: string;
  project: IngestProject;
}

export interface Harness {
  app: FastifyInstance;
  redis: Redis;
  queueName: string;
  /** A Bull handle on the app's queue, to read back what was queued. */
  queue: Bull.Queue<CollectJob>;
  createProject(input?: {
    origins?: string[];
    rateLimitPerMinute?: number;
    expiresAt?: number | null;
  }): Promise<TestProject>;
  /** Re-publishes every project created so far, as the workers do after Redis lost its data. */
  republish(): Promise<void>;
  collect(
    key: string | null,
    body: unknown,
    options?: CollectOptions,
  ): Promise<LightMyRequestResponse>;
  /** Every job currently waiting in the queue, oldest first. */
  jobs(): Promise<Bull.Job<CollectJob>[]>;
  /** How many jobs the queue holds in any state. */
  queuedJobs(): Promise<number>;
  close(): Promise<void>;
}

export interface CollectOptions {
  headers?: Record<string, string>;
  contentType?: string;
  gzip?: boolean;
  /** Send the key in x-api-key instead of ?key=. */
  keyInHeader?: boolean;
  /** Raw body as is (not JSON-encoded). */
  raw?: string | Buffer;
}

export async function startHarness(options: Partial<AppOptions> = {}): Promise<Harness> {
  const redisUrl = options.redisUrl ?? TEST_REDIS_URL;
  const queueName = uniqueName('test-collect');
  const app = buildApp({ config: TEST_CONFIG, queueName, ...options, redisUrl });
  await app.ready();
  const redis = createRedis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
  redis.on('error', () => {});
  const queue = new Bull<CollectJob>(queueName, { prefix: BULL_PREFIX, redis: redisUrl });
  queue.on('error', () => {});
  // The key set counts as whole, as once the workers have published it: unknown keys are 401s.
  await publishAllIngestKeys(redis, new Map());
  const projects: TestProject[] = [];

  return {
    app,
    redis,
    queueName,
    queue,
    async createProject(input = {}) {
      const project: IngestProject = {
        // Random ids: rate-limit counters are keyed by project id in the shared Redis.
        id: 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000),
        slug: uniqueName('p'),
        allowedOrigins: input.origins ?? [],
        rateLimitPerMinute: input.rateLimitPerMinute ?? 10_000,
        expiresAt: input.expiresAt ?? null,
      };
      const created = { key: `pk_${uniqueName('test')}`, project };
      await publishIngestKey(redis, created.key, project);
      projects.push(created);
      return created;
    },
    async republish() {
      await publishAllIngestKeys(redis, new Map(projects.map((p) => [p.key, p.project])));
    },
    collect(key, body, opts = {}) {
      let payload: string | Buffer = opts.raw ?? JSON.stringify(body);
      const headers: Record<string, string> = {
        'content-type': opts.contentType ?? 'application/json',
        ...opts.headers,
      };
      if (opts.gzip) {
        payload = gzipSync(payload);
        headers['content-encoding'] = 'gzip';
      }
      const request: InjectOptions = { method: 'POST', url: '/v1/collect', headers, payload };
      if (key !== null && opts.keyInHeader) headers['x-api-key'] = key;
      else if (key !== null) request.query = { key };
      return app.inject(request);
    },
    jobs: () => queue.getWaiting(),
    async queuedJobs() {
      const counts = await queue.getJobCounts();
      return Object.values(counts).reduce((a, b) => a + b, 0);
    },
    async close() {
      await app.close();
      await queue.obliterate({ force: true }).catch(() => {});
      await queue.close();
      for (const p of projects) {
        await unpublishIngestKey(redis, p.key).catch(() => {});
        await redis.del(RATE_LIMIT_NAMESPACE + String(p.project.id)).catch(() => {});
      }
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
