import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { ensureDevJwtSecret, loadConfig, requireJwtSecret, ConfigError } from '../src/index.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rum-config-'));

test('defaults match the documented ports and Redis URL', () => {
  const config = loadConfig({ RUM_DATA_DIR: dataDir() });
  assert.equal(config.ingestPort, 4000);
  assert.equal(config.queryPort, 4001);
  assert.equal(config.wsPort, 4500);
  assert.equal(config.workersPort, 4002);
  assert.equal(config.dashboardPort, 5173);
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(config.databaseUrl, undefined);
  assert.equal(config.databaseReadUrl, undefined);
  assert.equal(config.queryParallelWorkers, 0);
});

test('loading the config writes nothing; the CLI creates the development JWT secret once, services read it', () => {
  const dir = dataDir();
  const before = loadConfig({ RUM_DATA_DIR: dir });
  assert.equal(before.jwtSecret, null);
  assert.throws(() => requireJwtSecret(before), /JWT_SECRET.*npx rum start/);
  ensureDevJwtSecret(dir);
  const first = loadConfig({ RUM_DATA_DIR: dir }).jwtSecret;
  assert.ok(first && first.length >= 32);
  ensureDevJwtSecret(dir);
  assert.equal(loadConfig({ RUM_DATA_DIR: dir }).jwtSecret, first);
  writeFileSync(join(dir, 'other'), 'x');
  assert.equal(
    loadConfig({ RUM_DATA_DIR: dir, JWT_SECRET: 'from-the-environment-1234' }).jwtSecret,
    'from-the-environment-1234',
  );
});

test('every bad variable is named in one error', () => {
  assert.throws(
    () =>
      loadConfig({
        RUM_DATA_DIR: dataDir(),
        INGEST_PORT: 'abc',
        REDIS_URL: 'http://x',
        WORKER_CONCURRENCY: '0',
        DATABASE_READ_URL: 'mysql://replica/rum',
      }),
    (err: Error) =>
      err instanceof ConfigError &&
      /INGEST_PORT/.test(err.message) &&
      /REDIS_URL/.test(err.message) &&
      /WORKER_CONCURRENCY/.test(err.message) &&
      /DATABASE_READ_URL/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ RUM_DATA_DIR: dataDir(), NODE_ENV: 'production' }),
    /JWT_SECRET/,
  );
});
