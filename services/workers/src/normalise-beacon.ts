/**
 * The pure part of the pipeline: one accepted beacon → the rows it becomes. No I/O, so it is
 * tested without Redis or a database. Website and page ids are resolved later (site-cache).
 */
import { createHash } from 'node:crypto';
import Bowser from 'bowser';
import {
  LIMITS,
  rate,
  type AcceptedBeacon,
  type DeviceType,
  type MetricName,
  type Rating,
} from '@rum/contract';
import { countryFromTimezone, UNKNOWN_COUNTRY } from './timezone-country.ts';

/** Stored when neither the SDK nor the User-Agent names a browser or OS. */
export const UNKNOWN = 'unknown';

/**
 * One `metrics` row to insert, minus the ids the site cache fills in (the query API's answer
 * row is the contract's `MetricRow`).
 */
export interface MetricInsert {
  /** ISO time the SDK first reported this metric id: part of the idempotency key. */
  time: string;
  metricId: string;
  name: MetricName;
  value: number;
  delta: number | null;
  rating: Rating;
  navigationType: string | null;
  /** JSON text of the attribution object, or null. */
  attribution: string | null;
}

/** One `js_errors` row to insert, minus the ids (the API's is the contract's `ErrorRow`). */
export interface ErrorInsert {
  time: string;
  fingerprint: string;
  message: string;
  stack: string | null;
  source: string | null;
  line: number | null;
  col: number | null;
  /** The page view's, as the beacon's last metric says; null when it carried errors only. */
  navigationType: string | null;
}

/** Everything one beacon contributes; the dimensions are shared by all its rows. */
export interface NormalisedBeacon {
  projectId: number;
  project: string;
  sessionId: string;
  domain: string;
  path: string;
  deviceType: DeviceType;
  browser: string;
  os: string;
  country: string;
  connection: string;
  /** The release the page ran, as the SDK sent it; null when it sent none. */
  release: string | null;
  metrics: MetricInsert[];
  errors: ErrorInsert[];
}

export function normaliseBeacon(accepted: AcceptedBeacon): NormalisedBeacon {
  const { beacon } = accepted;
  const { domain, path } = splitUrl(beacon.url);
  const device = describeDevice(accepted.userAgent, beacon.device);
  const navigationType = beacon.events.findLast((e) => e.navigationType)?.navigationType ?? null;
  return {
    projectId: accepted.projectId,
    project: accepted.project,
    sessionId: beacon.sid,
    domain,
    path,
    ...device,
    country: resolveCountry(accepted.country, beacon.device?.timezone),
    connection: beacon.connection?.effectiveType || UNKNOWN,
    release: beacon.release ?? null,
    metrics: beacon.events.map((event) => ({
      time: new Date(event.ts).toISOString(),
      metricId: event.id,
      name: event.name,
      value: event.value,
      delta: event.delta ?? null,
      rating: event.rating ?? rate(event.name, event.value),
      navigationType: event.navigationType ?? null,
      attribution: event.attribution ? JSON.stringify(event.attribution) : null,
    })),
    errors: (beacon.errors ?? []).map((error) => ({
      time: new Date(error.ts).toISOString(),
      fingerprint: errorFingerprint(error.message, error.stack, error.source, error.line),
      message: error.message,
      stack: error.stack || null,
      source: error.source || null,
      line: error.line ?? null,
      col: error.col ?? null,
      navigationType,
    })),
  };
}

/**
 * Domain (host, with a non-default port so `localhost:3000` and `localhost:5173` stay apart)
 * and path. Query string and fragment are always dropped: they carry ids and tokens, and a
 * page is its path.
 */
export function splitUrl(url: string): { domain: string; path: string } {
  const parsed = new URL(url);
  return { domain: parsed.host, path: (parsed.pathname || '/').slice(0, LIMITS.url) };
}

export interface DeviceDescription {
  deviceType: DeviceType;
  browser: string;
  os: string;
}

/** Browser names from bowser and from the SDK's Client Hints / sniffing, spelled one way. */
const BROWSER_ALIASES: Readonly<Record<string, string>> = {
  'Microsoft Edge': 'Edge',
  'Google Chrome': 'Chrome',
  'Samsung Internet for Android': 'Samsung Internet',
  SamsungBrowser: 'Samsung Internet',
  'Opera Touch': 'Opera',
};

const UA_CACHE_LIMIT = 1000;
const uaCache = new Map<string, DeviceDescription>();

/**
 * Device type, browser and OS. What the SDK sent (Client Hints are better than a UA string
 * frozen by the browser vendors) wins field by field; the User-Agent header fills the gaps.
 */
export function describeDevice(
  userAgent: string | undefined,
  sent: { type?: DeviceType; browser?: string; os?: string } | undefined,
): DeviceDescription {
  const parsed = userAgent ? parseUserAgent(userAgent) : undefined;
  const browser = sent?.browser || parsed?.browser || UNKNOWN;
  return {
    deviceType: sent?.type ?? parsed?.deviceType ?? 'desktop',
    browser: BROWSER_ALIASES[browser] ?? browser,
    os: sent?.os || parsed?.os || UNKNOWN,
  };
}

/** bowser, memoised: a site's traffic comes from a few hundred distinct User-Agents. */
export function parseUserAgent(userAgent: string): DeviceDescription {
  const cached = uaCache.get(userAgent);
  if (cached) return cached;
  const result = Bowser.parse(userAgent);
  const platform = result.platform.type;
  const described: DeviceDescription = {
    // bowser also says "tv" and "bot"; they are neither phones nor tablets.
    deviceType: platform === 'mobile' || platform === 'tablet' ? platform : 'desktop',
    browser: result.browser.name || UNKNOWN,
    os: result.os.name || UNKNOWN,
  };
  if (uaCache.size >= UA_CACHE_LIMIT) uaCache.clear();
  uaCache.set(userAgent, described);
  return described;
}

/**
 * The trusted proxy's country when it is a real ISO code (Cloudflare sends XX for unknown and
 * T1 for Tor), else the time zone hint, else {@link UNKNOWN_COUNTRY}.
 */
export function resolveCountry(header: string | undefined, timezone: string | undefined): string {
  const code = header?.trim().toUpperCase();
  if (code && /^[A-Z]{2}$/.test(code) && code !== 'XX' && code !== UNKNOWN_COUNTRY) return code;
  return countryFromTimezone(timezone);
}

/** A stack line that is a frame: V8's `    at fn (url:1:2)`, or Firefox / Safari's `fn@url:1:2`. */
const FRAME = /^\s*at\s|@\S*:\d+/;

/** The first frame of a stack trace, trimmed; undefined when the stack has none. */
export function firstStackFrame(stack: string | undefined): string | undefined {
  return stack
    ?.split('\n')
    .find((line) => FRAME.test(line))
    ?.trim();
}

/**
 * Groups occurrences of the same error: a short hash of the message and where it was thrown
 * (the first stack frame, else source:line). Stable across sessions and browsers that format
 * the message the same way.
 */
export function errorFingerprint(
  message: string,
  stack?: string,
  source?: string,
  line?: number,
): string {
  const where = firstStackFrame(stack) ?? `${source ?? ''}:${line ?? ''}`;
  return createHash('sha1').update(message).update('\n').update(where).digest('hex').slice(0, 16);
}
