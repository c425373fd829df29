// A Rust panic traps the WebAssembly instance (panic = "abort"). Pending
// wait() and map() promises must then reject, not hang. Uses the two
// test-hooks builds that scripts/test.sh makes in target/test-hooks (never
// the package): `std`, where the panic hook rejects them, and `npm`, the
// package's no_std features, where the panic handler does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

for (const build of ['std', 'npm']) {
  test(`${build} build: a panic rejects every pending wait() and map() instead of leaving them hanging`, async () => {
    const hooks = require(`../../target/test-hooks/${build}/wasm_errgroup.js`);
    const { ErrGroup } = hooks;
    const forever = () => new Promise(() => {});
    const zero = new ErrGroup();
    zero.go(forever);
    const group = ErrGroup.withSignal();
    group.go(forever);
    const waits = [zero.wait(), group.wait(), group.wait()];
    const mapped = ErrGroup.map([1, 2], forever);
    assert.throws(() => hooks.__panicForTests(), WebAssembly.RuntimeError, 'the instance traps');
    for (const promise of [...waits, mapped]) {
      await assert.rejects(promise, /a Rust panic trapped the WebAssembly instance/);
    }
  });
}
