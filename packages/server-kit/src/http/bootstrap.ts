import Fastify, {
  LogController,
  type FastifyBaseLogger,
  type FastifyInstance,
  type FastifyServerOptions,
} from 'fastify';
import { loadConfig, type Config } from '../config.ts';
import { createLogger, type Logger } from '../logger.ts';
import { errorHandler } from './error-handler.ts';
import { metrics } from './metrics.ts';

/** Longest a graceful shutdown may take before the process exits anyway. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

export interface ServiceAppOptions {
  logger: Logger;
  fastify?: Omit<FastifyServerOptions, 'loggerInstance' | 'logger'>;
}

/**
 * A Fastify instance as every service starts from: the service's pino logger (per-request log
 * lines off: /metrics counts every answer, and at thousands of beacons a second the lines would
 * cost more than the work), the one error handler, and Prometheus at `/metrics`. It never
 * listens; `runService` does.
 */
export function createServiceApp({ logger, fastify }: ServiceAppOptions): FastifyInstance {
  const app = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
    ...fastify,
  });
  void app.register(errorHandler);
  void app.register(metrics);
  return app;
}

export interface ServiceDefinition {
  name: string;
  /** The port this service listens on, from the config. */
  port(config: Config): number;
  /** The whole service as an app that does not listen yet. */
  build(config: Config, logger: Logger): Promise<FastifyInstance> | FastifyInstance;
}

/**
 * What `src/server.ts` of every service runs: the config (read once), the logger, the app,
 * `listen`; SIGTERM or SIGINT close the app gracefully (each plugin releases what it holds, the
 * workers finish their active jobs) within {@link SHUTDOWN_TIMEOUT_MS}. A failure to start is
 * one fatal line naming the cause, and exit code 1.
 */
export async function runService(definition: ServiceDefinition): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    process.stderr.write(`${definition.name}: ${(err as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger(definition.name, config.logLevel);
  try {
    const app = await definition.build(config, logger);
    closeOnSignals(app, logger);
    await app.listen({ host: config.host, port: definition.port(config) });
  } catch (err) {
    logger.fatal({ err }, `${definition.name} failed to start: ${(err as Error).message}`);
    process.exit(1);
  }
}

/** On SIGTERM or SIGINT: `close()`, then exit 0; exit 1 if it fails or takes over `timeoutMs`. */
export function closeOnSignals(
  app: { close(): Promise<unknown> },
  log: Logger,
  timeoutMs = SHUTDOWN_TIMEOUT_MS,
): void {
  let closing = false;
  const stop = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    log.info({ signal }, 'shutting down');
    setTimeout(() => {
      log.error(`shutdown took more than ${timeoutMs} ms; exiting`);
      process.exit(1);
    }, timeoutMs).unref();
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}
