// The worker pool through the bundlers of the README's "Where it runs"
// table, with the packed package: Vite 7 (build and dev server) and webpack
// 5 bundle the worker script where they see `new Worker(new URL(...))`
// written out, so the pool gets it as a function; esbuild builds it as a
// second entry point, and the pool gets its URL. Each app runs the same
// scenario in headless Chromium.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { bin, makeProject, tools } from '../pkg/project.mjs';

let project;
before(async () => { project = await makeProject(); });
after(async () => { await project?.close(); });

const CATCH = `<script>
  addEventListener('error', (e) => { window.pageError = e.message || String(e.error); });
  addEventListener('unhandledrejection', (e) => { window.pageError = 'unhandled rejection: ' + String(e.reason); });
</script>`;

const WORKER = `import { expose } from 'wasm-errgroup/workers';
expose({
  double: (n) => n * 2,
  fail: () => {
    throw new RangeError('too big');
  },
  wait: (_, signal) => new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))),
});
`;

/** The app: map over the pool, then a group whose first failure stops a waiting run. */
const app = (pool) => `import { ErrGroup } from 'wasm-errgroup';
import { WorkerPool } from 'wasm-errgroup/workers';
const pool = ${pool};
const doubled = await ErrGroup.map([1, 2, 3], (n, index, signal) => pool.run('double', n, { signal }), { limit: 2 });
const group = ErrGroup.withSignal();
group.go((signal) => pool.run('wait', null, { signal }));
group.go((signal) => pool.run('fail', null, { signal }));
const failure = await group.wait().then(() => 'resolved', (error) => error.name + ': ' + error.message);
window.result = { doubled, failure, active: pool.active };
await pool.close();
`;
const FUNCTION_FORM = "new WorkerPool(() => new Worker(new URL('./hash.worker.js', import.meta.url), { type: 'module' }), { size: 2 })";
const URL_FORM = "new WorkerPool(new URL('./hash.worker.js', import.meta.url), { size: 2 })";
const expected = { doubled: [2, 4, 6], failure: 'RangeError: too big', active: 0 };

function writeApp(dir, pool) {
  mkdirSync(join(project.dir, dir), { recursive: true });
  project.write(`${dir}/index.html`, `<!doctype html>${CATCH}<script type="module" src="./main.js"></script>`);
  project.write(`${dir}/main.js`, app(pool));
  project.write(`${dir}/hash.worker.js`, WORKER);
}

const vite = () => import(pathToFileURL(tools.resolve('vite')).href);

test('Vite 7 build: the function form bundles the worker script', async () => {
  writeApp('vite-build', FUNCTION_FORM);
  const { build } = await vite();
  await build({ root: join(project.dir, 'vite-build'), configFile: false, logLevel: 'error', base: './' });
  assert.deepEqual(await project.open('chromium', project.url('vite-build/dist/index.html')), expected);
});

test('Vite 7 build: given the URL alone, the script is not bundled, and every run rejects saying it failed to load', async () => {
  mkdirSync(join(project.dir, 'vite-url'), { recursive: true });
  project.write('vite-url/index.html', `<!doctype html>${CATCH}<script type="module" src="./main.js"></script>`);
  project.write('vite-url/hash.worker.js', WORKER);
  project.write('vite-url/main.js', `import { WorkerPool } from 'wasm-errgroup/workers';
const pool = ${URL_FORM};
const outcomes = await Promise.allSettled([pool.run('double', 1), pool.run('double', 2)]);
window.result = outcomes.map((outcome) => outcome.status === 'rejected' && /^WorkerPool: the worker script .{1,81} failed to load/.test(outcome.reason.message));
`);
  const { build } = await vite();
  await build({ root: join(project.dir, 'vite-url'), configFile: false, logLevel: 'error', base: './' });
  assert.deepEqual(await project.open('chromium', project.url('vite-url/dist/index.html')), [true, true]);
});

test('Vite 7 dev server: the function form', async () => {
  writeApp('vite-dev', FUNCTION_FORM);
  const { createServer } = await vite();
  const server = await createServer({
    root: join(project.dir, 'vite-dev'), configFile: false, logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [project.dir] } },
  });
  await server.listen();
  try {
    assert.deepEqual(await project.open('chromium', server.resolvedUrls.local[0]), expected);
  } finally {
    await server.close();
  }
});

test('webpack 5: the function form bundles the worker script', async () => {
  writeApp('webpack', FUNCTION_FORM);
  const webpack = tools('webpack');
  const stats = await new Promise((resolve, reject) => {
    webpack({
      mode: 'production',
      context: join(project.dir, 'webpack'),
      entry: './main.js',
      output: { path: join(project.dir, 'webpack/dist'), filename: 'app.js' },
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  project.write('webpack/dist/index.html', `<!doctype html>${CATCH}<script src="./app.js"></script>`);
  assert.deepEqual(await project.open('chromium', project.url('webpack/dist/index.html')), expected);
});

test('esbuild: the worker script as a second entry point, the pool given its URL', async () => {
  writeApp('esbuild', URL_FORM);
  execFileSync(bin('esbuild'), ['main.js', 'hash.worker.js', '--bundle', '--format=esm', '--platform=browser',
    '--target=es2022', '--outdir=dist', '--log-level=warning'], { cwd: join(project.dir, 'esbuild') });
  project.write('esbuild/dist/index.html', `<!doctype html>${CATCH}<script type="module" src="./main.js"></script>`);
  assert.deepEqual(await project.open('chromium', project.url('esbuild/dist/index.html')), expected);
});
