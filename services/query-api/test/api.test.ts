/**
 * The API's contract around the numbers: auth, validation, cache, rate limit, Redis outage,
 * CORS and the OpenAPI document.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import {
  connectTestRedis,
  createTestProject,
  startPrivateRedis,
  startTestDatabase,
  TEST_JWT_SECRET,
  testConfig,
  uniqueName,
  type TestDatabase,
  type TestProject,
} from '@rum/testing';
import { signReadToken, type Redis } from '@rum/server-kit';
import type { ErrorResponse, SummaryResponse } from '@rum/contract';
import { buildApp, type AppOptions } from '../src/app.ts';
import { createPages, generateDataSet, insertDataSet } from './fixture.ts';

let db: TestDatabase;
let redis: Redis;
let app: FastifyInstance;
let project: TestProject;

function build(options: Partial<AppOptions> = {}): Promise<FastifyInstance> {
  return buildApp({ pool: db.pool, config: testConfig(), ...options });
}

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
  project = await createTestProject(db.pool, redis);
  const pages = await createPages(db.pool, project.id);
  await insertDataSet(db.pool, project.id, generateDataSet(pages, Date.now(), 1500, 3));
  app = await build();
  await app.ready();
});

after(async () => {
  await app?.close();
  redis?.disconnect();
  await db?.stop();
});

function request(
  target: FastifyInstance,
  path: string,
  token: string | null = project.readToken,
  slug = project.project,
) {
  return target.inject({
    url: `/v1/projects/${slug}/${path}`,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
  });
}

/** The value of a counter with this label in the Prometheus text of /metrics. */
async function counter(target: FastifyInstance, name: string, label: string): Promise<number> {
  const text = (await target.inject({ url: '/metrics' })).body;
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(label));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('authentication', () => {
  test('no token, a malformed header or a bad signature: 401', async () => {
    for (const headers of [
      {},
      { authorization: project.readToken },
      { authorization: 'Bearer not-a-jwt' },
      {
        authorization: `Bearer ${signReadToken(project.project, 'another-secret-of-at-least-32-chars!')}`,
      },
    ]) {
      const res = await app.inject({ url: `/v1/projects/${project.project}/summary`, headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assert.equal(res.json<ErrorResponse>().code, 'RUM_ERR_UNAUTHORIZED');
    }
  });

  test("another project's token: 403", async () => {
    const other = signReadToken(uniqueName('other'), TEST_JWT_SECRET);
    const res = await request(app, 'summary', other);
    assert.equal(res.statusCode, 403);
    assert.equal(res.json<ErrorResponse>().code, 'RUM_ERR_FORBIDDEN');
  });

  test('a valid token for a project that does not exist: 404', async () => {
    const ghost = uniqueName('ghost');
    const res = await request(app, 'summary', signReadToken(ghost, TEST_JWT_SECRET), ghost);
    assert.equal(res.statusCode, 404);
    assert.equal(res.json<ErrorResponse>().code, 'RUM_ERR_PROJECT_NOT_FOUND');
  });

  test('auth is checked before parameters', async () => {
    assert.equal((await request(app, 'summary?metric=NOPE', null)).statusCode, 401);
  });
});

describe('validation: every 400 names its parameter', () => {
  const cases: Array<[string, string]> = [
    ['summary?metric=XYZ', 'metric'],
    ['summary?range=2d', 'range'],
    ['summary?from=yesterday', 'from'],
    ['summary?from=2025-01-01T00:00:00Z&to=not-a-date', 'to'],
    ['summary?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z', 'from'],
    ['summary?to=2025-01-01T00:00:00Z', 'from'],
    ['summary?range=24h&from=2025-01-01T00:00:00Z', 'range'],
    ['summary?from=2023-01-01T00:00:00Z&to=2025-01-01T00:00:00Z', 'from'],
    ['summary?page=no-slash', 'page'],
    ['summary?device=', 'device'],
    ['summary?rnage=24h', 'rnage'],
    ['timeseries?interval=7m', 'interval'],
    ['timeseries?percentile=42', 'percentile'],
    ['timeseries?percentile=abc', 'percentile'],
    ['timeseries?range=30d&interval=5m', 'interval'],
    ['timeseries?from=2025-01-01T00:00:00Z&to=2025-12-01T00:00:00Z&interval=1h', 'interval'],
    ['pages?limit=0', 'limit'],
    ['slow-pages?minSamples=0', 'minSamples'],
    ['breakdown', 'by'],
    ['breakdown?by=planet', 'by'],
    ['metrics?limit=1001', 'limit'],
    ['metrics?limit=ten', 'limit'],
    ['errors?metric=LCP', 'metric'],
    ['sessions/bad%20id', 'sid'],
  ];
  for (const [path, parameter] of cases) {
    test(`${path} -> 400 ${parameter}`, async () => {
      const res = await request(app, path);
      assert.equal(res.statusCode, 400, res.body);
      const body = res.json<ErrorResponse>();
      assert.equal(body.code, 'RUM_ERR_BAD_PARAMETER');
      assert.equal(body.parameter, parameter);
      assert.match(body.message, new RegExp(`"${parameter}"`));
    });
  }

  test('the largest allowed limit is accepted', async () => {
    assert.equal((await request(app, 'metrics?limit=1000')).statusCode, 200);
  });
});

describe('cache', () => {
  test('the second identical request is a hit, with the same body, and is counted', async () => {
    const hitsBefore = await counter(app, 'rum_query_cache_hits_total', 'operation="summary"');
    const missesBefore = await counter(app, 'rum_query_cache_misses_total', 'operation="summary"');
    const first = await request(app, 'summary?range=7d&device=mobile');
    const second = await request(app, 'summary?range=7d&device=mobile');
    assert.equal(first.statusCode, 200);
    assert.equal(first.headers['x-cache'], 'miss');
    assert.equal(second.headers['x-cache'], 'hit');
    assert.equal(second.body, first.body);
    assert.equal(
      await counter(app, 'rum_query_cache_hits_total', 'operation="summary"'),
      hitsBefore + 1,
    );
    assert.equal(
      await counter(app, 'rum_query_cache_misses_total', 'operation="summary"'),
      missesBefore + 1,
    );
  });

  test('equal questions share an entry: parameter order and explicit defaults do not matter', async () => {
    const first = await request(app, 'timeseries?metric=INP&range=24h&browser=Chrome');
    const second = await request(
      app,
      'timeseries?browser=Chrome&percentile=75&range=24h&interval=1h&metric=INP',
    );
    assert.equal(first.headers['x-cache'], 'miss');
    assert.equal(second.headers['x-cache'], 'hit');
  });

  test('different questions do not', async () => {
    await request(app, 'pages?range=24h&metric=LCP');
    assert.equal((await request(app, 'pages?range=24h&metric=CLS')).headers['x-cache'], 'miss');
    assert.equal((await request(app, 'pages?range=7d&metric=LCP')).headers['x-cache'], 'miss');
  });

  test('the entry is stored under project:<slug>:<operation>:<params> with the operation TTL', async () => {
    await request(app, 'breakdown?by=os&range=24h');
    const key = `project:${project.project}:breakdown:by=os&limit=50&metric=LCP&range=24h`;
    const ttl = await redis.ttl(key);
    assert.ok(ttl > 100 && ttl <= 120, `TTL of ${key}: ${ttl}`);
  });

  test('raw rows and sessions are not cached', async () => {
    for (const path of ['metrics?limit=5', 'metrics?limit=5', 'sessions/s-1', 'sessions/s-1']) {
      const res = await request(app, path);
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['x-cache'], undefined);
    }
  });
});

test('rate limit: 429 once a token exceeds the limit, other tokens unaffected', async () => {
  const limited = await build({ rateLimit: { max: 3 } });
  try {
    const own = await createTestProject(db.pool, redis);
    const statuses = [];
    for (let i = 0; i < 5; i++)
      statuses.push((await request(limited, 'summary', own.readToken, own.project)).statusCode);
    assert.deepEqual(statuses, [200, 200, 200, 429, 429]);
    const res = await request(limited, 'summary', own.readToken, own.project);
    assert.equal(res.json<ErrorResponse>().code, 'RUM_ERR_RATE_LIMITED');
    assert.ok(Number(res.headers['retry-after']) > 0);
    const fresh = await createTestProject(db.pool, redis);
    assert.equal(
      (await request(limited, 'summary', fresh.readToken, fresh.project)).statusCode,
      200,
    );
  } finally {
    await limited.close();
  }
});

test('Redis outage: answers stay 200, uncached, and the failures are counted', async () => {
  const privateRedis = await startPrivateRedis();
  // PrivateRedis.stop() must run once: a second call waits for an exit that already happened.
  let running = true;
  const target = await build({
    config: testConfig({ REDIS_URL: privateRedis.url }),
    rateLimit: { max: 1000 },
  });
  try {
    assert.equal((await request(target, 'summary?range=24h')).headers['x-cache'], 'miss');
    assert.equal((await request(target, 'summary?range=24h')).headers['x-cache'], 'hit');
    await privateRedis.stop();
    running = false;
    for (let i = 0; i < 3; i++) {
      const res = await request(target, 'summary?range=24h');
      assert.equal(res.statusCode, 200, res.body);
      assert.equal(res.headers['x-cache'], 'miss');
      assert.equal(res.json<{ metrics: unknown[] }>().metrics.length, 6);
    }
    assert.ok((await counter(target, 'rum_query_cache_errors_total', 'command="get"')) >= 3);
    // Redis only degrades the API: still ready, and the health answer says what is down.
    const health = await target.inject({ url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.deepEqual(health.json(), { status: 'ok', checks: { database: 'ok', redis: 'down' } });
  } finally {
    await target.close();
    if (running) await privateRedis.stop();
  }
});

test('CORS: any origin may call with a bearer token', async () => {
  const preflight = await app.inject({
    method: 'OPTIONS',
    url: `/v1/projects/${project.project}/summary`,
    headers: {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'GET',
      'access-control-request-headers': 'authorization',
    },
  });
  assert.equal(preflight.statusCode, 204);
  assert.equal(preflight.headers['access-control-allow-origin'], '*');
  assert.match(String(preflight.headers['access-control-allow-headers']), /authorization/i);
  const res = await app.inject({
    url: `/v1/projects/${project.project}/summary`,
    headers: { origin: 'http://localhost:5173', authorization: `Bearer ${project.readToken}` },
  });
  assert.equal(res.headers['access-control-allow-origin'], '*');
});

test('only GET: other methods are 404', async () => {
  const res = await app.inject({ method: 'POST', url: `/v1/projects/${project.project}/summary` });
  assert.equal(res.statusCode, 404);
  assert.equal(res.json<ErrorResponse>().code, 'RUM_ERR_NOT_FOUND');
});

test('/docs/json documents every route with its parameters and responses', async () => {
  const doc = (await app.inject({ url: '/docs/json' })).json<{
    openapi: string;
    paths: Record<
      string,
      {
        get: {
          parameters: Array<{ name: string; in: string }>;
          responses: Record<string, unknown>;
        };
      }
    >;
  }>();
  assert.match(doc.openapi, /^3\./);
  const routes = [
    'summary',
    'timeseries',
    'pages',
    'slow-pages',
    'breakdown',
    'histogram',
    'metrics',
    'errors',
    'sessions/{sid}',
    'attribution',
    'phases',
    'assessment',
    'releases',
    'alerts',
    'alert-events',
  ];
  // The CrUX-compatible POST routes are checked in crux.test.ts.
  const projectPaths = Object.entries(doc.paths).filter(([path]) =>
    path.startsWith('/v1/projects/'),
  );
  assert.deepEqual(
    projectPaths.map(([path]) => path).sort(),
    routes.map((r) => `/v1/projects/{project}/${r}`).sort(),
  );
  for (const [path, item] of projectPaths) {
    const params = item.get.parameters.map((p) => `${p.in}:${p.name}`);
    assert.ok(params.includes('path:project'), `${path} declares :project`);
    assert.ok(item.get.responses['200'], `${path} declares its 200`);
    for (const status of ['400', '401', '403', '404', '429'])
      assert.ok(item.get.responses[status], `${path} ${status}`);
  }
  const timeseries = doc.paths['/v1/projects/{project}/timeseries']!.get.parameters.map(
    (p) => p.name,
  );
  for (const name of [
    'range',
    'from',
    'to',
    'metric',
    'page',
    'device',
    'browser',
    'country',
    'interval',
    'percentile',
  ]) {
    assert.ok(timeseries.includes(name), `timeseries documents ${name}`);
  }
});

test('/health answers 200 while the database is up', async () => {
  const res = await app.inject({ url: '/health' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { status: 'ok', checks: { database: 'ok', redis: 'ok' } });
});

test('DATABASE_READ_URL: every answer comes from the read replica, never the primary', async () => {
  // The primary is unreachable: an answer with the project's data can only come from the replica.
  const replicaApp = await buildApp({
    config: testConfig({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/primary',
      DATABASE_READ_URL: db.url,
    }),
  });
  try {
    const fromReplica = await request(replicaApp, 'summary?range=24h');
    assert.equal(fromReplica.statusCode, 200, fromReplica.body);
    const expected = await request(app, 'summary?range=24h');
    assert.deepEqual(fromReplica.json().metrics, expected.json().metrics);
    const lcp = fromReplica.json<SummaryResponse>().metrics.find((m) => m.metric === 'LCP');
    assert.ok(lcp && lcp.count > 0, "the replica holds the project's page views");
    assert.equal((await replicaApp.inject({ url: '/health' })).statusCode, 200);
  } finally {
    await replicaApp.close();
  }
});
