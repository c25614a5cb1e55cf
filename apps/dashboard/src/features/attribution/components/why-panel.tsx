import { useState } from 'react';
import {
  ATTRIBUTED_METRICS,
  ATTRIBUTION_KEYS,
  type AttributedMetric,
  type MetricName,
} from '@rum/contract';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { formatCount, formatShare } from '../../../lib/format.ts';
import type { Filters } from '../../../types/filters.ts';
import { useAttribution } from '../api/get-attribution.ts';
import { attributionKeyLabel, isAttributed, isPhased } from '../utils/attribution-labels.ts';
import { AttributionTable } from './attribution-table.tsx';
import { PhasesBars } from './phases-bars.tsx';

interface WhyPanelProps {
  filters: Filters;
  metric: MetricName;
  onMetricChange: (metric: MetricName) => void;
}

const TITLES: Readonly<Partial<Record<MetricName, string>>> = {
  CLS: 'Why the layout shifts (CLS)',
};

/**
 * Why the focused metric is poor: the elements, resources, targets or interaction types behind
 * its poor views, ranked, and for LCP and INP where their time goes (subparts, phases). Metrics
 * without aggregated attribution (FCP, TTFB, FID) get a pointer to those that have it.
 */
export function WhyPanel({ filters, metric, onMetricChange }: WhyPanelProps) {
  // The key chosen for each metric, kept while the user looks at another one.
  const [keys, setKeys] = useState<Partial<Record<AttributedMetric, string>>>({});
  const title = TITLES[metric] ?? `Why ${metric} is slow`;
  if (!isAttributed(metric)) {
    return (
      <Panel title={title} testId="why" className="span-all why-panel">
        <div className="state state-empty why-unavailable" data-testid="why-unavailable">
          <p>
            {metric} has no aggregated causes. They are ranked for LCP (elements and resource URLs),
            INP (targets and interaction types) and CLS (largest shift targets).
          </p>
          <div className="why-switch">
            {ATTRIBUTED_METRICS.map((m) => (
              <button key={m} type="button" onClick={() => onMetricChange(m)}>
                Show {m}
              </button>
            ))}
          </div>
        </div>
      </Panel>
    );
  }
  const options = (ATTRIBUTION_KEYS[metric] as readonly string[]).map((k) => ({
    value: k,
    label: attributionKeyLabel(metric, k),
  }));
  const by = keys[metric] ?? options[0]!.value;
  return (
    <Panel
      title={title}
      testId="why"
      className="span-all why-panel"
      actions={
        options.length > 1 ? (
          <Select
            label="Ranked by"
            value={by}
            options={options}
            onChange={(value) => setKeys((k) => ({ ...k, [metric]: value }))}
            testId="why-key-select"
          />
        ) : null
      }
    >
      <div className={isPhased(metric) ? 'why-body why-body-phased' : 'why-body'}>
        <TopOffenders filters={filters} metric={metric} by={by} />
        {isPhased(metric) ? <PhasesBars filters={filters} metric={metric} /> : null}
      </div>
    </Panel>
  );
}

function TopOffenders({
  filters,
  metric,
  by,
}: {
  filters: Filters;
  metric: AttributedMetric;
  by: string;
}) {
  const query = useAttribution(filters, metric, by);
  const keyLabel = attributionKeyLabel(metric, by);
  const noun = keyLabel.toLowerCase();
  return (
    <div className="why-offenders">
      <QueryState
        query={query}
        minHeight={200}
        isEmpty={(d) => d.count === 0}
        emptyMessage={`No ${metric} samples for these filters yet.`}
      >
        {(data) => (
          <>
            <p className="why-summary" data-testid="why-summary">
              {data.poor > 0 ? (
                <>
                  <strong>{formatCount(data.poor)}</strong> of {formatCount(data.count)} {metric}{' '}
                  views were poor ({formatShare(data.poor / data.count)}), ranked by the poor views
                  each {noun} accounts for.
                </>
              ) : (
                <>
                  None of {formatCount(data.count)} {metric} views was poor; ranked by samples.
                </>
              )}{' '}
              <span data-testid="why-unattributed">
                {formatShare(data.unattributed)} of the samples carried no {noun}.
              </span>
            </p>
            {data.groups.length > 0 ? (
              <AttributionTable metric={metric} keyLabel={keyLabel} groups={data.groups} />
            ) : (
              <div className="state state-empty" data-testid="why-no-attribution">
                None of these {metric} samples names its {noun}. The SDK's standard build (rum.js)
                sends no attribution: load rum.attribution.js to see what is responsible.
              </div>
            )}
          </>
        )}
      </QueryState>
    </div>
  );
}
