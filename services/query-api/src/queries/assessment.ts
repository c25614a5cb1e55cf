/**
 * The Core Web Vitals assessment as PageSpeed Insights shows it from CrUX: per form factor
 * (mobile = phones and tablets, desktop) over 28 days, passed when the p75 of LCP, INP and CLS
 * are all good. A metric with fewer than `minSamples` samples is not rated; without LCP or CLS
 * there is no verdict, without INP (pages nobody interacts with) the verdict rests on the other
 * two, as PageSpeed Insights does.
 */
import {
  CORE_WEB_VITALS,
  FORM_FACTORS,
  rate,
  type AssessedMetric,
  type AssessmentStatus,
  type FormFactor,
  type FormFactorAssessment,
  type MetricName,
  type Source,
} from '@rum/contract';
import {
  type Filters,
  type TimeWindow,
  groupStats,
  type Answered,
  type Readers,
} from '@rum/server-kit/aggregates';

const DEVICES: Readonly<Record<FormFactor, readonly string[]>> = {
  mobile: ['mobile', 'tablet'],
  desktop: ['desktop'],
};

export function assessmentStatus(metrics: readonly AssessedMetric[]): AssessmentStatus {
  const rating = (m: MetricName) => metrics.find((x) => x.metric === m)?.rating ?? null;
  if (rating('LCP') === null || rating('CLS') === null) return 'insufficient-data';
  const rated = metrics.filter((m) => m.rating !== null);
  return rated.every((m) => m.rating === 'good') ? 'passed' : 'failed';
}

export async function queryAssessment(
  readers: Readers,
  q: { filters: Filters; window: TimeWindow; minSamples: number },
): Promise<Answered<FormFactorAssessment[]>> {
  const answers = await Promise.all(
    FORM_FACTORS.map((formFactor) =>
      groupStats<MetricName>(
        readers,
        {
          filters: { ...q.filters, device: DEVICES[formFactor], metrics: CORE_WEB_VITALS },
          window: q.window,
          groupBy: { column: 'metric' },
          percentiles: [0.75],
        },
        (name) => name,
      ),
    ),
  );
  const source: Source = answers.some((a) => a.source === 'raw') ? 'raw' : 'rollup';
  const rows = FORM_FACTORS.map((formFactor, i) => {
    const byName = new Map(answers[i]!.rows.map((r) => [r.key, r]));
    const metrics = CORE_WEB_VITALS.map((metric) => {
      const row = byName.get(metric);
      const count = row?.count ?? 0;
      const p75 = row?.values[0] ?? null;
      return {
        metric,
        count,
        p75,
        rating: p75 !== null && count >= q.minSamples ? rate(metric, p75) : null,
      };
    });
    return { formFactor, status: assessmentStatus(metrics), metrics };
  });
  return { source, rows };
}
