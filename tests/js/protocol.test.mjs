// The numbers the core answers with are named twice, in src/js/mod.rs and
// in src/js/errgroup.js, on either side of the boundary: they must agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { useCore } from './core.mjs';

const read = (path) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const rust = Object.fromEntries([...read('src/js/mod.rs').matchAll(/pub const (\w+): u32 = (\d+);/g)]
  .map(([, name, value]) => [name, Number(value)]));
const js = Object.fromEntries([...read('src/js/errgroup.js').matchAll(/^const ([A-Z_]+) = (\d+);/gm)]
  .map(([, name, value]) => [name, Number(value)]));

test('every answer errgroup.js names has the number src/js/mod.rs answers with', () => {
  const shared = Object.keys(js).filter((name) => name in rust);
  assert.ok(shared.length >= 15, `only ${shared.length} names in common`);
  for (const name of shared) assert.equal(js[name], rust[name], name);
});

test('every answer src/js/mod.rs gives is named in errgroup.js', () => {
  const unnamed = Object.keys(rust).filter((name) => !(name in js) && name !== 'KEPT_FIRST_FAILURE');
  assert.deepEqual(unnamed, []);
});

test('a step that starts more tasks than one answer carries says so, and the next step starts the rest', () => {
  const { exports: core } = useCore();
  const handle = core.group_open(0, 0);
  const queued = 2 ** 25 + 3;
  for (let i = 0; i < queued; i++) core.group_go(handle, 0);
  core.group_set_limit(handle, Infinity);
  let started = 0;
  for (let steps = 0; steps < 2; steps++) {
    const next = core.group_step(handle, 0, 1) >>> 2;
    started += next >>> 5;
    assert.equal(next & 15, steps === 0 ? js.NEXT_MORE : js.NEXT_BUSY);
  }
  assert.equal(started, queued);
  assert.equal(core.group_count(handle, 0) >>> 0, queued);
});
