/// <reference lib="esnext.disposable" />
// Types of the npm package wasm-errgroup. They need only `AbortSignal` (from
// the DOM lib, or @types/node) and `Disposable`, whose lib the line above
// names, so they check under any `lib` setting.

/**
 * Go's errgroup: runs async tasks with a concurrency limit, keeps the first
 * failure exactly as thrown, and aborts an `AbortSignal` that every task is
 * called with.
 *
 * `new ErrGroup()` is Go's zero group: no limit, a failure aborts nothing
 * (every queued task still runs), and its `signal` never aborts.
 * `ErrGroup.withSignal(parent)` is Go's `WithContext`.
 */
export declare class ErrGroup implements Disposable {
  /**
   * Creates Go's zero group: no limit, a failure aborts nothing (every
   * queued task still runs), and `signal` never aborts. Every zero group
   * shares that one signal.
   */
  constructor();

  /**
   * Creates a group whose `signal` aborts the first time one of these
   * happens:
   * - a task fails: the reason is the failure value itself (but see the
   *   README: `throw undefined` becomes an `AbortError` reason);
   * - `parent` aborts: the reason is the parent's. An already aborted
   *   parent aborts the group at once, inside this call;
   * - `wait()` settles: the reason is an `AbortError` `DOMException`,
   *   one object shared by every group.
   *
   * Once `signal` has aborted, no task starts: queued and later tasks are
   * skipped, never called, and their `go()` promises resolve. The listener
   * on `parent` is removed as soon as `signal` aborts.
   *
   * @param parent an `AbortSignal`, of this realm or another (an iframe's);
   *   `undefined` or `null` for none. Anything else throws `TypeError`.
   */
  static withSignal(parent?: AbortSignal | null): ErrGroup;

  /**
   * Maps every item with at most `options.limit` mappers running at once,
   * and resolves with the results in input order.
   *
   * `items` is an iterable (a string too) or an async iterable. Items are
   * pulled only into a free slot, so never more than `limit` are held ahead
   * of the mappers. An item that is a promise is awaited in its slot, as
   * p-map does; a rejected one fails the map like a mapper. As with p-map,
   * a promise item that rejects before it is pulled is an unhandled
   * rejection until then, or for good if the map stops first. `mapper(item,
   * index, signal)` is called on a later microtask, and may return a value
   * or a promise.
   *
   * The first failure (a mapper that throws or rejects, a rejected item, or
   * the iterable itself) aborts the `signal` every running mapper holds and
   * stops pulling at once: the iterator is closed with `return()`, without
   * waiting for a `next()` it may be stuck in or for a promise item (a
   * `next()` that aborted the map returns first). If `options.signal` aborts,
   * the same happens. Either way, `map` settles once every running mapper
   * has ended: it rejects with the first failure, or else with
   * `options.signal`'s reason, even if every item was mapped.
   *
   * It never throws: bad arguments reject it, with `TypeError` or, for a
   * limit out of range, `RangeError`.
   */
  static map<T, R>(
    items: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
    mapper: (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>,
    options?: MapOptions,
  ): Promise<Awaited<R>[]>;

  /**
   * Queues `task`. It starts once fewer than `limit` tasks are active and
   * every task queued before it has started (FIFO): it is called with the
   * group's `signal` on a later microtask, never inside this call, and in
   * the async context of this call (`AsyncLocalStorage` in Node).
   *
   * The task fails if it throws or returns a thenable that rejects; the
   * first failure is kept exactly as thrown, `Error` or not. Failures never
   * become unhandled rejections.
   *
   * Returns a promise that resolves once the task holds a slot (at once if
   * one is free) or is skipped, and never rejects: `await group.go(task)`
   * is Go's blocking `Go`. Throws `TypeError` if `task` is not a function,
   * and `Error` if the group came from `withSignal` and its `wait()` has
   * settled, or if it was disposed.
   */
  go(task: (signal: AbortSignal) => unknown): Promise<void>;

  /**
   * Starts `task` (on a later microtask, like `go`) only if a slot is free
   * now and nothing is queued ahead of it, and returns `true`. Otherwise
   * returns `false` and never calls `task`. Throws `TypeError` if `task` is
   * not a function, and `Error` if the group was disposed.
   */
  tryGo(task: (signal: AbortSignal) => unknown): boolean;

  /**
   * Limits how many tasks may be active at once: a whole number from 0 up,
   * or `Infinity` (the default) for no limit. `0` admits nothing until the
   * limit is raised. A non-number throws `TypeError`; `NaN`, a fraction or a
   * negative number throws `RangeError`. The limit is then unchanged.
   *
   * Unlike Go, which panics here, it may be called while tasks run. Raising
   * the limit starts queued tasks at once (on a later microtask); lowering
   * it interrupts nothing.
   */
  setLimit(n: number): void;

  /**
   * Returns a promise that settles once no task is active or queued,
   * including tasks that running tasks add meanwhile.
   *
   * It rejects with the first failure value, if a task failed. On a
   * `withSignal` group it also rejects with the parent's reason when the
   * parent's abort skipped tasks: skipped work is never reported as
   * success. Tasks that ran to completion despite the abort count as done,
   * as in Go, so a parent abort that skipped nothing lets it resolve.
   *
   * Every call, concurrent or later, settles the same way. A `withSignal`
   * group settles once: it is closed (`go()` then throws) and its `signal`
   * aborts as soon as it is idle after the first `wait()` call, inside that
   * call if it is idle already, and always before the promise settles. A
   * zero group stays open: a later `wait()` covers tasks added since.
   *
   * A task that never settles keeps it pending forever: pass
   * `AbortSignal.timeout(ms)` as the parent and let tasks honour their
   * signal to bound it. So does a queue behind `setLimit(0)`, until the
   * limit is raised or the group is disposed.
   */
  wait(): Promise<void>;

  /** The signal every task is called with. A zero group's never aborts. */
  readonly signal: AbortSignal;
  /** How many tasks are active: running, or about to be called. */
  readonly active: number;
  /** How many tasks wait in the queue for a slot. */
  readonly queued: number;
  /** The limit set by `setLimit`: `Infinity` (the default) for none. */
  readonly limit: number;

  /**
   * Disposes the group: later `go`, `tryGo`, `setLimit` and `wait` calls
   * throw an `Error` saying so. It cancels nothing: running and queued tasks
   * go on, and pending `wait()` promises settle when they end. Only tasks
   * queued behind a limit of 0, which nothing can raise any more, are
   * skipped, a pending `wait()` then rejects, and a `withSignal` group's
   * `signal` aborts as at settle. A second call does nothing.
   */
  free(): void;

  /** The same as `free()`, for `using group = ...`. */
  [Symbol.dispose](): void;
}

/** Options of `ErrGroup.map`. */
export interface MapOptions {
  /**
   * How many mappers may run at once: a whole number from 1 up, or
   * `Infinity` (the default).
   */
  limit?: number;
  /**
   * Aborting it aborts every mapper's signal and stops pulling items; `map`
   * then rejects with its reason once the running mappers have ended.
   */
  signal?: AbortSignal | null;
}
