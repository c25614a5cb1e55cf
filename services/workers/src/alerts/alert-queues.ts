/**
 * The alert wiring of a worker process: a repeatable Bull job that evaluates every rule once
 * per interval (Bull keeps one schedule per repeat key, so the job runs once per interval
 * however many processes add it), and a delivery queue with one job per state change (its id
 * is the event's, so a change is queued once). Each evaluation also queues any change still
 * undelivered, which covers a process that died between committing a change and queueing it.
 */
import Bull from 'bull';
import {
  ALERT_DELIVERY_QUEUE,
  ALERT_EVALUATION_QUEUE,
  BULL_PREFIX,
  projectRoom,
} from '@rum/contract';
import type { Config, Logger } from '@rum/server-kit';
import type { Readers } from '@rum/server-kit/aggregates';
import type { LiveSink } from '../live-publisher.ts';
import { deliverAlertEvent } from './deliver.ts';
import { evaluateRules } from './evaluate-rules.ts';
import { loadNotification, notificationOf } from './notification.ts';

/** Retry delays of a failing webhook: 1 s, doubling, at most 5 minutes (deliver.ts stops after an hour). */
export function deliveryBackoffMs(attemptsMade: number): number {
  return Math.min(1000 * 2 ** Math.max(0, attemptsMade - 1), 5 * 60_000);
}

/** Bull needs a bound; the hour in deliver.ts is what ends the retries. */
const DELIVERY_ATTEMPTS = 1000;

export interface AlertQueues {
  evaluation: Bull.Queue;
  delivery: Bull.Queue<{ eventId: string }>;
  close(): Promise<void>;
}

export interface AlertQueueOptions {
  /** Queue names; tests use unique ones. */
  evaluationQueue?: string;
  deliveryQueue?: string;
}

export async function startAlertQueues(
  config: Config,
  readers: Readers,
  sink: LiveSink,
  log: Logger,
  options: AlertQueueOptions = {},
): Promise<AlertQueues> {
  const evaluation = new Bull(options.evaluationQueue ?? ALERT_EVALUATION_QUEUE, config.redisUrl, {
    prefix: BULL_PREFIX,
  });
  const delivery = new Bull<{ eventId: string }>(
    options.deliveryQueue ?? ALERT_DELIVERY_QUEUE,
    config.redisUrl,
    {
      prefix: BULL_PREFIX,
      settings: { backoffStrategies: { webhook: deliveryBackoffMs } },
    },
  );
  for (const queue of [evaluation, delivery])
    queue.on('error', (err) => log.error({ err: err.message }, 'alert queue error'));

  const queueDelivery = (eventId: string) =>
    delivery.add(
      { eventId },
      {
        jobId: eventId,
        attempts: DELIVERY_ATTEMPTS,
        backoff: { type: 'webhook' },
        removeOnComplete: true,
        removeOnFail: true,
      },
    );

  void evaluation
    .process(1, async () => {
      const interval = config.alertIntervalMs;
      const at = Math.floor(Date.now() / interval) * interval;
      const events = await evaluateRules(readers, at, (rule, err) =>
        log.warn({ rule, err: err.message }, 'alert rule not evaluated; trying again next time'),
      );
      for (const event of events) {
        const row = await loadNotification(readers.db, event.id);
        if (row) sink(projectRoom(row.slug), 'alerts', notificationOf(row, config.dashboardUrl));
        log.info(
          { rule: event.rule, event: event.id, state: row?.event_state },
          'alert state changed',
        );
      }
      const { rows } = await readers.db.query<{ id: string }>(
        'SELECT id FROM alert_events WHERE delivered_at IS NULL AND failed_at IS NULL ORDER BY at',
      );
      for (const { id } of rows) await queueDelivery(id);
    })
    .catch((err: Error) => log.error({ err: err.message }, 'alert evaluation stopped'));

  void delivery
    .process(4, async (job) => {
      const outcome = await deliverAlertEvent(readers.db, job.data.eventId, config.dashboardUrl);
      if (outcome !== 'already-delivered')
        log.info({ event: job.data.eventId, outcome }, 'alert notification');
      return outcome;
    })
    .catch((err: Error) => log.error({ err: err.message }, 'alert delivery stopped'));
  evaluation.on('failed', (_job, err) =>
    log.warn({ err: err.message }, 'alert evaluation failed; trying again next time'),
  );
  delivery.on('failed', (job, err) =>
    log.warn(
      { event: job.data.eventId, attempts: job.attemptsMade, err: err.message },
      'alert notification not delivered; retrying',
    ),
  );

  // One schedule: a schedule left by a process with another interval is removed first.
  for (const repeatable of await evaluation.getRepeatableJobs())
    if (Number(repeatable.every) !== config.alertIntervalMs)
      await evaluation.removeRepeatableByKey(repeatable.key);
  await evaluation.add(
    {},
    {
      repeat: { every: config.alertIntervalMs },
      removeOnComplete: true,
      removeOnFail: true,
    },
  );
  await Promise.all([evaluation.isReady(), delivery.isReady()]);

  return {
    evaluation,
    delivery,
    close: async () => {
      await evaluation.close();
      await delivery.close();
    },
  };
}
