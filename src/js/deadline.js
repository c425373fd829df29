// Deadline: the signal of one task given a `timeout`. It aborts with a
// TimeoutError `timeout` ms after the task was submitted (its go() call, or
// its item pulled), or with the group's reason when the group's signal
// aborts, whichever comes first. Tasks without a timeout have none: they
// share the group's signal, with no timer and no listener.
import { abortedOf, checkLimit, isObject, reasonOf } from './checks.js';

const then = Promise.prototype.then;

/** The longest delay setTimeout keeps: 2^31 - 1 ms, about 24.8 days. */
const LONGEST = 2 ** 31 - 1;

/**
 * A timeout option: a number of ms from 0 up, at most 2^31 - 1, or
 * `Infinity` for none; `undefined` for none too.
 * @param {unknown} timeout
 * @param {string} what
 * @returns {number}
 */
export function checkTimeout(timeout, what) {
  if (timeout === undefined) return Infinity;
  checkLimit(timeout, 0, what);
  if (timeout !== Infinity && /** @type {number} */ (timeout) > LONGEST) {
    throw new RangeError(`${what} must be at most ${LONGEST} ms (or Infinity), got ${timeout}`);
  }
  return /** @type {number} */ (timeout);
}

/**
 * The deadlines that follow each group signal, and its one listener: a
 * group with many timed tasks adds one listener, not one a task (Node
 * warns past 10 on one signal).
 * @type {WeakMap<AbortSignal, { deadlines: Set<Deadline>, listener: () => void }>}
 */
const followers = new WeakMap();

export class Deadline {
  /** @type {((signal: AbortSignal) => unknown) | null} */
  #task;
  /** @type {AbortController} */
  #controller;
  /** @type {AbortSignal | null} The group's signal, while this follows it. */
  #parent = null;
  /** @type {ReturnType<typeof setTimeout>} */
  #timer;

  /**
   * @param {((signal: AbortSignal) => unknown) | null} task called with this deadline's signal by run(), unless run() is given one
   * @param {number} timeout ms, finite
   * @param {AbortSignal | null} parent the group's signal, if it can abort
   * @param {((deadline: Deadline) => void) | null} expired told when the deadline passes, before the signal aborts
   */
  constructor(task, timeout, parent, expired) {
    this.#task = task;
    const controller = this.#controller = new AbortController();
    /** @type {DOMException | undefined} The TimeoutError, once the deadline passed. */
    this.reason = undefined;
    /** Its group keeps it in the queue: see ErrGroup#expire. */
    this.queued = false;
    if (parent !== null) {
      if (abortedOf.call(parent)) {
        controller.abort(reasonOf.call(parent));
      } else {
        this.#parent = parent;
        let followed = followers.get(parent);
        if (followed === undefined) {
          /** @type {{ deadlines: Set<Deadline>, listener: () => void }} */
          const relay = { deadlines: new Set(), listener: () => Deadline.#aborted(parent, relay) };
          followed = relay;
          followers.set(parent, followed);
          parent.addEventListener('abort', followed.listener);
        }
        followed.deadlines.add(this);
      }
    }
    this.#timer = setTimeout(() => {
      this.reason = new DOMException(`wasm-errgroup: the task's deadline of ${timeout} ms passed`, 'TimeoutError');
      expired?.(this);
      controller.abort(this.reason);
    }, timeout);
  }

  /**
   * Calls the task (the one given, or the constructor's) with this
   * deadline's signal, unless the deadline has passed, and returns what it
   * returns; fails with the TimeoutError, whatever the task did, if the
   * deadline passes before it ends. Released once the task ended.
   */
  run(task = /** @type {(signal: AbortSignal) => unknown} */ (this.#task)) {
    if (this.reason !== undefined) {
      this.release();
      throw this.reason;
    }
    try {
      const value = task(this.#controller.signal);
      if (isObject(value)) {
        return then.call(Promise.resolve(value), (result) => this.#ended(result), (error) => this.#ended(error, true));
      }
      return this.#ended(value);
    } catch (error) {
      return this.#ended(error, true);
    }
  }

  /**
   * @param {unknown} value
   * @param {boolean} [failed]
   */
  #ended(value, failed = false) {
    this.release();
    if (this.reason !== undefined) throw this.reason;
    if (failed) throw value;
    return value;
  }

  /** The task ended, or will never start: no timer, and its group's signal not followed. */
  release() {
    clearTimeout(this.#timer);
    const parent = this.#parent;
    if (parent === null) return;
    this.#parent = null;
    const followed = followers.get(parent);
    if (followed === undefined) return;
    followed.deadlines.delete(this);
    if (followed.deadlines.size === 0) {
      followers.delete(parent);
      parent.removeEventListener('abort', followed.listener);
    }
  }

  /**
   * A group's signal aborted: each deadline following it aborts with its
   * reason. A listener of a task's signal that throws is reported as
   * uncaught, as a browser reports a listener's, and the rest go on.
   * @param {AbortSignal} parent
   * @param {{ deadlines: Set<Deadline>, listener: () => void }} followed
   */
  static #aborted(parent, followed) {
    followers.delete(parent);
    parent.removeEventListener('abort', followed.listener);
    const reason = reasonOf.call(parent);
    const deadlines = [...followed.deadlines];
    followed.deadlines.clear();
    for (const deadline of deadlines) {
      deadline.#parent = null;
      try {
        deadline.#controller.abort(reason);
      } catch (error) {
        queueMicrotask(() => { throw error; });
      }
    }
  }
}
