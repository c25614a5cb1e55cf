/**
 * Releases (the release dimension, GET …/releases) and the alert routes (GET …/alerts,
 * …/alert-events), against exact computations over the generated data set.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TestDatabase, TestProject } from '@rum/testing';
import {
  type AlertEventsResponse,
  type AlertsResponse,
  type BreakdownResponse,
  type ErrorsResponse,
  type MetricName,
  type ReleasesResponse,
  type SummaryResponse,
} from '@rum/contract';
import { createAlertRule } from '@rum/server-kit';
import {
  assertClose,
  exactShares,
  inWindow,
  ofMetric,
  percentileCont,
  projectGetter,
  startQueryFixture,
  values,
  type DataSet,
  type QueryFixture,
} from './fixture.ts';

let fixture: QueryFixture | undefined;
let db: TestDatabase;
let project: TestProject;
let data: DataSet;
let get: ReturnType<typeof projectGetter>;

before(async () => {
  fixture = await startQueryFixture();
  ({ db, project, data, get } = fixture);
});

after(() => fixture?.stop());

const RELEASES = ['v1.2', 'v1.1', 'v1.0'];

describe('releases', () => {
  for (const [range, tolerance] of [
    ['1h', 0],
    ['24h', 0.02],
    ['7d', 0.02],
  ] as const) {
    test(`GET releases (${range}): newest first, sightings and per-metric figures exact${tolerance ? ' (p75 within 2%)' : ''}`, async () => {
      const body = await get<ReleasesResponse>(`releases?range=${range}`);
      assert.equal(body.source, range === '1h' ? 'raw' : 'rollup');
      const inRange = inWindow(data.events, body);
      const seen = RELEASES.filter((r) => inRange.some((e) => e.release === r));
      assert.deepEqual(
        body.releases.map((r) => r.release),
        seen,
      );
      for (const row of body.releases) {
        const all = [...data.events, ...data.errors].filter((e) => e.release === row.release);
        const times = all.map((e) => e.time);
        assert.equal(Date.parse(row.firstSeen), Math.min(...times), `${row.release} firstSeen`);
        assert.equal(Date.parse(row.lastSeen), Math.max(...times), `${row.release} lastSeen`);
        const mine = inRange.filter((e) => e.release === row.release);
        assert.equal(row.samples, mine.filter((e) => e.name !== 'FID').length);
        for (const m of row.metrics) {
          const v = values(ofMetric(mine, m.metric));
          assert.equal(m.count, v.length, `${row.release} ${m.metric} count`);
          assertClose(m.p75, percentileCont(v, 0.75), tolerance, `${row.release} ${m.metric} p75`);
          assert.deepEqual(m.shares, exactShares(m.metric, v));
        }
      }
    });
  }

  test('compare=previous: each release against the one first seen before it', async () => {
    const body = await get<ReleasesResponse>('releases?range=7d&compare=previous');
    assert.deepEqual(
      body.releases.map((r) => [r.release, r.previous]),
      [
        ['v1.2', 'v1.1'],
        ['v1.1', 'v1.0'],
        ['v1.0', null],
      ],
    );
    const [newest, before] = body.releases;
    for (const m of newest!.metrics) {
      const then = before!.metrics.find((b) => b.metric === m.metric)!;
      assert.deepEqual(m.previous, {
        count: then.count,
        p75: then.p75,
        rating: then.rating,
        shares: then.shares,
      });
      assert.equal(m.change!.p75, m.p75! - then.p75!);
    }
    assert.equal(body.releases[2]!.metrics[0]!.previous, null);
  });

  test('limit keeps the newest; release= lists that one only', async () => {
    const two = await get<ReleasesResponse>('releases?range=7d&limit=2&compare=previous');
    assert.deepEqual(
      two.releases.map((r) => [r.release, r.previous]),
      [
        ['v1.2', 'v1.1'],
        ['v1.1', 'v1.0'],
      ],
      'the last listed release is still compared with the one before it',
    );
    const one = await get<ReleasesResponse>('releases?range=7d&release=v1.1');
    assert.deepEqual(
      one.releases.map((r) => r.release),
      ['v1.1'],
    );
  });

  for (const range of ['24h', '7d'] as const) {
    test(`release as a filter (summary) and a breakdown (${range})`, async () => {
      const summary = await get<SummaryResponse>(`summary?range=${range}&release=v1.1`);
      const inRange = inWindow(data.events, summary);
      for (const m of summary.metrics) {
        const v = values(ofMetric(inRange, m.metric).filter((e) => e.release === 'v1.1'));
        assert.equal(m.count, v.length, `${m.metric} count`);
        assertClose(m.p75, percentileCont(v, 0.75), 0.02, `${m.metric} p75`);
      }
      const metric: MetricName = 'LCP';
      const breakdown = await get<BreakdownResponse>(
        `breakdown?range=${range}&metric=${metric}&by=release`,
      );
      assert.equal(breakdown.source, 'rollup', 'one dimension: its rollups');
      const lcp = ofMetric(inWindow(data.events, breakdown), metric);
      const expected = new Map<string, number>();
      for (const e of lcp)
        expected.set(e.release ?? 'unknown', (expected.get(e.release ?? 'unknown') ?? 0) + 1);
      assert.deepEqual(new Map(breakdown.rows.map((r) => [r.value, r.count])), expected);
    });
  }

  test('errors take the release filter', async () => {
    const body = await get<ErrorsResponse>('errors?range=7d&release=v1.0');
    const mine = inWindow(data.errors, body).filter((e) => e.release === 'v1.0');
    assert.equal(
      body.errors.reduce((sum, e) => sum + e.count, 0),
      mine.length,
    );
  });
});

describe('alerts', () => {
  test('GET alerts: rules and their state, never the secret or the webhook URL', async () => {
    const rule = await createAlertRule(db.pool, {
      project: project.project,
      metric: 'LCP',
      stat: 'p75',
      above: 2500,
      window: '1h',
      device: 'mobile',
      route: '/product/:id',
      webhook: 'https://hooks.example.com/services/T000/B000/XXXX',
    });
    await db.pool.query(
      `UPDATE alert_rules SET state = 'firing', state_since = '2026-11-30T10:00:00Z',
         last_evaluated_at = '2026-11-30T10:05:00Z', last_value = 3100, last_samples = 240
       WHERE id = $1`,
      [rule.id],
    );
    const body = await get<AlertsResponse>('alerts');
    assert.deepEqual(body.alerts, [
      {
        id: rule.id,
        project: project.project,
        metric: 'LCP',
        stat: 'p75',
        threshold: 2500,
        window: '1h',
        filters: { device: 'mobile', route: '/product/:id' },
        minSamples: 100,
        webhookHost: 'hooks.example.com',
        createdAt: rule.createdAt,
        state: 'firing',
        since: '2026-11-30T10:00:00.000Z',
        streak: 0,
        last: { at: '2026-11-30T10:05:00.000Z', value: 3100, samples: 240 },
      },
    ]);
    const raw = JSON.stringify(body);
    assert.ok(!raw.includes(rule.secret) && !raw.includes('XXXX'));
  });

  test('GET alert-events: newest first, with delivery state; limit', async () => {
    const [rule] = (await get<AlertsResponse>('alerts')).alerts;
    for (const [state, at, delivered] of [
      ['firing', '2026-11-29T08:00:00Z', true],
      ['resolved', '2026-11-29T09:00:00Z', false],
    ] as const) {
      await db.pool.query(
        `INSERT INTO alert_events (rule_id, project_id, state, value, threshold, samples, window_from,
           window_to, at, attempts, delivered_at)
         VALUES ($1, $2, $3, 3000, 2500, 150, $4::timestamptz - interval '1 hour', $4, $4, 1, $5)`,
        [rule!.id, project.id, state, at, delivered ? at : null],
      );
    }
    const body = await get<AlertEventsResponse>('alert-events');
    assert.deepEqual(
      body.events.map((e) => [e.state, e.at, e.delivery.state, e.filters]),
      [
        ['resolved', '2026-11-29T09:00:00.000Z', 'pending', rule!.filters],
        ['firing', '2026-11-29T08:00:00.000Z', 'delivered', rule!.filters],
      ],
    );
    assert.equal((await get<AlertEventsResponse>('alert-events?limit=1')).events.length, 1);
    await get('alert-events?limit=0', 400);
  });
});
