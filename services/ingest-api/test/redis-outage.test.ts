import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startPrivateRedis, type PrivateRedis } from '@rum/testing';
import { startHarness, validBeacon, type Harness, type TestProject } from './helpers.ts';

describe('while Redis is down', () => {
  let redis: PrivateRedis;
  let h: Harness;
  let project: TestProject;

  before(async () => {
    redis = await startPrivateRedis();
    h = await startHarness({ redisUrl: redis.url });
    project = await h.createProject();
  });
  let running = true;
  const stopRedis = async () => {
    running = false;
    await redis.stop();
  };
  const startRedis = async () => {
    await redis.start();
    running = true;
  };

  after(async () => {
    if (!running) await startRedis();
    await h.close();
    await redis.stop();
  });

  async function waitForHealthy(): Promise<void> {
    for (let i = 0; i < 100; i++) {
      const res = await h.app.inject({ method: 'GET', url: '/health' });
      if (res.statusCode === 200) return;
      await sleep(100);
    }
    assert.fail('the app never reconnected to Redis');
  }

  it('answers 503 (never 202) for known and unknown keys, reports unhealthy, and recovers without a rebuild', async () => {
    // A project whose key this ingest has not looked up yet (nothing cached).
    const unseen = await h.createProject();
    assert.equal((await h.collect(project.key, validBeacon())).statusCode, 202);
    assert.equal((await h.app.inject({ method: 'GET', url: '/health' })).json().status, 'ok');

    await stopRedis();

    // The project is cached: the rate limit or the queue add is what fails.
    const down = await h.collect(project.key, validBeacon());
    assert.equal(down.statusCode, 503, down.body);
    assert.deepEqual(down.json(), {
      statusCode: 503,
      code: 'RUM_ERR_UNAVAILABLE',
      error: 'Service Unavailable',
      message: 'the beacon could not be queued; try again later',
    });
    // An uncached key cannot be checked: 503, not 401.
    assert.equal((await h.collect('pk_not-cached', validBeacon())).statusCode, 503);

    const health = await h.app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 503);
    assert.deepEqual(health.json(), {
      status: 'unavailable',
      checks: { redis: 'down', queue: 'down' },
    });

    await startRedis();
    await waitForHealthy();
    // The private server keeps nothing across restarts: the key set is lost. Until it is
    // republished, a key ingest cannot find is a 503 with Retry-After, never a 401 (the SDK
    // drops a beacon answered 401; it retries a 503).
    for (const key of [unseen.key, 'pk_never-existed']) {
      const lost = await h.collect(key, validBeacon());
      assert.equal(lost.statusCode, 503, lost.body);
      assert.match(lost.json().message, /ingest keys are being restored/);
      assert.equal(lost.headers['retry-after'], '5');
    }
    await h.republish();
    assert.equal((await h.collect(unseen.key, validBeacon())).statusCode, 202);
    const unknown = await h.collect('pk_never-existed-2', validBeacon());
    assert.equal(unknown.statusCode, 401, 'once the set is whole, an unknown key is a 401');
    const beacon = validBeacon();
    const back = await h.collect(project.key, beacon);
    assert.equal(back.statusCode, 202, back.body);
    const jobs = await h.jobs();
    assert.equal(jobs.length, 2, "unseen's beacon and this one");
    assert.deepEqual(jobs[1]!.data.beacons[0]!.beacon, beacon);
  });

  it('answers 503 when Redis stalls instead of waiting for it', async () => {
    await waitForHealthy();
    const staller = await startHarness({ redisUrl: redis.url });
    try {
      // CLIENT PAUSE WRITE holds every write (the rate-limit script, the job add) but keeps the connection up.
      await staller.redis.call('CLIENT', 'PAUSE', '3000', 'WRITE');
      const res = await h.collect(project.key, validBeacon());
      assert.equal(res.statusCode, 503, res.body);
    } finally {
      await staller.redis.call('CLIENT', 'UNPAUSE');
      await staller.close();
    }
  });
});
