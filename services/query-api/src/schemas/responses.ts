/**
 * Response schemas, mirroring the types in packages/contract/src/query.ts (the dashboard's
 * contract). Fastify serialises with them and @fastify/swagger documents them.
 */
import {
  ALERT_STATS,
  ALERT_WINDOWS,
  ATTRIBUTED_METRICS,
  BREAKDOWN_DIMENSIONS,
  DEVICE_TYPES,
  FORM_FACTORS,
  INTERVALS,
  METRIC_NAMES,
  PAGE_GROUPINGS,
  PERCENTILES,
  PHASED_METRICS,
  RATINGS,
} from '@rum/contract';

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

/** An object whose properties are all required, except those named in `optional`. */
function object<P extends Record<string, unknown>>(
  properties: P,
  description?: string,
  optional: readonly string[] = [],
) {
  return {
    type: 'object',
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
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

/** With compare=previous: the group's figures in the previous window, and the change. */
const comparedProperties = {
  previous: { ...object(groupStats), type: ['object', 'null'] },
  change: object(
    { p75: nullableNum, good: nullableNum },
    'p75 now minus p75 then; good share now minus good share then (null without samples on a side).',
  ),
} as const;
const COMPARED = Object.keys(comparedProperties);

const comparedWindow = {
  compare: object({ ...windowProperties }, 'With compare=previous: the previous window.'),
} as const;

export const summaryResponse = object(
  {
    ...windowProperties,
    ...comparedWindow,
    metrics: {
      type: 'array',
      items: object(
        {
          metric: metricName,
          count: int,
          p50: nullableNum,
          p75: nullableNum,
          p95: nullableNum,
          rating: nullableRating,
          shares,
          ...comparedProperties,
        },
        undefined,
        COMPARED,
      ),
    },
  },
  undefined,
  ['compare'],
);

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

export const pagesResponse = object(
  {
    ...windowProperties,
    ...comparedWindow,
    metric: metricName,
    groupBy: { type: 'string', enum: PAGE_GROUPINGS },
    pages: {
      type: 'array',
      items: object(
        {
          domain: str,
          path: {
            type: 'string',
            description: 'The route template, or the page path with groupBy=page.',
          },
          route: str,
          pages: {
            type: 'integer',
            description: 'Page paths the route covers; 1 with groupBy=page.',
          },
          ...groupStats,
          ...comparedProperties,
        },
        undefined,
        COMPARED,
      ),
    },
  },
  undefined,
  ['compare'],
);

export const breakdownResponse = object(
  {
    ...windowProperties,
    ...comparedWindow,
    metric: metricName,
    by: { type: 'string', enum: BREAKDOWN_DIMENSIONS },
    rows: {
      type: 'array',
      items: object({ value: str, ...groupStats, ...comparedProperties }, undefined, COMPARED),
    },
  },
  undefined,
  ['compare'],
);

export const attributionResponse = object({
  ...windowProperties,
  metric: { type: 'string', enum: ATTRIBUTED_METRICS },
  by: str,
  count: int,
  poor: int,
  unattributed: { type: 'number', description: 'Share of samples without a value for `by`.' },
  groups: {
    type: 'array',
    description: 'Ranked by poor samples; (other) sums values beyond the stored top ones.',
    items: object({ value: str, ...groupStats, poor: int, poorShare: num }),
  },
});

const phaseStat = object({ count: int, p75: nullableNum });

export const phasesResponse = object({
  ...windowProperties,
  metric: { type: 'string', enum: PHASED_METRICS },
  phases: {
    type: 'array',
    items: object({ phase: str, all: phaseStat, poor: phaseStat }),
  },
});

export const assessmentResponse = object({
  ...windowProperties,
  minSamples: int,
  formFactors: {
    type: 'array',
    items: object({
      formFactor: { type: 'string', enum: FORM_FACTORS },
      status: { type: 'string', enum: ['passed', 'failed', 'insufficient-data'] },
      metrics: {
        type: 'array',
        items: object({ metric: metricName, count: int, p75: nullableNum, rating: nullableRating }),
      },
    }),
  },
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

export const releasesResponse = object({
  ...windowProperties,
  releases: {
    type: 'array',
    description: 'Newest first sighting first.',
    items: object(
      {
        release: str,
        firstSeen: { ...dateTime, description: 'Earliest stored sample of the release, ever.' },
        lastSeen: {
          ...dateTime,
          description: 'Latest stored sample of the release, ever (up to a minute behind).',
        },
        samples: { ...int, description: 'Samples of every metric in the window.' },
        previous: {
          ...nullableStr,
          description: 'With compare=previous: the release compared against (first seen before).',
        },
        metrics: {
          type: 'array',
          items: object(
            { metric: metricName, ...groupStats, ...comparedProperties },
            undefined,
            COMPARED,
          ),
        },
      },
      undefined,
      ['previous'],
    ),
  },
});

const alertFilters = object(
  {
    device: { type: 'string', enum: DEVICE_TYPES },
    route: str,
  },
  'The slice of traffic the rule watches; absent: all of it.',
  ['device', 'route'],
);
const alertRule = {
  id: str,
  metric: metricName,
  stat: { type: 'string', enum: ALERT_STATS },
  threshold: { ...num, description: 'Breaching while the stat is above this.' },
  window: { type: 'string', enum: Object.keys(ALERT_WINDOWS) },
  filters: alertFilters,
  minSamples: int,
} as const;

export const alertsResponse = object({
  alerts: {
    type: 'array',
    items: object({
      ...alertRule,
      project: str,
      webhookHost: str,
      createdAt: dateTime,
      state: { type: 'string', enum: ['ok', 'firing'] },
      since: dateTime,
      streak: int,
      last: {
        ...object({ at: dateTime, value: nullableNum, samples: int }),
        type: ['object', 'null'],
        description: 'The latest evaluation; value is null below minSamples.',
      },
    }),
  },
});

export const alertEventsResponse = object({
  events: {
    type: 'array',
    description: 'Newest first.',
    items: object({
      id: str,
      rule: str,
      metric: metricName,
      stat: alertRule.stat,
      state: { type: 'string', enum: ['firing', 'resolved'] },
      value: num,
      threshold: num,
      samples: int,
      window: alertRule.window,
      filters: alertFilters,
      at: dateTime,
      delivery: object({
        state: { type: 'string', enum: ['pending', 'delivered', 'failed'] },
        attempts: int,
        deliveredAt: nullableStr,
        lastError: nullableStr,
      }),
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
