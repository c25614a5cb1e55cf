import type { Options } from './types.ts';

/**
 * Options from the running script tag's `data-` attributes: `data-key`, `data-endpoint`,
 * `data-release`, `data-sample-rate` (kept as a string: `Math.random() < "0.5"` compares as a
 * number) and `data-keep-query` (its presence means true). A `beforeSend` hook comes from the
 * `window.rumBeforeSend` global instead (see `start`). Must run while the script executes:
 * `document.currentScript` is null afterwards.
 */
export function scriptOptions(): Options {
  const data = (document.currentScript as HTMLElement).dataset;
  return { ...(data as unknown as Options), keepQuery: data.keepQuery != null };
}
