import { after, afterEach, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BEACON, type ErrorResponse } from '@rum/contract';
import type { LightMyRequestResponse } from 'fastify';
import { startHarness, validBeacon, type Harness, type TestProject } from './helpers.ts';

function assertError(
  res: LightMyRequestResponse,
  status: number,
  code: string,
  message?: RegExp,
): ErrorResponse {
  assert.equal(res.statusCode, status, res.body);
  const body = res.json<ErrorResponse>();
  assert.deepEqual(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode']);
  assert.equal(body.statusCode, status);
  assert.equal(body.code, code);
  if (message) assert.match(body.message, message);
  return body;
}

describe('rejected beacons are answered with a stable error and nothing is queued', () => {
  let h: Harness;
  let project: TestProject;

  before(async () => {
    h = await startHarness();
    project = await h.createProject();
  });
  afterEach(async () => {
    assert.equal(await h.queuedJobs(), 0, 'a rejected request must not queue anything');
  });
  after(() => h.close());

  it('401 without a key, and with an unknown key', async () => {
    assertError(await h.collect(null, validBeacon()), 401, 'RUM_ERR_MISSING_KEY', /key/);
    assertError(await h.collect('pk_unknown', validBeacon()), 401, 'RUM_ERR_UNKNOWN_KEY');
    assertError(
      await h.collect('pk_unknown', validBeacon(), { keyInHeader: true }),
      401,
      'RUM_ERR_UNKNOWN_KEY',
    );
  });

  it("403 when the Origin is not one of the project's, or missing", async () => {
    const restricted = await h.createProject({ origins: ['https://shop.example.com'] });
    const foreign = await h.collect(restricted.key, validBeacon(), {
      headers: { origin: 'https://evil.example.net' },
    });
    assertError(foreign, 403, 'RUM_ERR_ORIGIN_NOT_ALLOWED', /evil\.example\.net/);
    assertError(
      await h.collect(restricted.key, validBeacon()),
      403,
      'RUM_ERR_ORIGIN_NOT_ALLOWED',
      /Origin/,
    );
  });

  const badBeacons: Array<[string, unknown, RegExp]> = [
    [
      'a negative value',
      validBeacon({ events: [{ ...validBeacon().events[0]!, value: -1 }] }),
      /"events\[0\]\.value"/,
    ],
    [
      'a value too large for its metric',
      validBeacon({ events: [{ ...validBeacon().events[1]!, value: 1000 }] }),
      /value.*CLS/,
    ],
    [
      'a string value',
      { ...validBeacon(), events: [{ ...validBeacon().events[0]!, value: 'NaN' }] },
      /"events\[0\]\.value" must be a number/,
    ],
    [
      'an unknown metric',
      { ...validBeacon(), events: [{ ...validBeacon().events[0]!, name: 'FOO' }] },
      /"events\[0\]\.name"/,
    ],
    [
      'too many events',
      validBeacon({
        events: Array.from({ length: MAX_EVENTS_PER_BEACON + 1 }, () => validBeacon().events[0]!),
      }),
      /"events" must contain less than or equal to 100/,
    ],
    ['a number as session id', { ...validBeacon(), sid: 42 }, /"sid" must be a string/],
    ['a missing url', { ...validBeacon(), url: undefined }, /"url" is required/],
    ['an unknown field', { ...validBeacon(), cookies: 'a=b' }, /"cookies" is not allowed/],
    ['an array body', [validBeacon()], /must be of type object/],
  ];
  for (const [what, body, field] of badBeacons) {
    it(`400 naming the field for ${what}`, async () => {
      assertError(await h.collect(project.key, body), 400, 'RUM_ERR_BAD_BEACON', field);
    });
  }

  it('400 for a value that only JSON can make infinite (1e999)', async () => {
    const raw = JSON.stringify(validBeacon()).replace('"value":2143.5', '"value":1e999');
    assert.ok(raw.includes('1e999'));
    assertError(
      await h.collect(project.key, null, { raw }),
      400,
      'RUM_ERR_BAD_BEACON',
      /"events\[0\]\.value"/,
    );
  });

  it('400 for invalid or empty JSON, plain or gzipped, and for a body that is not gzip', async () => {
    assertError(
      await h.collect(project.key, null, { raw: '{"sid": "a",' }),
      400,
      'RUM_ERR_BAD_BEACON',
      /JSON/,
    );
    assertError(
      await h.collect(project.key, null, { raw: '{"sid": "a",', gzip: true }),
      400,
      'RUM_ERR_BAD_BEACON',
      /JSON/,
    );
    assertError(await h.collect(project.key, null, { raw: '' }), 400, 'RUM_ERR_BAD_BEACON');
    const notGzip = await h.collect(project.key, validBeacon(), {
      headers: { 'content-encoding': 'gzip' },
    });
    assertError(notGzip, 400, 'RUM_ERR_BAD_BEACON', /gzip/);
  });

  it('400 for JSON that tries prototype poisoning', async () => {
    const raw = JSON.stringify(validBeacon()).replace(/^\{/, '{"__proto__":{"polluted":true},');
    assertError(await h.collect(project.key, null, { raw }), 400, 'RUM_ERR_BAD_BEACON');
  });

  it('413 for a body over the limit', async () => {
    const big = validBeacon({ url: `https://shop.example.com/?q=${'x'.repeat(MAX_BODY_BYTES)}` });
    assertError(await h.collect(project.key, big), 413, 'RUM_ERR_BODY_TOO_LARGE');
  });

  it('413 for a gzip bomb: small on the wire, huge once inflated', async () => {
    const raw = `{"sid":"${' '.repeat(20 * 1024 * 1024)}"}`;
    const bomb = gzipSync(raw);
    assert.ok(bomb.length < MAX_BODY_BYTES, 'the bomb itself is under the body limit');
    const res = await h.app.inject({
      method: 'POST',
      url: `/v1/collect?key=${project.key}`,
      headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      payload: bomb,
    });
    assertError(res, 413, 'RUM_ERR_BODY_TOO_LARGE', /decompressed/);
  });

  it('415 for another media type or content encoding', async () => {
    assertError(
      await h.collect(project.key, validBeacon(), { contentType: 'application/xml' }),
      415,
      'RUM_ERR_UNSUPPORTED_MEDIA_TYPE',
    );
    const br = await h.collect(project.key, validBeacon(), {
      headers: { 'content-encoding': 'br' },
    });
    assertError(br, 415, 'RUM_ERR_UNSUPPORTED_MEDIA_TYPE', /br/);
  });

  it('404 in the same shape for an unknown route', async () => {
    assertError(await h.app.inject({ method: 'GET', url: '/v1/nope' }), 404, 'RUM_ERR_NOT_FOUND');
  });
});

describe('per-project rate limit', () => {
  let h: Harness;

  before(async () => {
    h = await startHarness();
  });
  after(() => h.close());

  it('429 with Retry-After past the limit, nothing queued for it, while another project still gets 202', async () => {
    const noisy = await h.createProject({ rateLimitPerMinute: 3 });
    const quiet = await h.createProject({ rateLimitPerMinute: 3 });
    for (let i = 0; i < 3; i++)
      assert.equal((await h.collect(noisy.key, validBeacon())).statusCode, 202);
    assert.equal(await h.queuedJobs(), 3);

    const limited = await h.collect(noisy.key, validBeacon());
    assertError(limited, 429, 'RUM_ERR_RATE_LIMITED', /3 requests per minute/);
    const retryAfter = Number(limited.headers['retry-after']);
    assert.ok(retryAfter > 0 && retryAfter <= 60, `Retry-After: ${limited.headers['retry-after']}`);
    assert.equal(await h.queuedJobs(), 3, 'the 429 queued nothing');

    assert.equal((await h.collect(quiet.key, validBeacon())).statusCode, 202);
    assert.equal(await h.queuedJobs(), 4);
  });

  it('counts concurrent requests exactly, though they share one Redis call', async () => {
    const project = await h.createProject({ rateLimitPerMinute: 3 });
    const before = await h.queuedJobs();
    const responses = await Promise.all(
      Array.from({ length: 7 }, () => h.collect(project.key, validBeacon())),
    );
    const statuses = responses.map((r) => r.statusCode).sort();
    assert.deepEqual(statuses, [202, 202, 202, 429, 429, 429, 429]);
    const jobs = await h.jobs();
    const queued = jobs
      .flatMap((j) => j.data.beacons)
      .filter((b) => b.projectId === project.project.id);
    assert.equal(queued.length, 3);
    assert.ok((await h.queuedJobs()) > before);
  });

  it('counts in Redis, so a second instance sees the same budget', async () => {
    const project = await h.createProject({ rateLimitPerMinute: 2 });
    const other = await startHarness();
    try {
      assert.equal((await h.collect(project.key, validBeacon())).statusCode, 202);
      assert.equal((await other.collect(project.key, validBeacon())).statusCode, 202);
      assertError(await h.collect(project.key, validBeacon()), 429, 'RUM_ERR_RATE_LIMITED');
      assertError(await other.collect(project.key, validBeacon()), 429, 'RUM_ERR_RATE_LIMITED');
    } finally {
      await other.close();
    }
  });
});
