/**
 * `rum simulate --history <N>d`: the demo project's last N days of traffic, with daily and
 * weekly patterns and one regression, stored the way the product stores live traffic: as
 * collect jobs on the workers' queue, which the running workers (`npm start`) check against
 * the contract, normalise and insert. Then every rollup is refreshed over all time, since
 * their refresh policies only look a few days back, and the window's settled days of the
 * daily attribution rollup are rolled again.
 *
 * Not through the ingest API: it refuses events more than a day older than their arrival
 * (`MAX_EVENT_AGE_MS`). The workers check each beacon against its own `receivedAt` (their
 * `parseCollectJob`), so each beacon here carries the time it would have arrived: a few
 * seconds after the page view.
 */
import Bull from 'bull';
import {
  BULL_PREFIX,
  COLLECT_JOB_OPTIONS,
  COLLECT_QUEUE,
  DAY_MS,
  HOUR_MS,
  type AcceptedBeacon,
  type CollectJob,
} from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';
import {
  createPool,
  findProject,
  refreshRollups,
  rerollAttributionDays,
  rollAttributionHours,
  resolveDatabaseUrl,
  type Config,
  type Pool,
} from '@rum/server-kit';
import {
  seededRandom,
  syntheticHistory,
  type SyntheticRelease,
} from '@rum/testing/synthetic-traffic';
import { answers } from '../child-processes.ts';
import { DEMO_PROJECT } from './start.ts';

/** Beacons per job: ingest's jobs hold up to 32; bigger ones commit a backfill in fewer transactions. */
const BEACONS_PER_JOB = 100;
/** Jobs queued and not yet stored, at most: Redis holds a few thousand beacons, not a month of them. */
const MAX_PENDING_JOBS = 16;
/** When a beacon "arrives" after its page view: the page is hidden a few seconds later. */
const ARRIVAL_DELAY_MS = 5_000;
/** Stop waiting when the workers store nothing for this long. */
const STALL_TIMEOUT_MS = 120_000;
const POLL_MS = 200;
/** The last page view's later events (and errors) come up to a few seconds after `end`. */
const COUNT_SLACK_MS = 60_000;

/**
 * The demo's regression: from 14:00 UTC nine days ago (a deploy), product pages on phones show
 * a 4000 px banner as their LCP element. Live `rum simulate` traffic keeps it, so new traffic
 * agrees with the history.
 */
export function demoRegressionFrom(now: number): number {
  return Math.floor((now - 9 * DAY_MS) / DAY_MS) * DAY_MS + 14 * HOUR_MS;
}

/**
 * The demo site's deploys: v1.0 since ever, v1.1 twenty days ago, and v1.2, the release that
 * brought the regression ({@link demoRegressionFrom}). Live traffic runs v1.2 too.
 */
export function demoReleases(now: number): SyntheticRelease[] {
  return [
    { name: 'v1.0', from: 0 },
    { name: 'v1.1', from: Math.floor((now - 20 * DAY_MS) / DAY_MS) * DAY_MS + 10 * HOUR_MS },
    { name: 'v1.2', from: demoRegressionFrom(now) },
  ];
}

export interface HistoryOptions {
  days: number;
  /** Page views on an average weekday. */
  viewsPerDay: number;
  origin: string;
  errorRate: number;
  seed: number;
}

export interface HistorySummary {
  project: string;
  from: string;
  to: string;
  regressionFrom: string;
  pageViews: number;
  events: number;
  errors: number;
  jobs: number;
  /** Metric rows the workers inserted in the window meanwhile. */
  stored: number;
  deadLetters: number;
  failedJobs: number;
  firstFailure: string | null;
  /** Settled days (older than ingest's window) whose attribution rollup was rolled again. */
  attributionDays: number;
  /** Queueing and storing, then the rollup refresh (attribution rollup included). */
  storeSeconds: number;
  refreshSeconds: number;
}

interface QueuedJob {
  id: Bull.JobId;
  /** The workers' dead-letter key of the job: queue, id, creation time. */
  key: string;
}

/**
 * The jobs this command queued that the workers have not finished, oldest first. A finished
 * job is gone (completed jobs are removed at once) or has `finishedOn` (failed for good; a job
 * waiting for a retry has none).
 */
class PendingJobs {
  readonly all: QueuedJob[] = [];
  private pending: QueuedJob[] = [];
  failed = 0;
  firstFailure: string | null = null;
  lastProgress = Date.now();

  constructor(private readonly queue: Bull.Queue<CollectJob>) {}

  add(jobs: Bull.Job<CollectJob>[]): void {
    for (const job of jobs) {
      const queued = { id: job.id, key: `${this.queue.name}:${job.id}:${job.timestamp}` };
      this.all.push(queued);
      this.pending.push(queued);
    }
  }

  get size(): number {
    return this.pending.length;
  }

  /** Drops the finished jobs from the pending list. */
  async settle(): Promise<void> {
    const states = await Promise.all(this.pending.map((j) => this.queue.getJob(j.id)));
    const still: QueuedJob[] = [];
    states.forEach((job, i) => {
      if (job && !job.finishedOn) still.push(this.pending[i]!);
      else if (job?.failedReason) {
        this.failed++;
        this.firstFailure ??= job.failedReason;
      }
    });
    if (still.length < this.pending.length) this.lastProgress = Date.now();
    this.pending = still;
    if (Date.now() - this.lastProgress > STALL_TIMEOUT_MS) {
      throw new Error(
        `the workers stored nothing for ${STALL_TIMEOUT_MS / 1000} s (${this.pending.length} jobs still queued): ` +
          'is `npm start` running with the same REDIS_URL? The queued jobs stay in Redis; the workers store them when they run.',
      );
    }
  }

  /** Waits until at most `max` jobs are pending. */
  async drain(max: number): Promise<void> {
    for (;;) {
      await this.settle();
      if (this.pending.length <= max) return;
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  }
}

async function countMetrics(pool: Pool, projectId: number, from: number, to: number) {
  const { rows } = await pool.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM metrics WHERE project_id = $1 AND time >= $2 AND time <= $3',
    [projectId, new Date(from), new Date(to)],
  );
  return rows[0]!.n;
}

/**
 * Queues `options.days` days of synthetic page views for the demo project, waits until the
 * workers have stored them, refreshes the rollups. `log` hears progress lines.
 */
export async function simulateHistory(
  config: Config,
  options: HistoryOptions,
  log: (line: string, done: boolean) => void,
): Promise<HistorySummary> {
  const started = Date.now();
  const databaseUrl = resolveDatabaseUrl(config);
  const host = config.host === '0.0.0.0' ? '127.0.0.1' : config.host;
  const workersHealth = `http://${host}:${config.workersPort}/health`;
  const workersUp = await answers(workersHealth)().catch(() => false);
  if (!workersUp) {
    throw new Error(
      `the workers do not answer at ${workersHealth}: start the product with \`npm start\` first ` +
        '(the history is stored by its workers)',
    );
  }
  const pool = createPool(databaseUrl, 1);
  const queue = new Bull<CollectJob>(COLLECT_QUEUE, config.redisUrl, { prefix: BULL_PREFIX });
  try {
    const project = await findProject(pool, DEMO_PROJECT);
    if (!project) throw new Error(`no "${DEMO_PROJECT}" project yet: run \`npm start\` once`);
    await queue.isReady();

    const end = Date.now();
    const from = end - options.days * DAY_MS;
    const regressionFrom = demoRegressionFrom(end);
    const before = await countMetrics(pool, project.id, from, end + COUNT_SLACK_MS);
    const summary: HistorySummary = {
      project: project.slug,
      from: new Date(from).toISOString(),
      to: new Date(end).toISOString(),
      regressionFrom: new Date(regressionFrom).toISOString(),
      pageViews: 0,
      events: 0,
      errors: 0,
      jobs: 0,
      stored: 0,
      deadLetters: 0,
      failedJobs: 0,
      firstFailure: null,
      attributionDays: 0,
      storeSeconds: 0,
      refreshSeconds: 0,
    };
    const pending = new PendingJobs(queue);
    let beacons: AcceptedBeacon[] = [];
    let day = '';
    const enqueue = async () => {
      if (beacons.length === 0) return;
      const data = { beacons };
      beacons = [];
      await pending.drain(MAX_PENDING_JOBS - 1);
      // Completed jobs are removed at once: the contract's default keeps the last 1,000,
      // which for jobs this size would be 100,000 beacons left in Redis.
      pending.add(
        await queue.addBulk([{ data, opts: { ...COLLECT_JOB_OPTIONS, removeOnComplete: true } }]),
      );
      summary.jobs++;
    };

    const views = syntheticHistory(seededRandom(options.seed), {
      origin: options.origin,
      errorRate: options.errorRate,
      end,
      days: options.days,
      viewsPerDay: options.viewsPerDay,
      regressionFrom,
      releases: demoReleases(end),
    });
    for (const view of views) {
      const ts = view.beacon.events[0]!.ts;
      const receivedAt = Math.min(ts + ARRIVAL_DELAY_MS, end);
      const checked = validateBeacon(view.beacon, receivedAt);
      if (checked.error)
        throw new Error(`generated an invalid beacon (a bug in the simulator): ${checked.error}`);
      beacons.push({
        projectId: project.id,
        project: project.slug,
        receivedAt,
        userAgent: view.userAgent,
        beacon: view.beacon,
      });
      summary.pageViews++;
      summary.events += view.beacon.events.length;
      summary.errors += view.beacon.errors?.length ?? 0;
      if (beacons.length >= BEACONS_PER_JOB) await enqueue();
      const today = new Date(ts).toISOString().slice(0, 10);
      if (today !== day) {
        day = today;
        log(
          `history: ${today} (${Math.round(((ts - from) / (end - from)) * 100)}%): ${summary.pageViews} page views queued, ${pending.size} jobs waiting for the workers`,
          false,
        );
      }
    }
    await enqueue();
    log(
      `history: ${summary.pageViews} page views queued; waiting for the workers to store the last ${pending.size} jobs`,
      false,
    );
    await pending.drain(0);
    summary.failedJobs = pending.failed;
    summary.firstFailure = pending.firstFailure;
    summary.stored = (await countMetrics(pool, project.id, from, end + COUNT_SLACK_MS)) - before;
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM dead_letters WHERE job = ANY($1)',
      [pending.all.map((j) => j.key)],
    );
    summary.deadLetters = rows[0]!.n;
    summary.storeSeconds = Math.round((Date.now() - started) / 100) / 10;

    log(
      `history: ${summary.stored} metric rows stored; refreshing the rollups over all time…`,
      false,
    );
    const refreshStarted = Date.now();
    await refreshRollups(pool, (view, ms) => log(`history: refreshed ${view} (${ms} ms)`, false));
    // The workers roll a day's attribution once, when it has settled; days they rolled before
    // (or while) the history arrived are rolled again with it, and so are its hours (the
    // workers look again only at the hours of days not settled yet).
    const attributionStarted = Date.now();
    const rolled = await rerollAttributionDays(pool, new Date(from), new Date(end));
    const hours = await rollAttributionHours(pool, new Date(from), new Date(end));
    summary.attributionDays = rolled.length;
    log(
      `history: attribution of ${rolled.length} settled days and ${hours.length} recent hours rolled up (${Date.now() - attributionStarted} ms)`,
      false,
    );
    summary.refreshSeconds = Math.round((Date.now() - refreshStarted) / 100) / 10;
    log(
      `history: ${options.days} days, ${summary.pageViews} page views (${summary.events} events) stored in ${summary.storeSeconds} s, ` +
        `rollups refreshed in ${summary.refreshSeconds} s` +
        (summary.deadLetters + summary.failedJobs > 0
          ? `; ${summary.deadLetters} dead letters, ${summary.failedJobs} failed jobs (${summary.firstFailure ?? 'see rum dead-letter list'})`
          : ''),
      true,
    );
    return summary;
  } finally {
    await queue.close();
    await pool.end();
  }
}
