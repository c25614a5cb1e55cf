/**
 * Calls `onChange` after every history-API route change (`pushState`, `replaceState`,
 * `popstate`). There is no event for the first two, so they are wrapped.
 */
export function watchRoute(onChange: () => void): void {
  for (const method of ['pushState', 'replaceState'] as const) {
    const original = history[method];
    history[method] = function (this: History, ...args: Parameters<History['pushState']>) {
      original.apply(this, args);
      onChange();
    };
  }
  addEventListener('popstate', onChange);
}
