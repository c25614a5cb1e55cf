/**
 * Live latency: from the ingest API's 202 to the socket.io client receiving the `metrics`
 * push that contains the beacon's event. Everything runs in this process on 127.0.0.1 (an
 * embedded TimescaleDB, ingest-api, the workers, one websocket instance) against the Redis
 * of REDIS_URL. Beacons are paced like real traffic; each carries one LCP event with a value
 * no other beacon has, which is how its event is found in the push's `recent` list.
 * Target: p95 under 1 second (measured figures: the README's Performance section).
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { LIVE_FLUSH_MS, LIVE_RECENT_LIMIT, type Beacon } from '@rum/contract';
import { startPipeline } from '@rum/e2e-tests/pipeline';
import { connected, openClient } from '@rum/testing/live-client';

/** Measured beacons (`--beacons=N` to change). */
const BEACONS = Number(
  /^--beacons=(\d+)$/.exec(process.argv.find((a) => a.startsWith('--beacons=')) ?? '')?.[1] ?? 200,
);
/** Beacons sent first and not measured: site and page upserts, JIT, connection pools. */
const WARM_UP_BEACONS = 10;
/**
 * One beacon every this many ms (25 a second). Workers push at most every LIVE_FLUSH_MS with
 * the newest LIVE_RECENT_LIMIT events, so the pace must keep a push's events under that limit.
 */
const PACE_MS = 40;
/** After the last 202, how long to wait for pushes still under way. */
const DRAIN_MS = 15_000;
/** Hard stop of the whole run. */
const RUN_LIMIT_MS = 5 * 60_000;

function emit(metric: string, value: number, unit: string): void {
  process.stdout.write(`${JSON.stringify({ bench: 'live', metric, value, unit })}\n`);
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = p * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const guard = setTimeout(() => {
  process.stderr.write(`live bench: gave up after ${RUN_LIMIT_MS} ms\n`);
  process.exit(1);
}, RUN_LIMIT_MS);
guard.unref();

if (Math.ceil(LIVE_FLUSH_MS / PACE_MS) > LIVE_RECENT_LIMIT)
  throw new Error('PACE_MS too short: a push would drop events');

const pipeline = await startPipeline({ live: true });
const client = openClient(pipeline.live!.url, { token: pipeline.project.readToken });
try {
  await connected(client);

  // value -> arrival time of the first push that listed it
  const arrivals = new Map<number, number>();
  client.on('metrics', (update) => {
    const at = performance.now();
    for (const event of update.recent)
      if (!arrivals.has(event.value)) arrivals.set(event.value, at);
  });

  const accepted = new Map<number, number>(); // value -> time of its 202
  const total = WARM_UP_BEACONS + BEACONS;
  const sends: Promise<void>[] = [];
  for (let i = 0; i < total; i += 1) {
    // Distinct LCP values, 1001 ms and up: one per beacon.
    const value = 1001 + i;
    const beacon: Beacon = {
      sid: `bench-${randomBytes(6).toString('hex')}`,
      url: `https://bench.example.com/page/${i % 10}`,
      events: [{ id: `v5-${randomBytes(8).toString('hex')}`, name: 'LCP', value, ts: Date.now() }],
    };
    sends.push(
      pipeline.send(beacon).then(({ status }) => {
        if (status !== 202) throw new Error(`beacon ${i} answered ${status}`);
        if (i >= WARM_UP_BEACONS) accepted.set(value, performance.now());
      }),
    );
    await sleep(PACE_MS);
  }
  await Promise.all(sends);

  const drainUntil = performance.now() + DRAIN_MS;
  while ([...accepted.keys()].some((v) => !arrivals.has(v)) && performance.now() < drainUntil)
    await sleep(50);

  const latencies: number[] = [];
  for (const [value, at202] of accepted) {
    const arrived = arrivals.get(value);
    // A push can overtake the 202 on its way to this process: that counts as no wait.
    if (arrived !== undefined) latencies.push(Math.max(0, arrived - at202));
  }
  latencies.sort((a, b) => a - b);
  emit('p50_ms', Math.round(percentile(latencies, 0.5) * 10) / 10, 'ms');
  emit('p95_ms', Math.round(percentile(latencies, 0.95) * 10) / 10, 'ms');
  emit('samples', latencies.length, 'count');
  emit('missing', accepted.size - latencies.length, 'count');
} finally {
  client.disconnect();
  await pipeline.stop();
  clearTimeout(guard);
}
