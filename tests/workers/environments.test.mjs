// The worker pool (wasm-errgroup/workers) from the packed package, in every
// environment of the README's "Where it runs" table that has workers: Node
// (worker_threads: the machine's, and the lowest 20.x and 22.x that engines
// admits), Deno and Bun (Web Workers), and a page without a bundler
// in Chromium, Firefox and WebKit (module workers). Each runs every case of
// suite.mjs against handlers.js; each case is a test here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeProject, root } from '../pkg/project.mjs';
import { cases } from './suite.mjs';
import { NODE, PAGE, RUNTIME } from './envs.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let project;
before(async () => {
  project = await makeProject();
  for (const file of ['suite.mjs', 'handlers.js', 'throws-at-load.js']) cpSync(join(here, file), join(project.dir, file));
  project.write('node.mjs', NODE);
  project.write('runtime.mjs', RUNTIME);
  project.write('pool.html', PAGE);
});
after(async () => { await project?.close(); });

/** One test per case, with its outcome in `report` (WebDriver may reorder its keys). */
async function each(t, report) {
  assert.deepEqual(Object.keys(report).sort(), Object.keys(cases).sort(), 'every case ran');
  for (const name of Object.keys(cases)) await t.test(name, () => assert.equal(report[name], 'ok'));
}

test('Node worker_threads', (t) => each(t, project.run('node.mjs')));

for (const [line, node] of [['20', 'node-20'], ['22', 'node-22']]) {
  const binary = join(root, `tools/node_modules/${node}/bin/node`);
  test(`Node ${line}.x, the lowest that engines admits: worker_threads`, (t) => each(t, project.run('node.mjs', binary)));
}

test('Deno Web Workers (--allow-read, for the worker script)', (t) => {
  const deno = join(root, 'tools/node_modules/@deno/linux-x64-glibc/deno');
  return each(t, project.run('runtime.mjs', deno, ['run', '--no-prompt', '--allow-read']));
});

test('Bun Web Workers', (t) => each(t, project.run('runtime.mjs', join(root, 'tools/node_modules/bun/bin/bun.exe'))));

for (const engine of ['chromium', 'firefox', 'webkit']) {
  test(`${engine}: module workers from a page without a bundler`, async (t) => {
    await each(t, await project.open(engine, project.url('pool.html'), 120_000));
  });
}
