import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { COLLECT_JOB_OPTIONS } from '@rum/contract';
import { startHarness, validBeacon, type Harness, type TestProject } from './helpers.ts';

describe('POST /v1/collect accepts a beacon only once it is queued', () => {
  let h: Harness;
  let project: TestProject;

  before(async () => {
    h = await startHarness();
    project = await h.createProject();
  });
  after(() => h.close());

  it('answers 202 with the count of events and errors, and the job holds exactly the beacon', async () => {
    const beacon = validBeacon();
    const res = await h.collect(project.key, beacon, {
      headers: { 'user-agent': 'Mozilla/5.0 (iPhone) Safari/605.1.15', 'cf-ipcountry': 'de' },
    });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 3 });

    const jobs = await h.jobs();
    assert.equal(jobs.length, 1);
    const job = jobs[0]!;
    assert.equal(job.data.beacons.length, 1);
    const accepted = job.data.beacons[0]!;
    assert.deepEqual(accepted.beacon, beacon);
    assert.equal(accepted.projectId, project.project.id);
    assert.equal(accepted.project, project.project.slug);
    assert.equal(accepted.userAgent, 'Mozilla/5.0 (iPhone) Safari/605.1.15');
    assert.equal(accepted.country, 'DE');
    assert.equal(typeof accepted.receivedAt, 'number');
    assert.equal(job.opts.attempts, COLLECT_JOB_OPTIONS.attempts);
    await job.remove();
  });

  it('takes the key from the x-api-key header too', async () => {
    const res = await h.collect(project.key, validBeacon({ errors: [] }), { keyInHeader: true });
    assert.equal(res.statusCode, 202, res.body);
    assert.deepEqual(res.json(), { accepted: 2 });
    assert.equal((await h.jobs()).length, 1);
    await h.queue.empty();
  });

  it('accepts JSON sent as text/plain, as navigator.sendBeacon does', async () => {
    const beacon = validBeacon();
    const res = await h.collect(project.key, beacon, { contentType: 'text/plain;charset=UTF-8' });
    assert.equal(res.statusCode, 202, res.body);
    const [job] = await h.jobs();
    assert.deepEqual(job!.data.beacons[0]!.beacon, beacon);
    await h.queue.empty();
  });

  it('accepts a gzip body (CompressionStream) and queues the decoded beacon', async () => {
    const beacon = validBeacon();
    for (const contentType of ['application/json', 'text/plain']) {
      const res = await h.collect(project.key, beacon, { gzip: true, contentType });
      assert.equal(res.statusCode, 202, res.body);
    }
    const jobs = await h.jobs();
    assert.equal(jobs.length, 2);
    for (const job of jobs) assert.deepEqual(job.data.beacons[0]!.beacon, beacon);
    await h.queue.empty();
  });

  it('ignores a country header that is not a two-letter code', async () => {
    for (const country of ['T1', 'XX', 'Germany']) {
      const res = await h.collect(project.key, validBeacon(), {
        headers: { 'cf-ipcountry': country },
      });
      assert.equal(res.statusCode, 202, res.body);
    }
    const jobs = await h.jobs();
    assert.equal(jobs.length, 3);
    for (const job of jobs) assert.equal(job.data.beacons[0]!.country, undefined);
    await h.queue.empty();
  });
});

describe('micro-batching', () => {
  let h: Harness;
  let project: TestProject;

  before(async () => {
    // A long window, so only the size cap flushes: the grouping below is deterministic.
    h = await startHarness({ batch: { maxItems: 5, maxWaitMs: 60_000 } });
    project = await h.createProject();
  });
  after(() => h.close());

  it('puts concurrent beacons into shared jobs and answers each 202 once its job is queued', async () => {
    const beacons = Array.from({ length: 10 }, () => validBeacon());
    const responses = await Promise.all(beacons.map((b) => h.collect(project.key, b)));
    for (const res of responses) assert.equal(res.statusCode, 202, res.body);

    const jobs = await h.jobs();
    assert.equal(jobs.length, 2);
    const queuedSids = jobs.flatMap((job) => job.data.beacons.map((a) => a.beacon.sid)).sort();
    assert.deepEqual(queuedSids, beacons.map((b) => b.sid).sort());
  });
});

describe('CORS', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  const preflight = (key: string, origin: string) =>
    h.app.inject({
      method: 'OPTIONS',
      url: `/v1/collect?key=${key}`,
      headers: {
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type',
      },
    });

  it("allows a project's own origins and no others", async () => {
    const { key } = await h.createProject({ origins: ['https://shop.example.com'] });
    const allowed = await preflight(key, 'https://shop.example.com');
    assert.equal(allowed.statusCode, 204);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://shop.example.com');
    assert.match(String(allowed.headers['access-control-allow-methods']), /POST/);

    const foreign = await preflight(key, 'https://evil.example.net');
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);

    const post = await h.collect(key, validBeacon(), {
      headers: { origin: 'https://shop.example.com' },
    });
    assert.equal(post.statusCode, 202, post.body);
    assert.equal(post.headers['access-control-allow-origin'], 'https://shop.example.com');
  });

  it('answers a preflight without a key (x-api-key is only sent with the POST) and keeps error answers readable', async () => {
    const { key } = await h.createProject({ origins: ['https://shop.example.com'] });
    const res = await h.app.inject({
      method: 'OPTIONS',
      url: '/v1/collect',
      headers: {
        origin: 'https://shop.example.com',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, x-api-key',
      },
    });
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'https://shop.example.com');
    assert.match(String(res.headers['access-control-allow-headers']), /x-api-key/);

    // A 400 from an allowed origin carries the header, so the SDK's fetch() can read the status.
    const bad = await h.collect(
      key,
      { ...validBeacon(), sid: '' },
      { headers: { origin: 'https://shop.example.com' } },
    );
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.headers['access-control-allow-origin'], 'https://shop.example.com');
    const foreign = await h.collect(key, validBeacon(), {
      headers: { origin: 'https://evil.example.net' },
    });
    assert.equal(foreign.statusCode, 403);
    assert.equal(foreign.headers['access-control-allow-origin'], undefined);
  });

  it('allows any origin when the project lists none', async () => {
    const { key } = await h.createProject();
    const res = await preflight(key, 'https://anywhere.example.org');
    assert.equal(res.statusCode, 204);
    assert.equal(res.headers['access-control-allow-origin'], 'https://anywhere.example.org');
  });
});
