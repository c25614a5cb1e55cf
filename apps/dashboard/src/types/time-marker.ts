/** What a vertical line on the time series marks: a release's first sighting, an alert's state change. */
export type TimeMarkerKind = 'release' | 'alert-firing' | 'alert-resolved';

/** A moment drawn on the time series as a labelled vertical line. */
export interface TimeMarker {
  key: string;
  kind: TimeMarkerKind;
  /** ISO time of the moment. */
  at: string;
  /** Written beside the line. */
  label: string;
  /** Shown on hover. */
  title: string;
}
