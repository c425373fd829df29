// The worker pool's bench: Go's MD5All over generated files (128 files of
// 1 MiB by default), digested with the Rust MD5 of examples/md5all on one
// thread, on wasm-errgroup/workers pools of 1 and 2 workers, and on 2
// hand-written workers (md5.raw.js: what two threads give on this machine,
// with no pool), in Node, headless Chromium and headless Firefox; against
// coreutils' md5sum (one thread) over the same files; and the per-run
// overhead of an empty
// handler, run after run, against workerpool 10 and a hand-written
// postMessage round trip. Prints ratios, never asserts a time; checks that
// every contender's digests are md5sum's.
//
//   node benches/md5all.mjs [--files 128] [--kib 1024] [--rounds 5] [--runs 2000]
//                           [--engines node,chromium,firefox] [--smoke]
//
// Build first: node scripts/build-pkg.mjs && bash scripts/build-md5all.sh
// (scripts/test.sh does). --smoke digests 8 files of 64 KiB once, for the
// test command: it checks that the bench runs and prints numbers.
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { openBrowser } from '../scripts/webdriver.mjs';
import { run, started } from './md5all-contenders.js';
import { launchChromium } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = join(root, 'benches');
const { values } = parseArgs({
  options: {
    files: { type: 'string' },
    kib: { type: 'string' },
    rounds: { type: 'string' },
    runs: { type: 'string' },
    engines: { type: 'string', default: 'node,chromium,firefox' },
    smoke: { type: 'boolean', default: false },
  },
});
const smoke = values.smoke;
const count = Number(values.files ?? (smoke ? 8 : 128));
const kib = Number(values.kib ?? (smoke ? 64 : 1024));
const options = { rounds: Number(values.rounds ?? (smoke ? 1 : 5)), runs: Number(values.runs ?? (smoke ? 100 : 2000)) };
const engines = values.engines.split(',');

const worker = join(root, 'target/md5all/md5.worker.js');
for (const path of [join(root, 'pkg/workers.js'), worker]) {
  if (!existsSync(path)) throw new Error(`build first: node scripts/build-pkg.mjs && bash scripts/build-md5all.sh (no ${path})`);
}
const stamp = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
if (stamp(join(here, 'node_modules/.package-lock.json')) < stamp(join(here, 'package-lock.json'))) {
  spawnSync('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here, stdio: 'inherit' });
}

// The files: pseudo-random bytes from a fixed seed, made once.
const dir = join(root, `target/bench-md5all/${count}x${kib}k`);
const files = Array.from({ length: count }, (_, i) => join(dir, `file-${String(i).padStart(4, '0')}.bin`));
if (!files.every((file) => existsSync(file))) {
  mkdirSync(dir, { recursive: true });
  let x = 0x9e3779b9;
  for (const file of files) {
    const words = new Uint32Array((kib * 1024) / 4);
    for (let i = 0; i < words.length; i++) {
      x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
      words[i] = x >>> 0;
    }
    writeFileSync(file, words);
  }
}
const mib = (count * kib) / 1024;

// md5sum: one process, one thread, over the same files (in the page cache).
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const md5sum = [];
let expected;
for (let round = -1; round < options.rounds; round++) {
  const start = performance.now();
  const out = spawnSync('md5sum', files, { encoding: 'utf8' });
  if (out.status !== 0) throw new Error(`md5sum failed: ${out.stderr}`);
  if (round >= 0) md5sum.push(performance.now() - start);
  expected = out.stdout.trim().split('\n').map((line) => line.slice(0, 32));
}

const results = {};
if (engines.includes('node')) results[`Node ${process.version}`] = await inNode();
const browsers = engines.filter((engine) => engine !== 'node');
if (browsers.length > 0) {
  const server = await serve();
  try {
    if (browsers.includes('chromium')) results.Chromium = await inChromium(server.url);
    if (browsers.includes('firefox')) {
      const browser = await openBrowser('firefox');
      try {
        await browser.goto(server.url);
        await browser.waitFor("typeof window.runMd5Bench === 'function' || null");
        const out = await browser.evaluateAsync(
          'const done = arguments[arguments.length - 1]; window.runMd5Bench(arguments[0]).then((r) => done(JSON.stringify(r)), (e) => done("ERROR " + e));',
          { count, ...options });
        if (out.startsWith('ERROR')) throw new Error(out);
        results[browser.version] = JSON.parse(out);
      } finally {
        await browser.close();
      }
    }
  } finally {
    server.close();
  }
}

// The report.
const rate = (ms) => `${(mib / (ms / 1000)).toFixed(0).padStart(5)} MiB/s`;
const sumMs = median(md5sum);
console.log(`MD5All bench: ${count} files of ${kib} KiB (${mib} MiB), median of ${options.rounds} rounds; `
  + `${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'})`);
console.log(`\nmd5sum (coreutils, one thread): ${sumMs.toFixed(1)} ms, ${rate(sumMs)}`);
let printed = 0;
for (const [engine, { ms, overhead, digests }] of Object.entries(results)) {
  for (const [name, got] of Object.entries(digests)) {
    if (JSON.stringify(got) !== JSON.stringify(expected)) throw new Error(`${engine}, ${name}: the digests are not md5sum's`);
  }
  const one = ms['one thread'];
  console.log(`\n## ${engine}`);
  for (const [name, t] of Object.entries(ms)) {
    console.log(`  ${name.padEnd(24)} ${t.toFixed(1).padStart(8)} ms  ${rate(t)}  ${(one / t).toFixed(2)}× one thread  ${(sumMs / t).toFixed(2)}× md5sum`);
    printed++;
  }
  console.log('  per-run overhead, an empty handler, run after run on one worker:');
  const ours = overhead['wasm-errgroup/workers'];
  for (const [name, us] of Object.entries(overhead)) {
    console.log(`  ${name.padEnd(26)} ${us.toFixed(1).padStart(7)} µs   wasm-errgroup/workers is ${(ours / us).toFixed(2)}× this`);
    printed++;
  }
}
if (smoke && printed === 0) throw new Error('the bench printed no numbers');

async function inNode() {
  const { ErrGroup } = await import('../pkg/index.js');
  const { WorkerPool } = await import('../pkg/workers.js');
  const { digest, loadMd5 } = await import('../examples/md5all/digest.js');
  const workerpool = createRequire(join(here, 'package.json'))('workerpool');
  const Md5 = await loadMd5(pathToFileURL(worker));
  const spawn = () => {
    const pool = new WorkerPool(new URL('./empty.worker.js', import.meta.url), { size: 1 });
    const wp = workerpool.pool(join(here, 'empty.workerpool.cjs'), { maxWorkers: 1, workerType: 'thread' });
    const raw = new Worker(new URL('./empty.raw.js', import.meta.url));
    let answered = () => {};
    raw.on('message', () => answered());
    return {
      pool, workerpool: wp,
      raw: () => new Promise((resolve) => {
        answered = resolve;
        raw.postMessage(0);
      }),
      close: async () => {
        await pool.close();
        await wp.terminate();
        await raw.terminate();
      },
    };
  };
  const rawWorkers = (n) => started(Array.from({ length: n }, () => new Worker(new URL('./md5.raw.js', import.meta.url))),
    (raw, listener) => raw.on('message', listener), (raw) => raw.terminate());
  return run({ ErrGroup, WorkerPool, Md5, digest, files, md5Worker: pathToFileURL(worker), rawWorkers, spawn }, options);
}

/** A static server over the repo for the bench page, and /files/N. */
async function serve() {
  const page = `<!doctype html><meta charset="utf-8"><title>MD5All bench</title>
<script src="/benches/node_modules/workerpool/dist/workerpool.min.js"></script>
<script type="module" src="/benches/md5all-page.js"></script>`;
  const types = { '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    const file = path.startsWith('/files/') ? files[Number(path.slice(7))] : normalize(join(root, path));
    if (!file || !(file.startsWith(root) || file.startsWith(dir + sep)) || !existsSync(file) || statSync(file).isDirectory()) {
      return res.writeHead(404).end();
    }
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, close: () => server.close() };
}

async function inChromium(url) {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    await tab.goto(url);
    await tab.waitForFunction(() => typeof window.runMd5Bench === 'function');
    return await tab.evaluate((opts) => window.runMd5Bench(opts), { count, ...options });
  } finally {
    await browser.close();
  }
}
