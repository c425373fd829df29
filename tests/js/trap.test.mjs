// The core's calls do arithmetic on numbers and cannot trap; if one ever
// did (a bug), the group it was deciding for stops for good, and nothing is
// left pending: its wait() promises reject with an Error saying so, its
// queued tasks are skipped, and its later calls throw that Error. Other
// groups go on: the core holds nothing a trap could leave broken. The core
// built with `--test-hooks` traps on one chosen limit.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TRAP_LIMIT, useCore } from './core.mjs';

const { ErrGroup } = useCore('pkg-test-hooks');
const forever = () => new Promise(() => {});
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test('a trap rejects the pending wait() promises of its group, skips its queue, and later calls throw', async () => {
  const group = ErrGroup.withSignal();
  group.setLimit(1);
  let queuedRan = false;
  group.go(forever);
  group.go(() => { queuedRan = true; });
  const waits = [group.wait(), group.wait()];
  const ready = group.ready();
  assert.throws(() => group.setLimit(TRAP_LIMIT), /the core trapped \(RuntimeError: unreachable/);
  for (const wait of waits) await assert.rejects(wait, /the core trapped/);
  await ready;
  assert.equal(group.queued, 0);
  assert.throws(() => group.go(() => {}), /the core trapped/);
  assert.throws(() => group.wait(), /the core trapped/);
  await sleep(1);
  assert.equal(queuedRan, false);
});

test('a trap in one group leaves every other group working', async () => {
  const other = ErrGroup.withSignal();
  let ran = 0;
  other.go(async () => { await sleep(1); ran++; });
  const broken = new ErrGroup();
  assert.throws(() => broken.setLimit(TRAP_LIMIT), /the core trapped/);
  await other.wait();
  assert.equal(ran, 1);
  assert.deepEqual(await ErrGroup.map([1, 2, 3], async (x) => x * 2, { limit: 2 }), [2, 4, 6]);
});
