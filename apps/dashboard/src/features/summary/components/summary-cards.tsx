import type { MetricName, MetricSummary } from '@rum/contract';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { SharesBar } from '../../../components/ui/shares-bar.tsx';
import {
  formatCount,
  formatGoodShareChange,
  formatMetric,
  formatP75Change,
  METRIC_LABELS,
  RATING_LABELS,
} from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useSummary } from '../api/get-summary.ts';
import { PREVIOUS_WINDOW_LABELS } from '../utils/previous-window.ts';

interface SummaryCardsProps {
  filters: Filters;
  selected: MetricName;
  onSelect: (metric: MetricName) => void;
}

/**
 * One card per metric: p75 coloured by its rating, its change from the previous window of
 * equal length, the good / NI / poor split and the sample count.
 */
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
              previousLabel={PREVIOUS_WINDOW_LABELS[filters.range]}
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
  previousLabel,
  selected,
  onSelect,
}: {
  summary: MetricSummary;
  previousLabel: string;
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
      <SummaryChange summary={summary} previousLabel={previousLabel} />
      <SharesBar shares={summary.shares} testId={`shares-${metric}`} />
      <span className="summary-count">
        <span data-testid={`count-${metric}`}>{formatCount(count)}</span> samples
      </span>
    </button>
  );
}

/** "+340 ms · good −3 pts / vs previous 7 days": green when better, red when worse. */
function SummaryChange({
  summary,
  previousLabel,
}: {
  summary: MetricSummary;
  previousLabel: string;
}) {
  const { metric, change } = summary;
  // An answer without `compare` (an older query API) has no change to show.
  if (!change) return null;
  if (change.p75 === null) {
    const why =
      summary.count === 0 ? 'No samples in this range' : `No samples in the ${previousLabel}`;
    return (
      <span className="summary-change muted" data-testid={`change-${metric}`}>
        {why}
      </span>
    );
  }
  const p75 = formatP75Change(metric, change.p75);
  const good = change.good === null ? null : formatGoodShareChange(change.good);
  const sentence = `${metric} p75 ${p75.text}${good ? `, good share ${good.text}` : ''} vs ${previousLabel}`;
  return (
    <span className="summary-change" data-testid={`change-${metric}`} title={sentence}>
      <span className="summary-change-figures">
        <span className={`change change-${p75.tone}`} data-testid={`p75-change-${metric}`}>
          {p75.text}
        </span>
        {good ? (
          <span className={`change change-${good.tone}`} data-testid={`good-change-${metric}`}>
            good {good.text}
          </span>
        ) : null}
      </span>
      <span className="summary-compare">vs {previousLabel}</span>
    </span>
  );
}
