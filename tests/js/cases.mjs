// Runs a module of cases (robustness-cases.js, features-cases.js) under
// `node --test`, over the class from its source files: one test a case,
// each failing on what the case throws or on an unhandled rejection. The
// browsers run the same cases through tests/*.rs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useCore } from './core.mjs';

export function runCases(cases) {
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
}
