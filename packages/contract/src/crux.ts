/**
 * The CrUX-compatible API (issue 15): request and response shapes of the Chrome UX Report
 * API's `records:queryRecord` and `records:queryHistoryRecord`, as its reference documents
 * them (https://developer.chrome.com/docs/crux/api, .../docs/crux/history-api), so any CrUX
 * client pointed at the query API reads a project's own data.
 */
import type { MetricName } from './metrics.ts';

/** CrUX's form factors; ALL_FORM_FACTORS (or none) aggregates them all. */
export const CRUX_FORM_FACTORS = ['ALL_FORM_FACTORS', 'PHONE', 'DESKTOP', 'TABLET'] as const;
export type CruxFormFactor = (typeof CRUX_FORM_FACTORS)[number];

/**
 * CrUX's effective connection types (the Network Information API's effectiveType, as CrUX
 * spells them). `offline` is accepted as CrUX accepts it; a beacon is sent online, so no
 * sample ever has it.
 */
export const CRUX_EFFECTIVE_CONNECTION_TYPES = ['4G', '3G', '2G', 'slow-2G', 'offline'] as const;
export type CruxEffectiveConnectionType = (typeof CRUX_EFFECTIVE_CONNECTION_TYPES)[number];

/** CrUX's histogram metrics and the metric of ours each is. TTFB is still "experimental" in CrUX. */
export const CRUX_HISTOGRAM_METRICS = {
  largest_contentful_paint: 'LCP',
  interaction_to_next_paint: 'INP',
  cumulative_layout_shift: 'CLS',
  first_contentful_paint: 'FCP',
  experimental_time_to_first_byte: 'TTFB',
} as const satisfies Record<string, MetricName>;
export type CruxHistogramMetric = keyof typeof CRUX_HISTOGRAM_METRICS;

/** CrUX's fraction metrics: the share of page loads per form factor and per navigation type. */
export const CRUX_FRACTION_METRICS = ['form_factors', 'navigation_types'] as const;
export type CruxFractionMetric = (typeof CRUX_FRACTION_METRICS)[number];

/**
 * Metrics CrUX documents that this API has no data for (network round trips, LCP resource
 * types and image subparts, the retired FID): asking for them is not an error, they are just
 * absent from the record, as CrUX omits a metric a record has no data for.
 */
export const CRUX_UNSERVED_METRICS = [
  'round_trip_time',
  'first_input_delay',
  'largest_contentful_paint_resource_type',
  'largest_contentful_paint_image_time_to_first_byte',
  'largest_contentful_paint_image_resource_load_delay',
  'largest_contentful_paint_image_resource_load_duration',
  'largest_contentful_paint_image_element_render_delay',
] as const;

/** Every metric name a request may list. */
export const CRUX_METRIC_NAMES = [
  ...(Object.keys(CRUX_HISTOGRAM_METRICS) as CruxHistogramMetric[]),
  ...CRUX_FRACTION_METRICS,
  ...CRUX_UNSERVED_METRICS,
] as const;

/** The keys of `navigation_types.fractions`, CrUX's spelling of the navigation types. */
export const CRUX_NAVIGATION_TYPES = [
  'navigate',
  'navigate_cache',
  'reload',
  'restore',
  'back_forward',
  'back_forward_cache',
  'prerender',
] as const;
export type CruxNavigationType = (typeof CRUX_NAVIGATION_TYPES)[number];

/** The keys of `form_factors.fractions`. */
export const CRUX_FORM_FACTOR_FRACTIONS = ['desktop', 'phone', 'tablet'] as const;

/** Length of a collection period, in days (the last one ends today). */
export const CRUX_PERIOD_DAYS = 28;
/** History: periods are this many days apart. */
export const CRUX_HISTORY_STEP_DAYS = 7;
export const CRUX_HISTORY_DEFAULT_PERIODS = 25;
export const CRUX_HISTORY_MAX_PERIODS = 40;

export interface CruxRecordRequest {
  origin?: string;
  url?: string;
  formFactor?: CruxFormFactor;
  metrics?: string[];
  /** Only the samples of this connection type; absent: all. */
  effectiveConnectionType?: CruxEffectiveConnectionType;
}

export interface CruxHistoryRequest extends CruxRecordRequest {
  collectionPeriodCount?: number;
}

export interface CruxDate {
  year: number;
  month: number;
  day: number;
}

/** Both dates inclusive, in UTC. */
export interface CruxCollectionPeriod {
  firstDate: CruxDate;
  lastDate: CruxDate;
}

export interface CruxKey {
  origin?: string;
  url?: string;
  formFactor?: CruxFormFactor;
  effectiveConnectionType?: CruxEffectiveConnectionType;
}

/** A bin's edges: numbers in ms, strings with two decimals for CLS; the last bin has no end. */
export interface CruxBin {
  start: number | string;
  end?: number | string;
  density: number;
}

export interface CruxHistogramValue {
  histogram: CruxBin[];
  /** An integer in ms, or a string with two decimals for CLS. */
  percentiles: { p75: number | string };
}

export interface CruxFractionsValue {
  fractions: Record<string, number>;
}

export interface CruxUrlNormalization {
  originalUrl: string;
  normalizedUrl: string;
}

export interface CruxRecordResponse {
  record: {
    key: CruxKey;
    metrics: Partial<
      Record<CruxHistogramMetric, CruxHistogramValue> &
        Record<CruxFractionMetric, CruxFractionsValue>
    >;
    collectionPeriod: CruxCollectionPeriod;
  };
  urlNormalizationDetails?: CruxUrlNormalization;
}

/** A period without data: its densities and fractions are the string "NaN", its p75 null. */
export type CruxDensity = number | 'NaN';

export interface CruxHistogramTimeseriesBin {
  start: number | string;
  end?: number | string;
  densities: CruxDensity[];
}

export interface CruxHistoryHistogramValue {
  histogramTimeseries: CruxHistogramTimeseriesBin[];
  percentilesTimeseries: { p75s: Array<number | string | null> };
}

export interface CruxFractionTimeseriesValue {
  fractionTimeseries: Record<string, { fractions: CruxDensity[] }>;
}

export interface CruxHistoryResponse {
  record: {
    key: CruxKey;
    metrics: Partial<
      Record<CruxHistogramMetric, CruxHistoryHistogramValue> &
        Record<CruxFractionMetric, CruxFractionTimeseriesValue>
    >;
    /** Oldest first, as the values of every time series. */
    collectionPeriods: CruxCollectionPeriod[];
  };
  urlNormalizationDetails?: CruxUrlNormalization;
}

/** Google's API error statuses for the HTTP codes this API answers with. */
export const CRUX_ERROR_STATUSES: Readonly<Record<number, string>> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

/** The body of every CrUX-compatible error: Google's API error shape. */
export interface CruxErrorResponse {
  error: { code: number; message: string; status: string };
}
