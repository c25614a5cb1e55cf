import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MicroBatcher } from '../src/micro-batcher.ts';

describe('MicroBatcher', () => {
  it('flushes at maxItems and at the end of the wait, each item with its own batch', async () => {
    const batches: number[][] = [];
    const batcher = new MicroBatcher<number>({
      maxItems: 3,
      maxWaitMs: 0,
      flush: async (items) => {
        batches.push(items);
      },
    });
    await Promise.all([1, 2, 3, 4, 5].map((n) => batcher.add(n)));
    assert.deepEqual(batches, [
      [1, 2, 3],
      [4, 5],
    ]);
  });

  it('rejects every item of a failed flush and only those', async () => {
    let calls = 0;
    const batcher = new MicroBatcher<string>({
      maxItems: 2,
      maxWaitMs: 0,
      flush: async () => {
        calls += 1;
        if (calls === 1) throw new Error('redis down');
      },
    });
    const results = await Promise.allSettled(['a', 'b', 'c'].map((s) => batcher.add(s)));
    assert.deepEqual(
      results.map((r) => r.status),
      ['rejected', 'rejected', 'fulfilled'],
    );
  });

  it('maxItems 1 is one flush per item; close flushes what waits and refuses more', async () => {
    const batches: number[][] = [];
    const single = new MicroBatcher<number>({
      maxItems: 1,
      maxWaitMs: 0,
      flush: async (items) => void batches.push(items),
    });
    await Promise.all([single.add(1), single.add(2)]);
    assert.deepEqual(batches, [[1], [2]]);

    const slow = new MicroBatcher<number>({
      maxItems: 10,
      maxWaitMs: 60_000,
      flush: async (items) => void batches.push(items),
    });
    const pending = slow.add(3);
    await slow.close();
    await pending;
    assert.deepEqual(batches.at(-1), [3]);
    await assert.rejects(slow.add(4), /closed/);
  });

  it('with maxConcurrentFlushes, what arrives during a flush goes in the next one, whole', async () => {
    const batches: number[][] = [];
    let running = 0;
    let most = 0;
    const releases: (() => void)[] = [];
    const batcher = new MicroBatcher<number>({
      maxItems: 3,
      maxWaitMs: 0,
      maxConcurrentFlushes: 1,
      flush: async (items) => {
        batches.push(items);
        most = Math.max(most, ++running);
        await new Promise<void>((resolve) => releases.push(resolve));
        running -= 1;
      },
    });
    const first = batcher.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(batches, [[1]], 'the first item went alone: nothing else was waiting');
    // Seven arrive while the first flush runs: they wait, then go three at a time, one flush at once.
    const rest = [2, 3, 4, 5, 6, 7, 8].map((n) => batcher.add(n));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(batches.length, 1, 'nothing flushed while the limit was reached');
    while (releases.length > 0 || batcher.pending > 0) {
      releases.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await Promise.all([first, ...rest]);
    assert.deepEqual(batches, [[1], [2, 3, 4], [5, 6, 7], [8]]);
    assert.equal(most, 1);
  });

  it('close waits for items held back by maxConcurrentFlushes', async () => {
    const flushed: number[] = [];
    const batcher = new MicroBatcher<number>({
      maxItems: 2,
      maxWaitMs: 0,
      maxConcurrentFlushes: 1,
      flush: async (items) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        flushed.push(...items);
      },
    });
    const all = [1, 2, 3, 4, 5].map((n) => batcher.add(n));
    await batcher.close();
    assert.deepEqual(flushed, [1, 2, 3, 4, 5]);
    await Promise.all(all);
  });
});
