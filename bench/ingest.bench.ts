/**
 * Ingest throughput: requests per second of POST /v1/collect (validation, per-project rate
 * limit in Redis, micro-batched Bull jobs, 202 only once queued) against a bare Fastify route
 * that parses the same JSON and answers 202, on the same machine with the same load.
 * Target: ingest_rps / bare_rps >= 0.5, while every 202 is durably queued (measured figures:
 * the README's Performance section).
 *
 * The bare server is measured before and after the ingest runs, and the ratio uses the mean.
 * Both servers run in this process on 127.0.0.1 (one at a time under load); the load comes
 * from autocannon in a child process, so it does not share the servers' event loop. Ingest
 * is measured twice: as shipped (micro-batching) and with one Bull job per request, so the
 * effect of batching is printed too. After each ingest run the app is closed (in-flight
 * requests finish, the batcher flushes) and the queue is read back: the beacons in its jobs
 * must equal the 202s the server sent. The bench queues and the project key are removed.
 *
 * Env: BENCH_SECONDS (10) per measured run, BENCH_CONNECTIONS (50), REDIS_URL.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import Bull from 'bull';
import Fastify from 'fastify';
import { BULL_PREFIX, type Beacon, type CollectJob } from '@rum/contract';
import { createRedis, unpublishIngestKey, loadConfig, publishIngestKey } from '@rum/server-kit';
import { buildApp, RATE_LIMIT_NAMESPACE, type BatchOptions } from '@rum/ingest-api';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const WARM_UP_SECONDS = Math.max(1, Math.min(3, Math.round(SECONDS / 4)));
/** Hard stop of the whole run: four measured runs and their warm-ups, plus set-up and read-back. */
const RUN_LIMIT_MS = (4 * (SECONDS + WARM_UP_SECONDS) + 120) * 1000;

if (!(SECONDS > 0) || !(CONNECTIONS > 0))
  throw new Error('BENCH_SECONDS and BENCH_CONNECTIONS must be positive numbers');

function emit(metric: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ bench: 'ingest', metric, value, unit })}\n`);
}
function note(message: string): void {
  process.stderr.write(`ingest bench: ${message}\n`);
}

const guard = setTimeout(() => {
  note(`gave up after ${RUN_LIMIT_MS} ms`);
  process.exit(1);
}, RUN_LIMIT_MS);
guard.unref();

// A typical beacon: two web-vitals reports and a JS error. autocannon's -I replaces [<id>]
// with a fresh id per request, as web-vitals' metric ids are unique per page load.
const now = Date.now();
const beacon: Beacon = {
  sid: 's-[<id>]',
  url: 'https://shop.example.com/products/42',
  events: [
    {
      id: 'v5-[<id>]-lcp',
      name: 'LCP',
      value: 2143.5,
      rating: 'good',
      navigationType: 'navigate',
      ts: now,
    },
    {
      id: 'v5-[<id>]-cls',
      name: 'CLS',
      value: 0.12,
      delta: 0.02,
      rating: 'needs-improvement',
      ts: now,
    },
  ],
  errors: [{ message: 'TypeError: x is undefined', stack: 'at main.js:1:2', ts: now }],
  device: { type: 'mobile', timezone: 'Europe/Berlin' },
};
const ORIGIN = 'https://shop.example.com';
const EVENTS_PER_BEACON = beacon.events.length + (beacon.errors?.length ?? 0);
const BODY = JSON.stringify(beacon);

interface LoadResult {
  rps: number;
  ok: number;
  other: number;
  errors: number;
  p99Ms: number;
}

const autocannonBin = createRequire(import.meta.url).resolve('autocannon/autocannon.js');

/** Runs autocannon in a child process against `url` and returns what it counted. */
function load(url: string, seconds: number): Promise<LoadResult> {
  const args = [
    autocannonBin,
    '--json',
    '-n',
    '-I',
    '-c',
    String(CONNECTIONS),
    '-d',
    String(seconds),
  ];
  // Browsers always send an Origin with a cross-origin beacon; the ingest side checks it (CORS).
  args.push(
    '-m',
    'POST',
    '-H',
    'content-type=application/json',
    '-H',
    `origin=${ORIGIN}`,
    '-b',
    BODY,
    url,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`autocannon exited with ${code}`));
      const r = JSON.parse(out) as {
        duration: number;
        '2xx': number;
        non2xx: number;
        errors: number;
        timeouts: number;
        latency: { p99: number };
      };
      resolve({
        rps: r['2xx'] / r.duration,
        ok: r['2xx'],
        other: r.non2xx,
        errors: r.errors + r.timeouts,
        p99Ms: r.latency.p99,
      });
    });
  });
}

async function measure(name: string, url: string): Promise<LoadResult> {
  await load(url, WARM_UP_SECONDS);
  const result = await load(url, SECONDS);
  if (result.other > 0 || result.errors > 0)
    note(`${name}: ${result.other} non-2xx answers, ${result.errors} errors/timeouts`);
  return result;
}

const config = { ...loadConfig(), logLevel: 'warn' };
const redis = createRedis(config.redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
const ingestKey = `pk_bench_${randomBytes(8).toString('hex')}`;
const projectId = 2_000_000_000 + Math.floor(Math.random() * 100_000_000);
await publishIngestKey(redis, ingestKey, {
  id: projectId,
  slug: `bench-${randomBytes(4).toString('hex')}`,
  allowedOrigins: [ORIGIN],
  // High enough never to answer 429 here: the limit is still counted in Redis on every request.
  rateLimitPerMinute: 1_000_000_000,
  expiresAt: null,
});

/** The bare baseline: Fastify's own JSON parsing and a 202, nothing else. */
async function runBare(): Promise<LoadResult> {
  const bare = Fastify();
  bare.post('/v1/collect', async (_request, reply) =>
    reply.code(202).send({ accepted: EVENTS_PER_BEACON }),
  );
  const address = await bare.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await measure('bare', `${address}/v1/collect`);
  } finally {
    await bare.close();
  }
}

interface IngestRun extends LoadResult {
  server202: number;
  jobs: number;
  beacons: number;
  events: number;
}

/** Ingest as configured by `batch`, on a fresh queue that is read back and removed afterwards. */
async function runIngest(name: string, batch?: Partial<BatchOptions>): Promise<IngestRun> {
  const queueName = `bench-collect-${randomBytes(5).toString('hex')}`;
  const app = buildApp({ config, queueName, ...(batch ? { batch } : {}) });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  const queue = new Bull<CollectJob>(queueName, { prefix: BULL_PREFIX, redis: config.redisUrl });
  let closed: Promise<undefined> | undefined;
  const close = () => (closed ??= app.close());
  try {
    const result = await measure(name, `${address}/v1/collect?key=${ingestKey}`);
    // Closing waits for requests in flight and flushes the micro-batcher, so every 202 is counted.
    await close();
    const metric = await app.metrics.getSingleMetric('rum_http_requests_total')!.get();
    const server202 = metric.values
      .filter((v) => v.labels.route === '/v1/collect' && v.labels.status_code === '202')
      .reduce((sum, v) => sum + v.value, 0);

    let jobs = 0;
    let beacons = 0;
    let events = 0;
    const total = await queue.getWaitingCount();
    for (let start = 0; start < total; start += 500) {
      for (const job of await queue.getWaiting(start, start + 499)) {
        jobs += 1;
        beacons += job.data.beacons.length;
        for (const a of job.data.beacons)
          events += a.beacon.events.length + (a.beacon.errors?.length ?? 0);
      }
    }
    return { ...result, server202, jobs, beacons, events };
  } finally {
    await close();
    await queue
      .obliterate({ force: true })
      .catch((err: Error) => note(`could not remove ${queueName}: ${err.message}`));
    await queue.close();
  }
}

try {
  // The baseline is measured before and after the ingest runs and averaged: on a shared
  // machine the same bare server has been seen to vary by 20% from one minute to the next.
  const bareBefore = await runBare();
  const batched = await runIngest('ingest');
  const unbatched = await runIngest('ingest (one job per request)', { maxItems: 1 });
  const bareAfter = await runBare();
  const bare = { rps: (bareBefore.rps + bareAfter.rps) / 2 };

  emit('bare_rps_before', Math.round(bareBefore.rps), 'req/s');
  emit('bare_rps_after', Math.round(bareAfter.rps), 'req/s');
  emit('bare_rps', Math.round(bare.rps), 'req/s');
  emit('ingest_rps', Math.round(batched.rps), 'req/s');
  emit('ratio', Number((batched.rps / bare.rps).toFixed(3)), 'ingest/bare');
  emit('ingest_p99_latency', batched.p99Ms, 'ms');
  emit('accepted_202', batched.server202, 'responses');
  emit('queued_jobs', batched.jobs, 'jobs');
  emit('queued_beacons', batched.beacons, 'beacons');
  emit('accepted_events', batched.events, 'events');
  // Every 202 must be in the queue. A few more beacons may be queued than answered: requests
  // still in flight when autocannon stops are queued, but their answer finds the socket closed.
  emit('unqueued_202', Math.max(0, batched.server202 - batched.beacons), 'responses');
  emit('queued_unanswered', Math.max(0, batched.beacons - batched.server202), 'beacons');
  emit('ingest_unbatched_rps', Math.round(unbatched.rps), 'req/s');
  emit('unbatched_ratio', Number((unbatched.rps / bare.rps).toFixed(3)), 'ingest/bare');
  emit('unbatched_unqueued_202', Math.max(0, unbatched.server202 - unbatched.beacons), 'responses');
  emit('batching_speedup', Number((batched.rps / unbatched.rps).toFixed(3)), 'x');

  for (const [name, run] of [
    ['ingest', batched],
    ['unbatched', unbatched],
  ] as const) {
    if (
      run.server202 > run.beacons ||
      run.ok > run.server202 ||
      run.events !== run.beacons * EVENTS_PER_BEACON
    ) {
      note(
        `${name}: ${run.server202} 202s sent (${run.ok} counted by the client) but ${run.beacons} beacons (${run.events} events) queued`,
      );
      process.exitCode = 1;
    }
  }
} finally {
  await unpublishIngestKey(redis, ingestKey);
  await redis.del(`${RATE_LIMIT_NAMESPACE}${projectId}`);
  await redis.quit();
}
