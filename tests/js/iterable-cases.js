// mapIterable as an async iterator: the behaviours p-map 7's tests check
// for pMapIterable (in input order, failures, backpressure, what is pulled
// and mapped after the consumer leaves, closing the source), with our
// differences on purpose checked as such (the README lists them: no
// separate `backpressure`, no skip sentinel, and leaving the loop waits for
// the running mappers, which see their signal abort); then the iterator's
// own methods, called by hand. Each case throws an Error naming what broke
// and returns a line saying what it checked. They run in Node
// (tests/js/iterable.test.mjs) and in Chromium, Firefox and WebKit
// (tests/iterable.rs).

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const asyncDispose = Symbol.asyncDispose ?? Symbol.for('Symbol.asyncDispose');
const never = new Promise(() => {});

function check(ok, what) {
  if (!ok) throw new Error(what);
}

function equal(actual, expected, what) {
  const [a, e] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== e) throw new Error(`${what}: got ${a}, expected ${e}`);
}

function outcome(promise) {
  return promise.then((value) => ({ value }), (error) => ({ error }));
}

async function collect(iterable) {
  const values = [];
  for await (const value of iterable) values.push(value);
  return values;
}

/** A promise and what settles it. */
function gate() {
  let open;
  const opened = new Promise((resolve) => { open = resolve; });
  return { opened, open };
}

/** Settles once `signal` aborts. */
function aborted(signal) {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', resolve, { once: true });
  });
}

/** An async generator of 0 .. n - 1 that records whether it was closed. */
function numbers(n) {
  const source = { closed: false, exhausted: false, pulled: 0 };
  source.iterator = (async function* () {
    try {
      for (let i = 0; i < n; i++) {
        source.pulled++;
        yield i;
      }
      source.exhausted = true;
    } finally {
      source.closed = true;
    }
  })();
  return source;
}

export const cases = {
  async resultsComeInInputOrderWithTheirIndexes(ErrGroup) {
    const items = [sleep(30).then(() => 'a'), sleep(5).then(() => 'b'), sleep(15).then(() => 'c')];
    const results = await collect(ErrGroup.mapIterable(items, async (value, index) => [value, index], { limit: 3 }));
    equal(results, [['a', 0], ['b', 1], ['c', 2]], 'results');
    equal(await collect(ErrGroup.mapIterable([], async (x) => x)), [], 'an empty source');
    return 'promise items that settle out of order are yielded in input order, with their indexes; an empty source yields nothing';
  },

  async manyResultsWaitingForAConsumerStayInOrder(ErrGroup) {
    const items = Array.from({ length: 300 }, (_, i) => i);
    const delay = (i) => sleep((i * 7) % 11);
    for (const ordered of [true, false]) {
      const iterator = ErrGroup.mapIterable(items, async (x) => {
        await delay(x);
        return x;
      }, { ordered })[Symbol.asyncIterator]();
      const results = [(await iterator.next()).value];
      await sleep(40); // every other result arrives while nobody reads
      for (let step = await iterator.next(); !step.done; step = await iterator.next()) results.push(step.value);
      if (ordered) equal(results, items, 'in input order');
      else equal(results.slice().sort((a, b) => a - b), items, 'every result once');
    }
    return '300 results waiting for a consumer that reads late come out whole: in input order, or each once';
  },

  async aSourceWhoseNextRejectsRejectsNext(ErrGroup) {
    const failure = new Error('foo');
    let calls = 0;
    const throwing = { [Symbol.asyncIterator]: () => ({ async next() { calls++; throw failure; } }) };
    const { error } = await outcome(ErrGroup.mapIterable(throwing, async (x) => x).next());
    check(error === failure, `next() rejected with ${error}`);
    check(calls === 1, `the source's next() was called ${calls} times`);
    const undefinedSource = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(undefined) }) };
    const second = await outcome(ErrGroup.mapIterable(undefinedSource, async (x) => x).next());
    check('error' in second && second.error === undefined, 'a source that rejects with undefined');
    return "a source whose next() rejects rejects the first next(), with exactly that value, undefined too";
  },

  async aFailureEndsTheStreamAfterTheResultsBeforeIt(ErrGroup) {
    const output = [];
    let aborts = 0;
    const { error } = await outcome((async () => {
      for await (const value of ErrGroup.mapIterable([1, 2, 3], async (x, i, signal) => {
        if (x === 1) return 10;
        if (x === 2) {
          await sleep(10);
          throw new Error('bar');
        }
        await Promise.race([sleep(200), aborted(signal)]);
        if (signal.aborted) aborts++;
        return 30;
      })) output.push(value);
    })());
    check(error?.message === 'bar', `the loop threw ${error}`);
    equal(output, [10], 'results before the failure');
    check(aborts === 1, 'the third mapper did not see its signal abort');
    return 'a failure is thrown after the results before it, and the other running mapper sees its signal abort';
  },

  async noUnhandledRejectionFromANextLeftPendingByAFailure(ErrGroup) {
    let calls = 0;
    const source = {
      [Symbol.asyncIterator]: () => ({
        async next() {
          calls++;
          if (calls === 1) return { done: false, value: 1 };
          await sleep(20);
          throw new Error('next() failed');
        },
      }),
    };
    const { error } = await outcome(collect(ErrGroup.mapIterable(source, async () => { throw new Error('foo'); }, { limit: 2 })));
    check(error?.message === 'foo', `the loop threw ${error}`);
    await sleep(50); // the abandoned next() rejects meanwhile: the runner fails on an unhandled rejection
    return "a source's next() that rejects after a failure stopped the stream is no unhandled rejection";
  },

  async theLimitBoundsHowManyMappersRun(ErrGroup) {
    for (const limit of [1, 2]) {
      let running = 0;
      let most = 0;
      const results = await collect(ErrGroup.mapIterable([1, 2, 3, 4, 5], async (x) => {
        most = Math.max(most, ++running);
        await sleep(3);
        running--;
        return x * 10;
      }, { limit }));
      equal(results, [10, 20, 30, 40, 50], `results, limit ${limit}`);
      check(most === limit, `limit ${limit}: ${most} ran at once`);
    }
    const log = [];
    await collect(ErrGroup.mapIterable(numbers(3).iterator, async (n) => {
      log.push(n);
      await sleep(5);
      log.push(n);
    }, { limit: 1 }));
    equal(log, [0, 0, 1, 1, 2, 2], 'an async source, limit 1');
    return 'at most limit mappers run (1 and 2), over arrays and async sources';
  },

  async aSlowConsumerHoldsAtMostLimitResults(ErrGroup) {
    let started = 0;
    const iterator = ErrGroup.mapIterable([0, 1, 2, 3, 4, 5, 6, 7], async (x) => {
      started++;
      return x;
    }, { limit: 2 })[Symbol.asyncIterator]();
    equal(await iterator.next(), { value: 0, done: false }, 'first');
    await sleep(20);
    check(started === 3, `${started} mapped while the consumer held one result (limit 2)`);
    equal(await iterator.next(), { value: 1, done: false }, 'second');
    await sleep(20);
    check(started === 4, `${started} mapped after the second read`);
    await iterator.return();
    return 'a consumer that stops reading stops the mapping: at most limit results wait for it (p-map: `backpressure`)';
  },

  async leavingTheLoopStopsPullingAndMapping(ErrGroup) {
    for (const leave of ['break', 'throw', 'return()']) {
      const source = numbers(100);
      let calls = 0;
      const mapper = async (value, index, signal) => {
        calls++;
        if (value === 0) await sleep(5); // the second mapper starts meanwhile
        else await aborted(signal);
        return value;
      };
      const stream = ErrGroup.mapIterable(source.iterator, mapper, { limit: 2 });
      if (leave === 'return()') {
        const iterator = stream[Symbol.asyncIterator]();
        equal(await iterator.next(), { value: 0, done: false }, 'first');
        equal(await iterator.return(), { done: true }, 'return()');
        equal(await iterator.next(), { done: true }, 'next() after return()');
      } else {
        const { error } = await outcome((async () => {
          for await (const value of stream) {
            check(value === 0, `first result ${value}`);
            if (leave === 'throw') throw new Error('consumer');
            break;
          }
        })());
        check(leave === 'break' ? error === undefined : error?.message === 'consumer', `${leave}: ${error}`);
      }
      const [mapped, pulled] = [calls, source.pulled];
      // The first result, and the running mappers: at most limit items are
      // pulled and not yet read (p-map: 3, with concurrency and backpressure 2).
      check(mapped >= 2 && mapped <= 3, `${leave}: ${mapped} mapper calls`);
      await sleep(20);
      check(calls === mapped && source.pulled === pulled, `${leave}: mapped or pulled after the loop was left`);
      check(source.closed, `${leave}: the source was not closed`);
    }
    return 'break, a throw in the body and return() close the source, and nothing is pulled or mapped afterwards';
  },

  async theRunningMappersSettleBeforeTheLoopExits(ErrGroup) {
    let started = 0;
    let settled = 0;
    for await (const value of ErrGroup.mapIterable(numbers(100).iterator, async (value, index, signal) => {
      started++;
      if (value === 0) await sleep(5); // the other two start meanwhile
      else await aborted(signal);
      settled++;
      return value;
    }, { limit: 3 })) {
      check(value === 0, `first result ${value}`);
      break;
    }
    check(started >= 3 && settled === started, `${started} mappers started, ${settled} settled when the loop exited`);
    return 'after break, the loop exits once the running mappers have settled (p-map lets them run on)';
  },

  async inputThatArrivesAfterTheStopIsNeverMapped(ErrGroup) {
    const runs = [
      ['break', (g) => (async function* () { yield 0; await g.opened; yield 1; yield 2; })(), false],
      ['break, promise items', (g) => [0, g.opened.then(() => 1), g.opened.then(() => 2)], false],
      ['a mapper throws', (g) => (async function* () { yield 0; await g.opened; yield 1; })(), true],
      ['return()', (g) => (async function* () { yield 0; await g.opened; yield 1; })(), false],
    ];
    for (const [stop, source, fails] of runs) {
      const g = gate();
      const mapped = [];
      const stream = ErrGroup.mapIterable(source(g), async (value) => {
        mapped.push(value);
        if (fails) throw new Error(`mapper error ${value}`);
        return value;
      }, { limit: 3 });
      if (fails) {
        const { error } = await outcome(collect(stream));
        check(error?.message === 'mapper error 0', `${stop}: ${error}`);
      } else if (stop === 'return()') {
        const iterator = stream[Symbol.asyncIterator]();
        equal(await iterator.next(), { value: 0, done: false }, 'first');
        await iterator.return();
      } else {
        for await (const value of stream) {
          check(value === 0, `${stop}: first result ${value}`);
          break;
        }
      }
      g.open();
      await sleep(20);
      equal(mapped, [0], `${stop}: mapped`);
    }
    return 'input that arrives after break, return() or a failure (items and promise items) is never mapped';
  },

  async aPendingEarlierItemIsDroppedWhenALaterMapperFails(ErrGroup) {
    const g = gate();
    const mapped = [];
    const result = outcome(collect(ErrGroup.mapIterable([g.opened.then(() => 0), 1], async (value) => {
      mapped.push(value);
      throw new Error(`mapper error ${value}`);
    }, { limit: 2 })));
    await sleep(10);
    equal(mapped, [1], 'mapped before the first item settled');
    g.open();
    const { error } = await result;
    check(error?.message === 'mapper error 1', `the loop threw ${error}`);
    equal(mapped, [1], 'mapped in all');
    return 'a promise item still pending when a later mapper fails is never mapped';
  },

  async theSourceIsClosedOnceAndOnlyWhenItMustBe(ErrGroup) {
    const failing = numbers(100);
    const { error } = await outcome(collect(ErrGroup.mapIterable(failing.iterator, async (value) => {
      if (value === 1) throw new Error('mapper error');
      return value;
    }, { limit: 2 })));
    check(error?.message === 'mapper error', `the loop threw ${error}`);
    check(failing.closed, 'a mapper failure did not close the source');

    const whole = numbers(2);
    equal(await collect(ErrGroup.mapIterable(whole.iterator, async (value) => value, { limit: 1 })), [0, 1], 'results');
    check(whole.exhausted && whole.closed, 'an exhausted source ran to its end');

    let returns = 0;
    let index = 0;
    const sync = { [Symbol.iterator]: () => ({ next: () => ({ done: false, value: index++ }), return() { returns++; return { done: true }; } }) };
    const iterator = ErrGroup.mapIterable(sync, async (value) => value, { limit: 2 })[Symbol.asyncIterator]();
    equal(await iterator.next(), { value: 0, done: false }, 'a sync source');
    await iterator.return();
    check(returns === 1, `a sync source's return() was called ${returns} times`);
    return "a mapper failure closes the source; an exhausted one is not closed early; a sync source's return() is called once";
  },

  async aSourceWhoseReturnRejectsDoesNotTroubleTheConsumer(ErrGroup) {
    let index = 0;
    const source = {
      [Symbol.asyncIterator]: () => ({
        async next() { return { done: false, value: index++ }; },
        async return() { throw new Error('return failed'); },
      }),
    };
    for await (const value of ErrGroup.mapIterable(source, async (value) => value, { limit: 2 })) {
      check(value === 0, `first result ${value}`);
      break;
    }
    await sleep(20);
    return "a source whose return() rejects: the loop exits cleanly, and that is no unhandled rejection";
  },

  async aSourceBlockedInNextDoesNotHoldTheExit(ErrGroup) {
    const source = (async function* () { yield 0; await never; })();
    const started = Date.now();
    for await (const value of ErrGroup.mapIterable(source, async (value) => value, { limit: 2 })) {
      check(value === 0, `first result ${value}`);
      break;
    }
    check(Date.now() - started < 500, 'the exit waited for a next() that never settles');
    return 'a source stuck in next() does not hold the loop exit';
  },

  async nextCallsThatOverlapAreServedInOrder(ErrGroup) {
    const iterator = ErrGroup.mapIterable([1, 2, 3], async (x) => {
      await sleep((4 - x) * 5);
      return x;
    }, { limit: 3 })[Symbol.asyncIterator]();
    const results = await Promise.all([iterator.next(), iterator.next(), iterator.next(), iterator.next(), iterator.next()]);
    equal(results, [
      { value: 1, done: false }, { value: 2, done: false }, { value: 3, done: false }, { done: true }, { done: true },
    ], 'five next() calls at once');
    const failing = ErrGroup.mapIterable([1, 2], async (x) => {
      if (x === 2) throw 'two';
      return x;
    }, { limit: 1 })[Symbol.asyncIterator]();
    const outcomes = await Promise.all([failing.next(), failing.next(), failing.next()].map(outcome));
    equal(outcomes, [{ value: { value: 1, done: false } }, { error: 'two' }, { value: { done: true } }], 'a failure among them');
    return 'next() calls made before the earlier ones settled get the results in order, then the failure once, then done';
  },

  async returnOrThrowBeforeTheFirstNextRunsNothing(ErrGroup) {
    let pulls = 0;
    let calls = 0;
    const source = { [Symbol.iterator]: () => { pulls++; return [1, 2][Symbol.iterator](); } };
    const mapper = async (x) => { calls++; return x; };
    const first = ErrGroup.mapIterable(source, mapper);
    equal(await first.return('r'), { value: 'r', done: true }, 'return() before next()');
    equal(await first.next(), { done: true }, 'next() after it');
    const second = ErrGroup.mapIterable(source, mapper);
    const failure = new Error('thrown in');
    const { error } = await outcome(second.throw(failure));
    check(error === failure, `throw() before next() rejected with ${error}`);
    equal(await second.next(), { done: true }, 'next() after throw()');
    check(pulls === 0 && calls === 0, `the source was opened ${pulls} times, the mapper called ${calls} times`);
    return 'return() or throw() before the first next() never opens the source, as an async generator';
  },

  async returnAwaitsItsValueAsAnAsyncGeneratorDoes(ErrGroup) {
    const started = ErrGroup.mapIterable([1, 2], async (x) => x);
    equal(await started.next(), { value: 1, done: false }, 'first');
    equal(await started.return(Promise.resolve('r')), { value: 'r', done: true }, 'return(a promise) after start');
    equal(await ErrGroup.mapIterable([1], async (x) => x).return(Promise.resolve('s')), { value: 's', done: true }, 'before start');
    const failure = new Error('refused');
    const { error } = await outcome(ErrGroup.mapIterable([1], async (x) => x).return(Promise.reject(failure)));
    check(error === failure, `return(a rejected promise) settled with ${error}`);
    const first = await ErrGroup.mapIterable([], async (x) => x).next();
    first.extra = true; // a done result is the caller's own object
    return 'return(value) awaits value: it resolves with what a promise fulfils with, and rejects with what it rejects with';
  },

  async throwLeavesAsReturnAndRejectsWithItsValue(ErrGroup) {
    let running = 0;
    const source = numbers(100);
    const iterator = ErrGroup.mapIterable(source.iterator, async (value, index, signal) => {
      running++;
      if (value > 0) await aborted(signal);
      await sleep(2);
      running--;
      return value;
    }, { limit: 3 })[Symbol.asyncIterator]();
    equal(await iterator.next(), { value: 0, done: false }, 'first');
    const failure = new Error('thrown in');
    const { error } = await outcome(iterator.throw(failure));
    check(error === failure, `throw() rejected with ${error}`);
    check(running === 0, `${running} mappers still ran when throw() settled`);
    check(source.closed, 'the source was not closed');
    equal(await iterator.next(), { done: true }, 'next() after throw()');
    return 'throw(e) stops the mappers and the source as return() does, and rejects with e once they have ended';
  },

  async awaitUsingTheStreamLeavesNothingRunning(ErrGroup) {
    let running = 0;
    const source = numbers(100);
    const stream = ErrGroup.mapIterable(source.iterator, async (value, index, signal) => {
      running++;
      if (value > 0) await aborted(signal);
      await sleep(2);
      running--;
      return value;
    }, { limit: 3 });
    check(typeof stream[asyncDispose] === 'function', 'no async disposer');
    equal(await stream.next(), { value: 0, done: false }, 'first');
    const value = await stream[asyncDispose]();
    check(value === undefined, `the disposer resolved with ${value}`);
    check(running === 0 && source.closed, `${running} mappers ran on after disposal`);
    return '[Symbol.asyncDispose]() (await using) leaves as return() does: the mappers and the source are stopped when it resolves';
  },
};
