/** Helpers of the websocket tests: live servers on port 0, clients, and waiting for events. */
import { createHmac } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { io as connect, type Socket } from 'socket.io-client';
import { TEST_JWT_SECRET, TEST_REDIS_URL } from '@rum/cli/test-support';
import {
  createLogger,
  type ClientToServerEvents,
  type LiveErrorsUpdate,
  type LiveMetricsUpdate,
  type ServerToClientEvents,
} from '@rum/shared';
import { createLiveServer, type LiveServer } from '../src/app.ts';

export type LiveClient = Socket<ServerToClientEvents, ClientToServerEvents>;

/** How long a test waits for something that should happen before it fails (not a timing assertion). */
export const EVENT_TIMEOUT_MS = 10_000;

export interface RunningLive extends LiveServer {
  url: string;
}

/** A live server on an http server of its own, listening on a free port of 127.0.0.1. */
export async function startLive(): Promise<RunningLive> {
  const live = await createLiveServer({
    httpServer: createServer(),
    redisUrl: TEST_REDIS_URL,
    jwtSecret: TEST_JWT_SECRET,
    logger: createLogger('websocket-test', 'silent'),
  });
  live.httpServer.listen(0, '127.0.0.1');
  await once(live.httpServer, 'listening');
  const { port } = live.httpServer.address() as AddressInfo;
  return { ...live, url: `http://127.0.0.1:${port}` };
}

/** A client that does not reconnect, so a refused handshake ends with one `connect_error`. */
export function openClient(url: string, auth?: Record<string, unknown>): LiveClient {
  return connect(url, {
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(auth ? { auth } : {}),
  });
}

export async function connected(client: LiveClient): Promise<void> {
  if (client.connected) return;
  await withTimeout(
    new Promise<void>((resolve, reject) => {
      client.once('connect', () => resolve());
      client.once('connect_error', (err) => reject(err));
    }),
    'connect',
  );
}

/** Resolves with the `connect_error` of a refused handshake; rejects if the client connects. */
export async function refused(client: LiveClient): Promise<Error & { data?: { code?: string } }> {
  return withTimeout(
    new Promise((resolve, reject) => {
      client.once('connect', () => reject(new Error('handshake was accepted')));
      client.once('connect_error', (err) => resolve(err as Error & { data?: { code?: string } }));
    }),
    'connect_error',
  );
}

/** Everything a client received, in order, to assert on after a later marker arrived. */
export function record(
  client: LiveClient,
): Array<{ event: 'metrics' | 'errors'; project: string }> {
  const seen: Array<{ event: 'metrics' | 'errors'; project: string }> = [];
  client.on('metrics', (u) => seen.push({ event: 'metrics', project: u.project }));
  client.on('errors', (u) => seen.push({ event: 'errors', project: u.project }));
  return seen;
}

/** The first `event` the client receives that satisfies `match`. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  client: LiveClient,
  event: E,
  match: (update: Parameters<ServerToClientEvents[E]>[0]) => boolean = () => true,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  type Update = Parameters<ServerToClientEvents[E]>[0];
  let listener: ((update: Update) => void) | undefined;
  const received = new Promise<Update>((resolve) => {
    listener = (update: Update) => {
      if (match(update)) resolve(update);
    };
    // socket.io-client's typed `on` cannot relate a generic E to its listener type.
    (client as unknown as Socket).on(event, listener as never);
  });
  return withTimeout(received, `${event} event`).finally(() => {
    (client as unknown as Socket).off(event, listener as never);
  });
}

export async function withTimeout<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no ${what} within ${EVENT_TIMEOUT_MS} ms`)),
      EVENT_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function metricsUpdate(project: string, marker: number): LiveMetricsUpdate {
  return {
    project,
    at: new Date().toISOString(),
    events: 1,
    byMetric: { LCP: { count: 1, p75: marker, good: 1, needsImprovement: 0, poor: 0 } },
    recent: [
      {
        name: 'LCP',
        value: marker,
        rating: 'good',
        path: '/',
        device: 'desktop',
        browser: 'Chrome',
        country: 'FR',
        ts: Date.now(),
      },
    ],
  };
}

export function errorsUpdate(project: string, message: string): LiveErrorsUpdate {
  return {
    project,
    at: new Date().toISOString(),
    errors: [{ message, path: '/', browser: 'Chrome', ts: Date.now() }],
  };
}

/** An HS256 JWT with arbitrary claims, to build tokens `signReadToken` refuses to make. */
export function signJwt(claims: Record<string, unknown>, secret = TEST_JWT_SECRET): string {
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const unsigned = `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}
