/**
 * Waiting for what the product does on its own time (workers committing, a dashboard panel
 * refetching), for the tests that drive the whole product.
 */
import assert from 'node:assert/strict';

/** Polls `check` until it returns a value (not undefined) or `timeoutMs` passes. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${lastError ? `: ${(lastError as Error).message}` : ''}`,
      );
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Polls until `read` (texts on the page) equals `expected` (from the query API, asked again on
 * every poll: the page and the test may each have caught an answer a moment apart).
 */
export async function expectTexts(
  what: string,
  read: () => Promise<unknown>,
  expected: () => Promise<unknown>,
  timeoutMs = 30_000,
): Promise<void> {
  let last: { actual: unknown; wanted: unknown } | undefined;
  try {
    await waitFor(
      what,
      async () => {
        const [actual, wanted] = await Promise.all([read(), expected()]);
        last = { actual, wanted };
        return JSON.stringify(actual) === JSON.stringify(wanted) ? true : undefined;
      },
      timeoutMs,
    );
  } catch (err) {
    assert.deepEqual(last?.actual, last?.wanted, (err as Error).message);
    throw err;
  }
}
