/**
 * The beacon: the one wire format between the SDK and the ingest API
 * (`POST /v1/collect`). Types only, so the SDK can import it without pulling in joi.
 */
import type { MetricName, Rating } from './metrics.ts';

/** Most events one beacon may carry; the SDK flushes well before this. */
export const MAX_EVENTS_PER_BEACON = 100;
/** Most JS errors one beacon may carry. */
export const MAX_ERRORS_PER_BEACON = 20;
/** Largest body the SDK sends (sendBeacon's queue is 64 KiB in Chromium, shared per page). */
export const BEACON_BYTES_LIMIT = 60 * 1024;
/** Largest body the ingest API accepts, after gzip decoding. */
export const MAX_BODY_BYTES = 64 * 1024;

/** String length caps, in characters. */
export const LIMITS = {
  sessionId: 64,
  eventId: 128,
  url: 2048,
  message: 1024,
  stack: 8192,
  attributionValue: 512,
  attributionKeys: 16,
  short: 64,
  release: 64,
} as const;

/**
 * How far an event's `ts` may lie from the time ingest received its beacon. Behind: a day,
 * which covers a tab kept open overnight and the SDK's retries, and stays well inside the
 * rollups' refresh window (3 days, db/schema.sql), so a late event always reaches them even
 * when the queue is hours behind. Ahead: 5 minutes of visitor clock skew. Outside the window
 * the beacon is refused (400 naming the field): a visitor's clock must not decide which
 * hypertable chunk a row creates, nor plant rows in windows no one has reached yet.
 */
export const MAX_EVENT_AGE_MS = 24 * 60 * 60 * 1000;
export const MAX_EVENT_LEAD_MS = 5 * 60 * 1000;

/**
 * True when PostgreSQL can store `text` exactly as sent: `text` and `jsonb` refuse U+0000,
 * and an unpaired UTF-16 surrogate has no UTF-8 encoding (it would be stored as U+FFFD, so
 * what is read back differs from what was sent). With the `u` flag the class matches only
 * unpaired surrogates; a pair is one code point.
 */
export function isStorableText(text: string): boolean {
  return !/[\0\uD800-\uDFFF]/u.test(text);
}

export const NAVIGATION_TYPES = [
  'navigate',
  'reload',
  'back-forward',
  'back-forward-cache',
  'prerender',
  'restore',
] as const;
export type NavigationType = (typeof NAVIGATION_TYPES)[number];

export const DEVICE_TYPES = ['mobile', 'tablet', 'desktop'] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

/** One web-vitals report. */
export interface BeaconEvent {
  /** web-vitals' metric id: unique per metric per page load, the idempotency key. */
  id: string;
  name: MetricName;
  value: number;
  delta?: number;
  rating?: Rating;
  navigationType?: NavigationType;
  /** Epoch milliseconds at which this metric id was first reported. */
  ts: number;
  /** Short strings describing the cause (LCP element, INP target and phases, CLS target). */
  attribution?: Record<string, string | number>;
}

export interface BeaconError {
  message: string;
  stack?: string;
  source?: string;
  line?: number;
  col?: number;
  /** Epoch milliseconds. */
  ts: number;
}

/** What the browser knows about itself; the workers fill gaps from the User-Agent. */
export interface BeaconDevice {
  type?: DeviceType;
  browser?: string;
  browserVersion?: string;
  os?: string;
  /** IANA time zone, used as a coarse country hint when no proxy header is trusted. */
  timezone?: string;
  screen?: string;
}

export interface BeaconConnection {
  /** navigator.connection.effectiveType: slow-2g, 2g, 3g, 4g. */
  effectiveType?: string;
  rtt?: number;
  downlink?: number;
  saveData?: boolean;
}

export interface Beacon {
  /** Anonymous per-tab session id (sessionStorage), no cookies. */
  sid: string;
  /** Page URL at the time of the events (query and fragment already dropped by the SDK unless opted in). */
  url: string;
  /**
   * The site's release (a version, build or commit) the page runs, as the SDK's `release`
   * option (script tag: `data-release`) names it; stored on every row of the beacon.
   */
  release?: string;
  events: BeaconEvent[];
  errors?: BeaconError[];
  device?: BeaconDevice;
  connection?: BeaconConnection;
}
