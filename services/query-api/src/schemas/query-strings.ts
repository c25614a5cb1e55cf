/**
 * Querystring and path schemas of every route. Fastify validates (and documents) them;
 * the handlers only ever see values these schemas accepted.
 */
import {
  ATTRIBUTED_METRICS,
  ATTRIBUTION_KEYS,
  BREAKDOWN_DIMENSIONS,
  COMPARISONS,
  INTERVALS,
  METRIC_NAMES,
  NAVIGATION_TYPES,
  PAGE_GROUPINGS,
  PERCENTILES,
  PHASED_METRICS,
  PROJECT_SLUG_PATTERN,
  RANGES,
} from '@rum/contract';

const dimension = (description: string) =>
  ({ type: 'string', minLength: 1, maxLength: 64, description }) as const;

const windowProperties = {
  range: {
    type: 'string',
    enum: RANGES,
    description: 'Window ending now; default 24h. Not with from/to.',
  },
  from: { type: 'string', format: 'date-time', description: 'Window start (ISO 8601, inclusive).' },
  to: {
    type: 'string',
    format: 'date-time',
    description: 'Window end (ISO 8601, exclusive); default now.',
  },
} as const;

const filterProperties = {
  page: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    pattern: '^/',
    description: 'Page path, e.g. /checkout, or a route template, e.g. /products/:id.',
  },
  route: {
    type: 'string',
    minLength: 1,
    maxLength: 2048,
    pattern: '^/',
    description: 'Route template, e.g. /products/:id (rum project routes list).',
  },
  device: dimension('Device type: mobile, tablet or desktop.'),
  browser: dimension('Browser name, e.g. Chrome.'),
  country: dimension('Country code, e.g. DE.'),
  navigationType: {
    type: 'string',
    enum: NAVIGATION_TYPES,
    description: 'How the page was reached, as web-vitals reports it.',
  },
  release: dimension("Release the page ran, as the SDK's release option names it."),
} as const;

const compare = {
  type: 'string',
  enum: COMPARISONS,
  description: 'previous: also the window of equal length just before, and the change.',
} as const;

const groupBy = {
  type: 'string',
  enum: PAGE_GROUPINGS,
  default: 'route',
  description: 'One row per route template (default) or per page path.',
} as const;

const metric = {
  type: 'string',
  enum: METRIC_NAMES,
  description: 'Metric; default LCP.',
  default: 'LCP',
} as const;

const limit = (max: number, byDefault: number) =>
  ({
    type: 'integer',
    minimum: 1,
    maximum: max,
    default: byDefault,
    description: `At most ${max}.`,
  }) as const;

function querystring<P extends object>(properties: P, required: string[] = []) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

export const summaryQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric: { type: 'string', enum: METRIC_NAMES, description: 'Only this metric; default all.' },
  compare,
});

export const timeseriesQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric,
  percentile: { type: 'integer', enum: PERCENTILES, default: 75 },
  interval: {
    type: 'string',
    enum: INTERVALS,
    description: 'Bucket width; default from the window length.',
  },
});

export const pagesQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric,
  limit: limit(500, 50),
  groupBy,
  compare,
});

/** Pages with fewer samples than this are left out of slow-pages unless `minSamples` says otherwise. */
export const DEFAULT_MIN_SAMPLES = 20;

export const slowPagesQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric,
  limit: limit(500, 20),
  minSamples: { type: 'integer', minimum: 1, maximum: 1_000_000, default: DEFAULT_MIN_SAMPLES },
  groupBy,
  compare,
});

export const breakdownQuery = querystring(
  {
    ...windowProperties,
    ...filterProperties,
    metric,
    by: { type: 'string', enum: BREAKDOWN_DIMENSIONS },
    limit: limit(200, 50),
    compare,
  },
  ['by'],
);

const ALL_ATTRIBUTION_KEYS = [...new Set(Object.values(ATTRIBUTION_KEYS).flat())];

export const attributionQuery = querystring(
  {
    ...windowProperties,
    ...filterProperties,
    metric: { type: 'string', enum: ATTRIBUTED_METRICS, default: 'LCP' },
    by: {
      type: 'string',
      enum: ALL_ATTRIBUTION_KEYS,
      description: 'LCP: element or url; INP: target or type; CLS: target. Default: the first.',
    },
    limit: limit(100, 10),
  },
  [],
);

export const phasesQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric: { type: 'string', enum: PHASED_METRICS, default: 'LCP' },
});

/** Fewer samples of LCP or CLS than this in 28 days make a form factor `insufficient-data`. */
export const DEFAULT_ASSESSMENT_MIN_SAMPLES = 100;

export const assessmentQuery = querystring({
  page: filterProperties.page,
  route: filterProperties.route,
  minSamples: {
    type: 'integer',
    minimum: 1,
    maximum: 1_000_000,
    default: DEFAULT_ASSESSMENT_MIN_SAMPLES,
  },
});

export const histogramQuery = querystring({ ...windowProperties, ...filterProperties, metric });

export const metricsQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric: { type: 'string', enum: METRIC_NAMES, description: 'Only this metric; default all.' },
  limit: limit(1000, 100),
});

export const errorsQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  limit: limit(500, 50),
});

export const releasesQuery = querystring({
  ...windowProperties,
  range: {
    ...windowProperties.range,
    description: 'Window ending now; default 30d. Not with from/to.',
  },
  ...filterProperties,
  limit: limit(200, 50),
  compare: {
    type: 'string',
    enum: COMPARISONS,
    description:
      'previous: each release against the release first seen before it, in the same window.',
  },
});

export const alertEventsQuery = querystring({ limit: limit(500, 100) });

export const projectParams = {
  type: 'object',
  properties: { project: { type: 'string', pattern: PROJECT_SLUG_PATTERN.source } },
  required: ['project'],
} as const;

export const sessionParams = {
  type: 'object',
  properties: {
    ...projectParams.properties,
    sid: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' },
  },
  required: ['project', 'sid'],
} as const;
