/**
 * Alert rules as stored: created and deleted by the CLI, listed by the query API, evaluated
 * and delivered by the workers. Row mapping and argument checks live here once.
 */
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import {
  ALERT_STATS,
  ALERT_WINDOWS,
  DEFAULT_ALERT_MIN_SAMPLES,
  DEVICE_TYPES,
  METRIC_NAMES,
  type AlertEvent,
  type AlertFilters,
  type AlertRule,
  type AlertRuleState,
  type AlertStat,
  type AlertWindow,
  type DeviceType,
  type MetricName,
} from '@rum/contract';
import { AlertRuleNotFoundError, ProjectNotFoundError } from './domain-errors.ts';

type Db = pg.Pool | pg.PoolClient;

/** What `rum alert create` asks for; strings as typed, checked by {@link alertRuleProblem}. */
export interface AlertRuleInput {
  project: string;
  metric: string;
  stat: string;
  above: number;
  window: string;
  device?: string;
  route?: string;
  minSamples?: number;
  webhook: string;
}

/** A created rule: the stored rule plus its secret, shown once. */
export interface CreatedAlertRule extends AlertRule {
  secret: string;
}

const isOneOf = <T extends string>(list: readonly T[], value: string): value is T =>
  (list as readonly string[]).includes(value);

/** Why `input` is not a valid rule (a sentence naming the option), or null when it is. */
export function alertRuleProblem(input: AlertRuleInput): string | null {
  if (!isOneOf(METRIC_NAMES, input.metric))
    return `--metric must be one of ${METRIC_NAMES.join(', ')}`;
  if (!isOneOf(ALERT_STATS, input.stat)) return `--stat must be one of ${ALERT_STATS.join(', ')}`;
  if (!Number.isFinite(input.above) || input.above < 0)
    return '--above must be a number of at least 0';
  if (input.stat === 'poor-share' && input.above > 1)
    return '--above of a poor-share rule is a fraction between 0 and 1 (0.25 is 25%)';
  if (!Object.hasOwn(ALERT_WINDOWS, input.window))
    return `--window must be one of ${Object.keys(ALERT_WINDOWS).join(', ')}`;
  if (input.device !== undefined && !isOneOf(DEVICE_TYPES, input.device))
    return `--device must be one of ${DEVICE_TYPES.join(', ')}`;
  if (input.route !== undefined && (!input.route.startsWith('/') || input.route.length > 2048))
    return '--route must be a path or route template starting with /';
  if (
    input.minSamples !== undefined &&
    (!Number.isInteger(input.minSamples) || input.minSamples < 1)
  )
    return '--min-samples must be a whole number of at least 1';
  let url: URL;
  try {
    url = new URL(input.webhook);
  } catch {
    return '--webhook must be an http(s) URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    return '--webhook must be an http(s) URL';
  return null;
}

/** A stored `alert_rules` row joined to its project's slug. */
export interface StoredAlertRule {
  id: string;
  slug: string;
  project_id: number;
  metric: MetricName;
  stat: AlertStat;
  threshold: number;
  window_name: AlertWindow;
  device: DeviceType | null;
  route: string | null;
  min_samples: number;
  webhook_url: string;
  secret: string;
  created_at: Date;
  state: 'ok' | 'firing';
  state_since: Date;
  streak: number;
  last_evaluated_at: Date | null;
  last_value: number | null;
  last_samples: number | null;
}

export const ALERT_RULE_COLUMNS = `r.id, p.slug, r.project_id, r.metric, r.stat, r.threshold, r.window_name,
  r.device, r.route, r.min_samples, r.webhook_url, r.secret, r.created_at, r.state, r.state_since,
  r.streak, r.last_evaluated_at, r.last_value, r.last_samples`;

export function filtersOfRule(row: Pick<StoredAlertRule, 'device' | 'route'>): AlertFilters {
  return {
    ...(row.device !== null ? { device: row.device } : {}),
    ...(row.route !== null ? { route: row.route } : {}),
  };
}

export function alertRuleOf(row: StoredAlertRule): AlertRule {
  return {
    id: row.id,
    project: row.slug,
    metric: row.metric,
    stat: row.stat,
    threshold: row.threshold,
    window: row.window_name,
    filters: filtersOfRule(row),
    minSamples: row.min_samples,
    webhookHost: new URL(row.webhook_url).host,
    createdAt: row.created_at.toISOString(),
  };
}

export function alertStateOf(row: StoredAlertRule): AlertRuleState {
  return {
    state: row.state,
    since: row.state_since.toISOString(),
    streak: row.streak,
    last: row.last_evaluated_at
      ? {
          at: row.last_evaluated_at.toISOString(),
          value: row.last_value,
          samples: row.last_samples ?? 0,
        }
      : null,
  };
}

/** Stores a rule checked by {@link alertRuleProblem}; its id and signing secret are new random values. */
export async function createAlertRule(db: Db, input: AlertRuleInput): Promise<CreatedAlertRule> {
  const problem = alertRuleProblem(input);
  if (problem) throw new RangeError(problem);
  const id = randomBytes(6).toString('hex');
  const secret = randomBytes(32).toString('hex');
  const { rows } = await db.query<StoredAlertRule>(
    `WITH r AS (
       INSERT INTO alert_rules (id, project_id, metric, stat, threshold, window_name, device, route,
                                min_samples, webhook_url, secret)
       SELECT $1, p.id, $3, $4, $5, $6, $7, $8, $9, $10, $11 FROM projects p WHERE p.slug = $2
       RETURNING *)
     SELECT ${ALERT_RULE_COLUMNS} FROM r JOIN projects p ON p.id = r.project_id`,
    [
      id,
      input.project,
      input.metric,
      input.stat,
      input.above,
      input.window,
      input.device ?? null,
      input.route ?? null,
      input.minSamples ?? DEFAULT_ALERT_MIN_SAMPLES,
      input.webhook,
      secret,
    ],
  );
  const row = rows[0];
  if (!row) throw new ProjectNotFoundError(`project "${input.project}" does not exist`);
  return { ...alertRuleOf(row), secret };
}

/** The project's rules with their evaluation state, oldest first. */
export async function listAlertRules(
  db: Db,
  projectId: number,
): Promise<(AlertRule & AlertRuleState)[]> {
  const { rows } = await db.query<StoredAlertRule>(
    `SELECT ${ALERT_RULE_COLUMNS} FROM alert_rules r JOIN projects p ON p.id = r.project_id
      WHERE r.project_id = $1 ORDER BY r.created_at, r.id`,
    [projectId],
  );
  return rows.map((row) => ({ ...alertRuleOf(row), ...alertStateOf(row) }));
}

/** Deletes a rule and its events: nothing of it is evaluated or delivered afterwards. */
export async function deleteAlertRule(db: Db, id: string): Promise<AlertRule> {
  const { rows } = await db.query<StoredAlertRule>(
    `WITH r AS (DELETE FROM alert_rules WHERE id = $1 RETURNING *)
     SELECT ${ALERT_RULE_COLUMNS} FROM r JOIN projects p ON p.id = r.project_id`,
    [id],
  );
  if (!rows[0]) throw new AlertRuleNotFoundError(`alert rule "${id}" does not exist`);
  return alertRuleOf(rows[0]);
}

interface StoredAlertEvent {
  id: string;
  rule_id: string;
  metric: MetricName;
  stat: AlertStat;
  window_name: AlertWindow;
  device: DeviceType | null;
  route: string | null;
  state: 'firing' | 'resolved';
  value: number;
  threshold: number;
  samples: number;
  at: Date;
  attempts: number;
  delivered_at: Date | null;
  failed_at: Date | null;
  last_error: string | null;
}

/** The project's state changes, newest first. */
export async function listAlertEvents(
  db: Db,
  projectId: number,
  limit: number,
): Promise<AlertEvent[]> {
  const { rows } = await db.query<StoredAlertEvent>(
    `SELECT e.id, e.rule_id, r.metric, r.stat, r.window_name, r.device, r.route, e.state, e.value,
            e.threshold, e.samples, e.at, e.attempts, e.delivered_at, e.failed_at, e.last_error
       FROM alert_events e JOIN alert_rules r ON r.id = e.rule_id
      WHERE e.project_id = $1 ORDER BY e.at DESC, e.id LIMIT $2`,
    [projectId, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    rule: row.rule_id,
    metric: row.metric,
    stat: row.stat,
    state: row.state,
    value: row.value,
    threshold: row.threshold,
    samples: row.samples,
    window: row.window_name,
    filters: filtersOfRule(row),
    at: row.at.toISOString(),
    delivery: {
      state: row.delivered_at ? 'delivered' : row.failed_at ? 'failed' : 'pending',
      attempts: row.attempts,
      deliveredAt: row.delivered_at?.toISOString() ?? null,
      lastError: row.last_error,
    },
  }));
}
