import { readEmbeddedState, createPool, type Config, type Pool } from '@rum/server-kit';
import { startEmbeddedTimescale } from '@rum/embedded-db';

/**
 * Runs `fn` with a pool on `DATABASE_URL`, on the embedded server already serving the data
 * folder (`npm start`, `rum db`), or else on the embedded database opened just for this call.
 */
export async function withDatabase<T>(config: Config, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const url = config.databaseUrl ?? readEmbeddedState(config.dataDir)?.url;
  const embedded = url
    ? undefined
    : await startEmbeddedTimescale({ dataDir: config.dataDir, advertise: true });
  const pool = createPool(url ?? embedded!.url, 2);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}
