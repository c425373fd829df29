/// <reference lib="esnext.disposable" />
// Types of wasm-errgroup/workers, the package's worker pool. Like index.d.ts
// they need only `AbortSignal` (from the DOM lib, or @types/node) and the
// disposable lib the line above names.

/**
 * A handler that a worker exposes: called with the run's `input` (a
 * structured clone of what `run()` was given) and an `AbortSignal` that
 * aborts when the caller's does.
 */
export type Handler = (input: any, signal: AbortSignal) => unknown;

/** What a worker exposes: handlers by name. */
export type Handlers = { [name: string]: Handler };

/**
 * A worker as the pool uses it: a Web Worker, or a Node `worker_threads`
 * Worker.
 */
export interface WorkerLike {
  postMessage(message: any, transfer: any[]): void;
  terminate(): unknown;
}

/** Options of `new WorkerPool`. */
export interface WorkerPoolOptions {
  /**
   * The most workers alive at once: a whole number from 1 up. Defaults to
   * `os.availableParallelism()` in Node, else `navigator.hardwareConcurrency`.
   */
  size?: number;
  /**
   * Milliseconds an aborted handler has to settle before its worker is
   * terminated: a whole number from 0 up (0: terminate at once), or
   * `Infinity` (never terminate; wait for the handler). Defaults to 1000.
   */
  grace?: number;
}

/** Options of `WorkerPool.run`. */
export interface RunOptions {
  /**
   * Aborting it aborts the handler's signal, in the worker, with a copy of
   * its reason; `run()` then rejects with this signal's `reason` once the
   * handler has settled or its worker is gone.
   */
  signal?: AbortSignal | null;
  /**
   * Objects of `input` to transfer rather than copy (`ArrayBuffer`s,
   * `MessagePort`s...), as `postMessage` takes them. They are transferred
   * when the run reaches a worker, not before.
   */
  transfer?: any[] | null;
}

/**
 * A pool of module workers that run named handlers, each run with an
 * `AbortSignal` that reaches its handler. It keeps errgroup's promise across
 * threads: a run settles only once its handler has settled or its worker is
 * gone, so `group.go((signal) => pool.run('md5', file, { signal }))` gives a
 * group whose `wait()` settles with no worker still computing for it.
 *
 * A worker runs one handler at a time. Runs wait in a queue (first in,
 * first out) for a free worker; workers start when runs need them, up to
 * `size`, and each one takes runs once its script has called `expose()`.
 * Idle workers are kept until `close()`; in Node and Bun they do not keep
 * the program alive, in Deno they do (close the pool).
 *
 * `H` types `run()`: `WorkerPool<typeof import('./md5.worker.js').handlers>`.
 */
export declare class WorkerPool<H extends Handlers = Handlers> implements Disposable, AsyncDisposable {
  /**
   * Creates a pool; no worker starts until a run needs one.
   *
   * @param worker the worker script, a module that calls `expose()`: its URL
   *   (absolute in Node and Deno, e.g. `new URL('./md5.worker.js',
   *   import.meta.url)`), from which the pool starts module workers (a Web
   *   Worker of `type: 'module'`, or in Node a `worker_threads` Worker); or a
   *   function that starts one worker and returns it, called for each worker.
   *   Use the function form with Vite and webpack, which bundle a worker
   *   script only when they see `new Worker(new URL('./x.js',
   *   import.meta.url), { type: 'module' })` written out.
   * @throws `TypeError` if `worker` is none of these, or `options` is not an
   *   object; `TypeError` or `RangeError` for an option out of range (see
   *   `WorkerPoolOptions`).
   */
  constructor(worker: string | URL | (() => WorkerLike), options?: WorkerPoolOptions | null);

  /**
   * Runs handler `name` on a worker with a structured clone of `input`, and
   * resolves with a structured clone of what it returns (or resolves to).
   *
   * - **Failure:** if the handler throws or rejects, `run()` rejects with an
   *   error of the same class (the built-in ones; else an `Error` with the
   *   same `name`), message, stack, `cause` and primitive fields such as
   *   Node's `code`; a thrown value that is not an error is cloned as is. A
   *   worker without that handler rejects it with a `TypeError`.
   * - **Abort:** once `options.signal` aborts, `run()` rejects with its
   *   `reason`, and only once nothing runs for it: a queued run at once (it
   *   never reaches a worker); a running one once its handler has settled
   *   (its signal aborted meanwhile, with a copy of the reason: an error or
   *   `DOMException` of the same name and message), or, if it has not
   *   settled `grace` ms after the abort, once its worker has been
   *   terminated (in Node, once its thread has stopped). A result that
   *   arrives after the abort is dropped.
   * - **Clone errors:** an `input` or a result that cannot be cloned (or a
   *   `transfer` list that cannot be transferred) rejects it with the
   *   `DataCloneError`.
   * - **A worker that dies** (an uncaught error, `process.exit()`, out of
   *   memory) while running it rejects it with an `Error` saying so, whose
   *   `cause` is what the environment reported; the worker is terminated
   *   and replaced. Any uncaught error in a worker counts, also one in code
   *   its handler left running.
   * - **A script that fails to load** (a bad URL, a syntax error, a throw
   *   before `expose()`) fails the pool: every queued and later run rejects
   *   with an `Error` saying so, with the environment's report as `cause`.
   *   A factory that throws fails it with what it threw.
   * - **A handler that never settles** keeps it pending until its signal
   *   aborts; its worker is then terminated after the grace period.
   * - After `close()`, it rejects with an `Error`.
   *
   * It never throws: a `name` that is not a string, `options` that are not
   * an object, a `signal` that is not an `AbortSignal` or a `transfer` that
   * is not an array reject it with a `TypeError`. An already aborted signal
   * rejects it with its reason.
   */
  run<K extends keyof H & string>(
    name: K,
    input?: Parameters<H[K]>[0],
    options?: RunOptions | null,
  ): Promise<Awaited<ReturnType<H[K]>>>;

  /**
   * Closes the pool: later runs reject, queued runs reject now with an
   * `Error` saying so, idle workers are terminated at once and busy ones as
   * soon as their run settles (close aborts nothing: abort the runs'
   * signals for that). Resolves once every worker is gone; every call
   * returns the same promise.
   */
  close(): Promise<void>;

  /** `close()`, not waiting: for `using pool = ...`. */
  [Symbol.dispose](): void;
  /** `close()`: for `await using pool = ...`. */
  [Symbol.asyncDispose](): Promise<void>;

  /** The most workers alive at once. */
  readonly size: number;
  /** Workers alive now: starting, ready, or being terminated. */
  readonly workers: number;
  /** Runs that a worker holds: posted, and not yet settled. */
  readonly active: number;
  /** Runs waiting for a worker. */
  readonly queued: number;
}

/**
 * Answers a `WorkerPool`'s runs with `handlers`, in the worker script: call
 * it once, at the top level or after an `await` (a pool sends the worker no
 * run until it has been called). The script may post messages of its own
 * (progress, say) beside the pool's: the pool ignores them, and the creator
 * of the worker (the function given to `new WorkerPool`) can listen to them.
 *
 * Each handler is called with the run's input and an `AbortSignal` that
 * aborts when the caller's does. The abort arrives as a message, so a
 * handler sees it only when it yields to the event loop (an `await` of a
 * macrotask, such as reading a chunk of a file); one that never does is
 * terminated with its worker after the pool's `grace` period.
 *
 * @throws `TypeError` if `handlers` is not an object of functions; `Error`
 *   outside a worker, or on a second call.
 */
export declare function expose(handlers: Handlers): void;

/**
 * Marks a handler's result so that the objects in `list` (`ArrayBuffer`s,
 * `MessagePort`s...) are transferred to the caller rather than copied:
 * `return transfer(bytes, [bytes.buffer])`. The caller receives `value`.
 *
 * @throws `TypeError` if `list` is not an array.
 */
export declare function transfer<T>(value: T, list: any[]): T;
