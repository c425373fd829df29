// One bad call never takes down the others. Every case here misuses the
// class as an adversarial user would, many times over, then checks that
// fresh groups of every kind still work. (The core every group shares is
// pure functions on numbers: nothing a call does can stay behind in it.)
//
// The cases run in Node (tests/js/robustness.test.mjs) and in browsers
// (tests/robustness.rs). Each takes the class, throws an Error naming what
// broke, and returns a line saying what it measured.

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A promise that never settles. */
const never = new Promise(() => {});

/** What `promise` settles with: 'resolved', the rejection, or 'pending' after 2 s. */
function outcome(promise) {
  return Promise.race([
    promise.then(() => 'resolved', (error) => error),
    sleep(2000).then(() => 'pending'),
  ]);
}

function check(ok, what) {
  if (!ok) throw new Error(what);
}

/** Runs `f`, which must throw; returns what it threw. */
function thrown(f, what) {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error(`${what} did not throw`);
}

/** A fresh group of each kind runs tasks and settles as it should. */
async function freshGroupsWork(ErrGroup) {
  const group = ErrGroup.withSignal();
  group.setLimit(2);
  let ran = 0;
  for (let i = 0; i < 5; i++) group.go(async () => { ran++; });
  await group.wait();
  check(ran === 5, `a fresh group ran ${ran} of 5 tasks`);
  const failure = new Error('fresh');
  const zero = new ErrGroup();
  zero.go(() => Promise.reject(failure));
  check(await zero.wait().then(() => false, (error) => error === failure), 'a fresh zero group lost its failure');
  const mapped = await ErrGroup.map([1, 2, 3], async (x) => x * 2, { limit: 2 });
  check(mapped.join() === '2,4,6', `a fresh map() gave ${mapped}`);
}

export const cases = {
  async callsOnADisposedGroup(ErrGroup, n = 100_000) {
    const group = new ErrGroup();
    group.free();
    const calls = {
      go: () => group.go(() => {}),
      tryGo: () => group.tryGo(() => {}),
      setLimit: () => group.setLimit(3),
      wait: () => group.wait(),
    };
    for (const [name, call] of Object.entries(calls)) {
      for (let i = 0; i < n; i++) {
        const error = thrown(call, `${name}() on a disposed group`);
        check(error instanceof Error && error.message === `ErrGroup.${name}: this ErrGroup was disposed`,
          `${name}() threw ${error}`);
      }
    }
    group.free();
    group[Symbol.dispose]?.();
    check(group.active === 0 && group.queued === 0, 'a disposed group counts tasks');
    await freshGroupsWork(ErrGroup);
    return `${4 * n} calls on a disposed group threw "this ErrGroup was disposed"; free() twice is a no-op`;
  },

  async revokedProxies(ErrGroup, n = 100_000) {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    const fn = Proxy.revocable(() => {}, {});
    fn.revoke();
    for (let i = 0; i < n; i++) {
      const error = thrown(() => ErrGroup.withSignal(proxy), 'withSignal(revoked proxy)');
      check(error instanceof TypeError && /parent must be an AbortSignal/.test(error.message),
        `withSignal(revoked proxy) threw ${error}`);
    }
    const group = new ErrGroup();
    for (const bad of [proxy]) {
      check(thrown(() => group.go(bad), 'go(revoked proxy)') instanceof TypeError, 'go(revoked proxy)');
      check(thrown(() => group.setLimit(bad), 'setLimit(revoked proxy)') instanceof TypeError, 'setLimit(revoked)');
    }
    // A revoked function proxy is a function: calling it is the task's failure.
    group.go(fn.proxy);
    check(await group.wait().then(() => false, (error) => error instanceof TypeError),
      'a task that is a revoked function proxy did not fail with its TypeError');
    let rejected = 0;
    const maps = [];
    for (let i = 0; i < n / 10; i++) {
      let result;
      try {
        result = i % 3 === 0 ? ErrGroup.map([1], (x) => x, { signal: proxy })
          : i % 3 === 1 ? ErrGroup.map([1], (x) => x, proxy)
          : ErrGroup.map(proxy, (x) => x);
      } catch (error) {
        throw new Error(`map() threw ${error} instead of rejecting`);
      }
      maps.push(result.then(() => {}, (error) => { if (error instanceof TypeError) rejected++; }));
    }
    await Promise.all(maps);
    check(rejected === maps.length, `${maps.length - rejected} map() calls with a revoked proxy did not reject with TypeError`);
    await freshGroupsWork(ErrGroup);
    return `${n} withSignal() and ${maps.length} map() calls with revoked proxies: TypeError, thrown or rejected`;
  },

  async manyQueuedTasks(ErrGroup, n = 1_000_000) {
    const group = new ErrGroup();
    group.setLimit(1);
    let ran = 0;
    const task = async () => { ran++; };
    for (let i = 0; i < n; i++) group.go(task);
    check(group.queued === n - 1, `${group.queued} queued of ${n - 1}`);
    group.setLimit(Infinity);
    check(group.active === n && group.queued === 0, `raising the limit admitted ${group.active} of ${n}`);
    await group.wait();
    check(ran === n, `${ran} of ${n} queued tasks ran`);
    await freshGroupsWork(ErrGroup);
    return `${n} tasks queued behind a limit of 1, then run`;
  },

  async mapOverAHugeArray(ErrGroup, n = 9_000_000) {
    const items = new Array(n).fill(0);
    let calls = 0;
    const results = await ErrGroup.map(items, (x, i) => { calls++; return i & 1; }, { limit: 16 });
    check(results.length === n && calls === n, `map over ${n} items gave ${results.length} results`);
    check(results[n - 1] === ((n - 1) & 1), 'the last result is in place');
    await freshGroupsWork(ErrGroup);
    return `map() over an array of ${n} items, pulled lazily`;
  },

  async stackExhaustionInsideGo(ErrGroup, rounds = 50) {
    // SpiderMonkey (Firefox) can throw "too much recursion" on any statement
    // near the stack's end, even once a call into the core has returned:
    // there, a go() at the very end of the stack may count a task it then
    // fails to return, and that group never settles. The README says so.
    // V8 and JavaScriptCore throw only as a function is entered.
    if (typeof InternalError === 'function') return 'not run in SpiderMonkey (see the README)';
    let accepted = 0;
    let refused = 0;
    let ran = 0;
    const wrong = [];
    // What a full stack throws: RangeError, or InternalError in Firefox.
    const full = (error) => error instanceof RangeError || error?.name === 'InternalError';
    const task = () => { ran++; };
    for (let round = 0; round < rounds; round++) {
      // Dive from a task of its own, with no caller's frames below it.
      await sleep(0);
      const group = round % 2 ? ErrGroup.withSignal() : new ErrGroup();
      if (round % 3 === 0) group.setLimit(2);
      let mine = 0;
      const dive = (depth) => {
        try {
          dive(depth + 1);
        } catch {
          // The stack is full here, a little less at each level on the way up.
        }
        try {
          group.go(task);
          mine++;
        } catch (error) {
          // Recorded, not thrown: the level above would catch it.
          if (!full(error)) wrong.push(String(error));
          refused++;
        }
      };
      dive(0);
      check(wrong.length === 0, `go() at the stack's end threw ${wrong.slice(0, 3).join(', ')}`);
      accepted += mine;
      check(group.active + group.queued === mine, `round ${round}: the group counts ${group.active + group.queued} tasks, go() accepted ${mine}`);
      const settled = await Promise.race([group.wait().then(() => true), sleep(5000).then(() => false)]);
      check(settled, `round ${round}: wait() did not settle: the group is wedged`);
    }
    check(ran === accepted, `${ran} tasks ran of ${accepted} accepted`);
    await freshGroupsWork(ErrGroup);
    return `${rounds} dives to the stack's end calling go() at every level: ${accepted} accepted and run, ${refused} refused with the engine's stack error`;
  },

  async mapOverAStalledSource(ErrGroup) {
    let closed = 0;
    const stalled = () => ({
      [Symbol.asyncIterator]() {
        let first = true;
        return {
          next() {
            if (first) { first = false; return Promise.resolve({ done: false, value: 1 }); }
            return new Promise(() => {});
          },
          return() { closed++; return Promise.resolve({ done: true }); },
        };
      },
    });
    const timeout = await ErrGroup.map(stalled(), (x) => x, { signal: AbortSignal.timeout(30) })
      .then(() => 'resolved', (error) => error.name);
    check(timeout === 'TimeoutError', `map over a stalled source gave ${timeout} after its signal's timeout`);
    const failure = new Error('mapper failed');
    const failed = await ErrGroup.map(stalled(), async () => { await sleep(5); throw failure; })
      .then(() => 'resolved', (error) => error);
    check(failed === failure, `map over a stalled source with a failing mapper gave ${failed}`);
    const aborted = new AbortController();
    const pending = ErrGroup.map(stalled(), (x) => x, { signal: aborted.signal });
    await sleep(5);
    aborted.abort('stop');
    const reason = await pending.then(() => 'resolved', (error) => error);
    check(reason === 'stop', `map over a stalled source gave ${reason} after its signal aborted`);
    check(closed === 3, `return() was called ${closed} times of 3`);
    return 'map() over a stalled async source settles on a timeout, a failure and an abort, and calls return()';
  },

  async mapStopsWithoutWaitingForItems(ErrGroup) {
    const aborted = await outcome(ErrGroup.map([1, never, 3], (x) => x, { signal: AbortSignal.timeout(20) }));
    check(aborted?.name === 'TimeoutError', `map over a never-settling item gave ${aborted} after its signal's timeout`);
    const failure = new Error('mapper failed');
    const failed = await outcome(ErrGroup.map([never, 1], async () => { await sleep(5); throw failure; }));
    check(failed === failure, `map over a never-settling item with a failing mapper gave ${failed}`);
    // The source's own next() aborts the map's signal: the generator is
    // closed once next() has returned, and its finally runs.
    const controller = new AbortController();
    let finished = false;
    function* source() {
      try {
        yield 1;
        controller.abort('stop');
        yield 2;
      } finally {
        finished = true;
      }
    }
    const stopped = await outcome(ErrGroup.map(source(), (x) => x, { signal: controller.signal, limit: 1 }));
    check(stopped === 'stop', `map whose source aborted its signal gave ${stopped}`);
    check(finished, "a generator that aborted the map inside next() was not closed: its finally did not run");
    await freshGroupsWork(ErrGroup);
    return 'an aborted or failed map() settles without waiting for a pending promise item, and closes a generator that aborted it';
  },

  async mapOverUserCodeThatAbortsOrThrows(ErrGroup) {
    // 100,000 promise items pending when the map aborts: their slots are
    // given back in a loop, not one nested call each.
    const many = new AbortController();
    const pending = ErrGroup.map(Array.from({ length: 100_000 }, () => never), (x) => x, { signal: many.signal });
    await sleep(1);
    many.abort('stop');
    const manyOutcome = await outcome(pending);
    check(manyOutcome === 'stop', `map over 100,000 pending items gave ${manyOutcome} after an abort`);
    // A promise item whose `constructor` getter throws, next to a running mapper.
    const bad = Promise.resolve(1);
    Object.defineProperty(bad, 'constructor', { get() { throw new Error('bad constructor'); } });
    let finish;
    const slow = new Promise((resolve) => { finish = resolve; });
    const badItem = ErrGroup.map((async function* items() { yield 0; yield bad; })(), async () => { await slow; }, { limit: 2 });
    await sleep(5);
    finish();
    const badOutcome = await outcome(badItem);
    check(badOutcome?.message === 'bad constructor', `map over an item whose constructor getter throws gave ${badOutcome}`);
    // A next() whose promise's `constructor` getter aborts the map, then throws.
    const controller = new AbortController();
    let pulls = 0;
    const aborting = {
      [Symbol.asyncIterator]: () => ({
        next() {
          if (pulls++ === 0) return Promise.resolve({ value: 0, done: false });
          const result = Promise.resolve({ done: true });
          Object.defineProperty(result, 'constructor', { get() { controller.abort('stop'); throw new Error('ctor'); } });
          return result;
        },
      }),
    };
    const abortingOutcome = await outcome(ErrGroup.map(aborting, (x) => sleep(5).then(() => x), { signal: controller.signal, limit: 2 }));
    check(abortingOutcome === 'stop', `map whose next() result aborted it, then threw, gave ${abortingOutcome}`);
    // A result's `done` getter aborts the map; its value never settles.
    const getter = new AbortController();
    let steps = 0;
    const gettersAbort = {
      [Symbol.iterator]: () => ({
        next: () => (steps++ ? { done: true } : { get done() { getter.abort('stop'); return false; }, value: never }),
      }),
    };
    const getterOutcome = await outcome(ErrGroup.map(gettersAbort, (x) => x, { signal: getter.signal }));
    check(getterOutcome === 'stop', `map whose result getter aborted it gave ${getterOutcome}`);
    await freshGroupsWork(ErrGroup);
    return 'map() settles once when user code it calls aborts it or throws: 100,000 pending items, constructor and result getters';
  },

  async stuckTasksOfADisposedGroup(ErrGroup) {
    const parent = new AbortController();
    const group = ErrGroup.withSignal(parent.signal);
    group.setLimit(0);
    let called = 0;
    group.go(() => { called++; });
    const waited = group.wait();
    await sleep(1);
    group.free();
    check(group.queued === 0, `${group.queued} tasks still queued behind 0 after free()`);
    const error = await outcome(waited);
    check(error instanceof Error && /disposed while tasks it can never start were queued/.test(error.message),
      `wait() gave ${error}`);
    await sleep(1);
    check(called === 0, 'a task queued behind 0 ran');
    check(group.signal.aborted && group.signal.reason === error,
      'the signal of a withSignal group disposed while stuck aborts with the error wait() rejects with');
    parent.abort('late');
    check(group.signal.reason !== 'late', 'the disposed group still heard its parent');
    await freshGroupsWork(ErrGroup);
    return 'free() on a group stuck behind a limit of 0 skips its queue, rejects wait() and aborts its signal';
  },

  async aSourceThatThrowsAsItStartsLeavesNoListener(ErrGroup) {
    const parent = new AbortController();
    let added = 0;
    let removed = 0;
    const signal = parent.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = (...args) => { added++; add(...args); };
    signal.removeEventListener = (...args) => { removed++; remove(...args); };
    const throwing = { [Symbol.iterator]: () => ({ next: () => ({ done: true }), get return() { throw new Error('return getter'); } }) };
    for (let i = 0; i < 3; i++) {
      const error = await ErrGroup.map(throwing, (x) => x, { signal }).then(() => null, (e) => e);
      check(error?.message === 'return getter', `map over a source whose return getter throws gave ${error}`);
    }
    check(added === removed, `${added - removed} listeners left on the parent`);
    return 'a map whose source throws as it starts leaves no listener on its parent';
  },

  async smallerOnes(ErrGroup) {
    const group = new ErrGroup();
    group.setLimit(2 ** 32);
    check(group.limit === 2 ** 32, `setLimit(2 ** 32) reads back ${group.limit}`);
    group.setLimit(Infinity);
    check(group.limit === Infinity, `setLimit(Infinity) reads back ${group.limit}`);
    const chars = await ErrGroup.map('ab', (c) => c.toUpperCase());
    check(chars.join() === 'A,B', `map('ab') gave ${chars}`);
    const items = await ErrGroup.map([Promise.resolve(1), 2], (x) => x * 10);
    check(items.join() === '10,20', `map over promise items gave ${items}`);
    const bad = new Error('bad item');
    let mapped = 0;
    const rejected = await ErrGroup.map([Promise.reject(bad)], () => { mapped++; return 1; })
      .then(() => null, (error) => error);
    check(rejected === bad && mapped === 0, `map over a rejected item gave ${rejected}`);
    const undefinedFailure = ErrGroup.withSignal();
    undefinedFailure.go(() => { throw undefined; });
    const thrownUndefined = await undefinedFailure.wait().then(() => 'resolved', (error) => error);
    check(thrownUndefined === undefined, `throw undefined: wait() gave ${thrownUndefined}`);
    check(undefinedFailure.signal.reason?.name === 'AbortError',
      'throw undefined: the signal aborts with the AbortError the platform makes of undefined');
    const none = ErrGroup.withSignal(null);
    await none.wait();
    check(none.signal.aborted, 'withSignal(null) is a group without a parent');
    const disposed = new ErrGroup();
    disposed.free();
    disposed.free();
    return 'setLimit(2 ** 32), map over a string, promise items and a rejected one, throw undefined, withSignal(null), free() twice';
  },

  async manyBusyGroups(ErrGroup, n = 200_000) {
    // A group keeps its state in JS numbers: as many can be busy at once as
    // memory holds, with no table in the core to fill.
    const gate = { open: () => {} };
    const closed = new Promise((resolve) => { gate.open = resolve; });
    const groups = [];
    for (let i = 0; i < n; i++) {
      const group = i % 2 ? ErrGroup.withSignal() : new ErrGroup();
      group.go(() => closed);
      groups.push(group);
    }
    check(groups.every((group) => group.active === 1), 'a busy group lost its task');
    gate.open();
    await Promise.all(groups.map((group) => group.wait()));
    check(groups.every((group) => group.active === 0), 'a settled group still counts a task');
    await freshGroupsWork(ErrGroup);
    return `${n} groups busy at once, all settled`;
  },
};
