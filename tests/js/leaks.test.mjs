// Memory stays flat for the JS class: 100k groups with failures and parent
// aborts over one long-lived parent. The glue frees each group and its two
// settle callbacks through FinalizationRegistry after GC, as for any
// wasm-bindgen object; finalizers run as tasks of their own. So the loop
// yields to the event loop every 1,000 groups, as an app does, and each
// measurement follows forced GCs (node --expose-gc). The loop forces a GC
// at each yield too, so the wasm memory's high-water mark (it never shrinks)
// covers a thousand groups awaiting finalization, not an unknown number.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ErrGroup, initSync } from '../../pkg/node.mjs';

const KiB = 1024;

async function collect() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

test('100k groups leave the JS heap and wasm memory flat', async () => {
  assert.equal(typeof globalThis.gc, 'function', 'run with node --expose-gc');
  const memory = initSync().memory;
  const parent = new AbortController();
  let ran = 0;
  async function round(i) {
    const own = new AbortController();
    const group = ErrGroup.withSignal(i % 3 === 0 ? own.signal : parent.signal);
    group.setLimit(2);
    group.go(async () => { ran++; });
    group.go(() => { ran++; if (i % 2) throw new Error('sync'); });
    group.go(async (signal) => { await null; ran++; if (i % 7 === 0) throw signal.reason ?? 'late'; });
    if (i % 3 === 0) own.abort('stop');
    await group.wait().catch(() => {});
    const zero = new ErrGroup();
    zero.go(() => Promise.reject(i));
    zero.go(() => {});
    await zero.wait().catch(() => {});
  }
  const run = async (from, to) => {
    for (let i = from; i < to; i++) {
      await round(i);
      if (i % 1000 === 999) {
        globalThis.gc();
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    }
  };
  await run(0, 10_000);
  await collect();
  const heap1 = process.memoryUsage().heapUsed;
  const wasm1 = memory.buffer.byteLength;
  await run(10_000, 100_000);
  await collect();
  const heap2 = process.memoryUsage().heapUsed;
  const wasm2 = memory.buffer.byteLength;
  console.log(`after 10k groups: heap ${(heap1 / KiB).toFixed(0)} KiB, wasm ${wasm1 / KiB} KiB; ` +
    `after 100k: heap ${(heap2 / KiB).toFixed(0)} KiB, wasm ${wasm2 / KiB} KiB`);
  assert.ok(ran > 150_000);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
  assert.ok(heap2 - heap1 < 1024 * KiB, `JS heap grew by ${((heap2 - heap1) / KiB).toFixed(0)} KiB`);
  assert.ok(wasm2 - wasm1 <= 1024 * KiB, `wasm memory grew by ${(wasm2 - wasm1) / KiB} KiB`);
});

test('a dropped group is collected, whether wait() ran on it or not', async () => {
  const parent = new AbortController();
  const kinds = {
    'idle withSignal, waited': async () => { const g = ErrGroup.withSignal(); await g.wait(); return g; },
    'withSignal(parent), waited': async () => { const g = ErrGroup.withSignal(parent.signal); await g.wait(); return g; },
    'busy withSignal, waited': async () => { const g = ErrGroup.withSignal(); g.go(async () => {}); await g.wait(); return g; },
    'failed, never waited': async () => { const g = ErrGroup.withSignal(); g.go(() => { throw 1; }); await null; return g; },
    'zero group with tasks': async () => { const g = new ErrGroup(); g.go(async () => {}); await g.wait(); return g; },
  };
  for (const [kind, make] of Object.entries(kinds)) {
    const refs = [];
    for (let i = 0; i < 50; i++) refs.push(new WeakRef(await make()));
    await collect();
    assert.equal(refs.filter((ref) => ref.deref()).length, 0, `${kind}: groups still reachable`);
  }
});

test('wait() on a group collected with tasks it can never start rejects instead of hanging', async () => {
  let called = 0;
  // Only the promise is kept: the group is garbage once this returns.
  const waitOnStuckGroup = (i) => {
    const group = i % 2 ? new ErrGroup() : ErrGroup.withSignal();
    group.setLimit(0);
    group.go(() => { called++; });
    return group.wait();
  };
  const waits = Array.from({ length: 20 }, (_, i) => waitOnStuckGroup(i));
  const outcomes = [];
  for (const wait of waits) wait.then(() => outcomes.push('resolved'), (error) => outcomes.push(error));
  for (let i = 0; i < 50 && outcomes.length < waits.length; i++) await collect();
  assert.equal(outcomes.length, waits.length, 'every wait() settled');
  for (const outcome of outcomes) {
    assert.ok(outcome instanceof Error, `rejected, not ${outcome}`);
    assert.match(outcome.message, /dropped while tasks it can never start were queued/);
  }
  assert.equal(called, 0);
});
