import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, ConfigError } from '../src/index.ts';

const dataDir = () => mkdtempSync(join(tmpdir(), 'rum-config-'));

test('defaults match the documented ports and Redis URL', () => {
  const config = loadConfig({ RUM_DATA_DIR: dataDir() });
  assert.equal(config.ingestPort, 4000);
  assert.equal(config.queryPort, 4001);
  assert.equal(config.wsPort, 4500);
  assert.equal(config.dashboardPort, 5173);
  assert.equal(config.redisUrl, 'redis://127.0.0.1:6379');
  assert.equal(config.databaseUrl, undefined);
});

test('a development JWT secret is generated once and then reused', () => {
  const dir = dataDir();
  const first = loadConfig({ RUM_DATA_DIR: dir }).jwtSecret;
  assert.ok(first.length >= 32);
  assert.equal(loadConfig({ RUM_DATA_DIR: dir }).jwtSecret, first);
});

test('every bad variable is named in one error', () => {
  assert.throws(
    () =>
      loadConfig({
        RUM_DATA_DIR: dataDir(),
        INGEST_PORT: 'abc',
        REDIS_URL: 'http://x',
        WORKER_CONCURRENCY: '0',
      }),
    (err: Error) =>
      err instanceof ConfigError &&
      /INGEST_PORT/.test(err.message) &&
      /REDIS_URL/.test(err.message) &&
      /WORKER_CONCURRENCY/.test(err.message),
  );
  assert.throws(
    () => loadConfig({ RUM_DATA_DIR: dataDir(), NODE_ENV: 'production' }),
    /JWT_SECRET/,
  );
});
