/**
 * CPU time and memory of processes, read from Linux's /proc (the bench measures each of its
 * processes apart: ingest, workers, PostgreSQL, Redis, the load generator). Elsewhere every
 * reading is undefined and the bench prints what it could measure.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS_PER_SECOND = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** The fields of /proc/<pid>/stat after the command name, which may itself hold spaces. */
function statFields(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

/** User plus system CPU seconds the process has used since it started. */
export function cpuSeconds(pid: number): number | undefined {
  const fields = statFields(pid);
  // Fields 14 (utime) and 15 (stime) of proc(5); the slice starts at field 3.
  return fields ? (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND : undefined;
}

export function parentPid(pid: number): number | undefined {
  const fields = statFields(pid);
  return fields ? Number(fields[1]) : undefined;
}

/** The process's command name (what `ps -o comm` shows), or undefined when it is gone. */
export function commandName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Resident memory in MB. */
export function rssMb(pid: number): number | undefined {
  try {
    const kb = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Busy and total CPU seconds of the whole machine (all cores) since boot. */
export function machineCpuSeconds(): { busy: number; total: number } | undefined {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const ticks = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const total = ticks.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = ticks[3]! + ticks[4]!;
    return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/**
 * CPU seconds used by a changing set of processes over a window: each process counts from the
 * window's start, or from 0 when it appeared later (a new database backend). Call
 * {@link CpuMeter.sample} often enough (every second) to see short-lived processes.
 */
export class CpuMeter {
  readonly #first = new Map<number, number>();
  readonly #last = new Map<number, number>();
  #started = false;

  /** Records the processes' CPU now; the first call is the window's start. */
  sample(pids: Iterable<number>): void {
    for (const pid of pids) {
      const seconds = cpuSeconds(pid);
      if (seconds === undefined) continue;
      if (!this.#first.has(pid)) this.#first.set(pid, this.#started ? 0 : seconds);
      this.#last.set(pid, seconds);
    }
    this.#started = true;
  }

  /** CPU seconds used since the first sample, by every process seen. */
  get seconds(): number {
    let sum = 0;
    for (const [pid, last] of this.#last) sum += last - this.#first.get(pid)!;
    return sum;
  }
}
