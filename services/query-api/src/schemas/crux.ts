/**
 * Request and response schemas of the CrUX-compatible routes, mirroring the types in
 * packages/contract/src/crux.ts: Fastify validates and serialises with them and
 * @fastify/swagger documents them.
 */
import {
  CRUX_EFFECTIVE_CONNECTION_TYPES,
  CRUX_FORM_FACTORS,
  CRUX_HISTOGRAM_METRICS,
  CRUX_HISTORY_MAX_PERIODS,
  CRUX_METRIC_NAMES,
} from '@rum/contract';

const str = { type: 'string' } as const;
const int = { type: 'integer' } as const;
const num = { type: 'number' } as const;
/** A value or an edge: a number in ms, a two-decimal string for CLS. */
const cruxNumber = { type: ['number', 'string'] } as const;

const requestProperties = {
  origin: {
    ...str,
    description: 'An origin of one of the project\'s websites, e.g. "https://shop.example".',
  },
  url: {
    ...str,
    description:
      'A page URL; its query and fragment are dropped (urlNormalizationDetails says so).',
  },
  formFactor: { type: 'string', enum: CRUX_FORM_FACTORS },
  metrics: {
    type: 'array',
    items: { type: 'string', enum: CRUX_METRIC_NAMES },
    description: 'Metrics to answer; all that have data when absent or empty.',
  },
  effectiveConnectionType: {
    type: 'string',
    enum: CRUX_EFFECTIVE_CONNECTION_TYPES,
    description:
      "Only page views on this connection type (navigator.connection.effectiveType); browsers without the Network Information API (Safari, Firefox) report none, so their samples are in no connection type's record.",
  },
} as const;

export const cruxRecordBody = {
  type: 'object',
  properties: requestProperties,
  additionalProperties: false,
} as const;

export const cruxHistoryBody = {
  type: 'object',
  properties: {
    ...requestProperties,
    collectionPeriodCount: { type: 'integer', minimum: 1, maximum: CRUX_HISTORY_MAX_PERIODS },
  },
  additionalProperties: false,
} as const;

export const cruxQuerystring = {
  type: 'object',
  properties: { key: { ...str, description: 'A read token (instead of Authorization: Bearer).' } },
} as const;

const date = {
  type: 'object',
  properties: { year: int, month: int, day: int },
  required: ['year', 'month', 'day'],
} as const;
const collectionPeriod = {
  type: 'object',
  properties: { firstDate: date, lastDate: date },
  required: ['firstDate', 'lastDate'],
} as const;
const key = {
  type: 'object',
  properties: { origin: str, url: str, formFactor: str, effectiveConnectionType: str },
} as const;
const urlNormalizationDetails = {
  type: 'object',
  properties: { originalUrl: str, normalizedUrl: str },
  required: ['originalUrl', 'normalizedUrl'],
} as const;

/** Every histogram metric with the same value schema, and the two fraction metrics. */
function metricsOf(histogram: object, fractions: object) {
  return {
    type: 'object',
    properties: {
      ...Object.fromEntries(Object.keys(CRUX_HISTOGRAM_METRICS).map((m) => [m, histogram])),
      form_factors: fractions,
      navigation_types: fractions,
    },
  } as const;
}

const histogramValue = {
  type: 'object',
  properties: {
    histogram: {
      type: 'array',
      items: {
        type: 'object',
        properties: { start: cruxNumber, end: cruxNumber, density: num },
        required: ['start', 'density'],
      },
    },
    percentiles: { type: 'object', properties: { p75: cruxNumber }, required: ['p75'] },
  },
  required: ['histogram', 'percentiles'],
} as const;

const fractionsValue = {
  type: 'object',
  properties: { fractions: { type: 'object', additionalProperties: num } },
  required: ['fractions'],
} as const;

export const cruxRecordResponse = {
  type: 'object',
  properties: {
    record: {
      type: 'object',
      properties: { key, metrics: metricsOf(histogramValue, fractionsValue), collectionPeriod },
      required: ['key', 'metrics', 'collectionPeriod'],
    },
    urlNormalizationDetails,
  },
  required: ['record'],
} as const;

/** A density or fraction of a period: a number, or the string "NaN" for a period without data. */
const density = { type: ['number', 'string'] } as const;

const historyHistogramValue = {
  type: 'object',
  properties: {
    histogramTimeseries: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          start: cruxNumber,
          end: cruxNumber,
          densities: { type: 'array', items: density },
        },
        required: ['start', 'densities'],
      },
    },
    percentilesTimeseries: {
      type: 'object',
      properties: { p75s: { type: 'array', items: { type: ['number', 'string', 'null'] } } },
      required: ['p75s'],
    },
  },
  required: ['histogramTimeseries', 'percentilesTimeseries'],
} as const;

const fractionTimeseriesValue = {
  type: 'object',
  properties: {
    fractionTimeseries: {
      type: 'object',
      additionalProperties: {
        type: 'object',
        properties: { fractions: { type: 'array', items: density } },
        required: ['fractions'],
      },
    },
  },
  required: ['fractionTimeseries'],
} as const;

export const cruxHistoryResponse = {
  type: 'object',
  properties: {
    record: {
      type: 'object',
      properties: {
        key,
        metrics: metricsOf(historyHistogramValue, fractionTimeseriesValue),
        collectionPeriods: { type: 'array', items: collectionPeriod },
      },
      required: ['key', 'metrics', 'collectionPeriods'],
    },
    urlNormalizationDetails,
  },
  required: ['record'],
} as const;

/** Google's API error body. */
export const cruxErrorResponse = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: int, message: str, status: str },
      required: ['code', 'message', 'status'],
    },
  },
  required: ['error'],
} as const;
