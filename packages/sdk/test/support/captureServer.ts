/**
 * A tiny HTTP server for the browser tests: serves the fixture pages (with the collect
 * endpoint, key and, for npm-build pages, the web-vitals import map filled in), the built SDK and web-vitals, a slow LCP image, and captures
 * every beacon POSTed to /run/<test run>/v1/collect. Each beacon is checked against the real ingest schema
 * (`validateBeacon` from @rum/contract/schema); a rejected one is answered 400 and kept in
 * `rejected` so the test can fail on it.
 *
 * Pages are served from http://127.0.0.1:<port> while the endpoint is
 * http://localhost:<port>/run/<n>, so beacons are cross-origin exactly as in production (CORS
 * preflight for gzip included).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { type Beacon } from '@rum/contract';
import { validateBeacon } from '@rum/contract/schema';

const SDK_DIR = fileURLToPath(new URL('../..', import.meta.url));
const ROOT_NODE_MODULES = join(SDK_DIR, '../../node_modules');
/**
 * A busy picture: Chrome ignores low-entropy images (under 0.05 bits per pixel) for LCP, so
 * a flat rectangle would never count.
 */
const HERO_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="800" height="500">' +
  Array.from({ length: 600 }, (_, i) => {
    const x = (i * 37) % 800;
    const y = (i * 53) % 500;
    return `<rect x="${x}" y="${y}" width="${20 + (i % 30)}" height="${15 + (i % 25)}" fill="#${((i * 2654435761) >>> 8).toString(16).padStart(6, '0').slice(0, 6)}"/>`;
  }).join('') +
  '</svg>';
/**
 * Put in place of `<!-- %IMPORT_MAP% -->` in a fixture page that imports the npm build
 * (`dist/esm`): resolves `web-vitals` as an app's bundler would, to the copy served here.
 */
const IMPORT_MAP = `<script type="importmap">${JSON.stringify({
  imports: {
    'web-vitals': '/node_modules/web-vitals/dist/web-vitals.js',
    'web-vitals/attribution': '/node_modules/web-vitals/dist/web-vitals.attribution.js',
  },
})}</script>`;
const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.svg': 'image/svg+xml',
};

/** A beacon as the server received it. */
export interface Captured {
  key: string | null;
  contentType: string | undefined;
  contentEncoding: string | undefined;
  status: number;
  beacon: Beacon;
}

export interface CaptureServer {
  /** Origin the fixture pages are served from. */
  pageOrigin: string;
  beacons: Captured[];
  rejected: string[];
  /** Answer the next N collect requests 503 with `Retry-After: 0`. */
  failNext: number;
  /**
   * Starts a new test: forgets what was captured and serves pages whose endpoint names the new
   * run, so a beacon from an earlier test's page (closing a context fires pagehide, and the
   * SDK flushes then) is answered but not counted.
   */
  reset(): void;
  close(): Promise<void>;
}

const cors = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'POST',
  'access-control-allow-headers': 'content-type, content-encoding',
};

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts the server on a free port. */
export async function startCaptureServer(): Promise<CaptureServer> {
  const state = { beacons: [] as Captured[], rejected: [] as string[], failNext: 0 };
  let port = 0;
  let run = 0;
  const reset = () => {
    run += 1;
    state.beacons.length = 0;
    state.rejected.length = 0;
    state.failNext = 0;
  };

  const collect = async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const raw = await body(req);
    const encoding = req.headers['content-encoding'];
    let parsed: unknown;
    try {
      parsed = JSON.parse((encoding == 'gzip' ? gunzipSync(raw) : raw).toString('utf8'));
    } catch (error) {
      state.rejected.push(`unparseable body (${encoding ?? 'identity'}): ${String(error)}`);
      res.writeHead(400, cors).end();
      return;
    }
    const checked = validateBeacon(parsed);
    if (checked.error !== undefined) {
      state.rejected.push(`${checked.error} in ${JSON.stringify(parsed).slice(0, 500)}`);
      res.writeHead(400, cors).end();
      return;
    }
    const status = state.failNext > 0 ? (state.failNext--, 503) : 202;
    state.beacons.push({
      key: url.searchParams.get('key'),
      contentType: req.headers['content-type'],
      contentEncoding: encoding,
      status,
      beacon: checked.value,
    });
    res
      .writeHead(status, { ...cors, 'retry-after': '0', 'content-type': 'application/json' })
      .end('{}');
  };

  const serveFile = async (
    res: ServerResponse,
    file: string,
    transform?: (text: string) => string,
  ) => {
    try {
      const data = await readFile(file);
      res.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'cache-control': 'no-store',
      });
      res.end(transform ? transform(data.toString('utf8')) : data);
    } catch {
      res.writeHead(404).end();
    }
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = normalize(decodeURIComponent(url.pathname));
    if (req.method == 'OPTIONS') return void res.writeHead(204, cors).end();
    const collectRun = req.method == 'POST' ? /^\/run\/(\d+)\/v1\/collect$/.exec(path) : null;
    if (collectRun) {
      if (Number(collectRun[1]) === run) return void collect(req, res, url);
      return void res.writeHead(202, cors).end('{}'); // a late beacon from an earlier test
    }
    if (path.startsWith('/fixtures/')) {
      return void serveFile(res, join(SDK_DIR, 'test', path), (html) =>
        html
          .replaceAll('%ENDPOINT%', `http://localhost:${port}/run/${run}`)
          .replace('<!-- %IMPORT_MAP% -->', IMPORT_MAP),
      );
    }
    if (path.startsWith('/dist/')) return void serveFile(res, join(SDK_DIR, path));
    if (path.startsWith('/node_modules/web-vitals/'))
      return void serveFile(res, join(ROOT_NODE_MODULES, path.slice(14)));
    if (path == '/img/hero.svg') {
      // Served late on purpose, so the LCP time is known to be at least this delay.
      const delay = Number(url.searchParams.get('delay') ?? 0);
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'image/svg+xml', 'cache-control': 'no-store' });
        res.end(HERO_SVG);
      }, delay);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, resolve));
  port = (server.address() as AddressInfo).port;

  return Object.assign(state, {
    pageOrigin: `http://127.0.0.1:${port}`,
    reset,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as CaptureServer;
}
