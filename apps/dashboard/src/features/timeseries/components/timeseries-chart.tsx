import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { PERCENTILES, THRESHOLDS, type Percentile } from '@rum/contract';
import { Panel } from '../../../components/ui/panel.tsx';
import { QueryState } from '../../../components/ui/query-state.tsx';
import { Select } from '../../../components/ui/select.tsx';
import { formatAxisTime, formatCount, formatMetric, formatTime } from '../../../lib/format.ts';
import { RATING_COLORS } from '../../../lib/rating.ts';
import type { Filters, Focus } from '../../../types/filters.ts';
import type { TimeMarker } from '../../../types/time-marker.ts';
import { useTimeseries } from '../api/get-timeseries.ts';
import { timeMarkerLine } from './time-marker-line.tsx';

interface TimeseriesChartProps {
  filters: Filters;
  focus: Focus;
  onPercentileChange: (p: Percentile) => void;
  /** Releases and alert state changes, drawn where they fall inside the chart's window. */
  markers: readonly TimeMarker[];
}

const PERCENTILE_OPTIONS = PERCENTILES.map((p) => ({ value: String(p), label: `p${p}` }));

/**
 * The chosen percentile of the focused metric over time, with the rating thresholds and the
 * markers. The time axis is linear in epoch ms over the answer's window, so a marker stands at
 * its moment rather than at the start of its bucket.
 */
export function TimeseriesChart({
  filters,
  focus,
  onPercentileChange,
  markers,
}: TimeseriesChartProps) {
  const query = useTimeseries(filters, focus);
  const { metric } = focus;
  const thresholds = THRESHOLDS[metric];
  const withDate = filters.range !== '1h' && filters.range !== '24h';
  return (
    <Panel
      title={`${metric} over time`}
      testId="timeseries"
      className="span-2"
      actions={
        <Select
          label="Percentile"
          value={String(focus.percentile)}
          options={PERCENTILE_OPTIONS}
          onChange={(v) => onPercentileChange(Number(v) as Percentile)}
          testId="percentile-select"
        />
      }
    >
      <QueryState
        query={query}
        minHeight={260}
        isEmpty={(d) => d.points.every((p) => p.count === 0)}
      >
        {(data) => {
          const [from, to] = [Date.parse(data.from), Date.parse(data.to)];
          return (
            <div className="chart" data-testid="timeseries-chart">
              <ResponsiveContainer width="100%" height={260}>
                <LineChart
                  data={data.points.map((p) => ({ ...p, t: Date.parse(p.time) }))}
                  margin={{ top: 8, right: 16, bottom: 0, left: 8 }}
                >
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                  <XAxis
                    dataKey="t"
                    type="number"
                    scale="time"
                    domain={[from, to]}
                    ticks={data.points.map((p) => Date.parse(p.time))}
                    tickFormatter={(t: number) => formatAxisTime(t, withDate)}
                    minTickGap={32}
                    fontSize={12}
                  />
                  <YAxis
                    tickFormatter={(v: number) => formatMetric(metric, v)}
                    width={72}
                    fontSize={12}
                  />
                  <Tooltip
                    labelFormatter={(t) => formatTime(Number(t), true)}
                    formatter={(v, _name, item) => [
                      `${formatMetric(metric, typeof v === 'number' ? v : null)} (${formatCount((item.payload as { count: number }).count)} samples)`,
                      `p${data.percentile}`,
                    ]}
                  />
                  <ReferenceLine
                    y={thresholds.good}
                    stroke={RATING_COLORS.good}
                    strokeDasharray="4 4"
                  />
                  <ReferenceLine
                    y={thresholds.poor}
                    stroke={RATING_COLORS.poor}
                    strokeDasharray="4 4"
                  />
                  {markers.map((m) => timeMarkerLine(m, from, to))}
                  <Line
                    type="monotone"
                    dataKey="value"
                    stroke="#2563eb"
                    strokeWidth={2}
                    dot={false}
                    connectNulls
                    isAnimationActive={false}
                  />
                </LineChart>
              </ResponsiveContainer>
            </div>
          );
        }}
      </QueryState>
    </Panel>
  );
}
