import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Joi from 'joi';

/** Everything any RUM process reads from the environment, validated once at start. */
export interface Config {
  /** Unset: use the embedded TimescaleDB (see {@link resolveDatabaseUrl}). */
  databaseUrl: string | undefined;
  redisUrl: string;
  jwtSecret: string;
  host: string;
  ingestPort: number;
  queryPort: number;
  wsPort: number;
  dashboardPort: number;
  /** Port of the demo page `rum start` serves (it loads the SDK's script-tag build). */
  demoPort: number;
  logLevel: string;
  workerConcurrency: number;
  /** Folder of the embedded database and of dev-only generated secrets. */
  dataDir: string;
  /** Lower-case header a trusted proxy sets to the visitor's country, e.g. `cf-ipcountry`; empty to ignore. */
  countryHeader: string;
  production: boolean;
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const DEFAULT_DATA_DIR = join(REPO_ROOT, '.data');

const port = Joi.number().integer().min(0).max(65535);
const schema = Joi.object({
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .default('redis://127.0.0.1:6379'),
  JWT_SECRET: Joi.string().min(16),
  HOST: Joi.string().default('127.0.0.1'),
  INGEST_PORT: port.default(4000),
  QUERY_PORT: port.default(4001),
  WS_PORT: port.default(4500),
  DASHBOARD_PORT: port.default(5173),
  DEMO_PORT: port.default(5174),
  LOG_LEVEL: Joi.string()
    .valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')
    .default('info'),
  WORKER_CONCURRENCY: Joi.number().integer().min(1).max(256).default(4),
  RUM_DATA_DIR: Joi.string().default(DEFAULT_DATA_DIR),
  COUNTRY_HEADER: Joi.string().allow('').lowercase().default('cf-ipcountry'),
  NODE_ENV: Joi.string().default('development'),
}).unknown(true);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Reads and checks the environment. Throws one {@link ConfigError} naming every missing or
 * bad variable. In development a JWT secret is generated once and kept in the data folder,
 * so `npm start` needs no setup; in production `JWT_SECRET` is required.
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
    redisUrl: value.REDIS_URL,
    jwtSecret: value.JWT_SECRET ?? devJwtSecret(dataDir),
    host: value.HOST,
    ingestPort: value.INGEST_PORT,
    queryPort: value.QUERY_PORT,
    wsPort: value.WS_PORT,
    dashboardPort: value.DASHBOARD_PORT,
    demoPort: value.DEMO_PORT,
    logLevel: value.LOG_LEVEL,
    workerConcurrency: value.WORKER_CONCURRENCY,
    dataDir,
    countryHeader: value.COUNTRY_HEADER,
    production,
  };
}

function devJwtSecret(dataDir: string): string {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  writeFileSync(file, secret, { mode: 0o600, flag: 'wx' });
  return secret;
}
