/**
 * Real components for tests: a migrated embedded TimescaleDB, a private redis-server, and
 * projects with unique slugs, so tests share nothing and need no fixed port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPool,
  createProject,
  createRedis,
  loadConfig,
  migrate,
  type Config,
  type CreatedProject,
  type NewProject,
  type Pool,
  type Redis,
} from '@rum/server-kit';
import {
  startEmbeddedTimescale,
  type EmbeddedOptions,
  type EmbeddedTimescale,
} from '@rum/embedded-db';

/** Redis shared by the test suite (the machine's own unless REDIS_URL says otherwise). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_JWT_SECRET = 'test-secret-with-at-least-32-characters!';

/**
 * The config test services run with: the test Redis and JWT secret, quiet logs and a data
 * folder of their own; `env` adds or overrides variables (DATABASE_URL, LOG_LEVEL…).
 */
export function testConfig(env: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    REDIS_URL: TEST_REDIS_URL,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'silent',
    RUM_DATA_DIR: mkdtempSync(join(tmpdir(), 'rum-test-')),
    ...env,
  });
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(5).toString('hex')}`;
}

export interface TestDatabase {
  url: string;
  pool: Pool;
  embedded: EmbeddedTimescale;
  stop(): Promise<void>;
}

/** An embedded TimescaleDB (in memory unless `dataDir`), with the schema applied. */
export async function startTestDatabase(options: EmbeddedOptions = {}): Promise<TestDatabase> {
  const embedded = await startEmbeddedTimescale(options);
  const pool = createPool(embedded.url, 5);
  await migrate(pool);
  return {
    url: embedded.url,
    pool,
    embedded,
    stop: async () => {
      await pool.end();
      await embedded.stop();
    },
  };
}

export interface TestProject extends CreatedProject {
  id: number;
}

/** Creates a project with a unique slug and publishes its ingest key to `redis`. */
export async function createTestProject(
  pool: Pool,
  redis: Redis,
  input: Partial<NewProject> = {},
): Promise<TestProject> {
  const created = await createProject(
    pool,
    redis,
    { slug: uniqueName('t'), ...input },
    TEST_JWT_SECRET,
  );
  const { rows } = await pool.query<{ id: number }>('SELECT id FROM projects WHERE slug = $1', [
    created.project,
  ]);
  return { ...created, id: rows[0]!.id };
}

export function connectTestRedis(): Redis {
  return createRedis(TEST_REDIS_URL, { enableOfflineQueue: true, maxRetriesPerRequest: 3 });
}

/** The variables that name the ports of `rum start`'s processes. */
export const PORT_VARIABLES = [
  'INGEST_PORT',
  'QUERY_PORT',
  'WS_PORT',
  'WORKERS_PORT',
  'DASHBOARD_PORT',
  'DEMO_PORT',
] as const;
export type PortVariable = (typeof PORT_VARIABLES)[number];

/**
 * A free port of 127.0.0.1 for each of {@link PORT_VARIABLES}, all different: every listener is
 * held open until the last port is known, since a port closed at once can be handed out again
 * by the next `listen(0)` (two processes of `rum start` were once given the same port).
 */
export async function freeServicePorts(): Promise<Record<PortVariable, number>> {
  const servers: Server[] = [];
  try {
    const ports = {} as Record<PortVariable, number>;
    for (const name of PORT_VARIABLES) {
      const server = await listenOnFreePort();
      servers.push(server);
      ports[name] = (server.address() as AddressInfo).port;
    }
    return ports;
  } finally {
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  }
}

export async function freePort(): Promise<number> {
  const server = await listenOnFreePort();
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function listenOnFreePort(): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

/** A private redis-server on a free port, for tests that stop and restart Redis. */
export interface PrivateRedis {
  url: string;
  port: number;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export async function startPrivateRedis(): Promise<PrivateRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn(
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child!.once('error', reject);
      child!.stdout!.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('Ready to accept connections')) resolve();
      });
    });
  };
  const stop = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  await start();
  return { url: `redis://127.0.0.1:${port}`, port, start, stop };
}
