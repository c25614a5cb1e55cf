import BaseJoi from 'joi';
import {
  LIMITS,
  MAX_ERRORS_PER_BEACON,
  MAX_EVENTS_PER_BEACON,
  MAX_EVENT_AGE_MS,
  MAX_EVENT_LEAD_MS,
  NAVIGATION_TYPES,
  DEVICE_TYPES,
  isStorableText,
  type Beacon,
} from './beacon.ts';
import { MAX_METRIC_VALUE, METRIC_NAMES, RATINGS } from './metrics.ts';

/**
 * Joi whose every string, at any depth (object keys included), must be storable exactly
 * ({@link isStorableText}): one rule for the whole contract, so no field can be forgotten.
 */
const Joi: BaseJoi.Root = BaseJoi.extend((joi: BaseJoi.Root) => ({
  type: 'string',
  base: joi.string(),
  messages: {
    'string.storable':
      '{{#label}} contains U+0000 or an unpaired UTF-16 surrogate, which cannot be stored as sent',
  },
  validate(value: unknown, helpers: BaseJoi.CustomHelpers) {
    if (typeof value === 'string' && !isStorableText(value)) {
      return { value, errors: helpers.error('string.storable') };
    }
    return { value };
  },
}));

function parsesAsUrl(url: string): boolean {
  try {
    new URL(url);
    return true;
  } catch {
    return false;
  }
}

const HOURS = MAX_EVENT_AGE_MS / 3_600_000;
const MINUTES = MAX_EVENT_LEAD_MS / 60_000;

/**
 * Epoch ms within the window around the time ingest received the beacon (`$receivedAt` in
 * the validation context), see {@link MAX_EVENT_AGE_MS}.
 */
const timestamp = Joi.number()
  .integer()
  .min(Joi.ref('$earliestTs'))
  .max(Joi.ref('$latestTs'))
  .required()
  .messages({
    'number.min': `{{#label}} is more than ${HOURS} hours before the beacon was received (accepted: ${HOURS} hours back to ${MINUTES} minutes ahead of the server clock)`,
    'number.max': `{{#label}} is more than ${MINUTES} minutes ahead of the server clock (accepted: ${HOURS} hours back to ${MINUTES} minutes ahead)`,
  });
const shortString = Joi.string().max(LIMITS.short);

const largestValue = Math.max(...Object.values(MAX_METRIC_VALUE));

const event = Joi.object({
  id: Joi.string().min(1).max(LIMITS.eventId).required(),
  name: Joi.string()
    .valid(...METRIC_NAMES)
    .required(),
  // Joi rejects NaN and Infinity for number() by default; per-metric bounds are checked below.
  value: Joi.number().min(0).max(largestValue).required(),
  delta: Joi.number().min(-largestValue).max(largestValue),
  rating: Joi.string().valid(...RATINGS),
  navigationType: Joi.string().valid(...NAVIGATION_TYPES),
  ts: timestamp,
  attribution: Joi.object()
    .pattern(
      Joi.string().max(LIMITS.short),
      Joi.alternatives(Joi.string().max(LIMITS.attributionValue).allow(''), Joi.number()),
    )
    .max(LIMITS.attributionKeys),
}).custom((value: { name: keyof typeof MAX_METRIC_VALUE; value: number }, helpers) => {
  const max = MAX_METRIC_VALUE[value.name];
  if (value.value > max) {
    return helpers.message({
      custom: `"value" of ${value.name} must be less than or equal to ${max}`,
    });
  }
  return value;
});

const error = Joi.object({
  message: Joi.string().min(1).max(LIMITS.message).required(),
  stack: Joi.string().max(LIMITS.stack).allow(''),
  source: Joi.string().max(LIMITS.url).allow(''),
  line: Joi.number().integer().min(0).max(10_000_000),
  col: Joi.number().integer().min(0).max(10_000_000),
  ts: timestamp,
});

/**
 * The beacon schema. Unknown keys are rejected (a clear 400 beats silently dropping data a
 * newer SDK meant to send); strings over their cap are rejected, not truncated. Validate it
 * with {@link beaconContext} (or through {@link validateBeacon}).
 */
export const beaconSchema = Joi.object<Beacon>({
  sid: Joi.string().min(1).max(LIMITS.sessionId).required(),
  url: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .max(LIMITS.url)
    // Joi's RFC 3986 check lets through what WHATWG URL (the browser's, and the workers') refuses:
    // ports over 65535, IPv4 parts over 255, percent-encoded hosts.
    .custom((url: string, helpers) => (parsesAsUrl(url) ? url : helpers.error('string.uri')))
    .required(),
  release: Joi.string().min(1).max(LIMITS.release),
  events: Joi.array().items(event).max(MAX_EVENTS_PER_BEACON).required(),
  errors: Joi.array().items(error).max(MAX_ERRORS_PER_BEACON),
  device: Joi.object({
    type: Joi.string().valid(...DEVICE_TYPES),
    browser: shortString,
    browserVersion: shortString,
    os: shortString,
    timezone: shortString,
    screen: shortString,
  }),
  connection: Joi.object({
    effectiveType: shortString,
    rtt: Joi.number().min(0).max(600_000),
    downlink: Joi.number().min(0).max(100_000),
    saveData: Joi.boolean(),
  }),
}).options({ abortEarly: true, convert: false });

/** The validation context of a beacon received at `receivedAt` (epoch ms): its time window. */
export function beaconContext(receivedAt: number): { earliestTs: number; latestTs: number } {
  return { earliestTs: receivedAt - MAX_EVENT_AGE_MS, latestTs: receivedAt + MAX_EVENT_LEAD_MS };
}

export type BeaconValidation =
  { value: Beacon; error?: undefined } | { value?: undefined; error: string };

/**
 * Validates a parsed body received at `receivedAt` (default now); the error message names the
 * offending field.
 */
export function validateBeacon(body: unknown, receivedAt: number = Date.now()): BeaconValidation {
  const result = beaconSchema.validate(body, { context: beaconContext(receivedAt) });
  if (result.error) return { error: result.error.message };
  return { value: result.value };
}

export { Joi as StorableJoi };
