/** Starts the query API on config.host:config.queryPort; closes cleanly on SIGTERM/SIGINT. */
import { loadConfig } from '@rum/shared';
import { buildApp } from './app.ts';

const config = loadConfig();
const app = await buildApp({ config });

let closing = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'closing');
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'close failed');
        process.exit(1);
      },
    );
  });
}

try {
  await app.listen({ host: config.host, port: config.queryPort });
} catch (err) {
  app.log.fatal({ err }, 'query-api failed to start');
  process.exit(1);
}
