/**
 * `rum simulate --regress LCP|INP|CLS`: watch an alert fire and resolve on the demo project.
 * It creates an alert rule (the metric's p75 on phones over 5 minutes, above 1.5 times what
 * the simulated phones normally show) whose webhook is a receiver of its own, sends traffic of
 * a new release whose phones are three times slower until the firing notification arrives,
 * then ships a fix: a burst of good traffic, then steady traffic, until the resolved
 * notification arrives. Each notification's signature is checked. The rule is deleted at the
 * end (and on Ctrl-C). Needs the running product (`npm start`): the workers evaluate the rule.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SIGNATURE_HEADER, type AlertNotification, type MetricName } from '@rum/contract';
import {
  createAlertRule,
  deleteAlertRule,
  findProject,
  type Config,
  type CreatedAlertRule,
} from '@rum/server-kit';
import { seededRandom, syntheticPageView } from '@rum/testing/synthetic-traffic';
import { withDatabase } from '../database.ts';
import { demoRegressionFrom, demoReleases } from './simulate-history.ts';
import {
  simulate,
  type SimulateOptions,
  type SimulateSummary,
  type TrafficPhase,
} from './simulate.ts';

export const REGRESSABLE_METRICS = ['LCP', 'INP', 'CLS'] as const satisfies readonly MetricName[];
export type RegressedMetric = (typeof REGRESSABLE_METRICS)[number];

/** How much slower the regressed release's phones are. */
const SLOWDOWN = 3;
/** The rule's threshold, over what the simulated phones normally show at p75. */
const HEADROOM = 1.5;
/** The fix ships as this many times the regressed release's events at once. */
const FIX_BURST = 4;
const MIN_SAMPLES = 20;

export interface RegressionSummary {
  project: string;
  rule: { id: string; metric: MetricName; device: 'mobile'; window: '5m'; above: number };
  firing: Pick<AlertNotification, 'at' | 'value' | 'samples'>;
  resolved: Pick<AlertNotification, 'at' | 'value' | 'samples'>;
  /** Every notification the receiver got carried a valid signature. */
  signaturesVerified: boolean;
  dashboardUrl: string;
  traffic: Pick<SimulateSummary, 'events' | 'accepted' | 'rejected'>;
}

/** p75 of `metric` on simulated phones as the demo runs now: the rule's baseline. */
export function phoneBaseline(metric: RegressedMetric, origin: string, now: number): number {
  const random = seededRandom(7);
  const values: number[] = [];
  while (values.length < 4000) {
    const view = syntheticPageView(random, {
      origin,
      now,
      spreadMs: 0,
      errorRate: 0,
      regressionFrom: demoRegressionFrom(now),
    });
    if (view.beacon.device?.type !== 'mobile') continue;
    const event = view.beacon.events.find((e) => e.name === metric);
    if (event) values.push(event.value);
  }
  values.sort((a, b) => a - b);
  return values[Math.floor(0.75 * (values.length - 1))]!;
}

function thresholdOver(metric: RegressedMetric, baseline: number): number {
  const above = baseline * HEADROOM;
  return metric === 'CLS' ? Math.ceil(above * 100) / 100 : Math.ceil(above / 10) * 10;
}

/** A webhook receiver on 127.0.0.1 that checks each notification's signature. */
async function startReceiver(log: (line: string) => void) {
  let secret = '';
  let verified = true;
  const heard: AlertNotification[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const expected = Buffer.from(
        `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`,
      );
      const sent = Buffer.from(String(req.headers[SIGNATURE_HEADER.toLowerCase()] ?? ''));
      const valid = sent.length === expected.length && timingSafeEqual(sent, expected);
      verified &&= valid;
      const notification = JSON.parse(body.toString()) as AlertNotification;
      if (!heard.some((n) => n.id === notification.id)) heard.push(notification);
      log(`webhook (${valid ? 'signature verified' : 'BAD SIGNATURE'}): ${notification.text}`);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/rum-alerts`,
    useSecret: (value: string) => (secret = value),
    heard: (state: AlertNotification['state']) => heard.find((n) => n.state === state),
    verified: () => verified,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function simulateRegression(
  config: Config,
  options: SimulateOptions & { metric: RegressedMetric; project: string; endpoint: string },
  progress: (line: string, done: boolean) => void,
  log: (line: string) => void,
): Promise<RegressionSummary> {
  const { metric } = options;
  const deadline = Date.now() + (options.minutes ?? 20) * 60_000;
  const receiver = await startReceiver(log);
  let rule: CreatedAlertRule | undefined;
  const removeRule = () =>
    rule ? withDatabase(config, (pool) => deleteAlertRule(pool, rule!.id)).catch(() => {}) : null;
  const onSignal = () => void Promise.resolve(removeRule()).then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  try {
    const project = await withDatabase(config, (pool) => findProject(pool, options.project));
    if (!project?.ingestKey)
      throw new Error(`no "${options.project}" project with an ingest key: run \`npm start\` once`);
    const baseline = phoneBaseline(metric, options.origin, Date.now());
    const above = thresholdOver(metric, baseline);
    rule = await withDatabase(config, (pool) =>
      createAlertRule(pool, {
        project: project.slug,
        metric,
        stat: 'p75',
        above,
        window: '5m',
        device: 'mobile',
        minSamples: MIN_SAMPLES,
        webhook: receiver.url,
      }),
    );
    receiver.useSecret(rule.secret);
    log(
      `alert rule ${rule.id}: ${metric} p75 on phones over 5 minutes above ${above} ` +
        `(phones show ${baseline} at p75); the workers evaluate it every minute`,
    );
    const minutesLeft = () => Math.max(0, (deadline - Date.now()) / 60_000);
    const send = (phase: Partial<SimulateOptions> & TrafficPhase, seed: number) =>
      simulate(
        { ...options, ...phase, key: project.ingestKey!, spreadMinutes: 0 },
        progress,
        seededRandom(options.seed + seed),
      );

    log(
      `release v1.3 ships: phones ${SLOWDOWN}x slower on ${metric}; waiting for the alert to fire`,
    );
    const regressed = await send(
      {
        events: undefined,
        minutes: minutesLeft(),
        releases: [...demoReleases(Date.now()), { name: 'v1.3', from: Date.now() }],
        slowdown: { metric, factor: SLOWDOWN },
        stop: () => receiver.heard('firing') !== undefined,
      },
      1,
    );
    const firing = receiver.heard('firing');
    if (!firing)
      throw new Error(
        'no alert fired in time: are the workers running (`npm start`)? See `rum alert list`',
      );

    log('release v1.3.1 ships the fix; waiting for the alert to resolve');
    const fixed = { name: 'v1.3.1', from: Date.now() };
    const phase = {
      releases: [...demoReleases(Date.now()), fixed],
      stop: () => receiver.heard('resolved') !== undefined,
    };
    const burst = await send(
      { ...phase, events: regressed.events * FIX_BURST, minutes: undefined, rate: undefined },
      2,
    );
    const steady = await send({ ...phase, events: undefined, minutes: minutesLeft() }, 3);
    const resolved = receiver.heard('resolved');
    if (!resolved) throw new Error('the alert did not resolve in time');
    const traffic = [regressed, burst, steady].reduce(
      (sum, s) => ({
        events: sum.events + s.events,
        accepted: sum.accepted + s.accepted,
        rejected: sum.rejected + s.rejected,
      }),
      { events: 0, accepted: 0, rejected: 0 },
    );
    return {
      project: project.slug,
      rule: { id: rule.id, metric, device: 'mobile', window: '5m', above },
      firing: { at: firing.at, value: firing.value, samples: firing.samples },
      resolved: { at: resolved.at, value: resolved.value, samples: resolved.samples },
      signaturesVerified: receiver.verified(),
      dashboardUrl: firing.dashboardUrl,
      traffic,
    };
  } finally {
    process.off('SIGINT', onSignal);
    await removeRule();
    await receiver.close();
  }
}
