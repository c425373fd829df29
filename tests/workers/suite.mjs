// The pool's cases, the same in every environment: Node (worker_threads),
// Deno, Bun, and pages in Chromium, Firefox and WebKit. Each case checks
// one rule of pkg-templates/workers.d.ts against real workers running
// handlers.js, and throws if it does not hold. `runCases` runs them all
// and reports "ok" or the failure for each; tests/workers/*.test.mjs turn
// the reports into one test per case and environment.
//
// `env` is { WorkerPool, ErrGroup, url(file), factory(url, notes), gone }:
// `url` makes a worker script's absolute URL; `factory` returns a function
// that starts a worker on it the way this environment does and records in
// `notes` what its handlers note, and the word `gone` once it is gone
// ("exited" in Node, where the thread's exit is seen; "terminated"
// elsewhere, where terminate() is final).

class Failed extends Error {}
function check(condition, message) {
  if (!condition) throw new Failed(message);
}
/** The value `promise` rejects with; fails if it resolves. */
async function rejection(promise, what) {
  try {
    const value = await promise;
    throw new Failed(`${what} resolved with ${JSON.stringify(value)}`);
  } catch (error) {
    if (error instanceof Failed) throw error;
    return error;
  }
}
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
/** Pools a case opened; runCases closes them after it, passed or failed. */
const pools = [];
function opened(pool) {
  pools.push(pool);
  return pool;
}

export const cases = {
  async 'a result round-trips as a structured clone'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const input = { text: 'héllo', list: [1, 2.5, null], nested: { map: new Map([['k', 1]]) }, bytes: new Uint8Array([1, 2, 3]) };
    const output = await pool.run('echo', input);
    check(output !== input, 'a copy, not the same object');
    check(output.text === 'héllo' && same(output.list, [1, 2.5, null]), `fields: ${JSON.stringify(output)}`);
    check(output.nested.map.get('k') === 1, 'a Map inside');
    check(output.bytes instanceof Uint8Array && same([...output.bytes], [1, 2, 3]), 'a Uint8Array');
  },

  async 'transfer moves an ArrayBuffer to the worker and back'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const buffer = new Uint8Array([7, 8, 9]).buffer;
    const back = await pool.run('swap', buffer, { transfer: [buffer] });
    check(buffer.byteLength === 0, 'the input buffer was transferred (detached)');
    check(same([...new Uint8Array(back)], [7, 8, 9]), 'the result came back');
  },

  async 'a thrown error keeps its class, message, stack and primitive fields'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const error = await rejection(pool.run('fail', 'type'), 'run');
    check(error instanceof TypeError, `a TypeError: ${error}`);
    check(error.message === 'bad input', error.message);
    check(error.code === 'E_BAD' && error.retries === 2, 'code and retries');
    check(typeof error.stack === 'string' && error.stack.includes('handlers.js'), `the worker's stack: ${error.stack}`);
  },

  async 'a custom error keeps its name, and its cause'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const error = await rejection(pool.run('fail', 'custom'), 'run');
    check(error instanceof Error && error.name === 'DigestError', `${error?.name}`);
    check(error.message === 'could not digest', error.message);
    check(error.cause instanceof RangeError && error.cause.message === 'too big', `cause: ${error.cause}`);
  },

  async 'a rejected promise and a thrown non-error value round-trip'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const later = await rejection(pool.run('fail', 'async'), 'run');
    check(later instanceof Error && later.message === 'rejected later', `${later}`);
    check(await rejection(pool.run('fail', 'plain words'), 'run') === 'plain words', 'a string, as thrown');
  },

  async 'a handler name the worker lacks rejects with a TypeError naming it'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const error = await rejection(pool.run('nope'), 'run');
    check(error instanceof TypeError && /"nope"/.test(error.message) && /"echo"/.test(error.message), `${error}`);
  },

  async 'an already aborted signal rejects with its reason and starts no worker'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const reason = new Error('aborted before');
    const error = await rejection(pool.run('echo', 1, { signal: AbortSignal.abort(reason) }), 'run');
    check(error === reason, `the reason itself: ${error}`);
    check(pool.workers === 0, `${pool.workers} workers`);
  },

  async 'abort before start: a queued run rejects with the reason and never reaches a worker'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    check(await pool.run('echo', 0) === 0, 'a worker is ready');
    const first = new AbortController();
    const blocking = pool.run('wait', null, { signal: first.signal });
    const controller = new AbortController();
    const queued = pool.run('record', 'queued', { signal: controller.signal });
    check(pool.queued === 1, `${pool.queued} queued`);
    const reason = new Error('not needed any more');
    controller.abort(reason);
    check(await rejection(queued, 'the queued run') === reason, 'the reason itself');
    check(pool.queued === 0, `${pool.queued} queued after the abort`);
    first.abort();
    await rejection(blocking, 'the blocking run');
    check(same(await pool.run('recorded'), []), 'the queued run never reached the worker');
  },

  async 'abort while running: the handler sees the same kind of reason, and run() rejects with the caller\'s once it ended'({ WorkerPool, url, factory }) {
    const notes = [];
    const pool = opened(new WorkerPool(factory(url('handlers.js'), notes), { size: 1, grace: Infinity }));
    for (const [reason, expected] of [
      [new DOMException('too slow', 'TimeoutError'), { name: 'TimeoutError', message: 'too slow', dom: true }],
      [Object.assign(new Error('a sibling failed'), { name: 'SiblingError' }), { name: 'SiblingError', message: 'a sibling failed', error: true }],
      ['stop', { value: 'stop' }],
    ]) {
      const controller = new AbortController();
      const running = pool.run('wait', null, { signal: controller.signal });
      while (!notes.includes('waiting')) await new Promise((resolve) => setTimeout(resolve, 1));
      notes.length = 0;
      controller.abort(reason);
      const error = await rejection(running, 'run');
      check(error === reason, `the caller's reason itself: ${error}`);
      check(notes.includes('ended'), 'the handler had ended when run() settled');
      const seen = await pool.run('lastReason');
      for (const [key, value] of Object.entries(expected)) check(seen[key] === value, `${key}: ${JSON.stringify(seen)}`);
    }
  },

  async 'abort while a CPU loop runs: the worker is gone when run() settles, and is replaced'({ WorkerPool, url, factory, gone }) {
    const notes = [];
    const pool = opened(new WorkerPool(factory(url('handlers.js'), notes), { size: 1, grace: 20 }));
    const controller = new AbortController();
    const spinning = pool.run('spin', null, { signal: controller.signal });
    while (!notes.includes('spinning')) await new Promise((resolve) => setTimeout(resolve, 1));
    const reason = new Error('stop spinning');
    controller.abort(reason);
    check(await rejection(spinning, 'run') === reason, 'the reason itself');
    check(notes.includes(gone), `the worker was ${gone} first: ${notes}`);
    check(pool.workers === 0 && pool.active === 0, `${pool.workers} workers, ${pool.active} active`);
    check(await pool.run('echo', 'again') === 'again', 'a new worker answers');
    check(pool.workers === 1, `${pool.workers} workers`);
  },

  async 'ErrGroup: the first failure aborts every run, and wait() settles with no worker busy'({ WorkerPool, ErrGroup, url, factory, gone }) {
    const notes = [];
    // The default grace period (1 s): long enough for the cooperative handler.
    const pool = opened(new WorkerPool(factory(url('handlers.js'), notes), { size: 3 }));
    const group = ErrGroup.withSignal();
    const failure = new Error('the first failure');
    group.go((signal) => pool.run('spin', null, { signal }));
    group.go((signal) => pool.run('wait', null, { signal }));
    for (let i = 0; i < 5; i++) group.go((signal) => pool.run('record', i, { signal }));
    group.go(async (signal) => {
      while (!(notes.includes('spinning') && notes.includes('waiting'))) await new Promise((resolve) => setTimeout(resolve, 1));
      throw failure;
    });
    check(await rejection(group.wait(), 'wait()') === failure, 'wait() rejects with the first failure');
    check(pool.active === 0 && pool.queued === 0, `${pool.active} active, ${pool.queued} queued`);
    check(notes.includes('ended') && notes.includes(gone), `the cooperative handler ended and the spinning worker is ${gone}: ${notes}`);
  },

  async 'a worker that throws at load rejects every run with the cause'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('throws-at-load.js'), { size: 2 }));
    const runs = [pool.run('echo', 1), pool.run('echo', 2), pool.run('echo', 3)];
    for (const run of runs) {
      const error = await rejection(run, 'run');
      check(error instanceof Error && /failed to load/.test(error.message) && /throws-at-load\.js/.test(error.message),
        `${error}`);
      check(/this script throws at load/.test(error.message), `the cause is named: ${error.message}`);
    }
    check(await rejection(pool.run('echo', 4), 'a later run') === await rejection(pool.run('echo', 5), 'run'), 'the same failure');
  },

  async 'a script URL that does not exist rejects every run instead of hanging'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('no-such-script.js'), { size: 1 }));
    const error = await rejection(pool.run('echo', 1), 'run');
    check(error instanceof Error && /no-such-script\.js failed to load/.test(error.message), `${error}`);
  },

  async 'a worker that dies mid-task rejects its run with an Error saying so, and is replaced'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const error = await rejection(pool.run('die'), 'run');
    check(error instanceof Error && /the worker died while running "die"/.test(error.message), `${error}`);
    check(/uncaught in the worker/.test(error.message), `what the worker threw: ${error.message}`);
    check(await pool.run('echo', 'next') === 'next', 'a new worker answers');
  },

  async 'a result that cannot be cloned rejects with the DataCloneError'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const error = await rejection(pool.run('unclonable'), 'run');
    check(error?.name === 'DataCloneError', `${error}`);
    check(await pool.run('echo', 1) === 1, 'the worker still answers');
  },

  async 'an input that cannot be cloned rejects with the DataCloneError'({ WorkerPool, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    check(await pool.run('echo', 0) === 0, 'a worker is ready');
    const error = await rejection(pool.run('echo', { f() {} }), 'run');
    check(error?.name === 'DataCloneError', `${error}`);
    check(await pool.run('echo', 1) === 1, 'the worker still answers');
  },

  async 'close() rejects queued runs, ends every worker, and later runs reject'({ WorkerPool, url }) {
    const pool = new WorkerPool(url('handlers.js'), { size: 2 });
    const controller = new AbortController();
    const running = [pool.run('wait', null, { signal: controller.signal }), pool.run('wait', null, { signal: controller.signal })];
    while (pool.active < 2) await new Promise((resolve) => setTimeout(resolve, 1));
    const queued = pool.run('echo', 2);
    const closed = pool.close();
    check(pool.close() === closed, 'the same promise');
    const error = await rejection(queued, 'the queued run');
    check(/closed/.test(error.message), `${error}`);
    check(/closed/.test((await rejection(pool.run('echo', 3), 'a later run')).message), 'a later run rejects');
    check(pool.workers === 2, `busy workers stay until their run settles: ${pool.workers}`);
    controller.abort();
    await Promise.allSettled(running);
    await closed;
    check(pool.workers === 0, `${pool.workers} workers after close()`);
  },

  async '10,000 runs leave no listener, no pending run, and a fixed number of workers'({ WorkerPool, ErrGroup, url }) {
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 2 }));
    const controller = new AbortController();
    const signal = controller.signal;
    let listeners = 0;
    const add = signal.addEventListener;
    const remove = signal.removeEventListener;
    signal.addEventListener = function (...args) { listeners++; return add.apply(this, args); };
    signal.removeEventListener = function (...args) { listeners--; return remove.apply(this, args); };
    const group = ErrGroup.withSignal(signal);
    group.setLimit(64);
    for (let i = 0; i < 10_000; i++) group.go(() => pool.run('empty', i, { signal }));
    await group.wait();
    check(listeners === 0, `${listeners} listeners left on the signal`);
    check(pool.active === 0 && pool.queued === 0, `${pool.active} active, ${pool.queued} queued`);
    check(pool.workers === 2, `${pool.workers} workers`);
  },

  async 'bad arguments: the constructor throws, run() rejects, naming the value'({ WorkerPool, url }) {
    const throws = (fn, Class, pattern) => {
      try {
        fn();
      } catch (error) {
        check(error instanceof Class && pattern.test(error.message), `${error}`);
        return;
      }
      throw new Failed(`did not throw ${pattern}`);
    };
    throws(() => new WorkerPool(42), TypeError, /worker must be .* got 42/);
    throws(() => new WorkerPool(url('handlers.js'), { size: 0 }), RangeError, /options\.size .* got 0/);
    throws(() => new WorkerPool(url('handlers.js'), { size: Infinity }), RangeError, /finite/);
    throws(() => new WorkerPool(url('handlers.js'), { grace: -1 }), RangeError, /options\.grace .* got -1/);
    throws(() => new WorkerPool(url('handlers.js'), { grace: '5' }), TypeError, /options\.grace .* got string "5"/);
    const pool = opened(new WorkerPool(url('handlers.js'), { size: 1 }));
    const bad = [
      [pool.run(7), /name must be a string, got 7/],
      [pool.run('echo', 1, 'fast'), /options must be an object/],
      [pool.run('echo', 1, { signal: { aborted: false } }), /options\.signal must be an AbortSignal/],
      [pool.run('echo', 1, { transfer: new Set() }), /options\.transfer must be an array/],
    ];
    for (const [run, pattern] of bad) {
      const error = await rejection(run, 'run');
      check(error instanceof TypeError && pattern.test(error.message), `${error}`);
    }
    check(pool.workers === 0, 'no worker started for bad arguments');
  },
};

/** Runs every case (or those whose name matches `only`); resolves with { name: 'ok' | failure }. */
export async function runCases(env, only) {
  const report = {};
  for (const [name, run] of Object.entries(cases)) {
    if (only && !only.test(name)) continue;
    let timer;
    const hang = new Promise((resolve) => { timer = setTimeout(() => resolve('hung for 60 s'), 60_000); });
    try {
      report[name] = await Promise.race([run(env).then(() => 'ok'), hang]);
    } catch (error) {
      report[name] = `${error?.name}: ${error?.message}`;
    } finally {
      clearTimeout(timer);
      await Promise.all(pools.splice(0).map((pool) => pool.close()));
    }
  }
  return report;
}
