/**
 * The processes `rum start` runs: each in its own process group (so a Ctrl-C reaches
 * `rum start` alone, which then stops them in order), its output prefixed with its name.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ManagedProcess {
  name: string;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process has exited. */
  exited: Promise<number | string>;
}

const LEVELS: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};

/**
 * A pino JSON line as `LEVEL message {extra}`; other lines as they are. Services log JSON
 * when their stdout is not a terminal, which is the case under `rum start`.
 */
export function formatLogLine(line: string): string {
  if (!line.startsWith('{')) return line;
  try {
    const {
      level,
      msg,
      time: _time,
      pid: _pid,
      hostname: _host,
      name: _name,
      ...rest
    } = JSON.parse(line) as Record<string, unknown>;
    const extra = Object.keys(rest).length > 0 ? ` ${JSON.stringify(rest)}` : '';
    return `${(LEVELS[level as number] ?? String(level)).padEnd(5)} ${String(msg ?? '')}${extra}`;
  } catch {
    return line;
  }
}

export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; write: (line: string) => void },
): ManagedProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const prefix = `[${name}]`.padEnd(14);
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => {
      options.write(`${prefix} ${formatLogLine(line)}`);
    });
  }
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
    child.once('error', (err) => {
      options.write(`${prefix} cannot start: ${err.message}`);
      resolve('error');
    });
  });
  return { name, child, exited };
}

function isRunning(p: ManagedProcess): boolean {
  return p.child.exitCode === null && p.child.signalCode === null && p.child.pid !== undefined;
}

/** Signals the whole process group (a child's own children, such as vite's, go too). */
export function signalGroup(p: ManagedProcess, signal: NodeJS.Signals): void {
  if (!isRunning(p)) return;
  try {
    process.kill(-p.child.pid!, signal);
  } catch {
    // Already gone.
  }
}

/** SIGTERM to each, then SIGKILL to what is left after `graceMs`. Resolves when all have exited. */
export async function stopProcesses(processes: ManagedProcess[], graceMs: number): Promise<void> {
  for (const p of processes) signalGroup(p, 'SIGTERM');
  const timer = setTimeout(() => {
    for (const p of processes) signalGroup(p, 'SIGKILL');
  }, graceMs);
  await Promise.all(processes.map((p) => p.exited));
  clearTimeout(timer);
}

/** Rejects when `p` exits first; resolves when `ready()` does. Polls every 250 ms up to `timeoutMs`. */
export async function waitUntilReady(
  p: ManagedProcess,
  ready: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  let exitCode: number | string | undefined;
  void p.exited.then((code) => (exitCode = code));
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined)
      throw new Error(`${p.name} exited (${exitCode}) before it was ready; see its log above`);
    if (await ready().catch(() => false)) return;
    if (Date.now() > deadline)
      throw new Error(
        `${p.name} was not ready within ${Math.round(timeoutMs / 1000)} s; see its log above`,
      );
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** A readiness check: `url` answers 2xx. */
export function answers(url: string): () => Promise<boolean> {
  return async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
    await response.body?.cancel();
    return response.ok;
  };
}
