/**
 * The demo page `rum start` serves: a tiny shop front that loads the SDK's script-tag build
 * (as `/rum.js`), so opening it produces real Core Web Vitals and JS errors. `rum start` serves
 * the attribution build, so the dashboard's Why panel names the hero image and the slow button.
 * Each page has an LCP image that arrives late, a banner that shifts the layout, a button that
 * blocks the main thread (a slow INP) and a button that throws.
 */
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';

export interface DemoSiteOptions {
  host: string;
  port: number;
  /**
   * Path of the SDK's IIFE build served as `/rum.js`: `packages/sdk/dist/rum.attribution.js`
   * under `rum start`, or the standard `dist/rum.js`.
   */
  sdkFile: string;
  ingestKey: string;
  /** Base URL of the ingest API, as the SDK's `data-endpoint`. */
  ingestEndpoint: string;
}

/** How long the hero image takes to arrive, so LCP is a number worth looking at. */
export const HERO_DELAY_MS = 600;
/** How long the slow button blocks the main thread. */
export const SLOW_HANDLER_MS = 300;
/** The message of the error the throwing button raises. */
export const DEMO_ERROR = 'Demo: payment provider is not defined';

const PAGES: Record<string, { title: string; lead: string }> = {
  '/': { title: 'Acme Outdoor', lead: 'Tents, boots and everything for the trail.' },
  '/products': { title: 'All products', lead: 'Three hundred things you did not know you needed.' },
  '/checkout': { title: 'Checkout', lead: 'Almost there. The button below is known to misbehave.' },
};

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(path: string, options: DemoSiteOptions): string {
  const { title, lead } = PAGES[path]!;
  const nav = Object.keys(PAGES)
    .map(
      (p) =>
        `<a href="${p}"${p === path ? ' aria-current="page"' : ''}>${escapeHtml(PAGES[p]!.title)}</a>`,
    )
    .join(' · ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · RUM demo</title>
<link rel="icon" href="data:,">
<script src="/rum.js" data-key="${escapeHtml(options.ingestKey)}" data-endpoint="${escapeHtml(options.ingestEndpoint)}" defer></script>
<style>
  body { font-family: system-ui, sans-serif; margin: 0; color: #0f172a; background: #f8fafc; }
  header, main { max-width: 860px; margin: 0 auto; padding: 16px; }
  nav a { color: #2563eb; }
  #banner { background: #fef3c7; padding: 24px 16px; font-weight: 600; text-align: center; }
  .hero { width: 100%; height: auto; aspect-ratio: 2 / 1; display: block; border-radius: 12px; background: #e2e8f0; }
  button { font: inherit; padding: 10px 18px; margin: 8px 8px 0 0; border-radius: 8px; border: 1px solid #cbd5e1; background: white; cursor: pointer; }
  #slow { background: #fde68a; } #throw { background: #fecaca; }
  #out { min-height: 1.5em; color: #475569; }
</style>
</head>
<body>
<div id="banner-slot"></div>
<header><nav>${nav}</nav><h1>${escapeHtml(title)}</h1><p>${escapeHtml(lead)}</p></header>
<main>
  <img class="hero" src="/hero.svg?page=${encodeURIComponent(path)}" alt="A mountain at dusk" width="800" height="400" data-testid="hero">
  <p>
    <button id="slow" type="button" data-testid="slow-button">Add to basket (slow)</button>
    <button id="throw" type="button" data-testid="throw-button">Pay now (throws)</button>
  </p>
  <p id="out" aria-live="polite"></p>
  <p>This page reports its Core Web Vitals to the local ingest API. Open the dashboard to see them arrive.</p>
</main>
<script>
  // A late banner pushes everything down: a layout shift (CLS).
  setTimeout(function () {
    var b = document.createElement('div');
    b.id = 'banner';
    b.textContent = 'Free shipping on orders over 50 €';
    document.getElementById('banner-slot').appendChild(b);
  }, 400);
  // Blocks the main thread for ${SLOW_HANDLER_MS} ms: a slow interaction (INP).
  document.getElementById('slow').addEventListener('click', function () {
    var end = performance.now() + ${SLOW_HANDLER_MS};
    while (performance.now() < end) {}
    document.getElementById('out').textContent = 'Added to basket (that took ${SLOW_HANDLER_MS} ms of main thread).';
  });
  // An uncaught error the SDK reports with its stack.
  document.getElementById('throw').addEventListener('click', function payNow() {
    document.getElementById('out').textContent = 'Payment failed: see the JS errors on the dashboard.';
    throw new Error(${JSON.stringify(DEMO_ERROR)});
  });
</script>
</body>
</html>
`;
}

/**
 * A starry sky (a fixed scattered field). The stars are not only decoration: Chrome leaves
 * images under 0.05 bits per displayed pixel out of LCP as placeholders
 * (https://chromium.googlesource.com/chromium/src/+/refs/heads/main/docs/speed/metrics_changelog/2023_04_lcp.md),
 * and without them this picture is about 700 bytes for 800 x 400 pixels.
 */
function stars(count: number): string {
  // Additive recurrences on irrational numbers (a low-discrepancy sequence): scattered, and the
  // same on every start, with no random generator to carry.
  const frac = (x: number) => x - Math.floor(x);
  return Array.from(
    { length: count },
    (_, i) =>
      `<circle cx="${(frac(i * 0.6180339887) * 800).toFixed(1)}" cy="${(frac(i * Math.SQRT2) * 260).toFixed(1)}" r="${(0.4 + frac(i * Math.PI) * 1.4).toFixed(2)}" fill-opacity="${(0.3 + frac(i * Math.E) * 0.7).toFixed(2)}"/>`,
  ).join('');
}

/** The hero picture (800 x 400), busy enough to count for LCP (see `stars`). */
export const HERO_SVG = `<svg xmlns="http://www.w3.org/2000/svg" width="800" height="400" viewBox="0 0 800 400">
<defs><linearGradient id="sky" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#1e3a8a"/><stop offset="1" stop-color="#f97316"/></linearGradient></defs>
<rect width="800" height="400" fill="url(#sky)"/>
<g fill="#f8fafc">${stars(400)}</g>
<circle cx="610" cy="120" r="46" fill="#fde68a"/>
<path d="M0 400 L210 150 L330 290 L470 110 L800 400 Z" fill="#0f172a"/>
<path d="M430 160 L470 110 L510 160 L488 150 L470 170 L452 150 Z" fill="#f8fafc"/>
</svg>`;

/** Serves the demo pages, the SDK build and the hero image. Resolves once listening. */
export async function startDemoSite(options: DemoSiteOptions): Promise<Server> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://demo');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname === '/rum.js' || url.pathname === '/rum.js.map') {
      const file = url.pathname === '/rum.js' ? options.sdkFile : `${options.sdkFile}.map`;
      if (!existsSync(file)) {
        res
          .writeHead(404, { 'content-type': 'text/plain' })
          .end('SDK not built: run `npm run build -w packages/sdk`\n');
        return;
      }
      res.writeHead(200, {
        'content-type': 'text/javascript; charset=utf-8',
        'cache-control': 'no-cache',
      });
      createReadStream(file).pipe(res);
      return;
    }
    if (url.pathname === '/hero.svg') {
      setTimeout(() => {
        res
          .writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' })
          .end(HERO_SVG);
      }, HERO_DELAY_MS);
      return;
    }
    if (url.pathname === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (PAGES[url.pathname]) {
      res
        .writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' })
        .end(page(url.pathname, options));
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}
