// If the WebAssembly instance ever traps (a Rust panic is `unreachable`
// under panic = "abort"; a bug could trap otherwise), every pending
// promise of every group rejects with an Error saying so, and every later
// call throws it, instead of anything hanging. The core built with
// `--test-hooks` exports a deliberate panic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCore } from './core.mjs';

const { ErrGroup, call } = useCore('pkg-test-hooks');

test('a trap rejects every pending wait() and map(), settles queued go() promises, and later calls throw', async () => {
  const forever = () => new Promise(() => {});
  // A group stuck behind a limit of 0 is out of the busy set, but not forgotten.
  const stuck = ErrGroup.withSignal();
  stuck.setLimit(0);
  const stuckTask = stuck.go(() => assert.fail('a task behind 0 never starts'));
  const stuckWait = stuck.wait();
  const zero = new ErrGroup();
  zero.go(forever);
  const group = ErrGroup.withSignal();
  group.setLimit(1);
  group.go(forever);
  const queued = group.go(() => assert.fail('a task queued before the trap never starts'));
  const waits = [zero.wait(), group.wait(), group.wait(), stuckWait];
  const mapped = ErrGroup.map([1, 2], forever);
  async function* stalled() { yield* []; await forever(); }
  const pulling = ErrGroup.map(stalled(), (x) => x);
  assert.throws(() => call('test_panic'), /the WebAssembly instance trapped \(RuntimeError: unreachable/);
  for (const promise of [...waits, mapped, pulling]) {
    await assert.rejects(promise, /the WebAssembly instance trapped/);
  }
  await queued;
  await stuckTask;
  assert.throws(() => new ErrGroup().go(() => {}), /the WebAssembly instance trapped/);
  assert.throws(() => ErrGroup.withSignal().wait(), /the WebAssembly instance trapped/);
  await assert.rejects(ErrGroup.map([1], (x) => x), /the WebAssembly instance trapped/);
});
