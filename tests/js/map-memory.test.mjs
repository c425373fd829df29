// ErrGroup.map over a lazy async iterable of a million 1 KiB items: the
// items are pulled only as slots free, so memory stays bounded. Measured with
// forced GC: run by scripts/test.sh as `node --expose-gc --test`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCore } from './core.mjs';

const { ErrGroup } = useCore();

const MiB = 1024 * 1024;

test('map over 1M lazily pulled items keeps the JS heap bounded', async () => {
  assert.equal(typeof globalThis.gc, 'function', 'run with node --expose-gc');
  const N = 1_000_000;
  const LIMIT = 16;
  let pulled = 0;
  let done = 0;
  let aheadPeak = 0;
  const samples = [];
  const items = {
    [Symbol.asyncIterator]() {
      let i = 0;
      return {
        async next() {
          if (i >= N) return { done: true, value: undefined };
          pulled++;
          aheadPeak = Math.max(aheadPeak, pulled - done);
          // A fresh 1 KiB string per item: holding them all would take > 1 GiB.
          return { done: false, value: 'x'.repeat(1024) + i++ };
        },
      };
    },
  };
  globalThis.gc();
  const heap0 = process.memoryUsage().heapUsed;
  const results = await ErrGroup.map(items, async (item, index) => {
    if (index % 100_000 === 0) {
      globalThis.gc();
      samples.push({ index, heap: process.memoryUsage().heapUsed - heap0 });
    }
    done++;
    return item.length & 1; // a small result: the 1M-slot result array is the only O(N) part
  }, { limit: LIMIT });
  assert.equal(results.length, N);
  assert.ok(aheadPeak <= LIMIT, `pulled ${aheadPeak} items ahead of the mappers`);
  // The result array of 1M small integers costs about 8 MiB; everything else
  // must stay flat. 1M held items would be over 1 GiB.
  const worstHeap = Math.max(...samples.map((s) => s.heap));
  console.log(`heap growth at most ${(worstHeap / MiB).toFixed(1)} MiB, ${samples.length} samples`);
  assert.ok(worstHeap < 16 * MiB, `JS heap grew by ${(worstHeap / MiB).toFixed(1)} MiB`);
});
