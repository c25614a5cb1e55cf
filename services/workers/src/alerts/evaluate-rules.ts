/**
 * One evaluation of every alert rule at instant `at`: each rule's stat over its trailing
 * window, read with the aggregate engine the query API answers with (so an alert's p75 is the
 * dashboard's), then the rule's state moved on ({@link nextState}). A state change is an
 * `alert_events` row written in the same transaction as the new state.
 *
 * Exactly one evaluation per rule per instant, however many worker processes run: the repeatable
 * Bull job gives one job per interval, and the state update is conditional on the rule not
 * having been evaluated at `at` or later, so a second evaluation of the same instant writes
 * nothing.
 */
import { ALERT_WINDOWS, type AlertStat } from '@rum/contract';
import {
  ALERT_RULE_COLUMNS,
  withTransaction,
  type Pool,
  type StoredAlertRule,
} from '@rum/server-kit';
import {
  groupStats,
  pageIdsOf,
  windowBetween,
  type Filters,
  type Readers,
} from '@rum/server-kit/aggregates';
import { nextState } from './alert-state.ts';

/** A rule's reading: the stat, or null below its sample floor, and the samples it rests on. */
export interface RuleReading {
  value: number | null;
  samples: number;
  from: Date;
  to: Date;
}

export async function readRule(
  readers: Readers,
  rule: StoredAlertRule,
  at: number,
): Promise<RuleReading> {
  const pageIds = await pageIdsOf(readers.db, rule.project_id, {
    route: rule.route ?? undefined,
  });
  const filters: Filters & { metrics: [StoredAlertRule['metric']] } = {
    projectId: rule.project_id,
    metrics: [rule.metric],
    ...(rule.device ? { device: rule.device } : {}),
    ...(pageIds ? { pageIds } : {}),
    ...(rule.route ? { route: rule.route } : {}),
  };
  const window = windowBetween(at - ALERT_WINDOWS[rule.window_name], at);
  const { rows } = await groupStats(
    readers,
    { filters, window, groupBy: { column: 'metric' }, percentiles: [0.75] },
    () => rule.metric,
  );
  const row = rows[0];
  const samples = row?.count ?? 0;
  const value =
    !row || samples < rule.min_samples
      ? null
      : statOf(rule.stat, row.values[0]!, row.poor, samples);
  return { value, samples, from: window.from, to: window.to };
}

function statOf(stat: AlertStat, p75: number, poor: number, count: number): number {
  return stat === 'p75' ? p75 : poor / count;
}

/** A state change written by an evaluation. */
export interface CreatedAlertEvent {
  id: string;
  rule: string;
}

/**
 * Evaluates every rule not yet evaluated at `at` (epoch ms); returns the state changes. A rule
 * that fails (its query, its update) is reported to `onError` and tried again next time; the
 * others are evaluated all the same.
 */
export async function evaluateRules(
  readers: Readers,
  at: number,
  onError: (rule: string, err: Error) => void,
): Promise<CreatedAlertEvent[]> {
  const { rows: rules } = await readers.db.query<StoredAlertRule>(
    `SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules r JOIN projects p ON p.id = r.project_id
      WHERE r.last_evaluated_at IS NULL OR r.last_evaluated_at < $1
      ORDER BY r.id`,
    [new Date(at)],
  );
  const created: CreatedAlertEvent[] = [];
  for (const rule of rules) {
    try {
      const reading = await readRule(readers, rule, at);
      const event = await recordEvaluation(readers.db, rule, reading, at);
      if (event) created.push(event);
    } catch (err) {
      onError(rule.id, err as Error);
    }
  }
  return created;
}

/** Writes one evaluation's outcome, unless another process evaluated the rule at `at` first. */
async function recordEvaluation(
  pool: Pool,
  rule: StoredAlertRule,
  reading: RuleReading,
  at: number,
): Promise<CreatedAlertEvent | null> {
  const next = nextState(rule, { value: reading.value, threshold: rule.threshold });
  return withTransaction(pool, async (client) => {
    const { rowCount } = await client.query(
      `UPDATE alert_rules
            SET state = $2, streak = $3, last_evaluated_at = $4, last_value = $5, last_samples = $6,
                state_since = CASE WHEN $7 THEN $4 ELSE state_since END
          WHERE id = $1 AND (last_evaluated_at IS NULL OR last_evaluated_at < $4)`,
      [
        rule.id,
        next.state,
        next.streak,
        new Date(at),
        reading.value,
        reading.samples,
        next.change !== null,
      ],
    );
    if (rowCount === 0 || next.change === null || reading.value === null) return null;
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO alert_events (rule_id, project_id, state, value, threshold, samples,
                                   window_from, window_to, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`,
      [
        rule.id,
        rule.project_id,
        next.change,
        reading.value,
        rule.threshold,
        reading.samples,
        reading.from,
        reading.to,
        new Date(at),
      ],
    );
    return { id: rows[0]!.id, rule: rule.id };
  });
}
