// ErrGroup: Go's errgroup for JavaScript. The public contract is in
// pkg-templates/index.d.ts; this file says how.
//
// The core (src/state.rs, exported by src/js/mod.rs) decides: whether a
// task is admitted, queued or skipped, which failure is the first, when
// the group stops admitting, when it settles and what wait() reports. It
// is pure functions on numbers: the group hands it its state (#bits,
// #active, how many are queued, #limit) and applies the answer, whose
// layout src/js/protocol.rs defines (protocol.js is generated from it).
// This file keeps the JS values those decisions are about: the tasks, the
// first error, the signal, the promises handed out.
//
// Two rules hold everywhere below:
// - The state changes only by applying an answer, after everything that
//   can throw (a call stopped by a full JS stack) has run: a call that
//   throws leaves the group as it was.
// - User code (a task, an abort listener) runs only after the answer was
//   applied, so a call back into the group sees a consistent state.
import { abortedOf, checkFunction, checkLimit, checkSignal, isObject, reasonOf, typeError } from './checks.js';
import { Deadline, checkTimeout } from './deadline.js';
import {
  ADMIT_CLOSED, ADMIT_NOW, ADMIT_QUEUED, CODE_MASK, CODE_SHIFT, COUNT_SHIFT, KEEP, NEW_SIGNAL_GROUP,
  NEW_ZERO_GROUP, READY, SKIP, START_SKIP, STATE, STEP_ABORT, STEP_BUSY, STEP_CANCELLED, STEP_CLOSES,
  STEP_DONE, STEP_FAILED, STEP_MORE, STEP_STUCK, STOPPED,
} from './protocol.js';
import { Queue } from './queue.js';

/**
 * The core's calls (src/js/mod.rs): a group's state in, an answer out.
 * @typedef {(bits: number, active: number, queued: number, limit: number) => number} Call
 * @typedef {{ go: Call, try_go: Call, start: Call, end: Call, fail: Call, expire: Call, cancel: Call, wait: Call, step: Call }} Core
 * @typedef {((signal: AbortSignal) => unknown) | Deadline} Entry a task as the group keeps it: a function, or its Deadline
 */

/** @type {Core} */
let core;

/**
 * Hands this module the core's exports. The package's entry calls it once;
 * tests call it with cores of their own.
 * @param {Core} exports
 */
export function install(exports) {
  core = exports;
}

/**
 * Whether tasks carry an async context: in Node, Deno and Bun
 * (AsyncLocalStorage), a task runs in the context of its go() call, so
 * each one starts in a promise reaction registered by that call; a queued
 * task's is registered on a promise of its own, resolved when it is
 * admitted. Browsers have no async context: there a queued task is only
 * an entry in the queue, and admitted tasks start together.
 */
const keepsContext = /** @type {any} */ (globalThis).process?.versions?.node !== undefined;

const then = Promise.prototype.then;
const resolved = Promise.resolve();
/** What a skipped task's start reaction receives: it is never called. */
const SKIPPED = Symbol('skipped');
/** @type {AbortSignal | null} The signal of every zero group, which never aborts. */
let neverAborts = null;
/**
 * The reason a withSignal group's signal aborts with once it settles: one
 * for all groups, made here, so that its stack holds no group.
 */
const settledReason = Object.freeze(new DOMException('wasm-errgroup: the group has settled', 'AbortError'));
/** What #unusable holds once the group is disposed. */
const disposed = new Error('disposed');

/** @typedef {(value?: unknown) => void} Settle */
/** @type {Settle} The resolve of the promise deferred() made last. */
let capturedResolve = ignore;
/** @type {Settle} Its reject. */
let capturedReject = ignore;
/** One executor for every promise, so that making one makes no closure. */
const capture = (/** @type {Settle} */ resolve, /** @type {Settle} */ reject) => {
  capturedResolve = resolve;
  capturedReject = reject;
};
/** A new promise; its resolve and reject are captured until forget(). */
function deferred() {
  return new Promise(capture);
}
/** Forgets what deferred() captured, once read: nothing here may keep a group alive. */
function forget() {
  capturedResolve = capturedReject = ignore;
}
function ignore() {}

export class ErrGroup {
  /** The core's state bits (src/state.rs, `State::bits`). */
  #bits = NEW_ZERO_GROUP;
  /** Tasks holding a slot: running, or admitted and about to be called. */
  #active = 0;
  /** As set by setLimit(), handed to every call into the core. */
  #limit = Infinity;
  /** Tasks waiting for a slot, oldest first: pairs of an entry and what admits it (see keepsContext). */
  #queue = new Queue();
  /** Entries of #queue whose deadline passed there: they fail at once, and are dropped when reached. */
  #expired = 0;
  /** Tasks admitted but not yet called, in admission order: pairs of an entry and 0. */
  #admitted = new Queue();
  /** Without keepsContext: a pass that calls the admitted tasks is running or scheduled. */
  #starting = false;
  /** @type {unknown} The first failure, once the core says to keep it. */
  #error = undefined;
  /** @type {unknown} A zero group's abort reason, which no signal holds. */
  #reason = undefined;
  /** @type {AbortController | null} withSignal groups only. */
  #controller = null;
  /** @type {AbortSignal} What every task is called with: the controller's, or the shared one. */
  #signal;
  /** @type {{ signal: AbortSignal, listener: () => void } | null} withSignal(parent), until the group stops. */
  #parent = null;
  /** @type {Settle[] | null} Pending wait() promises: resolve, reject, resolve, reject... */
  #waiters = null;
  /** @type {Settle[] | null} Pending ready() promises. */
  #readiness = null;
  /** @type {Error | null} Why later calls throw: the group was disposed, or the core trapped. */
  #unusable = null;
  /** How many tasks ended: succeeded, failed, or skipped. */
  #succeeded = 0;
  #failed = 0;
  #skipped = 0;

  /** Calls the admitted tasks: one per reaction with keepsContext, else all. */
  #start = (/** @type {unknown} */ value) => {
    if (value === SKIPPED || (this.#unusable !== null && this.#unusable !== disposed)) return;
    const admitted = this.#admitted;
    if (!keepsContext) {
      // The tasks admitted so far; those their calls admit wait for a pass
      // of their own, on a later microtask than the go() that admitted them.
      this.#starting = true;
      try {
        for (let count = admitted.length; count > 0; count--) {
          const entry = admitted.shift();
          admitted.shift();
          this.#run(entry);
        }
      } finally {
        this.#starting = false;
      }
      if (admitted.length > 0) this.#kick();
      return;
    }
    const entry = admitted.shift();
    admitted.shift();
    // None: the end of a full JS stack stopped the go() that registered
    // this reaction before it stored its task, and threw.
    if (entry !== undefined) this.#run(entry);
  };
  #fulfilled = () => this.#end(false);
  #rejected = (/** @type {unknown} */ error) => this.#end(true, error);
  /** @type {((deadline: Deadline) => void) | null} Made for the group's first deadline. */
  #expire = null;

  constructor() {
    this.#signal = neverAborts ??= new AbortController().signal;
  }

  /** @param {AbortSignal | null} [parent] */
  static withSignal(parent) {
    const signal = checkSignal(parent, 'ErrGroup.withSignal: parent');
    const group = new ErrGroup();
    group.#bits = NEW_SIGNAL_GROUP;
    group.#controller = new AbortController();
    group.#signal = group.#controller.signal;
    if (signal !== undefined) {
      if (abortedOf.call(signal)) {
        group.#cancel(reasonOf.call(signal));
      } else {
        const listener = () => group.#cancel(reasonOf.call(signal));
        signal.addEventListener('abort', listener);
        group.#parent = { signal, listener };
      }
    }
    return group;
  }

  /**
   * @param {(signal: AbortSignal) => unknown} task
   * @param {{ timeout?: number }} [options]
   */
  go(task, options) {
    checkFunction(task, 'ErrGroup.go: task');
    const timeout = options === undefined || options === null ? Infinity : timeoutOf(options, 'ErrGroup.go');
    this.#check('ErrGroup.go');
    const answer = this.#ask(core.go);
    const code = (answer >> CODE_SHIFT) & CODE_MASK;
    if (code === ADMIT_CLOSED) {
      throw new Error('ErrGroup.go: the group has settled and its signal has aborted; create a new group for more work');
    }
    if (code !== ADMIT_NOW && code !== ADMIT_QUEUED) { // ADMIT_SKIP
      this.#bits = answer & STATE;
      this.#skipped++;
      return;
    }
    /** @type {Entry} */
    const entry = timeout === Infinity ? task : new Deadline(task, timeout, this.#controller && this.#signal,
      this.#expire ??= (deadline) => this.#expireQueued(deadline));
    if (code === ADMIT_NOW) {
      this.#admit(entry, answer);
      return;
    }
    if (keepsContext) {
      then.call(deferred(), this.#start);
      this.#queue.push(entry, capturedResolve);
      forget();
    } else {
      this.#queue.push(entry, 0);
    }
    if (typeof entry !== 'function') entry.queued = true;
    this.#bits = answer & STATE;
  }

  /** @param {(signal: AbortSignal) => unknown} task */
  tryGo(task) {
    checkFunction(task, 'ErrGroup.tryGo: task');
    this.#check('ErrGroup.tryGo');
    const answer = this.#ask(core.try_go);
    if (((answer >> CODE_SHIFT) & CODE_MASK) !== ADMIT_NOW) return false;
    this.#admit(task, answer);
    return true;
  }

  ready() {
    this.#check('ErrGroup.ready');
    const answer = this.#ask(core.step);
    if ((answer & READY) !== 0) {
      this.#apply(answer, undefined);
      return Promise.resolve();
    }
    const promise = deferred();
    (this.#readiness ??= []).push(capturedResolve);
    forget();
    this.#apply(answer, undefined);
    return promise;
  }

  /** @param {number} n */
  setLimit(n) {
    checkLimit(n, 0, 'ErrGroup.setLimit: the limit');
    this.#check('ErrGroup.setLimit');
    const limit = this.#limit;
    this.#limit = n;
    let answer;
    try {
      answer = this.#ask(core.step);
    } catch (error) {
      this.#limit = limit;
      throw error;
    }
    this.#apply(answer, undefined);
    this.#kick();
  }

  wait() {
    this.#check('ErrGroup.wait');
    const promise = deferred();
    const resolve = capturedResolve;
    const reject = capturedReject;
    forget();
    const answer = this.#ask(core.wait);
    (this.#waiters ??= []).push(resolve, reject);
    this.#apply(answer, undefined);
    return promise;
  }

  /** @param {unknown} [reason] */
  abort(reason) {
    if (this.#unusable !== null && this.#unusable !== disposed) return;
    this.#cancel(reason === undefined ? new DOMException('wasm-errgroup: the group was aborted', 'AbortError') : reason);
  }

  get signal() {
    return this.#signal;
  }

  get active() {
    return this.#active;
  }

  get queued() {
    return this.#queue.length - this.#expired;
  }

  get succeeded() {
    return this.#succeeded;
  }

  get failed() {
    return this.#failed;
  }

  get skipped() {
    return this.#skipped;
  }

  get limit() {
    return this.#limit;
  }

  free() {
    if (this.#unusable !== null) return;
    // A withSignal group closes once idle, as after wait(): its signal
    // aborts then, and it stops listening to its parent.
    const answer = this.#ask(core.wait);
    this.#unusable = disposed;
    try {
      this.#apply(answer, undefined);
    } catch (error) {
      // A full stack stopped it: the group can be freed again.
      this.#unusable = null;
      throw error;
    }
  }

  /**
   * `await using`: aborts the group (skipping what is queued), disposes
   * it, and resolves once no task holds a slot.
   */
  #disposeAsync() {
    if (this.#unusable === null || this.#unusable === disposed) {
      this.abort();
      this.free();
    }
    if (this.#active === 0) return Promise.resolve();
    const promise = deferred();
    const resolve = capturedResolve;
    forget();
    // Settled whatever the outcome, with nothing: the outcome is wait()'s.
    const done = () => resolve();
    (this.#waiters ??= []).push(done, done);
    return promise;
  }

  /**
   * Asks the core, with the group's state. A trap (a bug of the core: its
   * calls do arithmetic) stops this group: see #trap.
   * @param {Call} call
   */
  #ask(call) {
    try {
      return call(this.#bits, this.#active, this.#queue.length - this.#expired, this.#limit);
    } catch (error) {
      throw this.#trap(error);
    }
  }

  /** Throws if the group is unusable; hears a parent abort it missed. */
  #check(/** @type {string} */ method) {
    if (this.#unusable !== null) {
      throw this.#unusable === disposed ? new Error(`${method}: this ErrGroup was disposed`) : this.#unusable;
    }
    if (this.#parent !== null) this.#catchUp();
  }

  /**
   * The parent's abort ran at the end of a full JS stack, where the
   * group's listener could not run, or stopped before the group's signal
   * aborted: the group finishes hearing it now, before anything else.
   */
  #catchUp() {
    const parent = /** @type {{ signal: AbortSignal }} */ (this.#parent);
    if (!abortedOf.call(parent.signal)) return;
    const reason = reasonOf.call(parent.signal);
    if ((this.#bits & STOPPED) === 0) this.#cancel(reason);
    else this.#abort(reason);
  }

  /**
   * `entry` holds a slot now: it is called on a later microtask, in this
   * call's async context.
   * @param {Entry} entry
   * @param {number} answer
   */
  #admit(entry, answer) {
    if (keepsContext) then.call(resolved, this.#start);
    else this.#kick();
    this.#admitted.push(entry, 0);
    this.#active++;
    this.#bits = answer & STATE;
  }

  /** Without keepsContext: calls the admitted tasks on a later microtask. */
  #kick() {
    if (!keepsContext && !this.#starting) {
      then.call(resolved, this.#start);
      this.#starting = true;
    }
  }

  /**
   * Calls a task that holds a slot, and ends it when what it returned
   * settles; a replaced `then` on a promise it returns is never called.
   * @param {Entry} entry
   */
  #run(entry) {
    if ((this.#bits & STOPPED) !== 0 && !this.#mayStart()) {
      if (typeof entry !== 'function') entry.release();
      return;
    }
    let value;
    try {
      value = typeof entry === 'function' ? entry(this.#signal) : entry.run();
    } catch (error) {
      this.#end(true, error);
      return;
    }
    if (!isObject(value)) {
      this.#end(false);
      return;
    }
    try {
      then.call(Promise.resolve(value), this.#fulfilled, this.#rejected);
    } catch (error) {
      this.#end(true, error);
    }
  }

  /**
   * The group stopped since a task was admitted: asks the core whether it
   * starts after all, or gives its slot back and is skipped.
   */
  #mayStart() {
    try {
      const answer = this.#ask(core.start);
      if (((answer >> CODE_SHIFT) & CODE_MASK) !== START_SKIP) return true;
      this.#bits = answer & STATE;
      this.#active--;
      this.#skipped++;
      this.#apply(this.#ask(core.step), undefined);
    } catch {
      // A trap: #trap settled everything.
    }
    return false;
  }

  // The reactions below never throw, which would only become an unhandled
  // rejection: a trap has settled everything (#trap), and they run on a
  // fresh stack.

  /**
   * A task ended: it succeeded, or failed with `error`.
   * @param {boolean} failed
   * @param {unknown} [error]
   */
  #end(failed, error) {
    try {
      if (this.#parent !== null) this.#catchUp();
      const answer = this.#ask(failed ? core.fail : core.end);
      this.#active--;
      if (!failed) this.#succeeded++;
      else {
        this.#failed++;
        if ((answer & KEEP) !== 0) this.#error = error;
      }
      this.#apply(answer, error);
      if (!keepsContext && !this.#starting && this.#admitted.length > 0) {
        // Calls the tasks this admitted now, rather than on a later microtask.
        this.#start(undefined);
      }
    } catch {
      // A trap.
    }
  }

  /**
   * A queued task's deadline passed: it fails now, and its entry stays in
   * the queue, to be dropped when reached. Admitted, it fails as it starts.
   * @param {Deadline} deadline
   */
  #expireQueued(deadline) {
    if (!deadline.queued || this.#queue.length === 0) return; // admitted, or dropped by a trap
    try {
      const answer = this.#ask(core.expire);
      deadline.queued = false;
      deadline.release();
      this.#expired++;
      this.#failed++;
      if ((answer & KEEP) !== 0) this.#error = deadline.reason;
      this.#apply(answer, deadline.reason);
    } catch {
      // A trap.
    }
  }

  /**
   * The parent aborted, or abort() was called, with `reason`. From the
   * parent's listener, at the end of a full JS stack, this may throw: the
   * group hears the abort at its next call or task end (#catchUp).
   * @param {unknown} reason
   */
  #cancel(reason) {
    this.#apply(this.#ask(core.cancel), reason);
  }

  /**
   * Does what an answer of the core says, and asks again while it says
   * to: admit or skip the oldest queued tasks, abort the signal, settle
   * the pending wait() and ready() promises.
   * @param {number} answer
   * @param {unknown} reason what the signal aborts with if the group stopped just now
   */
  #apply(answer, reason) {
    for (;;) {
      this.#bits = answer & STATE;
      const count = answer >>> COUNT_SHIFT;
      if (count !== 0) this.#dequeue(count, (answer & SKIP) !== 0);
      if ((answer & READY) !== 0 && this.#readiness !== null) {
        const readiness = this.#readiness;
        this.#readiness = null;
        for (const resolve of readiness) resolve();
      }
      switch ((answer >> CODE_SHIFT) & CODE_MASK) {
        case STEP_ABORT:
          this.#abort(reason);
          break;
        case STEP_CLOSES:
          this.#abort(settledReason);
          break;
        case STEP_MORE:
          break;
        case STEP_STUCK:
          // Nothing can raise the limit of a disposed group: skip its queue.
          if (this.#unusable === disposed) {
            reason = new Error('wasm-errgroup: the group was disposed while tasks it can never start were queued');
            answer = this.#ask(core.cancel);
            continue;
          }
          return;
        case STEP_BUSY:
          return;
        default:
          // Idle: what is left in the queue expired there.
          if (this.#expired !== 0) {
            this.#queue = new Queue();
            this.#expired = 0;
          }
          this.#settle(answer);
          return;
      }
      answer = this.#ask(core.step);
    }
  }

  /**
   * Admits (or skips) the `count` oldest tasks of the queue, dropping the
   * entries whose deadline passed there.
   * @param {number} count
   * @param {boolean} skip
   */
  #dequeue(count, skip) {
    const queue = this.#queue;
    const admitted = this.#admitted;
    if (!skip) this.#active += count;
    else this.#skipped += count;
    while (count > 0) {
      const entry = queue.shift();
      const admit = queue.shift();
      const deadline = typeof entry === 'function' ? null : entry;
      if (deadline !== null) {
        if (!deadline.queued) {
          // Its deadline passed in the queue: it failed then.
          this.#expired--;
          if (keepsContext) admit(SKIPPED);
          continue;
        }
        deadline.queued = false;
        if (skip) deadline.release();
      }
      count--;
      if (skip) {
        if (keepsContext) admit(SKIPPED);
      } else {
        admitted.push(entry, 0);
        if (keepsContext) admit();
      }
    }
  }

  /**
   * The group stopped: abort its signal with `reason` (a zero group keeps
   * it), and stop listening to the parent. Runs the signal's listeners,
   * which may call back into the group.
   * @param {unknown} reason
   */
  #abort(reason) {
    const parent = this.#parent;
    if (parent !== null) parent.signal.removeEventListener('abort', parent.listener);
    if (this.#controller === null) {
      this.#reason = reason;
    } else {
      try {
        this.#controller.abort(reason);
      } catch (error) {
        // A full stack stopped the abort: #catchUp finishes it. Else a
        // listener threw through an EventTarget that lets it (happy-dom
        // under Vitest): the group goes on, and the error is reported as
        // uncaught, as a browser reports a listener's.
        if (!abortedOf.call(this.#signal)) throw error;
        queueMicrotask(() => { throw error; });
      }
    }
    // Forgotten last: if a full stack stopped this call, #catchUp finishes it.
    this.#parent = null;
  }

  /** The group is idle: settle every wait() as the answer says. */
  #settle(/** @type {number} */ answer) {
    const waiters = this.#waiters;
    if (waiters === null) return;
    this.#waiters = null;
    const code = (answer >> CODE_SHIFT) & CODE_MASK;
    if (code === STEP_DONE) settleAll(waiters, 0, undefined);
    else if (code === STEP_FAILED) settleAll(waiters, 1, this.#error);
    else if (code === STEP_CANCELLED) settleAll(waiters, 1, this.#controller === null ? this.#reason : reasonOf.call(this.#signal));
  }

  /**
   * A call into the core threw. A full JS stack stopped it at its entry
   * (a RangeError, or SpiderMonkey's InternalError): nothing changed, and
   * the caller gets the error. Anything else is a trap, which only a bug
   * could cause: the group stops for good, and nothing is left pending:
   * its wait() promises reject, its ready() promises resolve, queued and
   * admitted tasks are never called, and later calls throw the Error
   * returned.
   * @param {unknown} error
   */
  #trap(error) {
    if (!(error instanceof WebAssembly.RuntimeError)) return error;
    const trapped = new Error(`wasm-errgroup: the core trapped (${error}); this group has stopped`, { cause: error });
    this.#unusable = trapped;
    // Queued and admitted tasks are dropped, never called (#start checks).
    this.#queue = new Queue();
    this.#admitted = new Queue();
    this.#expired = 0;
    const waiters = this.#waiters;
    this.#waiters = null;
    if (waiters !== null) settleAll(waiters, 1, trapped);
    const readiness = this.#readiness;
    this.#readiness = null;
    for (const resolve of readiness ?? []) resolve();
    return trapped;
  }

  // `using` and `await using`. Where the engine has no Symbol.dispose
  // (WebKit before 2026, Node 20), the symbol TypeScript's own emit
  // looks up instead.
  static {
    const symbols = /** @type {{ dispose?: symbol, asyncDispose?: symbol }} */ (Symbol);
    Object.defineProperty(ErrGroup.prototype, symbols.dispose ?? Symbol.for('Symbol.dispose'), {
      value: ErrGroup.prototype.free, writable: true, configurable: true,
    });
    Object.defineProperty(ErrGroup.prototype, symbols.asyncDispose ?? Symbol.for('Symbol.asyncDispose'), {
      value() { return /** @type {ErrGroup} */ (this).#disposeAsync(); }, writable: true, configurable: true,
    });
  }
}

/**
 * V8 keeps the hidden class an object gets from its fields only while some
 * object of that shape lives: a full GC that finds no group alive drops it,
 * and deoptimizes every function that handled groups. One of each kept
 * here keeps them: a group, and (Node's are JS classes too) an aborted
 * AbortController with its signal, and an Event.
 */
export const shapes = /** @type {object[]} */ ([new ErrGroup()]);
{
  const aborted = new AbortController();
  aborted.signal.addEventListener('abort', (event) => shapes.push(event));
  aborted.abort(new Error('kept'));
  shapes.push(aborted, aborted.signal);
}

/**
 * The `timeout` of a call's options.
 * @param {unknown} options
 * @param {string} what
 */
export function timeoutOf(options, what) {
  if (!isObject(options)) throw typeError(`${what}: options must be an object, got `, options);
  return checkTimeout(/** @type {{ timeout?: unknown }} */ (options).timeout, `${what}: options.timeout`);
}

/**
 * Calls `resolve` (0) or `reject` (1) of every pair with `value`.
 * @param {Settle[]} waiters
 * @param {0 | 1} which
 * @param {unknown} value
 */
function settleAll(waiters, which, value) {
  for (let i = which; i < waiters.length; i += 2) waiters[i](value);
}
