/**
 * Pipeline throughput: web-vitals events per second from HTTP to committed rows, with the
 * queue depth and the workers' memory at the start and end of the measured window.
 * Target: sustained for a minute with queue depth flat and worker memory flat (measured
 * figures: the README's Benchmarks section).
 *
 * Processes, as `npm start` runs them, all on 127.0.0.1:
 * - a private redis-server on a free port (the bench never touches anyone else's queue);
 * - the embedded TimescaleDB (`rum db` on a temporary data folder) unless DATABASE_URL is set;
 * - the real workers (`services/workers/src/server.ts`) in a child process, so their RSS is theirs;
 * - the real ingest API (buildApp, listening) and the load generator in this process.
 * Senders POST the page views of `rum simulate` (`syntheticPageView` of @rum/testing: 4 to 6
 * web-vitals events each, a JS error now and then, a new session each, a mix of pages,
 * browsers and countries) as fast as the pipeline drains: they pause while more than
 * {@link MAX_BACKLOG_JOBS} jobs wait, so the figure is what the workers commit, not what
 * Redis can hold. Rows are counted in the database at both ends of the window.
 *
 * Env: BENCH_SECONDS (60) measured, BENCH_CONNECTIONS (16) concurrent senders,
 * WORKER_CONCURRENCY (1 on the embedded engine, else the workers' default), DATABASE_URL
 * (optional: a real TimescaleDB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Bull from 'bull';
import { BULL_PREFIX, COLLECT_QUEUE, type CollectJob } from '@rum/contract';
import { createPool, createRedis, loadConfig, type Pool } from '@rum/server-kit';
import { createTestProject, startPrivateRedis, TEST_JWT_SECRET } from '@rum/testing';
import { seededRandom, syntheticPageView } from '@rum/testing/synthetic-traffic';
import { migrate } from '@rum/server-kit';
import { buildApp } from '@rum/ingest-api';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SENDERS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARM_UP_SECONDS = Math.max(2, Math.min(5, Math.round(SECONDS / 6)));
/** Senders pause while more jobs than this wait: the queue stays shallow and flat. */
const MAX_BACKLOG_JOBS = 200;
const RUN_LIMIT_MS = (SECONDS + WARM_UP_SECONDS + 180) * 1000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The simulated site and the share of its page views that report a JS error. */
const ORIGIN = 'https://shop.example.com';
const ERROR_RATE = 0.05;

if (!(SECONDS > 0) || !(SENDERS > 0))
  throw new Error('BENCH_SECONDS and BENCH_CONNECTIONS must be positive numbers');

function emit(metric: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ bench: 'pipeline', metric, value, unit })}\n`);
}
function note(message: string): void {
  process.stderr.write(`pipeline bench: ${message}\n`);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Children started, killed outright if the run has to be abandoned. */
const children: ChildProcess[] = [];
const guard = setTimeout(() => {
  note(`gave up after ${RUN_LIMIT_MS} ms`);
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  // stop() sends SIGKILL synchronously; exit before Redis clients report the closed connection.
  void redisServer?.stop();
  process.exit(1);
}, RUN_LIMIT_MS);
guard.unref();
const tempDirs: string[] = [];
let redisServer: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse())
    await fn().catch((err: Error) => note(`cleanup: ${err.message}`));
}

/** Spawns a node child running TypeScript through tsx; resolves once a stream line matches `ready`. */
async function startChild(
  name: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: RegExp,
  stream: 'stdout' | 'stderr',
): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(killer);
  });
  return new Promise((resolve, reject) => {
    let matched = false;
    for (const which of ['stdout', 'stderr'] as const) {
      createInterface({ input: child[which]! }).on('line', (line) => {
        const match = which === stream && !matched ? ready.exec(line) : null;
        if (match) {
          matched = true;
          resolve({ child, match });
        } else if (/"level":(4|5|6)\d|error|fatal/i.test(line)) note(`${name}: ${line}`);
      });
    }
    void exited.then(() => reject(new Error(`${name} exited before it was ready`)));
  });
}

/** Resident memory of a process in MB, from /proc (Linux) or ps. */
function rssMb(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux
  }
  return NaN;
}

// --- the run -------------------------------------------------------------------------------
async function countMetrics(pool: Pool, projectId: number): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*) AS n FROM metrics WHERE project_id = $1',
    [projectId],
  );
  return rows[0]!.n;
}

async function main(): Promise<void> {
  redisServer = await startPrivateRedis();
  const redisUrl = redisServer.url;
  cleanups.push(() => redisServer!.stop());

  let databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) {
    const dataDir = mkdtempSync(join(tmpdir(), 'rum-bench-pipeline-'));
    tempDirs.push(dataDir);
    cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const { match } = await startChild(
      'embedded db',
      [join(ROOT, 'packages/cli/bin/rum.js'), 'db'],
      { RUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
      /DATABASE_URL=(\S+)/,
      'stderr',
    );
    databaseUrl = match[1]!;
  }
  const pool = createPool(databaseUrl, 2);
  cleanups.push(() => pool.end());
  await migrate(pool);

  const redis = createRedis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
  cleanups.push(async () => redis.disconnect());
  const project = await createTestProject(pool, redis, { rateLimitPerMinute: 1_000_000_000 });

  const env = {
    // The embedded engine runs one transaction at a time, so concurrent jobs only queue there:
    // one job at a time is as fast (5,268 events/s at 1, 4,575 at 4). A real TimescaleDB (DATABASE_URL) gets the workers' default.
    ...(process.env.WORKER_CONCURRENCY || process.env.DATABASE_URL
      ? {}
      : { WORKER_CONCURRENCY: '1' }),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'info',
  };
  const { child: workers } = await startChild(
    'workers',
    ['--import', 'tsx', join(ROOT, 'services/workers/src/server.ts')],
    env,
    /workers consuming/,
    'stdout',
  );

  const config = loadConfig({ ...process.env, ...env, LOG_LEVEL: 'warn' });
  const app = buildApp({ config, redisUrl: redisUrl });
  const address = await app.listen({ host: '127.0.0.1', port: 0 });
  cleanups.push(() => app.close());
  const queue = new Bull<CollectJob>(COLLECT_QUEUE, redisUrl, { prefix: BULL_PREFIX });
  cleanups.push(() => queue.close());
  const depth = async () => {
    const counts = await queue.getJobCounts();
    return counts.waiting + counts.active;
  };

  const endpoint = `${address}/v1/collect?key=${project.ingestKey}`;
  const random = seededRandom(Date.now() % 2 ** 31);
  let running = true;
  let backlogged = false;
  let accepted = 0;
  let rejected = 0;
  const watcher = (async () => {
    while (running) {
      backlogged = (await queue.getWaitingCount()) > MAX_BACKLOG_JOBS;
      await sleep(100);
    }
  })();
  const sender = async () => {
    while (running) {
      if (backlogged) {
        await sleep(20);
        continue;
      }
      const { beacon, userAgent, contentType } = syntheticPageView(random, {
        origin: ORIGIN,
        now: Date.now(),
        spreadMs: 0,
        errorRate: ERROR_RATE,
      });
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': contentType, 'user-agent': userAgent },
          body: JSON.stringify(beacon),
        });
        await response.arrayBuffer();
        if (response.status === 202) accepted += 1;
        else rejected += 1;
      } catch {
        rejected += 1;
      }
    }
  };
  const senders = Array.from({ length: SENDERS }, sender);

  await sleep(WARM_UP_SECONDS * 1000);
  const startRows = await countMetrics(pool, project.id);
  if (startRows === 0)
    throw new Error(
      `no row committed during the ${WARM_UP_SECONDS} s warm-up: the pipeline is stuck`,
    );
  const startDepth = await depth();
  const startRss = rssMb(workers.pid!);
  const started = performance.now();
  await sleep(SECONDS * 1000);
  const endRows = await countMetrics(pool, project.id);
  const elapsed = (performance.now() - started) / 1000;
  const endDepth = await depth();
  const endRss = rssMb(workers.pid!);
  running = false;
  await Promise.all([...senders, watcher]);

  emit('events_per_second', Math.round(((endRows - startRows) / elapsed) * 10) / 10, 'events/s');
  emit('queue_depth_start', startDepth, 'jobs');
  emit('queue_depth_end', endDepth, 'jobs');
  emit('worker_rss_start_mb', Math.round(startRss * 10) / 10, 'MB');
  emit('worker_rss_end_mb', Math.round(endRss * 10) / 10, 'MB');
  note(
    `${SENDERS} senders, ${accepted} beacons accepted (${rejected} not), ${endRows} rows in total, ` +
      `${endRows - startRows} in the ${elapsed.toFixed(1)} s window`,
  );
}

try {
  await main();
} finally {
  await cleanup();
  clearTimeout(guard);
}
