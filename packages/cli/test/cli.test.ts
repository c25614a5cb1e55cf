import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { lookupIngestKey, verifyReadToken, type Redis } from '@rum/shared';
import { startEmbeddedTimescale } from '../src/embedded-db.ts';
import { loadMigrations } from '../src/migrate.ts';
import {
  connectTestRedis,
  uniqueName,
  TEST_JWT_SECRET,
  TEST_REDIS_URL,
} from '../src/test-support.ts';
import pg from 'pg';

const RUM = fileURLToPath(new URL('../bin/rum.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'rum-cli-'));
let redis: Redis;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function rum(...args: string[]): Promise<Run> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RUM_DATA_DIR: dataDir,
    JWT_SECRET: TEST_JWT_SECRET,
    REDIS_URL: TEST_REDIS_URL,
  };
  delete env.DATABASE_URL;
  delete env.NODE_TEST_CONTEXT; // set by node --test; a child node would report to it instead of running
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [RUM, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function projectCount(): Promise<number> {
  const db = await startEmbeddedTimescale({ dataDir });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return (await client.query('SELECT count(*)::int AS n FROM projects')).rows[0].n;
  } finally {
    await client.end();
    await db.stop();
  }
}

before(() => {
  redis = connectTestRedis();
});
after(() => redis.quit());

test('rum migrate applies the migrations to the embedded database, one JSON line each, then nothing', async () => {
  const migrations = loadMigrations().map((m) => m.name);
  const before = await rum('migrate', 'status');
  assert.equal(before.code, 0, before.stderr);
  assert.deepEqual(JSON.parse(before.stdout), { applied: [], pending: migrations });

  const first = await rum('migrate');
  assert.equal(first.code, 0, first.stderr);
  const lines = first.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { applied: string; ms: number });
  assert.deepEqual(
    lines.map((l) => l.applied),
    migrations,
  );
  for (const l of lines) assert.ok(Number.isInteger(l.ms) && l.ms >= 0, JSON.stringify(l));

  const again = await rum('migrate');
  assert.equal(again.code, 0, again.stderr);
  assert.equal(again.stdout, '', 'nothing pending: nothing on stdout');

  const status = await rum('migrate', 'status');
  assert.equal(status.code, 0, status.stderr);
  assert.equal(status.stdout.trim().split('\n').length, 1, 'one line');
  assert.deepEqual(JSON.parse(status.stdout), { applied: migrations, pending: [] });
});

test('rum project create prints exactly one JSON object, stores the project and publishes its key', async () => {
  const slug = uniqueName('shop');
  const run = await rum(
    'project',
    'create',
    '--name',
    slug,
    '--domain',
    'shop.example.com',
    '--origin',
    'https://shop.example.com',
  );
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.trim().split('\n');
  assert.equal(lines.length, 1, 'one line on stdout');
  const created = JSON.parse(lines[0]!) as Record<string, string>;
  assert.deepEqual(Object.keys(created).sort(), ['ingestKey', 'project', 'readToken']);
  assert.equal(created.project, slug);
  assert.match(created.ingestKey!, /^pk_[0-9a-f]{32}$/);
  const claims = verifyReadToken(created.readToken!, TEST_JWT_SECRET);
  assert.equal(claims.project, slug);
  assert.equal(claims.scope, 'read');
  // The default lifetime: 90 days.
  assert.ok(Math.abs(claims.expiresAt - Date.now() - 90 * 86_400_000) < 120_000);

  const published = await lookupIngestKey(redis, created.ingestKey!);
  assert.ok(published && published !== 'unpublished');
  assert.equal(published.slug, slug);
  assert.deepEqual(published.allowedOrigins, ['https://shop.example.com']);
  assert.equal(published.rateLimitPerMinute, 10_000);
  assert.equal(published.expiresAt, null);

  const list = await rum('project', 'list');
  const listed = list.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { project: string; domains: string[] });
  assert.deepEqual(listed.find((p) => p.project === slug)?.domains, ['shop.example.com']);
});

test('a duplicate slug is a clear error and changes nothing', async () => {
  const slug = uniqueName('dup');
  const first = await rum('project', 'create', '--name', slug);
  assert.equal(first.code, 0, first.stderr);
  const before = await projectCount();
  const again = await rum('project', 'create', '--name', slug);
  assert.equal(again.code, 1);
  assert.equal(again.stdout, '');
  assert.match(again.stderr, new RegExp(`project "${slug}" already exists`));
  assert.equal(await projectCount(), before);
});

test('bad arguments print the usage on stderr and exit with 2', async () => {
  for (const args of [
    ['project', 'create'],
    ['project', 'create', '--name', 'x', '--bogus'],
    ['project', 'create', '--name', 'x', '--origin', 'https://a.example/path'],
    ['project', 'create', '--name', 'x', '--rate-limit', '-5'],
    ['project'],
    ['frobnicate'],
    ['migrate', 'extra'],
    ['migrate', 'status', 'extra'],
    ['migrate', '--status'],
  ]) {
    const run = await rum(...args);
    assert.equal(run.code, 2, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Usage: rum <command>/);
  }
  const badSlug = await rum('project', 'create', '--name', 'Not A Slug');
  assert.equal(badSlug.code, 1);
  assert.match(badSlug.stderr, /invalid project name/);
});
