// The built package, used from plain JavaScript as an npm user would.
// Run by scripts/test.sh with `node --test` after scripts/build-pkg.mjs.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { createRequire } from 'node:module';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ErrGroup } from '../../pkg/index.js';
import { startServer } from '../../scripts/test-server.mjs';

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
let server;
before(async () => { server = await startServer(); });
after(() => server.server.close());

test('require() loads the same package without init()', () => {
  const { ErrGroup: FromRequire } = createRequire(import.meta.url)('../../pkg/index.js');
  assert.equal(typeof new FromRequire().go, 'function');
});

test('the first failure rejects wait() and aborts the signal with the same value', async () => {
  const group = ErrGroup.withSignal();
  const failure = { code: 'E_FIRST' };
  const seen = [];
  group.go(async (signal) => {
    await new Promise((resolve) => signal.addEventListener('abort', resolve));
    seen.push(signal.reason);
  });
  group.go(async () => { await sleep(2); throw failure; });
  group.go(async () => { await sleep(10); throw new Error('second'); });
  await assert.rejects(group.wait(), (e) => e === failure);
  assert.equal(group.signal.reason, failure);
  assert.deepEqual(seen, [failure]);
});

test('1,000 running siblings all see the abort before any later macrotask', async () => {
  const group = ErrGroup.withSignal();
  let aborted = 0;
  let atNextTask = -1;
  for (let i = 0; i < 1000; i++) {
    group.go((signal) => new Promise((resolve) => {
      signal.addEventListener('abort', () => { aborted++; resolve(); });
    }));
  }
  const failure = new Error('first');
  group.go(async () => {
    await sleep(1);
    setTimeout(() => { atNextTask = aborted; });
    throw failure;
  });
  await assert.rejects(group.wait(), (e) => e === failure);
  await sleep(5);
  assert.equal(atNextTask, 1000);
});

test('no more than limit tasks run, in FIFO order', async () => {
  const group = new ErrGroup();
  group.setLimit(3);
  let running = 0, peak = 0;
  const order = [];
  for (let i = 0; i < 30; i++) {
    group.go(async () => {
      order.push(i);
      peak = Math.max(peak, ++running);
      await sleep(i % 3);
      running--;
    });
  }
  assert.equal(group.active, 3);
  assert.equal(group.queued, 27);
  await group.wait();
  assert.equal(peak, 3);
  assert.deepEqual(order, [...Array(30).keys()]);
});

test('await ready() before go() is backpressure: nothing ever queues', async () => {
  const group = new ErrGroup();
  group.setLimit(2);
  let started = 0;
  for (let i = 0; i < 10; i++) {
    await group.ready();
    group.go(async () => { started++; await sleep(1); });
    assert.equal(group.queued, 0);
  }
  await group.wait();
  assert.equal(started, 10);
});

test('after an abort queued tasks are skipped, never called', async () => {
  const group = ErrGroup.withSignal();
  group.setLimit(1);
  const called = [];
  group.go(async () => { throw new Error('stop'); });
  for (const i of [1, 2, 3]) group.go(() => called.push(i));
  await assert.rejects(group.wait(), /stop/);
  await sleep(1);
  assert.deepEqual(called, []);
  assert.throws(() => group.go(() => {}), /settled/);
});

test('a parent abort skips work and wait() rejects with the parent reason', async () => {
  const parent = new AbortController();
  const group = ErrGroup.withSignal(parent.signal);
  group.setLimit(1);
  group.go(() => sleep(5));
  group.go(() => assert.fail('never called'));
  await sleep(0);
  const reason = new Error('navigated away');
  parent.abort(reason);
  await assert.rejects(group.wait(), (e) => e === reason);
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
});

test('a long-lived parent collects no listeners', async () => {
  const parent = new AbortController();
  for (let i = 0; i < 200; i++) {
    const group = ErrGroup.withSignal(parent.signal);
    group.go(async () => { if (i % 2) throw i; });
    await group.wait().catch(() => {});
  }
  assert.equal(getEventListeners(parent.signal, 'abort').length, 0);
});

test('bad input throws at once with a clear error', () => {
  const group = new ErrGroup();
  for (const bad of [undefined, null, 1, 'task', {}]) {
    assert.throws(() => group.go(bad), TypeError);
    assert.throws(() => group.tryGo(bad), TypeError);
  }
  for (const bad of [NaN, 1.5, -1, -Infinity]) assert.throws(() => group.setLimit(bad), RangeError);
  for (const bad of ['3', undefined, null, {}, 3n]) assert.throws(() => group.setLimit(bad), TypeError);
  assert.equal(group.limit, Infinity);
  assert.throws(() => ErrGroup.withSignal({ aborted: false }), TypeError);
});

test('failures nobody waits for never become unhandled rejections', async () => {
  const unhandled = [];
  const record = (reason) => unhandled.push(reason);
  process.on('unhandledRejection', record);
  try {
    const group = ErrGroup.withSignal();
    group.go(() => Promise.reject(new Error('a')));
    group.go(() => { throw new Error('b'); });
    new ErrGroup().go(async () => { throw new Error('c'); });
    await sleep(20);
    assert.deepEqual(unhandled, []);
  } finally {
    process.off('unhandledRejection', record);
  }
});

test('real fetch: the first HTTP failure aborts the slow siblings', async () => {
  const group = ErrGroup.withSignal();
  group.setLimit(3);
  const aborted = [];
  for (const path of ['/ok', '/slow?ms=5000', '/slow?ms=5000', '/status?code=500', '/ok']) {
    group.go(async (signal) => {
      let response;
      try {
        response = await fetch(server.origin + path, { signal });
        await response.clone().text();
      } catch (e) {
        assert.equal(e, signal.reason, 'an aborted fetch rejects with the group reason');
        aborted.push(path);
        throw e;
      }
      if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    });
  }
  await assert.rejects(group.wait(), /status\?code=500: HTTP 500/);
  assert.deepEqual(aborted, ['/slow?ms=5000', '/slow?ms=5000']);
  for (let i = 0; i < 50 && server.stats.open > 0; i++) await sleep(20);
  assert.equal(server.stats.open, 0);
});

test('real fetch: an unreachable port fails the group with a TypeError', async () => {
  const group = new ErrGroup();
  group.go((signal) => fetch(server.deadOrigin, { signal }));
  await assert.rejects(group.wait(), TypeError);
});

test('each task runs in the async context of its own go() call, queued or not', async () => {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const request = new AsyncLocalStorage();
  const group = new ErrGroup();
  group.setLimit(2);
  const seen = [];
  for (let i = 0; i < 12; i++) {
    request.run(i, () => group.go(async () => {
      seen.push([i, request.getStore()]);
      await sleep(i % 3);
      seen.push([i, request.getStore()]);
    }));
  }
  await group.wait();
  assert.equal(request.run('tryGo', () => group.tryGo(() => seen.push(['tryGo', request.getStore()]))), true);
  await group.wait();
  assert.equal(seen.length, 25);
  for (const [i, store] of seen) assert.equal(store, i);
});

test('map() mappers run in the async context of the map() call', async () => {
  const { AsyncLocalStorage } = await import('node:async_hooks');
  const request = new AsyncLocalStorage();
  const stores = await request.run('caller', () => ErrGroup.map([1, 2, 3, 4], async () => {
    await sleep(1);
    return request.getStore();
  }, { limit: 2 }));
  assert.deepEqual(stores, ['caller', 'caller', 'caller', 'caller']);
});

test('calls stopped by the end of the stack: parent aborts are heard later, free() settles or can be called again', () => {
  const script = fileURLToPath(new URL('./stack-end.mjs', import.meta.url));
  const result = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8' });
  assert.equal(result.status, 0, result.stderr);
  const { aborted, missed, ran, rejected, heard, freed, refused, freedPending } = JSON.parse(result.stdout);
  assert.ok(aborted > 10_000, `only ${aborted} parents aborted`);
  assert.ok(missed > 0, 'no listener was stopped by the end of the stack: the dive tested nothing');
  assert.equal(ran, 0, 'a task given to a group whose parent had aborted ran');
  assert.equal(rejected, aborted, "wait() did not reject with the parent's reason");
  assert.equal(heard, aborted, "a group's signal did not abort with the parent's reason");
  assert.ok(freed > 10_000, `only ${freed} groups freed`);
  assert.ok(refused > 0, 'no free() was stopped by the end of the stack: the dive tested nothing');
  assert.equal(freedPending, 0, 'wait() on a group freed at the end of the stack, then freed again, never settled');
});

test("an abort listener that aborts the group's parent, then calls go(), gets the task skipped", async () => {
  const parent = new AbortController();
  const group = ErrGroup.withSignal(parent.signal);
  const log = [];
  group.signal.addEventListener('abort', () => {
    parent.abort('P');
    group.go(() => log.push('ran'));
    log.push(`queued ${group.queued}, active ${group.active}`);
  });
  const failure = new Error('F');
  group.go(async () => { throw failure; });
  await assert.rejects(group.wait(), (e) => e === failure);
  await sleep(1);
  assert.deepEqual(log, ['queued 0, active 0']);
});

test('many timed tasks in one group add one listener to its signal, and none once they ended', async () => {
  const warnings = [];
  const record = (warning) => warnings.push(warning.name);
  process.on('warning', record);
  try {
    const group = ErrGroup.withSignal();
    const failure = new Error('first');
    const reasons = [];
    for (let i = 0; i < 50; i++) {
      group.go(async (signal) => {
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        reasons.push(signal.reason);
      }, { timeout: 60_000 });
    }
    await sleep(1);
    assert.equal(getEventListeners(group.signal, 'abort').length, 1, 'one listener for 50 deadlines');
    group.go(() => { throw failure; });
    await assert.rejects(group.wait(), (error) => error === failure);
    assert.equal(reasons.length, 50);
    assert.ok(reasons.every((reason) => reason === failure), 'every timed task saw the group fail');
    assert.equal(getEventListeners(group.signal, 'abort').length, 0, 'no listener left');

    const ended = ErrGroup.withSignal();
    for (let i = 0; i < 50; i++) ended.go(async () => sleep(1), { timeout: 60_000 });
    await sleep(1);
    assert.equal(getEventListeners(ended.signal, 'abort').length, 1);
    await sleep(20);
    assert.equal(getEventListeners(ended.signal, 'abort').length, 0, 'no listener once the timed tasks ended');
    await ended.wait();
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(warnings, [], 'no MaxListenersExceededWarning');
  } finally {
    process.off('warning', record);
  }
});
