import type { AssessmentStatus, FormFactor, FormFactorAssessment } from '@rum/contract';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { formatCount, formatMetric, METRIC_LABELS, RATING_LABELS } from '../../../lib/format.ts';
import { useAssessment } from '../api/get-assessment.ts';

const STATUS_LABELS: Readonly<Record<AssessmentStatus, string>> = {
  passed: 'Passed',
  failed: 'Failed',
  'insufficient-data': 'Not enough data',
};

const FORM_FACTOR_LABELS: Readonly<Record<FormFactor, string>> = {
  mobile: 'Mobile',
  desktop: 'Desktop',
};

/**
 * The Core Web Vitals assessment as PageSpeed Insights shows it: per form factor, passed when
 * the p75 of LCP, INP and CLS over the last 28 days are all good. Follows the page filter.
 */
export function AssessmentBadges({ page }: { page: string | undefined }) {
  const query = useAssessment(page);
  return (
    <section
      className="assessment"
      data-testid="assessment"
      aria-label="Core Web Vitals assessment"
    >
      <QueryState query={query} minHeight={84} isEmpty={(d) => d.formFactors.length === 0}>
        {(data) => (
          <>
            <div className="assessment-badges">
              {data.formFactors.map((f) => (
                <AssessmentBadge key={f.formFactor} assessment={f} minSamples={data.minSamples} />
              ))}
            </div>
            <p className="assessment-note">
              Last 28 days, {page ? <code>{page}</code> : 'all pages'}; a verdict needs at least{' '}
              {formatCount(data.minSamples)} LCP and CLS samples per form factor.
            </p>
          </>
        )}
      </QueryState>
    </section>
  );
}

function AssessmentBadge({
  assessment,
  minSamples,
}: {
  assessment: FormFactorAssessment;
  minSamples: number;
}) {
  const { formFactor, status, metrics } = assessment;
  return (
    <div
      className={`assessment-badge assessment-${status}`}
      data-testid={`assessment-${formFactor}`}
      data-status={status}
    >
      <span className="assessment-icon" aria-hidden="true">
        {status === 'passed' ? '✓' : status === 'failed' ? '✕' : '?'}
      </span>
      <div className="assessment-text">
        <span className="assessment-verdict">
          <span className="assessment-form">{FORM_FACTOR_LABELS[formFactor]}</span> Core Web Vitals
          assessment:{' '}
          <strong data-testid={`assessment-${formFactor}-status`}>{STATUS_LABELS[status]}</strong>
        </span>
        <ul className="assessment-metrics">
          {metrics.map((m) => (
            <li
              key={m.metric}
              className={`rating-text-${m.rating ?? 'none'}`}
              data-testid={`assessment-${formFactor}-${m.metric}`}
              title={`${METRIC_LABELS[m.metric]}: ${formatCount(m.count)} samples${
                m.rating
                  ? `, ${RATING_LABELS[m.rating]}`
                  : `, fewer than ${formatCount(minSamples)}`
              }`}
            >
              <span className="assessment-metric">{m.metric}</span>{' '}
              <span className="assessment-value">{formatMetric(m.metric, m.p75)}</span>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
