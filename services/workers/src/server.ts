/** `npm start -w services/workers`: consume collect jobs until SIGTERM / SIGINT. */
import { assertRedisReachable, createLogger, loadConfig } from '@rum/shared';
import { closeOnSignals, startWorker } from './worker.ts';

const config = loadConfig();
const log = createLogger('workers', config.logLevel);
try {
  await assertRedisReachable(config.redisUrl);
  const worker = await startWorker(config, { logger: log });
  closeOnSignals(worker, log);
} catch (err) {
  log.fatal((err as Error).message);
  process.exit(1);
}
