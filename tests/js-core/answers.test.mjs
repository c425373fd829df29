// The core compiled to JavaScript (scripts/build-pkg.mjs, wasm2js) is the
// wasm core: every call answers the same, for every state the class can
// hand it and for inputs it never hands it, and a trap is a trap in both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { STATE } from '../../src/js/protocol.js';

const target = new URL('../../target/', import.meta.url);

/** @param {string} build */
async function cores(build) {
  const bytes = readFileSync(new URL(`${build}/core.wasm`, target));
  const wasm = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports;
  const js = await import(new URL(`${build}/core.mjs`, target).href);
  return { wasm, js, calls: Object.keys(wasm) };
}

/** Counts around the limits below, and on the bounds of an answer's count (COUNT_MAX) and of a u32. */
const ACTIVE = [0, 1, 2, 3, 4, 5, 15, 16, 17, 131071, 2 ** 32 - 1];
/** As ACTIVE; a queue past COUNT_MAX takes as long as one of COUNT_MAX, and the random inputs have some. */
const QUEUED = [0, 1, 2, 3, 4, 5, 15, 16, 17, 131071];
/** Limits the class hands over (whole numbers from 0, and Infinity), and ones it never does. */
const LIMITS = [0, 1, 2, 3, 4, 16, 131071, 2 ** 32 - 1, 2 ** 32, 2 ** 53, Infinity, -0, -0.5, -1, 2.5, -Infinity, NaN];

test('the JavaScript core exports the calls the wasm core does', async () => {
  const { js, calls } = await cores('pkg-build');
  assert.deepEqual(Object.keys(js).sort(), [...calls].sort());
  assert.ok(calls.length >= 8, `the wasm core exports ${calls}`);
});

test('every call answers as the wasm core does, for every state bits and boundary counts and limits', async () => {
  const { wasm, js, calls } = await cores('pkg-build');
  let compared = 0;
  for (const name of calls) {
    for (let bits = 0; bits <= STATE; bits++) {
      for (const active of ACTIVE) {
        for (const queued of QUEUED) {
          for (const limit of LIMITS) {
            const want = wasm[name](bits, active, queued, limit);
            const got = js[name](bits, active, queued, limit);
            if (got !== want) assert.fail(`${name}(${bits}, ${active}, ${queued}, ${limit}): JavaScript ${got}, wasm ${want}`);
            compared++;
          }
        }
      }
    }
  }
  assert.equal(compared, calls.length * (STATE + 1) * ACTIVE.length * QUEUED.length * LIMITS.length);
});

test('every call answers as the wasm core does, for 200,000 random inputs', async () => {
  const { wasm, js, calls } = await cores('pkg-build');
  let seed = 0x9e3779b9;
  const next = () => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return seed >>> 0;
  };
  for (let i = 0; i < 200_000; i++) {
    const name = calls[i % calls.length];
    const bits = next() & STATE;
    // Small counts and limits most of the time, any u32 (or a float) otherwise.
    const active = (i & 24) === 24 ? next() : next() & 31;
    const queued = (i & 40) === 40 ? next() : next() & 31;
    const limit = (i & 72) === 72 ? next() * (i & 128 ? 1 : 1.5) : next() & 31;
    const want = wasm[name](bits, active, queued, limit);
    const got = js[name](bits, active, queued, limit);
    if (got !== want) assert.fail(`${name}(${bits}, ${active}, ${queued}, ${limit}): JavaScript ${got}, wasm ${want}`);
  }
});

test('where the wasm core traps, the JavaScript one throws a WebAssembly.RuntimeError too', async () => {
  // The core built with --test-hooks traps on a chosen limit.
  const { wasm, js, calls } = await cores('pkg-test-hooks');
  let traps = 0;
  for (const name of calls) {
    for (const limit of [...LIMITS, 57_005]) {
      let want, got;
      try { want = wasm[name](1, 1, 1, limit); } catch (error) { want = error.constructor; }
      try { got = js[name](1, 1, 1, limit); } catch (error) { got = error.constructor; }
      assert.equal(got, want, `${name}(1, 1, 1, ${limit})`);
      if (want === WebAssembly.RuntimeError) traps++;
    }
  }
  assert.equal(traps, calls.length, 'each call traps on the chosen limit');
});
