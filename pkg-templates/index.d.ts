/// <reference lib="esnext.disposable" />
// Types of the npm package wasm-errgroup, and its one public doc. They need
// only `AbortSignal` (from the DOM lib, or @types/node) and `Disposable`,
// whose lib the line above names, so they check under any `lib` setting.

/**
 * Go's errgroup: runs async tasks with a concurrency limit, keeps the first
 * failure exactly as thrown, and aborts an `AbortSignal` that every task is
 * called with.
 *
 * `new ErrGroup()` is Go's zero group: no limit, a failure aborts nothing
 * (every queued task still runs), and its `signal` never aborts.
 * `ErrGroup.withSignal(parent)` is Go's `WithContext`.
 *
 * The words: a task is *admitted* when it gets one of the `limit` slots,
 * *started* when it is called, *skipped* when it never is, and *ends* when
 * what it returned settles. A group *settles* when it is idle (no task
 * holds a slot or waits for one) and `wait()` reports its outcome.
 */
export declare class ErrGroup implements Disposable, AsyncDisposable {
  /**
   * Creates Go's zero group: no limit, a failure aborts nothing (every
   * queued task still runs), and `signal` never aborts. Every zero group
   * shares that one signal.
   */
  constructor();

  /**
   * Creates a group whose `signal` aborts the first time one of these
   * happens:
   * - a task fails: the reason is the failure value itself (but
   *   `throw undefined` makes an `AbortError` reason, as `abort(undefined)`
   *   does everywhere);
   * - `parent` aborts: the reason is the parent's. An already aborted
   *   parent aborts the group at once, inside this call;
   * - the group settles after `wait()` was called, or after `free()`: the
   *   reason is an `AbortError` `DOMException`, one object shared by every
   *   group. It aborts before any `wait()` promise settles.
   *
   * Once `signal` has aborted, no task starts: queued and later tasks are
   * skipped, never called. The listener on `parent` is removed as soon as
   * `signal` aborts.
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
   * rejection until then, or for good if the map stops first.
   * `mapper(item, index, signal)` is called on a later microtask than
   * `map()`, in the async context of the `map()` call, and may return a
   * value or a promise.
   *
   * The first failure (a mapper that throws or rejects, a rejected item, or
   * the iterable itself) aborts the `signal` every running mapper holds and
   * stops pulling at once: the iterator is closed with `return()`, without
   * waiting for a `next()` it may be stuck in or for a promise item (a
   * `next()` that aborted the map returns first). If `options.signal` aborts,
   * the same happens. Either way, `map` settles once every running mapper
   * has ended: it rejects with the first failure, or else with
   * `options.signal`'s reason, even if every item was mapped. The mappers'
   * `signal` also aborts once the map settles; with `timeout`, each item's
   * own signal is let go when its mapper ends, and aborts no more.
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
   * Maps every item as `map` does, but a failure stops nothing: resolves
   * with a `PromiseSettledResult` per item, in input order, like
   * `Promise.allSettled`. A mapper that throws or rejects, or an item that
   * is a rejected promise, is a `rejected` entry; every other item is
   * still mapped, and no failure aborts the mappers' `signal`.
   *
   * `options.signal` still stops it: nothing more is pulled, the running
   * mappers' `signal` aborts, and once they have ended it resolves with one
   * entry per item pulled: items pulled but never mapped are `rejected`
   * with the signal's reason. Only the source itself failing (its
   * `next()` throwing) rejects it, with that error.
   */
  static mapSettled<T, R>(
    items: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
    mapper: (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>,
    options?: MapOptions,
  ): Promise<PromiseSettledResult<Awaited<R>>[]>;

  /**
   * Maps the items as `map` does, and yields the results as they come:
   * `for await (const result of ErrGroup.mapIterable(items, mapper))`.
   * In input order (`ordered: true`, the default), or in the order the
   * mappers end (`ordered: false`).
   *
   * Nothing runs before the first `next()`. At most `limit` items are
   * pulled and not yet read by the loop, running or finished: a slow loop
   * slows the pulling down, and never holds more than `limit` results.
   *
   * The first failure aborts every running mapper's `signal` and pulls
   * nothing more (the source is closed with `return()`); the results that
   * had arrived are still yielded (in input order, up to the first item
   * whose result never came, when `ordered`), and then the failure is
   * thrown from the loop once the running mappers have ended. If
   * `options.signal` aborts, the same happens, with its reason.
   *
   * Leaving the loop early (`break`, `return`, a throw in its body)
   * aborts the running mappers' `signal` with an `AbortError`, pulls
   * nothing more, closes the source with `return()` (without waiting for a
   * `next()` it may be stuck in), and exits only once the running mappers
   * have settled: nothing is still running after the loop. A mapper that
   * ignores its signal holds the exit until it ends.
   *
   * With `settled: true` it yields a `PromiseSettledResult` per item
   * instead, and a failure stops nothing, as `mapSettled`. An abort of
   * `options.signal` still ends it: the items pulled but never mapped are
   * yielded as `rejected` with the signal's reason, and then the loop
   * throws that reason (where `mapSettled` resolves with the entries it
   * has: a loop has no other way to say that items were left out).
   *
   * It returns an async iterator with an async generator's methods, and
   * `[Symbol.asyncDispose]` for `await using` (which leaves as `return()`
   * does). `next()` calls that overlap are answered in order. `return()`
   * and `throw(e)` leave as the loop does, and settle once the running
   * mappers have ended (`throw` then rejects with `e`); a `next()` still
   * pending then resolves as done. Before the first `next()`, they open
   * nothing.
   *
   * Throws `TypeError` or `RangeError` at once for bad arguments.
   */
  static mapIterable<T, R>(
    items: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
    mapper: (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>,
    options?: MapIterableOptions & { settled?: false },
  ): AsyncGenerator<Awaited<R>, undefined, undefined>;
  static mapIterable<T, R>(
    items: Iterable<T | PromiseLike<T>> | AsyncIterable<T>,
    mapper: (item: T, index: number, signal: AbortSignal) => R | PromiseLike<R>,
    options: MapIterableOptions & { settled: true },
  ): AsyncGenerator<PromiseSettledResult<Awaited<R>>, undefined, undefined>;

  /**
   * Queues `task`, and returns nothing, as Go's `Go`. The task is admitted
   * once fewer than `limit` tasks hold a slot and every task queued before
   * it was admitted (FIFO); it is then called with the group's `signal` on
   * a later microtask, never inside this call. In Node, Deno and Bun it is
   * called in the async context of this call (`AsyncLocalStorage`), queued
   * or not.
   *
   * The task fails if it throws or returns a thenable that rejects; the
   * first failure is kept exactly as thrown, `Error` or not. Failures never
   * become unhandled rejections. Once the group has stopped admitting (its
   * signal aborted), the task is skipped.
   *
   * For backpressure (Go's blocking `Go`), `await group.ready()` first.
   *
   * With `options.timeout` (ms), the task gets a signal of its own instead
   * of the group's: it aborts with a `TimeoutError` `DOMException`
   * `timeout` ms after this call, so time spent queued counts, or with the
   * group's reason when the group's signal aborts. If the deadline passes
   * while the task is queued, it is never called, and it fails at once; if
   * it passes while the task runs, the task fails with that `TimeoutError`
   * when it ends, whatever it returns. Either way the `TimeoutError` is a
   * failure of the group like any other: the first one is what `wait()`
   * rejects with, and it aborts a `withSignal` group's signal. Its timer
   * and listener are released as the task ends: from then on its signal
   * aborts no more, even when the group's does. Tasks without a timeout
   * cost nothing of this: no timer, no signal of their own.
   *
   * Throws `TypeError` if `task` is not a function or `options` not an
   * object, `RangeError` for a `timeout` that is not a whole number of ms
   * from 0 to 2^31 - 1 or `Infinity` (none), and `Error` if the group came
   * from `withSignal` and has settled, or was disposed; nothing is queued
   * then.
   */
  go(task: (signal: AbortSignal) => unknown, options?: GoOptions): void;

  /**
   * Starts `task` (on a later microtask, like `go`) only if a slot is free
   * now and nothing is queued ahead of it, and returns `true`. Otherwise
   * returns `false` and never calls `task`: when every slot is taken, when
   * tasks are queued, and once the group has stopped admitting or settled.
   * Throws `TypeError` if `task` is not a function, and `Error` if the group
   * was disposed.
   */
  tryGo(task: (signal: AbortSignal) => unknown): boolean;

  /**
   * Returns a promise that resolves once `go()` would not queue: a slot is
   * free and nothing is queued, or the group skips or refuses tasks at once
   * (it stopped, or settled). At once if that is so now. `await
   * group.ready(); group.go(task)` is Go's blocking `Go`: a producer that
   * does this never has a task queued. Several producers awaiting it may
   * all resume when one slot frees; the ones that find it taken queue. It
   * never rejects, and settles if the group traps. Throws `Error` if the
   * group was disposed.
   */
  ready(): Promise<void>;

  /**
   * Limits how many tasks may hold a slot at once: a whole number from 0
   * up, or `Infinity` (the default) for no limit. `0` admits nothing until
   * the limit is raised. A non-number throws `TypeError`; `NaN`, a fraction
   * or a negative number throws `RangeError`. The limit is then unchanged.
   *
   * Unlike Go, which panics here, it may be called while tasks run.
   * Raising the limit admits queued tasks at once (they are called on a
   * later microtask); lowering it interrupts nothing.
   */
  setLimit(n: number): void;

  /**
   * Returns a promise that settles once no task holds a slot or is queued,
   * including tasks that running tasks add meanwhile.
   *
   * It rejects with the first failure value, if a task failed. On a
   * `withSignal` group it also rejects with the parent's reason when the
   * parent's abort skipped tasks: skipped work is never reported as
   * success. Tasks that ran to completion despite the abort count as done,
   * as in Go, so a parent abort that skipped nothing lets it resolve.
   *
   * Every call, concurrent or later, settles the same way. A `withSignal`
   * group settles once: as soon as it is idle after the first `wait()` call
   * (inside that call if it is idle already), its `signal` aborts and it is
   * closed: `go()` throws, `tryGo()` returns `false`. A zero group stays
   * open: a later `wait()` covers tasks added since, and reports the first
   * failure ever seen, as Go's does.
   *
   * A task that never settles keeps it pending forever: pass
   * `AbortSignal.timeout(ms)` as the parent and let tasks honour their
   * signal to bound it. So does a queue behind `setLimit(0)`, until the
   * limit is raised, or the group is aborted (`abort()`) or disposed.
   */
  wait(): Promise<void>;

  /**
   * Stops the group, as a parent's abort would: queued and later tasks are
   * skipped, never called (`tryGo()` returns `false`), and `wait()` rejects
   * with `reason` if that skipped work (tasks that ran to completion count
   * as done). A `withSignal` group's signal aborts with `reason`, at once,
   * inside this call. A zero group has no signal to abort, but stops the
   * same way. `reason` defaults to an `AbortError` `DOMException`, as
   * `AbortController.abort()`'s does. Only the first call, or the
   * parent's abort, counts: a later one changes nothing. It works on a
   * disposed group too.
   */
  abort(reason?: unknown): void;

  /** The signal every task is called with. A zero group's never aborts. */
  readonly signal: AbortSignal;
  /** How many tasks hold a slot: running, or admitted and about to be called. */
  readonly active: number;
  /** How many tasks wait in the queue for a slot. */
  readonly queued: number;
  /** How many tasks ended successfully: they returned, or what they returned fulfilled. */
  readonly succeeded: number;
  /** How many tasks failed: they threw, what they returned rejected, or their deadline passed. */
  readonly failed: number;
  /**
   * How many tasks were skipped: never called, because the group had
   * stopped when their turn came (`tryGo()`'s refusals are not counted).
   * With `active`, `queued`, `succeeded` and `failed`, every task given to
   * `go` is counted once, as it moves.
   */
  readonly skipped: number;
  /** The limit set by `setLimit`: `Infinity` (the default) for none. */
  readonly limit: number;

  /**
   * Disposes the group: later `go`, `tryGo`, `ready`, `setLimit` and `wait`
   * calls throw an `Error` saying so. It cancels nothing: running and
   * queued tasks go on, and pending `wait()` promises settle when they end.
   * A `withSignal` group then settles as after `wait()`: once idle, its
   * `signal` aborts and it stops listening to its parent. Tasks queued
   * behind a limit of 0, which nothing can raise any more, are skipped at
   * once, and a pending `wait()` then rejects with an `Error` saying so,
   * which is also a `withSignal` group's abort reason. A second call does
   * nothing. If the end of a full JS stack stops it, it throws the engine's
   * stack error and changes nothing: call it again.
   */
  free(): void;

  /**
   * The same as `free()`, for `using group = ...`: nothing is cancelled.
   * Where an engine has no `Symbol.dispose`, the method is under
   * `Symbol.for('Symbol.dispose')`, where TypeScript's emit looks.
   */
  [Symbol.dispose](): void;

  /**
   * For `await using group = ...`: leaving the block leaves nothing
   * running. It aborts the group (as `abort()`, with an `AbortError`,
   * unless it stopped already), so that queued tasks are skipped and
   * running ones see their signal abort; disposes it (as `free()`); and
   * resolves once every running task has settled. It never rejects: a
   * failure is `wait()`'s to report, and one nobody waited for is dropped,
   * never an unhandled rejection. On a zero group, whose signal never
   * aborts, it skips the queue and waits for the running tasks. A second
   * call resolves with the first. Where an engine has no
   * `Symbol.asyncDispose`, the method is under
   * `Symbol.for('Symbol.asyncDispose')`.
   *
   * Which to use: `await using` when the block owns the work and must not
   * be left while any of it runs (a request handler, a component's
   * lifetime); `using` (or `free()`) when the tasks may outlive the block.
   */
  [Symbol.asyncDispose](): Promise<void>;
}

/** Options of `ErrGroup.prototype.go`. */
export interface GoOptions {
  /**
   * The task's deadline, in ms from the `go()` call: a whole number from 0
   * to 2^31 - 1, or `Infinity` (the default) for none.
   */
  timeout?: number;
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
  /**
   * Each item's deadline, in ms from when it was pulled: its mapper gets a
   * signal of its own, which aborts with a `TimeoutError` `DOMException`
   * then (or when the map's does), and the item fails with that error
   * when its mapper ends. A whole number from 0 to 2^31 - 1, or `Infinity`
   * (the default) for none.
   */
  timeout?: number;
}

/** Options of `ErrGroup.mapIterable`. */
export interface MapIterableOptions extends MapOptions {
  /** Yield in input order (the default), or as the mappers end (`false`). */
  ordered?: boolean;
  /** Yield a `PromiseSettledResult` per item, and stop nothing on a failure. */
  settled?: boolean;
}
