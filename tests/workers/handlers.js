// The worker script of the pool's tests: handlers for each case of
// suite.mjs. It is copied, with the suite, into a project where the packed
// package is installed, and imports it by path (import maps do not apply
// in workers).
import { expose, transfer } from './node_modules/wasm-errgroup/workers.js';

const threads = globalThis.process?.getBuiltinModule?.('node:worker_threads');
/** Posts `text` to the worker's creator beside the pool's messages, which it ignores. */
const note = (text) => (threads?.parentPort ?? globalThis).postMessage(['note', text]);

/** What `record` saw, in order; what the last aborted `wait` saw. */
const recorded = [];
let lastReason = null;

expose({
  echo: (input) => input,
  swap: (buffer) => transfer(buffer, [buffer]),
  fail: (kind) => {
    if (kind === 'type') throw Object.assign(new TypeError('bad input'), { code: 'E_BAD', retries: 2 });
    if (kind === 'custom') {
      class DigestError extends Error {}
      const error = new DigestError('could not digest', { cause: new RangeError('too big') });
      error.name = 'DigestError';
      throw error;
    }
    if (kind === 'async') return Promise.reject(new Error('rejected later'));
    throw kind;
  },
  // Cooperative: ends 10 ms after its signal aborts, noting it first.
  wait: (_, signal) => new Promise((resolve, reject) => {
    note('waiting');
    signal.addEventListener('abort', () => {
      const reason = signal.reason;
      lastReason = {
        name: reason?.name, message: reason?.message,
        dom: reason instanceof DOMException, error: reason instanceof Error, value: typeof reason === 'string' ? reason : null,
      };
      setTimeout(() => {
        note('ended');
        reject(reason);
      }, 10);
    });
  }),
  lastReason: () => lastReason,
  // A CPU loop that never looks at its signal or its messages.
  spin: () => {
    note('spinning');
    for (;;);
  },
  // An uncaught error after the handler returned a promise that never settles.
  die: () => {
    setTimeout(() => {
      throw new Error('uncaught in the worker');
    });
    return new Promise(() => {});
  },
  unclonable: () => () => {},
  record: (value) => {
    recorded.push(value);
  },
  recorded: () => recorded,
  empty: () => undefined,
});
