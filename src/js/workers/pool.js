// WorkerPool: runs named handlers on a pool of module workers, with an
// AbortSignal per run that reaches the handler. The public contract is in
// pkg-templates/workers.d.ts; this file says how.
//
// A worker holds at most one run. A run waits in the queue (FIFO) until a
// worker is free, is posted to it, and settles when the worker answers or
// is gone. An abort is relayed as a message (an AbortSignal cannot be
// posted); a worker whose handler has not answered `grace` ms later is
// terminated, and the run settles only once it is gone. Workers start
// lazily, up to `size`, and replace those that are gone while runs wait.
import { abortedOf, checkLimit, checkSignal, isObject, reasonOf, typeError } from '../checks.js';
import { Thread, startWorker } from './thread.js';
import { ABORT, DONE, FAIL, READY, RUN, decode, encode } from './wire.js';

/** @typedef {(value?: unknown) => void} Settle */

/** One call of run(), from the call until it settles. */
export class Run {
  /**
   * @param {string} name
   * @param {unknown} input
   * @param {object[] | undefined} transfer
   * @param {AbortSignal | undefined} signal
   * @param {Settle} resolve
   * @param {Settle} reject
   */
  constructor(name, input, transfer, signal, resolve, reject) {
    this.name = name;
    /** Dropped once posted: the worker has its copy. */
    this.input = input;
    this.transfer = transfer;
    this.signal = signal;
    this.resolve = resolve;
    this.reject = reject;
    /** @type {Thread | null} The thread it was posted to. */
    this.thread = null;
    /** @type {ReturnType<typeof setTimeout> | undefined} The grace period after an abort. */
    this.timer = undefined;
  }
}

/** @type {Settle} */
let capturedResolve;
/** @type {Settle} */
let capturedReject;
/** One executor for every run's promise. */
const capture = (/** @type {Settle} */ resolve, /** @type {Settle} */ reject) => {
  capturedResolve = resolve;
  capturedReject = reject;
};

/** The default size: the machine's hardware threads. */
function defaultSize() {
  const os = /** @type {any} */ (globalThis).process?.getBuiltinModule?.('node:os');
  const n = typeof os?.availableParallelism === 'function'
    ? os.availableParallelism()
    : /** @type {any} */ (globalThis).navigator?.hardwareConcurrency;
  return Number.isInteger(n) && n > 0 ? n : 1;
}

export class WorkerPool {
  /** @type {string | URL | (() => unknown)} What starts a worker. */
  #source;
  /** The most workers alive at once. */
  #size;
  /** Milliseconds an aborted handler has before its worker is terminated. */
  #grace;
  /** @type {Set<Thread>} Every worker not yet gone: starting, ready, or being terminated. */
  #threads = new Set();
  /** @type {Thread[]} Ready workers holding no run; the last one freed is used first. */
  #idle = [];
  /** @type {Set<Run>} Runs waiting for a worker, oldest first. */
  #queue = new Set();
  /**
   * @type {Map<AbortSignal, { runs: Set<Run>, listener: () => void }>} The signals of unsettled
   * runs: one listener per signal, however many runs share it (a group's do).
   */
  #signals = new Map();
  /** @type {Error | null} Why no worker can start: the script failed to load. */
  #failure = null;
  /** @type {{ promise: Promise<void>, resolve: Settle } | null} Set by close(). */
  #closing = null;
  /**
   * Lets idle workers go (Node, Bun: they stop keeping the program alive),
   * on a microtask after they went idle, so that a caller who awaits a run
   * and starts the next one keeps its worker held: letting a worker go and
   * holding it again on every run of a sequence would cost more than the
   * run (as much as a timer would).
   */
  #release = () => {
    for (const idle of this.#idle) idle.hold(false);
  };
  /** @type {import('./thread.js').Listener} */
  #listener = {
    message: (thread, data) => this.#message(thread, data),
    unreadable: (thread) => this.#answer(thread, false,
      new DOMException('WorkerPool.run: the result could not be deserialized in this thread', 'DataCloneError')),
    died: (thread, description, cause) => this.#died(thread, description, cause),
  };

  /**
   * @param {unknown} worker
   * @param {unknown} [options]
   */
  constructor(worker, options) {
    if (typeof worker !== 'string' && !(worker instanceof URL) && typeof worker !== 'function') {
      throw typeError('new WorkerPool: worker must be a URL, a string or a function that returns a Worker, got ', worker);
    }
    if (options !== undefined && options !== null && !isObject(options)) {
      throw typeError('new WorkerPool: options must be an object, undefined or null, got ', options);
    }
    const { size, grace } = /** @type {{ size?: unknown, grace?: unknown }} */ (options ?? {});
    this.#source = /** @type {string | URL | (() => unknown)} */ (worker);
    this.#size = size === undefined ? defaultSize() : checkLimit(size, 1, 'new WorkerPool: options.size');
    if (this.#size === Infinity) throw new RangeError('new WorkerPool: options.size must be finite, got Infinity');
    this.#grace = grace === undefined ? 1000 : checkLimit(grace, 0, 'new WorkerPool: options.grace');
  }

  /**
   * @param {unknown} name
   * @param {unknown} [input]
   * @param {unknown} [options]
   * @returns {Promise<any>}
   */
  run(name, input, options) {
    /** @type {AbortSignal | undefined} */
    let signal;
    /** @type {object[] | undefined} */
    let transfer;
    try {
      if (typeof name !== 'string') throw typeError('WorkerPool.run: name must be a string, got ', name);
      if (options !== undefined && options !== null) {
        if (!isObject(options)) throw typeError('WorkerPool.run: options must be an object, undefined or null, got ', options);
        const given = /** @type {{ signal?: unknown, transfer?: unknown }} */ (options);
        signal = checkSignal(given.signal, 'WorkerPool.run: options.signal');
        const list = given.transfer;
        if (list !== undefined && list !== null && !Array.isArray(list)) {
          throw typeError('WorkerPool.run: options.transfer must be an array, undefined or null, got ', list);
        }
        transfer = list ?? undefined;
      }
    } catch (error) {
      return Promise.reject(error);
    }
    if (this.#closing !== null) return Promise.reject(new Error('WorkerPool.run: the pool is closed'));
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (signal !== undefined && abortedOf.call(signal)) return Promise.reject(reasonOf.call(signal));
    const promise = new Promise(capture);
    const run = new Run(name, input, transfer, signal, capturedResolve, capturedReject);
    if (signal !== undefined) this.#watch(signal, run);
    const thread = this.#idle.pop();
    if (thread !== undefined) {
      if (!this.#send(thread, run)) this.#free(thread);
    } else {
      this.#queue.add(run);
      if (this.#threads.size < this.#size) this.#start();
    }
    return promise;
  }

  /**
   * Closes the pool: later runs reject, queued runs reject now, idle
   * workers are terminated, and busy ones once their run settles. Resolves
   * once every worker is gone; every call returns the same promise.
   * @returns {Promise<void>}
   */
  close() {
    if (this.#closing !== null) return this.#closing.promise;
    const promise = /** @type {Promise<void>} */ (new Promise(capture));
    this.#closing = { promise, resolve: capturedResolve };
    this.#stop(new Error('WorkerPool.run: the pool was closed before this run reached a worker'));
    this.#gone();
    return promise;
  }

  get size() {
    return this.#size;
  }

  /** Workers alive: starting, ready, or being terminated. */
  get workers() {
    return this.#threads.size;
  }

  /** Runs posted to a worker and not yet settled. */
  get active() {
    let active = 0;
    for (const thread of this.#threads) if (thread.run !== null) active++;
    return active;
  }

  /** Runs waiting for a worker. */
  get queued() {
    return this.#queue.size;
  }

  /** Starts a worker; it takes runs once its expose() has answered. */
  #start() {
    /** @type {Thread} */
    let thread;
    try {
      const source = this.#source;
      const worker = typeof source === 'function' ? source() : startWorker(source);
      thread = new Thread(worker, this.#listener);
    } catch (error) {
      this.#fail(error);
      return;
    }
    this.#threads.add(thread);
  }

  /**
   * Posts `run` to `thread`, which is free; false if it could not be
   * posted (its input or transfer list cannot be cloned): the run has
   * then settled, and the thread is still free.
   * @param {Thread} thread
   * @param {Run} run
   */
  #send(thread, run) {
    try {
      thread.post([RUN, run.name, run.input], run.transfer);
    } catch (error) {
      this.#settle(run, false, error);
      return false;
    }
    run.input = undefined;
    run.transfer = undefined;
    run.thread = thread;
    thread.run = run;
    thread.hold(true);
    return true;
  }

  /**
   * `thread` holds no run: it takes the oldest queued one, or waits, or is
   * terminated if the pool is stopping.
   * @param {Thread} thread
   */
  #free(thread) {
    if (this.#closing !== null || this.#failure !== null) {
      this.#end(thread, null);
      return;
    }
    for (const run of this.#queue) {
      this.#queue.delete(run);
      if (this.#send(thread, run)) return;
    }
    this.#idle.push(thread);
    if (thread.holds) queueMicrotask(this.#release);
  }

  /**
   * @param {Thread} thread
   * @param {unknown} data
   */
  #message(thread, data) {
    if (!Array.isArray(data)) return;
    if (data[0] === READY && thread.state === 'starting') {
      thread.state = 'ready';
      this.#free(thread);
    } else if (data[0] === DONE) {
      this.#answer(thread, true, data[1]);
    } else if (data[0] === FAIL) {
      this.#answer(thread, false, decode(data[1]));
    }
  }

  /**
   * The handler of `thread`'s run has settled.
   * @param {Thread} thread
   * @param {boolean} ok
   * @param {unknown} value
   */
  #answer(thread, ok, value) {
    const run = thread.run;
    if (run === null) return;
    thread.run = null;
    this.#settle(run, ok, value);
    this.#free(thread);
  }

  /**
   * Listens to `signal` for `run`, adding a listener only for the first
   * unsettled run with this signal.
   * @param {AbortSignal} signal
   * @param {Run} run
   */
  #watch(signal, run) {
    const watched = this.#signals.get(signal);
    if (watched !== undefined) {
      watched.runs.add(run);
      return;
    }
    const runs = new Set([run]);
    const listener = () => {
      for (const aborted of [...runs]) this.#abort(aborted);
    };
    this.#signals.set(signal, { runs, listener });
    signal.addEventListener('abort', listener);
  }

  /**
   * The caller's signal aborted: a queued run settles now and never
   * reaches a worker; a running one is told, and its worker is terminated
   * if it has not answered after the grace period.
   * @param {Run} run
   */
  #abort(run) {
    if (this.#queue.delete(run)) {
      this.#settle(run, false, undefined);
      return;
    }
    const thread = run.thread;
    if (thread === null || thread.run !== run) return;
    const reason = reasonOf.call(/** @type {AbortSignal} */ (run.signal));
    try {
      thread.post([ABORT, encode(reason)]);
    } catch (error) {
      // A reason that cannot be cloned: the handler gets an AbortError that says so.
      thread.post([ABORT, encode(new DOMException(`the caller's abort reason could not be cloned: ${error}`, 'AbortError'))]);
    }
    if (this.#grace === 0) this.#end(thread, null);
    else if (this.#grace !== Infinity) run.timer = setTimeout(() => this.#end(thread, null), this.#grace);
  }

  /**
   * @param {Thread} thread
   * @param {string} description
   * @param {unknown} cause
   */
  #died(thread, description, cause) {
    if (thread.state === 'starting') {
      const source = this.#source;
      const url = String(source);
      const what = typeof source === 'function'
        ? 'the worker that the factory started'
        : `the worker script ${url.length > 100 ? `${url.slice(0, 80)}…` : url}`;
      this.#fail(new Error(`WorkerPool: ${what} failed to load: ${description}`, { cause }));
      this.#end(thread, null);
      return;
    }
    const run = thread.run;
    const doing = run === null ? 'while idle' : `while running "${run.name}"`;
    this.#end(thread, new Error(`WorkerPool.run: the worker died ${doing}: ${description}`, { cause }));
  }

  /**
   * No worker can start: every waiting and later run rejects with `error`.
   * @param {unknown} error
   */
  #fail(error) {
    if (this.#failure !== null) return;
    this.#failure = error instanceof Error ? error : new Error(`WorkerPool: a worker could not start: ${error}`, { cause: error });
    this.#stop(this.#failure);
  }

  /**
   * Rejects the queued runs with `error`, and terminates every worker that
   * holds no run; busy ones end once their run settles (see #free).
   * @param {unknown} error
   */
  #stop(error) {
    const queued = [...this.#queue];
    this.#queue.clear();
    for (const run of queued) this.#settle(run, false, error);
    for (const thread of [...this.#threads]) if (thread.run === null && thread.state !== 'ending') this.#end(thread, null);
  }

  /**
   * Terminates `thread`; once it is gone, settles the run it held (with
   * `error`, or its signal's reason if that aborted) and starts a
   * replacement if runs are waiting.
   * @param {Thread} thread
   * @param {Error | null} error
   */
  async #end(thread, error) {
    if (thread.state === 'ending') return;
    const idle = this.#idle.indexOf(thread);
    if (idle !== -1) this.#idle.splice(idle, 1);
    const run = thread.run;
    thread.run = null;
    try {
      await thread.terminate();
    } finally {
      this.#threads.delete(thread);
      if (run !== null) this.#settle(run, false, error);
      if (this.#queue.size > 0 && this.#threads.size < this.#size) this.#start();
      this.#gone();
    }
  }

  /** Resolves close() once every worker is gone. */
  #gone() {
    if (this.#closing !== null && this.#threads.size === 0) this.#closing.resolve();
  }

  /**
   * Settles `run`: with its signal's reason if that has aborted, else as
   * the handler did. Releases its listener and timer.
   * @param {Run} run
   * @param {boolean} ok
   * @param {unknown} value
   */
  #settle(run, ok, value) {
    const signal = run.signal;
    clearTimeout(run.timer);
    run.thread = null;
    if (signal !== undefined) {
      const watched = this.#signals.get(signal);
      if (watched !== undefined && watched.runs.delete(run) && watched.runs.size === 0) {
        this.#signals.delete(signal);
        signal.removeEventListener('abort', watched.listener);
      }
      if (abortedOf.call(signal)) {
        run.reject(reasonOf.call(signal));
        return;
      }
    }
    if (ok) run.resolve(value);
    else run.reject(value);
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(WorkerPool.prototype, Symbol.dispose, {
    /** @this {WorkerPool} */
    value() {
      void this.close();
    },
    writable: true,
    configurable: true,
  });
}
if (typeof Symbol.asyncDispose === 'symbol') {
  Object.defineProperty(WorkerPool.prototype, Symbol.asyncDispose, {
    value: WorkerPool.prototype.close, writable: true, configurable: true,
  });
}
