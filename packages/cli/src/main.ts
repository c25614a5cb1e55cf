import { ensureDevJwtSecret, loadConfig, type Config } from '@rum/server-kit';
import { USAGE, UsageError } from './usage.ts';
import { migrateCommand } from './commands/migrate.ts';
import { projectCommand } from './commands/project.ts';
import { tokenCommand } from './commands/token.ts';
import { deadLetterCommand } from './commands/dead-letter.ts';
import { alertCommand } from './commands/alert.ts';

const [command, ...args] = process.argv.slice(2);

/**
 * The config; in development, the first `rum` command creates the JWT secret that signs read
 * tokens, in the data folder, so `npm start` needs no setup (services only read it).
 */
function loadCliConfig(): Config {
  const loaded = loadConfig();
  if (loaded.jwtSecret !== null || loaded.production) return loaded;
  ensureDevJwtSecret(loaded.dataDir);
  return loadConfig();
}

async function run(): Promise<void> {
  const config = loadCliConfig();
  switch (command) {
    case 'migrate':
      return migrateCommand(config, args);
    case 'project':
      return projectCommand(config, args);
    case 'token':
      return tokenCommand(config, args);
    case 'dead-letter':
      return deadLetterCommand(config, args);
    case 'alert':
      return alertCommand(config, args);
    // Loaded on demand: they need the CLI's optional dependencies (the embedded database, the
    // demo, the traffic generator), which the migrate image leaves out.
    case 'db':
      return (await import('./commands/db.ts')).dbCommand(config);
    case 'start':
      return (await import('./commands/start.ts')).startCommand(config, args);
    case 'simulate':
      return (await import('./commands/simulate.ts')).simulateCommand(config, args);
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

try {
  await run();
} catch (err) {
  if (err instanceof UsageError) {
    process.stderr.write(`rum: ${err.message}\n\n${USAGE}`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`rum: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
