// Parents aborted at every depth near the end of the JS stack, so that some
// of the groups' abort listeners are stopped by the engine's stack error
// before they reach the core. Prints what the groups did afterwards, as
// JSON. tests/js/errgroup.test.mjs runs it in a process of its own: those
// stack errors are reported as uncaught, as for any listener.
import { ErrGroup } from '../../pkg/index.js';

let uncaught = 0;
process.on('uncaughtException', () => { uncaught++; });
const pairs = [];
for (let i = 0; i < 30_000; i++) {
  const parent = new AbortController();
  pairs.push({ parent, group: ErrGroup.withSignal(parent.signal) });
}
let next = 0;
// Calls with 0 to 63 arguments: frames of every size, so that the stack
// ends at every point of the dispatch.
const pads = Array.from({ length: 64 }, (_, k) => new Array(k).fill(0));
function abortOne() {
  pairs[next++].parent.abort('parent');
}
function dive() {
  try {
    dive();
  } catch {
    // The end of the stack: abort parents from here, on the way back.
  }
  if (next + pads.length > pairs.length) return;
  for (const pad of pads) {
    try {
      abortOne.apply(null, pad);
    } catch {
      // The stack ended before abort() ran: that parent did not abort.
    }
  }
}
dive();
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
console.log(JSON.stringify({ aborted: aborted.length, missed, uncaught, ran, rejected, heard }));
