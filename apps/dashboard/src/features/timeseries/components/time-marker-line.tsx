import { ReferenceLine } from 'recharts';
import { RATING_COLORS } from '../../../lib/rating.ts';
import type { TimeMarker, TimeMarkerKind } from '../../../types/time-marker.ts';

const MARKER_COLORS: Readonly<Record<TimeMarkerKind, string>> = {
  release: '#7c3aed',
  'alert-firing': RATING_COLORS.poor,
  'alert-resolved': RATING_COLORS.good,
};

/**
 * A marker as a vertical line of the chart's time axis (epoch ms from `from` to `to`), labelled
 * at the top for a release and at the bottom for an alert, on the side with more room (a label
 * right of a line near the end would be cut off), its title on hover. Recharts discards one
 * outside the axis' domain. A function rather than a component: Recharts reads its children's
 * props.
 */
export function timeMarkerLine(marker: TimeMarker, from: number, to: number) {
  const color = MARKER_COLORS[marker.kind];
  const at = Date.parse(marker.at);
  const side = at > (from + to) / 2 ? 'Right' : 'Left';
  return (
    <ReferenceLine
      key={marker.key}
      x={at}
      stroke={color}
      strokeWidth={marker.kind === 'release' ? 1.5 : 2}
      strokeDasharray={marker.kind === 'release' ? '6 3' : undefined}
      label={{
        value: marker.label,
        position: `${marker.kind === 'release' ? 'insideTop' : 'insideBottom'}${side}`,
        fill: color,
        fontSize: 11,
      }}
      shape={(props: object) => (
        <line
          {...props}
          className="recharts-reference-line-line"
          data-testid="time-marker"
          data-kind={marker.kind}
          data-at={marker.at}
          data-label={marker.label}
        >
          <title>{marker.title}</title>
        </line>
      )}
    />
  );
}
