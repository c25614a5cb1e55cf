/** The workers' public entry points: the service as an app, or the bare queue consumer. */
export { buildApp, type AppOptions } from './app.ts';
export {
  startWorker,
  type RunningWorker,
  type WorkerOptions,
  type CollectResult,
} from './worker.ts';
export { evaluateRules, type CreatedAlertEvent } from './alerts/evaluate-rules.ts';
