/**
 * Pipeline throughput: web-vitals events per second from HTTP to committed rows, with the
 * queue depth and the workers' memory at the start and end of the measured window.
 * Target (DESIGN.md): sustained for a minute with queue depth flat and worker memory flat.
 *
 * Processes, as `npm start` runs them, all on 127.0.0.1:
 * - a private redis-server on a free port (the bench never touches anyone else's queue);
 * - the embedded TimescaleDB (`rum db` on a temporary data folder) unless DATABASE_URL is set;
 * - the real workers (`services/workers/src/server.ts`) in a child process, so their RSS is theirs;
 * - the real ingest API (buildApp, listening) and the load generator in this process.
 * Senders POST realistic beacons (5 web-vitals events each, a JS error now and then, many
 * sessions, pages and browsers) as fast as the pipeline drains: they pause while more than
 * {@link MAX_BACKLOG_JOBS} jobs wait, so the figure is what the workers commit, not what
 * Redis can hold. Rows are counted in the database at both ends of the window.
 *
 * Env: BENCH_SECONDS (60) measured, BENCH_CONNECTIONS (16) concurrent senders,
 * WORKER_CONCURRENCY (1 on the embedded engine, else the workers' default), DATABASE_URL
 * (optional: a real TimescaleDB).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Bull from 'bull';
import {
  BULL_PREFIX,
  COLLECT_QUEUE,
  type Beacon,
  type BeaconEvent,
  type CollectJob,
  type MetricName,
} from '@rum/contract';
import { createPool, createRedis, loadConfig, type Pool } from '@rum/server-kit';
import { createTestProject, startPrivateRedis, TEST_JWT_SECRET } from '@rum/testing';
import { migrate } from '@rum/server-kit';
import { buildApp } from '@rum/ingest-api';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const SENDERS = Number(process.env.BENCH_CONNECTIONS ?? 16);
const WARM_UP_SECONDS = Math.max(2, Math.min(5, Math.round(SECONDS / 6)));
/** Senders pause while more jobs than this wait: the queue stays shallow and flat. */
const MAX_BACKLOG_JOBS = 200;
const RUN_LIMIT_MS = (SECONDS + WARM_UP_SECONDS + 180) * 1000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));

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

// --- realistic traffic ---------------------------------------------------------------------
const USER_AGENTS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
];
const ZONES = [
  'Europe/Paris',
  'America/New_York',
  'Europe/Berlin',
  'Asia/Tokyo',
  'America/Sao_Paulo',
  'Australia/Sydney',
];
const DOMAINS = ['shop.example.com', 'blog.example.com', 'www.example.com'];
const SECTIONS = ['products', 'blog', 'docs', 'category', 'account'];
const CONNECTIONS = ['4g', '4g', '4g', '3g', 'slow-2g'];
/** Typical medians per metric; values spread log-normally around them. */
const MEDIANS: Record<Exclude<MetricName, 'FID'>, number> = {
  LCP: 2200,
  INP: 150,
  CLS: 0.05,
  FCP: 1400,
  TTFB: 500,
};

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
function spread(median: number): number {
  const u = Math.max(Math.random(), 1e-9);
  const v = Math.random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  return Math.round(median * Math.exp(0.6 * normal) * 1000) / 1000;
}

function pageView(): { beacon: Beacon; userAgent: string } {
  const now = Date.now();
  const page = `${pick(SECTIONS)}/${Math.floor(Math.random() * 400)}`;
  const loadId = randomBytes(6).toString('hex');
  const events: BeaconEvent[] = (Object.keys(MEDIANS) as (keyof typeof MEDIANS)[]).map((name) => ({
    id: `v5-${now}-${loadId}-${name}`,
    name,
    value: spread(MEDIANS[name]),
    navigationType: 'navigate',
    ts: now,
  }));
  const beacon: Beacon = {
    sid: `s-${randomBytes(8).toString('hex')}`,
    url: `https://${pick(DOMAINS)}/${page}?utm_source=bench`,
    events,
    device: { timezone: pick(ZONES) },
    connection: { effectiveType: pick(CONNECTIONS) },
  };
  if (Math.random() < 0.05) {
    beacon.errors = [
      {
        message: `TypeError: Cannot read properties of undefined (reading '${pick(['price', 'id', 'length'])}')`,
        stack: `TypeError: x\n    at render (https://${pick(DOMAINS)}/assets/app.js:1:${Math.floor(Math.random() * 5000)})`,
        ts: now,
      },
    ];
  }
  return { beacon, userAgent: pick(USER_AGENTS) };
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
      const { beacon, userAgent } = pageView();
      try {
        const response = await fetch(endpoint, {
          method: 'POST',
          headers: { 'content-type': 'text/plain;charset=UTF-8', 'user-agent': userAgent },
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
