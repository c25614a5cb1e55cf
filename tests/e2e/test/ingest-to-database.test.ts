/**
 * End to end on the write path: a beacon POSTed to the real ingest API is queued by it and
 * stored by the real workers, exactly once even when the browser sends it twice.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Beacon } from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';

const SAFARI_IPHONE_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1';

let pipeline: Pipeline;

before(async () => {
  pipeline = await startPipeline();
});

after(async () => {
  await pipeline.stop();
});

function post(beacon: Beacon, headers: Record<string, string> = {}) {
  // sendBeacon's content type: no CORS preflight.
  return pipeline.send(beacon, {
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      'user-agent': SAFARI_IPHONE_UA,
      ...headers,
    },
  });
}

async function countRows(table: 'metrics' | 'js_errors'): Promise<number> {
  const { rows } = await pipeline.db.pool.query<{ n: number }>(
    `SELECT count(*) AS n FROM ${table} WHERE project_id = $1`,
    [pipeline.project.id],
  );
  return rows[0]!.n;
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
    assert.equal(first.status, 202, first.body);
    // The browser retries (it did not see the 202): same beacon again.
    const second = await post(beacon, { 'cf-ipcountry': 'br' });
    assert.equal(second.status, 202, second.body);

    // Both jobs done, whatever way ingest batched them.
    await pipeline.drained();
    const { rows } = await pipeline.db.pool.query(
      `SELECT m.name, m.value, m.rating, w.domain, p.path, m.device_type, m.browser, m.os, m.country, m.connection
       FROM metrics m JOIN pages p ON p.id = m.page_id JOIN websites w ON w.id = m.website_id
      WHERE m.project_id = $1 ORDER BY m.time`,
      [pipeline.project.id],
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
    assert.equal(await countRows('js_errors'), 1);
    assert.equal((await pipeline.queue.getFailed()).length, 0);
  },
);
