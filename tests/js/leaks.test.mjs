// Memory is bounded by the groups alive, not by when the GC runs: a group
// releases its core, closures and promises when it settles, so the loops a
// user's program runs stay flat with no gc() inside them. The measurements
// at the two ends of each loop follow forced GCs and timer turns (run with
// node --expose-gc), so that what they compare is what is still reachable.
//
// The class runs from its source over a core this process instantiates, so
// that the wasm memory can be read; the package bundles the same two files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { useCore } from './core.mjs';

const { ErrGroup, exports, module } = useCore();
const KiB = 1024;
const MiB = 1024 * KiB;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function measure() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await tick();
  }
  return { heap: process.memoryUsage().heapUsed, wasm: exports.memory.buffer.byteLength };
}

function report(name, before, after, count) {
  const heap = after.heap - before.heap;
  const wasm = after.wasm - before.wasm;
  console.log(`${name}: heap growth ${(heap / KiB).toFixed(0)} KiB, wasm memory growth ${wasm / KiB} KiB over ${count}`);
  assert.ok(wasm <= MiB, `wasm memory grew by ${wasm / KiB} KiB`);
  assert.ok(heap <= 4 * MiB, `JS heap grew by ${(heap / KiB).toFixed(0)} KiB`);
}

test('the core imports nothing and exports no table: it holds no JS value to leak', () => {
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const kinds = WebAssembly.Module.exports(module).map(({ kind }) => kind);
  assert.deepEqual([...new Set(kinds)].sort(), ['function', 'memory']);
});

/**
 * One group of each kind in turn: success, a failure, and a parent abort
 * that skips queued work, over one long-lived parent or a parent of its
 * own. Two tasks run, one waits for a slot.
 */
async function round(i, longLived, free) {
  const own = new AbortController();
  const kind = i % 4;
  const group = kind === 0 ? new ErrGroup() : ErrGroup.withSignal(kind === 3 ? own.signal : longLived);
  group.setLimit(2);
  group.go(async () => {});
  group.go(() => { if (kind === 1) throw new Error('sync'); });
  group.go(async (signal) => { await null; if (kind === 1) throw signal.reason ?? 'late'; });
  if (kind === 3) own.abort('stop');
  await group.wait().catch(() => {});
  if (free) group.free();
}

for (const [name, free, turns] of [
  ['free() on each group, a loop that only awaits microtasks', true, false],
  ['no free(), a timer turn every 1,000 groups, no forced GC', false, true],
]) {
  test(`200,000 groups, ${name}: memory stays flat`, async () => {
    const longLived = new AbortController().signal;
    const run = async (from, to) => {
      for (let i = from; i < to; i++) {
        await round(i, longLived, free);
        if (turns && i % 1000 === 999) await tick();
      }
    };
    await run(0, 20_000);
    const before = await measure();
    await run(20_000, 200_000);
    const after = await measure();
    report(name, before, after, '180,000 groups');
    assert.equal(getEventListeners(longLived, 'abort').length, 0, 'no listener left on the long-lived parent');
  });
}

test('1,000,000 tasks through one group: memory stays flat', async () => {
  const group = new ErrGroup();
  group.setLimit(16);
  let ran = 0;
  const task = async () => { ran++; };
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      if (group.queued >= 64) await group.go(task);
      else group.go(task);
    }
    await group.wait();
  };
  await run(100_000);
  const before = await measure();
  await run(900_000);
  const after = await measure();
  report('one group', before, after, '900,000 tasks');
  assert.equal(ran, 1_000_000);
});

test('200,000 map() runs: memory stays flat', async () => {
  const items = [1, 2, 3, 4, 5];
  const run = async (n) => {
    for (let i = 0; i < n; i++) {
      const mapped = ErrGroup.map(items, async (x) => {
        if (i % 5 === 0 && x === 3) throw new Error('mapper');
        return x * 2;
      }, { limit: 2 });
      await mapped.catch(() => {});
    }
  };
  await run(20_000);
  const before = await measure();
  await run(180_000);
  const after = await measure();
  report('map', before, after, '180,000 runs');
});

test('with a forced GC every 1,000 groups too, 100,000 groups stay flat', async () => {
  const longLived = new AbortController().signal;
  const run = async (from, to) => {
    for (let i = from; i < to; i++) {
      await round(i, longLived, false);
      if (i % 1000 === 999) {
        globalThis.gc();
        await tick();
      }
    }
  };
  await run(0, 10_000);
  const before = await measure();
  await run(10_000, 100_000);
  const after = await measure();
  report('forced GC', before, after, '90,000 groups');
});

test('a dropped group is collected, whether wait() ran on it or not', async () => {
  const parent = new AbortController();
  const kinds = {
    'idle withSignal, waited': async () => { const g = ErrGroup.withSignal(); await g.wait(); return g; },
    'withSignal(parent), waited': async () => { const g = ErrGroup.withSignal(parent.signal); await g.wait(); return g; },
    'busy withSignal, waited': async () => { const g = ErrGroup.withSignal(); g.go(async () => {}); await g.wait(); return g; },
    'failed, never waited': async () => { const g = ErrGroup.withSignal(); g.go(() => { throw 1; }); await null; return g; },
    'zero group with tasks': async () => { const g = new ErrGroup(); g.go(async () => {}); await g.wait(); return g; },
    'tasks queued behind 0 by go() alone': async () => { const g = new ErrGroup(); g.setLimit(0); g.go(() => {}); return g; },
  };
  for (const [kind, make] of Object.entries(kinds)) {
    const refs = [];
    for (let i = 0; i < 50; i++) refs.push(new WeakRef(await make()));
    await measure();
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
  for (let i = 0; i < 50 && outcomes.length < waits.length; i++) await measure();
  assert.equal(outcomes.length, waits.length, 'every wait() settled');
  for (const outcome of outcomes) {
    assert.ok(outcome instanceof Error, `rejected, not ${outcome}`);
    assert.match(outcome.message, /dropped while tasks it can never start were queued/);
  }
  assert.equal(called, 0);
});

test('a group kept after a long queue drained holds no queue memory', async () => {
  const before = await measure();
  const group = new ErrGroup();
  group.setLimit(1);
  for (let i = 0; i < 1_000_000; i++) group.go(() => {});
  await group.wait();
  const after = await measure();
  const grown = after.heap - before.heap;
  console.log(`a settled group kept after a queue of 1,000,000: heap growth ${(grown / KiB).toFixed(0)} KiB`);
  assert.ok(grown < MiB, `the kept group holds ${(grown / MiB).toFixed(1)} MiB`);
  assert.equal(group.queued, 0);
});

test("a stuck group that went idle another way is not closed again when collected: another group's core is safe", async () => {
  const parent = new AbortController();
  let stuck = ErrGroup.withSignal(parent.signal);
  stuck.setLimit(0);
  stuck.go(() => assert.fail('a task behind 0 never runs'));
  const stuckWait = stuck.wait().then(() => 'resolved', (reason) => reason);
  parent.abort('parent gone'); // skips the queued task: the group is idle, its core closed
  assert.equal(await stuckWait, 'parent gone');
  stuck = null;
  // Takes the handle the stuck group had.
  const other = ErrGroup.withSignal();
  let finish;
  other.go(() => new Promise((resolve) => { finish = resolve; }));
  const otherWait = other.wait().then(() => 'resolved', (error) => `rejected: ${error.message}`);
  for (let i = 0; i < 5; i++) await measure();
  finish();
  assert.equal(await otherWait, 'resolved');
  await new ErrGroup().wait();
});
