// Everywhere a JS user runs the package, each as the README's "Where it
// runs" table says, with no configuration: the lowest Node of each line
// that `engines` admits (ESM and require), Node worker_threads, Deno, Bun,
// a page without a bundler and module workers in Chromium, Firefox and
// WebKit, and Vite 7's dev server and build, with a module worker in each.
// Every setup runs scenario.mjs and must give its expected result.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expected } from './scenario.mjs';
import { bin, makeProject, root, tools } from './project.mjs';

let project;
before(async () => { project = await makeProject(); });
after(async () => { await project?.close(); });

const ESM = `import { ErrGroup } from 'wasm-errgroup';
import { scenario } from './scenario.mjs';
console.log(JSON.stringify(await scenario(ErrGroup)));
`;
const CJS = `const { ErrGroup } = require('wasm-errgroup');
import('./scenario.mjs').then(({ scenario }) => scenario(ErrGroup)).then((out) => console.log(JSON.stringify(out)));
`;

for (const [line, node] of [['20', 'node-20'], ['22', 'node-22']]) {
  const binary = join(root, `tools/node_modules/${node}/bin/node`);
  const version = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
  test(`Node ${version}, the lowest ${line}.x that engines admits: import and require`, () => {
    project.write('esm.mjs', ESM);
    project.write('cjs.cjs', CJS);
    assert.deepEqual(project.run('esm.mjs', binary), expected);
    assert.deepEqual(project.run('cjs.cjs', binary), expected);
  });
}

test('Node worker_threads', () => {
  project.write('thread.mjs', `import { parentPort } from 'node:worker_threads';
import { ErrGroup } from 'wasm-errgroup';
import { scenario } from './scenario.mjs';
parentPort.postMessage(await scenario(ErrGroup));
`);
  project.write('threads.mjs', `import { Worker } from 'node:worker_threads';
const worker = new Worker(new URL('./thread.mjs', import.meta.url));
worker.once('message', (out) => { console.log(JSON.stringify(out)); worker.terminate(); });
`);
  assert.deepEqual(project.run('threads.mjs'), expected);
});

test('Deno, with no permission flag', () => {
  project.write('deno.mjs', ESM);
  const deno = join(root, 'tools/node_modules/@deno/linux-x64-glibc/deno');
  assert.deepEqual(project.run('deno.mjs', deno, ['run', '--no-prompt']), expected);
});

test('Bun', () => {
  project.write('bun.mjs', ESM);
  assert.deepEqual(project.run('bun.mjs', join(root, 'tools/node_modules/bun/bin/bun.exe')), expected);
});

/** Records a page's errors in `window.pageError`, for the WebDriver browsers. */
const CATCH = `<script>
  addEventListener('error', (e) => { window.pageError = e.message || String(e.error); });
  addEventListener('unhandledrejection', (e) => { window.pageError = String(e.reason); });
</script>`;

/** A worker that runs the scenario over `importLine` and posts its result. */
const workerSource = (importLine) => `${importLine}
import { scenario } from '${'./scenario.mjs'}';
scenario(ErrGroup).then((out) => postMessage(out), (error) => postMessage({ error: String(error) }));
`;

/** A page that starts `worker` and shows what it posts as window.result. */
const workerPage = (worker, options = "{ type: 'module' }") => `<!doctype html>${CATCH}
<script type="module">
  const worker = new Worker(${worker}, ${options});
  worker.onmessage = (event) => { window.result = event.data; };
  worker.onerror = (event) => { window.pageError = 'worker: ' + (event.message || 'failed to load'); };
</script>`;

for (const engine of ['chromium', 'firefox', 'webkit']) {
  test(`${engine}: a <script type="module"> page with an import map, and module workers by path and bundled`, async () => {
    project.write('page.html', `<!doctype html>${CATCH}
<script type="importmap">{ "imports": { "wasm-errgroup": "./node_modules/wasm-errgroup/index.js" } }</script>
<script type="module">
  import { ErrGroup } from 'wasm-errgroup';
  import { scenario } from './scenario.mjs';
  window.result = await scenario(ErrGroup);
</script>`);
    assert.deepEqual(await project.open(engine, project.url('page.html')), expected);
    // Import maps do not apply inside workers: a worker imports by path.
    project.write('worker.js', workerSource("import { ErrGroup } from './node_modules/wasm-errgroup/index.js';"));
    project.write('worker.html', workerPage("'./worker.js'"));
    assert.deepEqual(await project.open(engine, project.url('worker.html')), expected);
    // Bundled: a module worker, and a classic one (the entry has no
    // top-level await, so an IIFE bundle works too).
    project.write('worker-entry.js', workerSource("import { ErrGroup } from 'wasm-errgroup';"));
    for (const [format, options] of [['esm', "{ type: 'module' }"], ['iife', '{}']]) {
      execFileSync(bin('esbuild'), ['worker-entry.js', '--bundle', `--format=${format}`, '--platform=browser',
        '--target=es2022', `--outfile=dist/worker-${format}.js`, '--log-level=warning'], { cwd: project.dir });
      project.write(`worker-${format}.html`, workerPage(`'./dist/worker-${format}.js'`, options));
      assert.deepEqual(await project.open(engine, project.url(`worker-${format}.html`)), expected, format);
    }
  });
}

/** A Vite app: the scenario on the page and in a module worker. */
function writeViteApp(dir) {
  project.write(`${dir}/index.html`, `<!doctype html>${CATCH}<script type="module" src="./main.js"></script>`);
  project.write(`${dir}/main.js`, `import { ErrGroup } from 'wasm-errgroup';
import { scenario } from '../scenario.mjs';
const worker = new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
const fromWorker = new Promise((resolve) => { worker.onmessage = (event) => resolve(event.data); });
window.result = { page: await scenario(ErrGroup), worker: await fromWorker };
`);
  project.write(`${dir}/worker.js`, `import { ErrGroup } from 'wasm-errgroup';
import { scenario } from '../scenario.mjs';
scenario(ErrGroup).then((out) => postMessage(out));
`);
}

async function vite() {
  return import(pathToFileURL(tools.resolve('vite')).href);
}

test('Vite 7 dev server, no configuration: the page and a module worker, in Chromium', async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(project.dir, 'vite-dev'), { recursive: true });
  writeViteApp('vite-dev');
  const { createServer } = await vite();
  const server = await createServer({
    root: join(project.dir, 'vite-dev'), configFile: false, logLevel: 'error',
    server: { host: '127.0.0.1', port: 0, strictPort: false, fs: { allow: [project.dir] } },
  });
  await server.listen();
  try {
    const url = server.resolvedUrls.local[0];
    assert.deepEqual(await project.open('chromium', url), { page: expected, worker: expected });
  } finally {
    await server.close();
  }
});

test('Vite 7 build, no configuration: the page and a module worker, in Chromium', async () => {
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(project.dir, 'vite-build'), { recursive: true });
  writeViteApp('vite-build');
  const { build } = await vite();
  await build({ root: join(project.dir, 'vite-build'), configFile: false, logLevel: 'error', base: './' });
  assert.deepEqual(await project.open('chromium', project.url('vite-build/dist/index.html')), { page: expected, worker: expected });
});
