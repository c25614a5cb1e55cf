/**
 * The server, not the visitor's clock, decides where a row lands: events dated outside the
 * window around the receive time (24 h back, 5 min ahead) are refused and create neither a row
 * nor a hypertable chunk; a late event inside the window reaches the rollups, so long-window
 * answers count it.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import {
  MAX_EVENT_AGE_MS,
  type Beacon,
  type MetricName,
  type SummaryResponse,
} from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;

let pipeline: Pipeline;

before(async () => {
  pipeline = await startPipeline({ query: true });
});

after(async () => {
  await pipeline.stop();
});

function beaconAt(ts: number, name: MetricName = 'TTFB'): Beacon {
  return {
    sid: `tw-${randomBytes(4).toString('hex')}`,
    url: 'https://shop.example.com/time',
    events: [{ id: `v5-${randomBytes(6).toString('hex')}`, name, value: 321, ts }],
    errors: [{ message: 'boom', ts }],
  };
}

async function chunks(): Promise<string[]> {
  const { rows } = await pipeline.db.pool.query<{ chunk: string }>(
    `SELECT hypertable_name || ' ' || range_start || '..' || range_end AS chunk
       FROM timescaledb_information.chunks ORDER BY 1`,
  );
  return rows.map((r) => r.chunk);
}

/** The 30-day TTFB count, computed now (the cached answer of an earlier call is dropped). */
async function ttfbCount30d(): Promise<{ count: number; source: string }> {
  const cached = await pipeline.redis.keys(`project:${pipeline.project.project}:*`);
  if (cached.length > 0) await pipeline.redis.del(...cached);
  const res = await pipeline.query!.inject({
    method: 'GET',
    url: `/v1/projects/${pipeline.project.project}/summary?range=30d&metric=TTFB`,
    headers: { authorization: `Bearer ${pipeline.project.readToken}` },
  });
  assert.equal(res.statusCode, 200, res.body);
  const body = res.json<SummaryResponse>();
  return {
    count: body.metrics.find((m) => m.metric === 'TTFB')?.count ?? 0,
    source: body.source,
  };
}

test('beacons dated a year ahead or a year back are refused and create no chunk and no row', async () => {
  const before = await chunks();
  for (const ts of [Date.now() + YEAR_MS, Date.now() - YEAR_MS]) {
    const { status, body } = await pipeline.send(beaconAt(ts));
    assert.equal(status, 400, body);
    assert.match(
      (JSON.parse(body) as { message: string }).message,
      /"events\[0\]\.ts" is more than/,
    );
  }
  await pipeline.drained();
  assert.deepEqual(await chunks(), before);
  const { rows } = await pipeline.db.pool.query<{ n: number }>(
    `SELECT (SELECT count(*) FROM metrics) + (SELECT count(*) FROM js_errors) AS n`,
  );
  assert.equal(rows[0]!.n, 0);
});

test('an event from the edge of the window reaches the rollups: a 30-day answer counts it', async () => {
  // An event from two hours ago, then the refresh policies run: the hourly rollup is
  // materialised up to that event's hour, so what lies before it is read from the rollup alone.
  assert.equal((await pipeline.send(beaconAt(Date.now() - 2 * 3_600_000))).status, 202);
  await pipeline.drained();
  await pipeline.db.embedded.runDuePolicies(true);

  // Then the late one: first reported 24 h ago (less a minute for the trip), received now.
  const late = beaconAt(Date.now() - MAX_EVENT_AGE_MS + 60_000);
  const { status, body } = await pipeline.send(late);
  assert.equal(status, 202, body);
  await pipeline.drained();
  const stale = await ttfbCount30d();
  assert.equal(stale.source, 'rollup');
  assert.equal(stale.count, 1, 'below the materialised range the late row waits for a refresh');

  // What the policies do next (a real TimescaleDB runs them every 5 minutes) brings it in.
  await pipeline.db.embedded.runDuePolicies(true);
  assert.deepEqual(await ttfbCount30d(), { count: 2, source: 'rollup' });
});
