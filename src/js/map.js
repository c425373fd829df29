// ErrGroup.map: p-map's job done by a withSignal group. Items are pulled
// only into a free slot, so at most `limit` are held ahead of the mappers;
// the first failure aborts the signal every running mapper holds.
import {
  abortedOf, checkLimit, groupInternals as group, isAbortSignal, isObject, reasonOf, resolved, then,
  track, typeError, untrack,
} from './errgroup.js';

/**
 * Maps every item of `items` with at most `options.limit` mappers at once,
 * and resolves with the results in input order. See `index.d.ts` for the
 * whole contract.
 */
export function map(items, mapper, options) {
  // The executor catches what the checks throw: map() only ever rejects.
  return new Promise((resolve, reject) => {
    new MapRun(items, mapper, options, resolve, reject).pull();
  });
}

/** One map() call. */
class MapRun {
  constructor(items, mapper, options, resolve, reject) {
    if (typeof mapper !== 'function') throw typeError('ErrGroup.map: mapper must be a function, got ', mapper);
    let limit = Infinity;
    let parent;
    if (options !== undefined && options !== null) {
      if (!isObject(options)) throw typeError('ErrGroup.map: options must be an object, got ', options);
      const { limit: n, signal } = options;
      if (n !== undefined) {
        checkLimit(n, 1, 'ErrGroup.map: options.limit');
        limit = n;
      }
      if (signal !== undefined && signal !== null) {
        if (!isAbortSignal(signal)) throw typeError('ErrGroup.map: options.signal must be an AbortSignal, got ', signal);
        parent = signal;
      }
    }
    const source = iterate(items);
    this.iterator = source.iterator;
    this.next = source.next;
    this.async = source.async;
    this.mapper = mapper;
    this.parent = parent;
    this.results = [];
    this.index = 0;
    /** An async `next()` is awaited; its result goes into the slot it holds. */
    this.pulling = false;
    /** No more items will be pulled: the source ended, or the group aborted. */
    this.done = false;
    /** The group aborted: nothing more is awaited but running mappers. */
    this.stopped = false;
    /** `next()` is running: an abort inside it closes the iterator once it returns. */
    this.inNext = false;
    /** @type {Set<object> | null} Promise items being awaited, each in the slot it was pulled into. */
    this.awaited = null;
    /** The map settles once the group is idle; see close(). */
    this.closed = false;
    this.resolve = resolve;
    this.reject = reject;
    this.pulled = null;
    this.pullFailed = null;
    this.group = group.withSignal(parent, limit, this);
    track(this);
    // A parent that had aborted already aborted the group.
    if (abortedOf.call(this.group.signal)) this.stop();
  }

  /**
   * Pulls items while the group has a free slot: each into a slot it takes
   * first. The group calls it again whenever a task ends, and after its
   * signal aborts.
   */
  pull() {
    if (this.done) {
      if (this.inNext) return; // an abort inside next(): see below
      this.close(false);
      if (this.stopped) this.release();
      return;
    }
    while (!this.pulling) {
      if (!group.take(this.group)) return;
      let result;
      let threw = false;
      this.inNext = true;
      try {
        result = this.next.call(this.iterator);
      } catch (error) {
        threw = true;
        result = error;
      }
      this.inNext = false;
      if (this.stopped) {
        // next() aborted the group (its source aborted the map's signal,
        // say): a generator cannot be closed while it runs, so it is now.
        // The group pulls again once the slot is given back: that closes the map.
        if (this.async && !threw) quiet(result);
        group.end(this.group, false);
        return;
      }
      if (threw) {
        group.end(this.group, true, result);
        return;
      }
      if (this.async) {
        this.await(result);
        return;
      }
      if (!this.take(result)) return;
    }
  }

  /** Awaits what an async iterator's `next()` returned. */
  await(result) {
    this.pulling = true;
    try {
      then.call(Promise.resolve(result),
        this.pulled ??= (value) => {
          if (!this.pulling) return; // stopped meanwhile: its slot was given back
          this.pulling = false;
          if (this.take(value)) this.pull();
        },
        this.pullFailed ??= (error) => {
          if (!this.pulling) return;
          this.pulling = false;
          group.end(this.group, true, error);
        });
    } catch (error) {
      // What threw (a `constructor` getter, say) may have aborted the map
      // first, and release() given the slot back already.
      if (!this.pulling) return;
      this.pulling = false;
      group.end(this.group, true, error);
    }
  }

  /**
   * Takes one iterator result into the slot pulled for it. Returns whether
   * to pull on.
   */
  take(result) {
    if (this.done) {
      group.end(this.group, false);
      return false;
    }
    if (!isObject(result)) {
      group.end(this.group, true, typeError('ErrGroup.map: the iterator returned a non-object result: ', result));
      return false;
    }
    let done;
    let value;
    try {
      done = result.done;
      if (!done) value = result.value;
    } catch (error) {
      group.end(this.group, true, error);
      return false;
    }
    if (this.stopped) {
      // A getter of the result aborted the map: its slot goes back too.
      group.end(this.group, false);
      return false;
    }
    if (done) {
      this.done = true;
      this.close(true);
      group.end(this.group, false);
      return false;
    }
    const index = this.index++;
    if (isObject(value)) {
      this.awaitItem(value, index);
      return true;
    }
    try {
      then.call(resolved, () => this.call(value, index));
    } catch (error) {
      group.end(this.group, true, error);
    }
    return true;
  }

  /**
   * Like p-map, an item that is a promise is awaited, in its slot, and a
   * rejected one fails the map as a mapper would. An abort gives the slot
   * back without waiting for it (release()), so each slot ends once: here,
   * or there.
   */
  awaitItem(value, index) {
    const token = {};
    const awaited = (this.awaited ??= new Set());
    awaited.add(token);
    try {
      then.call(Promise.resolve(value), (item) => {
        if (awaited.delete(token)) this.call(item, index);
      }, (error) => {
        if (awaited.delete(token)) group.end(this.group, true, error);
      });
    } catch (error) {
      if (awaited.delete(token)) group.end(this.group, true, error);
    }
  }

  /** Calls the mapper in the slot pulled for `item`, on a later microtask. */
  call(item, index) {
    if (!group.begin(this.group)) return;
    let value;
    try {
      value = this.mapper(item, index, this.group.signal);
    } catch (error) {
      group.end(this.group, true, error);
      return;
    }
    if (!isObject(value)) {
      this.results[index] = value;
      group.end(this.group, false);
      return;
    }
    try {
      then.call(Promise.resolve(value), (result) => {
        this.results[index] = result;
        group.end(this.group, false);
      }, (error) => group.end(this.group, true, error));
    } catch (error) {
      group.end(this.group, true, error);
    }
  }

  /** The group's signal aborted: pull nothing more. */
  stop() {
    this.done = true;
    this.stopped = true;
  }

  /**
   * No item will be pulled any more. Before the source ended (a failure,
   * an abort), close the iterator with `return()`, as `for...of` does on
   * `break`, without awaiting a `next()` it may still be stuck in. Then
   * settle once every running mapper has ended.
   */
  close(exhausted) {
    if (this.closed) return;
    this.closed = true;
    if (!exhausted) closeIterator(this.iterator);
    const parent = this.parent;
    group.whenIdle(this.group, () => {
      untrack(this);
      // An aborted map rejects with the signal's reason, even when
      // nothing was skipped: every result may be there, but the caller
      // asked to stop.
      if (parent !== undefined && abortedOf.call(parent)) this.reject(reasonOf.call(parent));
      else this.resolve(this.results);
    }, (error) => {
      untrack(this);
      this.reject(error);
    });
  }

  /**
   * After an abort: gives back the slots of what is awaited on the way to
   * a mapper, a `next()` and promise items, so that the map settles once
   * the running mappers end. What they settle with later is ignored.
   */
  release() {
    // Counted and forgotten first: each end pulls, which calls this again.
    let slots = this.awaited?.size ?? 0;
    this.awaited?.clear();
    if (this.pulling) {
      this.pulling = false;
      slots++;
    }
    while (slots-- > 0) group.end(this.group, false);
  }

  /** The instance trapped. */
  crash(error) {
    this.reject(error);
  }
}

/** The iterator of `items`, async first, like `for await`. */
function iterate(items) {
  if (items !== null && items !== undefined) {
    for (const { symbol, async } of [{ symbol: Symbol.asyncIterator, async: true }, { symbol: Symbol.iterator, async: false }]) {
      const method = items[symbol];
      if (method === undefined || method === null) continue;
      if (typeof method !== 'function') break;
      const iterator = method.call(items);
      if (!isObject(iterator)) throw typeError('ErrGroup.map: the iterator is not an object: ', iterator);
      const next = iterator.next;
      if (typeof next !== 'function') throw typeError('ErrGroup.map: the iterator has no next() method: ', next);
      return { iterator, next, async };
    }
  }
  throw typeError('ErrGroup.map: items must be an iterable or an async iterable, got ', items);
}

/** Handles a rejection of what a `next()` returned that nobody awaits. */
function quiet(result) {
  try {
    if (isObject(result)) then.call(Promise.resolve(result), undefined, () => {});
  } catch {
    // Its `then` threw: nothing is pending.
  }
}

/** Calls `iterator.return()`, ignoring what it throws or rejects with. */
function closeIterator(iterator) {
  try {
    const method = iterator.return;
    if (typeof method !== 'function') return;
    const result = method.call(iterator);
    if (isObject(result)) then.call(Promise.resolve(result), undefined, () => {});
  } catch {
    // What return() throws is not the map's outcome: the failure or abort
    // that stopped it is.
  }
}
