import { LIMITS } from '@rum/shared/contract';

/** Character caps by field name; any other string (attribution values) gets 512. */
const CAPS: Record<string, number> = {
  url: LIMITS.url,
  id: LIMITS.eventId,
  message: LIMITS.message,
  stack: LIMITS.stack,
  source: LIMITS.url,
};

/**
 * `JSON.stringify` replacer cutting every string to the contract's cap: the ingest API
 * rejects (not truncates) longer ones, and `beforeSend` may have added any text. An empty
 * message would also be rejected, so it becomes "Error".
 */
export function clipStrings(key: string, value: unknown): unknown {
  return typeof value == 'string'
    ? value.slice(0, CAPS[key] || LIMITS.attributionValue) || (key == 'message' ? 'Error' : '')
    : value;
}
