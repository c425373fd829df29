// Plays one schedule against a real ErrGroup and returns the event log as
// JSON. Arguments: makeGroup(withSignal, parentSignal), schedule.
// Time is counted in microtask ticks, so a schedule is deterministic.
// Every event is [seq, kind, ...]; failure values are described by the id of
// the task that threw them, so identity is checked, not just equality.
const { withSignal, limit, ops, maxTick } = schedule;
// A schedule's limit -1 means none: Infinity, to the group.
const limitOf = (n) => (n < 0 ? Infinity : n);
const log = [];
let seq = 0;
const ev = (...event) => log.push([seq++, ...event]);
const parent = new AbortController();
const parentReason = { parentReason: true };
const group = makeGroup(withSignal, parent.signal);
const failures = new Map();
let running = 0;
const pending = [];

const describe = (value) => {
  if (value === parentReason) return 'parent';
  if (failures.has(value)) return 'fail:' + failures.get(value);
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
  ev('start', spec.id, running, group.limit, signal === group.signal);
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
    for (const child of spec.children) submit(child);
    if (spec.kind === 'reject') throw failure(spec);
  })();
  // Registered before the group's own reaction, so it runs just before it.
  body.then(() => { running--; ev('end', spec.id, true); }, () => { running--; ev('end', spec.id, false); });
  return body;
};

function submit(spec) {
  ev('submit', spec.id, spec.via);
  try {
    if (spec.via === 'go') {
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
    }
    await null;
  }
  await wait();
  await Promise.all(pending);
  ev('final', group.active, group.queued);
  return JSON.stringify(log);
})();
