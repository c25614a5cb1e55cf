/** Helpers of the websocket tests: live servers on port 0, refused handshakes, updates to push. */
import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { TEST_JWT_SECRET, testConfig } from '@rum/testing';
import { withTimeout, type LiveClient } from '@rum/testing/live-client';
import type { LiveErrorsUpdate, LiveMetricsUpdate } from '@rum/contract';
import { createLogger } from '@rum/server-kit';
import { buildApp } from '../src/app.ts';

export {
  connected,
  nextEvent,
  openClient,
  withTimeout,
  type LiveClient,
} from '@rum/testing/live-client';

export interface RunningLive {
  app: FastifyInstance;
  io: FastifyInstance['io'];
  url: string;
  close(): Promise<void>;
}

/** A websocket service listening on a free port of 127.0.0.1. */
export async function startLive(): Promise<RunningLive> {
  const app = await buildApp({
    config: testConfig(),
    logger: createLogger('websocket-test', 'silent'),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as { port: number };
  return { app, io: app.io, url: `http://127.0.0.1:${port}`, close: () => app.close() };
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
