import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Joi from 'joi';
import { ALERT_EVALUATION_MS } from '@rum/contract';

/** Everything any RUM process reads from the environment, validated once at start. */
export interface Config {
  /** Unset: use the embedded TimescaleDB (see {@link resolveDatabaseUrl}). */
  databaseUrl: string | undefined;
  /** A read replica for the query API; the primary (`databaseUrl`) when unset. */
  databaseReadUrl: string | undefined;
  /**
   * `max_parallel_workers_per_gather` of the query API's sessions. 0 (default): no parallel
   * plans, which answered the dashboard's questions faster on a 2-core server (README).
   */
  queryParallelWorkers: number;
  redisUrl: string;
  /**
   * Signs and verifies read tokens: `JWT_SECRET`, or in development the secret the CLI keeps
   * in the data folder ({@link ensureDevJwtSecret}); null when there is neither (see
   * {@link requireJwtSecret}).
   */
  jwtSecret: string | null;
  host: string;
  ingestPort: number;
  queryPort: number;
  wsPort: number;
  /** The workers' health and metrics endpoint. */
  workersPort: number;
  dashboardPort: number;
  /** Port of the demo page `rum start` serves (it loads the SDK's script-tag build). */
  demoPort: number;
  logLevel: string;
  workerConcurrency: number;
  /** Folder of the embedded database and of dev-only generated secrets. */
  dataDir: string;
  /** How often the workers evaluate the alert rules (ms); tests shorten it. */
  alertIntervalMs: number;
  /** Where users open the dashboard: the base of the links in alert notifications. */
  dashboardUrl: string;
  /** Lower-case header a trusted proxy sets to the visitor's country, e.g. `cf-ipcountry`; empty to ignore. */
  countryHeader: string;
  production: boolean;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');

const port = Joi.number().integer().min(0).max(65535);
const schema = Joi.object({
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  DATABASE_READ_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  QUERY_PARALLEL_WORKERS: Joi.number().integer().min(0).max(64).default(0),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .default('redis://127.0.0.1:6379'),
  JWT_SECRET: Joi.string().min(16),
  HOST: Joi.string().default('127.0.0.1'),
  INGEST_PORT: port.default(4000),
  QUERY_PORT: port.default(4001),
  WS_PORT: port.default(4500),
  WORKERS_PORT: port.default(4002),
  DASHBOARD_PORT: port.default(5173),
  DEMO_PORT: port.default(5174),
  LOG_LEVEL: Joi.string()
    .valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')
    .default('info'),
  WORKER_CONCURRENCY: Joi.number().integer().min(1).max(256).default(16),
  RUM_DATA_DIR: Joi.string().default(DEFAULT_DATA_DIR),
  ALERT_INTERVAL_MS: Joi.number().integer().min(100).max(3_600_000).default(ALERT_EVALUATION_MS),
  DASHBOARD_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  COUNTRY_HEADER: Joi.string().allow('').lowercase().default('cf-ipcountry'),
  NODE_ENV: Joi.string().default('development'),
}).unknown(true);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and checks the environment. Throws one {@link ConfigError} naming every missing or
 * bad variable. Writes nothing: in development the JWT secret the CLI generated into the data
 * folder is read when `JWT_SECRET` is unset; in production `JWT_SECRET` is required.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const { value, error } = schema.validate(env, { abortEarly: false, convert: true });
  const problems = error ? error.details.map((d) => d.message) : [];
  const production = value.NODE_ENV === 'production';
  if (production && !value.JWT_SECRET) problems.push('"JWT_SECRET" is required in production');
  if (problems.length > 0) {
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const dataDir = resolve(value.RUM_DATA_DIR as string);
  return {
    databaseUrl: value.DATABASE_URL,
    databaseReadUrl: value.DATABASE_READ_URL,
    queryParallelWorkers: value.QUERY_PARALLEL_WORKERS,
    redisUrl: value.REDIS_URL,
    jwtSecret: value.JWT_SECRET ?? readDevJwtSecret(dataDir),
    host: value.HOST,
    ingestPort: value.INGEST_PORT,
    queryPort: value.QUERY_PORT,
    wsPort: value.WS_PORT,
    workersPort: value.WORKERS_PORT,
    dashboardPort: value.DASHBOARD_PORT,
    demoPort: value.DEMO_PORT,
    logLevel: value.LOG_LEVEL,
    workerConcurrency: value.WORKER_CONCURRENCY,
    dataDir,
    alertIntervalMs: value.ALERT_INTERVAL_MS,
    dashboardUrl: (value.DASHBOARD_URL ?? `http://localhost:${value.DASHBOARD_PORT}`).replace(
      /\/+$/,
      '',
    ),
    countryHeader: value.COUNTRY_HEADER,
    production,
  };
}

function devJwtSecretFile(dataDir: string): string {
  return join(dataDir, 'jwt-secret');
}

function readDevJwtSecret(dataDir: string): string | null {
  const file = devJwtSecretFile(dataDir);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : null;
}

/**
 * Creates the development JWT secret in the data folder if there is none, so `npm start` needs
 * no setup. Called by the CLI before it loads the config; services only read it.
 */
export function ensureDevJwtSecret(dataDir: string): void {
  const file = devJwtSecretFile(dataDir);
  if (existsSync(file)) return;
  mkdirSync(dataDir, { recursive: true });
  try {
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process created it in the meantime: that one is the secret.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
}

/** The JWT secret, or a {@link ConfigError} that names the fix. */
export function requireJwtSecret(config: Pick<Config, 'jwtSecret' | 'dataDir'>): string {
  if (config.jwtSecret) return config.jwtSecret;
  throw new ConfigError(
    `Invalid configuration: "JWT_SECRET" is not set and there is no development secret in ${devJwtSecretFile(config.dataDir)}; ` +
      'set JWT_SECRET, or run `npx rum start` (or any `npx rum` command) once to create one',
  );
}
