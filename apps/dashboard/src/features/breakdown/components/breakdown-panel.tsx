import { useState } from 'react';
import type { BreakdownDimension, MetricName } from '@rum/contract';
import { GroupStatsTable } from '../../../components/ui/group-stats-table.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import type { Filters } from '../../../types/filters.ts';
import { useBreakdown } from '../api/get-breakdown.ts';

const DIMENSIONS: readonly { by: BreakdownDimension; label: string }[] = [
  { by: 'device', label: 'Device' },
  { by: 'browser', label: 'Browser' },
  { by: 'os', label: 'OS' },
  { by: 'country', label: 'Country' },
];

/** p75 of the focused metric per device, browser, OS or country (tabs). */
export function BreakdownPanel({ filters, metric }: { filters: Filters; metric: MetricName }) {
  const [by, setBy] = useState<BreakdownDimension>('device');
  const query = useBreakdown(filters, metric, by);
  const label = DIMENSIONS.find((d) => d.by === by)?.label ?? by;
  return (
    <Panel
      title={`${metric} by ${label.toLowerCase()}`}
      testId="breakdown"
      actions={
        <div className="tabs" role="tablist" aria-label="Break down by">
          {DIMENSIONS.map((d) => (
            <button
              key={d.by}
              type="button"
              role="tab"
              aria-selected={d.by === by}
              className={d.by === by ? 'tab active' : 'tab'}
              data-testid={`breakdown-tab-${d.by}`}
              onClick={() => setBy(d.by)}
            >
              {d.label}
            </button>
          ))}
        </div>
      }
    >
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {(data) => (
          <GroupStatsTable
            metric={metric}
            groupLabel={label}
            rows={data.rows.map((r) => ({ ...r, key: r.value, label: r.value || 'unknown' }))}
            testId="breakdown-table"
          />
        )}
      </QueryState>
    </Panel>
  );
}
