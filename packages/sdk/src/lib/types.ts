import type { BeaconError, BeaconEvent, MetricName, NavigationType, Rating } from '@rum/contract';

/**
 * Called with every metric event and every error before it is queued. Return the item
 * (edited or not) to send it, or a falsy value to drop it. Metric events have `name`,
 * errors have `message`.
 */
export type BeforeSend = (
  item: BeaconEvent | BeaconError,
) => BeaconEvent | BeaconError | null | undefined | false | void;

/** Options of {@link init}; the script tag reads the same from `data-` attributes. */
export interface Options {
  /** The project's ingest key (`pk_...`), sent as `?key=`. */
  key: string;
  /** Base URL of the ingest API, e.g. `https://ingest.example.com`. Default: this page's origin. */
  endpoint?: string;
  /** Share of sessions that report, 0..1, decided once per session. Default 1. */
  sampleRate?: number;
  /** Hook to edit or drop an item before it is queued. */
  beforeSend?: BeforeSend;
  /** Load `web-vitals/attribution` (lazily) and send what caused each metric. Default false. */
  attribution?: boolean;
  /** Keep the query string and fragment of page URLs. Default false: they are dropped. */
  keepQuery?: boolean;
  /**
   * The site's release (a version, build or commit, e.g. `v1.2.3`), sent with every beacon so
   * metrics and errors can be compared per deploy. Cut to the contract's `LIMITS.release`
   * characters; absent or empty: no release is sent.
   */
  release?: string;
}

/** The fields of a web-vitals metric (or our FID report) that end up on the wire. */
export interface MetricLike {
  id: string;
  name: MetricName;
  value: number;
  delta: number;
  rating: Rating;
  /** web-vitals may also say `soft-navigation`, which the ingest contract does not know. */
  navigationType?: NavigationType | 'soft-navigation';
}

/** Short strings and numbers describing a metric's cause. */
export type Attribution = Record<string, string | number>;

/** Turns an attribution-build metric into {@link Attribution}. */
export type Attribute = (metric: MetricLike) => Attribution | undefined;

/** A web-vitals `onX` function. */
export type Reporter = (report: (metric: MetricLike) => void) => void;
