/**
 * Querystring and path schemas of every route. Fastify validates (and documents) them;
 * the handlers only ever see values these schemas accepted.
 */
import {
  BREAKDOWN_DIMENSIONS,
  INTERVALS,
  METRIC_NAMES,
  PERCENTILES,
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
    description: 'Page path, e.g. /checkout.',
  },
  device: dimension('Device type: mobile, tablet or desktop.'),
  browser: dimension('Browser name, e.g. Chrome.'),
  country: dimension('Country code, e.g. DE.'),
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
});

/** Pages with fewer samples than this are left out of slow-pages unless `minSamples` says otherwise. */
export const DEFAULT_MIN_SAMPLES = 20;

export const slowPagesQuery = querystring({
  ...windowProperties,
  ...filterProperties,
  metric,
  limit: limit(500, 20),
  minSamples: { type: 'integer', minimum: 1, maximum: 1_000_000, default: DEFAULT_MIN_SAMPLES },
});

export const breakdownQuery = querystring(
  {
    ...windowProperties,
    ...filterProperties,
    metric,
    by: { type: 'string', enum: BREAKDOWN_DIMENSIONS },
    limit: limit(200, 50),
  },
  ['by'],
);

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
