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
} as const;

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
  events: BeaconEvent[];
  errors?: BeaconError[];
  device?: BeaconDevice;
  connection?: BeaconConnection;
}
