// Speed and size of the npm package against its peers, in one run, as
// ratios: p-map, p-limit and Promise.all.
//
//   node --expose-gc benches/run.mjs [--rounds 7] [--tasks 100000] [--limit 16]
//
// Builds nothing: run `node scripts/build-pkg.mjs` first (scripts/test.sh
// does). Every scenario runs its contenders in turn, round after round, so
// that a slow moment of the machine hits them all; the report gives each
// contender's median time per task and its ratio to p-map's median.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ErrGroup } from '../pkg/node.mjs';
import pMap from '../tools/node_modules/p-map/index.js';
import pLimit from '../tools/node_modules/p-limit/index.js';
import { transformSync } from '../tools/node_modules/esbuild/lib/main.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '7' },
    tasks: { type: 'string', default: '100000' },
    limit: { type: 'string', default: '16' },
  },
});
const ROUNDS = Number(values.rounds);
const N = Number(values.tasks);
const L = Number(values.limit);
const items = Array.from({ length: N }, (_, i) => i);
const noop = async (x) => x;

async function* generate(n) {
  for (let i = 0; i < n; i++) yield i;
}

/** Small groups, as a dashboard makes them: `N / 10` groups of 10 tasks. */
const SMALL = 10;

const scenarios = {
  [`${N} async tasks, limit ${L}`]: {
    'ErrGroup go()+wait()': async () => {
      const group = new ErrGroup();
      group.setLimit(L);
      for (const i of items) group.go(() => noop(i));
      await group.wait();
    },
    'ErrGroup.map': () => ErrGroup.map(items, noop, { limit: L }),
    'p-map': () => pMap(items, noop, { concurrency: L }),
    'p-limit': () => {
      const limit = pLimit(L);
      return Promise.all(items.map((i) => limit(() => noop(i))));
    },
    'Promise.all (no limit)': () => Promise.all(items.map(noop)),
  },
  [`async generator of ${N} items, limit ${L}`]: {
    'ErrGroup.map': () => ErrGroup.map(generate(N), noop, { limit: L }),
    'p-map': () => pMap(generate(N), noop, { concurrency: L }),
  },
  [`${N / SMALL} groups of ${SMALL} tasks, limit 4`]: {
    'ErrGroup.withSignal()': async () => {
      for (let g = 0; g < N / SMALL; g++) {
        const group = ErrGroup.withSignal();
        group.setLimit(4);
        for (let i = 0; i < SMALL; i++) group.go(() => noop(i));
        await group.wait();
      }
    },
    'ErrGroup.map': async () => {
      const ten = items.slice(0, SMALL);
      for (let g = 0; g < N / SMALL; g++) await ErrGroup.map(ten, noop, { limit: 4 });
    },
    'p-map': async () => {
      const ten = items.slice(0, SMALL);
      for (let g = 0; g < N / SMALL; g++) await pMap(ten, noop, { concurrency: 4 });
    },
    'p-limit': async () => {
      for (let g = 0; g < N / SMALL; g++) {
        const limit = pLimit(4);
        await Promise.all(items.slice(0, SMALL).map((i) => limit(() => noop(i))));
      }
    },
  },
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const pad = (s, n) => String(s).padEnd(n);

console.log(`node ${process.version}, ${ROUNDS} rounds, median of each\n`);
for (const [name, contenders] of Object.entries(scenarios)) {
  const times = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (const run of Object.values(contenders)) await run(); // warm-up
  for (let round = 0; round < ROUNDS; round++) {
    for (const [who, run] of Object.entries(contenders)) {
      globalThis.gc?.();
      const start = performance.now();
      await run();
      times[who].push(performance.now() - start);
    }
  }
  const base = median(times['p-map']);
  console.log(name);
  for (const [who, ts] of Object.entries(times)) {
    const m = median(ts);
    console.log(`  ${pad(who, 24)} ${((m * 1000) / N).toFixed(2).padStart(6)} µs/task   ${(m / base).toFixed(2).padStart(5)}x p-map`);
  }
  console.log();
}

// What a browser downloads, gzipped at level 9; the peers' sources minified
// first, as a bundler would ship them (the package's glue already is).
const read = (path) => readFileSync(fileURLToPath(new URL(path, import.meta.url)));
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const minified = (path) => gz(transformSync(read(path).toString(), { minify: true, format: 'esm' }).code);
const ours = gz(read('../pkg/wasm_errgroup_bg.wasm')) + gz(read('../pkg/wasm_errgroup.js')) + gz(read('../pkg/index.js'));
const peers = {
  'p-map': minified('../tools/node_modules/p-map/index.js'),
  'p-limit (+ yocto-queue)':
    minified('../tools/node_modules/p-limit/index.js') + minified('../tools/node_modules/yocto-queue/index.js'),
};
console.log('size, gzipped (peers minified)');
console.log(`  ${pad('wasm-errgroup', 24)} ${String(ours).padStart(6)} B`);
for (const [who, bytes] of Object.entries(peers)) {
  console.log(`  ${pad(who, 24)} ${String(bytes).padStart(6)} B   wasm-errgroup is ${(ours / bytes).toFixed(1)}x`);
}
