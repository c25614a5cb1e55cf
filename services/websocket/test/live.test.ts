import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Emitter } from '@socket.io/redis-emitter';
import { connectTestRedis, TEST_JWT_SECRET, uniqueName } from '@rum/testing';
import { projectRoom, type ServerToClientEvents } from '@rum/contract';
import { signReadToken, type Redis } from '@rum/server-kit';
import { UNAUTHORIZED_CODE } from '../src/app.ts';
import {
  connected,
  errorsUpdate,
  metricsUpdate,
  nextEvent,
  openClient,
  record,
  refused,
  signJwt,
  startLive,
  type LiveClient,
  type RunningLive,
  withTimeout,
} from './support.ts';

let redis: Redis;
let emitter: Emitter<ServerToClientEvents>;
const lives: RunningLive[] = [];
const clients: LiveClient[] = [];

before(() => {
  redis = connectTestRedis();
  // Exactly how the workers push: the emitter with its default key, to the project's room.
  emitter = new Emitter<ServerToClientEvents>(redis);
});

after(async () => {
  for (const client of clients) client.disconnect();
  await Promise.all(lives.map((live) => live.close()));
  await redis.quit();
});

async function live(): Promise<RunningLive> {
  const started = await startLive();
  lives.push(started);
  return started;
}

function client(url: string, auth?: Record<string, unknown>): LiveClient {
  const c = openClient(url, auth);
  clients.push(c);
  return c;
}

async function clientOf(url: string, project: string): Promise<LiveClient> {
  const c = client(url, { token: signReadToken(project, TEST_JWT_SECRET) });
  await connected(c);
  return c;
}

describe('live updates', () => {
  test('a client with a valid read token receives its project’s metrics and errors', async () => {
    const server = await live();
    const project = uniqueName('ws');
    const c = await clientOf(server.url, project);

    const metrics = nextEvent(c, 'metrics');
    const errors = nextEvent(c, 'errors');
    emitter.to(projectRoom(project)).emit('metrics', metricsUpdate(project, 1234));
    emitter
      .to(projectRoom(project))
      .emit('errors', errorsUpdate(project, 'TypeError: x is undefined'));

    const m = await metrics;
    assert.equal(m.project, project);
    assert.equal(m.byMetric.LCP?.p75, 1234);
    assert.equal(m.recent[0]?.value, 1234);
    const e = await errors;
    assert.deepEqual(
      e.errors.map((x) => x.message),
      ['TypeError: x is undefined'],
    );
  });

  test('a client hears nothing of another project', async () => {
    const server = await live();
    const projectA = uniqueName('ws-a');
    const projectB = uniqueName('ws-b');
    const a = await clientOf(server.url, projectA);
    const b = await clientOf(server.url, projectB);
    const seenByA = record(a);
    const seenByB = record(b);

    // Pushes travel in order on one Redis connection, so once each client has its own last
    // update, anything of the other project would already have arrived.
    const lastOfA = nextEvent(a, 'errors', (u) => u.project === projectA);
    const lastOfB = nextEvent(b, 'errors', (u) => u.project === projectB);
    emitter.to(projectRoom(projectA)).emit('metrics', metricsUpdate(projectA, 1));
    emitter.to(projectRoom(projectA)).emit('errors', errorsUpdate(projectA, 'only for A'));
    emitter.to(projectRoom(projectB)).emit('metrics', metricsUpdate(projectB, 2));
    emitter.to(projectRoom(projectB)).emit('errors', errorsUpdate(projectB, 'only for B'));
    await Promise.all([lastOfA, lastOfB]);

    assert.deepEqual(seenByA, [
      { event: 'metrics', project: projectA },
      { event: 'errors', project: projectA },
    ]);
    assert.deepEqual(seenByB, [
      { event: 'metrics', project: projectB },
      { event: 'errors', project: projectB },
    ]);
  });

  test('a client cannot join another project’s room', async () => {
    const server = await live();
    const mine = uniqueName('ws-mine');
    const theirs = uniqueName('ws-theirs');
    const c = await clientOf(server.url, mine);
    const seen = record(c);

    // Whatever a client sends, the server has no handler that adds it to a room. Wait until
    // the server has dispatched the attempts (handlers run on the tick after `onAny`), so a
    // join that did work would be in effect before the other project's push.
    const serverSocket = server.io.of('/').sockets.get(c.id!);
    assert.ok(serverSocket);
    const attempts = ['join', 'subscribe', 'room'];
    const dispatched = new Promise<void>((resolve) => {
      serverSocket.onAny((event: string) => {
        if (event === attempts.at(-1)) setImmediate(resolve);
      });
    });
    const raw = c as unknown as { emit(event: string, ...args: unknown[]): void };
    for (const event of attempts) raw.emit(event, projectRoom(theirs));
    await withTimeout(dispatched, 'join attempts on the server');

    const marker = nextEvent(c, 'metrics', (u) => u.project === mine);
    emitter.to(projectRoom(theirs)).emit('metrics', metricsUpdate(theirs, 1));
    emitter.to(projectRoom(mine)).emit('metrics', metricsUpdate(mine, 2));
    await marker;

    assert.deepEqual(seen, [{ event: 'metrics', project: mine }]);
    const [serverSide] = await server.io.in(projectRoom(theirs)).fetchSockets();
    assert.equal(serverSide, undefined);
  });

  test('two instances behind a load balancer both deliver a worker push and each other’s broadcasts', async () => {
    const first = await live();
    const second = await live();
    const project = uniqueName('ws-multi');
    const onFirst = await clientOf(first.url, project);
    const onSecond = await clientOf(second.url, project);

    const both = Promise.all([
      nextEvent(onFirst, 'metrics', (u) => u.byMetric.LCP?.p75 === 10),
      nextEvent(onSecond, 'metrics', (u) => u.byMetric.LCP?.p75 === 10),
    ]);
    emitter.to(projectRoom(project)).emit('metrics', metricsUpdate(project, 10));
    const [fromEmitter1, fromEmitter2] = await both;
    assert.equal(fromEmitter1.project, project);
    assert.equal(fromEmitter2.project, project);

    // A broadcast from one instance reaches the other's clients through the adapter.
    const relayed = nextEvent(onSecond, 'errors');
    first.io
      .to(projectRoom(project))
      .emit('errors', errorsUpdate(project, 'from the first instance'));
    assert.equal((await relayed).errors[0]?.message, 'from the first instance');
  });
});

describe('handshake authentication', () => {
  const cases: Array<[string, () => Record<string, unknown> | undefined, RegExp]> = [
    ['no auth at all', () => undefined, /read token is required/],
    ['an empty token', () => ({ token: '' }), /read token is required/],
    ['a token that is not a string', () => ({ token: 42 }), /read token is required/],
    ['a malformed token', () => ({ token: 'not-a-jwt' }), /invalid read token/],
    [
      'a token signed with another secret',
      () => ({ token: signReadToken(uniqueName('ws'), 'another-secret-of-at-least-32-chars!!') }),
      /invalid read token/,
    ],
    [
      'an expired token',
      () => ({
        token: signJwt({
          project: uniqueName('ws'),
          scope: 'read',
          iss: 'rum',
          exp: Math.floor(Date.now() / 1000) - 60,
        }),
      }),
      /invalid read token.*expired/i,
    ],
    [
      'a token for a scope that does not exist',
      () => ({ token: signJwt({ project: uniqueName('ws'), scope: 'admin', iss: 'rum' }) }),
      /invalid read token/,
    ],
    [
      'a token naming no project',
      () => ({ token: signJwt({ scope: 'read', iss: 'rum' }) }),
      /invalid read token/,
    ],
    [
      'a token from another issuer',
      () => ({ token: signJwt({ project: uniqueName('ws'), scope: 'read', iss: 'someone-else' }) }),
      /invalid read token/,
    ],
  ];

  for (const [name, auth, message] of cases) {
    test(`refuses ${name} at the handshake`, async () => {
      const server = await live();
      const err = await refused(client(server.url, auth()));
      assert.match(err.message, new RegExp(UNAUTHORIZED_CODE));
      assert.match(err.message, message);
      assert.equal(err.data?.code, UNAUTHORIZED_CODE);
      assert.equal(server.io.of('/').sockets.size, 0);
    });
  }

  test('a valid token is accepted and the socket sits in its project room only', async () => {
    const server = await live();
    const project = uniqueName('ws');
    const c = await clientOf(server.url, project);
    const [socket] = await server.io.fetchSockets();
    assert.ok(socket);
    assert.equal(socket.id, c.id);
    assert.deepEqual([...socket.rooms].sort(), [projectRoom(project), socket.id].sort());
  });
});

test('/health answers on the same http server', async () => {
  const server = await live();
  const res = await fetch(`${server.url}/health`);
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { status: 'ok', checks: { redis: 'ok' } });
});
