// What component tests do with the package in a DOM environment (jsdom,
// happy-dom), where AbortSignal, AbortController and EventTarget are the
// environment's, not the engine's. Each case throws if the package
// misbehaves there; tests/pkg/test-runners.test.mjs runs them under Jest
// and Vitest.
import assert from 'node:assert/strict';

/** A macrotask: a group that can settle has settled by then. */
const macrotask = () => new Promise((resolve) => setTimeout(resolve));

export const domCases = {
  'withSignal(AbortSignal.timeout(ms)) is accepted, and its timeout stops the group': async (ErrGroup) => {
    const group = ErrGroup.withSignal(AbortSignal.timeout(20));
    group.go((signal) => new Promise((resolve, reject) => signal.addEventListener('abort', () => reject(signal.reason))));
    await assert.rejects(group.wait(), (error) => error.name === 'TimeoutError');
  },
  "a withSignal() group's failing task rejects wait() with the failure and aborts the signal with it": async (ErrGroup) => {
    const group = ErrGroup.withSignal();
    const failure = new Error('boom');
    let seen;
    group.go((signal) => new Promise((resolve) => signal.addEventListener('abort', () => { seen = signal.reason; resolve(); })));
    group.go(async () => { throw failure; });
    await assert.rejects(group.wait(), (error) => error === failure);
    assert.equal(seen, failure);
  },
  'map with the signal of an AbortController maps every item': async (ErrGroup) => {
    const controller = new AbortController();
    assert.deepEqual(await ErrGroup.map([1, 2, 3], async (x, i, signal) => x * 2 + Number(signal.aborted), {
      limit: 2, signal: controller.signal,
    }), [2, 4, 6]);
  },
  'a look-alike signal, with listener methods, is refused with TypeError': (ErrGroup) => {
    const lookAlike = { aborted: false, reason: undefined, addEventListener() {}, removeEventListener() {} };
    assert.throws(() => ErrGroup.withSignal(lookAlike), (error) => error instanceof TypeError && /must be an AbortSignal/.test(error.message));
  },
  "an abort listener that throws leaves the group's wait() settling": async (ErrGroup) => {
    const group = ErrGroup.withSignal();
    group.setLimit(1);
    group.signal.addEventListener('abort', () => { throw new Error('a listener failed'); });
    const failure = new Error('boom');
    group.go(async () => { throw failure; });
    group.go(async () => {});
    let outcome = 'pending';
    group.wait().then(() => { outcome = 'resolved'; }, (error) => { outcome = error === failure ? 'the failure' : String(error); });
    await macrotask();
    assert.equal(outcome, 'the failure');
  },
};
