import { startEmbeddedTimescale, type EmbeddedTimescale } from '@rum/embedded-db';
import { createPool, type Pool } from '../src/db.ts';
import { migrate } from '../src/migrations.ts';

export interface TestDatabase {
  url: string;
  pool: Pool;
  embedded: EmbeddedTimescale;
  stop(): Promise<void>;
}

/**
 * An embedded TimescaleDB with the migrations applied. (@rum/testing has the same for every
 * other package; it depends on this one, so these tests cannot use it.)
 */
export async function startTestDatabase(): Promise<TestDatabase> {
  const embedded = await startEmbeddedTimescale();
  const pool = createPool(embedded.url, 5);
  await migrate(pool);
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
