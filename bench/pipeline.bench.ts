/**
 * Pipeline throughput: web-vitals events per second from HTTP to committed rows, sustained,
 * with the queue depth, each process's memory and each process's CPU, so the figure says
 * what it costs and what bounds it. Target: 15,000 events/s for a minute on a real
 * TimescaleDB with queue depth and memory flat (measured figures: the README).
 *
 * Every part is a process of its own, all on 127.0.0.1, as `rum start` runs them:
 * - a private redis-server on a free port (the bench never touches anyone else's queue);
 * - the embedded TimescaleDB (`rum db` on a temporary data folder) unless DATABASE_URL is set;
 * - BENCH_INGEST ingest APIs and BENCH_WORKERS workers (`services/<name>/src/server.ts` under
 *   tsx), each ready once its `/health` answers 200;
 * - the load generator (`load-generator.ts`): page views of `rum simulate` over keep-alive
 *   connections spread over the ingest APIs. Unless BENCH_BEACONS_PER_SECOND paces it, it
 *   sends as fast as the pipeline drains: the bench pauses it while more than
 *   {@link MAX_BACKLOG_JOBS} jobs wait, so the figure is what the workers commit, not what
 *   Redis can hold.
 * After a warm-up, rows are counted in the database at both ends of the measured window. Then
 * the generator stops, the queue drains, and every event answered 202 must be a row, once.
 *
 * CPU is read from /proc over the window, per role: ingest, workers, load generator, Redis,
 * and PostgreSQL (on a local server: the postmaster, the backends of the bench's database and
 * the shared background processes; on the embedded engine its process), reported as % of one
 * core and as % of one core per 1,000 events/s.
 *
 * Env: BENCH_SECONDS (60) measured, BENCH_WARMUP_SECONDS (5), BENCH_INGEST (1) and
 * BENCH_WORKERS (1) processes, BENCH_CONNECTIONS (32) of the load generator,
 * BENCH_BEACONS_PER_SECOND (unset: as fast as the pipeline drains; about 5.1 events each),
 * WORKER_CONCURRENCY (1 on the embedded engine, else the workers' default), DATABASE_URL
 * (a real TimescaleDB; the bench creates its own project there), BENCH_CPU_PROF (a folder:
 * ingest and workers run with `node --cpu-prof` and write their profiles there on exit, one
 * folder per process; the largest file is the main thread's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import Bull from 'bull';
import { BULL_PREFIX, COLLECT_QUEUE, type CollectJob } from '@rum/contract';
import { createPool, createRedis, migrate, type PoolClient } from '@rum/server-kit';
import { createTestProject, freePort, startPrivateRedis, TEST_JWT_SECRET } from '@rum/testing';
import type { LoadSummary } from './load-generator.ts';
import { commandName, CpuMeter, machineCpuSeconds, parentPid, rssMb } from './process-stats.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const WARM_UP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 5);
const INGESTS = Number(process.env.BENCH_INGEST ?? 1);
const WORKERS = Number(process.env.BENCH_WORKERS ?? 1);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const BEACONS_PER_SECOND = Number(process.env.BENCH_BEACONS_PER_SECOND ?? 0);
const CPU_PROFILE_DIR = process.env.BENCH_CPU_PROF ? resolve(process.env.BENCH_CPU_PROF) : '';
/** The generator pauses while more jobs than this wait: the queue stays shallow and flat. */
const MAX_BACKLOG_JOBS = 200;
/** Longest the queue may take to drain after the window before the exactly-once check gives up. */
const DRAIN_LIMIT_MS = 120_000;
const RUN_LIMIT_MS = (SECONDS + WARM_UP_SECONDS) * 1000 + DRAIN_LIMIT_MS + 180_000;
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ORIGIN = 'https://shop.example.com';

for (const [name, value] of Object.entries({ SECONDS, INGESTS, WORKERS, CONNECTIONS }))
  if (!(value > 0) || !Number.isInteger(value))
    throw new Error(`bench: ${name} must be a positive integer`);
if (!(WARM_UP_SECONDS >= 0) || !(BEACONS_PER_SECOND >= 0))
  throw new Error('bench: BENCH_WARMUP_SECONDS and BENCH_BEACONS_PER_SECOND must be >= 0');

function emit(metric: string, value: number, unit: string): void {
  const rounded = Math.round(value * 10) / 10;
  process.stdout.write(`${JSON.stringify({ bench: 'pipeline', metric, value: rounded, unit })}\n`);
}
function note(message: string): void {
  process.stderr.write(`pipeline bench: ${message}\n`);
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// --- processes -------------------------------------------------------------------------------

/** Children started, killed outright if the run has to be abandoned. */
const children: ChildProcess[] = [];
const tempDirs: string[] = [];
let redisServer: Awaited<ReturnType<typeof startPrivateRedis>> | undefined;
const guard = setTimeout(() => {
  note(`gave up after ${RUN_LIMIT_MS} ms`);
  for (const child of children) child.kill('SIGKILL');
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
  // stop() sends SIGKILL synchronously; exit before Redis clients report the closed connection.
  void redisServer?.stop();
  process.exit(1);
}, RUN_LIMIT_MS);
guard.unref();

const cleanups: Array<() => Promise<unknown>> = [];
async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse())
    await fn().catch((err: Error) => note(`cleanup: ${err.message}`));
}

/** Stops a child with SIGTERM (a graceful close, which also writes its CPU profile). */
function stopChild(child: ChildProcess, graceMs = 20_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  return exited.finally(() => clearTimeout(killer));
}

/** Spawns `node <args>`; its warnings and errors are passed on; stopped at cleanup. */
function spawnNode(name: string, args: string[], env: NodeJS.ProcessEnv, ipc = false) {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', ...(ipc ? (['ipc'] as const) : [])],
  });
  children.push(child);
  cleanups.push(() => stopChild(child));
  createInterface({ input: child.stderr! }).on('line', (line) => note(`${name}: ${line}`));
  return child;
}

/** Resolves once `url` answers 200; rejects if the child exits first or after `timeoutMs`. */
async function waitForHealth(
  name: string,
  child: ChildProcess,
  url: string,
  timeoutMs = 60_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`${name} exited before it was ready`);
    const ok = await fetch(url, { signal: AbortSignal.timeout(2000) }).then(
      async (r) => (await r.arrayBuffer(), r.ok),
      () => false,
    );
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${name} was not ready within ${timeoutMs} ms`);
    await sleep(200);
  }
}

interface Service {
  name: string;
  child: ChildProcess;
  port: number;
}

/** Starts `services/<dir>/src/server.ts` as `rum start` does, listening on a free port. */
async function startService(
  role: 'ingest' | 'workers',
  index: number,
  env: NodeJS.ProcessEnv,
): Promise<Service> {
  const name = `${role}-${index + 1}`;
  const port = await freePort();
  const profile = CPU_PROFILE_DIR
    ? // One folder per process: tsx's loader thread writes a (mostly idle) profile of its own.
      ['--cpu-prof', '--cpu-prof-dir', join(CPU_PROFILE_DIR, name)]
    : [];
  const server = join(
    ROOT,
    `services/${role === 'ingest' ? 'ingest-api' : 'workers'}/src/server.ts`,
  );
  const child = spawnNode(name, [...profile, '--import', 'tsx', server], {
    ...env,
    [role === 'ingest' ? 'INGEST_PORT' : 'WORKERS_PORT']: String(port),
  });
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (/"level":(4|5|6)\d/.test(line)) note(`${name}: ${line}`);
  });
  await waitForHealth(name, child, `http://127.0.0.1:${port}/health`);
  return { name, child, port };
}

/** Starts `rum db` on a temporary folder; resolves with its URL once it prints it. */
async function startEmbeddedDatabase(): Promise<{ url: string; child: ChildProcess }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rum-bench-pipeline-'));
  tempDirs.push(dataDir);
  cleanups.push(async () => rmSync(dataDir, { recursive: true, force: true }));
  const child = spawn(process.execPath, [join(ROOT, 'packages/cli/bin/rum.js'), 'db'], {
    cwd: ROOT,
    env: { ...process.env, RUM_DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  cleanups.push(() => stopChild(child));
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stderr! }).on('line', (line) => {
      const url = /DATABASE_URL=(\S+)/.exec(line)?.[1];
      if (url) resolve({ url, child });
      else if (/error|fatal/i.test(line)) note(`embedded db: ${line}`);
    });
    child.once('exit', () => reject(new Error('the embedded database exited before it was ready')));
  });
}

/**
 * The PostgreSQL processes that work for this bench, when the server runs on this machine:
 * the postmaster, the backends of the bench's database (but not `self`, the bench's own
 * connection) and the shared background processes (WAL writer, checkpointer…). Backends of
 * other databases are left out. Undefined when the server is elsewhere.
 */
async function localPostgresPids(
  client: PoolClient,
): Promise<(() => Promise<number[]>) | undefined> {
  const { rows } = await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
  const self = rows[0]!.pid;
  if (!commandName(self)?.startsWith('postgres')) return undefined;
  const postmaster = parentPid(self)!;
  return async () => {
    const { rows: backends } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()`,
    );
    return [postmaster, ...backends.map((b) => b.pid)];
  };
}

// --- the run ---------------------------------------------------------------------------------

async function countRows(client: PoolClient, projectId: number) {
  const { rows } = await client.query<{ metrics: number; errors: number }>(
    `SELECT (SELECT count(*) FROM metrics WHERE project_id = $1) AS metrics,
            (SELECT count(*) FROM js_errors WHERE project_id = $1) AS errors`,
    [projectId],
  );
  return rows[0]!;
}

/** Rows the workers say they committed (their Prometheus counter), summed over the processes. */
async function workerRowCounter(workers: Service[]): Promise<number> {
  const texts = await Promise.all(
    workers.map((w) =>
      fetch(`http://127.0.0.1:${w.port}/metrics`, { signal: AbortSignal.timeout(2000) }).then((r) =>
        r.text(),
      ),
    ),
  );
  let sum = 0;
  for (const text of texts)
    sum += Number(/^rum_workers_rows_total\{table="metrics"\} (\d+)/m.exec(text)?.[1] ?? 0);
  return sum;
}

type Role = 'ingest' | 'workers' | 'postgres' | 'redis' | 'load generator' | 'bench';

async function main(): Promise<void> {
  redisServer = await startPrivateRedis();
  const redisUrl = redisServer.url;
  cleanups.push(() => redisServer!.stop());
  const redis = createRedis(redisUrl, { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
  cleanups.push(async () => redis.disconnect());
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))![1]);

  let databaseUrl = process.env.DATABASE_URL;
  let embeddedPid: number | undefined;
  if (!databaseUrl) {
    const embedded = await startEmbeddedDatabase();
    databaseUrl = embedded.url;
    embeddedPid = embedded.child.pid;
  }
  const pool = createPool(databaseUrl, 2);
  cleanups.push(() => pool.end());
  await migrate(pool);
  // Every query of the bench goes through this one connection, left out of PostgreSQL's CPU.
  const db = await pool.connect();
  cleanups.push(async () => db.release());
  const project = await createTestProject(pool, redis, {
    origins: [ORIGIN],
    rateLimitPerMinute: 1_000_000_000,
  });
  const postgresPids = embeddedPid
    ? async () => [embeddedPid]
    : await localPostgresPids(db).catch(() => undefined);
  if (!postgresPids) note('the database is not on this machine: its CPU is not measured');

  const env = {
    // The embedded engine runs one transaction at a time, so concurrent jobs only queue there.
    ...(process.env.WORKER_CONCURRENCY || !embeddedPid ? {} : { WORKER_CONCURRENCY: '1' }),
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: TEST_JWT_SECRET,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
  if (CPU_PROFILE_DIR) mkdirSync(CPU_PROFILE_DIR, { recursive: true });
  note('starting services');
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, (_, i) => startService('workers', i, env)),
  );
  const ingests = await Promise.all(
    Array.from({ length: INGESTS }, (_, i) => startService('ingest', i, env)),
  );

  const queue = new Bull<CollectJob>(COLLECT_QUEUE, redisUrl, { prefix: BULL_PREFIX });
  cleanups.push(() => queue.close());
  const depth = async () => {
    const counts = await queue.getJobCounts();
    return counts.waiting + counts.active;
  };

  const load = spawnNode(
    'load generator',
    ['--import', 'tsx', join(ROOT, 'bench/load-generator.ts')],
    {
      LOAD_URLS: ingests.map((s) => `http://127.0.0.1:${s.port}`).join(','),
      LOAD_KEY: project.ingestKey,
      LOAD_ORIGIN: ORIGIN,
      LOAD_CONNECTIONS: String(CONNECTIONS),
      LOAD_RATE: String(BEACONS_PER_SECOND),
    },
    true,
  );
  const summary = new Promise<LoadSummary>((resolve, reject) => {
    createInterface({ input: load.stdout! }).once('line', (line) =>
      resolve(JSON.parse(line) as LoadSummary),
    );
    load.once('exit', () => reject(new Error('the load generator exited without its counts')));
  });
  void summary.catch(() => undefined);

  // Back-pressure: pause the generator while the queue is deep (not when it is paced).
  let watching = true;
  const watcher = (async () => {
    let paused = false;
    while (watching && BEACONS_PER_SECOND === 0) {
      const deep = (await queue.getWaitingCount()) > MAX_BACKLOG_JOBS;
      if (deep !== paused && load.connected) load.send({ pause: (paused = deep) });
      await sleep(100);
    }
  })();

  note('warming up');
  await sleep(WARM_UP_SECONDS * 1000);
  note('window');

  // The measured window: one sample per second of the queue, the workers' row counter, and the
  // memory and CPU of every process; rows counted in the database at both ends.
  const pids: Record<Role, () => Promise<number[]>> = {
    ingest: async () => ingests.map((s) => s.child.pid!),
    workers: async () => workers.map((s) => s.child.pid!),
    postgres: postgresPids ?? (async () => []),
    redis: async () => [redisPid],
    'load generator': async () => [load.pid!],
    // This process: the back-pressure watcher and the sampling.
    bench: async () => [process.pid],
  };
  const roles = Object.keys(pids) as Role[];
  const meters = new Map(roles.map((role) => [role, new CpuMeter()]));
  const rss = async (role: Role) =>
    (await pids[role]()).reduce((sum, pid) => sum + (rssMb(pid) ?? NaN), 0);
  const redisMemoryMb = async () =>
    Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]) / 2 ** 20;
  const sampleCpu = async () => {
    for (const role of roles) meters.get(role)!.sample(await pids[role]());
  };

  const startRows = await countRows(db, project.id);
  if (startRows.metrics === 0)
    throw new Error(
      `no row committed during the ${WARM_UP_SECONDS} s warm-up: the pipeline is stuck`,
    );
  const startMachine = machineCpuSeconds();
  await sampleCpu();
  const started = performance.now();
  const startRss = { ingest: await rss('ingest'), workers: await rss('workers') };
  const startRedisMb = await redisMemoryMb();
  const depths: number[] = [await depth()];
  /** Ingest and workers RSS (MB) every 5 s. */
  const memory: string[] = [];
  const counters: { at: number; rows: number }[] = [
    { at: started, rows: await workerRowCounter(workers) },
  ];
  while (performance.now() - started < SECONDS * 1000) {
    await sleep(Math.min(1000, SECONDS * 1000 - (performance.now() - started)));
    await sampleCpu();
    depths.push(await depth());
    counters.push({ at: performance.now(), rows: await workerRowCounter(workers) });
    if (depths.length % 5 === 1)
      memory.push(`${Math.round(await rss('ingest'))}/${Math.round(await rss('workers'))}`);
  }
  const endRows = await countRows(db, project.id);
  const elapsed = (performance.now() - started) / 1000;
  const endMachine = machineCpuSeconds();
  const endRss = { ingest: await rss('ingest'), workers: await rss('workers') };
  const endRedisMb = await redisMemoryMb();

  // After the window: stop the generator, let the queue drain, and check exactly-once.
  watching = false;
  await watcher;
  note('stopping load');
  load.send({ stop: true });
  const sent = await summary;
  const drainStarted = Date.now();
  while ((await depth()) > 0 && Date.now() - drainStarted < DRAIN_LIMIT_MS) await sleep(250);
  const drained = (await depth()) === 0;
  const finalRows = await countRows(db, project.id);
  const failedJobs = (await queue.getJobCounts()).failed;

  // --- figures -------------------------------------------------------------------------------
  const eventsPerSecond = (endRows.metrics - startRows.metrics) / elapsed;
  emit('events_per_second', eventsPerSecond, 'events/s');
  emit('errors_per_second', (endRows.errors - startRows.errors) / elapsed, 'errors/s');
  // The steadiness of the rate: the slowest and fastest 5 s of the window (workers' counters).
  const rates: number[] = [];
  for (let i = 5; i < counters.length; i += 5) {
    const [a, b] = [counters[i - 5]!, counters[i]!];
    rates.push((b.rows - a.rows) / ((b.at - a.at) / 1000));
  }
  if (rates.length > 0) {
    emit('events_per_second_slowest_5s', Math.min(...rates), 'events/s');
    emit('events_per_second_fastest_5s', Math.max(...rates), 'events/s');
  }
  emit('queue_depth_start', depths[0]!, 'jobs');
  emit('queue_depth_end', depths.at(-1)!, 'jobs');
  emit('queue_depth_max', Math.max(...depths), 'jobs');
  emit('redis_memory_start_mb', startRedisMb, 'MB');
  emit('redis_memory_end_mb', endRedisMb, 'MB');
  emit('ingest_rss_start_mb', startRss.ingest, 'MB');
  emit('ingest_rss_end_mb', endRss.ingest, 'MB');
  emit('workers_rss_start_mb', startRss.workers, 'MB');
  emit('workers_rss_end_mb', endRss.workers, 'MB');
  let accounted = 0;
  for (const role of roles) {
    if (role === 'postgres' && !postgresPids) continue;
    const percent = (meters.get(role)!.seconds / elapsed) * 100;
    accounted += percent;
    const metric = role.replace(' ', '_');
    emit(`cpu_${metric}_percent`, percent, '% of a core');
    emit(
      `cpu_${metric}_per_1k_events`,
      percent / (eventsPerSecond / 1000),
      '% of a core per 1,000 events/s',
    );
  }
  if (startMachine && endMachine) {
    const busy = ((endMachine.busy - startMachine.busy) / elapsed) * 100;
    emit('cpu_machine_busy_percent', busy, '% of a core');
    // Anything else on the machine (the kernel's network work is in the processes' system time).
    emit('cpu_other_percent', busy - accounted, '% of a core');
  }
  emit('failed_jobs', failedJobs, 'jobs');
  const stored = finalRows.metrics + finalRows.errors;
  if (drained) {
    // Every event answered 202 is a row, once (the generator's ids are unique).
    emit('stored_minus_accepted_events', stored - sent.acceptedEvents, 'events');
    if (stored !== sent.acceptedEvents) process.exitCode = 1;
  } else note(`the queue did not drain within ${DRAIN_LIMIT_MS} ms: exactly-once not checked`);
  if (failedJobs > 0) process.exitCode = 1;

  note(
    `${INGESTS} ingest + ${WORKERS} worker process(es), ${CONNECTIONS} connections; ` +
      `${sent.accepted} beacons (${sent.acceptedEvents} events) answered 202, refused: ${JSON.stringify(sent.refused)}, ` +
      `socket errors ${sent.socketErrors}; ${endRows.metrics - startRows.metrics} metric rows in the ` +
      `${elapsed.toFixed(1)} s window, ${stored} rows in all`,
  );
  note(`queue depth each second: ${depths.join(' ')}`);
  note(`ingest/workers RSS every 5 s (MB): ${memory.join(' ')}`);
  note(`committed each 5 s (events/s): ${rates.map((r) => Math.round(r)).join(' ')}`);
}

try {
  await main();
} finally {
  await cleanup();
  clearTimeout(guard);
}
