import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoSite } from '@rum/demo';
import {
  POLICY_INTERVAL_MS,
  startEmbeddedTimescale,
  type EmbeddedTimescale,
} from '@rum/embedded-db';
import {
  assertRedisReachable,
  createPool,
  createProject,
  createRedis,
  findProject,
  migrate,
  publishRedisCopies,
  readEmbeddedState,
  requireJwtSecret,
  reuseOrCreateReadToken,
  type Config,
  type Pool,
  type Redis,
} from '@rum/server-kit';
import {
  answers,
  startProcess,
  stopProcesses,
  waitUntilReady,
  type ManagedProcess,
} from '../child-processes.ts';
import { UsageError } from '../usage.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const SDK_DIR = join(REPO_ROOT, 'packages/sdk');
const SDK_FILE = join(SDK_DIR, 'dist/rum.attribution.js');
const DASHBOARD_DIR = join(REPO_ROOT, 'apps/dashboard');

/** The project `rum start` creates on first run and shows on the dashboard. */
export const DEMO_PROJECT = 'demo';
/** Name of the read token `rum start` prints for the dashboard. */
const DEMO_TOKEN_NAME = 'dashboard (rum start)';
/** How long a service may take to answer after it is spawned (tsx compiles on first run). */
const READY_TIMEOUT_MS = 90_000;
/** How long a service may take to finish its work after SIGTERM before it is killed. */
const STOP_GRACE_MS = 10_000;

const SERVICES = ['ingest-api', 'workers', 'query-api', 'websocket'] as const;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** The host to put in printed URLs: a wildcard bind address is not one a browser can open. */
function publicHost(host: string): string {
  return host === '0.0.0.0' || host === '::'
    ? 'localhost'
    : host.includes(':')
      ? `[${host}]`
      : host;
}

function viteBin(): string {
  const require = createRequire(join(DASHBOARD_DIR, 'package.json'));
  const pkgFile = require.resolve('vite/package.json');
  const { bin } = require(pkgFile) as { bin: Record<string, string> };
  return join(dirname(pkgFile), bin.vite!);
}

async function buildSdk(): Promise<void> {
  log(`SDK script-tag build missing (${SDK_FILE}): building it…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const build = startProcess('sdk-build', npm, ['run', 'build', '-w', 'packages/sdk'], {
    cwd: REPO_ROOT,
    env: process.env,
    write: log,
  });
  const code = await build.exited;
  if (code !== 0 || !existsSync(SDK_FILE))
    throw new Error(`building the SDK failed (exit ${code}); see the log above`);
}

/**
 * Creates the demo project the first time; every time, republishes ingest keys and revoked
 * tokens (Redis may have been flushed).
 */
async function ensureDemoProject(pool: Pool, redis: Redis, config: Config): Promise<string> {
  const existing = await findProject(pool, DEMO_PROJECT);
  const ingestKey =
    existing?.ingestKey ??
    (
      await createProject(
        pool,
        redis,
        { slug: DEMO_PROJECT, name: 'Demo shop' },
        requireJwtSecret(config),
      )
    ).ingestKey;
  if (!existing) log(`created the "${DEMO_PROJECT}" project`);
  await publishRedisCopies(pool, redis);
  return ingestKey;
}

/**
 * `rum start`: the whole product for a newcomer. Redis first (nothing works without it);
 * the embedded TimescaleDB unless DATABASE_URL is set; the schema; the demo project; the
 * four services, the dashboard and the demo page; the URLs. Ctrl-C stops it all.
 */
export async function startCommand(config: Config, args: string[]): Promise<void> {
  if (args.length > 0)
    throw new UsageError('start takes no arguments (configure it with the environment)');
  await assertRedisReachable(config.redisUrl);

  let embedded: EmbeddedTimescale | undefined;
  let pool: Pool | undefined;
  let redis: Redis | undefined;
  let demo: Server | undefined;
  const children: ManagedProcess[] = [];
  let stopping: Promise<void> | undefined;

  const stop = () =>
    (stopping ??= (async () => {
      // Services first (they hold database connections and finish their jobs), then the database.
      await stopProcesses(children, STOP_GRACE_MS);
      await new Promise<void>((done) => (demo ? demo.close(() => done()) : done()));
      demo?.closeAllConnections();
      redis?.disconnect();
      await pool?.end().catch(() => {});
      await embedded?.stop();
    })());
  // A crash of rum start itself must not leave services listening.
  const killOnExit = () => {
    for (const p of children) {
      if (p.child.exitCode === null && p.child.pid) {
        try {
          process.kill(-p.child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }
    }
  };
  process.once('exit', killOnExit);

  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) {
      log(`${signal} again: killing everything now`);
      killOnExit();
      process.exit(130);
    }
    interrupted = true;
    log(`\n${signal}: stopping every service and the database…`);
    stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: Error) => {
        log(`unclean stop: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  try {
    let databaseUrl = config.databaseUrl;
    if (!databaseUrl) {
      const running = readEmbeddedState(config.dataDir);
      if (running) {
        throw new Error(
          `an embedded TimescaleDB is already running for ${config.dataDir} (pid ${running.pid}, ${running.url}): ` +
            'stop that `rum start` or `rum db` first, or point RUM_DATA_DIR at another folder.',
        );
      }
      log(`starting the embedded TimescaleDB (data in ${config.dataDir})…`);
      embedded = await startEmbeddedTimescale({
        dataDir: config.dataDir,
        advertise: true,
        policyIntervalMs: POLICY_INTERVAL_MS,
      });
      databaseUrl = embedded.url;
    }
    pool = createPool(databaseUrl, 2);
    await migrate(pool);
    log('schema applied');
    redis = createRedis(config.redisUrl, { enableOfflineQueue: true });
    const ingestKey = await ensureDemoProject(pool, redis, config);
    // The same token every start while it has a week left, so a bookmarked dashboard keeps working.
    const { token: readToken } = await reuseOrCreateReadToken(
      pool,
      DEMO_PROJECT,
      requireJwtSecret(config),
      {
        name: DEMO_TOKEN_NAME,
        minRemainingMs: 7 * 24 * 60 * 60 * 1000,
      },
    );

    if (!existsSync(SDK_FILE)) await buildSdk();
    if (interrupted) return;

    const host = publicHost(config.host);
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      REDIS_URL: config.redisUrl,
      JWT_SECRET: requireJwtSecret(config),
      HOST: config.host,
      INGEST_PORT: String(config.ingestPort),
      QUERY_PORT: String(config.queryPort),
      WS_PORT: String(config.wsPort),
      WORKERS_PORT: String(config.workersPort),
      DASHBOARD_PORT: String(config.dashboardPort),
      LOG_LEVEL: config.logLevel,
      RUM_DATA_DIR: config.dataDir,
      // The embedded engine runs one transaction at a time, the dashboard's queries included:
      // one job per transaction keeps each hold short. Grouping 16 jobs would commit a little
      // more (pipeline bench: 8,263 events/s against 7,354) and make queries wait longer.
      WORKER_CONCURRENCY:
        embedded && !process.env.WORKER_CONCURRENCY ? '1' : String(config.workerConcurrency),
      // The dashboard finds the APIs on the host it is opened from, on these ports.
      VITE_QUERY_API_PORT: String(config.queryPort),
      VITE_WEBSOCKET_PORT: String(config.wsPort),
    };
    const urls = {
      ingest: `http://${host}:${config.ingestPort}`,
      query: `http://${host}:${config.queryPort}`,
      websocket: `http://${host}:${config.wsPort}`,
      workers: `http://${host}:${config.workersPort}`,
      dashboard: `http://${host}:${config.dashboardPort}`,
      demo: `http://${host}:${config.demoPort}`,
    };

    // Every service says it is ready on its /health (Redis, database, queue as it needs them).
    const healthUrls: Record<(typeof SERVICES)[number], string> = {
      'ingest-api': urls.ingest,
      workers: urls.workers,
      'query-api': urls.query,
      websocket: urls.websocket,
    };
    const readiness: { process: ManagedProcess; ready: () => Promise<boolean> }[] = [];
    for (const name of SERVICES) {
      const p = startProcess(name, process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd: join(REPO_ROOT, 'services', name),
        env,
        write: log,
      });
      children.push(p);
      readiness.push({ process: p, ready: answers(`${healthUrls[name]}/health`) });
    }
    const dashboard = startProcess(
      'dashboard',
      process.execPath,
      [
        viteBin(),
        '--configLoader',
        'runner',
        '--host',
        config.host,
        '--port',
        String(config.dashboardPort),
        '--strictPort',
      ],
      {
        cwd: DASHBOARD_DIR,
        env,
        write: log,
      },
    );
    children.push(dashboard);
    readiness.push({ process: dashboard, ready: answers(urls.dashboard) });

    demo = await startDemoSite({
      host: config.host,
      port: config.demoPort,
      sdkFile: SDK_FILE,
      ingestKey,
      ingestEndpoint: urls.ingest,
    });

    await Promise.all(readiness.map((r) => waitUntilReady(r.process, r.ready, READY_TIMEOUT_MS)));
    if (interrupted) return;

    const lines = [
      '',
      'RUM is running. Open the dashboard, then visit the demo page (or run `npm run simulate`) and watch the numbers arrive.',
      '',
      `  Dashboard:   ${urls.dashboard}/#token=${readToken}`,
      `  Demo page:   ${urls.demo}/`,
      `  Ingest API:  ${urls.ingest}/v1/collect?key=${ingestKey}`,
      `  Query API:   ${urls.query}/v1/projects/${DEMO_PROJECT}/summary  (OpenAPI: ${urls.query}/docs/json)`,
      `  WebSocket:   ${urls.websocket.replace(/^http/, 'ws')}  (socket.io)`,
      `  Database:    ${databaseUrl}${embedded ? `  (embedded TimescaleDB, data in ${config.dataDir})` : ''}`,
      '',
      `  Read token:  ${readToken}`,
      '',
      'Demo data, from another terminal:',
      '  npm run simulate                        2,000 events of live traffic now',
      '  npm run simulate -- --history 30d       fill the last 30 days (daily and weekly patterns, one regression)',
      '',
      'Press Ctrl-C to stop everything.',
      '',
    ];
    process.stdout.write(`${lines.join('\n')}\n`);

    // Keep running until a signal; a service that dies takes the whole product down, loudly.
    const first = await Promise.race(children.map((p) => p.exited.then((code) => ({ p, code }))));
    if (interrupted) return new Promise(() => {});
    throw new Error(`${first.p.name} exited unexpectedly (${first.code}); stopping everything`);
  } catch (err) {
    if (interrupted) return new Promise(() => {});
    await stop();
    throw err;
  }
}
