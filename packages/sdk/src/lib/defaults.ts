import { MAX_EVENT_AGE_MS, MAX_EVENT_LEAD_MS } from '@rum/contract';

/**
 * Defaults, each with its unit. Wire limits (`BEACON_BYTES_LIMIT`, `LIMITS`,
 * `MAX_EVENTS_PER_BEACON`) come from the shared contract so the SDK and the ingest API
 * can never disagree about them.
 */

/** Queued items (metric events + errors) that trigger a flush before the timer fires. */
export const MAX_BATCH_EVENTS = 10;

/**
 * Milliseconds an item may wait in the queue. Short enough that the early metrics
 * (TTFB, FCP) survive a crash or a mobile tab kill, long enough to batch them together.
 */
export const FLUSH_TIMEOUT_MS = 5_000;

/** Distinct JS errors reported per page view; a broken loop must not flood the ingest. */
export const MAX_ERRORS_PER_PAGE = 10;

/** Retries of one rejected fetch flush (408, 429, 5xx). */
export const MAX_RETRIES = 3;

/** First retry delay in milliseconds when the server sends no `Retry-After`; doubles each time. */
export const RETRY_BASE_DELAY_MS = 1_000;

/** Longest wait before a retry; a server asking for more is not retried (the tab is likely gone by then). */
export const MAX_RETRY_DELAY_MS = 60_000;

/** sessionStorage key holding `<session id>.<1 sampled in | 0 sampled out>`. */
export const SESSION_STORAGE_KEY = 'rum_sid';

/**
 * Oldest `ts` (milliseconds before now, by the page's clock) an item may have when it is
 * sent. The ingest API refuses the WHOLE beacon when one `ts` is more than
 * `MAX_EVENT_AGE_MS` behind its own clock, and a tab left open for days re-reports CLS and
 * INP with the `ts` of their first report. The page clock may be up to `MAX_EVENT_LEAD_MS`
 * behind the server's (the skew ingest tolerates the other way), and a retry leaves up to
 * minutes later, so the SDK stops that much earlier.
 */
export const MAX_SEND_AGE_MS = MAX_EVENT_AGE_MS - MAX_EVENT_LEAD_MS;
