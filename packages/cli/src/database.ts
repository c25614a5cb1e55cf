import { readEmbeddedState, createPool, type Config, type Pool } from '@rum/server-kit';

/**
 * Runs `fn` with a pool on `DATABASE_URL`, on the embedded server already serving the data
 * folder (`npm start`, `rum db`), or else on the embedded database opened just for this call
 * (imported only then: the migrate image has no embedded database).
 */
export async function withDatabase<T>(config: Config, fn: (pool: Pool) => Promise<T>): Promise<T> {
  const url = config.databaseUrl ?? readEmbeddedState(config.dataDir)?.url;
  const embedded = url
    ? undefined
    : await (
        await import('@rum/embedded-db')
      ).startEmbeddedTimescale({ dataDir: config.dataDir, advertise: true });
  const pool = createPool(url ?? embedded!.url, 2);
  try {
    return await fn(pool);
  } finally {
    await pool.end();
    await embedded?.stop();
  }
}
