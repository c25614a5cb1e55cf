import type { MetricName, MetricSummary } from '@rum/contract';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { SharesBar } from '../../../components/ui/shares-bar.tsx';
import { formatCount, formatMetric, METRIC_LABELS, RATING_LABELS } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useSummary } from '../api/get-summary.ts';

interface SummaryCardsProps {
  filters: Filters;
  selected: MetricName;
  onSelect: (metric: MetricName) => void;
}

/** One card per metric: p75 coloured by its rating, the good / NI / poor split and the sample count. */
export function SummaryCards({ filters, selected, onSelect }: SummaryCardsProps) {
  const query = useSummary(filters);
  return (
    <QueryState query={query} minHeight={140}>
      {(data) => (
        <div className="summary-cards" data-testid="summary-cards">
          {data.metrics.map((m) => (
            <SummaryCard
              key={m.metric}
              summary={m}
              selected={m.metric === selected}
              onSelect={onSelect}
            />
          ))}
        </div>
      )}
    </QueryState>
  );
}

function SummaryCard({
  summary,
  selected,
  onSelect,
}: {
  summary: MetricSummary;
  selected: boolean;
  onSelect: (m: MetricName) => void;
}) {
  const { metric, rating, count } = summary;
  return (
    <button
      type="button"
      className={`summary-card rating-${rating ?? 'none'} ${selected ? 'selected' : ''}`}
      data-testid={`summary-card-${metric}`}
      aria-pressed={selected}
      title={METRIC_LABELS[metric]}
      onClick={() => onSelect(metric)}
    >
      <span className="summary-metric">
        {metric} <small>p75</small>
      </span>
      <span className="summary-value" data-testid={`p75-${metric}`} data-rating={rating ?? 'none'}>
        {formatMetric(metric, summary.p75)}
      </span>
      <span className="summary-rating">{rating ? RATING_LABELS[rating] : 'No data'}</span>
      <SharesBar shares={summary.shares} testId={`shares-${metric}`} />
      <span className="summary-count">
        <span data-testid={`count-${metric}`}>{formatCount(count)}</span> samples
      </span>
    </button>
  );
}
