/**
 * The product as a newcomer starts it: `rum start` on a fresh data folder, a Redis of its own
 * and free ports, read through the URLs it prints. For the tests that drive the dashboard in
 * Chromium against every real service.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeServicePorts, startPrivateRedis, type PortVariable } from '@rum/testing';
import type { Beacon } from '@rum/contract';
import { waitFor } from './wait-for.ts';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const RUM = join(REPO_ROOT, 'packages/cli/bin/rum.js');

/** What `rum start` printed. */
export interface RumUrls {
  /** The dashboard with the read token in its fragment. */
  dashboard: string;
  token: string;
  demo: string;
  ingest: string;
  ingestKey: string;
  query: string;
  database: string;
}

export interface RunningRum {
  urls: RumUrls;
  ports: Record<PortVariable, number>;
  /** The environment `rum start` runs with (for other `rum` commands against it). */
  env: NodeJS.ProcessEnv;
  /** GET `/v1/projects/demo/<path>` of the query API with the printed read token. */
  queryApi<T>(path: string): Promise<T>;
  /** POSTs a beacon to the ingest API with the demo project's key; asserts 202. */
  collect(beacon: Beacon): Promise<void>;
  /** Ctrl-C: resolves with `rum start`'s exit code. */
  interrupt(): Promise<number | null>;
  /** Stops whatever is still running (SIGINT, then SIGKILL after a minute) and removes the data. */
  stop(): Promise<void>;
}

/**
 * Starts `rum start` with `env` added to the environment, its log written to `logFile`, and
 * resolves once it has printed its URLs (every service answered its /health).
 */
export async function startRum(options: {
  logFile: string;
  env?: Record<string, string>;
}): Promise<RunningRum> {
  const dataDir = mkdtempSync(join(tmpdir(), 'rum-e2e-'));
  // A Redis of its own: the product uses the default queue name, and jobs left on a shared
  // Redis by an earlier, interrupted run would be processed against this run's fresh database.
  const redis = await startPrivateRedis();
  const ports = await freeServicePorts();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    RUM_DATA_DIR: dataDir,
    REDIS_URL: redis.url,
    HOST: '127.0.0.1',
    LOG_LEVEL: 'info',
    ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
    ...options.env,
  };
  const rum: ChildProcess = spawn(process.execPath, [RUM, 'start'], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((r) => rum.once('exit', (code) => r(code)));
  const stop = async () => {
    if (rum.exitCode === null && rum.signalCode === null) {
      rum.kill('SIGINT');
      const killer = setTimeout(() => rum.kill('SIGKILL'), 60_000);
      await exited;
      clearTimeout(killer);
    }
    rmSync(dataDir, { recursive: true, force: true });
    await redis.stop();
  };
  try {
    // The services' logs, for when a test fails.
    mkdirSync(dirname(options.logFile), { recursive: true });
    rum.stderr!.pipe(createWriteStream(options.logFile));
    let stdout = '';
    let stderr = '';
    rum.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    rum.stderr!.on(
      'data',
      (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-20_000)),
    );
    await Promise.race([
      waitFor(
        'the URLs of rum start',
        async () => (stdout.includes('Press Ctrl-C') ? true : undefined),
        240_000,
      ),
      exited.then((code) => {
        throw new Error(`rum start exited (${code}) before printing its URLs:\n${stderr}`);
      }),
    ]);
    const line = (label: string) => {
      const match = new RegExp(`^\\s*${label}:\\s+(\\S+)`, 'm').exec(stdout);
      assert.ok(match, `rum start printed no "${label}:" line`);
      return match[1]!;
    };
    const dashboard = line('Dashboard');
    const ingest = new URL(line('Ingest API'));
    const urls: RumUrls = {
      dashboard,
      token: new URLSearchParams(new URL(dashboard).hash.slice(1)).get('token')!,
      demo: line('Demo page'),
      ingest: ingest.origin,
      ingestKey: ingest.searchParams.get('key')!,
      query: new URL(line('Query API')).origin,
      database: line('Database'),
    };
    return {
      urls,
      ports,
      env,
      async queryApi<T>(path: string): Promise<T> {
        const response = await fetch(`${urls.query}/v1/projects/demo/${path}`, {
          headers: { authorization: `Bearer ${urls.token}` },
        });
        if (!response.ok)
          throw new Error(`GET ${path}: ${response.status} ${await response.text()}`);
        return (await response.json()) as T;
      },
      async collect(beacon: Beacon): Promise<void> {
        const response = await fetch(`${urls.ingest}/v1/collect?key=${urls.ingestKey}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(beacon),
        });
        assert.equal(response.status, 202, await response.text());
      },
      interrupt() {
        rum.kill('SIGINT');
        return exited;
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
