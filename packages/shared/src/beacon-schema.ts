import Joi from 'joi';
import {
  LIMITS,
  MAX_ERRORS_PER_BEACON,
  MAX_EVENTS_PER_BEACON,
  NAVIGATION_TYPES,
  DEVICE_TYPES,
  type Beacon,
} from './beacon.ts';
import { MAX_METRIC_VALUE, METRIC_NAMES, RATINGS } from './metrics.ts';

/** Epoch ms between 2020 and 2100: anything else is a broken clock or a forged beacon. */
const timestamp = Joi.number().integer().min(1_577_836_800_000).max(4_102_444_800_000).required();
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
 * newer SDK meant to send); strings over their cap are rejected, not truncated.
 */
export const beaconSchema = Joi.object<Beacon>({
  sid: Joi.string().min(1).max(LIMITS.sessionId).required(),
  url: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .max(LIMITS.url)
    .required(),
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

export type BeaconValidation =
  { value: Beacon; error?: undefined } | { value?: undefined; error: string };

/** Validates a parsed body; the error message names the offending field. */
export function validateBeacon(body: unknown): BeaconValidation {
  const result = beaconSchema.validate(body);
  if (result.error) return { error: result.error.message };
  return { value: result.value };
}
