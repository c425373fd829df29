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
  mapping.buffer = new Buffer(ordered);
  return stream(mapping);
}

/**
 * The consumer's side of mapIterable: it starts the workers at the first
 * `next()`, and leaving the loop early stops them and waits for them.
 * @param {Mapping} mapping
 */
async function* stream(mapping) {
  const buffer = /** @type {Buffer} */ (mapping.buffer);
  mapping.start();
  // Once every worker has ended: whether a failure or an abort ended them.
  let ended = false;
  let failed = false;
  let failure = /** @type {unknown} */ (undefined);
  then.call(mapping.outcome(), () => {
    ended = true;
    buffer.arrive();
  }, (error) => {
    ended = failed = true;
    failure = error;
    buffer.arrive();
  });
  try {
    for (;;) {
      if (buffer.ready()) {
        yield buffer.take();
      } else if (ended) {
        if (failed) throw failure;
        return undefined;
      } else {
        await buffer.arrival();
      }
    }
  } finally {
    if (!ended) {
      // Left early (break, return, a throw in the loop body): stop the
      // workers and wait for the mappers still running.
      mapping.group.abort(new DOMException('wasm-errgroup: the loop over mapIterable() was left', 'AbortError'));
      while (!ended) await buffer.arrival();
    }
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
  /** @type {Map<number, unknown>} By index if ordered, else by arrival. */
  #results = new Map();
  /** The arrival index of the next result put, when not ordered. */
  #arrived = 0;
  /** @type {(() => void) | null} The consumer, waiting for a result. */
  #waiting = null;
  /** How many results the consumer has read. */
  consumed = 0;
  /** @type {Waiter[]} The workers waiting for room: each read wakes the first, the end wakes all. */
  full = [];

  /** @param {boolean} ordered in input order, or in the order results arrive */
  constructor(ordered) {
    this.#ordered = ordered;
  }

  /**
   * @param {number} index
   * @param {unknown} result
   */
  put(index, result) {
    this.#results.set(this.#ordered ? index : this.#arrived++, result);
    this.arrive();
  }

  /** The source ended: the workers waiting for room have nothing left to pull. */
  end() {
    const full = this.full;
    this.full = [];
    for (const waiter of full) waiter.wake();
    this.arrive();
  }

  /** Wakes the consumer: a result, or the end, has come. */
  arrive() {
    const waiting = this.#waiting;
    this.#waiting = null;
    waiting?.();
  }

  /** Whether the consumer's next result is here. */
  ready() {
    return this.#results.has(this.consumed);
  }

  /** The consumer's next result: a worker waiting for room may pull again. */
  take() {
    const result = this.#results.get(this.consumed);
    this.#results.delete(this.consumed++);
    this.full.shift()?.wake();
    return result;
  }

  /** Settles once a result or the end arrives. */
  arrival() {
    return new Promise((resolve) => { this.#waiting = /** @type {() => void} */ (resolve); });
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
shapes.push(new Mapping('', [], ignore, undefined, false), new Buffer(true), new Waiter());

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
