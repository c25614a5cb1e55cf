import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { MetricName } from '@rum/contract';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { formatCount, formatMetric } from '../../../lib/format.ts';
import { RATING_COLORS } from '../../../lib/rating.ts';
import type { Filters } from '../../../types/filters.ts';
import { useHistogram } from '../api/get-histogram.ts';
import { labelAt, toDisplayBins } from '../utils/display-bins.ts';

/** How the focused metric's values are distributed, bars coloured by rating, threshold lines. */
export function HistogramChart({ filters, metric }: { filters: Filters; metric: MetricName }) {
  const query = useHistogram(filters, metric);
  return (
    <Panel title={`${metric} distribution`} testId="histogram">
      <QueryState
        query={query}
        minHeight={260}
        isEmpty={(d) => d.buckets.every((b) => b.count === 0)}
      >
        {(data) => {
          const label = (v: number) => formatMetric(metric, v);
          const bins = toDisplayBins(metric, data.thresholds, data.buckets, label);
          return (
            <div className="chart" data-testid="histogram-chart">
              <ResponsiveContainer width="100%" height={260}>
                <BarChart
                  data={bins}
                  margin={{ top: 16, right: 8, bottom: 0, left: 0 }}
                  barCategoryGap={1}
                >
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" vertical={false} />
                  <XAxis dataKey="label" fontSize={11} minTickGap={16} />
                  <YAxis allowDecimals={false} fontSize={12} width={48} />
                  <Tooltip
                    formatter={(v) => [formatCount(Number(v)), 'samples']}
                    labelFormatter={(l, payload) => {
                      const bin = payload[0]?.payload as { from: number; to: number } | undefined;
                      return bin && Number.isFinite(bin.to)
                        ? `${label(bin.from)} – ${label(bin.to)}`
                        : String(l);
                    }}
                  />
                  <Bar dataKey="count" isAnimationActive={false}>
                    {bins.map((b) => (
                      <Cell key={b.label} fill={RATING_COLORS[b.rating]} />
                    ))}
                  </Bar>
                  {(['good', 'poor'] as const).map((edge) => {
                    const x = labelAt(bins, data.thresholds[edge]);
                    return x ? (
                      <ReferenceLine
                        key={edge}
                        x={x}
                        position="start"
                        stroke={RATING_COLORS[edge]}
                        strokeDasharray="4 4"
                        label={{ value: edge, position: 'top', fontSize: 11 }}
                      />
                    ) : null;
                  })}
                </BarChart>
              </ResponsiveContainer>
            </div>
          );
        }}
      </QueryState>
    </Panel>
  );
}
