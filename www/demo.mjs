// The wasm-errgroup demo in Node: fetch ten URLs from a local server, at
// most three at a time. One answers HTTP 500; that failure aborts the
// fetches still running, skips the ones not started, and is what wait()
// rejects with.
import { ErrGroup } from '../pkg/node.mjs';
import { startServer } from '../scripts/test-server.mjs';

const { server, origin } = await startServer();
const paths = [
  '/ok?delay=40', '/ok?delay=10', '/slow?ms=3000', '/ok?delay=20', '/status?code=500',
  '/slow?ms=3000', '/ok?delay=5', '/ok', '/ok?delay=30', '/ok?delay=15',
];
const t0 = performance.now();
const at = () => `${String(Math.round(performance.now() - t0)).padStart(4)} ms`;
const outcome = new Map(paths.map((path) => [path, 'skipped (never started)']));

const group = ErrGroup.withSignal();
group.setLimit(3);
for (const path of paths) {
  await group.go(async (signal) => {
    console.log(`${at()}  start  ${path}   (active ${group.active}, queued ${group.queued})`);
    let response;
    try {
      response = await fetch(origin + path, { signal });
      await response.text();
    } catch (error) {
      outcome.set(path, `aborted: ${error === signal.reason ? 'by the first failure' : error}`);
      console.log(`${at()}  abort  ${path}`);
      throw error;
    }
    if (!response.ok) {
      outcome.set(path, `failed: HTTP ${response.status}`);
      console.log(`${at()}  FAIL   ${path}   HTTP ${response.status}`);
      throw new Error(`${path} answered HTTP ${response.status}`);
    }
    outcome.set(path, 'ok');
    console.log(`${at()}  done   ${path}`);
  });
}

try {
  await group.wait();
  console.log('\nall fetches succeeded');
} catch (error) {
  console.log(`\n${at()}  wait() rejected with: ${error.message}`);
  console.log(`          signal.reason is that same error: ${group.signal.reason === error}`);
}
console.log('\nwhat happened to each URL:');
for (const [path, what] of outcome) console.log(`  ${path.padEnd(18)} ${what}`);
server.close();
