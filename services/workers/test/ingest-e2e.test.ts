/**
 * End to end on the write path: a beacon POSTed to the real ingest API (app.inject) is queued
 * by it and stored by these workers, exactly once even when the browser sends it twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { unpublishIngestKey, type Beacon, type CollectJob, type Redis } from '@rum/shared';
import {
  connectTestRedis,
  createTestProject,
  startTestDatabase,
  uniqueName,
  type TestDatabase,
  type TestProject,
} from '@rum/cli/test-support';
import type Bull from 'bull';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../ingest-api/src/app.ts';
import { startWorker, type RunningWorker } from '../src/worker.ts';
import {
  countRows,
  dropQueue,
  producerQueue,
  SAFARI_IPHONE_UA,
  testConfig,
  waitFor,
} from './support.ts';

let db: TestDatabase;
let redis: Redis;
let project: TestProject;
let app: FastifyInstance;
let worker: RunningWorker;
let queue: Bull.Queue<CollectJob>;

before(async () => {
  db = await startTestDatabase();
  redis = connectTestRedis();
  project = await createTestProject(db.pool, redis);
  const queueName = uniqueName('rum-collect-test');
  const config = testConfig(db.url);
  app = buildApp({ config, queueName });
  await app.ready();
  worker = await startWorker(config, { queueName, databaseUrl: db.url });
  queue = producerQueue(queueName);
});

after(async () => {
  await app.close();
  await worker.close();
  await dropQueue(queue);
  await unpublishIngestKey(redis, project.ingestKey);
  redis.disconnect();
  await db.stop();
});

function post(beacon: Beacon, headers: Record<string, string> = {}) {
  return app.inject({
    method: 'POST',
    url: `/v1/collect?key=${project.ingestKey}`,
    // sendBeacon's content type: no CORS preflight.
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': SAFARI_IPHONE_UA,
      ...headers,
    },
    payload: JSON.stringify(beacon),
  });
}

test(
  'a beacon through ingest lands once in the database, even when sent twice',
  { timeout: 60_000 },
  async () => {
    // Through ingest, times must be near now (ingest refuses events over a day old).
    const T0 = Date.now() - 60_000;
    const beacon: Beacon = {
      sid: 'e2e-session',
      url: 'https://e2e.example.com/pricing?plan=pro#faq',
      events: [
        { id: 'v5-e2e-lcp', name: 'LCP', value: 3100, ts: T0, navigationType: 'navigate' },
        { id: 'v5-e2e-cls', name: 'CLS', value: 0.02, ts: T0 + 5 },
      ],
      errors: [
        {
          message: 'ReferenceError: gtag is not defined',
          source: 'https://e2e.example.com/a.js',
          line: 1,
          ts: T0 + 7,
        },
      ],
      device: { timezone: 'Asia/Tokyo' },
      connection: { effectiveType: '3g' },
    };
    const first = await post(beacon, { 'cf-ipcountry': 'br' });
    assert.equal(first.statusCode, 202, first.body);
    // The browser retries (it did not see the 202): same beacon again.
    const second = await post(beacon, { 'cf-ipcountry': 'br' });
    assert.equal(second.statusCode, 202, second.body);

    // Both jobs done, whatever way ingest batched them.
    await waitFor('ingest jobs to be processed', async () => {
      const counts = await queue.getJobCounts();
      return counts.completed >= 1 && counts.waiting + counts.active + counts.delayed === 0;
    });
    const { rows } = await db.pool.query(
      `SELECT m.name, m.value, m.rating, w.domain, p.path, m.device_type, m.browser, m.os, m.country, m.connection
       FROM metrics m JOIN pages p ON p.id = m.page_id JOIN websites w ON w.id = m.website_id
      WHERE m.project_id = $1 ORDER BY m.time`,
      [project.id],
    );
    const dims = {
      domain: 'e2e.example.com',
      path: '/pricing',
      device_type: 'mobile',
      browser: 'Safari',
      os: 'iOS',
      country: 'BR',
      connection: '3g',
    };
    assert.deepEqual(rows, [
      { name: 'LCP', value: 3100, rating: 'needs-improvement', ...dims },
      { name: 'CLS', value: 0.02, rating: 'good', ...dims },
    ]);
    assert.equal(await countRows(db.pool, 'js_errors', project.id), 1);
    assert.equal((await queue.getFailed()).length, 0);
  },
);
