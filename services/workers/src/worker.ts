/**
 * The queue wiring: a Bull consumer of {@link COLLECT_QUEUE} that turns each job into rows
 * (normalise-beacon), commits them (site-cache, insert-rows) and pushes live updates
 * (live-publisher). Everything that decides what a row is lives in those pure modules.
 */
import Bull from 'bull';
import { Counter, Histogram, type Registry } from 'prom-client';
import { BULL_PREFIX, COLLECT_QUEUE, type CollectJob } from '@rum/contract';
import {
  REDIS_COPIES,
  claimedProject,
  MicroBatcher,
  createLogger,
  createPool,
  createRedis,
  resolveDatabaseUrl,
  waitUntilReady,
  type Config,
  type DeadLetter,
  type Logger,
  type Pool,
  type Redis,
} from '@rum/server-kit';
import { RollupCatalog } from '@rum/server-kit/aggregates';
import { startAlertQueues, type AlertQueueOptions, type AlertQueues } from './alerts/alert-queues.ts';
import { startAttributionRollup } from './attribution-rollup.ts';
import { MalformedJobError, parseCollectJob } from './job-schema.ts';
import { emitterSink, LivePublisher } from './live-publisher.ts';
import { normaliseBeacon } from './normalise-beacon.ts';
import { startRedisKeeper } from './redis-keeper.ts';
import { SiteCache } from './site-cache.ts';
import {
  storeJob,
  storeJobs,
  type JobBeacon,
  type JobOutcome,
  type JobToStore,
} from './store-job.ts';

/**
 * Transactions a worker process runs at once, each carrying every job that was ready when it
 * began. Two let one transaction's round trips overlap the other's; more only split the same
 * jobs into more, smaller transactions.
 */
const TRANSACTIONS_AT_ONCE = 2;

export interface WorkerOptions {
  /** Queue name; tests use a unique one. Default {@link COLLECT_QUEUE}. */
  queueName?: string;
  /** The alert queues' names; default: derived from `queueName` when it is given, else the contract's. */
  alertQueues?: AlertQueueOptions;
  /** Jobs processed at once; default `config.workerConcurrency`. */
  concurrency?: number;
  /** Bull lock and stalled-job settings (tests shorten them to see a killed worker's job come back). */
  settings?: Bull.AdvancedSettings;
  /** Runs inside each job's transaction before COMMIT (tests hold a job open with it). */
  beforeCommit?: (job: Bull.Job<CollectJob>) => Promise<void>;
  /** Default: `resolveDatabaseUrl(config)`. */
  databaseUrl?: string;
  logger?: Logger;
  /** Where to count jobs, rows and dead letters (the app's Prometheus registry). */
  metrics?: Registry;
}

export interface RunningWorker {
  queue: Bull.Queue<CollectJob>;
  pool: Pool;
  /** The client of the live updates and the Redis keeper. */
  redis: Redis;
  /** The alert evaluation and delivery queues. */
  alerts: AlertQueues;
  /** Stops taking jobs, waits for the active ones, pushes pending live updates, releases everything. */
  close(): Promise<void>;
}

/**
 * What a completed job returns (visible as `returnvalue` in Bull): rows inserted or grown,
 * and beacons set aside as dead letters.
 */
export interface CollectResult {
  metrics: number;
  errors: number;
  deadLetters: number;
}

export async function startWorker(
  config: Config,
  options: WorkerOptions = {},
): Promise<RunningWorker> {
  const log = options.logger ?? createLogger('workers', config.logLevel);
  const concurrency = options.concurrency ?? config.workerConcurrency;
  // One connection per transaction at once, one each for the Redis keeper, the attribution
  // rollup and the alerts.
  const pool = createPool(
    options.databaseUrl ?? resolveDatabaseUrl(config),
    TRANSACTIONS_AT_ONCE + 3,
  );
  // An idle client whose server went away emits 'error' on the pool; unhandled, it would kill
  // the process. The next job then fails, and Bull retries it with backoff.
  pool.on('error', (err) => log.warn({ err: err.message }, 'database connection lost'));
  const redis: Redis = createRedis(config.redisUrl);
  redis.on('error', (err: Error) => log.debug({ err: err.message }, 'live-update redis error'));
  await waitUntilReady(redis, config.redisUrl);
  const sink = emitterSink(redis, log);
  const live = new LivePublisher(sink);
  const counters = createCounters(options.metrics);
  const keeper = startRedisKeeper(pool, redis, REDIS_COPIES, log);
  const attribution = startAttributionRollup(pool, log);
  const alerts = await startAlertQueues(
    config,
    { db: pool, rollups: new RollupCatalog(pool) },
    sink,
    log,
    options.alertQueues ??
      (options.queueName
        ? {
            evaluationQueue: `${options.queueName}-alert-evaluation`,
            deliveryQueue: `${options.queueName}-alert-delivery`,
          }
        : {}),
  );
  const sites = new SiteCache();
  // The jobs in hand share transactions: while one commits, the jobs that become ready wait
  // and then commit together (see store-job.ts).
  const committer = new MicroBatcher<JobToStore, JobOutcome>({
    maxItems: concurrency,
    maxWaitMs: 0,
    maxConcurrentFlushes: TRANSACTIONS_AT_ONCE,
    flush: (jobs) => storeJobs(pool, sites, jobs, (n) => counters.jobsPerTransaction.observe(n)),
  });

  const queue = new Bull<CollectJob>(options.queueName ?? COLLECT_QUEUE, config.redisUrl, {
    prefix: BULL_PREFIX,
    ...(options.settings ? { settings: options.settings } : {}),
  });
  queue.on('error', (err) => log.error({ err: err.message }, 'queue error'));
  queue.on('failed', (job, err) => {
    const final = job.finishedOn !== undefined && job.finishedOn !== null;
    counters.jobs.inc({ outcome: final ? 'failed' : 'retried' });
    log[final ? 'error' : 'warn'](
      { job: job.id, attemptsMade: job.attemptsMade, err: err.message },
      final
        ? 'collect job failed for good (kept in the failed set)'
        : 'collect job failed, will retry',
    );
  });

  const processJob = async (job: Bull.Job<CollectJob>): Promise<CollectResult> => {
    const key = `${job.queue.name}:${job.id}:${job.timestamp}`;
    let parsed: ReturnType<typeof parseCollectJob>;
    try {
      parsed = parseCollectJob(job.data);
    } catch (err) {
      if (!(err instanceof MalformedJobError)) throw err;
      // Not a job at all: kept as one dead letter, and failed at once (never retried).
      await storeJob(pool, sites, {
        key,
        beacons: [],
        deadLetters: [
          { index: -1, projectId: null, project: null, reason: err.message, data: job.data },
        ],
      });
      throw await unrecoverable(job, err);
    }
    const deadLetters: DeadLetter[] = parsed.rejected.map((r) => ({
      ...claimedProject(r.data),
      index: r.index,
      reason: r.reason,
      data: r.data,
    }));
    const beacons: JobBeacon[] = [];
    for (const { index, accepted } of parsed.beacons) {
      try {
        beacons.push({ index, data: accepted, normalised: normaliseBeacon(accepted) });
      } catch (err) {
        deadLetters.push({
          ...claimedProject(accepted),
          index,
          reason: `beacon ${index}: ${(err as Error).message}`,
          data: accepted,
        });
      }
    }
    const outcome = await committer.add({
      key,
      beacons,
      deadLetters,
      ...(options.beforeCommit ? { beforeCommit: () => options.beforeCommit!(job) } : {}),
    });
    if ('failed' in outcome) throw outcome.failed;
    const { stored } = outcome;
    for (const letter of stored.deadLetters) {
      log.warn(
        { job: job.id, project: letter.project, reason: letter.reason },
        'beacon dead-lettered',
      );
    }
    live.add(stored.committed);
    counters.jobs.inc({ outcome: 'completed' });
    counters.rows.inc({ table: 'metrics' }, stored.committed.metrics.length);
    counters.rows.inc({ table: 'js_errors' }, stored.committed.errors.length);
    counters.deadLetters.inc(stored.deadLetters.length);
    return {
      metrics: stored.committed.metrics.length,
      errors: stored.committed.errors.length,
      deadLetters: stored.deadLetters.length,
    };
  };
  // Not awaited: process() resolves only when the queue closes.
  void queue
    .process(concurrency, processJob)
    .catch((err: Error) => log.error({ err: err.message }, 'consumer stopped'));
  await queue.isReady();
  log.info({ queue: queue.name, concurrency }, 'workers consuming');

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await queue.close();
      await alerts.close();
      await committer.close();
      await keeper.close();
      await attribution.close();
      live.close();
      await redis.quit().catch(() => redis.disconnect());
      await pool.end();
      log.info('workers stopped');
    })());
  return { queue, pool, redis, alerts, close };
}

function createCounters(registry: Registry | undefined) {
  const registers = registry ? [registry] : [];
  return {
    jobs: new Counter({
      name: 'rum_workers_jobs_total',
      help: 'Collect jobs by outcome: completed, retried (a transient failure), failed (for good).',
      labelNames: ['outcome'],
      registers,
    }),
    rows: new Counter({
      name: 'rum_workers_rows_total',
      help: 'Rows inserted or grown, by table.',
      labelNames: ['table'],
      registers,
    }),
    jobsPerTransaction: new Histogram({
      name: 'rum_workers_jobs_per_transaction',
      help: 'Collect jobs committed together in one transaction (group commit).',
      buckets: [1, 2, 4, 8, 16, 32, 64],
      registers,
    }),
    deadLetters: new Counter({
      name: 'rum_workers_dead_letters_total',
      help: 'Beacons set aside as dead letters (see `rum dead-letter list`).',
      registers,
    }),
  };
}

/** Marks the job as not to be retried; Bull then moves it straight to the failed set, where it stays. */
async function unrecoverable(job: Bull.Job<CollectJob>, err: unknown): Promise<unknown> {
  await job.discard();
  return err;
}
