import {
  METRIC_NAMES,
  NAVIGATION_TYPES,
  RANGES,
  type MetricName,
  type NavigationType,
  type Range,
} from '@rum/contract';
import { Select } from '../../../components/ui/select.tsx';
import { NAVIGATION_TYPE_LABELS } from '../../../lib/format.ts';
import { FILTER_KEYS, type FilterKey, type Filters } from '../../../types/filters.ts';
import { useFilterOptions } from '../api/get-filter-options.ts';

const RANGE_LABELS: Readonly<Record<Range, string>> = {
  '1h': 'Last hour',
  '24h': 'Last 24 hours',
  '7d': 'Last 7 days',
  '28d': 'Last 28 days',
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
};

const FILTER_LABELS: Readonly<Record<FilterKey, string>> = {
  page: 'Page or route',
  device: 'Device',
  browser: 'Browser',
  country: 'Country',
  release: 'Release',
};

const ANY_LABELS: Readonly<Record<FilterKey, string>> = {
  page: 'All pages',
  device: 'All devices',
  browser: 'All browsers',
  country: 'All countries',
  release: 'All releases',
};

const ANY = '';

const NAVIGATION_TYPE_OPTIONS: readonly { value: NavigationType | typeof ANY; label: string }[] = [
  { value: ANY, label: 'All navigation types' },
  ...NAVIGATION_TYPES.map((t) => ({ value: t, label: NAVIGATION_TYPE_LABELS[t] })),
];

interface FiltersBarProps {
  filters: Filters;
  onChange: (filters: Filters) => void;
  metric: MetricName;
  onMetricChange: (metric: MetricName) => void;
}

/**
 * Time range, the page (or route) / device / browser / country / release / navigation type
 * filters and the focused metric.
 */
export function FiltersBar({ filters, onChange, metric, onMetricChange }: FiltersBarProps) {
  const options = useFilterOptions(filters.range);
  const active = [...FILTER_KEYS, 'navigationType' as const].filter((k) => filters[k]);
  return (
    <div className="filters" data-testid="filters">
      <Select
        label="Range"
        value={filters.range}
        options={RANGES.map((r) => ({ value: r, label: RANGE_LABELS[r] }))}
        onChange={(range) => onChange({ ...filters, range })}
        testId="range-select"
      />
      {FILTER_KEYS.map((key) => {
        const current = filters[key] ?? ANY;
        const values = options.data?.[key] ?? [];
        // Keep the chosen value listed even when it has no data in the new range.
        const all = current && !values.includes(current) ? [current, ...values] : values;
        return (
          <Select
            key={key}
            label={FILTER_LABELS[key]}
            value={current}
            options={[
              { value: ANY, label: ANY_LABELS[key] },
              ...all.map((v) => ({ value: v, label: v })),
            ]}
            onChange={(value) => onChange({ ...filters, [key]: value === ANY ? undefined : value })}
            testId={`filter-${key}`}
          />
        );
      })}
      <Select
        label="Navigation"
        value={filters.navigationType ?? ANY}
        options={NAVIGATION_TYPE_OPTIONS}
        onChange={(value) =>
          onChange({ ...filters, navigationType: value === ANY ? undefined : value })
        }
        testId="filter-navigationType"
      />
      <Select
        label="Metric"
        value={metric}
        options={METRIC_NAMES.map((m) => ({ value: m, label: m }))}
        onChange={onMetricChange}
        testId="metric-select"
      />
      {active.length > 0 ? (
        <button
          type="button"
          className="link-button"
          data-testid="clear-filters"
          onClick={() => onChange({ range: filters.range })}
        >
          Clear filters
        </button>
      ) : null}
    </div>
  );
}
