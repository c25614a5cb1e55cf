/**
 * Synthetic but plausible RUM traffic: page views of a small shop from a mix of devices,
 * browsers, countries and connections, with log-normal metric values around realistic
 * medians, slower on phones, slow networks, far-away countries and heavy pages, and the
 * odd JS error. Pure: a seeded random source in, beacons out.
 */
import { randomBytes } from 'node:crypto';
import {
  MAX_METRIC_VALUE,
  rate,
  type Beacon,
  type BeaconError,
  type BeaconEvent,
  type DeviceType,
  type MetricName,
} from '@rum/contract';

/** A random number in [0, 1). */
export type Random = () => number;

/** mulberry32: small, fast, good enough for traffic shapes; seeded so runs can be repeated. */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T extends { weight: number }>(random: Random, items: readonly T[]): T {
  const total = items.reduce((sum, i) => sum + i.weight, 0);
  let r = random() * total;
  for (const item of items) {
    r -= item.weight;
    if (r < 0) return item;
  }
  return items[items.length - 1]!;
}

/** Standard normal variate (Box-Muller). */
function normal(random: Random): number {
  const u = 1 - random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/**
 * Median and log-space spread of each metric on a fast desktop page, in line with what
 * CrUX reports for the median origin (LCP ~1.8 s, INP ~120 ms, CLS ~0.05).
 */
const BASE: Readonly<Record<MetricName, { median: number; sigma: number }>> = {
  TTFB: { median: 420, sigma: 0.55 },
  FCP: { median: 1150, sigma: 0.45 },
  LCP: { median: 1800, sigma: 0.5 },
  INP: { median: 120, sigma: 0.7 },
  FID: { median: 18, sigma: 0.9 },
  CLS: { median: 0.035, sigma: 1.1 },
};

interface Agent {
  weight: number;
  device: DeviceType;
  browser: string;
  browserVersion: string;
  os: string;
  screen: string;
  userAgent: string;
  /** Multiplier on timings: a mid-range phone is slower than a laptop. */
  slowdown: number;
  /** Chromium-only APIs: INP needs the Event Timing API, effectiveType the Network Information API. */
  chromium: boolean;
}

const AGENTS: readonly Agent[] = [
  {
    weight: 30,
    device: 'desktop',
    browser: 'Chrome',
    browserVersion: '141.0.0.0',
    os: 'Windows',
    screen: '1920x1080',
    slowdown: 1,
    chromium: true,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  },
  {
    weight: 9,
    device: 'desktop',
    browser: 'Edge',
    browserVersion: '141.0.0.0',
    os: 'Windows',
    screen: '1536x864',
    slowdown: 1.05,
    chromium: true,
    userAgent:
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0',
  },
  {
    weight: 7,
    device: 'desktop',
    browser: 'Firefox',
    browserVersion: '144.0',
    os: 'Windows',
    screen: '1920x1080',
    slowdown: 1.1,
    chromium: false,
    userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:144.0) Gecko/20100101 Firefox/144.0',
  },
  {
    weight: 9,
    device: 'desktop',
    browser: 'Safari',
    browserVersion: '18.6',
    os: 'macOS',
    screen: '1440x900',
    slowdown: 0.9,
    chromium: false,
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Safari/605.1.15',
  },
  {
    weight: 6,
    device: 'desktop',
    browser: 'Chrome',
    browserVersion: '141.0.0.0',
    os: 'macOS',
    screen: '1728x1117',
    slowdown: 0.85,
    chromium: true,
    userAgent:
      'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.0.0 Safari/537.36',
  },
  {
    weight: 22,
    device: 'mobile',
    browser: 'Chrome',
    browserVersion: '141.0.7390.122',
    os: 'Android',
    screen: '412x915',
    slowdown: 1.6,
    chromium: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.7390.122 Mobile Safari/537.36',
  },
  {
    weight: 4,
    device: 'mobile',
    browser: 'Samsung Internet',
    browserVersion: '28.0',
    os: 'Android',
    screen: '384x832',
    slowdown: 1.8,
    chromium: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36',
  },
  {
    weight: 16,
    device: 'mobile',
    browser: 'Safari',
    browserVersion: '18.6',
    os: 'iOS',
    screen: '390x844',
    slowdown: 1.25,
    chromium: false,
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  },
  {
    weight: 4,
    device: 'tablet',
    browser: 'Safari',
    browserVersion: '18.6',
    os: 'iOS',
    screen: '820x1180',
    slowdown: 1.15,
    chromium: false,
    userAgent:
      'Mozilla/5.0 (iPad; CPU OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.6 Mobile/15E148 Safari/604.1',
  },
  {
    weight: 2,
    device: 'tablet',
    browser: 'Chrome',
    browserVersion: '141.0.7390.122',
    os: 'Android',
    screen: '800x1280',
    slowdown: 1.45,
    chromium: true,
    userAgent:
      'Mozilla/5.0 (Linux; Android 13; SM-X200) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/141.0.7390.122 Safari/537.36',
  },
];

interface Place {
  weight: number;
  country: string;
  timezone: string;
  /** Multiplier on network-bound timings (distance to the origin, typical networks). */
  latency: number;
}

const PLACES: readonly Place[] = [
  { weight: 28, country: 'US', timezone: 'America/New_York', latency: 1 },
  { weight: 10, country: 'US', timezone: 'America/Los_Angeles', latency: 1.1 },
  { weight: 10, country: 'GB', timezone: 'Europe/London', latency: 1 },
  { weight: 9, country: 'DE', timezone: 'Europe/Berlin', latency: 0.95 },
  { weight: 6, country: 'FR', timezone: 'Europe/Paris', latency: 1 },
  { weight: 4, country: 'NL', timezone: 'Europe/Amsterdam', latency: 0.9 },
  { weight: 9, country: 'IN', timezone: 'Asia/Kolkata', latency: 1.7 },
  { weight: 6, country: 'BR', timezone: 'America/Sao_Paulo', latency: 1.45 },
  { weight: 5, country: 'JP', timezone: 'Asia/Tokyo', latency: 1.2 },
  { weight: 4, country: 'AU', timezone: 'Australia/Sydney', latency: 1.35 },
  { weight: 3, country: 'CA', timezone: 'America/Toronto', latency: 1.05 },
  { weight: 3, country: 'NG', timezone: 'Africa/Lagos', latency: 2 },
];

interface PageShape {
  weight: number;
  path: string;
  /** Multiplier on LCP/FCP (heavy hero images, client-side rendering). */
  render: number;
  /** Multiplier on INP (busy handlers). */
  interaction: number;
  /** Multiplier on CLS (ads, late banners). */
  shift: number;
}

const PAGES: readonly PageShape[] = [
  { weight: 25, path: '/', render: 1, interaction: 1, shift: 1 },
  { weight: 14, path: '/products', render: 1.15, interaction: 1.1, shift: 1.3 },
  { weight: 8, path: '/products/trail-runner-2', render: 1.3, interaction: 1, shift: 1 },
  { weight: 6, path: '/products/alpine-tent', render: 1.4, interaction: 1, shift: 1.1 },
  { weight: 5, path: '/products/down-jacket', render: 1.25, interaction: 1, shift: 0.9 },
  { weight: 10, path: '/search', render: 1.1, interaction: 1.9, shift: 1.2 },
  { weight: 7, path: '/blog/choosing-hiking-boots', render: 0.9, interaction: 0.8, shift: 2.4 },
  { weight: 4, path: '/blog/ultralight-packing', render: 0.95, interaction: 0.8, shift: 2 },
  { weight: 6, path: '/cart', render: 1.05, interaction: 1.4, shift: 0.8 },
  { weight: 4, path: '/checkout', render: 1.6, interaction: 2.3, shift: 0.7 },
  { weight: 3, path: '/account', render: 1.2, interaction: 1.2, shift: 0.6 },
  { weight: 2, path: '/stores', render: 1.8, interaction: 1, shift: 1.5 },
];

const CONNECTIONS = [
  { weight: 78, effectiveType: '4g', rtt: 50, downlink: 10, factor: 1 },
  { weight: 15, effectiveType: '4g', rtt: 150, downlink: 3.2, factor: 1.3 },
  { weight: 6, effectiveType: '3g', rtt: 350, downlink: 1.1, factor: 2.1 },
  { weight: 1, effectiveType: '2g', rtt: 1200, downlink: 0.25, factor: 3.5 },
] as const;

const NAVIGATION = [
  { weight: 80, type: 'navigate', factor: 1 },
  { weight: 8, type: 'reload', factor: 0.9 },
  { weight: 8, type: 'back-forward', factor: 0.7 },
  { weight: 4, type: 'back-forward-cache', factor: 0.05 },
] as const;

const ERRORS = [
  {
    weight: 5,
    message: "TypeError: Cannot read properties of undefined (reading 'price')",
    source: '/assets/app.js',
    stack:
      "TypeError: Cannot read properties of undefined (reading 'price')\n    at renderCart (/assets/app.js:1:48211)\n    at updateBasket (/assets/app.js:1:47002)",
  },
  {
    weight: 3,
    message: 'ReferenceError: gtag is not defined',
    source: '/assets/analytics.js',
    stack:
      'ReferenceError: gtag is not defined\n    at trackClick (/assets/analytics.js:1:912)\n    at HTMLButtonElement.<anonymous> (/assets/app.js:1:20415)',
  },
  {
    weight: 2,
    message: 'Unhandled rejection: Error: Request failed with status 502',
    source: '/assets/app.js',
    stack: 'Error: Request failed with status 502\n    at fetchStock (/assets/app.js:1:33120)',
  },
  {
    weight: 1,
    message: 'ResizeObserver loop completed with undelivered notifications.',
    source: '',
    stack: '',
  },
] as const;

/** One page view's beacon, and the User-Agent header a browser would send with it. */
export interface SyntheticBeacon {
  beacon: Beacon;
  userAgent: string;
  /** How sendBeacon sends it (no CORS preflight) or fetch with JSON. */
  contentType: 'text/plain;charset=UTF-8' | 'application/json';
}

export interface TrafficOptions {
  /** Origin of the simulated site, e.g. `https://shop.example.com`. */
  origin: string;
  /** Epoch ms of the newest page view. */
  now: number;
  /** Page views are spread uniformly over this many ms before `now` (0: all at `now`). */
  spreadMs: number;
  /** Share of page views that report a JS error. */
  errorRate: number;
}

function sample(random: Random, metric: MetricName, factor: number): number {
  const { median, sigma } = BASE[metric];
  const value = median * factor * Math.exp(sigma * normal(random));
  const capped = Math.min(value, MAX_METRIC_VALUE[metric]);
  return metric === 'CLS' ? Math.round(capped * 10_000) / 10_000 : Math.round(capped * 10) / 10;
}

/**
 * Entropy for {@link id}, drawn 4 KiB at a time: one `randomBytes(4)` per id cost 6–10 µs (a
 * synchronous call into OpenSSL each), more than half of a page view's generation.
 */
const ENTROPY_BYTES = 4096;
let entropy = Buffer.alloc(0);
let entropyAt = 0;

function randomHex4(): string {
  if (entropyAt + 4 > entropy.length) {
    entropy = randomBytes(ENTROPY_BYTES);
    entropyAt = 0;
  }
  entropyAt += 4;
  return entropy.toString('hex', entropyAt - 4, entropyAt);
}

/** Unique across runs with the same seed: the seeded part repeats, the random part does not. */
function id(random: Random, prefix: string): string {
  return `${prefix}-${Math.floor(random() * 2 ** 48).toString(36)}-${randomHex4()}`;
}

/** A page view: TTFB, FCP, LCP and CLS always; INP when the visitor interacted (Chromium); FID on the first input. */
export function syntheticPageView(random: Random, options: TrafficOptions): SyntheticBeacon {
  const agent = pick(random, AGENTS);
  const place = pick(random, PLACES);
  const page = pick(random, PAGES);
  const connection = pick(random, CONNECTIONS);
  const navigation = pick(random, NAVIGATION);
  const ts = Math.round(options.now - random() * options.spreadMs);
  const network = place.latency * connection.factor * navigation.factor;

  const values: Partial<Record<MetricName, number>> = {};
  values.TTFB = sample(random, 'TTFB', network);
  values.FCP = Math.max(values.TTFB, sample(random, 'FCP', agent.slowdown * network * page.render));
  values.LCP = Math.max(values.FCP, sample(random, 'LCP', agent.slowdown * network * page.render));
  values.CLS = sample(random, 'CLS', page.shift * (agent.device === 'desktop' ? 1 : 1.3));
  const interacted = random() < 0.65;
  if (interacted) {
    values.FID = sample(random, 'FID', agent.slowdown * page.interaction);
    if (agent.chromium)
      values.INP = Math.max(values.FID, sample(random, 'INP', agent.slowdown * page.interaction));
  }

  const events: BeaconEvent[] = (Object.entries(values) as [MetricName, number][]).map(
    ([name, value], i) => ({
      id: id(random, `v5-${name}`),
      name,
      value,
      delta: value,
      rating: rate(name, value),
      navigationType: navigation.type,
      ts: ts + i * 50,
    }),
  );

  const errors: BeaconError[] = [];
  if (random() < options.errorRate) {
    const error = pick(random, ERRORS);
    errors.push({
      message: error.message,
      ...(error.stack ? { stack: error.stack } : {}),
      ...(error.source
        ? {
            source: `${options.origin}${error.source}`,
            line: 1,
            col: 1 + Math.floor(random() * 50_000),
          }
        : {}),
      ts: ts + 2000,
    });
  }

  const beacon: Beacon = {
    sid: id(random, 's'),
    url: `${options.origin}${page.path}`,
    events,
    ...(errors.length > 0 ? { errors } : {}),
    device: {
      type: agent.device,
      browser: agent.browser,
      browserVersion: agent.browserVersion,
      os: agent.os,
      timezone: place.timezone,
      screen: agent.screen,
    },
    ...(agent.chromium
      ? {
          connection: {
            effectiveType: connection.effectiveType,
            rtt: connection.rtt,
            downlink: connection.downlink,
            saveData: false,
          },
        }
      : {}),
  };
  return {
    beacon,
    userAgent: agent.userAgent,
    contentType: random() < 0.8 ? 'text/plain;charset=UTF-8' : 'application/json',
  };
}
