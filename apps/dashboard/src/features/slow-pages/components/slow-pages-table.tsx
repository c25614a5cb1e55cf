import type { MetricName } from '@rum/contract';
import { GroupStatsTable } from '../../../components/ui/group-stats-table.tsx';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import type { Filters } from '../../../types/filters.ts';
import { useSlowPages } from '../api/get-slow-pages.ts';

/** Pages ranked by p75 of the focused metric, slowest first. */
export function SlowPagesTable({ filters, metric }: { filters: Filters; metric: MetricName }) {
  const query = useSlowPages(filters, metric);
  return (
    <Panel title={`Slowest pages by ${metric}`} testId="slow-pages">
      <QueryState
        query={query}
        isEmpty={(d) => d.pages.length === 0}
        emptyMessage="No page has enough samples yet (the query API lists pages with at least 20)."
      >
        {(data) => (
          <GroupStatsTable
            metric={metric}
            groupLabel="Page"
            rows={data.pages.map((p) => ({
              ...p,
              key: `${p.domain}${p.path}`,
              label: p.path,
              detail: p.domain,
            }))}
            testId="slow-pages-table"
          />
        )}
      </QueryState>
    </Panel>
  );
}
