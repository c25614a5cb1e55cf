/** Builders and real components shared by the workers' tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import Bull from 'bull';
import { Server } from 'socket.io';
import { io as connectClient, type Socket as ClientSocket } from 'socket.io-client';
import { createAdapter } from '@socket.io/redis-adapter';
import { Emitter } from '@socket.io/redis-emitter';
import {
  BULL_PREFIX,
  COLLECT_JOB_OPTIONS,
  type AcceptedBeacon,
  type Beacon,
  type BeaconEvent,
  type CollectJob,
  projectRoom,
} from '@rum/contract';
import type { Pool } from '@rum/server-kit';
import { connectTestRedis, TEST_JWT_SECRET, TEST_REDIS_URL } from '@rum/testing';

export const CHROME_MAC_UA =
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
export const SAFARI_IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';
export const FIREFOX_WINDOWS_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0';
export const SAMSUNG_TABLET_UA =
  'Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/25.0 Chrome/121.0.0.0 Safari/537.36';
export const EDGE_WINDOWS_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0';

/** A fixed, valid timestamp (ms, whole) so expected rows are exact. */
export const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

export function sessionId(): string {
  return `s-${randomBytes(6).toString('hex')}`;
}

export function event(overrides: Partial<BeaconEvent> = {}): BeaconEvent {
  return {
    id: `v5-${randomBytes(6).toString('hex')}`,
    name: 'LCP',
    value: 1234,
    ts: T0,
    ...overrides,
  };
}

export function beacon(overrides: Partial<Beacon> = {}): Beacon {
  return {
    sid: sessionId(),
    url: 'https://shop.example.com/products/42?utm=x#top',
    events: [event()],
    ...overrides,
  };
}

export function accepted(
  project: { id: number; project: string },
  b: Beacon = beacon(),
  extra: Partial<AcceptedBeacon> = {},
): AcceptedBeacon {
  return {
    projectId: project.id,
    project: project.project,
    receivedAt: T0 + 1000,
    userAgent: CHROME_MAC_UA,
    beacon: b,
    ...extra,
  };
}

/** The producer side, as ingest-api builds it: same prefix, same job options. */
export function producerQueue(name: string): Bull.Queue<CollectJob> {
  return new Bull<CollectJob>(name, TEST_REDIS_URL, { prefix: BULL_PREFIX });
}

export function addJob(
  queue: Bull.Queue<CollectJob>,
  data: CollectJob,
): Promise<Bull.Job<CollectJob>> {
  return queue.add(data, COLLECT_JOB_OPTIONS);
}

/** Removes every key of a test queue, then closes it. */
export async function dropQueue(queue: Bull.Queue<CollectJob>): Promise<void> {
  await queue.obliterate({ force: true });
  await queue.close();
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` (a hang guard, not a timing assertion). */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T>,
  timeoutMs = 60_000,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value as NonNullable<T>;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export async function countRows(
  pool: Pool,
  table: 'metrics' | 'js_errors',
  projectId: number,
): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${table} WHERE project_id = $1`,
    [projectId],
  );
  return rows[0]!.n;
}

const WORKER_ENTRY = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));

/** The workers service in a child process (fixtures/worker-process.ts). */
export interface WorkerChild {
  process: ChildProcess;
  /** Resolves with the first stdout line matching `pattern`. */
  line(pattern: RegExp): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts the workers service as a child process on `databaseUrl` and the test Redis; `options`
 * are the fixture's test knobs, `env` more configuration. Await `line(/^ready$/)` before use.
 */
export function startWorkerChild(
  databaseUrl: string,
  options: { queueName: string; settings?: Bull.AdvancedSettings; holdBeforeCommitMs?: number },
  env: NodeJS.ProcessEnv = {},
): WorkerChild {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', WORKER_ENTRY, JSON.stringify(options)],
    {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl,
        REDIS_URL: TEST_REDIS_URL,
        JWT_SECRET: TEST_JWT_SECRET,
        LOG_LEVEL: 'warn',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    lines.push(text);
    for (const w of waiters.filter((w) => w.pattern.test(text))) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(text);
    }
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const line = (pattern: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const seen = lines.find((l) => pattern.test(l));
      if (seen) return resolve(seen);
      waiters.push({ pattern, resolve });
      void exited.then(({ code, signal }) =>
        reject(new Error(`worker exited (${code ?? signal}) before printing ${pattern}`)),
      );
    });
  return { process: child, line, exited };
}

/**
 * A socket.io client in `project`'s room of a server on the Redis adapter, as the websocket
 * service runs it, once pushes through a Redis emitter reach it.
 */
export async function connectProjectRoom(
  project: string,
): Promise<{ client: ClientSocket; close(): Promise<void> }> {
  const pub = connectTestRedis();
  const sub = pub.duplicate();
  const http = createServer();
  const ioServer = new Server(http, { adapter: createAdapter(pub, sub) });
  ioServer.on('connection', (socket) => void socket.join(projectRoom(project)));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const client = connectClient(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
  });
  const close = async () => {
    client.close();
    await new Promise((resolve) => ioServer.close(resolve));
    pub.disconnect();
    sub.disconnect();
  };
  await new Promise<void>((resolve) => client.once('connect', resolve));
  // The adapter subscribes asynchronously: probe through an emitter until a push gets through.
  const probe = new Emitter(pub).to(projectRoom(project));
  let through = false;
  client.once('probe', () => (through = true));
  while (!through) {
    probe.emit('probe');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { client, close };
}
