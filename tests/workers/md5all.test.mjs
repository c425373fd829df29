// The README's MD5All (examples/md5all/md5all.js), run as a user would, with
// the packed package and MD5All's built worker (target/md5all), in Node: a
// group of 20 digesters over a pool of 2 workers behaves as Go's MD5All.
// Also checks that the README shows the example and the worker verbatim.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeProject, root } from '../pkg/project.mjs';

let project;
before(async () => {
  project = await makeProject();
  for (const file of ['md5.worker.js', 'wasm_errgroup_md5all_bg.wasm']) {
    cpSync(join(root, 'target/md5all', file), join(project.dir, file));
  }
  // The example with a pool of 2 workers, as on this project's 2 cores.
  const example = readFileSync(join(root, 'examples/md5all/md5all.js'), 'utf8');
  const two = example.replace("new WorkerPool(new URL('./md5.worker.js', import.meta.url))",
    "new WorkerPool(new URL('./md5.worker.js', import.meta.url), { size: 2 })");
  assert.notEqual(two, example);
  project.write('md5all.js', two);
  mkdirSync(join(project.dir, 'files'));
  for (let i = 0; i < 60; i++) writeFileSync(join(project.dir, 'files', `${i}.bin`), Buffer.alloc(40_000 + i * 997, i));
});
after(async () => { await project?.close(); });

/** Runs `body` (a module's code, with md5All and pool imported) in Node; returns what it prints last. */
function run(body) {
  project.write('main.mjs', `import { md5All, pool } from './md5all.js';
const files = Array.from({ length: 60 }, (_, i) => new URL('./files/' + i + '.bin', import.meta.url).pathname);
${body}`);
  return project.run('main.mjs');
}

test('MD5All gives the MD5 of every file, keyed by its path', () => {
  const out = run('console.log(JSON.stringify([...await md5All(files)]));');
  assert.equal(out.length, 60);
  for (const [path, digest] of out) assert.equal(digest, createHash('md5').update(readFileSync(path)).digest('hex'), path);
});

test('MD5All: the first failure (a file that cannot be read) is thrown, with its code, once no worker digests', () => {
  const out = run(`files.splice(30, 0, '/no/such/file');
try {
  await md5All(files);
  console.log(JSON.stringify('resolved'));
} catch (error) {
  console.log(JSON.stringify({ code: error.code, message: error.message, active: pool.active, queued: pool.queued }));
}`);
  assert.equal(out.code, 'ENOENT');
  assert.match(out.message, /\/no\/such\/file/);
  assert.deepEqual([out.active, out.queued], [0, 0]);
});

test('MD5All: a parent signal that aborts rejects with its reason', () => {
  const out = run(`const controller = new AbortController();
const all = md5All(files, controller.signal);
controller.abort(new Error('stop'));
try {
  await all;
} catch (error) {
  console.log(JSON.stringify({ message: error.message, active: pool.active }));
}`);
  assert.deepEqual(out, { message: 'stop', active: 0 });
});

test('the README shows the MD5All example and its worker verbatim', () => {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  for (const file of ['md5all.js', 'md5.worker.js']) {
    const source = readFileSync(join(root, 'examples/md5all', file), 'utf8');
    assert.ok(readme.includes('```javascript\n' + source + '```'), `README.md shows examples/md5all/${file}`);
  }
});
