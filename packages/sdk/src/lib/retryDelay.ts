import { RETRY_BASE_DELAY_MS } from './defaults.ts';

/**
 * Milliseconds to wait before retry number `attempt` (0-based): what `Retry-After` asks
 * (delta-seconds or an HTTP date, RFC 9110 section 10.2.3), else exponential backoff.
 * NaN for an unreadable header, which the caller treats as "do not retry".
 */
export function retryDelay(retryAfter: string | null, attempt: number): number {
  return retryAfter
    ? +retryAfter >= 0
      ? +retryAfter * 1000
      : Date.parse(retryAfter) - Date.now()
    : RETRY_BASE_DELAY_MS << attempt;
}
