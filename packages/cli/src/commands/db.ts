import { readEmbeddedState, type Config } from '@rum/server-kit';
import { POLICY_INTERVAL_MS, startEmbeddedTimescale } from '@rum/embedded-db';
import { migrate } from '@rum/server-kit';
import pg from 'pg';

/** `rum db`: serves the embedded TimescaleDB on the data folder until SIGINT/SIGTERM. */
export async function dbCommand(config: Config): Promise<void> {
  const running = readEmbeddedState(config.dataDir);
  if (running)
    throw new Error(
      `the embedded TimescaleDB for ${config.dataDir} is already running at ${running.url}`,
    );
  const db = await startEmbeddedTimescale({
    dataDir: config.dataDir,
    advertise: true,
    policyIntervalMs: POLICY_INTERVAL_MS,
  });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  await migrate(client);
  await client.end();
  console.error(`embedded TimescaleDB ready: DATABASE_URL=${db.url} (data in ${config.dataDir})`);
  await new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  await db.stop();
  console.error('embedded TimescaleDB stopped');
}
