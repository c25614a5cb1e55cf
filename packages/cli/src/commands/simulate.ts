import type { MetricName } from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';
import { type Config } from '@rum/server-kit';
import { withDatabase } from '../database.ts';
import { findProject } from '@rum/server-kit';
import {
  seededRandom,
  syntheticPageView,
  type Random,
  type SyntheticRelease,
} from '@rum/testing/synthetic-traffic';
import { UsageError, parseOptions } from '../usage.ts';
import { demoRegressionFrom, demoReleases, simulateHistory } from './simulate-history.ts';
import {
  REGRESSABLE_METRICS,
  simulateRegression,
  type RegressedMetric,
} from './simulate-regression.ts';
import { DEMO_PROJECT } from './start.ts';

/** Events sent when neither --events nor --minutes is given. */
const DEFAULT_EVENTS = 2000;
/** Events per second in --minutes mode when --rate is not given. */
const DEFAULT_RATE = 20;
/** Requests in flight at once. */
const CONCURRENCY = 8;
/** Retries of one beacon answered 429 or 503. */
const MAX_RETRIES = 5;
/** Most days `--history` fills. */
const MAX_HISTORY_DAYS = 90;
/** `--history`: page views on an average weekday unless `--per-day`. */
const DEFAULT_VIEWS_PER_DAY = 1500;

export interface SimulateOptions {
  key: string | undefined;
  endpoint: string | undefined;
  events: number | undefined;
  minutes: number | undefined;
  /** Events per second; undefined: as fast as the ingest API takes them. */
  rate: number | undefined;
  /** Minutes of history the page views' timestamps are spread over. */
  spreadMinutes: number;
  origin: string;
  errorRate: number;
  seed: number;
  /** `--history <N>d`: fill the last N days through the workers instead (see simulate-history.ts). */
  historyDays: number | undefined;
  /** `--history`: page views on an average weekday. */
  viewsPerDay: number;
  /** `--regress <metric>`: watch an alert fire and resolve (see simulate-regression.ts). */
  regress: RegressedMetric | undefined;
  /** `--regress`: the project whose traffic regresses; default the demo. */
  project: string;
}

function positive(name: string, raw: string | undefined, integer: boolean): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be a ${integer ? 'whole ' : ''}number >= 0, got "${raw}"`);
  }
  return n;
}

export function parseSimulateArgs(args: string[]): SimulateOptions {
  const values = parseOptions(args, {
    key: { type: 'string' },
    endpoint: { type: 'string' },
    events: { type: 'string' },
    minutes: { type: 'string' },
    rate: { type: 'string' },
    spread: { type: 'string' },
    origin: { type: 'string' },
    'error-rate': { type: 'string' },
    seed: { type: 'string' },
    history: { type: 'string' },
    'per-day': { type: 'string' },
    regress: { type: 'string' },
    project: { type: 'string' },
  });
  const regress = parseRegress(values.regress);
  if (regress !== undefined) {
    const other = (['key', 'events', 'history', 'per-day', 'spread'] as const).filter(
      (name) => values[name] !== undefined,
    );
    if (other.length > 0)
      throw new UsageError(`--regress cannot be combined with --${other.join(', --')}`);
  } else if (values.project !== undefined) {
    throw new UsageError('--project goes with --regress (other runs take --key)');
  }
  const historyDays = parseHistory(values.history);
  if (historyDays !== undefined) {
    const live = (['key', 'endpoint', 'events', 'minutes', 'rate', 'spread'] as const).filter(
      (name) => values[name] !== undefined,
    );
    if (live.length > 0)
      throw new UsageError(`--history cannot be combined with --${live.join(', --')}`);
  } else if (values['per-day'] !== undefined) {
    throw new UsageError('--per-day goes with --history');
  }
  const viewsPerDay = positive('per-day', values['per-day'], true) ?? DEFAULT_VIEWS_PER_DAY;
  if (viewsPerDay === 0) throw new UsageError('--per-day must be at least 1');
  const events = positive('events', values.events, true);
  const minutes = positive('minutes', values.minutes, false);
  if (events !== undefined && minutes !== undefined)
    throw new UsageError('give --events or --minutes, not both');
  const rate = positive('rate', values.rate, false);
  if (rate === 0) throw new UsageError('--rate must be above 0 events per second');
  const errorRate = positive('error-rate', values['error-rate'], false) ?? 0.04;
  if (errorRate > 1) throw new UsageError('--error-rate is a share of page views, between 0 and 1');
  const origin = values.origin ?? 'https://shop.example.com';
  if (!/^https?:\/\/[^/]+$/.test(origin))
    throw new UsageError(`--origin must look like https://example.com, got "${origin}"`);
  return {
    key: values.key,
    endpoint: values.endpoint,
    events: minutes === undefined ? (events ?? DEFAULT_EVENTS) : undefined,
    minutes,
    rate: rate ?? (minutes !== undefined ? DEFAULT_RATE : undefined),
    // A one-off batch reads best spread over the last hour; a timed run is live traffic.
    spreadMinutes: positive('spread', values.spread, false) ?? (minutes !== undefined ? 0 : 60),
    origin,
    errorRate,
    seed: positive('seed', values.seed, true) ?? Date.now() % 2 ** 31,
    historyDays,
    viewsPerDay,
    regress,
    project: values.project ?? DEMO_PROJECT,
  };
}

function parseRegress(raw: string | undefined): RegressedMetric | undefined {
  if (raw === undefined) return undefined;
  const metric = REGRESSABLE_METRICS.find((m) => m === raw);
  if (!metric)
    throw new UsageError(`--regress takes one of ${REGRESSABLE_METRICS.join(', ')}, got "${raw}"`);
  return metric;
}

/** `--history 30d`: whole days, 1 to {@link MAX_HISTORY_DAYS}. */
function parseHistory(raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const match = /^([0-9]{1,3})d$/.exec(raw);
  const days = match ? Number(match[1]) : NaN;
  if (!(days >= 1 && days <= MAX_HISTORY_DAYS))
    throw new UsageError(
      `--history takes whole days from 1d to ${MAX_HISTORY_DAYS}d, e.g. 30d, got "${raw}"`,
    );
  return days;
}

/** What a phase of `--regress` changes in the traffic, and when it ends. */
export interface TrafficPhase {
  /** Default: the demo's ({@link demoReleases}). */
  releases?: SyntheticRelease[];
  /** A regression of one metric on phones and tablets (see TrafficOptions.regress). */
  slowdown?: { metric: MetricName; factor: number };
  /** Checked before each page view: true ends the run. */
  stop?: () => boolean;
}

export interface SimulateSummary {
  endpoint: string;
  beacons: number;
  events: number;
  errors: number;
  accepted: number;
  rejected: number;
  statuses: Record<string, number>;
  firstRejection: string | null;
  seconds: number;
  eventsPerSecond: number;
}

async function send(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; text: string }> {
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers,
        body,
      });
    } catch (err) {
      if (attempt >= MAX_RETRIES) return { status: 0, text: (err as Error).message };
      await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
      continue;
    }
    const text = await response.text();
    if ((response.status === 429 || response.status === 503) && attempt < MAX_RETRIES) {
      const retryAfter = Number(response.headers.get('retry-after'));
      await new Promise((r) =>
        setTimeout(
          r,
          Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : 500 * 2 ** attempt,
        ),
      );
      continue;
    }
    return { status: response.status, text };
  }
}

/**
 * Sends synthetic page views through the real ingest API until `events` metric events are
 * sent or `minutes` have passed. Progress on stderr; returns the tally.
 */
export async function simulate(
  options: SimulateOptions & { key: string; endpoint: string } & TrafficPhase,
  progress: (line: string, done: boolean) => void = () => {},
  random: Random = seededRandom(options.seed),
): Promise<SimulateSummary> {
  const url = `${options.endpoint.replace(/\/+$/, '')}/v1/collect?key=${encodeURIComponent(options.key)}`;
  const started = Date.now();
  const deadline = options.minutes !== undefined ? started + options.minutes * 60_000 : Infinity;
  const target = options.events ?? Infinity;
  const summary: SimulateSummary = {
    endpoint: options.endpoint,
    beacons: 0,
    events: 0,
    errors: 0,
    accepted: 0,
    rejected: 0,
    statuses: {},
    firstRejection: null,
    seconds: 0,
    eventsPerSecond: 0,
  };
  let planned = 0;
  let lastProgress = 0;
  const report = (done: boolean) => {
    const goal = Number.isFinite(target) ? `/${target}` : '';
    progress(
      `simulate: ${summary.events}${goal} events in ${summary.beacons} beacons, ${summary.accepted} accepted, ${summary.rejected} rejected`,
      done,
    );
  };

  const worker = async () => {
    for (;;) {
      if (planned >= target || Date.now() >= deadline || options.stop?.()) return;
      const view = syntheticPageView(random, {
        origin: options.origin,
        now: Date.now(),
        spreadMs: options.spreadMinutes * 60_000,
        errorRate: options.errorRate,
        // The demo's regression is still live: new traffic agrees with `--history`.
        regressionFrom: demoRegressionFrom(started),
        releases: options.releases ?? demoReleases(started),
        ...(options.slowdown ? { regress: options.slowdown } : {}),
      });
      // Trim the last page view so exactly --events events are sent.
      view.beacon.events = view.beacon.events.slice(
        0,
        Math.max(1, Math.min(view.beacon.events.length, target - planned)),
      );
      planned += view.beacon.events.length;
      const checked = validateBeacon(view.beacon);
      if (checked.error)
        throw new Error(`generated an invalid beacon (a bug in the simulator): ${checked.error}`);
      if (options.rate !== undefined) {
        // Pace: the n-th event is due n / rate seconds after the start.
        const due = started + (planned / options.rate) * 1000;
        const wait = due - Date.now();
        if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      }
      const { status, text } = await send(url, JSON.stringify(view.beacon), {
        'content-type': view.contentType,
        'user-agent': view.userAgent,
        // What a browser on the simulated site sends; projects may restrict origins.
        origin: options.origin,
      });
      summary.beacons++;
      summary.statuses[String(status)] = (summary.statuses[String(status)] ?? 0) + 1;
      if (status === 202) {
        summary.accepted++;
        summary.events += view.beacon.events.length;
        summary.errors += view.beacon.errors?.length ?? 0;
      } else {
        summary.rejected++;
        summary.firstRejection ??= `${status} ${text.slice(0, 300)}`;
        if (status === 401 || status === 403 || status === 0) {
          throw new Error(`the ingest API refused the beacon: ${summary.firstRejection}`);
        }
      }
      if (Date.now() - lastProgress > 250) {
        lastProgress = Date.now();
        report(false);
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  summary.seconds = Math.round((Date.now() - started) / 100) / 10;
  summary.eventsPerSecond =
    summary.seconds > 0 ? Math.round(summary.events / summary.seconds) : summary.events;
  report(true);
  return summary;
}

/** One line rewritten in place on a terminal; a line every few seconds in a log. */
function progressWriter(): (line: string, done: boolean) => void {
  const tty = process.stderr.isTTY === true;
  let lastLogged = 0;
  return (line, done) => {
    if (tty) process.stderr.write(`\r\x1b[K${line}${done ? '\n' : ''}`);
    else if (done || Date.now() - lastLogged > 2000) {
      lastLogged = Date.now();
      process.stderr.write(`${line}\n`);
    }
  };
}

/**
 * `rum simulate`: synthetic traffic for the demo project (or --key) through the ingest API over
 * HTTP; with `--history`, past days through the workers' queue.
 */
export async function simulateCommand(config: Config, args: string[]): Promise<void> {
  const options = parseSimulateArgs(args);
  if (options.historyDays !== undefined) {
    const summary = await simulateHistory(
      config,
      { ...options, days: options.historyDays },
      progressWriter(),
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    if (summary.stored === 0 || summary.failedJobs > 0) process.exitCode = 1;
    return;
  }
  const endpoint =
    options.endpoint ??
    `http://${config.host === '0.0.0.0' ? '127.0.0.1' : config.host}:${config.ingestPort}`;
  if (options.regress) {
    const summary = await simulateRegression(
      config,
      { ...options, metric: options.regress, endpoint },
      progressWriter(),
      (line) => process.stderr.write(`${line}\n`),
    );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return;
  }
  const key =
    options.key ??
    (await withDatabase(config, (pool) => findProject(pool, DEMO_PROJECT)))?.ingestKey;
  if (!key)
    throw new Error(
      `no "${DEMO_PROJECT}" project yet: run \`npm start\` once, or pass --key <ingest key>`,
    );
  const summary = await simulate({ ...options, key, endpoint }, progressWriter());
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (summary.accepted === 0 && summary.beacons > 0) process.exitCode = 1;
}
