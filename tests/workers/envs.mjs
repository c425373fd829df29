// The `env` of suite.mjs in each kind of environment, as source: each
// runner imports the package as a user would, starts workers the way that
// environment does, and prints (or shows as window.result) the report of
// runCases. Written into the test project by environments.test.mjs.

/** Node: worker_threads, whose 'exit' event tells when a thread is gone. */
export const NODE = `import { Worker } from 'node:worker_threads';
import { ErrGroup } from 'wasm-errgroup';
import { WorkerPool } from 'wasm-errgroup/workers';
import { runCases } from './suite.mjs';

const env = {
  WorkerPool, ErrGroup, gone: 'exited',
  url: (file) => new URL('./' + file, import.meta.url).href,
  factory: (url, notes) => () => {
    const worker = new Worker(new URL(url));
    worker.on('message', (data) => Array.isArray(data) && data[0] === 'note' && notes.push(data[1]));
    worker.on('exit', () => notes.push('exited'));
    return worker;
  },
};
console.log(JSON.stringify(await runCases(env, process.argv[2] && new RegExp(process.argv[2]))));
`;

/** Web Workers (browsers, Deno, Bun): terminate() is final, so it is recorded. */
const WEB_ENV = `const env = {
  WorkerPool, ErrGroup, gone: 'terminated',
  url: (file) => new URL('./' + file, import.meta.url).href,
  factory: (url, notes) => () => {
    const worker = new Worker(url, { type: 'module' });
    worker.addEventListener('message', (event) => Array.isArray(event.data) && event.data[0] === 'note' && notes.push(event.data[1]));
    const terminate = worker.terminate.bind(worker);
    worker.terminate = () => {
      notes.push('terminated');
      terminate();
    };
    return worker;
  },
};`;

/**
 * Deno and Bun: the package by name. Deno's terminate() does not stop a
 * worker stuck in a JS loop (denoland/deno#35657): the spinning workers
 * the pool terminated would keep it alive, so it exits.
 */
export const RUNTIME = `import { ErrGroup } from 'wasm-errgroup';
import { WorkerPool } from 'wasm-errgroup/workers';
import { runCases } from './suite.mjs';
${WEB_ENV}
console.log(JSON.stringify(await runCases(env)));
globalThis.Deno?.exit(0);
`;

/** A page without a bundler: an import map for both entries. */
export const PAGE = `<!doctype html>
<script>
  addEventListener('error', (e) => { window.pageError = e.message || String(e.error); });
  addEventListener('unhandledrejection', (e) => { window.pageError = 'unhandled rejection: ' + String(e.reason); });
</script>
<script type="importmap">{ "imports": {
  "wasm-errgroup": "./node_modules/wasm-errgroup/index.js",
  "wasm-errgroup/workers": "./node_modules/wasm-errgroup/workers.js"
} }</script>
<script type="module">
  import { ErrGroup } from 'wasm-errgroup';
  import { WorkerPool } from 'wasm-errgroup/workers';
  import { runCases } from './suite.mjs';
  ${WEB_ENV}
  window.result = await runCases(env);
</script>`;
