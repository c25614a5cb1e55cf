import type { MetricName, ReleaseMetric, ReleaseRow } from '@rum/contract';
import {
  groupStats,
  toGroupStats,
  type Answered,
  type Filters,
  type Readers,
  type TimeWindow,
} from '@rum/server-kit/aggregates';
import { compared } from '../lib/compare.ts';

/** The metrics a release row reports (FID is gone from Chrome; INP replaced it). */
export const RELEASE_METRICS: readonly MetricName[] = ['LCP', 'INP', 'CLS', 'FCP', 'TTFB'];

interface StoredRelease {
  release: string;
  first_seen: Date;
  last_seen: Date;
}

/**
 * The releases seen in the window (newest first sighting first, at most `limit`), each with
 * count, p75 and shares per metric in the window from the one aggregate engine (the release
 * rollups for long windows). With `compare`, each release also carries the figures of the
 * release first seen before it, in the same window, and the change.
 */
export async function queryReleases(
  readers: Readers,
  q: { filters: Filters; window: TimeWindow; limit: number; compare: boolean },
): Promise<Answered<ReleaseRow[]>> {
  const { rows: stored } = await readers.db.query<StoredRelease>(
    `SELECT release, first_seen, last_seen FROM releases
      WHERE project_id = $1 AND last_seen >= $2 AND first_seen < $3
        AND ($4::text IS NULL OR release = $4)
      ORDER BY first_seen DESC, release
      LIMIT $5`,
    [q.filters.projectId, q.window.from, q.window.to, q.filters.release ?? null, q.limit + 1],
  );
  const answers = await Promise.all(
    RELEASE_METRICS.map((metric) =>
      groupStats<string | null>(
        readers,
        {
          filters: { ...q.filters, metrics: [metric] },
          window: q.window,
          groupBy: { column: 'release' },
          percentiles: [0.75],
        },
        () => metric,
      ),
    ),
  );
  const perMetric = answers.map(
    (answered, i) =>
      new Map(
        answered.rows.map((r) => [
          r.key,
          toGroupStats(RELEASE_METRICS[i]!, { ...r, p75: r.values[0] ?? null }),
        ]),
      ),
  );
  const metricsOf = (release: string): ReleaseMetric[] =>
    RELEASE_METRICS.map((metric, i) => ({
      metric,
      ...(perMetric[i]!.get(release) ??
        toGroupStats(metric, { count: 0, good: 0, poor: 0, p75: null })),
    }));
  const rows = stored.slice(0, q.limit).map((r, i): ReleaseRow => {
    const metrics = metricsOf(r.release);
    const row: ReleaseRow = {
      release: r.release,
      firstSeen: r.first_seen.toISOString(),
      lastSeen: r.last_seen.toISOString(),
      samples: metrics.reduce((sum, m) => sum + m.count, 0),
      metrics,
    };
    if (!q.compare) return row;
    const before = stored[i + 1];
    const previous = before ? metricsOf(before.release) : [];
    return {
      ...row,
      previous: before?.release ?? null,
      metrics: metrics.map((m, j) => ({ ...m, ...compared(m, previous[j]) })),
    };
  });
  // One plan for every metric (it depends on the filters, grouping and window only).
  return { source: answers[0]!.source, rows };
}
