/**
 * Combines items that arrive close together into one flush and settles every item's promise
 * with the outcome of the flush that carried it. Ingest shares one Bull job (one Redis round
 * trip) among the beacons that arrive together: on this kind of machine a round trip costs
 * more CPU (two syscalls, a Lua call) than everything else a beacon needs. The workers share
 * one transaction among the jobs they hold (a group commit, with `maxConcurrentFlushes`).
 */
export interface MicroBatcherOptions<T, R = void> {
  /** Most items in one flush; 1 turns batching off. */
  maxItems: number;
  /** Longest the first item of a batch waits for company, in ms; 0 = until the end of this event-loop turn. */
  maxWaitMs: number;
  /**
   * Handles a batch, returning one result per item in order (or nothing when R is void);
   * the batch's items succeed when it resolves and fail with its error when it rejects.
   */
  flush: (items: T[]) => Promise<R[] | void>;
  /**
   * Flushes running at once (default: no limit). At the limit, items wait, and the next flush
   * starts as soon as one ends, with everything that arrived meanwhile (up to maxItems): the
   * busier the flushes, the larger the batches, with no wait added when they are idle.
   */
  maxConcurrentFlushes?: number;
}

interface Waiter<T, R> {
  item: T;
  resolve: (result: R) => void;
  reject: (err: unknown) => void;
}

export class MicroBatcher<T, R = void> {
  readonly #options: MicroBatcherOptions<T, R>;
  #pending: Waiter<T, R>[] = [];
  #timer: NodeJS.Timeout | NodeJS.Immediate | undefined;
  readonly #inFlight = new Set<Promise<void>>();
  #closed = false;

  constructor(options: MicroBatcherOptions<T, R>) {
    if (!Number.isInteger(options.maxItems) || options.maxItems < 1)
      throw new RangeError('maxItems must be an integer >= 1');
    if (!(options.maxWaitMs >= 0)) throw new RangeError('maxWaitMs must be >= 0');
    if (!((options.maxConcurrentFlushes ?? 1) >= 1))
      throw new RangeError('maxConcurrentFlushes must be >= 1');
    this.#options = options;
  }

  /** Resolves with the item's result once its batch is flushed; rejects with the flush's error. */
  add(item: T): Promise<R> {
    if (this.#closed) return Promise.reject(new Error('micro-batcher is closed'));
    return new Promise<R>((resolve, reject) => {
      this.#pending.push({ item, resolve, reject });
      if (this.#pending.length >= this.#options.maxItems) this.#flush();
      else if (this.#timer === undefined) this.#schedule();
    });
  }

  /** Items waiting for their batch to be flushed. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Flushes what is waiting and resolves when every flush has settled; later adds are refused. */
  async close(): Promise<void> {
    this.#closed = true;
    while (this.#pending.length > 0 || this.#inFlight.size > 0) {
      this.#flush();
      await Promise.allSettled([...this.#inFlight]);
    }
  }

  #schedule(): void {
    const { maxWaitMs } = this.#options;
    this.#timer =
      maxWaitMs > 0
        ? setTimeout(() => this.#flush(), maxWaitMs)
        : setImmediate(() => this.#flush());
  }

  #flush(): void {
    if (this.#timer !== undefined) {
      clearTimeout(this.#timer as NodeJS.Timeout);
      clearImmediate(this.#timer as NodeJS.Immediate);
      this.#timer = undefined;
    }
    const limit = this.#options.maxConcurrentFlushes ?? Infinity;
    // More than maxItems wait only when flushes were at their limit.
    while (this.#pending.length > 0 && this.#inFlight.size < limit)
      this.#start(this.#pending.splice(0, this.#options.maxItems));
  }

  #start(batch: Waiter<T, R>[]): void {
    const done = (async () => this.#options.flush(batch.map((w) => w.item)))().then(
      (results) => {
        if (results && results.length !== batch.length) {
          const err = new Error(
            `flush returned ${results.length} results for ${batch.length} items`,
          );
          for (const w of batch) w.reject(err);
          return;
        }
        batch.forEach((w, i) => w.resolve(results?.[i] as R));
      },
      (err: unknown) => {
        for (const w of batch) w.reject(err);
      },
    );
    this.#inFlight.add(done);
    void done.finally(() => {
      this.#inFlight.delete(done);
      // Items held back by the limit go now (those with a timer of their own wait for it).
      if (this.#pending.length > 0 && this.#timer === undefined) this.#flush();
    });
  }
}
