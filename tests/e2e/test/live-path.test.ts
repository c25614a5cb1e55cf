import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { uniqueName } from '@rum/testing';
import type { Beacon } from '@rum/contract';
import { startPipeline, type Pipeline } from '../src/pipeline.ts';
import { connected, nextEvent, openClient, type LiveClient } from '@rum/testing/live-client';

let pipeline: Pipeline;
let client: LiveClient | undefined;

before(async () => {
  pipeline = await startPipeline({ live: true });
});

after(async () => {
  client?.disconnect();
  await pipeline.stop();
});

test('a beacon accepted by ingest reaches the dashboard’s socket through the workers', async () => {
  client = openClient(pipeline.live!.url, { token: pipeline.project.readToken });
  await connected(client);

  // A value and a path no other event has, to find this beacon's event in the push.
  const value = 1000 + (randomBytes(2).readUInt16BE() % 5000);
  const path = `/${uniqueName('live')}`;
  const now = Date.now();
  const beacon: Beacon = {
    sid: uniqueName('s'),
    url: `https://shop.example.com${path}?ref=mail`,
    events: [{ id: `v5-${randomBytes(6).toString('hex')}`, name: 'LCP', value, ts: now }],
    errors: [{ message: `TypeError: ${path} broke`, ts: now }],
    device: { type: 'mobile' },
  };
  const hasOurEvent = (recent: { path: string; value: number }[]) =>
    recent.some((e) => e.path === path && e.value === value);
  const metrics = nextEvent(client, 'metrics', (u) => hasOurEvent(u.recent));
  const errors = nextEvent(client, 'errors', (u) => u.errors.some((e) => e.path === path));

  assert.equal((await pipeline.send(beacon)).status, 202);

  const update = await metrics;
  assert.equal(update.project, pipeline.project.project);
  const event = update.recent.find((e) => e.path === path);
  assert.deepEqual(
    {
      name: event?.name,
      value: event?.value,
      rating: event?.rating,
      device: event?.device,
      ts: event?.ts,
    },
    {
      name: 'LCP',
      value,
      rating: value <= 2500 ? 'good' : value > 4000 ? 'poor' : 'needs-improvement',
      device: 'mobile',
      ts: now,
    },
  );
  assert.ok((update.byMetric.LCP?.count ?? 0) >= 1);

  const errorUpdate = await errors;
  assert.equal(
    errorUpdate.errors.find((e) => e.path === path)?.message,
    `TypeError: ${path} broke`,
  );
});
