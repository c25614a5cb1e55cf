import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startHarness, validBeacon, type Harness } from './helpers.ts';

describe('/health and /metrics', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('/health is 200 {status: ok} while Redis answers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { status: 'ok', checks: { redis: 'ok', queue: 'ok' } });
  });

  it('/metrics counts answers by status, queue-add latency and accepted events', async () => {
    const { key } = await h.createProject();
    assert.equal((await h.collect(key, validBeacon())).statusCode, 202);
    assert.equal((await h.collect(key, validBeacon())).statusCode, 202);
    assert.equal((await h.collect('pk_unknown', validBeacon())).statusCode, 401);

    const res = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(res.statusCode, 200);
    assert.match(String(res.headers['content-type']), /^text\/plain/);
    const text = res.body;
    const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
    assert.equal(
      value(
        /rum_http_requests_total\{method="POST",route="\/v1\/collect",status_code="202"\} (\d+)/,
      ),
      2,
    );
    assert.equal(
      value(
        /rum_http_requests_total\{method="POST",route="\/v1\/collect",status_code="401"\} (\d+)/,
      ),
      1,
    );
    assert.equal(value(/rum_ingest_events_accepted_total\{type="metric"\} (\d+)/), 4);
    assert.equal(value(/rum_ingest_events_accepted_total\{type="error"\} (\d+)/), 2);
    assert.ok(value(/rum_ingest_queue_add_duration_seconds_count\{outcome="ok"\} (\d+)/) >= 1);
    assert.match(text, /rum_ingest_job_beacons_bucket/);
  });

  it('sends helmet security headers', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/health' });
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
  });
});
