/**
 * JSON schemas of the CrUX API's answers, written from its reference
 * (https://developer.chrome.com/docs/crux/api and .../docs/crux/history-api) rather than from
 * our code, so the tests check our answers against what CrUX clients expect: field names,
 * types, three-bin histograms (the last without an end), CLS edges and p75 as two-decimal
 * strings, other p75s as integers, densities and fractions in [0, 1] rounded to 4 decimals,
 * dates as {year, month, day}, "NaN" densities and null p75s for periods without data, and
 * Google's error body.
 */
import { Ajv2020 } from 'ajv/dist/2020.js';

const fraction = { type: 'number', minimum: 0, maximum: 1, multipleOf: 0.0001 };
const date = {
  type: 'object',
  additionalProperties: false,
  required: ['year', 'month', 'day'],
  properties: {
    year: { type: 'integer', minimum: 2000 },
    month: { type: 'integer', minimum: 1, maximum: 12 },
    day: { type: 'integer', minimum: 1, maximum: 31 },
  },
};
const collectionPeriod = {
  type: 'object',
  additionalProperties: false,
  required: ['firstDate', 'lastDate'],
  properties: { firstDate: date, lastDate: date },
};
const key = {
  type: 'object',
  additionalProperties: false,
  oneOf: [{ required: ['origin'] }, { required: ['url'] }],
  properties: {
    origin: { type: 'string', pattern: '^https?://[^/]+$' },
    url: { type: 'string', pattern: '^https?://[^?#]+$' },
    formFactor: { enum: ['ALL_FORM_FACTORS', 'PHONE', 'DESKTOP', 'TABLET'] },
    effectiveConnectionType: { enum: ['4G', '3G', '2G', 'slow-2G', 'offline'] },
  },
};
const urlNormalizationDetails = {
  type: 'object',
  additionalProperties: false,
  required: ['originalUrl', 'normalizedUrl'],
  properties: { originalUrl: { type: 'string' }, normalizedUrl: { type: 'string' } },
};

const TIMING_METRICS = [
  'largest_contentful_paint',
  'interaction_to_next_paint',
  'first_contentful_paint',
  'experimental_time_to_first_byte',
];
const NAVIGATION_TYPES = [
  'navigate',
  'navigate_cache',
  'reload',
  'restore',
  'back_forward',
  'back_forward_cache',
  'prerender',
];
const FORM_FACTORS = ['desktop', 'phone', 'tablet'];

/** Three bins: [start, end) twice, then an open last bin. */
function threeBins(bin: (last: boolean) => object) {
  return {
    type: 'array',
    minItems: 3,
    maxItems: 3,
    prefixItems: [bin(false), bin(false), bin(true)],
    items: false,
  };
}

function histogramBin(edge: object, value: object, last: boolean, valueKey: string) {
  return {
    type: 'object',
    additionalProperties: false,
    required: last ? ['start', valueKey] : ['start', 'end', valueKey],
    properties: { start: edge, ...(last ? {} : { end: edge }), [valueKey]: value },
  };
}

const intEdge = { type: 'integer', minimum: 0 };
const clsString = { type: 'string', pattern: '^\\d+\\.\\d{2}$' };

function recordMetric(edge: object, p75: object) {
  const bins = threeBins((last) => histogramBin(edge, fraction, last, 'density'));
  return {
    type: 'object',
    additionalProperties: false,
    required: ['histogram', 'percentiles'],
    properties: {
      histogram: bins,
      percentiles: {
        type: 'object',
        additionalProperties: false,
        required: ['p75'],
        properties: { p75 },
      },
    },
  };
}

function fractionsOf(keys: string[], value: object) {
  return {
    type: 'object',
    additionalProperties: false,
    required: keys,
    properties: Object.fromEntries(keys.map((k) => [k, value])),
  };
}

/** A record, with its period(s) under `periodKey` and these metric schemas. */
function response(periodKey: string, period: object, metrics: Record<string, object>) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['record'],
    properties: {
      record: {
        type: 'object',
        additionalProperties: false,
        required: ['key', 'metrics', periodKey],
        properties: {
          key,
          [periodKey]: period,
          metrics: {
            type: 'object',
            additionalProperties: false,
            minProperties: 1,
            properties: metrics,
          },
        },
      },
      urlNormalizationDetails,
    },
  };
}

const fractionMetric = (keys: string[]) => ({
  type: 'object',
  additionalProperties: false,
  required: ['fractions'],
  properties: { fractions: fractionsOf(keys, fraction) },
});

export const recordSchema = response('collectionPeriod', collectionPeriod, {
  ...Object.fromEntries(TIMING_METRICS.map((m) => [m, recordMetric(intEdge, intEdge)])),
  cumulative_layout_shift: recordMetric(clsString, clsString),
  navigation_types: fractionMetric(NAVIGATION_TYPES),
  form_factors: fractionMetric(FORM_FACTORS),
});

const density = { anyOf: [fraction, { const: 'NaN' }] };

function historyMetric(edge: object, p75: object) {
  const bins = threeBins((last) =>
    histogramBin(edge, { type: 'array', minItems: 1, items: density }, last, 'densities'),
  );
  return {
    type: 'object',
    additionalProperties: false,
    required: ['histogramTimeseries', 'percentilesTimeseries'],
    properties: {
      histogramTimeseries: bins,
      percentilesTimeseries: {
        type: 'object',
        additionalProperties: false,
        required: ['p75s'],
        properties: {
          p75s: { type: 'array', minItems: 1, items: { anyOf: [p75, { type: 'null' }] } },
        },
      },
    },
  };
}

function fractionTimeseries(keys: string[]) {
  return {
    type: 'object',
    additionalProperties: false,
    required: ['fractionTimeseries'],
    properties: {
      fractionTimeseries: fractionsOf(keys, {
        type: 'object',
        additionalProperties: false,
        required: ['fractions'],
        properties: { fractions: { type: 'array', minItems: 1, items: density } },
      }),
    },
  };
}

export const historySchema = response(
  'collectionPeriods',
  {
    type: 'array',
    minItems: 1,
    items: collectionPeriod,
  },
  {
    ...Object.fromEntries(TIMING_METRICS.map((m) => [m, historyMetric(intEdge, intEdge)])),
    cumulative_layout_shift: historyMetric(clsString, clsString),
    navigation_types: fractionTimeseries(NAVIGATION_TYPES),
    form_factors: fractionTimeseries(FORM_FACTORS),
  },
);

export const errorSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      additionalProperties: false,
      required: ['code', 'message', 'status'],
      properties: {
        code: { type: 'integer', minimum: 400, maximum: 599 },
        message: { type: 'string', minLength: 1 },
        status: {
          enum: [
            'INVALID_ARGUMENT',
            'UNAUTHENTICATED',
            'PERMISSION_DENIED',
            'NOT_FOUND',
            'RESOURCE_EXHAUSTED',
            'INTERNAL',
            'UNAVAILABLE',
          ],
        },
      },
    },
  },
};

// Draft 2020-12 for prefixItems (each of the three bins its own shape).
const ajv = new Ajv2020({ allErrors: true, multipleOfPrecision: 9 });
const validators = {
  record: ajv.compile(recordSchema),
  history: ajv.compile(historySchema),
  error: ajv.compile(errorSchema),
};

/** Throws with ajv's messages when `body` does not match the named schema. */
export function assertCruxShape(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body))
    throw new Error(
      `not a CrUX ${kind}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body)}`,
    );
}
