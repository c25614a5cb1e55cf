/**
 * The images run compiled JavaScript: `npm run build:dist` (tsc, each package's dist/), started
 * with `node --conditions=@rum/dist` so that our packages resolve to their dist/ through the
 * `@rum/dist` condition of their exports (see the Dockerfile). This test builds them, lays out
 * what the images hold (each package's package.json and dist/, db/migrations; no src, no
 * tests, no @rum/embedded-db or @rum/testing) in a temporary folder, and runs it with plain
 * Node: the compiled CLI reads the migrations and creates a project, each of the four services
 * answers 200 on /health, and a beacon sent to the compiled ingest API is stored by the
 * compiled workers.
 */
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  freePort,
  startPrivateRedis,
  startTestDatabase,
  TEST_JWT_SECRET,
  uniqueName,
  type PrivateRedis,
  type TestDatabase,
} from '@rum/testing';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
/** What the images hold of ours, each as package.json and dist/. */
const PACKAGES = [
  'packages/contract',
  'packages/server-kit',
  'packages/cli',
  'services/ingest-api',
  'services/query-api',
  'services/websocket',
  'services/workers',
];
const SERVICES = ['ingest-api', 'query-api', 'websocket', 'workers'] as const;
type Service = (typeof SERVICES)[number];
const PORT_VARIABLE: Record<Service, string> = {
  'ingest-api': 'INGEST_PORT',
  'query-api': 'QUERY_PORT',
  websocket: 'WS_PORT',
  workers: 'WORKERS_PORT',
};

/**
 * Node as in the images. Where Node can strip types itself (22.18+), it is told not to, so a
 * `.ts` file reached by mistake fails here as it would in an image without sources.
 */
const NODE_ARGS = [
  ...((process.features as { typescript?: unknown }).typescript
    ? ['--no-experimental-strip-types']
    : []),
  '--conditions=@rum/dist',
];

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

/** The image's /app: our packages copied (package.json, dist/ without declarations), the
 * third-party packages linked from the repository, ours linked as npm links workspaces. */
function layOutImageTree(): string {
  const root = mkdtempSync(join(tmpdir(), 'rum-dist-'));
  cpSync(join(REPO_ROOT, 'db/migrations'), join(root, 'db/migrations'), { recursive: true });
  const modules = join(root, 'node_modules');
  mkdirSync(join(modules, '@rum'), { recursive: true });
  for (const entry of readdirSync(join(REPO_ROOT, 'node_modules'))) {
    if (entry === '@rum' || entry.startsWith('.')) continue;
    symlinkSync(join(REPO_ROOT, 'node_modules', entry), join(modules, entry));
  }
  for (const pkg of PACKAGES) {
    const from = join(REPO_ROOT, pkg);
    const to = join(root, pkg);
    mkdirSync(to, { recursive: true });
    cpSync(join(from, 'package.json'), join(to, 'package.json'));
    cpSync(join(from, 'dist'), join(to, 'dist'), {
      recursive: true,
      filter: (path) => !path.endsWith('.d.ts') && !path.endsWith('.tsbuildinfo'),
    });
    if (existsSync(join(from, 'node_modules')))
      symlinkSync(join(from, 'node_modules'), join(to, 'node_modules'));
    const { name } = JSON.parse(readFileSync(join(from, 'package.json'), 'utf8')) as {
      name: string;
    };
    symlinkSync(to, join(modules, name));
  }
  return root;
}

let tree: string;
let db: TestDatabase;
let redis: PrivateRedis;
let env: NodeJS.ProcessEnv;
const ports = {} as Record<Service, number>;
const running: Array<{ service: Service; child: ChildProcess; output: () => string }> = [];

function cli(...args: string[]): Promise<Ran> {
  return run([...NODE_ARGS, 'packages/cli/dist/main.js', ...args], tree, env);
}

function startService(service: Service): void {
  const child = spawn(process.execPath, [...NODE_ARGS, 'dist/server.js'], {
    cwd: join(tree, 'services', service),
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  running.push({ service, child, output: () => output });
}

async function healthStatus(service: Service, timeoutMs = 20_000): Promise<number> {
  const entry = running.find((r) => r.service === service)!;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (entry.child.exitCode !== null)
      assert.fail(`${service} exited (${entry.child.exitCode}):\n${entry.output()}`);
    const status = await fetch(`http://127.0.0.1:${ports[service]}/health`).then(
      (res) => res.status,
      () => 0,
    );
    if (status === 200 || Date.now() > deadline) return status;
    await new Promise((r) => setTimeout(r, 100));
  }
}

before(async () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const built = await run([tsc, '-b', 'tsconfig.build.json'], REPO_ROOT, process.env);
  assert.equal(built.code, 0, `npm run build:dist failed:\n${built.stdout}${built.stderr}`);
  tree = layOutImageTree();
  [db, redis] = await Promise.all([startTestDatabase(), startPrivateRedis()]);
  for (const service of SERVICES) ports[service] = await freePort();
  env = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    DATABASE_URL: db.url,
    REDIS_URL: redis.url,
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: 'warn',
    RUM_DATA_DIR: join(tree, 'data'),
    ...Object.fromEntries(SERVICES.map((s) => [PORT_VARIABLE[s], String(ports[s])])),
  };
});

after(async () => {
  await Promise.all(
    running.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }),
  );
  await db?.stop();
  await redis?.stop();
  if (tree) rmSync(tree, { recursive: true, force: true });
});

test('the compiled CLI reads db/migrations and migrates without the embedded database, which only its development commands need', async () => {
  const files = readdirSync(join(tree, 'db/migrations')).filter((f) => f.endsWith('.sql'));
  const status = await cli('migrate', 'status');
  assert.equal(status.code, 0, status.stderr);
  const { applied, pending } = JSON.parse(status.stdout) as {
    applied: unknown[];
    pending: unknown[];
  };
  assert.equal(applied.length, files.length);
  assert.deepEqual(pending, []);

  const migrated = await cli('migrate');
  assert.equal(migrated.code, 0, migrated.stderr);
  assert.match(migrated.stderr, /published to Redis/);

  // `rum db` needs @rum/embedded-db, which the image (and this tree) does not have.
  const db = await cli('db');
  assert.equal(db.code, 1);
  assert.match(db.stderr, /@rum\/embedded-db/);
});

test('each compiled service answers 200 on /health, and a beacon goes through ingest and the workers into the database', async () => {
  for (const service of SERVICES) startService(service);
  const statuses = await Promise.all(SERVICES.map((s) => healthStatus(s)));
  assert.deepEqual(
    Object.fromEntries(SERVICES.map((s, i) => [s, statuses[i]])),
    Object.fromEntries(SERVICES.map((s) => [s, 200])),
  );

  const created = await cli('project', 'create', '--name', uniqueName('compiled'));
  assert.equal(created.code, 0, created.stderr);
  const { ingestKey } = JSON.parse(created.stdout) as { ingestKey: string };
  const sid = uniqueName('s');
  const res = await fetch(`http://127.0.0.1:${ports['ingest-api']}/v1/collect?key=${ingestKey}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      sid,
      url: 'https://shop.example.com/compiled',
      events: [{ id: uniqueName('v5'), name: 'LCP', value: 1200, ts: Date.now() }],
    }),
  });
  assert.equal(res.status, 202, await res.text());
  const deadline = Date.now() + 15_000;
  let stored = 0;
  while (stored === 0 && Date.now() < deadline) {
    const { rows } = await db.pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM metrics WHERE session_id = $1',
      [sid],
    );
    stored = rows[0]!.n;
    if (stored === 0) await new Promise((r) => setTimeout(r, 100));
  }
  const workers = running.find((r) => r.service === 'workers')!;
  assert.equal(stored, 1, `the beacon was not stored; workers said:\n${workers.output()}`);
});
