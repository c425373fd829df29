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
const ADMIT_START = 0; // group_go: the task holds a slot
const ADMIT_QUEUED = 1; // group_go: the task waits for a slot
const ADMIT_SKIP = 2; // group_go: the signal has aborted
const ADMIT_CLOSED = 3; // group_go: a withSignal group whose wait() settled
const ADMIT_NOT_NOW = 4; // group_go for tryGo: no slot is free now
const TASK_NONE = 0; // group_step: no task ended
const TASK_OK = 1; // group_step: a task succeeded
const TASK_FAILED = 2; // group_step: a task threw or rejected
const KEPT_FIRST_FAILURE_ABORTS = 2; // group_step: keep the error, abort with it (1: keep it)
const STEP_SKIP = 16; // group_step: the tasks counted are skipped, not started
const NEXT_BUSY = 2; // group_step: nothing to do until a task ends
const NEXT_STUCK = 3; // group_step: tasks wait behind a limit of 0, none runs
const NEXT_SETTLE = 4; // group_step: abort the signal (settled), ask again
const NEXT_MORE = 5; // group_step: more to start or skip, ask again
const NEXT_IDLE_DONE = 8; // group_step: idle, and wait() resolves
const NEXT_IDLE_FAILED = 9; // group_step: idle, and wait() rejects with the first failure
const NEXT_IDLE_SKIPPED = 10; // group_step: idle, and wait() rejects with the parent's reason
const INVALID = 7; // any call: the handle names no core
// The state of a new group: what an idle group keeps between its cores.
const NEW_ZERO_GROUP = 0;
const NEW_GROUP_WITH_SIGNAL = 1;

/**
 * The core's calls (src/js/mod.rs): numbers in, numbers out.
 * @typedef {object} CoreExports
 * @property {(state: number, limit: number) => number} group_open
 * @property {(handle: number, onlyNow: number) => number} group_go
 * @property {(handle: number) => number} group_wait
 * @property {(handle: number) => number} group_abort
 * @property {(handle: number) => number} group_begin
 * @property {(handle: number, ended: number, pump: number) => number} group_step
 * @property {(handle: number, limit: number) => number} group_set_limit
 * @property {(handle: number, queued: number) => number} group_count
 * @property {(handle: number) => number} group_close
 */

/** The raw exports of the WebAssembly instance, from install(). */
let wasm = /** @type {CoreExports} */ (/** @type {unknown} */ (null));
/** @type {Error | null} Once the instance has trapped: the Error every later call throws. */
let crashed = null;
/** @type {Set<ErrGroup | { crash(error: Error): void }>} Everything with promises a trap must settle: busy groups, map runs. */
const live = new Set();
/** @type {Set<WeakRef<ErrGroup>>} Stuck groups (see #stall): out of `live`, so that they can be collected, but a trap settles them too. */
const stuck = new Set();

const then = Promise.prototype.then;
/** @param {string} name */
function getter(name) {
  return Object.getOwnPropertyDescriptor(AbortSignal.prototype, name)?.get;
}

/** A promise every group shares, never handed out. */
const resolved = Promise.resolve();
/** The getters of AbortSignal.prototype, which check that `this` is one. */
const abortedOf = /** @type {(this: AbortSignal) => boolean} */ (getter('aborted'));
const reasonOf = /** @type {(this: AbortSignal) => unknown} */ (getter('reason'));
/** @type {AbortSignal | null} */
let neverAborts = null;
/**
 * The reason a withSignal group's signal aborts with once its wait()
 * settles: one for all groups, made here, so that its stack trace holds no
 * group (an error made in a method would keep that method's `this` alive).
 */
const settledReason = Object.freeze(new DOMException('wasm-errgroup: the group has settled', 'AbortError'));
/** What admits a task as skipped: it is never called. */
const SKIPPED = Symbol('skipped');
/** @type {(group: ErrGroup, error: Error) => void} `#crash`, set by ErrGroup's static block. */
let crashGroup;
/**
 * The private calls `map.js` makes, set by ErrGroup's static block.
 * @type {{
 *   withSignal(parent: AbortSignal | undefined, limit: number, run: MapHooks): ErrGroup,
 *   take(group: ErrGroup): boolean | undefined,
 *   begin(group: ErrGroup): boolean | undefined,
 *   end(group: ErrGroup, failed: boolean, error?: unknown): void,
 *   whenIdle(group: ErrGroup, resolve: (value?: unknown) => void, reject: (error: unknown) => void): void,
 * }}
 */
export let groupInternals;

/**
 * What a group serving ErrGroup.map calls on its run.
 * @typedef {{ pull(): void, stop(): void }} MapHooks
 */

/**
 * Hands this module the raw exports of the WebAssembly instance. The
 * package's entry calls it once; tests call it with their own instance.
 * @param {CoreExports} exports
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
  /** @type {unknown} The first failure, once the core says there is one. */
  #error = undefined;
  /** @type {AbortController | null} withSignal groups: aborted on a failure, the parent's abort, settle. */
  #controller = null;
  /** @type {AbortSignal} What every task is called with. */
  #signal;
  /** @type {{ signal: AbortSignal, listener: () => void } | null} withSignal(parent), while it listens. */
  #parent = null;
  /** @type {Fifo | null} Tasks waiting for a slot, oldest first: the resolve that admits each, and the task. */
  #queue = null;
  /** @type {Fifo | null} Tasks admitted whose start reaction has not run yet, in admission order. */
  #admitted = null;
  /** @type {Settle[] | null} Pending wait() promises: resolve, reject, resolve, reject... */
  #waiters = null;
  /** @type {((admitted: unknown) => void) | null} The reaction that starts each admitted task; made at the first. */
  #starter = null;
  /** @type {(() => void) | null} What settles a task that returned a thenable; made at the first. */
  #fulfilled = null;
  /** @type {((error: unknown) => void) | null} */
  #rejected = null;
  /** @type {MapHooks | null} The map run this group serves, told when a slot frees or it aborts. */
  #run = null;
  /** @type {WeakRef<ErrGroup> | null} While tasks wait behind a limit of 0 and none runs: this group's entry in `stuck`; see #stall(). */
  #stuck = null;
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
   * Maps every item with at most `options.limit` mappers running at once,
   * and resolves with the results in input order (see `map.js`).
   */
  static map(items, mapper, options) {
    return map(items, mapper, options);
  }

  /**
   * Queues `task`: it is called with the group's signal on a later
   * microtask, in the async context of this call, once it holds a slot.
   * Returns a promise that resolves once it holds a slot and has been
   * called, or is skipped; it never rejects.
   */
  go(task) {
    if (typeof task !== 'function') throw typeError('ErrGroup.go: task must be a function, got ', task);
    this.#usable('ErrGroup.go');
    // While nothing is queued, a slot may be free: the task then needs no
    // promise of its own.
    const queue = this.#queue;
    if (queue === null || queue.length === 0) {
      const started = this.#start(task);
      if (started !== null) return started;
    }
    // The promise go() returns follows the reaction that starts the task
    // once it is admitted. Registered now, so that the task runs in this
    // call's async context, and before the core counts the task: making
    // promises can throw (a full stack).
    const admission = deferred();
    const admit = /** @type {Settle | null} */ (capturedResolve);
    capturedResolve = capturedReject = null;
    if (admit === null) throw stackFull(admission);
    const started = then.call(admission, this.#starter);
    const waiting = (this.#queue ??= new Fifo());
    const core = this.#open();
    let answer;
    try {
      answer = wasm.group_go(core, 0);
    } catch (error) {
      throw this.#unopen(error);
    }
    switch (answer) {
      case ADMIT_QUEUED:
        // Stores only, from here: a function of ours could be stopped at
        // its entry by a full stack.
        waiting.items[waiting.tail++] = admit;
        waiting.items[waiting.tail++] = task;
        if (this.#limit === 0 && this.#stuck === null) {
          // Nothing can start it until the limit is raised: let the group
          // stall now (#stall), so that it can be collected if dropped.
          try {
            this.#pump();
          } catch {
            // A full stack: the task is queued; the group stalls at its next call.
          }
        }
        return started;
      case ADMIT_SKIP:
        admit(SKIPPED);
        this.#pump();
        return started;
      case ADMIT_CLOSED:
        this.#pump();
        throw new Error('ErrGroup.go: the group has settled and its signal has aborted; create a new group for more work');
      default:
        // ADMIT_START cannot come: #start found no free slot just before.
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
    if (this.#start(task) !== null) return true;
    this.#pump();
    return false;
  }

  /**
   * Takes a slot for `task` if one is free and nothing is queued, and
   * registers the reaction that calls it: in this call's async context, on
   * a later microtask. Returns that reaction's promise, or null if no slot
   * was free (or the signal has aborted, or the group is closed).
   */
  #start(task) {
    const admitted = (this.#admitted ??= new Fifo());
    const starter = (this.#starter ??= (value) => {
      if (value !== SKIPPED) this.#begin(/** @type {Fifo} */ (this.#admitted).shift());
    });
    const core = this.#open();
    let answer;
    try {
      answer = wasm.group_go(core, 1);
    } catch (error) {
      throw this.#unopen(error);
    }
    if (answer === ADMIT_NOT_NOW) return null;
    if (answer !== ADMIT_START) throw broken(answer);
    admitted.items[admitted.tail++] = task;
    try {
      return then.call(resolved, starter);
    } catch (error) {
      // A full stack: give the slot back, so the core is as before this call.
      admitted.items[--admitted.tail] = undefined;
      wasm.group_step(core, TASK_OK, 0);
      throw this.#unopen(error);
    }
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
    if (this.#stuck !== null) {
      this.#unstick();
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
    const resolve = /** @type {Settle | null} */ (capturedResolve);
    const reject = /** @type {Settle} */ (capturedReject);
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

  /** The signal every task is called with. */
  get signal() {
    return this.#signal;
  }

  /** How many tasks hold a slot: running, or about to be called. */
  get active() {
    return this.#count(0);
  }

  /** How many tasks wait for a slot. */
  get queued() {
    return this.#count(1);
  }

  /** The limit set by `setLimit`: `Infinity` for none. */
  get limit() {
    return this.#limit;
  }

  /**
   * Disposes the group: later `go`, `tryGo`, `setLimit` and `wait` calls
   * throw. It cancels nothing: running and queued tasks go on and pending
   * `wait()` promises settle as before, except that tasks queued behind a
   * limit of 0, which nothing can raise now, are skipped, a pending
   * `wait()` then rejects, and a withSignal group's signal aborts as at
   * settle. A second call does nothing.
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
      if (wasm.group_count(this.#core, 0) === 0 && wasm.group_count(this.#core, 1) === 0 && !this.#waiters?.length) {
        this.#state = wasm.group_close(this.#core);
        this.#core = 0;
        live.delete(this);
      }
    } catch {
      // The stack is still full: the core stays open for the next call.
    }
    return thrown;
  }

  /** Active (0) or queued (1) tasks of the open core; an idle group counts 0. */
  #count(queued) {
    if (this.#core === 0 || crashed !== null) return 0;
    try {
      return wasm.group_count(this.#core, queued) >>> 0;
    } catch (error) {
      throw trapped(error);
    }
  }

  #usable(method) {
    if (crashed !== null) throw crashed;
    if (this.#disposed) throw new Error(`${method}: this ErrGroup was disposed`);
    if (this.#parent !== null) this.#catchUp();
  }

  /**
   * A parent that aborted while the group did not hear it: its listener
   * ran at the end of the JS stack and could not reach the core. The group
   * hears it now, before anything else it does.
   */
  #catchUp() {
    const parent = this.#parent;
    // An aborted signal leaves nothing to catch up: its listeners are running.
    if (parent !== null && abortedOf.call(parent.signal) && !abortedOf.call(this.#signal)) {
      this.#parentAborted(reasonOf.call(parent.signal));
    }
  }

  /**
   * Calls a task that holds a slot. It runs in the reaction go() or
   * tryGo() registered, so in the async context of that call.
   */
  #begin(task) {
    if (crashed !== null) return;
    // A withSignal group's signal may have aborted since the task was
    // admitted: then the core gives its slot back, and it is skipped.
    if (this.#controller !== null && abortedOf.call(this.#signal)) {
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

  /**
   * A task that held a slot ended. The core answers what to do next in the
   * same call, unless the signal aborts first or a map run pulls first.
   */
  #end(failed, error) {
    if (crashed !== null) return;
    if (this.#parent !== null) this.#catchUp();
    const run = this.#run;
    let answer;
    try {
      answer = wasm.group_step(this.#core, failed ? TASK_FAILED : TASK_OK, run === null ? 1 : 0);
    } catch (thrown) {
      return void trapped(thrown);
    }
    if (answer === INVALID) return void broken(answer);
    const ended = answer & 3;
    if (ended !== 0) this.#error = error;
    if (ended === KEPT_FIRST_FAILURE_ABORTS || run !== null) {
      if (ended === KEPT_FIRST_FAILURE_ABORTS) this.#abort(error);
      run?.pull();
      this.#pump();
    } else if (this.#apply(answer >>> 2)) {
      this.#pump();
    }
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
    // The core may have recorded an abort whose #abort the end of the
    // stack stopped: the signal aborts now.
    if (aborts === 1 || !abortedOf.call(this.#signal)) this.#abort(reason);
    this.#run?.pull();
    this.#pump();
  }

  /**
   * Aborts the group's signal, which the core has just recorded. The group
   * forgets its parent only once the signal has aborted: if the end of the
   * stack stops this first, #catchUp() finishes it.
   */
  #abort(reason) {
    const parent = this.#parent;
    if (parent !== null) parent.signal.removeEventListener('abort', parent.listener);
    this.#run?.stop();
    // Runs the signal's listeners, which may call back into the group.
    /** @type {AbortController} */ (this.#controller).abort(reason);
    this.#parent = null;
  }

  /** Does what the core answers until it has nothing to do now. */
  #pump() {
    while (this.#core !== 0 && crashed === null) {
      let answer;
      try {
        answer = wasm.group_step(this.#core, TASK_NONE, 1);
      } catch (error) {
        return void trapped(error);
      }
      if (!this.#apply(answer >>> 2)) return;
    }
  }

  /**
   * Does what one answer of the core says (src/js/mod.rs, group_step):
   * start or skip the oldest queued tasks, then what comes next. Returns
   * whether to ask the core again.
   */
  #apply(answer) {
    let count = answer >>> 5;
    if (count > 0) {
      const queue = /** @type {Fifo} */ (this.#queue);
      if ((answer & STEP_SKIP) !== 0) {
        while (count-- > 0) {
          const admit = queue.shift();
          queue.shift();
          admit(SKIPPED);
        }
      } else {
        const admitted = /** @type {Fifo} */ (this.#admitted);
        while (count-- > 0) {
          const admit = queue.shift();
          admitted.items[admitted.tail++] = queue.shift();
          admit();
        }
      }
    }
    switch (answer & 15) {
      case NEXT_BUSY:
        return false;
      case NEXT_STUCK:
        this.#stall();
        return false;
      case NEXT_SETTLE:
        this.#abort(settledReason);
        return true;
      case NEXT_MORE:
        return true;
      case NEXT_IDLE_DONE:
      case NEXT_IDLE_FAILED:
      case NEXT_IDLE_SKIPPED:
        this.#idle(answer & 15);
        return false;
      default:
        broken(answer);
        return false;
    }
  }

  /**
   * Closes the core and keeps the state it hands back; the group is
   * neither busy nor stuck then. Returns false if the call threw.
   */
  #close() {
    let state;
    try {
      state = wasm.group_close(this.#core);
    } catch (error) {
      trapped(error);
      return false;
    }
    this.#state = state;
    this.#core = 0;
    live.delete(this);
    if (this.#stuck !== null) this.#unstick();
    return true;
  }

  /** The group is idle: close the core and settle every wait(). */
  #idle(outcome) {
    if (!this.#close()) return;
    // What a later busy spell needs is made again then.
    this.#starter = this.#fulfilled = this.#rejected = null;
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
    } else if (this.#stuck === null) {
      const ref = new WeakRef(this);
      stuckGroups.register(this, { core: this.#core, waiters: (this.#waiters ??= []), ref }, this);
      stuck.add(ref);
      this.#stuck = ref;
      live.delete(this);
    }
  }

  /**
   * The group is no longer stuck (a raised limit, idle, dropped, a trap):
   * its core must not be closed when it is collected, for the handle may
   * name another group's core by then.
   */
  #unstick() {
    stuck.delete(/** @type {WeakRef<ErrGroup>} */ (this.#stuck));
    this.#stuck = null;
    stuckGroups.unregister(this);
  }

  /**
   * Skips every queued task, rejects every wait(), and closes the core; a
   * withSignal group's signal aborts as at settle, and it stops listening
   * to its parent.
   */
  #drop(how) {
    // The promises first: if the end of the stack stops this midway, the
    // group is still registered, and its collection rejects wait().
    skipQueued(this.#queue);
    const waiters = this.#waiters;
    if (waiters !== null) settleAll(waiters, 1, new Error(`wasm-errgroup: the group was ${how} while tasks it can never start were queued`));
    this.#waiters = null;
    if (!this.#close()) return;
    // Its wait() reactions run after this: the signal has aborted by then.
    if (this.#controller !== null && !abortedOf.call(this.#signal)) this.#abort(settledReason);
  }

  /** The instance trapped: skip every queued task, reject every wait(). */
  static #crash(group, error) {
    if (group.#stuck !== null) group.#unstick();
    group.#core = 0;
    skipQueued(group.#queue);
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
          return wasm.group_go(group.#open(), 1) === ADMIT_START;
        } catch (error) {
          return void group.#unopen(error);
        }
      },
      /** Whether a mapper whose slot was taken may run: see #begin. */
      begin(group) {
        if (crashed !== null) return false;
        if (!abortedOf.call(group.#signal)) return true;
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
 * promise, so that making one costs no closure.
 */
/** @typedef {(value?: unknown) => void} Settle */
/** @type {Settle | null} */
let capturedResolve = null;
/** @type {Settle | null} */
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

/**
 * A FIFO queue over an array that it reuses: `head` is the oldest item,
 * `tail` where the next goes. Adding is a store, not a call: go() adds
 * after the core has counted its task, where nothing may throw.
 */
class Fifo {
  constructor() {
    /** @type {any[]} */
    this.items = [];
    this.head = 0;
    this.tail = 0;
  }

  get length() {
    return this.tail - this.head;
  }

  shift() {
    const item = this.items[this.head];
    this.items[this.head++] = undefined;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
      // Emptied after a long queue: give its memory back.
      if (this.items.length > 1024) this.items = [];
    } else if (this.head >= 1024 && this.head * 2 >= this.tail) {
      // Mostly consumed: move the rest to the front.
      this.items.copyWithin(0, this.head, this.tail);
      this.items.fill(undefined, this.tail - this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
    return item;
  }
}

/** Skips every task in a group's queue: its go() promise resolves. */
function skipQueued(queue) {
  while (queue !== null && queue.length > 0) {
    const admit = queue.shift();
    queue.shift();
    admit(SKIPPED);
  }
}

/**
 * Groups stuck behind a limit of 0 that nobody can reach any more: free
 * their core and reject their pending wait() promises.
 */
const stuckGroups = new FinalizationRegistry(({ core, waiters, ref }) => {
  stuck.delete(ref);
  if (crashed !== null) return void settleAll(waiters, 1, crashed);
  try {
    wasm.group_close(core);
  } catch (error) {
    return void trapped(error);
  }
  settleAll(waiters, 1, new Error('wasm-errgroup: the group was dropped while tasks it can never start were queued'));
});

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
    for (const ref of stuck) holders.push(/** @type {ErrGroup} */ (ref.deref()));
    stuck.clear();
    for (const holder of holders) {
      if (holder instanceof ErrGroup) crashGroup(holder, crashed);
      else holder?.crash(crashed);
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
