/** A task run now and then every `intervalMs`, one run at a time; `close` stops it after the run in progress. */
export interface Periodic {
  /** Runs the task now (after any run in progress) and resolves when it is done. */
  run(): Promise<void>;
  close(): Promise<void>;
}

/** `task` must handle its own errors: a run that throws would stop the ones queued behind it. */
export function startPeriodic(task: () => Promise<void>, intervalMs: number): Periodic {
  let running: Promise<void> = Promise.resolve();
  const run = () => (running = running.then(task));
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  void run();
  return {
    run,
    close: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
