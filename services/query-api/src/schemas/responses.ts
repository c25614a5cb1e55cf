/**
 * Response schemas, mirroring the types in packages/contract/src/query.ts (the dashboard's
 * contract). Fastify serialises with them and @fastify/swagger documents them.
 */
import { BREAKDOWN_DIMENSIONS, INTERVALS, METRIC_NAMES, PERCENTILES, RATINGS } from '@rum/contract';

const str = { type: 'string' } as const;
const num = { type: 'number' } as const;
const int = { type: 'integer' } as const;
const nullableNum = { type: ['number', 'null'] } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const nullableInt = { type: ['integer', 'null'] } as const;
const dateTime = { type: 'string', format: 'date-time' } as const;
const metricName = { type: 'string', enum: METRIC_NAMES } as const;
const rating = { type: 'string', enum: RATINGS } as const;
const nullableRating = { type: ['string', 'null'], enum: [...RATINGS, null] } as const;

function object<P extends Record<string, unknown>>(properties: P, description?: string) {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties),
    additionalProperties: false,
    ...(description ? { description } : {}),
  } as const;
}

const shares = object(
  { good: num, needsImprovement: num, poor: num },
  'Fractions in [0, 1]; good <= good threshold, poor > poor threshold.',
);

const windowProperties = {
  from: dateTime,
  to: dateTime,
  source: {
    type: 'string',
    enum: ['raw', 'rollup'],
    description: 'raw: exact percentile_cont; rollup: summed histogram bins (within 2%).',
  },
} as const;

const groupStats = { count: int, p75: nullableNum, rating: nullableRating, shares } as const;

export const summaryResponse = object({
  ...windowProperties,
  metrics: {
    type: 'array',
    items: object({
      metric: metricName,
      count: int,
      p50: nullableNum,
      p75: nullableNum,
      p95: nullableNum,
      rating: nullableRating,
      shares,
    }),
  },
});

export const timeseriesResponse = object({
  ...windowProperties,
  metric: metricName,
  percentile: { type: 'integer', enum: PERCENTILES },
  interval: { type: 'string', enum: INTERVALS },
  points: {
    type: 'array',
    description:
      'One point per time_bucket() bucket overlapping the window; empty buckets have value null and count 0.',
    items: object({ time: dateTime, value: nullableNum, count: int }),
  },
});

export const pagesResponse = object({
  ...windowProperties,
  metric: metricName,
  pages: { type: 'array', items: object({ domain: str, path: str, ...groupStats }) },
});

export const breakdownResponse = object({
  ...windowProperties,
  metric: metricName,
  by: { type: 'string', enum: BREAKDOWN_DIMENSIONS },
  rows: { type: 'array', items: object({ value: str, ...groupStats }) },
});

export const histogramResponse = object({
  ...windowProperties,
  metric: metricName,
  thresholds: object({ good: num, poor: num }),
  buckets: {
    type: 'array',
    items: object({ from: num, to: num, count: int }, 'Samples with from <= value < to.'),
  },
});

const metricRow = object({
  time: dateTime,
  name: metricName,
  value: num,
  rating,
  sessionId: str,
  domain: str,
  path: str,
  device: str,
  browser: str,
  os: str,
  country: str,
  connection: nullableStr,
  navigationType: nullableStr,
  attribution: { type: ['object', 'null'], additionalProperties: true },
});

export const metricsResponse = object({
  ...windowProperties,
  rows: { type: 'array', items: metricRow },
});

export const errorsResponse = object({
  ...windowProperties,
  errors: {
    type: 'array',
    items: object({
      fingerprint: str,
      message: str,
      count: int,
      sessions: int,
      firstSeen: dateTime,
      lastSeen: dateTime,
      sampleStack: nullableStr,
      source: nullableStr,
      line: nullableInt,
      col: nullableInt,
    }),
  },
});

export const sessionResponse = object({
  sessionId: str,
  metrics: { type: 'array', items: metricRow },
  errors: {
    type: 'array',
    items: object({
      time: dateTime,
      message: str,
      stack: nullableStr,
      source: nullableStr,
      line: nullableInt,
      col: nullableInt,
      path: str,
    }),
  },
});

export const errorResponse = {
  type: 'object',
  properties: { statusCode: int, code: str, error: str, message: str, parameter: str },
  required: ['statusCode', 'code', 'error', 'message'],
} as const;

/** The error answers every /v1 route may give, for the OpenAPI document. */
export const errorResponses = {
  400: errorResponse,
  401: errorResponse,
  403: errorResponse,
  404: errorResponse,
  429: errorResponse,
} as const;
