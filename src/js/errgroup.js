// ErrGroup: Go's errgroup for JavaScript, a thin JS shell over the Rust
// core (src/state.rs), which the WebAssembly module exports as calls on
// numbers (src/js/mod.rs).
//
// The core counts and decides: whether a task starts, waits for a slot or
// is skipped, which failure is the first, when the signal aborts, when the
// group is idle, and what wait() reports. This file keeps the JS values
// those decisions are about (the tasks waiting for a slot, the first error,
// the signal, the promises handed out) and does what the core answers.
//
// Three rules hold everywhere below:
// - A busy group has a core in the WebAssembly instance; an idle group
//   closes it and keeps only the number the core hands back, so a settled
//   group holds no wasm memory, no closure and no promise of its own.
// - Whatever can throw (a user value, an allocation, a full stack) runs
//   before the core is told, and only stores and built-ins run after it,
//   so a throw never leaves the core counting a task this file dropped.
// - The instance is shared by every group in the page. If it ever traps,
//   every pending promise of every group rejects, and every later call
//   throws, instead of anything hanging.

import { map } from './map.js';

// The core's answers; src/js/mod.rs documents the same numbers.
const ADMIT_START = 0; // go(): the task holds a slot
const ADMIT_QUEUED = 1; // go(): the task waits for a slot
const ADMIT_SKIP = 2; // go(): the signal has aborted
const ADMIT_CLOSED = 3; // go(): a withSignal group whose wait() settled
const NEXT_START = 0; // next(): the queue's head holds a slot now
const NEXT_SKIP = 1; // next(): the queue's head is skipped
const NEXT_BUSY = 2; // next(): nothing to do until a task ends
const NEXT_STUCK = 3; // next(): tasks wait behind a limit of 0, none runs
const NEXT_SETTLE = 4; // next(): abort the signal (settled), ask again
const NEXT_IDLE_DONE = 8; // next(): idle, and wait() resolves
const NEXT_IDLE_FAILED = 9; // next(): idle, and wait() rejects with the first failure
const NEXT_IDLE_SKIPPED = 10; // next(): idle, and wait() rejects with the parent's reason
const ENDED_FIRST_FAILURE = 1; // finish(): keep this error
const ENDED_FIRST_FAILURE_ABORTS = 2; // finish(): keep it, abort with it
const INVALID = 7; // any call: the handle names no core
// The state of a new group: what an idle group keeps between its cores.
const NEW_ZERO_GROUP = 0;
const NEW_GROUP_WITH_SIGNAL = 1;

/** The raw exports of the WebAssembly instance, from install(). */
let wasm = null;
/** Once the instance has trapped: the Error every later call throws. */
let crashed = null;
/** Everything with promises a trap must settle: busy groups, map runs. */
const live = new Set();

const then = Promise.prototype.then;
/** A promise every group shares, never handed out. */
const resolved = Promise.resolve();
const abortedOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted').get;
const reasonOf = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'reason').get;
let neverAborts = null;
/**
 * The reason a withSignal group's signal aborts with once its wait()
 * settles: one for all groups, made here, so that its stack trace holds no
 * group (an error made in a method would keep that method's `this` alive).
 */
const settledReason = Object.freeze(new DOMException('wasm-errgroup: the group has settled', 'AbortError'));
/** `#crash` and the private calls `map.js` makes, set by ErrGroup's static block. */
let crashGroup;
/** @internal */
export let groupInternals;

/**
 * Hands this module the raw exports of the WebAssembly instance. The
 * package's entry calls it once; tests call it with their own instance.
 */
export function install(exports) {
  wasm = exports;
}

export class ErrGroup {
  /** Handle of the group's core while the group is busy; 0 while idle. */
  #core = 0;
  /** While idle: the state the core handed back when it closed. */
  #state = NEW_ZERO_GROUP;
  /** As the user set it; the core gets it whenever it opens. */
  #limit = Infinity;
  /** The first failure, once the core says there is one. */
  #error = undefined;
  /** withSignal groups: aborted on a failure, the parent's abort, settle. */
  #controller = null;
  /** What every task is called with. */
  #signal;
  /** withSignal(parent): `{ signal, listener }` while it listens. */
  #parent = null;
  /** What admits each task waiting for a slot, oldest first. */
  #queue = null;
  /** Pending wait() promises: resolve, reject, resolve, reject... */
  #waiters = null;
  /** What settles a task that returned a thenable; made at the first. */
  #fulfilled = null;
  #rejected = null;
  /** The map run this group serves, told when a slot frees or it aborts. */
  #run = null;
  /** Tasks wait behind a limit of 0 and none runs; see #stuck(). */
  #stuck = false;
  #disposed = false;

  /**
   * Creates Go's zero group: no limit, a failure aborts nothing (every
   * queued task still runs), and `signal` never aborts.
   */
  constructor() {
    this.#signal = neverAborts ??= new AbortController().signal;
  }

  /**
   * Creates a group whose `signal` aborts the first time a task fails
   * (reason: the failure value), `parent` aborts (reason: the parent's), or
   * `wait()` settles (reason: an `AbortError`).
   */
  static withSignal(parent) {
    if (parent !== undefined && parent !== null && !isAbortSignal(parent)) {
      throw typeError('ErrGroup.withSignal: parent must be an AbortSignal, undefined or null, got ', parent);
    }
    const group = new ErrGroup();
    group.#state = NEW_GROUP_WITH_SIGNAL;
    group.#controller = new AbortController();
    group.#signal = group.#controller.signal;
    if (parent !== undefined && parent !== null) {
      if (abortedOf.call(parent)) {
        group.#parentAborted(reasonOf.call(parent));
      } else {
        const listener = () => group.#parentAborted(reasonOf.call(parent));
        parent.addEventListener('abort', listener);
        group.#parent = { signal: parent, listener };
      }
    }
    return group;
  }

  /**
   * Queues `task`: it is called with the group's signal on a later
   * microtask, in the async context of this call, once it holds a slot.
   * Returns a promise that resolves when it holds a slot (at once if one
   * is free) or is skipped; it never rejects.
   */
  go(task) {
    if (typeof task !== 'function') throw typeError('ErrGroup.go: task must be a function, got ', task);
    this.#usable('ErrGroup.go');
    // The promise go() returns, and the reaction that calls the task once
    // it is admitted, registered now so that the task runs in this call's
    // async context. Both before the core counts the task: they may throw.
    const admission = deferred();
    const admit = capturedResolve;
    capturedResolve = capturedReject = null;
    if (admit === null) throw stackFull(admission);
    const started = then.call(admission, (admitted) => {
      if (admitted === SKIPPED) return;
      this.#begin(task);
    });
    const queue = this.#limit === Infinity ? this.#queue : (this.#queue ??= new Fifo());
    const core = this.#open();
    let answer;
    try {
      answer = wasm.group_go(core);
    } catch (error) {
      throw this.#unopen(error);
    }
    switch (answer) {
      case ADMIT_START:
        try {
          admit();
        } catch (error) {
          // Resolving runs the engine's promise hooks, which a full stack
          // can fail (Node's async hooks do). Give the slot back: the core
          // is as before the call, which throws.
          wasm.group_finish(core, 0);
          throw this.#unopen(error);
        }
        return started;
      case ADMIT_QUEUED:
        // Only a finite limit queues, and then `queue` is there. A store,
        // not a call: nothing after the core counted the task may throw.
        queue.items[queue.items.length] = admit;
        return started;
      case ADMIT_SKIP:
        admit(SKIPPED);
        this.#pump();
        return started;
      case ADMIT_CLOSED:
        this.#pump();
        throw new Error('ErrGroup.go: the group has settled and its signal has aborted; create a new group for more work');
      default:
        throw broken(answer);
    }
  }

  /**
   * Starts `task` (on a later microtask, like `go`) only if a slot is free
   * now and nothing is queued ahead, and returns true; otherwise returns
   * false and never calls `task`.
   */
  tryGo(task) {
    if (typeof task !== 'function') throw typeError('ErrGroup.tryGo: task must be a function, got ', task);
    this.#usable('ErrGroup.tryGo');
    // As in go(): registered before the core counts the task, and called
    // only if it did.
    let admitted = false;
    then.call(resolved, () => {
      if (admitted) this.#begin(task);
    });
    const core = this.#open();
    let answer;
    try {
      answer = wasm.group_try_go(core);
    } catch (error) {
      throw this.#unopen(error);
    }
    if (answer === 1) {
      admitted = true;
      return true;
    }
    if (answer !== 0) throw broken(answer);
    this.#pump();
    return false;
  }

  /**
   * Limits how many tasks may be active at once: a whole number, `0` to
   * admit nothing until it is raised, or `Infinity` (the default) for none.
   */
  setLimit(n) {
    checkLimit(n, 0, 'ErrGroup.setLimit: the limit');
    this.#usable('ErrGroup.setLimit');
    this.#limit = n;
    if (this.#core === 0) return;
    try {
      wasm.group_set_limit(this.#core, n);
    } catch (error) {
      throw trapped(error);
    }
    if (this.#stuck) {
      this.#stuck = false;
      stuckGroups.unregister(this);
      live.add(this);
    }
    this.#pump();
  }

  /**
   * Returns a promise that settles once no task is active or queued:
   * it rejects with the first failure, or with the parent's reason if the
   * parent's abort skipped work, and resolves otherwise.
   */
  wait() {
    this.#usable('ErrGroup.wait');
    const promise = deferred();
    const resolve = capturedResolve;
    const reject = capturedReject;
    capturedResolve = capturedReject = null;
    if (resolve === null) throw stackFull(promise);
    const waiters = (this.#waiters ??= []);
    waiters.push(resolve, reject);
    const core = this.#open();
    try {
      wasm.group_wait(core);
    } catch (error) {
      waiters.length -= 2;
      throw this.#unopen(error);
    }
    this.#pump();
    return promise;
  }

  /**
   * Maps every item with at most `options.limit` mappers running at once,
   * and resolves with the results in input order (see `map.js`).
   */
  static map(items, mapper, options) {
    return map(items, mapper, options);
  }

  /** The signal every task is called with. */
  get signal() {
    return this.#signal;
  }

  /** How many tasks hold a slot: running, or about to be called. */
  get active() {
    return this.#count(wasm?.group_active);
  }

  /** How many tasks wait for a slot. */
  get queued() {
    return this.#count(wasm?.group_queued);
  }

  /** The limit set by `setLimit`: `Infinity` for none. */
  get limit() {
    return this.#limit;
  }

  /**
   * Disposes the group: later `go`, `tryGo`, `setLimit` and `wait` calls
   * throw. It cancels nothing: running and queued tasks go on and pending
   * `wait()` promises settle as before, except that tasks queued behind a
   * limit of 0, which nothing can raise now, are skipped, and a pending
   * `wait()` then rejects. A second call does nothing.
   */
  free() {
    if (this.#disposed) return;
    this.#disposed = true;
    this.#pump();
  }

  /**
   * The group's core, opened from the state the group kept while idle. A
   * group that cannot get one (1,048,576 are busy) gets a RangeError.
   */
  #open() {
    if (this.#core !== 0) return this.#core;
    let core;
    try {
      core = wasm.group_open(this.#state, this.#limit);
    } catch (error) {
      throw trapped(error);
    }
    if (core === 0) throw new RangeError('wasm-errgroup: 1,048,576 groups are busy at once, and no more can be');
    this.#core = core;
    live.add(this);
    return core;
  }

  /**
   * A call into the core threw `error`. A trap stops everything; a full JS
   * stack stopped the call at its entry, before it did anything: close the
   * core again if it is idle (it was opened for that call), so that the
   * group holds nothing. Returns what to throw.
   */
  #unopen(error) {
    const thrown = trapped(error);
    if (thrown !== error || this.#core === 0) return thrown;
    try {
      if (wasm.group_active(this.#core) === 0 && wasm.group_queued(this.#core) === 0 && !this.#waiters?.length) {
        this.#state = wasm.group_close(this.#core);
        this.#core = 0;
        live.delete(this);
      }
    } catch {
      // The stack is still full: the core stays open for the next call.
    }
    return thrown;
  }

  /** Calls a counting export on the open core; an idle group counts 0. */
  #count(read) {
    if (this.#core === 0 || crashed !== null) return 0;
    try {
      return read(this.#core) >>> 0;
    } catch (error) {
      throw trapped(error);
    }
  }

  #usable(method) {
    if (crashed !== null) throw crashed;
    if (this.#disposed) throw new Error(`${method}: this ErrGroup was disposed`);
  }

  /**
   * Runs a task that holds a slot. It is the reaction go() or tryGo()
   * registered, so it runs in the async context of that call.
   */
  #begin(task) {
    if (crashed !== null) return;
    let begins;
    try {
      begins = wasm.group_begin(this.#core);
    } catch (error) {
      return void trapped(error);
    }
    if (begins !== 1) {
      if (begins !== 0) return void broken(begins);
      this.#pump();
      return;
    }
    let value;
    try {
      value = task(this.#signal);
    } catch (error) {
      this.#end(true, error);
      return;
    }
    if (!isObject(value)) {
      this.#end(false);
      return;
    }
    try {
      // The built-in `then` of a promise `Promise.resolve` adopted: a
      // replaced `then` on the task's promise is never called.
      then.call(Promise.resolve(value),
        this.#fulfilled ??= () => this.#end(false),
        this.#rejected ??= (error) => this.#end(true, error));
    } catch (error) {
      this.#end(true, error);
    }
  }

  /** A task that held a slot ended. */
  #end(failed, error) {
    if (crashed !== null) return;
    let ended;
    try {
      ended = wasm.group_finish(this.#core, failed ? 1 : 0);
    } catch (thrown) {
      return void trapped(thrown);
    }
    if (ended === ENDED_FIRST_FAILURE || ended === ENDED_FIRST_FAILURE_ABORTS) {
      this.#error = error;
      if (ended === ENDED_FIRST_FAILURE_ABORTS) this.#abort(error);
    } else if (ended !== 0) {
      return void broken(ended);
    }
    this.#run?.pull();
    this.#pump();
  }

  /** The parent aborted with `reason`. */
  #parentAborted(reason) {
    if (crashed !== null) return;
    let aborts;
    try {
      aborts = wasm.group_abort(this.#open());
    } catch (error) {
      return void this.#unopen(error);
    }
    if (aborts === 1) this.#abort(reason);
    this.#run?.pull();
    this.#pump();
  }

  /** Aborts the group's signal, which the core has just recorded. */
  #abort(reason) {
    const parent = this.#parent;
    if (parent !== null) {
      this.#parent = null;
      parent.signal.removeEventListener('abort', parent.listener);
    }
    this.#run?.stop();
    // Runs the signal's listeners, which may call back into the group.
    this.#controller.abort(reason);
  }

  /** Does what the core answers until it has nothing to do. */
  #pump() {
    for (;;) {
      const core = this.#core;
      if (core === 0 || crashed !== null) return;
      let next;
      try {
        next = wasm.group_next(core);
      } catch (error) {
        return void trapped(error);
      }
      switch (next) {
        case NEXT_START:
          this.#queue.shift()();
          break;
        case NEXT_SKIP:
          this.#queue.shift()(SKIPPED);
          break;
        case NEXT_BUSY:
          return;
        case NEXT_STUCK:
          this.#stall();
          return;
        case NEXT_SETTLE:
          this.#abort(settledReason);
          break;
        case NEXT_IDLE_DONE:
        case NEXT_IDLE_FAILED:
        case NEXT_IDLE_SKIPPED:
          this.#idle(next);
          return;
        default:
          return void broken(next);
      }
    }
  }

  /** The group is idle: close the core and settle every wait(). */
  #idle(outcome) {
    let state;
    try {
      state = wasm.group_close(this.#core);
    } catch (error) {
      return void trapped(error);
    }
    this.#state = state;
    this.#core = 0;
    live.delete(this);
    const waiters = this.#waiters;
    if (waiters === null) return;
    this.#waiters = null;
    if (outcome === NEXT_IDLE_FAILED) settleAll(waiters, 1, this.#error);
    else if (outcome === NEXT_IDLE_SKIPPED) settleAll(waiters, 1, reasonOf.call(this.#signal));
    else settleAll(waiters, 0, undefined);
  }

  /**
   * Tasks wait behind a limit of 0 and none runs: only setLimit() can
   * start them. A disposed group can never do that, so they are dropped
   * now. Otherwise the group leaves the set of live groups, so that a
   * group nobody can reach any more is collected, and its core freed and
   * its wait() promises rejected then (stuckGroups).
   */
  #stall() {
    if (this.#disposed) {
      this.#drop('disposed');
    } else if (!this.#stuck) {
      this.#stuck = true;
      live.delete(this);
      stuckGroups.register(this, { core: this.#core, waiters: (this.#waiters ??= []) }, this);
    }
  }

  /** Skips every queued task, rejects every wait(), and closes the core. */
  #drop(how) {
    if (this.#stuck) {
      this.#stuck = false;
      stuckGroups.unregister(this);
    }
    try {
      wasm.group_close(this.#core);
    } catch (error) {
      return void trapped(error);
    }
    this.#core = 0;
    live.delete(this);
    const queue = this.#queue;
    while (queue !== null && queue.length > 0) queue.shift()(SKIPPED);
    const waiters = this.#waiters;
    this.#waiters = null;
    if (waiters !== null) settleAll(waiters, 1, new Error(`wasm-errgroup: the group was ${how} while tasks it can never start were queued`));
  }

  /** The instance trapped: skip every queued task, reject every wait(). */
  static #crash(group, error) {
    group.#core = 0;
    const queue = group.#queue;
    while (queue !== null && queue.length > 0) queue.shift()(SKIPPED);
    const waiters = group.#waiters;
    group.#waiters = null;
    if (waiters !== null) settleAll(waiters, 1, error);
  }

  static {
    crashGroup = ErrGroup.#crash;
    groupInternals = {
      withSignal: (parent, limit, run) => {
        const group = ErrGroup.withSignal(parent);
        group.#usable('ErrGroup.map');
        group.#limit = limit;
        group.#run = run;
        return group;
      },
      // After a trap these answer false or do nothing: the trap rejected
      // the map's promise, and they may run in a reaction, where a throw
      // would only become an unhandled rejection.
      take(group) {
        if (crashed !== null) return false;
        try {
          return wasm.group_try_go(group.#open()) === 1;
        } catch (error) {
          return void group.#unopen(error);
        }
      },
      begin(group) {
        if (crashed !== null) return false;
        let begins;
        try {
          begins = wasm.group_begin(group.#core);
        } catch (error) {
          return void trapped(error);
        }
        if (begins === 1) return true;
        group.#pump();
        return false;
      },
      end: (group, failed, error) => group.#end(failed, error),
      whenIdle(group, resolve, reject) {
        if (crashed !== null) return;
        group.#waiters = [resolve, reject];
        try {
          wasm.group_wait(group.#open());
        } catch (error) {
          return void group.#unopen(error);
        }
        group.#pump();
      },
    };
  }
}

if (typeof Symbol.dispose === 'symbol') {
  Object.defineProperty(ErrGroup.prototype, Symbol.dispose, {
    value: ErrGroup.prototype.free, writable: true, configurable: true,
  });
}

/**
 * The functions that settle the promise just made: one executor for every
 * promise, so that making one costs no closure. A task's `resolve` admits
 * it: called with nothing once the task holds a slot, or with SKIPPED.
 */
let capturedResolve = null;
let capturedReject = null;
const captureResolve = (resolve, reject) => {
  capturedResolve = resolve;
  capturedReject = reject;
};
const withResolvers = Promise.withResolvers;

/**
 * A new promise; its resolve and reject in capturedResolve and
 * capturedReject. With Promise.withResolvers no executor runs, so a full
 * stack throws here rather than leave a rejected promise behind (engines
 * without it: Node 20).
 */
function deferred() {
  if (withResolvers !== undefined) {
    const { promise, resolve, reject } = withResolvers.call(Promise);
    capturedResolve = resolve;
    capturedReject = reject;
    return promise;
  }
  return new Promise(captureResolve);
}
const SKIPPED = Symbol('skipped');

/** A FIFO queue: an array and the index of its head. */
class Fifo {
  constructor() {
    this.items = [];
    this.head = 0;
  }

  get length() {
    return this.items.length - this.head;
  }

  shift() {
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.items.length) {
      this.items.length = 0;
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
}

/**
 * Groups stuck behind a limit of 0 that nobody can reach any more: free
 * their core and reject their pending wait() promises.
 */
const stuckGroups = new FinalizationRegistry(({ core, waiters }) => {
  if (crashed !== null) return;
  try {
    wasm.group_close(core);
  } catch (error) {
    return void trapped(error);
  }
  settleAll(waiters, 1, new Error('wasm-errgroup: the group was dropped while tasks it can never start were queued'));
});

/**
 * The executor of `promise` could not run: the JS stack is full. The
 * promise rejected with the RangeError that says so; handle it, so that it
 * is not reported as unhandled, and throw that error instead.
 */
function stackFull(promise) {
  try {
    then.call(promise, undefined, ignore);
  } catch (error) {
    return error;
  }
  return new RangeError('Maximum call stack size exceeded');
}

function ignore() {}

/** Calls `resolve` (0) or `reject` (1) of every pair with `value`. */
function settleAll(waiters, which, value) {
  for (let i = which; i < waiters.length; i += 2) waiters[i](value);
}

/** Registers what a trap must settle; see `live`. */
export function track(run) {
  live.add(run);
}

export function untrack(run) {
  live.delete(run);
}

/**
 * What a call into the instance threw. A trap (WebAssembly.RuntimeError)
 * means the instance can no longer be trusted: every pending promise of
 * every group rejects, and every later call throws. Anything else is a full
 * JS stack at the call's entry (a RangeError, or SpiderMonkey's
 * InternalError): the core never ran, nothing changed, and the caller gets
 * it.
 */
export function trapped(error) {
  if (!(error instanceof WebAssembly.RuntimeError) && !(error instanceof Broken)) return error;
  if (crashed === null) {
    crashed = new Error(`wasm-errgroup: the WebAssembly instance trapped (${error}); every group in it has stopped`, { cause: error });
    const holders = [...live];
    live.clear();
    for (const holder of holders) {
      if (holder instanceof ErrGroup) crashGroup(holder, crashed);
      else holder.crash(crashed);
    }
  }
  return crashed;
}

/** An answer the core never gives: a bug here or there, as bad as a trap. */
class Broken extends Error {}

function broken(answer) {
  return trapped(new Broken(`the core answered ${answer === INVALID ? 'that the handle names no core' : answer}`));
}

export function isObject(value) {
  return value !== null && (typeof value === 'object' || typeof value === 'function');
}

/**
 * Whether `value` is an AbortSignal, of this realm or another (an
 * iframe's): the `aborted` getter checks, and throws for anything else,
 * including a Proxy of one in browsers, whose methods would throw later.
 */
export function isAbortSignal(value) {
  try {
    abortedOf.call(value);
    return true;
  } catch {
    return false;
  }
}

export { abortedOf, reasonOf, resolved, then };

/**
 * The one rule for limits: a whole number from `min` up, or `Infinity`.
 * A non-number is a TypeError; NaN, a fraction or less than `min` a RangeError.
 */
export function checkLimit(n, min, what) {
  if (typeof n !== 'number') {
    throw typeError(`${what} must be a number (a whole number from ${min} up, or Infinity), got `, n);
  }
  if (!(n >= min) || (n !== Infinity && !Number.isInteger(n))) {
    throw rangeError(`${what} must be a whole number from ${min} up, or Infinity, got `, n);
  }
}

/** A short description of a value for an error message; runs no user code. */
function describe(value) {
  if (value === null) return 'null';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? value.slice(0, 40) + '…' : value)}`;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value);
  return typeof value;
}

export function typeError(message, value) {
  return new TypeError(message + describe(value));
}

export function rangeError(message, value) {
  return new RangeError(message + describe(value));
}
