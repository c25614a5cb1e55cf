/**
 * Live updates: after each COMMIT the committed rows are queued per project and pushed through
 * the socket.io Redis emitter to the project's room, at most once per {@link LIVE_FLUSH_MS}
 * per project, each push summarising everything committed since the previous one. Live
 * updates are best effort: a push lost while Redis is away is not replayed (the dashboard
 * reloads the numbers from the query API).
 */
import { Emitter } from '@socket.io/redis-emitter';
import {
  LIVE_FLUSH_MS,
  LIVE_RECENT_LIMIT,
  METRIC_NAMES,
  projectRoom,
  SOCKET_IO_REDIS_KEY,
  type LiveError,
  type LiveErrorsUpdate,
  type LiveEvent,
  type LiveMetricStats,
  type LiveMetricsUpdate,
  type MetricName,
  type ServerToClientEvents,
} from '@rum/contract';
import { type Logger, type Redis } from '@rum/server-kit';
import type { CommittedRows } from './insert-rows.ts';

/** percentile_cont(0.75): linear interpolation between the closest ranks, as the query API computes it. */
export function p75(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = 0.75 * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

/** Count, p75 and rating counts per metric, and the newest events first. */
export function summariseMetrics(
  project: string,
  events: readonly LiveEvent[],
  at: Date,
): LiveMetricsUpdate {
  const byName = new Map<MetricName, LiveEvent[]>();
  for (const event of events) {
    const list = byName.get(event.name);
    if (list) list.push(event);
    else byName.set(event.name, [event]);
  }
  const byMetric: Partial<Record<MetricName, LiveMetricStats>> = {};
  for (const name of METRIC_NAMES) {
    const list = byName.get(name);
    if (!list) continue;
    byMetric[name] = {
      count: list.length,
      p75: p75(list.map((e) => e.value)),
      good: list.filter((e) => e.rating === 'good').length,
      needsImprovement: list.filter((e) => e.rating === 'needs-improvement').length,
      poor: list.filter((e) => e.rating === 'poor').length,
    };
  }
  return {
    project,
    at: at.toISOString(),
    events: events.length,
    byMetric,
    recent: newestFirst(events),
  };
}

export function summariseErrors(
  project: string,
  errors: readonly LiveError[],
  at: Date,
): LiveErrorsUpdate {
  return { project, at: at.toISOString(), errors: newestFirst(errors) };
}

function newestFirst<T extends { ts: number }>(items: readonly T[]): T[] {
  // Later arrivals first among equal timestamps: reverse, then a stable sort.
  return [...items]
    .reverse()
    .sort((a, b) => b.ts - a.ts)
    .slice(0, LIVE_RECENT_LIMIT);
}

/** The rows of committed transactions as live events, grouped by project slug. */
export function toLiveItems(
  committed: CommittedRows,
): Map<string, { events: LiveEvent[]; errors: LiveError[] }> {
  const byProject = new Map<string, { events: LiveEvent[]; errors: LiveError[] }>();
  const entry = (project: string) => {
    let found = byProject.get(project);
    if (!found) byProject.set(project, (found = { events: [], errors: [] }));
    return found;
  };
  for (const { beacon, row } of committed.metrics) {
    entry(beacon.project).events.push({
      name: row.name,
      value: row.value,
      rating: row.rating,
      path: beacon.path,
      device: beacon.deviceType,
      browser: beacon.browser,
      country: beacon.country,
      ts: Date.parse(row.time),
    });
  }
  for (const { beacon, row } of committed.errors) {
    entry(beacon.project).errors.push({
      message: row.message,
      path: beacon.path,
      browser: beacon.browser,
      ts: Date.parse(row.time),
    });
  }
  return byProject;
}

/** Where summaries go: a room, an event name and its payload. */
export type LiveSink = <E extends keyof ServerToClientEvents>(
  room: string,
  event: E,
  payload: Parameters<ServerToClientEvents[E]>[0],
) => void;

/** A sink that publishes through the socket.io Redis emitter (default key, so the adapter hears it). */
export function emitterSink(redis: Redis, log: Logger): LiveSink {
  // The emitter publishes without awaiting; a rejected publish (Redis away) must not become an
  // unhandled rejection that kills the worker.
  const client = {
    publish: (channel: string, message: string | Buffer) =>
      redis.publish(channel, message).catch((err: Error) => {
        log.warn({ err: err.message }, 'live update not published');
      }),
  };
  const emitter = new Emitter<ServerToClientEvents>(client, { key: SOCKET_IO_REDIS_KEY });
  return (room, event, payload) => {
    // The emitter's typed emit cannot follow the generic event here; the sink's signature keeps callers typed.
    (emitter.to(room).emit as (ev: string, data: unknown) => boolean)(event, payload);
  };
}

interface Pending {
  events: LiveEvent[];
  errors: LiveError[];
  timer?: NodeJS.Timeout;
  lastPush: number;
}

export class LivePublisher {
  private readonly projects = new Map<string, Pending>();

  constructor(private readonly sink: LiveSink) {}

  /** Queues committed rows; pushes as soon as the project's last push is {@link LIVE_FLUSH_MS} old. */
  add(committed: CommittedRows): void {
    for (const [project, items] of toLiveItems(committed)) {
      let pending = this.projects.get(project);
      if (!pending)
        this.projects.set(project, (pending = { events: [], errors: [], lastPush: -Infinity }));
      pending.events.push(...items.events);
      pending.errors.push(...items.errors);
      if (pending.timer) continue;
      // Even when a push is allowed now, wait for the end of this tick so jobs committing
      // together share one push.
      const wait = Math.max(0, pending.lastPush + LIVE_FLUSH_MS - Date.now());
      pending.timer = setTimeout(() => this.push(project), wait);
    }
  }

  /** Pushes whatever is pending now and stops the timers (shutdown). */
  close(): void {
    for (const project of this.projects.keys()) this.push(project);
    this.projects.clear();
  }

  private push(project: string): void {
    const pending = this.projects.get(project);
    if (!pending) return;
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = undefined;
    const at = new Date();
    const room = projectRoom(project);
    if (pending.events.length > 0)
      this.sink(room, 'metrics', summariseMetrics(project, pending.events, at));
    if (pending.errors.length > 0)
      this.sink(room, 'errors', summariseErrors(project, pending.errors, at));
    pending.events = [];
    pending.errors = [];
    pending.lastPush = at.getTime();
  }
}
