/**
 * An ingest key rotates without losing traffic: `rum project rotate-key` gives the project a
 * new key at once, the old one keeps being accepted until its grace period ends, then 401.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { rotateIngestKey } from '@rum/server-kit';
import type { Beacon } from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';

let pipeline: Pipeline;

before(async () => {
  pipeline = await startPipeline();
});

after(async () => {
  await pipeline.stop();
});

function beacon(): Beacon {
  return {
    sid: `rot-${randomBytes(4).toString('hex')}`,
    url: 'https://shop.example.com/rotate',
    events: [
      { id: `v5-${randomBytes(6).toString('hex')}`, name: 'FCP', value: 900, ts: Date.now() },
    ],
  };
}

test('the old key works until the grace period ends, then 401; the new key works at once', async () => {
  const oldKey = pipeline.project.ingestKey;
  const first = await pipeline.send(beacon(), { key: oldKey });
  assert.equal(first.status, 202, first.body);

  const graceMs = 3000;
  const rotated = await rotateIngestKey(
    pipeline.db.pool,
    pipeline.redis,
    pipeline.project.project,
    graceMs,
  );
  assert.notEqual(rotated.ingestKey, oldKey);
  const graceEnd = Date.parse(rotated.previousKeysExpireAt);
  assert.ok(Math.abs(graceEnd - (Date.now() + graceMs)) < 1000);

  const sent: string[] = [];
  const withNew = beacon();
  assert.equal((await pipeline.send(withNew, { key: rotated.ingestKey })).status, 202);
  sent.push(withNew.sid);

  // The old key: accepted before the end of the grace period, refused after it (ingest
  // re-reads a key at most 5 s after it last did, so the refusal comes within that).
  let refusedAt: number | undefined;
  let refusal = '';
  while (refusedAt === undefined && Date.now() < graceEnd + 10_000) {
    const b = beacon();
    const sentAt = Date.now();
    const { status, body } = await pipeline.send(b, { key: oldKey });
    if (status === 202) {
      assert.ok(sentAt < graceEnd + 5_000, 'not accepted long after the grace period');
      sent.push(b.sid);
    } else {
      assert.equal(status, 401, body);
      assert.ok(sentAt >= graceEnd, `refused before the grace period ended: ${body}`);
      refusedAt = sentAt;
      refusal = body;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.ok(refusedAt, 'the old key is refused once its grace period is over');
  assert.match(refusal, /RUM_ERR_EXPIRED_KEY/);
  assert.equal((await pipeline.send(beacon(), { key: rotated.ingestKey })).status, 202);

  // What was accepted under either key is stored.
  await pipeline.drained();
  const { rows } = await pipeline.db.pool.query<{ session_id: string }>(
    'SELECT session_id FROM metrics WHERE project_id = $1',
    [pipeline.project.id],
  );
  const stored = new Set(rows.map((r) => r.session_id));
  for (const sid of sent) assert.ok(stored.has(sid), sid);
});
