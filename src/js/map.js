// ErrGroup.map: one engine over a withSignal group. Its tasks are
// workers: each holds one slot of the group, pulls an item, maps it, and
// pulls again, until the source ends or the group stops. So items are
// pulled only into a free slot, and the group's signal, first failure and
// wait() are the map's.
import { abortedOf, checkFunction, checkLimit, checkSignal, isObject, reasonOf, typeError } from './checks.js';
import { ErrGroup } from './errgroup.js';

const then = Promise.prototype.then;
/** What a pull or an awaited item gives once the map has stopped. */
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
    const mapping = new Mapping('ErrGroup.map', items, mapper, options);
    mapping.run(() => resolve(mapping.results), reject);
  });
}

/** One map call: its source, its group, and what its workers share. */
class Mapping {
  /**
   * @param {string} name for error messages
   * @param {unknown} items
   * @param {unknown} mapper
   * @param {unknown} options
   */
  constructor(name, items, mapper, options) {
    this.mapper = /** @type {(item: unknown, index: number, signal: AbortSignal) => unknown} */ (checkFunction(mapper, `${name}: mapper`));
    let limit = Infinity;
    /** @type {AbortSignal | undefined} */
    let parent;
    if (options !== undefined && options !== null) {
      if (!isObject(options)) throw typeError(`${name}: options must be an object, got `, options);
      const { limit: n, signal } = /** @type {{ limit?: unknown, signal?: unknown }} */ (options);
      if (n !== undefined) limit = checkLimit(n, 1, `${name}: options.limit`);
      parent = checkSignal(signal, `${name}: options.signal`);
    }
    this.name = name;
    const [iterator, next, async] = iterate(items, name);
    this.iterator = iterator;
    this.next = next;
    this.async = async;
    this.parent = parent;
    /** @type {unknown[]} The results, by index. */
    this.results = [];
    /** The index of the next item pulled. */
    this.index = 0;
    /** No item will be pulled any more: the source said done, or was closed. */
    this.ended = false;
    /** The source is in a `next()` of ours: a stop closes it once that returns. */
    this.inNext = false;
    /** @type {Set<(value: unknown) => void> | null} What awaits a pull or an item, once a stop must let it go. */
    this.awaiting = null;
    this.group = ErrGroup.withSignal(parent);
    this.group.setLimit(limit);
    this.signal = this.group.signal;
    this.work = () => this.#work();
  }

  /**
   * Starts the first worker, and settles once every worker has ended:
   * `resolve` if every item was mapped, else `reject` with the first
   * failure, or the parent's reason.
   * @param {() => void} resolve
   * @param {(error: unknown) => void} reject
   */
  run(resolve, reject) {
    // A source that can be closed is closed at once when the map stops.
    if (typeof (/** @type {{ return?: unknown }} */ (this.iterator).return) === 'function') this.#listen();
    this.group.tryGo(this.work);
    const parent = this.parent;
    then.call(this.group.wait(), () => {
      // An aborted map rejects with the signal's reason, even when every
      // item was mapped: the caller asked to stop.
      if (parent !== undefined && abortedOf.call(parent)) reject(reasonOf.call(parent));
      else resolve();
    }, reject);
  }

  /** One worker: pulls and maps items in its slot until there are none. */
  async #work() {
    const signal = this.signal;
    let first = true;
    while (!this.ended && !abortedOf.call(signal)) {
      const index = this.index++;
      let result = this.#pull();
      if (this.async) result = await this.#settled(result);
      if (result === STOPPED || abortedOf.call(signal)) return;
      if (!isObject(result)) throw typeError(`${this.name}: the iterator returned a non-object result: `, result);
      const step = /** @type {{ done?: unknown, value?: unknown }} */ (result);
      if (step.done) {
        this.ended = true;
        return;
      }
      let item = step.value;
      // The next worker pulls once this one has its item.
      if (first) {
        first = false;
        this.group.tryGo(this.work);
      }
      // Like p-map, a promise item is awaited in its slot; a rejected one
      // fails the map.
      if (isObject(item)) {
        item = await this.#settled(item);
        if (item === STOPPED || abortedOf.call(signal)) return;
      }
      let value = this.mapper(item, index, signal);
      if (isObject(value)) value = await value;
      this.results[index] = value;
    }
  }

  /**
   * Calls the source's `next()`. A stop inside it (the source aborted the
   * map's signal, say) could not close the source while it ran: it is
   * closed now.
   * @returns {unknown}
   */
  #pull() {
    this.inNext = true;
    let result;
    try {
      result = this.next.call(this.iterator);
    } finally {
      this.inNext = false;
    }
    if (abortedOf.call(this.signal) && !this.ended) {
      if (this.async) settle(result);
      closeIterator(this.iterator);
      return STOPPED;
    }
    return result;
  }

  /**
   * What `value` settles with, or STOPPED if the map stops first, so that
   * a `next()` or an item that never settles holds no slot after a stop.
   * @param {unknown} value
   * @returns {Promise<unknown>}
   */
  #settled(value) {
    const awaiting = this.awaiting ?? this.#listen();
    return new Promise((resolve, reject) => {
      awaiting.add(resolve);
      then.call(Promise.resolve(value), (result) => {
        if (awaiting.delete(resolve)) resolve(result);
      }, (error) => {
        if (awaiting.delete(resolve)) reject(error);
      });
    });
  }

  /** Listens to the group's signal: see #stop. */
  #listen() {
    const awaiting = (this.awaiting ??= new Set());
    if (abortedOf.call(this.signal)) this.#stop();
    else this.signal.addEventListener('abort', () => this.#stop(), ONCE);
    return awaiting;
  }

  /**
   * The group's signal aborted (a failure, the parent, or the group
   * settled): close the source unless it ended, and let whatever awaits a
   * pull or an item go. Workers pull nothing more.
   */
  #stop() {
    if (!this.ended && !this.inNext) {
      this.ended = true;
      closeIterator(this.iterator);
    }
    const awaiting = /** @type {Set<(value: unknown) => void>} */ (this.awaiting);
    for (const resolve of awaiting) resolve(STOPPED);
    awaiting.clear();
  }
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
    if (typeof method === 'function') settle(method.call(iterator));
  } catch {
    // Not the map's outcome.
  }
}

/**
 * Handles a rejection of `value`, a promise nobody awaits any more.
 * @param {unknown} value
 */
function settle(value) {
  try {
    if (isObject(value)) then.call(Promise.resolve(value), undefined, ignore);
  } catch {
    // Its `then` threw: nothing is pending.
  }
}

function ignore() {}
