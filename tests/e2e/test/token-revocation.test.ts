/**
 * Read access that can be taken back: `rum token revoke` makes the query API answer 401 for
 * the token and every websocket instance disconnect its clients within 5 seconds; other
 * tokens of the project keep working. A revocation outlives Redis losing its data.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadToken, listReadTokens, revokeReadToken } from '@rum/server-kit';
import { TEST_JWT_SECRET } from '@rum/testing';
import { buildApp as buildQuery } from '@rum/query-api';
import { createLogger } from '@rum/server-kit';
import { connected, openClient, withTimeout, type LiveClient } from '@rum/testing/live-client';
import { startLive, startPipeline, type Pipeline, type RunningLive } from '../src/pipeline.ts';

let pipeline: Pipeline;
let second: RunningLive;
const clients: LiveClient[] = [];

before(async () => {
  pipeline = await startPipeline({ live: true, query: true });
  // A second websocket instance: the revocation must reach the clients of both.
  second = await startLive(pipeline.config, createLogger('websocket-2', 'silent'));
});

after(async () => {
  for (const c of clients) c.close();
  await second.app.close();
  await pipeline.stop();
});

function summary(token: string) {
  return pipeline.query!.inject({
    method: 'GET',
    url: `/v1/projects/${pipeline.project.project}/summary`,
    headers: { authorization: `Bearer ${token}` },
  });
}

async function client(url: string, token: string): Promise<LiveClient> {
  const c = openClient(url, { token });
  clients.push(c);
  await connected(c);
  return c;
}

function disconnected(c: LiveClient): Promise<string> {
  return new Promise((resolve) => c.once('disconnect', (reason) => resolve(reason)));
}

test('a revoked token gets 401 from the query API and loses its live feed on every instance within 5 s', async () => {
  const slug = pipeline.project.project;
  const revoked = await createReadToken(pipeline.db.pool, slug, TEST_JWT_SECRET, {
    name: 'leaked',
  });
  const kept = await createReadToken(pipeline.db.pool, slug, TEST_JWT_SECRET, { name: 'kept' });
  assert.equal((await summary(revoked.token)).statusCode, 200);

  const onFirst = await client(pipeline.live!.url, revoked.token);
  const onSecond = await client(second.url, revoked.token);
  const keptClient = await client(second.url, kept.token);
  const gone = [disconnected(onFirst), disconnected(onSecond)];

  const start = Date.now();
  const result = await revokeReadToken(pipeline.db.pool, pipeline.redis, revoked.id);
  assert.equal(result.id, revoked.id);
  const reasons = await withTimeout(Promise.all(gone), 'disconnect of both revoked clients', 5000);
  assert.deepEqual(reasons, ['io server disconnect', 'io server disconnect']);
  assert.ok(Date.now() - start < 5000);
  assert.ok(keptClient.connected, 'a token that was not revoked keeps its feed');

  // The query API: 401 within the same 5 s.
  let answer = await summary(revoked.token);
  while (answer.statusCode !== 401 && Date.now() - start < 5000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    answer = await summary(revoked.token);
  }
  assert.equal(answer.statusCode, 401, answer.body);
  assert.match(answer.json().message, new RegExp(`${revoked.id} was revoked`));
  assert.equal((await summary(kept.token)).statusCode, 200);

  // A new handshake with it is refused.
  const again = openClient(second.url, { token: revoked.token });
  clients.push(again);
  await assert.rejects(connected(again), /was revoked/);

  const listed = await listReadTokens(pipeline.db.pool, slug);
  assert.ok(listed.find((t) => t.id === revoked.id)?.revokedAt);
  assert.equal(listed.find((t) => t.id === kept.id)?.revokedAt, null);
  assert.ok(
    listed.every((t) => !('token' in t)),
    'the list never shows a token',
  );
});

test('a revocation outlives Redis losing its data', async () => {
  const slug = pipeline.project.project;
  const token = await createReadToken(pipeline.db.pool, slug, TEST_JWT_SECRET);
  await revokeReadToken(pipeline.db.pool, pipeline.redis, token.id);
  await pipeline.redis.flushall();
  // An instance that had seen it keeps refusing it.
  assert.equal((await summary(token.token)).statusCode, 401);
  // One started after the flush learns it once the workers have republished the list.
  const fresh = await buildQuery({ config: pipeline.config, pool: pipeline.db.pool });
  try {
    const deadline = Date.now() + 10_000;
    let status = 0;
    while (Date.now() < deadline) {
      status = (
        await fresh.inject({
          method: 'GET',
          url: `/v1/projects/${slug}/summary`,
          headers: { authorization: `Bearer ${token.token}` },
        })
      ).statusCode;
      if (status === 401) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(status, 401);
  } finally {
    await fresh.close();
  }
});
