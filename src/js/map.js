// ErrGroup.map, mapSettled and mapIterable: one engine over a withSignal
// group. Its tasks are workers: each holds one slot of the group, pulls an
// item, maps it, hands the result on, and pulls again, until the source
// ends or the group stops. So items are pulled only into a free slot, and
// the group's signal, first failure and wait() are the map's. The three
// differ only in where a result goes (an array, or a buffer a consumer
// reads) and whether a failure stops the rest.
import { abortedOf, checkFunction, checkLimit, checkSignal, isObject, reasonOf, typeError } from './checks.js';
import { Deadline } from './deadline.js';
import { ErrGroup, shapes, timeoutOf } from './errgroup.js';

const then = Promise.prototype.then;
/** What a pull, an awaited item or a wait for room gives once the map has stopped. */
const STOPPED = Symbol('stopped');
/** An empty slot of mapIterable's results. */
const EMPTY = Symbol('empty');
const ONCE = Object.freeze({ once: true });
/** Where `for await` looks for an iterator, in order. */
const ITERATORS = /** @type {const} */ ([[Symbol.asyncIterator, true], [Symbol.iterator, false]]);

/**
 * @param {unknown} items
 * @param {unknown} mapper
 * @param {unknown} [options]
 * @returns {Promise<unknown[]>}
 */
export function map(items, mapper, options) {
  // The executor catches what the checks throw: map() only ever rejects.
  return new Promise((resolve, reject) => {
    const mapping = new Mapping('ErrGroup.map', items, mapper, options, false);
    mapping.start();
    then.call(mapping.outcome(), () => resolve(mapping.results), reject);
  });
}

/**
 * @param {unknown} items
 * @param {unknown} mapper
 * @param {unknown} [options]
 * @returns {Promise<PromiseSettledResult<unknown>[]>}
 */
export function mapSettled(items, mapper, options) {
  return new Promise((resolve, reject) => {
    const mapping = new Mapping('ErrGroup.mapSettled', items, mapper, options, true);
    mapping.start();
    // Only the source can fail it; an abort leaves an entry for every item pulled.
    const results = /** @type {PromiseSettledResult<unknown>[]} */ (mapping.results);
    then.call(mapping.group.wait(), () => resolve(results), (error) => {
      if (mapping.parent !== undefined && error === reasonOf.call(mapping.parent)) resolve(results);
      else reject(error);
    });
  });
}

/**
 * @param {unknown} items
 * @param {unknown} mapper
 * @param {unknown} [options]
 * @returns {AsyncGenerator<unknown, undefined, undefined>}
 */
export function mapIterable(items, mapper, options) {
  let ordered = true;
  let settled = false;
  if (isObject(options)) {
    const flags = /** @type {{ ordered?: unknown, settled?: unknown }} */ (options);
    ordered = checkBoolean(flags.ordered, true, 'ErrGroup.mapIterable: options.ordered');
    settled = checkBoolean(flags.settled, false, 'ErrGroup.mapIterable: options.settled');
  }
  const mapping = new Mapping('ErrGroup.mapIterable', items, mapper, options, settled);
  return /** @type {AsyncGenerator<unknown, undefined, undefined>} */ (/** @type {unknown} */ (new Stream(mapping, ordered)));
}

/** Where `await using` looks for an async disposer, as the class's. */
const asyncDispose = Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');
/** A Stream's states: before its first next(), while it yields, and once done, failed or left. */
const NEW = 0;
const OPEN = 1;
const CLOSED = 2;

/**
 * The consumer's side of mapIterable: the async iterator that `for await`
 * reads, with an async generator's methods. Nothing runs before the first
 * `next()`; a result that finds a `next()` waiting settles it at once.
 * Leaving (`return()`, `throw()`, `await using`) stops the workers and
 * settles once they have ended.
 */
class Stream {
  /** @type {Mapping} */
  #mapping;
  #buffer;
  #state = NEW;
  /** Every worker has ended. */
  #ended = false;
  /** @type {{ error: unknown } | null} The failure that ended them, if one did. */
  #failure = null;
  /** @type {Promise<unknown> | null} Settles once they have ended, from the first next() on. */
  #end = null;
  /** @type {Settle[]} The next() calls waiting, as resolve/reject pairs, oldest first. */
  #pending = [];

  /**
   * @param {Mapping} mapping
   * @param {boolean} ordered
   */
  constructor(mapping, ordered) {
    this.#mapping = mapping;
    this.#buffer = mapping.buffer = new Buffer(ordered, () => this.#drain());
  }

  next() {
    if (this.#state === NEW) {
      this.#state = OPEN;
      try {
        this.#mapping.start();
      } catch (error) {
        this.#state = CLOSED;
        return Promise.reject(error);
      }
      this.#end = then.call(this.#mapping.outcome(), () => this.#finish(null), (error) => this.#finish({ error }));
    }
    if (this.#state === CLOSED) return Promise.resolve({ value: undefined, done: true });
    if (this.#pending.length === 0 && this.#buffer.ready()) return Promise.resolve({ value: this.#buffer.take(), done: false });
    return new Promise((resolve, reject) => {
      this.#pending.push(resolve, reject);
      this.#drain();
    });
  }

  /**
   * Awaits `value`, as an async generator's `return()` does.
   * @param {unknown} [value]
   */
  return(value) {
    return this.#leave(() => then.call(Promise.resolve(value), (settled) => ({ value: settled, done: true })));
  }

  /** @param {unknown} error */
  throw(error) {
    return this.#leave(() => { throw error; });
  }

  [Symbol.asyncIterator]() {
    return this;
  }

  /** For `await using`: leaves as `return()` does, and resolves with nothing. */
  [asyncDispose]() {
    return then.call(this.return(), ignore);
  }

  /**
   * Every worker has ended.
   * @param {{ error: unknown } | null} failure
   */
  #finish(failure) {
    this.#ended = true;
    this.#failure = failure;
    this.#drain();
  }

  /** Settles the waiting next() calls that can be: with results, then with the end. */
  #drain() {
    const pending = this.#pending;
    while (pending.length > 0) {
      const ready = this.#state === OPEN && this.#buffer.ready();
      if (!ready && this.#state === OPEN && !this.#ended) return;
      const resolve = /** @type {Settle} */ (pending.shift());
      const reject = /** @type {Settle} */ (pending.shift());
      if (ready) {
        resolve({ value: this.#buffer.take(), done: false });
        continue;
      }
      const failure = this.#state === OPEN ? this.#failure : null;
      this.#state = CLOSED;
      if (failure === null) resolve({ value: undefined, done: true });
      else reject(failure.error);
    }
  }

  /**
   * return() and throw(): stops the workers unless they ended, and settles
   * with `finish` once they have.
   * @param {() => unknown} finish
   * @returns {Promise<unknown>}
   */
  #leave(finish) {
    this.#state = CLOSED;
    this.#drain();
    const end = this.#end;
    if (end === null) return new Promise((resolve) => resolve(finish()));
    if (!this.#ended) {
      this.#mapping.group.abort(new DOMException('wasm-errgroup: the loop over mapIterable() was left', 'AbortError'));
    }
    return then.call(end, finish);
  }
}

/** One map call: its source, its group, and what its workers share. */
class Mapping {
  /** @type {(item: unknown, index: number, signal: AbortSignal) => unknown} */
  #mapper;
  /** For error messages: `ErrGroup.map`, say. */
  #name;
  /** @type {unknown} The iterable, until start() takes its iterator. */
  #items;
  #limit;
  /** Each item's deadline in ms; Infinity for none. */
  #timeout;
  /** A failure is an entry of the results, not the map's end. */
  #settled;
  /** @type {object} The source, once started. */
  #iterator = this;
  /** @type {Function} Its `next`. */
  #next = ignore;
  /** Whether it is an async iterator: each `next()` is awaited. */
  #async = false;
  /** The index of the next item pulled. */
  #index = 0;
  /** No item will be pulled any more: the source said done, or was closed. */
  #ended = false;
  /** The source is in a `next()` of ours: a stop closes it once that returns. */
  #inNext = false;
  /** @type {Set<Waiter> | null} The workers that have waited, once a stop must let them go. */
  #waiters = null;
  /** @type {AbortSignal} The group's, once started. */
  #signal = /** @type {any} */ (null);
  /** What the group runs: one worker. */
  #worker = () => this.#work();
  /** @type {AbortSignal | undefined} options.signal. */
  parent;
  /** @type {Buffer | null} mapIterable's results, which also bound how far ahead items are pulled. */
  buffer = null;
  /** @type {unknown[]} map's and mapSettled's results, by index. */
  results = [];
  /** @type {ErrGroup} Made by start(), listening to the parent from then on. */
  group = /** @type {any} */ (null);

  /**
   * @param {string} name
   * @param {unknown} items
   * @param {unknown} mapper
   * @param {unknown} options
   * @param {boolean} settled
   */
  constructor(name, items, mapper, options, settled) {
    this.#mapper = /** @type {(item: unknown, index: number, signal: AbortSignal) => unknown} */ (checkFunction(mapper, `${name}: mapper`));
    let limit = Infinity;
    let timeout = Infinity;
    /** @type {AbortSignal | undefined} */
    let parent;
    if (options !== undefined && options !== null) {
      timeout = timeoutOf(options, name);
      const { limit: n, signal } = /** @type {{ limit?: unknown, signal?: unknown }} */ (options);
      if (n !== undefined) limit = checkLimit(n, 1, `${name}: options.limit`);
      parent = checkSignal(signal, `${name}: options.signal`);
    }
    // Checked now, called at start(): nothing runs before the map starts.
    if (!isIterable(items)) throw typeError(`${name}: items must be an iterable or an async iterable, got `, items);
    this.#name = name;
    this.#items = items;
    this.#limit = limit;
    this.#timeout = timeout;
    this.#settled = settled;
    this.parent = parent;
  }

  /** Gets the source's iterator, makes the group and starts the first worker. */
  start() {
    // Whatever user code this runs (the iterator's method and getters)
    // runs before the group listens to the parent.
    [this.#iterator, this.#next, this.#async] = iterate(this.#items, this.#name);
    this.#items = undefined;
    const closable = typeof (/** @type {{ return?: unknown }} */ (this.#iterator).return) === 'function';
    this.group = ErrGroup.withSignal(this.parent);
    this.group.setLimit(this.#limit);
    this.#signal = this.group.signal;
    // A source that can be closed is closed at once when the map stops.
    if (closable) this.#listen();
    this.group.tryGo(this.#worker);
  }

  /**
   * Settles once every worker has ended: resolves if every item was
   * mapped, else rejects with the first failure, or the parent's reason
   * (an aborted map rejects with it even when every item was mapped: the
   * caller asked to stop).
   */
  outcome() {
    const parent = this.parent;
    return then.call(this.group.wait(), () => {
      if (parent !== undefined && abortedOf.call(parent)) throw reasonOf.call(parent);
    });
  }

  /** One worker: pulls and maps items in its slot until there are none. */
  async #work() {
    const signal = this.#signal;
    /** @type {Waiter | null} Made at the first wait: a sync source of plain items needs none. */
    let waiter = null;
    let first = true;
    try {
      while (!this.#ended && !abortedOf.call(signal)) {
        const buffer = this.buffer;
        if (buffer !== null && this.#index - buffer.consumed >= this.#limit) {
          // A slow consumer: at most `limit` items pulled and not yet read.
          waiter = this.#watch(waiter);
          buffer.full.push(waiter);
          if ((await waiter.sleep()) === STOPPED) return;
          continue;
        }
        const index = this.#index++;
        let result = this.#pull();
        if (this.#async) result = await (waiter = this.#watch(waiter)).wait(result);
        if (result === STOPPED || abortedOf.call(signal)) return;
        if (!isObject(result)) throw typeError(`${this.#name}: the iterator returned a non-object result: `, result);
        const step = /** @type {{ done?: unknown, value?: unknown }} */ (result);
        if (step.done) {
          this.#ended = true;
          buffer?.end();
          return;
        }
        let item = step.value;
        // The next worker pulls once this one has its item.
        if (first) {
          first = false;
          this.group.tryGo(this.#worker);
        }
        let failed = false;
        let value;
        // The item's deadline counts from now, its pull: a promise item
        // that outlives it fails with its TimeoutError, unmapped.
        const deadline = this.#timeout === Infinity ? null
          : new Deadline(null, this.#timeout, signal, () => waiter?.fail(/** @type {Deadline} */ (deadline).reason));
        try {
          // Like p-map, a promise item is awaited in its slot; a rejected
          // one is the item's failure.
          if (isObject(item)) {
            item = await (waiter = this.#watch(waiter)).wait(item);
            if (item === STOPPED) return this.#unmapped(index, deadline);
          }
          if (abortedOf.call(signal)) return this.#unmapped(index, deadline);
          value = deadline === null ? this.#mapper(item, index, signal)
            : deadline.run((itemSignal) => this.#mapper(item, index, itemSignal));
          if (isObject(value)) value = await value;
        } catch (error) {
          deadline?.release();
          if (!this.#settled) throw error;
          failed = true;
          value = error;
        }
        this.#deliver(index, failed ? { status: 'rejected', reason: value } : this.#settled ? { status: 'fulfilled', value } : value);
      }
    } finally {
      if (waiter !== null) this.#waiters?.delete(waiter);
    }
  }

  /**
   * A worker's waiter (made the first time), which a stop of the map lets go.
   * @param {Waiter | null} waiter
   */
  #watch(waiter) {
    const waiters = this.#waiters ?? this.#listen();
    waiter ??= new Waiter();
    waiters.add(waiter);
    if (abortedOf.call(this.#signal)) waiter.stop();
    return waiter;
  }

  /**
   * @param {number} index
   * @param {unknown} result
   */
  #deliver(index, result) {
    if (this.buffer === null) this.results[index] = result;
    else this.buffer.put(index, result);
  }

  /**
   * An item pulled but never mapped: the map stopped first. mapSettled
   * reports it as rejected with the parent's reason.
   * @param {number} index
   * @param {Deadline | null} deadline its deadline, which will never matter
   */
  #unmapped(index, deadline) {
    deadline?.release();
    if (this.#settled && this.parent !== undefined && abortedOf.call(this.parent)) {
      this.#deliver(index, { status: 'rejected', reason: reasonOf.call(this.parent) });
    }
  }

  /**
   * Calls the source's `next()`. A stop inside it (the source aborted the
   * map's signal, say) could not close the source while it ran: it is
   * closed now.
   * @returns {unknown}
   */
  #pull() {
    this.#inNext = true;
    let result;
    try {
      result = this.#next.call(this.#iterator);
    } finally {
      this.#inNext = false;
    }
    if (abortedOf.call(this.#signal) && !this.#ended) {
      if (this.#async) quiet(result);
      this.#ended = true;
      closeIterator(this.#iterator);
      return STOPPED;
    }
    return result;
  }

  /** Listens to the group's signal: see #stop. */
  #listen() {
    const waiters = (this.#waiters ??= new Set());
    if (abortedOf.call(this.#signal)) this.#stop();
    else this.#signal.addEventListener('abort', () => this.#stop(), ONCE);
    return waiters;
  }

  /**
   * The group's signal aborted (a failure, the parent, leaving the loop,
   * or the group settled): close the source unless it ended, and let
   * whatever awaits a pull, an item or room go. Workers pull nothing more.
   */
  #stop() {
    if (!this.#ended && !this.#inNext) {
      this.#ended = true;
      closeIterator(this.#iterator);
    }
    for (const waiter of /** @type {Set<Waiter>} */ (this.#waiters)) waiter.stop();
  }
}

/**
 * mapIterable's results until the consumer reads them: in input order, or
 * in the order they arrive.
 */
class Buffer {
  #ordered;
  /**
   * By index if ordered, else by arrival, at `key & (length - 1)`: the keys
   * waiting are `consumed` and up, fewer than its length, a power of two.
   * @type {unknown[]}
   */
  #results = new Array(8).fill(EMPTY);
  /** The arrival index of the next result put, when not ordered. */
  #arrived = 0;
  /** Told when a result, or the end, has come. */
  #arrive;
  /** How many results the consumer has read. */
  consumed = 0;
  /** @type {Waiter[]} The workers waiting for room: each read wakes the first, the end wakes all. */
  full = [];

  /**
   * @param {boolean} ordered in input order, or in the order results arrive
   * @param {() => void} arrive told when a result, or the end, has come
   */
  constructor(ordered, arrive) {
    this.#ordered = ordered;
    this.#arrive = arrive;
  }

  /**
   * @param {number} index
   * @param {unknown} result
   */
  put(index, result) {
    const key = this.#ordered ? index : this.#arrived++;
    if (key - this.consumed >= this.#results.length) this.#grow(key);
    const results = this.#results;
    results[key & (results.length - 1)] = result;
    this.#arrive();
  }

  /**
   * Doubles the ring until `key` fits in it.
   * @param {number} key
   */
  #grow(key) {
    const old = this.#results;
    let length = old.length * 2;
    while (key - this.consumed >= length) length *= 2;
    const results = new Array(length).fill(EMPTY);
    for (let at = this.consumed; at < this.consumed + old.length; at++) results[at & (length - 1)] = old[at & (old.length - 1)];
    this.#results = results;
  }

  /** The source ended: the workers waiting for room have nothing left to pull. */
  end() {
    const full = this.full;
    this.full = [];
    for (const waiter of full) waiter.wake();
    this.#arrive();
  }

  /** Whether the consumer's next result is here. */
  ready() {
    return this.#results[this.consumed & (this.#results.length - 1)] !== EMPTY;
  }

  /** The consumer's next result: a worker waiting for room may pull again. */
  take() {
    const results = this.#results;
    const at = this.consumed++ & (results.length - 1);
    const result = results[at];
    results[at] = EMPTY;
    this.full.shift()?.wake();
    return result;
  }
}

/** @typedef {(value?: unknown) => void} Settle */

/**
 * How a worker awaits: like `await`, but a stop of the map lets it go at
 * once, with STOPPED. One per worker, for one wait at a time, with no
 * closure made per wait.
 */
class Waiter {
  /** @type {Settle | null} The resolve of the wait going on. */
  #resolve = null;
  /** @type {Settle | null} Its reject. */
  #reject = null;
  /** The map stopped: every wait from now on gives STOPPED at once. */
  #stopped = false;
  #capture = (/** @type {Settle} */ resolve, /** @type {Settle} */ reject) => {
    this.#resolve = resolve;
    this.#reject = reject;
  };
  #fulfilled = (/** @type {unknown} */ value) => this.#settle(this.#resolve, value);
  #rejected = (/** @type {unknown} */ error) => this.#settle(this.#reject, error);

  /**
   * What `value` settles with (a rejection rejects), or STOPPED.
   * @param {unknown} value
   */
  wait(value) {
    if (this.#stopped) {
      quiet(value);
      return Promise.resolve(STOPPED);
    }
    const promise = this.sleep();
    try {
      then.call(Promise.resolve(value), this.#fulfilled, this.#rejected);
    } catch (error) {
      this.#rejected(error);
    }
    return promise;
  }

  /** Settles once woken (undefined), or STOPPED. */
  sleep() {
    return this.#stopped ? Promise.resolve(STOPPED) : new Promise(this.#capture);
  }

  wake() {
    this.#fulfilled(undefined);
  }

  /**
   * Rejects the wait going on, if one is: an item's deadline passed.
   * @param {unknown} error
   */
  fail(error) {
    this.#rejected(error);
  }

  stop() {
    this.#stopped = true;
    this.#fulfilled(STOPPED);
  }

  /**
   * @param {Settle | null} settle
   * @param {unknown} value
   */
  #settle(settle, value) {
    if (settle === null) return; // settled already: a stop came first
    this.#resolve = this.#reject = null;
    settle(value);
  }
}

// One of each kept alive, for their hidden classes: see `shapes`.
shapes.push(new Mapping('', [], ignore, undefined, false), new Buffer(true, ignore), new Waiter());

/**
 * @param {unknown} value
 * @param {boolean} otherwise when `value` is undefined
 * @param {string} what
 */
function checkBoolean(value, otherwise, what) {
  if (value === undefined) return otherwise;
  if (typeof value !== 'boolean') throw typeError(`${what} must be a boolean, got `, value);
  return value;
}

/**
 * Whether `items` has an iterator method, as `for await` looks for them.
 * @param {unknown} items
 */
function isIterable(items) {
  if (items === null || items === undefined) return false;
  for (const [symbol] of ITERATORS) {
    const method = /** @type {any} */ (items)[symbol];
    if (method !== undefined && method !== null) return typeof method === 'function';
  }
  return false;
}

/**
 * The iterator of `items` and its `next`, async first, as `for await`
 * takes them.
 * @param {unknown} items
 * @param {string} name
 * @returns {[object, Function, boolean]}
 */
function iterate(items, name) {
  if (items !== null && items !== undefined) {
    for (const [symbol, async] of ITERATORS) {
      const method = /** @type {any} */ (items)[symbol];
      if (method === undefined || method === null) continue;
      if (typeof method !== 'function') break;
      const iterator = method.call(items);
      if (!isObject(iterator)) throw typeError(`${name}: the iterator is not an object: `, iterator);
      const next = /** @type {{ next?: unknown }} */ (iterator).next;
      if (typeof next !== 'function') throw typeError(`${name}: the iterator has no next() method: `, next);
      return [iterator, next, async];
    }
  }
  throw typeError(`${name}: items must be an iterable or an async iterable, got `, items);
}

/**
 * Calls `iterator.return()`, as `for...of` does on `break`, ignoring what
 * it throws or rejects with: the failure or abort that stopped the map is
 * its outcome.
 * @param {object} iterator
 */
function closeIterator(iterator) {
  try {
    const method = /** @type {{ return?: unknown }} */ (iterator).return;
    if (typeof method === 'function') quiet(method.call(iterator));
  } catch {
    // Not the map's outcome.
  }
}

/**
 * Handles a rejection of `value`, a promise nobody awaits any more.
 * @param {unknown} value
 */
function quiet(value) {
  try {
    if (isObject(value)) then.call(Promise.resolve(value), undefined, ignore);
  } catch {
    // Its `then` threw: nothing is pending.
  }
}

function ignore() {}
