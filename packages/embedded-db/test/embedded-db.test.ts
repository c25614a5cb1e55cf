import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConnection, type Socket } from 'node:net';
import pg from 'pg';
import { readFileSync } from 'node:fs';
import { EMBEDDED_STATE_FILE } from '@rum/contract';
import {
  startEmbeddedTimescale,
  type EmbeddedOptions,
  type EmbeddedTimescale,
} from '../src/embedded-db.ts';

/** The product's whole schema (db/schema.sql), applied as is: these tests exercise the engine with it. */
const SCHEMA = readFileSync(new URL('../../../db/schema.sql', import.meta.url), 'utf8');

/** An embedded engine with the product's schema, and a pool on it. */
async function startTestDatabase(
  options: EmbeddedOptions = {},
): Promise<{ url: string; pool: pg.Pool; embedded: EmbeddedTimescale; stop(): Promise<void> }> {
  const embedded = await startEmbeddedTimescale(options);
  const pool = new pg.Pool({ connectionString: embedded.url, max: 5 });
  await pool.query(SCHEMA);
  return {
    url: embedded.url,
    pool,
    embedded,
    stop: async () => {
      await pool.end();
      await embedded.stop();
    },
  };
}

/** The state file of a running server, if its process is alive. */
function readEmbeddedState(dataDir: string): { url: string } | null {
  try {
    return JSON.parse(readFileSync(join(dataDir, EMBEDDED_STATE_FILE), 'utf8')) as { url: string };
  } catch {
    return null;
  }
}

function connectRaw(url: string): Socket {
  const { hostname, port } = new URL(url);
  return createConnection({ host: hostname, port: Number(port) });
}

function startupMessage(params: Record<string, string>): Buffer {
  const body = Buffer.from(
    Object.entries(params)
      .map(([k, v]) => `${k}\0${v}\0`)
      .join('') + '\0',
  );
  const header = Buffer.alloc(8);
  header.writeInt32BE(8 + body.length, 0);
  header.writeInt32BE(196_608, 4);
  return Buffer.concat([header, body]);
}

function typedMessage(type: string, body: string): Buffer {
  const text = Buffer.from(body);
  const header = Buffer.alloc(5);
  header.write(type);
  header.writeInt32BE(4 + text.length, 1);
  return Buffer.concat([header, text]);
}

function backendMessages(data: Buffer): { type: string; body: Buffer }[] {
  const messages = [];
  for (let at = 0; at + 5 <= data.length; at += 1 + data.readInt32BE(at + 1)) {
    const end = at + 1 + data.readInt32BE(at + 1);
    messages.push({ type: String.fromCharCode(data[at]!), body: data.subarray(at + 5, end) });
  }
  return messages;
}

/** ReadyForQuery messages in a stream of backend messages. */
function countReady(data: Buffer): number {
  return backendMessages(data).filter(({ type }) => type === 'Z').length;
}

function collectUntil(socket: Socket, done: (all: Buffer) => boolean): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let all = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      all = Buffer.concat([all, chunk]);
      if (done(all)) resolve(all);
    });
    socket.on('error', reject);
  });
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return client;
}

test('several pg clients at once each get their own correct answers', async () => {
  const db = await startTestDatabase();
  const clients = await Promise.all(Array.from({ length: 8 }, () => connect(db.url)));
  try {
    const wrong: string[] = [];
    await Promise.all(
      clients.map(async (client, i) => {
        for (let j = 0; j < 50; j++) {
          const { rows } = await client.query(
            'SELECT $1::int * 1000 + $2::int AS n, $3::text AS who',
            [i, j, `client-${i}`],
          );
          if (rows[0].n !== i * 1000 + j || rows[0].who !== `client-${i}`) wrong.push(`${i}/${j}`);
        }
      }),
    );
    assert.deepEqual(wrong, []);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await db.stop();
  }
});

test('messages split across many TCP chunks, and pipelined ones, are answered in order', async () => {
  const db = await startTestDatabase();
  const socket = connectRaw(db.url);
  try {
    const startup = startupMessage({ user: 'postgres', database: 'postgres' });
    const password = typedMessage('p', 'md5ffffffffffffffffffffffffffffffff\0'); // the engine asks for md5 and accepts any
    const queries = ['SELECT 1 AS a', 'SELECT 2 AS b', 'SELECT 3 AS c'].map((sql) =>
      typedMessage('Q', `${sql}\0`),
    );
    const wire = Buffer.concat([startup, password, ...queries]);
    const replies = collectUntil(socket, (all) => countReady(all) === 4);
    // One byte per write, each on its own turn of the event loop: every chunk boundary occurs.
    for (const byte of wire) {
      socket.write(Buffer.of(byte));
      await new Promise((resolve) => setImmediate(resolve));
    }
    const values = backendMessages(await replies)
      .filter(({ type }) => type === 'D')
      .map(({ body }) => body.subarray(6).toString()); // one column: count, length, value
    assert.deepEqual(values, ['1', '2', '3']);
  } finally {
    socket.destroy();
    await db.stop();
  }
});

test('a connection that sends a malformed message is closed; the others go on', async () => {
  const db = await startTestDatabase();
  const bad = connectRaw(db.url);
  try {
    const closed = new Promise<void>((resolve) => bad.once('close', () => resolve()));
    bad.on('error', () => {});
    const startup = startupMessage({ user: 'postgres', database: 'postgres' });
    const password = typedMessage('p', 'md5ffffffffffffffffffffffffffffffff\0');
    const negativeLength = Buffer.from([0x51, 0xff, 0xff, 0xff, 0xf0]); // 'Q' of length -16
    bad.write(Buffer.concat([startup, password, negativeLength]));
    await closed;
    const { rows } = await db.pool.query('SELECT 41 + 1 AS n');
    assert.equal(rows[0].n, 42);
  } finally {
    bad.destroy();
    await db.stop();
  }
});

test("concurrent parameterised upserts and transactions (the workers' pattern) neither cross nor hang", async () => {
  const db = await startTestDatabase();
  const clients = await Promise.all(Array.from({ length: 6 }, () => connect(db.url)));
  try {
    await db.pool.query(`INSERT INTO projects (slug, name) VALUES ('p', 'p')`);
    const wrong: string[] = [];
    await Promise.all(
      clients.map(async (client, i) => {
        for (let j = 0; j < 15; j++) {
          const { rows } = await client.query<{ id: number; domain: string }>(
            `INSERT INTO websites (project_id, domain) SELECT id, $1 FROM projects WHERE slug = 'p'
             ON CONFLICT (project_id, domain) DO UPDATE SET domain = EXCLUDED.domain RETURNING id, domain`,
            [`site-${i % 3}.example`],
          );
          if (rows[0]?.domain !== `site-${i % 3}.example`) wrong.push(`upsert ${i}/${j}`);
          await client.query('BEGIN');
          await client.query(
            `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating, device_type, browser, os, country)
             SELECT now(), 1, $1, 1, s, m, 'LCP', v, 'good', 'desktop', 'Chrome', 'Linux', 'FR'
               FROM unnest($2::text[], $3::text[], $4::float8[]) AS t(s, m, v)`,
            [rows[0]!.id, [`c${i}`, `c${i}`], [`m${j}a`, `m${j}b`], [i, j]],
          );
          const { rows: own } = await client.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM metrics WHERE session_id = $1`,
            [`c${i}`],
          );
          if (own[0]!.n !== 2 * (j + 1)) wrong.push(`count ${i}/${j}: ${own[0]!.n}`);
          await client.query('COMMIT');
        }
      }),
    );
    assert.deepEqual(wrong, []);
    const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM metrics');
    assert.equal(rows[0]!.n, 6 * 15 * 2);
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await db.stop();
  }
});

test("a transaction's uncommitted rows are invisible to another connection, and a rollback leaves nothing", async () => {
  const db = await startTestDatabase();
  const [writer, reader] = await Promise.all([connect(db.url), connect(db.url)]);
  try {
    await writer.query('BEGIN');
    await writer.query(`INSERT INTO projects (slug, name) VALUES ('tx', 'tx')`);
    // The engine has one backend: the reader's query waits for the writer's transaction to end.
    const seenDuring = reader.query(`SELECT count(*)::int AS n FROM projects WHERE slug = 'tx'`);
    const { rows: own } = await writer.query(
      `SELECT count(*)::int AS n FROM projects WHERE slug = 'tx'`,
    );
    assert.equal(own[0].n, 1, 'the writer sees its own row');
    await writer.query('ROLLBACK');
    assert.equal((await seenDuring).rows[0].n, 0, 'the reader never saw the uncommitted row');
    const { rows: after } = await reader.query(
      `SELECT count(*)::int AS n FROM projects WHERE slug = 'tx'`,
    );
    assert.equal(after[0].n, 0, 'nothing left after the rollback');

    await writer.query('BEGIN');
    await writer.query(`INSERT INTO projects (slug, name) VALUES ('tx2', 'tx2')`);
    await writer.query('COMMIT');
    const { rows: committed } = await reader.query(
      `SELECT count(*)::int AS n FROM projects WHERE slug = 'tx2'`,
    );
    assert.equal(committed[0].n, 1, 'a committed row is visible');
  } finally {
    await writer.end();
    await reader.end();
    await db.stop();
  }
});

test('a client that disconnects mid-transaction does not leave the engine stuck in it', async () => {
  const db = await startTestDatabase();
  const quitter = await connect(db.url);
  await quitter.query('BEGIN');
  await quitter.query(`INSERT INTO projects (slug, name) VALUES ('gone', 'gone')`);
  await quitter.end();
  const other = await connect(db.url);
  try {
    const { rows } = await other.query(
      `SELECT count(*)::int AS n FROM projects WHERE slug = 'gone'`,
    );
    assert.equal(rows[0].n, 0);
  } finally {
    await other.end();
    await db.stop();
  }
});

test('a connection idle inside a transaction while others wait is closed and rolled back, not a freeze', async () => {
  const db = await startTestDatabase();
  const [stalled, other] = await Promise.all([connect(db.url), connect(db.url)]);
  const stalledErrors: Error[] = [];
  stalled.on('error', (err) => stalledErrors.push(err));
  try {
    await stalled.query('BEGIN');
    await stalled.query(`INSERT INTO projects (slug, name) VALUES ('stalled', 's')`);
    // `stalled` now sends nothing more; `other` waits behind its transaction until the watchdog acts.
    const { rows } = await other.query(
      `SELECT count(*)::int AS n FROM projects WHERE slug = 'stalled'`,
    );
    assert.equal(rows[0].n, 0, 'the stalled transaction was rolled back');
    await assert.rejects(stalled.query('COMMIT'), 'the stalled connection was closed');
    const { rows: after } = await other.query(
      `SELECT count(*)::int AS n FROM projects WHERE slug = 'stalled'`,
    );
    assert.equal(after[0].n, 0);
  } finally {
    await stalled.end().catch(() => {});
    await other.end();
    await db.stop();
  }
});

test('data survives a restart on the same data folder, and the server is advertised while it runs', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'rum-embedded-'));
  const first = await startTestDatabase({ dataDir, advertise: true });
  assert.equal(readEmbeddedState(dataDir)?.url, first.url);
  await first.pool.query(`INSERT INTO projects (slug, name) VALUES ('kept', 'Kept')`);
  await first.pool.query(
    `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating, device_type, browser, os, country)
     VALUES (now(), 1, 1, 1, 's', 'm', 'INP', 180, 'good', 'desktop', 'Firefox', 'Linux', 'FR')`,
  );
  await first.stop();
  assert.equal(readEmbeddedState(dataDir), null, 'no longer advertised once stopped');

  const second = await startEmbeddedTimescale({ dataDir });
  const client = await connect(second.url);
  try {
    // The licensed features (rollups, compression, policies) work after a restart too.
    await client.query(SCHEMA);
    assert.ok((await second.runDuePolicies(true)) >= 12);
    const { rows } = await client.query(`SELECT name FROM projects WHERE slug = 'kept'`);
    assert.deepEqual(rows, [{ name: 'Kept' }]);
    const { rows: metrics } = await client.query(
      `SELECT value FROM metrics WHERE session_id = 's'`,
    );
    assert.deepEqual(metrics, [{ value: 180 }]);
  } finally {
    await client.end();
    await second.stop();
  }
});

test('due policies are run by the project itself: a refresh materialises the hourly rollup', async () => {
  const db = await startTestDatabase();
  try {
    await db.pool.query(
      `INSERT INTO metrics (time, project_id, website_id, page_id, session_id, metric_id, name, value, rating, device_type, browser, os, country)
       SELECT now() - interval '2 days' + i * interval '1 minute', 3, 1, 1, 's' || i, 'm', 'LCP', 1000 + i, 'good', 'desktop', 'Chrome', 'Linux', 'US'
       FROM generate_series(1, 100) i`,
    );
    const materialised = async () =>
      (
        await db.pool.query(
          `SELECT count(*)::int AS n FROM _timescaledb_catalog.continuous_aggs_invalidation_threshold t
             JOIN _timescaledb_catalog.hypertable h ON h.id = t.hypertable_id
            WHERE h.table_name = 'metrics' AND t.watermark > 0`,
        )
      ).rows[0].n as number;
    assert.equal(await materialised(), 0, 'nothing materialised before the policies run');
    const ran = await db.embedded.runDuePolicies(true);
    assert.ok(ran >= 2, `ran ${ran} policy jobs`);
    assert.equal(await materialised(), 1, 'the refresh policy moved the watermark');
    const { rows } = await db.pool.query(
      `SELECT sum(samples)::int AS n FROM metrics_hourly_by_page WHERE project_id = 3`,
    );
    assert.equal(rows[0].n, 100);
  } finally {
    await db.stop();
  }
});
