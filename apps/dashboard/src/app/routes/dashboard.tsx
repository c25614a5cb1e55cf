import { useState } from 'react';
import type { MetricName, Percentile } from '@rum/contract';
import { AssessmentBadges } from '../../features/assessment/components/assessment-badges.tsx';
import { WhyPanel } from '../../features/attribution/components/why-panel.tsx';
import { BreakdownPanel } from '../../features/breakdown/components/breakdown-panel.tsx';
import { ErrorsList } from '../../features/errors/components/errors-list.tsx';
import { FiltersBar } from '../../features/filters/components/filters-bar.tsx';
import { HistogramChart } from '../../features/histogram/components/histogram-chart.tsx';
import { LiveFeed } from '../../features/live/components/live-feed.tsx';
import { SlowPagesTable } from '../../features/slow-pages/components/slow-pages-table.tsx';
import { SummaryCards } from '../../features/summary/components/summary-cards.tsx';
import { TimeseriesChart } from '../../features/timeseries/components/timeseries-chart.tsx';
import { useSession } from '../../lib/session-context.tsx';
import type { Filters, Focus } from '../../types/filters.ts';

/**
 * The one dashboard page: filters on top, the Core Web Vitals assessment, cards, charts, why the
 * focused metric is poor, tables, errors and the live feed.
 */
export function DashboardRoute({ onSignOut }: { onSignOut: () => void }) {
  const { project } = useSession();
  const [filters, setFilters] = useState<Filters>({ range: '24h' });
  const [focus, setFocus] = useState<Focus>({ metric: 'LCP', percentile: 75 });
  const setMetric = (metric: MetricName) => setFocus((f) => ({ ...f, metric }));
  const setPercentile = (percentile: Percentile) => setFocus((f) => ({ ...f, percentile }));
  return (
    <div className="layout">
      <header className="topbar">
        <h1>
          Core Web Vitals{' '}
          <span className="project" data-testid="project-name">
            {project}
          </span>
        </h1>
        <button type="button" className="link-button" onClick={onSignOut}>
          Change token
        </button>
      </header>
      <FiltersBar
        filters={filters}
        onChange={setFilters}
        metric={focus.metric}
        onMetricChange={setMetric}
      />
      <main className="grid">
        <div className="span-all">
          <AssessmentBadges page={filters.page} />
        </div>
        <div className="span-all">
          <SummaryCards filters={filters} selected={focus.metric} onSelect={setMetric} />
        </div>
        <TimeseriesChart filters={filters} focus={focus} onPercentileChange={setPercentile} />
        <LiveFeed />
        <WhyPanel filters={filters} metric={focus.metric} onMetricChange={setMetric} />
        <HistogramChart filters={filters} metric={focus.metric} />
        <BreakdownPanel filters={filters} metric={focus.metric} />
        <SlowPagesTable filters={filters} metric={focus.metric} />
        <div className="span-all">
          <ErrorsList filters={filters} />
        </div>
      </main>
    </div>
  );
}
