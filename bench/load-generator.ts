/**
 * The pipeline bench's load generator, run as a process of its own so that its CPU is neither
 * the ingest API's nor the workers' (and is measured apart). It POSTs the page views of
 * `rum simulate` (`syntheticPageView`: 4 to 6 web-vitals events each, a JS error now and then,
 * a new session each, a mix of pages, browsers and countries, `ts` = now) over keep-alive
 * connections spread evenly over the ingest URLs, one request in flight per connection, as a
 * browser's `sendBeacon` would send them (text/plain or JSON, an Origin and a User-Agent).
 *
 * HTTP/1.1 is written by hand on `net` sockets: node:http's client cost 85 µs of CPU per
 * request here, this one 32 µs, and the generator shares the machine with what it measures.
 * It relies on what ingest answers: a status line and a Content-Length (never chunked).
 *
 * Pacing: as fast as the answers come, or LOAD_RATE beacons/s spread over the connections.
 * The parent pauses and resumes it through IPC (`{ pause: boolean }`, when the queue is deep)
 * and stops it with `{ stop: true }` (or SIGTERM): requests in flight are awaited, then one
 * JSON line of counts ({@link LoadSummary}) goes to stdout.
 *
 * Env: LOAD_URLS (comma-separated `http://host:port`), LOAD_KEY (ingest key), LOAD_ORIGIN,
 * LOAD_CONNECTIONS, LOAD_RATE (beacons/s, 0 = unpaced), LOAD_SEED, LOAD_ERROR_RATE.
 */
import { connect, type Socket } from 'node:net';
import { seededRandom, syntheticPageView } from '@rum/testing/synthetic-traffic';

export interface LoadSummary {
  /** Requests whose answer was read. */
  answered: number;
  /** Beacons answered 202, and the events plus errors they carried. */
  accepted: number;
  acceptedEvents: number;
  /** Answers other than 202, by status code. */
  refused: Record<string, number>;
  /** Connections lost or refused (each is reopened). */
  socketErrors: number;
  /** Requests whose answer never came before the generator stopped. */
  unanswered: number;
}

const urls = (process.env.LOAD_URLS ?? '').split(',').filter(Boolean);
const key = process.env.LOAD_KEY ?? '';
const origin = process.env.LOAD_ORIGIN ?? 'https://shop.example.com';
const connections = Number(process.env.LOAD_CONNECTIONS ?? 32);
const rate = Number(process.env.LOAD_RATE ?? 0);
const errorRate = Number(process.env.LOAD_ERROR_RATE ?? 0.05);
const random = seededRandom(Number(process.env.LOAD_SEED ?? Date.now() % 2 ** 31));
if (urls.length === 0 || !key || !(connections > 0) || !(rate >= 0))
  throw new Error(
    'load generator: LOAD_URLS, LOAD_KEY, LOAD_CONNECTIONS and LOAD_RATE are required',
  );

/** Longest the generator waits for answers in flight once told to stop. */
const STOP_GRACE_MS = 10_000;
/** A paced generator that fell behind catches up at most this much, not in one burst. */
const MAX_RATE_DEBT_MS = 1000;

const summary: LoadSummary = {
  answered: 0,
  accepted: 0,
  acceptedEvents: 0,
  refused: {},
  socketErrors: 0,
  unanswered: 0,
};
const BENCH_RELEASES = [{ name: 'bench-1.0.0', from: 0 }];
let paused = false;
let stopping = false;
let nextSlot = performance.now();

/** One beacon as a complete HTTP/1.1 request, and how many events it carries. */
function nextRequest(host: string): { bytes: Buffer; events: number } {
  const { beacon, userAgent, contentType } = syntheticPageView(random, {
    origin,
    now: Date.now(),
    spreadMs: 0,
    errorRate,
    // A site that names its deploys: every beacon carries the release (the workers keep its sightings).
    releases: BENCH_RELEASES,
  });
  const body = Buffer.from(JSON.stringify(beacon));
  const head =
    `POST /v1/collect?key=${key} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: ${contentType}\r\n` +
    `content-length: ${body.length}\r\norigin: ${origin}\r\nuser-agent: ${userAgent}\r\n\r\n`;
  return {
    bytes: Buffer.concat([Buffer.from(head, 'latin1'), body]),
    events: beacon.events.length + (beacon.errors?.length ?? 0),
  };
}

const HEADER_END = Buffer.from('\r\n\r\n');

/** A keep-alive connection that sends one beacon at a time while allowed to. */
class Connection {
  #socket: Socket | undefined;
  #buffer: Buffer = Buffer.alloc(0);
  #inFlight: { events: number } | undefined;
  #idle = true;
  readonly #host: string;
  readonly #port: number;
  #onIdle: (() => void) | undefined;

  constructor(url: string) {
    const parsed = new URL(url);
    this.#host = parsed.host;
    this.#port = Number(parsed.port);
  }

  /** Sends the next beacon unless paused or stopping (a paced generator waits for its slot). */
  kick(): void {
    if (!this.#idle || this.#inFlight) return;
    if (paused || stopping) {
      this.#onIdle?.();
      return;
    }
    this.#idle = false;
    if (rate > 0) {
      const now = performance.now();
      nextSlot = Math.max(nextSlot + 1000 / rate, now - MAX_RATE_DEBT_MS);
      if (nextSlot > now) {
        setTimeout(() => this.#send(), nextSlot - now);
        return;
      }
    }
    this.#send();
  }

  /** Resolves once no request is in flight. */
  drained(): Promise<void> {
    if (!this.#inFlight && this.#idle) return Promise.resolve();
    return new Promise((resolve) => (this.#onIdle = resolve));
  }

  close(): void {
    if (this.#inFlight) summary.unanswered += 1;
    this.#inFlight = undefined;
    this.#socket?.destroy();
  }

  #send(): void {
    if (paused || stopping) {
      this.#idle = true;
      this.#onIdle?.();
      return;
    }
    const socket = this.#socket ?? this.#open();
    const request = nextRequest(this.#host);
    this.#inFlight = { events: request.events };
    socket.write(request.bytes);
  }

  #open(): Socket {
    const socket = connect(this.#port, this.#host.split(':')[0]);
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.#read(chunk));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = undefined;
      this.#buffer = Buffer.alloc(0);
      if (this.#inFlight) {
        // Lost with its request: counted, and the next beacon goes on a new connection.
        summary.socketErrors += 1;
        this.#inFlight = undefined;
        this.#idle = true;
        setTimeout(() => this.kick(), 100);
      }
    });
    this.#socket = socket;
    return socket;
  }

  #read(chunk: Buffer): void {
    this.#buffer = this.#buffer.length === 0 ? chunk : Buffer.concat([this.#buffer, chunk]);
    const headerEnd = this.#buffer.indexOf(HEADER_END);
    if (headerEnd < 0) return;
    const head = this.#buffer.toString('latin1', 0, headerEnd);
    const length = /\r\ncontent-length: *(\d+)/i.exec(head);
    if (!length) throw new Error(`load generator: an answer without Content-Length: ${head}`);
    const end = headerEnd + HEADER_END.length + Number(length[1]);
    if (this.#buffer.length < end) return;
    if (this.#buffer.length > end) throw new Error('load generator: an answer nobody asked for');
    this.#buffer = Buffer.alloc(0);
    const status = head.slice(9, 12);
    const sent = this.#inFlight!;
    this.#inFlight = undefined;
    summary.answered += 1;
    if (status === '202') {
      summary.accepted += 1;
      summary.acceptedEvents += sent.events;
    } else summary.refused[status] = (summary.refused[status] ?? 0) + 1;
    if (/\r\nconnection: *close/i.test(head)) {
      this.#socket?.destroy();
      this.#socket = undefined;
    }
    this.#idle = true;
    this.kick();
  }
}

const pool = Array.from({ length: connections }, (_, i) => new Connection(urls[i % urls.length]!));

async function stop(): Promise<void> {
  if (stopping) return;
  stopping = true;
  const grace = new Promise((resolve) => setTimeout(resolve, STOP_GRACE_MS).unref());
  await Promise.race([Promise.all(pool.map((c) => c.drained())), grace]);
  for (const c of pool) c.close();
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  process.disconnect?.();
}

process.on('message', (message: { pause?: boolean; stop?: boolean }) => {
  if (message.stop) return void stop();
  if (message.pause === undefined || message.pause === paused) return;
  paused = message.pause;
  if (!paused) {
    nextSlot = performance.now();
    for (const c of pool) c.kick();
  }
});
process.on('SIGTERM', () => void stop());

for (const c of pool) c.kick();
