/** Runs the `rum` command as a user would, in a child process, for the CLI's tests. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export const RUM = fileURLToPath(new URL('../bin/rum.js', import.meta.url));

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a `rum` child: this process's, plus `vars`, without DATABASE_URL (the
 * embedded database of RUM_DATA_DIR) and without node --test's reporting channel (a child node
 * would report to it instead of running).
 */
export function rumEnv(vars: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...vars };
  delete env.DATABASE_URL;
  delete env.NODE_TEST_CONTEXT;
  return env;
}

/** `rum ...args` with `env`; its exit code and output, whatever the code. */
export async function runRum(env: NodeJS.ProcessEnv, args: string[]): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [RUM, ...args], {
      env,
      maxBuffer: 16 * 1024 * 1024,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
