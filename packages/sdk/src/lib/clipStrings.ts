import { LIMITS, isStorableText } from '@rum/contract';

/** Character caps by field name; any other string (attribution values) gets 512. */
const CAPS: Record<string, number> = {
  url: LIMITS.url,
  id: LIMITS.eventId,
  message: LIMITS.message,
  stack: LIMITS.stack,
  source: LIMITS.url,
  release: LIMITS.release,
};

/**
 * `JSON.stringify` replacer making every string one the ingest API accepts, which refuses
 * the whole beacon otherwise (`isStorableText` and `LIMITS` in the contract):
 * - cut to the contract's cap (longer strings are rejected, not truncated); an empty
 *   message would also be rejected, so it becomes "Error", and any other empty string is
 *   left out (the schema refuses it or means the same by its absence; an empty `release`
 *   is no release);
 * - then U+0000 and unpaired UTF-16 surrogates (page text, or the cut itself landing
 *   inside a pair) become U+FFFD, one code unit for one, so the cap still holds. With the
 *   `u` flag the class matches only unpaired surrogates;
 * - a property whose key is not storable (only `beforeSend` can add one) is dropped: a
 *   replacer cannot rename keys.
 */
export function clipStrings(key: string, value: unknown): unknown {
  return !isStorableText(key)
    ? undefined
    : typeof value == 'string'
      ? value
          .slice(0, CAPS[key] || LIMITS.attributionValue)
          .replace(/[\0\uD800-\uDFFF]/gu, '\uFFFD') || (key == 'message' ? 'Error' : undefined)
      : value;
}
