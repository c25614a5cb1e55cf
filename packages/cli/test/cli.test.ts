import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REVOKED_TOKENS_HASH } from '@rum/contract';
import { lookupIngestKey, verifyReadToken, type Redis } from '@rum/server-kit';
import { startEmbeddedTimescale } from '@rum/embedded-db';
import { loadMigrations } from '@rum/server-kit';
import { connectTestRedis, uniqueName, TEST_JWT_SECRET, TEST_REDIS_URL } from '@rum/testing';
import pg from 'pg';
import { rumEnv, runRum, type Run } from './run-rum.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'rum-cli-'));
let redis: Redis;

function rum(...args: string[]): Promise<Run> {
  return runRum(
    rumEnv({ RUM_DATA_DIR: dataDir, JWT_SECRET: TEST_JWT_SECRET, REDIS_URL: TEST_REDIS_URL }),
    args,
  );
}

/** Runs `fn` on the embedded database of the data folder (while no command holds it). */
async function withDb<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const db = await startEmbeddedTimescale({ dataDir });
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
    await db.stop();
  }
}

async function projectCount(): Promise<number> {
  return withDb(
    async (client) => (await client.query('SELECT count(*)::int AS n FROM projects')).rows[0].n,
  );
}

function lines(run: Run): Record<string, unknown>[] {
  return run.stdout
    .trim()
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
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

test('rum token create, list and revoke: one JSON line each; the list never shows a token', async () => {
  const slug = uniqueName('tok');
  assert.equal((await rum('project', 'create', '--name', slug)).code, 0);
  const create = await rum('token', 'create', '--project', slug, '--ttl', '30d', '--name', 'ci');
  assert.equal(create.code, 0, create.stderr);
  const [token] = lines(create) as [
    { id: string; token: string; project: string; expiresAt: string },
  ];
  assert.deepEqual(Object.keys(token).sort(), ['expiresAt', 'id', 'project', 'token']);
  assert.equal(token.project, slug);
  const claims = verifyReadToken(token.token, TEST_JWT_SECRET);
  assert.equal(claims.id, token.id);
  assert.equal(new Date(claims.expiresAt).toISOString(), token.expiresAt);
  assert.ok(Math.abs(claims.expiresAt - Date.now() - 30 * 86_400_000) < 120_000);

  const list = await rum('token', 'list', '--project', slug);
  assert.equal(list.code, 0, list.stderr);
  const listed = lines(list);
  // The token made with the project, and this one.
  assert.equal(listed.length, 2);
  assert.ok(listed.every((t) => !('token' in t) && t.revokedAt === null));
  assert.equal(listed.find((t) => t.id === token.id)?.name, 'ci');

  const revoke = await rum('token', 'revoke', token.id);
  assert.equal(revoke.code, 0, revoke.stderr);
  assert.deepEqual(Object.keys(lines(revoke)[0]!).sort(), ['id', 'project', 'revokedAt']);
  assert.equal(Number(await redis.hget(REVOKED_TOKENS_HASH, token.id)), claims.expiresAt);
  const after = lines(await rum('token', 'list', '--project', slug));
  assert.ok(after.find((t) => t.id === token.id)?.revokedAt);

  const unknown = await rum('token', 'revoke', 'rt_nope');
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /read token "rt_nope" does not exist/);
  const noProject = await rum('token', 'list', '--project', uniqueName('none'));
  assert.equal(noProject.code, 1);
  assert.match(noProject.stderr, /does not exist/);
});

test('rum project rotate-key: a new key at once; the old one published with the end of its grace', async () => {
  const slug = uniqueName('rot');
  const created = lines(await rum('project', 'create', '--name', slug))[0] as { ingestKey: string };
  const run = await rum('project', 'rotate-key', slug, '--grace', '2h');
  assert.equal(run.code, 0, run.stderr);
  const rotated = lines(run)[0] as {
    project: string;
    ingestKey: string;
    previousKeysExpireAt: string;
  };
  assert.equal(rotated.project, slug);
  assert.notEqual(rotated.ingestKey, created.ingestKey);
  assert.ok(Math.abs(Date.parse(rotated.previousKeysExpireAt) - Date.now() - 7_200_000) < 120_000);
  const old = await lookupIngestKey(redis, created.ingestKey);
  const current = await lookupIngestKey(redis, rotated.ingestKey);
  assert.ok(old && old !== 'unpublished' && current && current !== 'unpublished');
  assert.equal(old.expiresAt, Date.parse(rotated.previousKeysExpireAt));
  assert.equal(current.expiresAt, null);
  const listed = lines(await rum('project', 'list')).find((p) => p.project === slug);
  assert.equal(listed?.ingestKey, rotated.ingestKey);
  const missing = await rum('project', 'rotate-key', uniqueName('none'));
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
});

test('rum dead-letter list and purge, for all projects or one', async () => {
  await withDb(async (client) => {
    await client.query(
      `INSERT INTO dead_letters (job, beacon_index, project, reason, payload) VALUES
         ('q:1:1', 0, 'shop', 'beacon 0: bad', $1), ('q:1:1', 1, 'blog', 'beacon 1: worse', '{"sid":"b"}')`,
      [JSON.stringify({ sid: 'a\u0000' })],
    );
  });
  const all = await rum('dead-letter', 'list');
  assert.equal(all.code, 0, all.stderr);
  const letters = lines(all);
  assert.deepEqual(
    letters.map((l) => [l.project, l.beacon, l.reason, l.payload]),
    [
      ['shop', 0, 'beacon 0: bad', { sid: 'a\u0000' }],
      ['blog', 1, 'beacon 1: worse', { sid: 'b' }],
    ],
  );
  assert.ok(letters.every((l) => typeof l.time === 'string' && l.job === 'q:1:1'));
  assert.deepEqual(
    lines(await rum('dead-letter', 'list', '--project', 'blog')).map((l) => l.project),
    ['blog'],
  );
  assert.deepEqual(lines(await rum('dead-letter', 'purge', '--project', 'shop')), [{ purged: 1 }]);
  assert.deepEqual(
    lines(await rum('dead-letter', 'list')).map((l) => l.project),
    ['blog'],
  );
  assert.deepEqual(lines(await rum('dead-letter', 'purge')), [{ purged: 1 }]);
  assert.equal((await rum('dead-letter', 'list')).stdout, '');
});

test('rum project routes set and list: patterns win, and re-template the pages already stored', async () => {
  const slug = uniqueName('routes');
  assert.equal((await rum('project', 'create', '--name', slug)).code, 0);
  await withDb(async (client) => {
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO websites (project_id, domain) SELECT id, 'shop.example' FROM projects WHERE slug = $1 RETURNING id`,
      [slug],
    );
    await client.query(`INSERT INTO pages (website_id, path) SELECT $1, unnest($2::text[])`, [
      rows[0]!.id,
      ['/products/12', '/products/blue-shoe', '/docs/a/b', '/'],
    ]);
  });
  const listed = await rum('project', 'routes', 'list', slug);
  assert.equal(listed.code, 0, listed.stderr);
  assert.deepEqual(JSON.parse(listed.stdout), {
    project: slug,
    patterns: [],
    routes: [
      { route: '/', pages: 1 },
      { route: '/docs/a/b', pages: 1 },
      { route: '/products/:id', pages: 1 },
      { route: '/products/blue-shoe', pages: 1 },
    ],
  });
  const set = await rum('project', 'routes', 'set', slug, '/products/:slug', '/docs/*');
  assert.equal(set.code, 0, set.stderr);
  assert.deepEqual(JSON.parse(set.stdout), {
    project: slug,
    patterns: ['/products/:slug', '/docs/*'],
    pagesRetemplated: 3,
  });
  const after = JSON.parse((await rum('project', 'routes', 'list', slug)).stdout);
  assert.deepEqual(after.routes, [
    { route: '/products/:slug', pages: 2 },
    { route: '/', pages: 1 },
    { route: '/docs/*', pages: 1 },
  ]);
  const missing = await rum('project', 'routes', 'set', uniqueName('nope'), '/a');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /does not exist/);
});

test('rum alert create, list and delete; bad rule arguments exit 2 and store nothing', async () => {
  const slug = uniqueName('alerts');
  assert.equal((await rum('project', 'create', '--name', slug)).code, 0);
  const hook = 'https://hooks.example.com/services/T0/B0/secret-path';
  const valid = ['--project', slug, '--metric', 'LCP', '--above', '2500', '--webhook', hook];
  const rulesStored = () =>
    withDb(
      async (client) =>
        (await client.query('SELECT count(*)::int AS n FROM alert_rules')).rows[0].n as number,
    );
  for (const bad of [
    ['--metric', 'LCPX'],
    ['--stat', 'p99'],
    ['--above', 'fast'],
    ['--above', '-1'],
    ['--above', ''],
    ['--stat', 'poor-share', '--above', '25'],
    ['--window', '2h'],
    ['--device', 'watch'],
    ['--route', 'products/:id'],
    ['--min-samples', '0'],
    ['--min-samples', '2.5'],
    ['--webhook', 'ftp://example.com/x'],
    ['--webhook', 'not a url'],
    ['--bogus', 'x'],
  ]) {
    const args = [...valid];
    for (let i = 0; i < bad.length; i += 2) {
      const at = args.indexOf(bad[i]!);
      if (at >= 0) args.splice(at, 2, bad[i]!, bad[i + 1]!);
      else args.push(bad[i]!, bad[i + 1]!);
    }
    const run = await rum('alert', 'create', ...args);
    assert.equal(run.code, 2, `${bad.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    assert.match(run.stderr, /Usage: rum <command>/);
  }
  for (const missing of ['--project', '--metric', '--above', '--webhook']) {
    const args = [...valid];
    args.splice(args.indexOf(missing), 2);
    const run = await rum('alert', 'create', ...args);
    assert.equal(run.code, 2, missing);
    assert.match(run.stderr, new RegExp(`alert create needs ${missing}`));
  }
  assert.equal(await rulesStored(), 0, 'nothing stored');

  const create = await rum(
    'alert',
    'create',
    ...valid,
    '--device',
    'mobile',
    '--route',
    '/products/:id',
    '--window',
    '15m',
    '--min-samples',
    '50',
  );
  assert.equal(create.code, 0, create.stderr);
  const rule = lines(create)[0] as Record<string, unknown>;
  assert.deepEqual(
    { ...rule, id: typeof rule.id, secret: typeof rule.secret, createdAt: typeof rule.createdAt },
    {
      id: 'string',
      project: slug,
      metric: 'LCP',
      stat: 'p75',
      threshold: 2500,
      window: '15m',
      filters: { device: 'mobile', route: '/products/:id' },
      minSamples: 50,
      webhookHost: 'hooks.example.com',
      createdAt: 'string',
      secret: 'string',
    },
  );
  assert.match(rule.secret as string, /^[0-9a-f]{64}$/);
  const share = await rum(
    'alert',
    'create',
    ...valid.slice(0, 4),
    '--stat',
    'poor-share',
    '--above',
    '0.25',
    '--webhook',
    hook,
  );
  assert.equal(share.code, 0, share.stderr);

  const list = await rum('alert', 'list', '--project', slug);
  assert.equal(list.code, 0, list.stderr);
  const listed = lines(list);
  assert.deepEqual(
    listed.map((r) => [r.id, r.stat, r.state, r.last]),
    [
      [rule.id, 'p75', 'ok', null],
      [lines(share)[0]!.id, 'poor-share', 'ok', null],
    ],
  );
  assert.ok(!list.stdout.includes(rule.secret as string) && !list.stdout.includes('secret-path'));

  const del = await rum('alert', 'delete', rule.id as string);
  assert.equal(del.code, 0, del.stderr);
  assert.equal((lines(del)[0]!.deleted as { id: string }).id, rule.id);
  assert.equal(lines(await rum('alert', 'list', '--project', slug)).length, 1);
  const again = await rum('alert', 'delete', rule.id as string);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /does not exist/);
  const noProject = await rum(
    'alert',
    'create',
    ...valid.slice(2),
    '--project',
    uniqueName('none'),
  );
  assert.equal(noProject.code, 1);
  assert.match(noProject.stderr, /does not exist/);
  for (const args of [
    ['alert'],
    ['alert', 'frob'],
    ['alert', 'list'],
    ['alert', 'delete'],
    ['alert', 'delete', 'a', 'b'],
  ]) {
    const run = await rum(...args);
    assert.equal(run.code, 2, args.join(' '));
    assert.match(run.stderr, /Usage: rum <command>/);
  }
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
    ['project', 'create', '--name', 'x', '--ttl', '30 days'],
    ['project', 'rotate-key'],
    ['project', 'rotate-key', 'x', '--grace', '5x'],
    ['token'],
    ['token', 'create'],
    ['token', 'create', '--project', 'x', '--ttl', '0d'],
    ['token', 'list'],
    ['token', 'revoke'],
    ['token', 'revoke', 'a', 'b'],
    ['token', 'frob'],
    ['dead-letter'],
    ['dead-letter', 'frob'],
    ['dead-letter', 'list', '--bogus'],
    ['project', 'routes'],
    ['project', 'routes', 'set'],
    ['project', 'routes', 'list', 'x', 'extra'],
    ['project', 'routes', 'set', 'x', 'products/:id'],
    ['project', 'routes', 'set', 'x', '/docs/*/more'],
    ['project', 'routes', 'set', 'x', '/a/:'],
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
