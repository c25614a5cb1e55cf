/**
 * Redis loses its data (FLUSHALL: as a restart without persistence, or a failover to an empty
 * replica) under running services: no beacon of any project is answered 401, ingest answers
 * 503 with Retry-After while the workers republish the keys from the database, and within
 * seconds every project's beacons are accepted and stored again.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startPrivateRedis, type PrivateRedis } from '@rum/testing';
import type { Beacon } from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';

let redisServer: PrivateRedis;
let pipeline: Pipeline;

before(async () => {
  redisServer = await startPrivateRedis();
  // Ingest does not keep what it read about keys, so every answer shows what Redis holds.
  pipeline = await startPipeline({ redisUrl: redisServer.url, projects: 2, keyCacheMs: 0 });
});

after(async () => {
  await pipeline.stop();
  await redisServer.stop();
});

function beaconOf(tag: string): Beacon {
  return {
    sid: `${tag}-${randomBytes(4).toString('hex')}`,
    url: 'https://shop.example.com/flush',
    events: [
      { id: `v5-${randomBytes(6).toString('hex')}`, name: 'LCP', value: 1200, ts: Date.now() },
    ],
  };
}

async function storedSessions(): Promise<Set<string>> {
  const { rows } = await pipeline.db.pool.query<{ session_id: string }>(
    'SELECT session_id FROM metrics WHERE project_id = ANY($1)',
    [pipeline.projects.map((p) => p.id)],
  );
  return new Set(rows.map((r) => r.session_id));
}

test('after FLUSHALL no beacon gets 401; within 10 s both projects get 202 again and are stored', async (t) => {
  const [a, b] = pipeline.projects;
  // The workers published the whole key set when they started.
  for (const project of [a!, b!]) {
    const { status, body } = await pipeline.send(beaconOf('before'), { key: project.ingestKey });
    assert.equal(status, 202, body);
  }

  await pipeline.redis.flushall();
  const flushedAt = Date.now();
  const accepted = new Set<string>();
  const answers = new Map<number, number>();
  const back = new Set<string>();
  // Both projects, every 100 ms, until both are accepted again (or 10 s have passed).
  while (back.size < 2 && Date.now() - flushedAt < 10_000) {
    for (const project of [a!, b!]) {
      const beacon = beaconOf(project.project);
      const { status, headers, body } = await pipeline.send(beacon, { key: project.ingestKey });
      answers.set(status, (answers.get(status) ?? 0) + 1);
      assert.notEqual(status, 401, `a lost key set must never be a 401: ${body}`);
      assert.ok(status === 202 || status === 503, `${status}: ${body}`);
      if (status === 503)
        assert.ok(Number(headers.get('retry-after')) > 0, 'a 503 says when to retry');
      if (status === 202) {
        accepted.add(beacon.sid);
        back.add(project.project);
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.diagnostic(
    `answers after the flush: ${JSON.stringify(Object.fromEntries(answers))}, both back after ${Date.now() - flushedAt} ms`,
  );
  assert.equal(
    back.size,
    2,
    `both projects accepted again within 10 s (answers: ${JSON.stringify([...answers])})`,
  );

  // A key that does not exist is still a 401 once the set is whole again.
  const unknown = await pipeline.send(beaconOf('x'), { key: 'pk_does_not_exist' });
  assert.equal(unknown.status, 401);

  await pipeline.drained();
  const stored = await storedSessions();
  for (const sid of accepted) assert.ok(stored.has(sid), `accepted beacon ${sid} is stored`);
});
