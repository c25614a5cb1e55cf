/**
 * The database plugin's pool against a real embedded TimescaleDB: session settings reach every
 * connection it opens (the query API runs its sessions without parallel plans this way).
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import Fastify from 'fastify';
import { database } from '../src/http/database.ts';
import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';

let db: EmbeddedTimescale;
before(async () => {
  db = await startEmbeddedTimescale();
});
after(async () => {
  await db.stop();
});

async function setting(session?: Record<string, number>): Promise<string> {
  const app = Fastify();
  await app.register(database, { url: db.url, poolSize: 1, ...(session ? { session } : {}) });
  await app.ready();
  try {
    const { rows } = await app.db.query<{ max_parallel_workers_per_gather: string }>(
      'SHOW max_parallel_workers_per_gather',
    );
    return rows[0]!.max_parallel_workers_per_gather;
  } finally {
    await app.close();
  }
}

test('session settings are applied to each connection before its first query', async () => {
  assert.equal(await setting({ max_parallel_workers_per_gather: 0 }), '0');
  assert.equal(await setting({ max_parallel_workers_per_gather: 3 }), '3');
});
