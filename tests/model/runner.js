// Plays one schedule against a real ErrGroup and returns the event log as
// JSON. Arguments: makeGroup(withSignal, parentSignal), schedule.
// Time is counted in microtask ticks, so a schedule is deterministic.
// Every event is [seq, kind, ...]; failure values are described by the id of
// the task that threw them, so identity is checked, not just equality.
//
// Deadlines (`spec.timeout`, in ms) and sleeps (`spec.sleep` in a task,
// `sleep` ops in the schedule) are real time, which races with the ticks:
// the runner never predicts when a deadline passes, it watches. A timed
// go() call runs with setTimeout wrapped, so the deadline's timer logs
// 'deadline' as it fires, before the group hears of it; a TimeoutError is
// then described by the id of the task whose deadline made it.
const { withSignal, limit, ops, maxTick, timed } = schedule;
// A schedule's limit -1 means none: Infinity, to the group.
const limitOf = (n) => (n < 0 ? Infinity : n);
const log = [];
let seq = 0;
const ev = (...event) => log.push([seq++, ...event]);
const parent = new AbortController();
const parentReason = { parentReason: true };
const group = makeGroup(withSignal, parent.signal);
const failures = new Map();
const timeouts = new Map();
const realSetTimeout = globalThis.setTimeout;
const sleep = (ms) => new Promise((resolve) => realSetTimeout(resolve, ms));
/**
 * A new macrotask, not a timer's: browsers stretch a timer set from
 * nested timers to 4 ms, and one set from here is not nested.
 */
const hop = () => new Promise((resolve) => {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    resolve();
  };
  channel.port2.postMessage(null);
});
/** The id of the task whose deadline's timer is firing, if one is. */
let firing = null;
let running = 0;
const pending = [];

const describe = (value) => {
  if (value === parentReason) return 'parent';
  if (failures.has(value)) return 'fail:' + failures.get(value);
  if (value instanceof DOMException && value.name === 'TimeoutError') {
    // Seen first inside a deadline's timer: that task's. Else the runner
    // never saw it made (a queued task's, or one whose signal had aborted).
    if (!timeouts.has(value) && firing !== null) timeouts.set(value, firing);
    return 'timeout:' + (timeouts.has(value) ? timeouts.get(value) : '?');
  }
  if (value instanceof Error && value.name === 'AbortError') return 'settled';
  return 'other:' + String(value);
};
group.signal.addEventListener('abort', () => ev('abort', describe(group.signal.reason), running));

const failure = (spec) => {
  const value = spec.id % 2 ? { failed: spec.id } : 'failure of task ' + spec.id;
  failures.set(value, spec.id);
  return value;
};

const task = (spec) => (signal) => {
  running++;
  ev('start', spec.id, running, group.limit, signal === group.signal, signal.aborted);
  if (spec.timeout !== undefined) {
    signal.addEventListener('abort', () => ev('signal', spec.id, describe(signal.reason)));
  }
  if (spec.kind === 'throw' || spec.kind === 'sync') {
    for (const child of spec.children) submit(child);
    running--;
    if (spec.kind === 'throw') {
      ev('end', spec.id, false);
      throw failure(spec);
    }
    ev('end', spec.id, true);
    return 'a value';
  }
  const body = (async () => {
    for (let i = 0; i < spec.delay; i++) await null;
    if (spec.sleep !== undefined) await sleep(spec.sleep);
    for (const child of spec.children) submit(child);
    if (spec.kind === 'reject') throw failure(spec);
  })();
  // Registered before the group's own reaction, so it runs just before it.
  // A timed task's end reaches the group one reaction later, through its
  // deadline's (src/js/deadline.js): so is it logged, and failures are
  // logged in the order the group hears of them.
  const heard = spec.timeout === undefined ? body : body.then();
  heard.then(() => { running--; ev('end', spec.id, true); }, () => { running--; ev('end', spec.id, false); });
  return body;
};

// go() with a deadline, watching its timer.
function goTimed(spec) {
  let timers = 0;
  globalThis.setTimeout = (callback, ms) => {
    timers++;
    return realSetTimeout(() => {
      ev('deadline', spec.id);
      firing = spec.id;
      try {
        callback();
      } finally {
        firing = null;
      }
    }, ms);
  };
  try {
    group.go(task(spec), { timeout: spec.timeout });
  } finally {
    globalThis.setTimeout = realSetTimeout;
  }
  ev('timers', spec.id, timers);
}

function submit(spec) {
  ev('submit', spec.id, spec.via, spec.timeout !== undefined);
  try {
    if (spec.via === 'go' && spec.timeout !== undefined) {
      goTimed(spec);
    } else if (spec.via === 'go') {
      group.go(task(spec));
    } else {
      ev('tryGo', spec.id, group.tryGo(task(spec)));
    }
  } catch (error) {
    ev('goThrew', spec.id);
  }
}

let waits = 0;
function wait() {
  const k = waits++;
  ev('wait', k);
  const settled = (outcome) => ev('settled', k, outcome, running, group.active, group.queued);
  const promise = group.wait().then(() => settled('ok'), (error) => settled(describe(error)));
  pending.push(promise);
  return promise;
}

return (async () => {
  if (timed) await hop();
  if (limit !== null) { ev('setLimit', limit); group.setLimit(limitOf(limit)); }
  for (let tick = 0; tick <= maxTick; tick++) {
    for (const op of ops) {
      if (op.t !== tick) continue;
      if (op.op === 'submit') submit(op.task);
      else if (op.op === 'setLimit') { ev('setLimit', op.n); group.setLimit(limitOf(op.n)); }
      else if (op.op === 'abort') {
        ev('parentAbort');
        if (op.via === 'group') group.abort(parentReason);
        else parent.abort(parentReason);
      }
      else if (op.op === 'wait') wait();
      else if (op.op === 'sleep') await sleep(op.ms);
    }
    await null;
  }
  await wait();
  await Promise.all(pending);
  ev('final', group.active, group.queued, group.succeeded, group.failed, group.skipped);
  return JSON.stringify(log);
})();
