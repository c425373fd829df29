// The bench's Node side, run by benches/run.mjs as
// `node --expose-gc benches/node.mjs <options JSON>`: prints one JSON line
// of results. Besides the scenarios, it measures what a task queued behind
// a limit holds, and runs the Rust contenders (benches/rust/).
import { createRequire } from 'node:module';
import { ErrGroup } from '../pkg/index.js';
import pMap, { pMapIterable } from 'p-map';
import pLimit from 'p-limit';
import asyncLib from 'async';
import { newQueue } from '@henrygd/queue';
import { run } from './scenarios.js';

const options = JSON.parse(process.argv[2]);
const gc = globalThis.gc;
const results = await run({ ErrGroup, pMap, pMapIterable, pLimit, mapLimit: asyncLib.mapLimit, newQueue }, { ...options, gc });
const version = `Node ${process.version}`;
if (options.scenariosOnly) {
  console.log(JSON.stringify({ results, version }));
  process.exit(0);
}

/**
 * Heap bytes each of `n` no-op tasks holds while it waits behind a running
 * task for the one slot, its promise held as a caller awaiting it would:
 * `queue(k)` queues them and returns what releases the first task, after
 * which all of them run.
 */
async function queuedBytes(n, queue) {
  gc();
  await new Promise((resolve) => setTimeout(resolve, 0));
  gc();
  const before = process.memoryUsage().heapUsed;
  const release = queue(n);
  gc();
  const after = process.memoryUsage().heapUsed;
  await release();
  return Math.round((after - before) / n);
}
const noop = async () => {};
const n = Math.max(1000, options.tasks);
const blocker = () => {
  let open;
  const gate = new Promise((resolve) => { open = resolve; });
  return { task: () => gate, open };
};
const memory = {
  'ErrGroup': await queuedBytes(n, (k) => {
    const { task, open } = blocker();
    const group = new ErrGroup();
    group.setLimit(1);
    group.go(task);
    // go() returns nothing: all a queued task holds is the group's.
    for (let i = 0; i < k; i++) group.go(noop);
    return () => { open(); return group.wait(); };
  }),
  'p-limit': await queuedBytes(n, (k) => {
    const { task, open } = blocker();
    const limit = pLimit(1);
    const all = [limit(task)];
    for (let i = 0; i < k; i++) all.push(limit(noop));
    return () => { open(); return Promise.all(all); };
  }),
  '@henrygd/queue': await queuedBytes(n, (k) => {
    const { task, open } = blocker();
    const queue = newQueue(1);
    const all = [queue.add(task)];
    for (let i = 0; i < k; i++) all.push(queue.add(noop));
    return () => { open(); return Promise.all(all); };
  }),
};

// Rust: n futures that complete at once, through each contender.
const rust = createRequire(import.meta.url)(options.rustModule);
const rustContenders = {
  'Group::go + wait': () => rust.group(options.tasks, 0),
  'Group, limit 16': () => rust.group(options.tasks, 16),
  'spawn_local + counter': () => rust.spawn_local_counter(options.tasks),
  'FuturesUnordered': () => rust.futures_unordered(options.tasks),
  'buffer_unordered(16)': () => rust.buffer_unordered(options.tasks, 16),
  'map, limit 16': () => rust.map_limit(options.tasks, 16),
  'buffered(16)': () => rust.buffered(options.tasks, 16),
  'Group::spawn + handles': () => rust.spawn_handles(options.tasks),
  'spawn_local + oneshot': () => rust.spawn_local_oneshot(options.tasks),
};
const rustTimes = Object.fromEntries(Object.keys(rustContenders).map((name) => [name, []]));
for (const fn of Object.values(rustContenders)) await fn();
for (let round = 0; round < options.rounds; round++) {
  for (const [name, fn] of Object.entries(rustContenders)) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, 0));
    const start = performance.now();
    await fn();
    rustTimes[name].push(performance.now() - start);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const rustPerTask = Object.fromEntries(Object.entries(rustTimes).map(([name, ts]) => [name, (median(ts) * 1000) / options.tasks]));

console.log(JSON.stringify({ results, memory, rust: rustPerTask, version }));
