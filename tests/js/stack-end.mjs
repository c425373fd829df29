// Calls made at every depth near the end of the JS stack, so that the
// engine's stack error stops some of them: parents aborted, whose groups'
// listeners may not run, and free() on groups stuck behind a limit of 0,
// which either completes or throws having changed nothing. Prints what the
// groups did afterwards, as JSON.
// tests/js/errgroup.test.mjs runs it in a process of its own, with
// --expose-gc: stack errors in listeners are reported as uncaught.
import { ErrGroup } from '../../pkg/index.js';

let uncaught = 0;
process.on('uncaughtException', () => { uncaught++; });
const pairs = [];
for (let i = 0; i < 30_000; i++) {
  const parent = new AbortController();
  pairs.push({ parent, group: ErrGroup.withSignal(parent.signal) });
}
// Calls with 0 to 63 arguments: frames of every size, so that the stack
// ends at every point of what `call` does.
const pads = Array.from({ length: 64 }, (_, k) => new Array(k).fill(0));
/** Calls `call(i)` for i = 0, 1, ... at every depth near the stack's end. */
function dive(call, count) {
  let next = 0;
  const one = () => call(next++);
  const down = () => {
    try {
      down();
    } catch {
      // The end of the stack: make the calls from here, on the way back.
    }
    if (next + pads.length > count) return;
    for (const pad of pads) {
      try {
        one.apply(null, pad);
      } catch {
        // The stack ended inside the call.
      }
    }
  };
  down();
}
dive((i) => pairs[i].parent.abort('parent'), pairs.length);
await new Promise((resolve) => setTimeout(resolve, 50));
const aborted = pairs.filter(({ parent }) => parent.signal.aborted);
const missed = aborted.filter(({ group }) => !group.signal.aborted).length;
let ran = 0;
let rejected = 0;
for (const { group } of aborted) {
  group.go(() => { ran++; });
  if (await group.wait().then(() => false, (reason) => reason === 'parent')) rejected++;
}
const heard = aborted.filter(({ group }) => group.signal.reason === 'parent').length;

// free() on stuck groups: every wait() settles once free() has been called
// again on every group, for the calls the stack's end stopped (a second
// free() on a disposed group does nothing).
let stuck = [];
const waits = [];
for (let i = 0; i < 30_000; i++) {
  const group = new ErrGroup();
  group.setLimit(0);
  group.go(() => {});
  const wait = { settled: false };
  group.wait().then(() => { wait.settled = true; }, () => { wait.settled = true; });
  stuck.push(group);
  waits.push(wait);
}
let freed = 0;
const threw = [];
dive((i) => {
  freed = i + 1;
  try {
    stuck[i].free();
  } catch (error) {
    threw.push(i);
    throw error;
  }
}, stuck.length);
for (const group of stuck) group.free();
stuck = null;
await new Promise((resolve) => setTimeout(resolve, 20));
const freedPending = waits.slice(0, freed).filter((wait) => !wait.settled).length;
console.log(JSON.stringify({ aborted: aborted.length, missed, uncaught, ran, rejected, heard, freed, refused: threw.length, freedPending }));
