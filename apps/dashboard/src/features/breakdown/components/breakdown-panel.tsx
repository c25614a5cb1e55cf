import { useState } from 'react';
import type { BreakdownDimension, MetricName } from '@rum/contract';
import { GroupStatsTable } from '../../../components/ui/group-stats-table.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { Tabs } from '../../../components/ui/tabs.tsx';
import { navigationTypeLabel } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useBreakdown } from '../api/get-breakdown.ts';

const DIMENSIONS: readonly { value: BreakdownDimension; label: string }[] = [
  { value: 'device', label: 'Device' },
  { value: 'browser', label: 'Browser' },
  { value: 'os', label: 'OS' },
  { value: 'country', label: 'Country' },
  { value: 'navigationType', label: 'Navigation type' },
];

/** A row's label: navigation types as people say them, the rest as the API sends them. */
function valueLabel(by: BreakdownDimension, value: string): string {
  if (value === '') return 'unknown';
  return by === 'navigationType' ? navigationTypeLabel(value) : value;
}

/** p75 of the focused metric per device, browser, OS, country or navigation type (tabs). */
export function BreakdownPanel({ filters, metric }: { filters: Filters; metric: MetricName }) {
  const [by, setBy] = useState<BreakdownDimension>('device');
  const query = useBreakdown(filters, metric, by);
  const label = DIMENSIONS.find((d) => d.value === by)?.label ?? by;
  return (
    <Panel
      title={`${metric} by ${label.toLowerCase()}`}
      testId="breakdown"
      actions={
        <Tabs
          label="Break down by"
          value={by}
          options={DIMENSIONS}
          onChange={setBy}
          testIdPrefix="breakdown-tab"
        />
      }
    >
      <QueryState query={query} isEmpty={(d) => d.rows.length === 0}>
        {(data) => (
          <GroupStatsTable
            metric={metric}
            groupLabel={label}
            rows={data.rows.map((r) => ({ ...r, key: r.value, label: valueLabel(by, r.value) }))}
            testId="breakdown-table"
          />
        )}
      </QueryState>
    </Panel>
  );
}
