// The robustness cases (robustness-cases.js) in Node; tests/robustness.rs
// runs the same cases in browsers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCore } from './core.mjs';
import { cases } from './robustness-cases.js';

const { ErrGroup } = useCore();

for (const [name, run] of Object.entries(cases)) {
  test(name.replace(/[A-Z]/g, (c) => ' ' + c.toLowerCase()), async () => {
    const unhandled = [];
    const record = (reason) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      console.log(await run(ErrGroup));
      await new Promise((resolve) => setTimeout(resolve, 10));
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
    } finally {
      process.off('unhandledRejection', record);
    }
  });
}
