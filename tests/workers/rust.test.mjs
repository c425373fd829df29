// A Rust frontend runs the pool's handlers from Group tasks: md5_all in
// examples/md5all/src/lib.rs, through the bindings of src/pool.rs, with a
// WorkerPool made in JS over MD5All's worker, in headless Chromium on the
// demo's server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileBytes, startDemoServer } from '../../www/server.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
let server;
let browser;
let page;
before(async () => {
  server = await startDemoServer(0);
  browser = await launchChromium();
  page = await browser.newPage();
  page.on('pageerror', (error) => { throw error; });
  await page.goto(`${server.origin}/md5all.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'idle');
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/** Calls md5_all(pool, files, limit, parent) from Rust on `ids`' generated files; `extra` is appended to the files. */
function md5AllFromRust(ids, extra) {
  return page.evaluate(async ({ ids, extra }) => {
    const rust = await import('/md5all-src/pkg/wasm_errgroup_md5all.js');
    await rust.default();
    const { WorkerPool } = await import('/pkg/workers.js');
    const pool = new WorkerPool('/md5all/md5.worker.js', { size: 2 });
    const files = await Promise.all(ids.map((id) => fetch(`/api/file?id=${id}&kib=64`).then((response) => response.blob())));
    if (extra === 'unclonable') files.push(Symbol('cannot be cloned'));
    try {
      return { digests: await rust.md5_all(pool, files, 20, null), active: pool.active };
    } catch (error) {
      return { error: `${error.name}`, active: pool.active };
    } finally {
      await pool.close();
    }
  }, { ids, extra });
}

test('Rust: md5_all runs the pool\'s md5 handler from Group tasks, with their Context', async () => {
  const ids = [1, 2, 3, 4, 5, 6, 7, 8];
  const { digests, active } = await md5AllFromRust(ids);
  assert.deepEqual(digests, ids.map((id) => createHash('md5').update(fileBytes(id, 64)).digest('hex')));
  assert.equal(active, 0);
});

test('Rust: the first failing run is wait()\'s error, and no run is active after it', async () => {
  const { error, active } = await md5AllFromRust([1, 2, 3], 'unclonable');
  assert.equal(error, 'DataCloneError');
  assert.equal(active, 0);
});
