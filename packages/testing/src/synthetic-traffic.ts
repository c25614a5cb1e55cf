/**
 * Synthetic but plausible RUM traffic: page views of a small shop from a mix of devices,
 * browsers, countries, connections and navigation types (bfcache restores and prerenders
 * included), with log-normal metric values around realistic medians, slower on phones, slow
 * networks, far-away countries and heavy pages, and the odd JS error. Most views carry what
 * the SDK's attribution build sends (LCP element and subparts, INP target and phases, CLS
 * target), drawn from a handful of elements per page template; paths include ids and hashes
 * (`/products/1234`, `/orders/<uuid>`). {@link syntheticHistory} spreads them over past days
 * with daily and weekly patterns. Pure: a seeded random source in, beacons out.
 */
import { randomBytes } from 'node:crypto';
import {
  DAY_MS,
  HOUR_MS,
  MAX_METRIC_VALUE,
  rate,
  type Beacon,
  type BeaconError,
  type BeaconEvent,
  type DeviceType,
  type MetricName,
  type NavigationType,
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
 * Median and log-space spread of each metric on a fast desktop page, before the multipliers
 * of the page, the network, the distance and the device. With them, desktops pass the Core Web
 * Vitals assessment as CrUX's median origin does (p75 LCP ~2.4 s, INP ~170 ms, CLS ~0.08) and
 * phones do not (LCP ~3.5 s, INP ~280 ms, CLS ~0.10).
 */
const BASE: Readonly<Record<MetricName, { median: number; sigma: number }>> = {
  TTFB: { median: 420, sigma: 0.55 },
  FCP: { median: 800, sigma: 0.45 },
  LCP: { median: 1200, sigma: 0.5 },
  INP: { median: 95, sigma: 0.7 },
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

/** Three shares of a duration, in order (they need not sum to 1; they are normalised). */
type Split = readonly [number, number, number];

/**
 * Shares of LCP − TTFB spent in resource load delay, resource load duration and element
 * render delay (web-vitals' LCP subparts after the first byte): an image found early in the
 * HTML, a heavy image, an image found late (lazy or a CSS background), a text element.
 */
const IMAGE: Split = [0.2, 0.6, 0.2];
const HEAVY_IMAGE: Split = [0.1, 0.8, 0.1];
const LATE_IMAGE: Split = [0.45, 0.35, 0.2];
const TEXT: Split = [0, 0, 1];

/** Shares of INP spent in input delay, processing and presentation delay. */
const QUICK: Split = [0.3, 0.3, 0.4];
const BUSY: Split = [0.08, 0.8, 0.12];
const TYPING: Split = [0.25, 0.45, 0.3];

/** An element that can be a page's LCP element. */
interface LcpCandidate {
  weight: number;
  /** Its selector as web-vitals' attribution build writes it (up to the nearest id). */
  element: string;
  /** The image it loads, a path on the site's origin (`*`: the page path's last segment); text loads none. */
  image?: string;
  /** Multiplier on LCP: a 2 MB banner paints later than a headline. */
  factor: number;
  split: Split;
}

/** An element a visitor interacts with. */
interface InteractionTarget {
  weight: number;
  /** web-vitals' `interactionTarget` selector. */
  target: string;
  type: 'pointer' | 'keyboard';
  /** Multiplier on INP: how much work its handler does. */
  factor: number;
  split: Split;
}

function text(weight: number, element: string, factor = 0.8): LcpCandidate {
  return { weight, element, factor, split: TEXT };
}

function image(
  weight: number,
  element: string,
  path: string,
  factor = 1,
  split: Split = IMAGE,
): LcpCandidate {
  return { weight, element, image: path, factor, split };
}

function click(weight: number, target: string, factor: number, split = QUICK): InteractionTarget {
  return { weight, target, type: 'pointer', factor, split };
}

function keys(weight: number, target: string, factor: number): InteractionTarget {
  return { weight, target, type: 'keyboard', factor, split: TYPING };
}

/** Shared by the home page, product pages and the promo landing page. */
const HERO_BANNER = '#main>section.hero>img.hero-banner';
const MENU = '#nav>button.menu-toggle';

interface Template {
  lcp: readonly LcpCandidate[];
  /**
   * LCP candidates on phones and tablets once the demo regression has begun (see
   * {@link TrafficOptions.regressionFrom}); none: the template is not affected.
   */
  lcpRegressed?: readonly LcpCandidate[];
  inp: readonly InteractionTarget[];
  /** Largest layout shift targets. */
  cls: readonly { weight: number; target: string }[];
}

/**
 * Product pages: the product photo is usually the LCP element, the shared promo banner
 * sometimes; `#add-to-cart` has a slow handler (it re-renders the whole cart) and accounts for
 * most poor INP of the site. The regression: a 4000 px PNG replaced the banner on phones and tablets.
 */
const PRODUCT: Template = {
  lcp: [
    image(60, '#gallery>img.product-image', '/images/products/*-1200w.webp'),
    image(25, HERO_BANNER, '/images/banners/autumn-promo-1600w.webp', 1.1),
    text(15, '#main>h1.product-title', 0.75),
  ],
  lcpRegressed: [
    image(75, HERO_BANNER, '/images/banners/black-friday-4000w.png', 1.9, HEAVY_IMAGE),
    image(18, '#gallery>img.product-image', '/images/products/*-1200w.webp'),
    text(7, '#main>h1.product-title', 0.75),
  ],
  inp: [
    click(35, 'button#add-to-cart', 3.4, BUSY),
    click(35, '#sizes>button.size-option', 0.8),
    click(20, '#gallery>img.thumbnail', 0.7),
    click(10, MENU, 0.8),
  ],
  cls: [
    { weight: 70, target: '#reviews>div.reviews-widget' },
    { weight: 30, target: '#main>div.stock-notice' },
  ],
};

const HOME: Template = {
  lcp: [
    image(60, HERO_BANNER, '/images/banners/summer-sale-1600w.webp', 1.05),
    text(25, '#main>h1.headline'),
    text(15, '#main>p.intro', 0.75),
  ],
  inp: [
    click(40, MENU, 0.8),
    click(35, '#main>section.hero>a.cta', 0.7),
    keys(25, '#search>input.search-box', 1.1),
  ],
  cls: [
    { weight: 60, target: '#main>section.promo-strip' },
    { weight: 40, target: '#main>div.cookie-banner' },
  ],
};

const BLOG: Template = {
  lcp: [
    image(70, '#article>figure>img.cover', '/images/blog/*-1200w.jpg', 0.95),
    text(30, '#article>h1'),
  ],
  inp: [click(40, '#article>button.share', 0.7), click(60, MENU, 0.8)],
  cls: [
    { weight: 80, target: '#article>div.ad-slot' },
    { weight: 20, target: '#article>figure>img.cover' },
  ],
};

/** 32 hex digits from the seeded source. */
function hex32(random: Random): string {
  let out = '';
  for (let i = 0; i < 4; i++)
    out += Math.floor(random() * 2 ** 32)
      .toString(16)
      .padStart(8, '0');
  return out;
}

/** Products in the catalogue reached by id (`/products/1234`). */
const CATALOGUE = 2000;
/** Builds of the promo landing page, each with its own content hash in the file name. */
const PROMO_BUILDS = ['3f9a2b1c', '8d04e6a7', 'c51f7e92', '02b6d8f3'] as const;

/**
 * A product id: log-uniform in popularity rank, so the top product gets about 9% of product
 * views and there is a long tail; ranks map to scattered four-digit ids (7919 is prime to 9000).
 */
function productPath(random: Random): string {
  const rank = Math.floor(Math.exp(random() * Math.log(CATALOGUE)));
  return `/products/${1000 + ((rank * 7919) % 9000)}`;
}

/** An order confirmation page: a v4 UUID. */
function orderPath(random: Random): string {
  const h = hex32(random);
  const variant = '89ab'[Math.floor(random() * 4)]!;
  return `/orders/${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
}

const LISTING: Template = {
  lcp: [
    image(
      65,
      '#grid>a.product-card>img.product-thumb',
      '/images/products/trail-runner-2-400w.webp',
      0.95,
    ),
    text(35, '#main>h1.page-title'),
  ],
  inp: [click(50, '#filters>input.filter-checkbox', 1.3), click(50, '#grid>a.product-card', 0.7)],
  cls: [{ weight: 100, target: '#grid>a.product-card' }],
};

const SEARCH: Template = {
  lcp: [
    image(
      55,
      '#results>a.result>img.result-thumb',
      '/images/products/alpine-tent-400w.webp',
      1,
      LATE_IMAGE,
    ),
    text(45, '#main>h2.results-count', 0.85),
  ],
  inp: [keys(70, '#search>input.search-box', 1.6), click(30, '#results>a.result', 0.8)],
  cls: [{ weight: 100, target: '#results>a.result' }],
};

const CART: Template = {
  lcp: [
    text(60, '#main>h1.cart-title', 0.85),
    image(40, '#cart>div.line-item>img.thumb', '/images/products/down-jacket-200w.webp', 0.9),
  ],
  inp: [click(60, '#cart>button.quantity-plus', 1.3), click(40, '#cart>a.checkout-link', 0.8)],
  cls: [{ weight: 100, target: '#main>div.shipping-notice' }],
};

const CHECKOUT: Template = {
  // Rendered client-side: the summary paints long after the first byte.
  lcp: [text(80, '#checkout>div.order-summary', 1.15), text(20, '#main>h1')],
  inp: [keys(50, '#payment>input.card-number', 1.3), click(50, 'button#place-order', 1.8, BUSY)],
  cls: [{ weight: 100, target: '#payment>iframe.card-frame' }],
};

const ACCOUNT: Template = {
  lcp: [text(50, '#main>h1'), text(50, '#orders>table.order-history', 1.1)],
  inp: [click(60, MENU, 0.8), click(40, '#orders>a.order-link', 0.8)],
  cls: [{ weight: 100, target: '#orders>table.order-history' }],
};

const STORES: Template = {
  // The slowest page: a 2048 px static map is its LCP element nearly every time.
  lcp: [
    image(85, '#map>img.store-map', '/images/maps/stores-2048.png', 1.2, HEAVY_IMAGE),
    text(15, '#main>h1', 0.7),
  ],
  inp: [click(70, '#map>button.zoom-in', 1.2), click(30, MENU, 0.8)],
  cls: [{ weight: 100, target: '#map' }],
};

const ORDER: Template = {
  lcp: [
    text(70, '#main>h1.order-title', 0.85),
    image(30, '#order>div.line-item>img.thumb', '/images/products/trail-runner-2-200w.webp', 0.9),
  ],
  inp: [click(100, '#order>a.track-shipment', 0.8)],
  cls: [{ weight: 100, target: '#order>div.delivery-estimate' }],
};

const WISHLIST: Template = {
  lcp: [
    image(70, '#wishlist>a.item>img.product-thumb', '/images/products/alpine-tent-400w.webp'),
    text(30, '#main>h1'),
  ],
  inp: [click(100, '#wishlist>button.add-all', 1)],
  cls: [{ weight: 100, target: '#wishlist' }],
};

const PROMO: Template = {
  lcp: [
    image(90, HERO_BANNER, '/images/banners/summer-sale-1600w.webp', 1.05),
    text(10, '#main>h1'),
  ],
  inp: [click(100, '#main>a.cta', 0.7)],
  cls: [{ weight: 100, target: '#main>section.countdown' }],
};

/** A shared wish list: a 32-hex-digit token. */
function wishlistPath(random: Random): string {
  return `/share/${hex32(random)}`;
}

/** A static landing page whose file name carries its build's content hash. */
function promoPath(random: Random): string {
  return `/promo/summer-sale.${PROMO_BUILDS[Math.floor(random() * PROMO_BUILDS.length)]!}.html`;
}

interface PageShape {
  weight: number;
  /** The page's path, or how to draw one (pages with an id or a hash in their path). */
  path: string | ((random: Random) => string);
  /** Multiplier on LCP/FCP (heavy hero images, client-side rendering). */
  render: number;
  /** Multiplier on FID (busy main thread). */
  interaction: number;
  /** Multiplier on CLS (ads, late banners). */
  shift: number;
  template: Template;
}

/** One row of {@link PAGES}: weight, path, [render, interaction, shift] multipliers, template. */
function page(
  weight: number,
  path: PageShape['path'],
  [render, interaction, shift]: readonly [number, number, number],
  template: Template,
): PageShape {
  return { weight, path, render, interaction, shift, template };
}

const PAGES: readonly PageShape[] = [
  page(20, '/', [1, 1, 1], HOME),
  page(11, '/products', [1.15, 1.1, 1.3], LISTING),
  page(16, productPath, [1.3, 1, 1], PRODUCT),
  page(5, '/products/trail-runner-2', [1.3, 1, 1], PRODUCT),
  page(4, '/products/alpine-tent', [1.4, 1, 1.1], PRODUCT),
  page(3, '/products/down-jacket', [1.25, 1, 0.9], PRODUCT),
  page(9, '/search', [1.1, 1.9, 1.2], SEARCH),
  page(6, '/blog/choosing-hiking-boots', [0.9, 0.8, 2.4], BLOG),
  page(4, '/blog/ultralight-packing', [0.95, 0.8, 2], BLOG),
  page(6, '/cart', [1.05, 1.4, 0.8], CART),
  page(4, '/checkout', [1.6, 2.3, 0.7], CHECKOUT),
  page(3, '/account', [1.2, 1.2, 0.6], ACCOUNT),
  page(2, '/stores', [1.8, 1, 1.5], STORES),
  page(3, orderPath, [1.1, 0.9, 0.7], ORDER),
  page(2, wishlistPath, [1.1, 1, 1], WISHLIST),
  page(2, promoPath, [1, 0.8, 1.6], PROMO),
];

const CONNECTIONS = [
  { weight: 78, effectiveType: '4g', rtt: 50, downlink: 10, factor: 1 },
  { weight: 15, effectiveType: '4g', rtt: 150, downlink: 3.2, factor: 1.3 },
  { weight: 6, effectiveType: '3g', rtt: 350, downlink: 1.1, factor: 2.1 },
  { weight: 1, effectiveType: '2g', rtt: 1200, downlink: 0.25, factor: 3.5 },
] as const;

interface Navigation {
  weight: number;
  type: NavigationType;
  /** Multiplier on network-bound timings: reloads and history navigations hit the HTTP cache. */
  factor: number;
  /**
   * Restored from the back/forward cache or activated after a prerender: no request (TTFB 0),
   * and FCP and LCP are the time to the next frames, tens of milliseconds around `median`.
   */
  instant?: { median: number };
}

/** How visitors arrive, with CrUX-like shares. */
const NAVIGATION: readonly Navigation[] = [
  { weight: 75, type: 'navigate', factor: 1 },
  { weight: 8, type: 'reload', factor: 0.9 },
  { weight: 5, type: 'back-forward', factor: 0.75 },
  { weight: 8, type: 'back-forward-cache', factor: 0, instant: { median: 35 } },
  { weight: 2, type: 'prerender', factor: 0, instant: { median: 90 } },
  // A discarded tab reloaded when the visitor comes back to it.
  { weight: 2, type: 'restore', factor: 0.95 },
];

/** Share of page views from sites on the standard build of the SDK, which sends no attribution. */
const STANDARD_BUILD_SHARE = 0.15;

/** web-vitals' `loadState` of an interaction or of the largest layout shift. */
const INTERACTION_LOAD_STATES = [
  { weight: 80, state: 'complete' },
  { weight: 10, state: 'dom-content-loaded' },
  { weight: 7, state: 'dom-interactive' },
  { weight: 3, state: 'loading' },
] as const;
const SHIFT_LOAD_STATES = [
  { weight: 55, state: 'complete' },
  { weight: 30, state: 'dom-content-loaded' },
  { weight: 15, state: 'dom-interactive' },
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
  /**
   * Epoch ms from which product pages reached by id (`/products/1234`) on phones and tablets
   * get a heavy `img.hero-banner` as their LCP element most of the time: their LCP p75 grows
   * by about 60%. Unset: no regression.
   */
  regressionFrom?: number;
  /** The site's deploys, oldest first: a page view runs the last one deployed by its time. */
  releases?: readonly SyntheticRelease[];
  /** A regression of one metric on phones and tablets: its values times `factor`. */
  regress?: { metric: MetricName; factor: number };
}

export interface SyntheticRelease {
  name: string;
  /** Epoch ms of the deploy. */
  from: number;
}

/** The release deployed last by `ts`, if any. */
function releaseAt(
  releases: readonly SyntheticRelease[] | undefined,
  ts: number,
): string | undefined {
  return releases?.findLast((r) => r.from <= ts)?.name;
}

function sample(random: Random, metric: MetricName, factor: number): number {
  const { median, sigma } = BASE[metric];
  const value = median * factor * Math.exp(sigma * normal(random));
  const capped = Math.min(value, MAX_METRIC_VALUE[metric]);
  return metric === 'CLS' ? Math.round(capped * 10_000) / 10_000 : Math.round(capped * 10) / 10;
}

/**
 * `total` (ms, in tenths) cut into parts by `shares`, each share jittered: the parts are whole
 * tenths and add up to `total`, as web-vitals' subparts add up to the metric's value.
 */
function splitDuration(random: Random, total: number, shares: readonly number[]): number[] {
  const weights = shares.map((s) => (s > 0 ? s * Math.exp(0.35 * normal(random)) : 0));
  const sum = weights.reduce((a, b) => a + b, 0);
  const last = weights.findLastIndex((w) => w > 0);
  const tenths = Math.round(total * 10);
  let left = tenths;
  const parts = weights.map((w, i) => {
    if (i === last || sum === 0) return 0;
    const part = Math.min(left, Math.round((tenths * w) / sum));
    left -= part;
    return part;
  });
  if (last >= 0) parts[last] = left;
  return parts.map((p) => p / 10);
}

/** Shares of TTFB: waiting (redirects, service worker), DNS, connection, request. */
const TTFB_SHARES = [0.08, 0.08, 0.17, 0.67] as const;
/** The rest of a page view's events after the first few, milliseconds apart. */
const EVENT_GAP_MS = 50;

/**
 * The attribution build's fields of each metric, as `summarizeAttribution` in the SDK sends
 * them. Subparts and phases add up to the metric's value.
 */
function attributions(
  random: Random,
  values: Partial<Record<MetricName, number>>,
  view: {
    origin: string;
    path: string;
    navigation: Navigation;
    lcp: LcpCandidate;
    interaction: InteractionTarget;
    shiftTarget: string;
  },
): Partial<Record<MetricName, Record<string, string | number>>> {
  const out: Partial<Record<MetricName, Record<string, string | number>>> = {};
  const ttfb = values.TTFB!;
  const [waitingDuration, dnsDuration, connectionDuration, requestDuration] = splitDuration(
    random,
    ttfb,
    TTFB_SHARES,
  ) as [number, number, number, number];
  out.TTFB = { waitingDuration, dnsDuration, connectionDuration, requestDuration };
  out.FCP = { timeToFirstByte: ttfb, firstByteToFCP: Math.round((values.FCP! - ttfb) * 10) / 10 };

  const { lcp, navigation } = view;
  // A bfcache restore paints what was already there: web-vitals names no element, and the
  // whole value is render delay; after a prerender the element was loaded before activation.
  const [resourceLoadDelay, resourceLoadDuration, elementRenderDelay] = splitDuration(
    random,
    values.LCP! - ttfb,
    navigation.instant ? TEXT : lcp.split,
  ) as [number, number, number];
  const lastSegment = view.path.slice(view.path.lastIndexOf('/') + 1);
  out.LCP = {
    ...(navigation.type === 'back-forward-cache'
      ? {}
      : {
          element: lcp.element,
          ...(lcp.image ? { url: `${view.origin}${lcp.image.replace('*', lastSegment)}` } : {}),
        }),
    timeToFirstByte: ttfb,
    resourceLoadDelay,
    resourceLoadDuration,
    elementRenderDelay,
  };

  if (values.INP !== undefined) {
    const { interaction } = view;
    const [inputDelay, processingDuration, presentationDelay] = splitDuration(
      random,
      values.INP,
      interaction.split,
    ) as [number, number, number];
    out.INP = {
      target: interaction.target,
      type: interaction.type,
      inputDelay,
      processingDuration,
      presentationDelay,
      loadState: pick(random, INTERACTION_LOAD_STATES).state,
    };
  }
  const cls = values.CLS!;
  out.CLS = {
    target: view.shiftTarget,
    value: Math.round(cls * (0.45 + 0.55 * random()) * 10_000) / 10_000,
    loadState: pick(random, SHIFT_LOAD_STATES).state,
  };
  return out;
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

/**
 * A page view: TTFB, FCP, LCP and CLS always; INP when the visitor interacted (Chromium); FID
 * on the first input. Most carry the attribution build's fields (see {@link attributions}).
 */
export function syntheticPageView(random: Random, options: TrafficOptions): SyntheticBeacon {
  const agent = pick(random, AGENTS);
  const place = pick(random, PLACES);
  const page = pick(random, PAGES);
  const path = typeof page.path === 'string' ? page.path : page.path(random);
  const connection = pick(random, CONNECTIONS);
  const navigation = pick(random, NAVIGATION);
  const ts = Math.round(options.now - random() * options.spreadMs);
  const { template } = page;
  const regressed =
    template.lcpRegressed !== undefined &&
    typeof page.path !== 'string' &&
    options.regressionFrom !== undefined &&
    ts >= options.regressionFrom &&
    agent.device !== 'desktop';
  const lcp = pick(random, regressed ? template.lcpRegressed! : template.lcp);
  const interaction = pick(random, template.inp);

  const values: Partial<Record<MetricName, number>> = {};
  if (navigation.instant) {
    const { median } = navigation.instant;
    values.TTFB = 0;
    values.FCP = Math.round(median * agent.slowdown * Math.exp(0.45 * normal(random)) * 10) / 10;
    values.LCP =
      navigation.type === 'prerender'
        ? Math.round(values.FCP * (10 + 3 * random())) / 10
        : values.FCP;
  } else {
    const network = place.latency * connection.factor * navigation.factor;
    values.TTFB = sample(random, 'TTFB', network);
    values.FCP = Math.max(
      values.TTFB,
      sample(random, 'FCP', agent.slowdown * network * page.render),
    );
    values.LCP = Math.max(
      values.FCP,
      sample(random, 'LCP', agent.slowdown * network * page.render * lcp.factor),
    );
  }
  // Layout shifts count again from zero after a bfcache restore.
  const shift = page.shift * (agent.device === 'desktop' ? 1 : 1.3);
  values.CLS = sample(
    random,
    'CLS',
    navigation.type === 'back-forward-cache' ? shift * 0.3 : shift,
  );
  const interacted = random() < 0.65;
  if (interacted) {
    values.FID = sample(random, 'FID', agent.slowdown * page.interaction);
    if (agent.chromium)
      values.INP = Math.max(values.FID, sample(random, 'INP', agent.slowdown * interaction.factor));
  }
  const { regress } = options;
  const value = regress && values[regress.metric];
  if (regress && value !== undefined && agent.device !== 'desktop') {
    const scaled = Math.min(value * regress.factor, MAX_METRIC_VALUE[regress.metric]);
    values[regress.metric] =
      regress.metric === 'CLS'
        ? Math.round(scaled * 10_000) / 10_000
        : Math.round(scaled * 10) / 10;
  }
  const release = releaseAt(options.releases, ts);
  const attribution =
    random() < STANDARD_BUILD_SHARE
      ? undefined
      : attributions(random, values, {
          origin: options.origin,
          path,
          navigation,
          lcp,
          interaction,
          shiftTarget: pick(random, template.cls).target,
        });

  const events: BeaconEvent[] = (Object.entries(values) as [MetricName, number][]).map(
    ([name, value], i) => ({
      id: id(random, `v5-${name}`),
      name,
      value,
      delta: value,
      rating: rate(name, value),
      navigationType: navigation.type,
      ts: ts + i * EVENT_GAP_MS,
      ...(attribution?.[name] ? { attribution: attribution[name] } : {}),
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
    url: `${options.origin}${path}`,
    ...(release ? { release } : {}),
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

/**
 * Relative traffic per UTC hour (mean 1) of a shop whose visitors are mostly in the Americas
 * and Europe: quietest from 04:00 to 07:00 UTC (night on both sides), busiest 16:00-19:00
 * (European evening, American afternoon).
 */
const HOURLY = normalised([
  1.0, 0.85, 0.7, 0.55, 0.45, 0.4, 0.4, 0.5, 0.65, 0.8, 0.9, 1.0, 1.05, 1.1, 1.2, 1.3, 1.4, 1.45,
  1.45, 1.4, 1.35, 1.3, 1.2, 1.1,
]);
/** Relative traffic per UTC weekday, Sunday first: fewer visits at weekends. */
const WEEKDAY = [0.72, 1.04, 1.05, 1.05, 1.03, 0.95, 0.74] as const;

function normalised(values: number[]): number[] {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.map((v) => v / mean);
}

/**
 * The expected traffic at `ts` relative to an average weekday hour: the daily pattern (lower
 * at night) times the weekly one (lower at weekends).
 */
export function trafficShape(ts: number): number {
  const date = new Date(ts);
  return HOURLY[date.getUTCHours()]! * WEEKDAY[date.getUTCDay()]!;
}

export interface HistoryOptions {
  /** Origin of the simulated site, e.g. `https://shop.example.com`. */
  origin: string;
  /** Share of page views that report a JS error. */
  errorRate: number;
  /** Epoch ms where the history ends (now). */
  end: number;
  /** Days of history before `end`. */
  days: number;
  /** Page views on an average weekday; each day varies by a few percent besides its pattern. */
  viewsPerDay: number;
  /** See {@link TrafficOptions.regressionFrom}. */
  regressionFrom?: number;
  /** See {@link TrafficOptions.releases}. */
  releases?: readonly SyntheticRelease[];
}

/**
 * `days` of page views before `end`, oldest first, hour by hour: each hour's count follows
 * {@link trafficShape} and a per-day swing of a few percent, with Poisson-like noise.
 */
export function* syntheticHistory(
  random: Random,
  options: HistoryOptions,
): Generator<SyntheticBeacon> {
  const start = options.end - options.days * DAY_MS;
  let day = -1;
  let dayFactor = 1;
  for (let hour = Math.floor(start / HOUR_MS) * HOUR_MS; hour < options.end; hour += HOUR_MS) {
    if (Math.floor(hour / DAY_MS) !== day) {
      day = Math.floor(hour / DAY_MS);
      dayFactor = Math.max(0.5, 1 + 0.06 * normal(random));
    }
    const from = Math.max(hour, start);
    const to = Math.min(hour + HOUR_MS, options.end);
    const expected =
      ((options.viewsPerDay / 24) * trafficShape(hour) * dayFactor * (to - from)) / HOUR_MS;
    const count = Math.max(0, Math.round(expected + Math.sqrt(expected) * normal(random)));
    const times = Array.from({ length: count }, () => from + random() * (to - from)).sort(
      (a, b) => a - b,
    );
    for (const now of times) {
      yield syntheticPageView(random, {
        origin: options.origin,
        now,
        spreadMs: 0,
        errorRate: options.errorRate,
        ...(options.regressionFrom !== undefined ? { regressionFrom: options.regressionFrom } : {}),
        ...(options.releases ? { releases: options.releases } : {}),
      });
    }
  }
}
