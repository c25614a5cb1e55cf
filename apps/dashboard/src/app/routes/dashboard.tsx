import { useState } from 'react';
import type { MetricName, Percentile } from '@rum/contract';
import { useAlertMarkers } from '../../features/alerts/api/get-alert-events.ts';
import { AlertBanner } from '../../features/alerts/components/alert-banner.tsx';
import { AlertHistory } from '../../features/alerts/components/alert-history.tsx';
import { AssessmentBadges } from '../../features/assessment/components/assessment-badges.tsx';
import { WhyPanel } from '../../features/attribution/components/why-panel.tsx';
import { BreakdownPanel } from '../../features/breakdown/components/breakdown-panel.tsx';
import { ErrorsList } from '../../features/errors/components/errors-list.tsx';
import { FiltersBar } from '../../features/filters/components/filters-bar.tsx';
import { HistogramChart } from '../../features/histogram/components/histogram-chart.tsx';
import { LiveFeed } from '../../features/live/components/live-feed.tsx';
import { useReleaseMarkers } from '../../features/releases/api/get-releases.ts';
import { ReleasesPanel } from '../../features/releases/components/releases-panel.tsx';
import { SlowPagesTable } from '../../features/slow-pages/components/slow-pages-table.tsx';
import { SummaryCards } from '../../features/summary/components/summary-cards.tsx';
import { TimeseriesChart } from '../../features/timeseries/components/timeseries-chart.tsx';
import { useSession } from '../../lib/session-context.tsx';
import { readView, useViewInAddressBar, type View } from '../../lib/view-url.ts';
import type { Filters, Focus } from '../../types/filters.ts';

/**
 * The one dashboard page: the firing alerts and the filters on top, the Core Web Vitals
 * assessment, cards, the time series with its release and alert markers, why the focused
 * metric is poor, tables, releases, the alert history, errors and the live feed. It opens on the
 * view the address bar names (an alert's link) and keeps the address bar on the view shown.
 */
export function DashboardRoute({ onSignOut }: { onSignOut: () => void }) {
  const { project } = useSession();
  const [linked] = useState<View>(() => readView(window.location.search));
  const [filters, setFilters] = useState<Filters>(linked.filters);
  const [focus, setFocus] = useState<Focus>({ metric: linked.metric ?? 'LCP', percentile: 75 });
  const setMetric = (metric: MetricName) => setFocus((f) => ({ ...f, metric }));
  const setPercentile = (percentile: Percentile) => setFocus((f) => ({ ...f, percentile }));
  useViewInAddressBar(project, focus.metric, filters);
  const markers = [...useReleaseMarkers(filters), ...useAlertMarkers(focus.metric)];
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
      <AlertBanner />
      {linked.project && linked.project !== project ? (
        <p className="notice" data-testid="project-mismatch">
          This link is about project “{linked.project}”; the read token is for “{project}”, shown
          here.
        </p>
      ) : null}
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
        <TimeseriesChart
          filters={filters}
          focus={focus}
          onPercentileChange={setPercentile}
          markers={markers}
        />
        <LiveFeed />
        <WhyPanel filters={filters} metric={focus.metric} onMetricChange={setMetric} />
        <HistogramChart filters={filters} metric={focus.metric} />
        <BreakdownPanel filters={filters} metric={focus.metric} />
        <SlowPagesTable filters={filters} metric={focus.metric} />
        <ReleasesPanel filters={filters} />
        <AlertHistory />
        <div className="span-all">
          <ErrorsList filters={filters} />
        </div>
      </main>
    </div>
  );
}
