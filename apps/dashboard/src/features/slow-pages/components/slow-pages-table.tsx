import { useState } from 'react';
import type { MetricName, PageGrouping, PageStats } from '@rum/contract';
import { GroupStatsTable, type GroupStatsRow } from '../../../components/ui/group-stats-table.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { Tabs } from '../../../components/ui/tabs.tsx';
import { formatCount } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useSlowPages } from '../api/get-slow-pages.ts';

const GROUPINGS: readonly { value: PageGrouping; label: string }[] = [
  { value: 'route', label: 'Routes' },
  { value: 'page', label: 'Pages' },
];

/** A route's row names how many pages it groups; a page's row names its route when it has one. */
function toRow(p: PageStats, groupBy: PageGrouping): GroupStatsRow {
  const detail =
    groupBy === 'route'
      ? `${formatCount(p.pages)} page${p.pages === 1 ? '' : 's'} · ${p.domain}`
      : p.route && p.route !== p.path
        ? `${p.route} · ${p.domain}`
        : p.domain;
  return {
    ...p,
    key: `${p.domain}${p.path}`,
    label: p.path,
    detail,
    title: `${p.domain}${p.path}`,
  };
}

/**
 * Route templates (`/products/:id`, the default) or single pages ranked by p75 of the focused
 * metric, slowest first.
 */
export function SlowPagesTable({ filters, metric }: { filters: Filters; metric: MetricName }) {
  const [groupBy, setGroupBy] = useState<PageGrouping>('route');
  const query = useSlowPages(filters, metric, groupBy);
  return (
    <Panel
      title={`Slowest ${groupBy}s by ${metric}`}
      testId="slow-pages"
      actions={
        <Tabs
          label="Group pages by"
          value={groupBy}
          options={GROUPINGS}
          onChange={setGroupBy}
          testIdPrefix="slow-pages-tab"
        />
      }
    >
      <QueryState
        query={query}
        isEmpty={(d) => d.pages.length === 0}
        emptyMessage={`No ${groupBy} has enough samples yet (the query API lists those with at least 20).`}
      >
        {(data) => (
          // The answer's own grouping: while the other one loads, the previous answer stays.
          <GroupStatsTable
            metric={metric}
            groupLabel={data.groupBy === 'route' ? 'Route' : 'Page'}
            rows={data.pages.map((p) => toRow(p, data.groupBy))}
            testId="slow-pages-table"
          />
        )}
      </QueryState>
    </Panel>
  );
}
