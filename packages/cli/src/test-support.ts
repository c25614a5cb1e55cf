/**
 * Real components for tests: a migrated embedded TimescaleDB, a private redis-server, and
 * projects with unique slugs, so tests share nothing and need no fixed port.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { createPool, createRedis, type Pool, type Redis } from '@rum/shared';
import {
  startEmbeddedTimescale,
  type EmbeddedOptions,
  type EmbeddedTimescale,
} from './embedded-db.ts';
import { migrate } from './migrate.ts';
import { createProject, type CreatedProject, type NewProject } from './projects.ts';

/** Redis shared by the test suite (the machine's own unless REDIS_URL says otherwise). */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
export const TEST_JWT_SECRET = 'test-secret-with-at-least-32-characters!';

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

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
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
