import type { BeaconError } from '@rum/contract';
import { MAX_ERRORS_PER_PAGE } from './defaults.ts';

/**
 * Reports uncaught errors and unhandled promise rejections, each distinct error (same
 * message, source, line and column) once and at most `MAX_ERRORS_PER_PAGE` of them per
 * `seen` set: an error thrown in a loop would otherwise fill every beacon. The caller
 * clears `seen` for a new page view.
 *
 * Listens in the bubbling phase of `error`, so failed `<img>`/`<script>` loads (which do
 * not bubble) are not reported as JS errors. Cross-origin scripts without CORS arrive as
 * "Script error." with no stack: browsers hide the details on purpose.
 */
export function captureErrors(report: (error: BeaconError) => void, seen: Set<string>): void {
  const send = (reason?: Error, message?: string, source?: string, line?: number, col?: number) => {
    message ||= reason?.message || '' + reason;
    const key = [message, source, line, col].join();
    if (!seen.has(key) && seen.size < MAX_ERRORS_PER_PAGE) {
      seen.add(key);
      report({ message, stack: reason?.stack, source, line, col, ts: Date.now() });
    }
  };
  addEventListener('error', (e) => send(e.error, e.message, e.filename, e.lineno, e.colno));
  addEventListener('unhandledrejection', (e) => send(e.reason));
}
