// What the class does beyond Go's errgroup: mapIterable, mapSettled,
// abort(), `await using`, deadlines, counters. Each case checks one rule of
// index.d.ts, throws an Error naming what broke, and returns a line saying
// what it checked. They run in Node (tests/js/features.test.mjs) and in
// Chromium, Firefox and WebKit (tests/features.rs).

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/** `await using`'s symbol, or where an engine lacks it, the one TypeScript's emit uses. */
const asyncDispose = Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');
/** A promise that never settles. */
const never = new Promise(() => {});

function check(ok, what) {
  if (!ok) throw new Error(what);
}

function equal(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

/** What `promise` settles with: { value } or { error }. */
function outcome(promise) {
  return promise.then((value) => ({ value }), (error) => ({ error }));
}

async function collect(iterable) {
  const values = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/** A seeded generator of small delays, so that a run can be replayed. */
function delays(seed) {
  let x = seed;
  return () => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x % 8;
  };
}

/** A source that counts what was pulled, and whether it was closed. */
function counting(n, { async = true, stall = -1 } = {}) {
  const source = { pulled: 0, closed: 0 };
  const next = () => {
    if (source.pulled === stall) return async ? never : { done: false, value: never };
    if (source.pulled >= n) return async ? Promise.resolve({ done: true, value: undefined }) : { done: true, value: undefined };
    const value = source.pulled++;
    return async ? Promise.resolve({ done: false, value }) : { done: false, value };
  };
  const iterator = {
    next,
    return() {
      source.closed++;
      return async ? Promise.resolve({ done: true, value: undefined }) : { done: true, value: undefined };
    },
  };
  source[async ? Symbol.asyncIterator : Symbol.iterator] = () => iterator;
  return source;
}

export const cases = {
  async mapIterableYieldsInInputOrder(ErrGroup) {
    const next = delays(7);
    const items = Array.from({ length: 40 }, (_, i) => i);
    const results = await collect(ErrGroup.mapIterable(items, async (x, i) => {
      await sleep(next());
      return [x * 2, i];
    }, { limit: 5 }));
    equal(results, items.map((x) => [x * 2, x]), 'ordered results');
    return '40 items with random delays come out in input order, each with its index';
  },

  async mapIterableUnorderedYieldsInCompletionOrder(ErrGroup) {
    const next = delays(11);
    const finished = [];
    const results = await collect(ErrGroup.mapIterable(Array.from({ length: 40 }, (_, i) => i), async (x) => {
      await sleep(next());
      finished.push(x);
      return x;
    }, { limit: 5, ordered: false }));
    equal(results, finished, 'completion order');
    equal([...results].sort((a, b) => a - b), Array.from({ length: 40 }, (_, i) => i), 'every result once');
    return 'ordered: false yields each result once, as its mapper ends';
  },

  async mapIterablePullsNoMoreThanLimitAheadOfTheConsumer(ErrGroup) {
    const source = counting(100);
    let ahead = 0;
    let read = 0;
    for await (const value of ErrGroup.mapIterable(source, async (x) => x, { limit: 4 })) {
      check(value === read, `read ${value} at ${read}`);
      read++;
      await sleep(1);
      ahead = Math.max(ahead, source.pulled - read);
    }
    check(ahead <= 4, `${ahead} items pulled ahead of a slow consumer with a limit of 4`);
    check(source.closed === 0, 'an exhausted source was closed');
    return `a slow consumer: at most ${ahead} of a limit of 4 pulled ahead, and an exhausted source is not closed`;
  },

  async breakingOutAbortsTheMappersClosesTheSourceAndWaitsForThem(ErrGroup) {
    const source = counting(1000);
    const reasons = [];
    let running = 0;
    let runningAtExit = -1;
    for await (const value of ErrGroup.mapIterable(source, async (x, i, signal) => {
      running++;
      try {
        if (x === 0) {
          await sleep(5); // the next two mappers start meanwhile
          return x;
        }
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        reasons.push(signal.reason?.name);
        await sleep(10); // still running for a while after the abort
        return x;
      } finally {
        running--;
      }
    }, { limit: 3 })) {
      check(value === 0, `first result ${value}`);
      break;
    }
    runningAtExit = running;
    const pulled = source.pulled;
    await sleep(20);
    check(runningAtExit === 0, `${runningAtExit} mappers still ran when the loop exited`);
    check(reasons.length === 2 && reasons.every((name) => name === 'AbortError'), `the running mappers saw ${reasons}`);
    check(source.closed === 1, `return() called ${source.closed} times`);
    check(source.pulled === pulled, 'the source was pulled after the loop exited');
    return 'break after the first result: the 2 running mappers see an AbortError, the source is closed, the loop exits once they ended';
  },

  async aStalledNextDoesNotBlockLeavingTheLoop(ErrGroup) {
    const source = counting(1000, { stall: 1 });
    const started = Date.now();
    for await (const value of ErrGroup.mapIterable(source, async (x) => x, { limit: 2 })) {
      check(value === 0, `first result ${value}`);
      break;
    }
    check(Date.now() - started < 1000, 'leaving the loop waited for a next() that never settles');
    check(source.closed === 1, 'the stalled source was not closed');
    return 'break while a next() never settles: the loop exits, and return() is called';
  },

  async aThrowInTheLoopBodyStopsTheMapping(ErrGroup) {
    const source = counting(1000);
    const error = new Error('consumer');
    const { error: thrown } = await outcome((async () => {
      for await (const value of ErrGroup.mapIterable(source, async (x) => x, { limit: 2 })) throw error;
    })());
    check(thrown === error, `the loop threw ${thrown}`);
    check(source.closed === 1, 'the source was not closed');
    const pulled = source.pulled;
    await sleep(5);
    check(source.pulled === pulled && pulled <= 3, `${source.pulled} pulled`);
    return 'a throw in the loop body closes the source and pulls nothing more';
  },

  async theFirstFailureIsThrownOnceTheRunningMappersEnded(ErrGroup) {
    const failure = new Error('third');
    let running = 0;
    let atThrow = -1;
    const seen = [];
    try {
      for await (const value of ErrGroup.mapIterable(counting(100), async (x, i, signal) => {
        running++;
        try {
          if (x === 2) throw failure;
          if (x > 2) await new Promise((resolve) => signal.addEventListener('abort', () => setTimeout(resolve, 5)));
          return x;
        } finally {
          running--;
        }
      }, { limit: 3 })) seen.push(value);
    } catch (error) {
      atThrow = running;
      check(error === failure, `the loop threw ${error}`);
    }
    check(atThrow === 0, `${atThrow} mappers still ran when the failure was thrown`);
    equal(seen, [0, 1], 'results before the failure');
    return 'a mapper failure is thrown from the loop, exactly, after the running mappers ended';
  },

  async anAbortedSignalEndsTheLoopWithItsReason(ErrGroup) {
    const controller = new AbortController();
    const { error } = await outcome(collect(ErrGroup.mapIterable(counting(100), async (x, i, signal) => {
      if (x === 3) controller.abort('stop');
      await sleep(1);
      return x;
    }, { limit: 2, signal: controller.signal })));
    check(error === 'stop', `the loop threw ${error}`);
    return "options.signal's abort ends the loop with its reason";
  },

  async mapIterableSettledYieldsEveryOutcome(ErrGroup) {
    const results = await collect(ErrGroup.mapIterable([1, 2, 3], async (x) => {
      if (x === 2) throw 'two';
      return x;
    }, { settled: true }));
    equal(results, [
      { status: 'fulfilled', value: 1 }, { status: 'rejected', reason: 'two' }, { status: 'fulfilled', value: 3 },
    ], 'settled results');
    return 'settled: true yields a PromiseSettledResult per item, and a failure stops nothing';
  },

  async mapIterableSettledEndsWithTheReasonOfAnAbort(ErrGroup) {
    const controller = new AbortController();
    const results = [];
    const { error } = await outcome((async () => {
      for await (const result of ErrGroup.mapIterable(counting(100), async (x, i, signal) => {
        if (x === 2) controller.abort('stop');
        if (x > 0) await sleep(1);
        if (signal.aborted && x > 2) throw signal.reason;
        return x;
      }, { limit: 2, signal: controller.signal, settled: true })) results.push(result);
    })());
    check(error === 'stop', `the loop threw ${error}`);
    check(results.length >= 2 && results.length < 100, `${results.length} results`);
    equal(results.slice(0, 2), [{ status: 'fulfilled', value: 0 }, { status: 'fulfilled', value: 1 }], 'the first results');
    check(results.every((r) => r.status === 'fulfilled' || r.reason === 'stop'), 'every rejection is the reason');
    return "settled: true yields what was pulled, then throws options.signal's reason";
  },

  async mapIterableChecksItsArgumentsAtOnce(ErrGroup) {
    const bad = [
      [() => ErrGroup.mapIterable(5, (x) => x), TypeError],
      [() => ErrGroup.mapIterable([1], 5), TypeError],
      [() => ErrGroup.mapIterable([1], (x) => x, { limit: 0 }), RangeError],
      [() => ErrGroup.mapIterable([1], (x) => x, { ordered: 'no' }), TypeError],
      [() => ErrGroup.mapIterable([1], (x) => x, { timeout: -1 }), RangeError],
    ];
    for (const [call, kind] of bad) {
      let error;
      try {
        call();
      } catch (thrown) {
        error = thrown;
      }
      check(error instanceof kind, `${call} threw ${error}`);
    }
    return 'mapIterable throws TypeError or RangeError at the call, before anything runs';
  },

  async mapSettledMapsEveryItemWhateverFails(ErrGroup) {
    const ran = [];
    const results = await ErrGroup.mapSettled([1, Promise.reject('item'), 3, 4], async (x, i, signal) => {
      ran.push(x);
      if (x === 3) throw new Error('three');
      check(!signal.aborted, 'a failure aborted the signal');
      return x * 10;
    }, { limit: 2 });
    equal(results.map((r) => r.status), ['fulfilled', 'rejected', 'rejected', 'fulfilled'], 'statuses');
    check(results[1].reason === 'item' && results[2].reason.message === 'three', 'reasons');
    equal(results[3].value, 40, 'value');
    equal(ran, [1, 3, 4], 'every item that could be mapped was');
    return 'mapSettled: one entry per item, in input order; a failure stops nothing';
  },

  async anAbortedMapSettledReportsEveryItemPulled(ErrGroup) {
    const controller = new AbortController();
    const results = await ErrGroup.mapSettled([sleep(50).then(() => 'late'), 1, 2], async (x) => {
      await sleep(1);
      if (x === 2) controller.abort('stop');
      return x;
    }, { limit: 3, signal: controller.signal });
    equal(results.map((r) => r.status), ['rejected', 'fulfilled', 'fulfilled'], 'statuses');
    check(results[0].reason === 'stop', `the unmapped item's reason is ${results[0].reason}`);
    return "aborted: an entry per item pulled, the ones never mapped rejected with the signal's reason";
  },

  async abortStopsAGroupWithASignalAsItsParentWould(ErrGroup) {
    const group = ErrGroup.withSignal();
    group.setLimit(1);
    let queuedRan = false;
    group.go((signal) => new Promise((resolve) => signal.addEventListener('abort', resolve)));
    group.go(() => { queuedRan = true; });
    await sleep(0);
    group.abort('stop');
    group.abort('again');
    check(group.signal.reason === 'stop', `the signal's reason is ${group.signal.reason}`);
    check(group.queued === 0, 'the queue was not skipped');
    const { error } = await outcome(group.wait());
    check(error === 'stop', `wait() gave ${error}`);
    check(!queuedRan && group.skipped === 1, `${group.skipped} skipped`);
    const defaulted = ErrGroup.withSignal();
    defaulted.abort();
    check(defaulted.signal.reason?.name === 'AbortError', `abort() without a reason aborts with ${defaulted.signal.reason}`);
    return "abort(reason) aborts a withSignal group's signal once, skips its queue, and wait() rejects with the reason";
  },

  async abortStopsAZeroGroupToo(ErrGroup) {
    const group = new ErrGroup();
    group.setLimit(1);
    const ran = [];
    group.go(() => sleep(5).then(() => ran.push('running')));
    group.go(() => ran.push('queued'));
    await sleep(0);
    group.abort('stop');
    group.go(() => ran.push('later'));
    check(!group.tryGo(() => ran.push('tried')), 'tryGo() after abort() admitted a task');
    check(!group.signal.aborted, "a zero group's signal aborted");
    const { error } = await outcome(group.wait());
    check(error === 'stop', `wait() gave ${error}`);
    equal(ran, ['running'], 'what ran');
    const nothing = new ErrGroup();
    nothing.go(async () => {});
    await sleep(1);
    nothing.abort('late');
    check((await outcome(nothing.wait())).error === undefined, 'an abort that skipped nothing made wait() reject');
    return 'abort() on a zero group skips its queue and later tasks; wait() rejects with the reason only if it skipped work';
  },

  async awaitUsingAbortsSkipsAndWaitsForRunningTasks(ErrGroup) {
    const log = [];
    const group = ErrGroup.withSignal();
    group.setLimit(1);
    group.go(async (signal) => {
      log.push('started');
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      log.push(`aborted: ${signal.reason?.name}`);
      await sleep(5);
      log.push('ended');
    });
    group.go(() => log.push('queued ran'));
    await sleep(1);
    await group[asyncDispose]();
    log.push('disposed');
    equal(log, ['started', 'aborted: AbortError', 'ended', 'disposed'], 'order');
    check(group.active === 0 && group.queued === 0, 'tasks left');
    let threw = false;
    try {
      group.go(() => {});
    } catch {
      threw = true;
    }
    check(threw, 'go() after disposal did not throw');
    return '[Symbol.asyncDispose]() aborts with an AbortError, skips the queue, and resolves once the running task ended';
  },

  async aFailureNobodyWaitedForIsNotAnUnhandledRejection(ErrGroup) {
    const group = ErrGroup.withSignal();
    group.go(async () => { throw new Error('nobody waits'); });
    await sleep(1);
    await group[asyncDispose]();
    const zero = new ErrGroup();
    zero.setLimit(1);
    let queuedRan = false;
    zero.go(() => sleep(5).then(() => { throw new Error('late'); }));
    zero.go(() => { queuedRan = true; });
    await zero[asyncDispose]();
    check(!queuedRan, "a zero group's queued task ran after disposal");
    await zero[asyncDispose]();
    return 'disposing a failed group never rejects, and a zero group skips its queue and waits';
  },

  async aDeadlinePassingInTheQueueFailsTheTaskUncalled(ErrGroup) {
    const group = ErrGroup.withSignal();
    group.setLimit(1);
    let called = false;
    let siblingReason;
    group.go((signal) => new Promise((resolve) => signal.addEventListener('abort', () => {
      siblingReason = signal.reason;
      resolve();
    })));
    group.go(() => { called = true; }, { timeout: 10 });
    const { error } = await outcome(group.wait());
    check(error?.name === 'TimeoutError', `wait() gave ${error}`);
    check(siblingReason === error, 'the running sibling was not aborted with the TimeoutError');
    check(!called, 'a task whose deadline passed in the queue was called');
    equal([group.failed, group.skipped, group.succeeded], [1, 0, 1], 'counters');
    return 'a deadline that passes in the queue: the task is never called, and the group fails with the TimeoutError';
  },

  async aDeadlinePassingWhileRunningAbortsTheTasksSignal(ErrGroup) {
    const group = ErrGroup.withSignal();
    let seen;
    group.go(async (signal) => {
      check(signal !== group.signal, 'a timed task got the group signal');
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      seen = signal.reason;
      return 'finished anyway';
    }, { timeout: 10 });
    const { error } = await outcome(group.wait());
    check(error?.name === 'TimeoutError' && error === seen, `wait() gave ${error}, the task saw ${seen}`);
    const quick = ErrGroup.withSignal();
    quick.go(async () => 'fast', { timeout: 1000 });
    check((await outcome(quick.wait())).error === undefined, 'a task within its deadline failed');
    return "a deadline that passes while the task runs aborts its signal, and the task fails with the TimeoutError whatever it returns";
  },

  async aTimedTasksSignalAbortsWithItsGroup(ErrGroup) {
    const group = ErrGroup.withSignal();
    let seen;
    group.go(async (signal) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      seen = signal.reason;
    }, { timeout: 10_000 });
    group.go(() => { throw 'first'; });
    const { error } = await outcome(group.wait());
    check(error === 'first' && seen === 'first', `wait() gave ${error}, the timed task saw ${seen}`);
    return "a timed task's signal aborts with its group's, with the group's reason";
  },

  async mapDeadlinesCountFromThePull(ErrGroup) {
    const { error } = await outcome(ErrGroup.map([5, 50, 5], async (ms, i, signal) => {
      await Promise.race([sleep(ms), new Promise((resolve) => signal.addEventListener('abort', resolve))]);
      return ms;
    }, { timeout: 25 }));
    check(error?.name === 'TimeoutError', `map gave ${error}`);
    const settled = await ErrGroup.mapSettled([5, 50], (ms) => sleep(ms).then(() => ms), { timeout: 25 });
    equal(settled.map((r) => r.status), ['fulfilled', 'rejected'], 'mapSettled statuses');
    check(settled[1].reason?.name === 'TimeoutError', 'the timed-out item is rejected with a TimeoutError');
    return 'timeout in map and mapSettled: an item mapped past its deadline fails with a TimeoutError';
  },

  async badTimeoutsAreRangeOrTypeErrors(ErrGroup) {
    const group = new ErrGroup();
    for (const [options, kind] of [[{ timeout: -1 }, RangeError], [{ timeout: NaN }, RangeError],
      [{ timeout: 2 ** 31 }, RangeError], [{ timeout: '5' }, TypeError], [5, TypeError]]) {
      let error;
      try {
        group.go(() => {}, options);
      } catch (thrown) {
        error = thrown;
      }
      check(error instanceof kind, `go(task, ${JSON.stringify(options)}) threw ${error}`);
    }
    check(group.queued === 0 && group.active === 0, 'a refused task was counted');
    group.go(() => {}, { timeout: Infinity });
    group.go(() => {}, {});
    await group.wait();
    return 'timeout is a number of ms from 0 to 2^31 - 1, or Infinity; anything else throws and queues nothing';
  },

  async freeSkipsAQueueStuckBehindZeroOnceTheRunningTasksEnd(ErrGroup) {
    for (const group of [new ErrGroup(), ErrGroup.withSignal()]) {
      let queuedRan = false;
      group.setLimit(1);
      group.go(() => sleep(10));
      group.go(() => { queuedRan = true; });
      group.setLimit(0);
      const waited = outcome(group.wait());
      const ready = group.ready();
      group.free();
      const { error } = await waited;
      check(error instanceof Error && /disposed while tasks it can never start were queued/.test(error.message),
        `wait() gave ${error}`);
      await ready;
      check(!queuedRan && group.queued === 0, 'the stuck task ran, or is still queued');
    }
    return 'free() while a task runs and another waits behind a limit of 0: once the running one ends, the queue is skipped and wait() rejects';
  },

  async asyncDisposeResolvesWithNothingWhateverTheTasksDid(ErrGroup) {
    const adopted = { then(resolve, reject) { reject(new Error('adopted')); } };
    for (const failure of [new Error('plain'), adopted]) {
      const group = new ErrGroup();
      group.go(async () => { await sleep(1); throw failure; });
      const { value, error } = await outcome(group[asyncDispose]());
      check(value === undefined && error === undefined, `disposing gave ${value ?? error}`);
    }
    const aborted = ErrGroup.withSignal();
    aborted.go(() => sleep(5));
    aborted.abort(adopted);
    const { value, error } = await outcome(aborted[asyncDispose]());
    check(value === undefined && error === undefined, `disposing an aborted group gave ${value ?? error}`);
    return '[Symbol.asyncDispose]() resolves with undefined whatever a task threw or the group was aborted with, thenables too';
  },

  async aMapDeadlineCoversAPromiseItem(ErrGroup) {
    const { error } = await outcome(ErrGroup.map([never], (x) => x, { timeout: 20 }));
    check(error?.name === 'TimeoutError', `map over a never-settling item with a deadline gave ${error}`);
    const late = await ErrGroup.mapSettled([sleep(200).then(() => 1), 2], (x) => x, { timeout: 20 });
    equal(late.map((r) => r.status), ['rejected', 'fulfilled'], 'statuses');
    check(late[0].reason?.name === 'TimeoutError', 'the late item failed with a TimeoutError');
    return "an item's deadline counts from its pull: a promise item that outlives it fails with its TimeoutError";
  },

  async aTaskAnotherTaskStartsRunsOnALaterMicrotask(ErrGroup) {
    const order = [];
    const group = new ErrGroup();
    group.go(() => {
      queueMicrotask(() => order.push('microtask queued first'));
      group.go(() => order.push('child'));
      order.push('parent');
    });
    await group.wait();
    equal(order, ['parent', 'microtask queued first', 'child'], 'order');
    return 'a task that go() admits from inside a task is called on a later microtask, in every engine';
  },

  async countersAddUp(ErrGroup) {
    const group = ErrGroup.withSignal();
    group.setLimit(2);
    group.go(async () => {});
    group.go(() => 'sync');
    await sleep(1);
    group.go(async () => { await sleep(2); throw 'x'; });
    group.go(() => sleep(10));
    group.go(() => {});
    group.go(() => {});
    check(group.active === 2 && group.queued === 2, `active ${group.active}, queued ${group.queued}`);
    await outcome(group.wait());
    equal([group.succeeded, group.failed, group.skipped], [3, 1, 2], 'succeeded, failed, skipped');
    return 'succeeded, failed and skipped count every task that ended';
  },
};
