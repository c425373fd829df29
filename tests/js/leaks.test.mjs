// Memory is bounded by the groups alive, not by when the GC runs: a group
// holds its tasks and promises only until they settle, and the core holds
// nothing at all, so the loops a user's program runs stay flat with no gc()
// inside them. The measurements at the two ends of each loop follow forced
// GCs and timer turns (run with node --expose-gc), so that what they compare
// is what is still reachable. The bound is the README's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { useCore } from './core.mjs';

const { ErrGroup, module } = useCore();
const KiB = 1024;
const MiB = 1024 * KiB;
/** The README's bound on what a loop of 100,000 or more groups leaves behind. */
const BOUND = 0.5 * MiB;
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

async function measure() {
  for (let i = 0; i < 4; i++) {
    globalThis.gc();
    await tick();
  }
  return process.memoryUsage().heapUsed;
}

function report(name, before, after, count) {
  const heap = after - before;
  console.log(`${name}: heap growth ${(heap / KiB).toFixed(0)} KiB over ${count}`);
  assert.ok(heap <= BOUND, `JS heap grew by ${(heap / KiB).toFixed(0)} KiB`);
}

test('the core imports nothing and exports only functions: no memory, table or global to leak into', () => {
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const kinds = WebAssembly.Module.exports(module).map(({ kind }) => kind);
  assert.deepEqual([...new Set(kinds)], ['function']);
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
      if (group.queued >= 64) await group.ready();
      group.go(task);
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

test('a group kept after a long queue drained holds no queue memory', async () => {
  const before = await measure();
  const group = new ErrGroup();
  group.setLimit(1);
  for (let i = 0; i < 1_000_000; i++) group.go(() => {});
  await group.wait();
  const after = await measure();
  const grown = after - before;
  console.log(`a settled group kept after a queue of 1,000,000: heap growth ${(grown / KiB).toFixed(0)} KiB`);
  assert.ok(grown < MiB, `the kept group holds ${(grown / MiB).toFixed(1)} MiB`);
  assert.equal(group.queued, 0);
});

test('10,000 withSignal(parent) groups freed while a task runs leave no listener on the parent', async () => {
  const parent = new AbortController().signal;
  const finish = [];
  const refs = [];
  for (let i = 0; i < 10_000; i++) {
    const group = ErrGroup.withSignal(parent);
    group.go(() => new Promise((resolve) => finish.push(resolve)));
    group.free();
    refs.push(new WeakRef(group));
  }
  assert.equal(getEventListeners(parent, 'abort').length, 10_000, 'a busy group listens until it is idle');
  await tick();
  assert.equal(finish.length, 10_000, 'every task started');
  for (const resolve of finish) resolve();
  finish.length = 0;
  await measure();
  assert.equal(getEventListeners(parent, 'abort').length, 0, 'a freed group still listens once idle');
  assert.equal(refs.filter((ref) => ref.deref()).length, 0, 'freed groups are still reachable');
});
