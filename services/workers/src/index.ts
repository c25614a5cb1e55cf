/** The workers' public entry point: start a consumer of the collect queue. */
export {
  startWorker,
  closeOnSignals,
  type RunningWorker,
  type WorkerOptions,
  type CollectResult,
} from './worker.ts';
