// Speed, memory and size of wasm-errgroup against its peers, in one run:
// scenarios A to D (benches/scenarios.js) in Node, headless Chromium and
// headless Firefox (and WebKit, if asked), the Rust Group against spawn_local and futures, the
// heap a queued task holds, and the package's size. Our contenders run over
// both cores, the wasm one (wasm-errgroup) and the one compiled to
// JavaScript (wasm-errgroup/no-wasm), and the report sets the two side by
// side. Prints ratios, never asserts a time.
//
//   node benches/run.mjs [--tasks 100000] [--rounds 7] [--engines node,node22,chromium,firefox,webkit] [--smoke]
//
// It installs the peers itself (benches/package.json) and builds the Rust
// contenders (benches/rust/); build the package first (node
// scripts/build-pkg.mjs; scripts/test.sh does). --smoke runs a few hundred
// tasks once per engine, for the test command: it checks that the bench
// runs and prints numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { cpus } from 'node:os';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { openBrowser } from '../scripts/webdriver.mjs';
import { OURS } from './scenarios.js';
import { launchChromium } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const here = join(root, 'benches');
const out = join(root, 'target/bench');
const { values } = parseArgs({
  options: {
    tasks: { type: 'string' },
    rounds: { type: 'string' },
    engines: { type: 'string', default: 'node,node22,chromium,firefox' },
    smoke: { type: 'boolean', default: false },
  },
});
const tasks = Number(values.tasks ?? (values.smoke ? 300 : 100_000));
const rounds = Number(values.rounds ?? (values.smoke ? 1 : 7));
const engines = values.engines.split(',');
const options = { tasks, rounds };

function run(cmd, args, extra = {}) {
  const result = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...extra });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status ?? result.signal})`);
  return result.stdout;
}

const stamp = (path) => (existsSync(path) ? statSync(path).mtimeMs : 0);
if (stamp(join(here, 'node_modules/.package-lock.json')) < stamp(join(here, 'package-lock.json'))) {
  run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: here });
}
if (!existsSync(join(root, 'pkg/index.js'))) throw new Error('build the package first: node scripts/build-pkg.mjs');

// The Rust contenders, for Node.
run('cargo', ['build', '--release', '--target', 'wasm32-unknown-unknown', '--manifest-path', 'benches/rust/Cargo.toml',
  '--target-dir', 'target/bench-rust', '--quiet']);
run('wasm-bindgen', ['--target', 'nodejs', '--out-dir', join(out, 'rust'),
  'target/bench-rust/wasm32-unknown-unknown/release/wasm_errgroup_bench.wasm']);
const rustModule = join(out, 'rust/wasm_errgroup_bench.js');

const results = {};
// The machine's Node, and Node 22 from tools/ (whose AbortController costs
// a tenth of Node 20's).
const nodes = { node: process.execPath, node22: join(root, 'tools/node_modules/node-22/bin/node') };
for (const [engine, binary] of Object.entries(nodes)) {
  if (!engines.includes(engine)) continue;
  const scenariosOnly = engine !== 'node';
  const line = run(binary, ['--expose-gc', join(here, 'node.mjs'), JSON.stringify({ ...options, rustModule, scenariosOnly })]);
  results[engine] = JSON.parse(line.trim().split('\n').pop());
}

const browsers = engines.filter((engine) => !(engine in nodes));
if (browsers.length > 0) {
  const tools = createRequire(join(root, 'tools/package.json'));
  await tools('esbuild').build({
    entryPoints: [join(here, 'browser.js')], outfile: join(out, 'browser.js'), bundle: true, format: 'esm',
    platform: 'browser', target: 'es2022', logLevel: 'warning', nodePaths: [join(here, 'node_modules')],
  });
  const page = '<!doctype html><meta charset="utf-8"><title>wasm-errgroup bench</title><script type="module" src="/browser.js"></script>';
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/') return res.writeHead(200, { 'content-type': 'text/html' }).end(page);
    try {
      const body = readFileSync(join(out, path));
      res.writeHead(200, { 'content-type': extname(path) === '.js' ? 'text/javascript' : 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${server.address().port}/`;
  try {
    if (browsers.includes('chromium')) results.chromium = await inChromium(tools, url);
    for (const kind of ['firefox', 'webkit']) {
      if (browsers.includes(kind)) results[kind] = await inWebDriver(kind, url);
    }
  } finally {
    server.close();
  }
}

async function inChromium(tools, url) {
  const browser = await launchChromium(['--js-flags=--expose-gc']);
  try {
    const page = await browser.newPage();
    await page.goto(url);
    await page.waitForFunction(() => typeof window.runBench === 'function');
    const version = browser.version();
    const out = await page.evaluate((opts) => window.runBench(opts), options);
    return { results: out, version: `Chromium ${version}` };
  } finally {
    await browser.close();
  }
}

/** Firefox or WebKit, through WebDriver (Playwright cannot drive Debian's Firefox). */
async function inWebDriver(kind, url) {
  const browser = await openBrowser(kind);
  try {
    await browser.goto(url);
    await browser.waitFor("typeof window.runBench === 'function' || null");
    const out = await browser.evaluateAsync(
      'const done = arguments[arguments.length - 1]; window.runBench(arguments[0]).then((r) => done(JSON.stringify(r)), (e) => done("ERROR " + e));',
      options);
    if (out.startsWith('ERROR')) throw new Error(out);
    return { results: JSON.parse(out), version: browser.version };
  } finally {
    await browser.close();
  }
}

// The report.
const LIBRARIES = ['p-map', 'pMapIterable', 'async mapLimit', '@henrygd/queue', 'p-limit'];
const JS = ' (JS)';
const pad = (s, n) => String(s).padEnd(n);
const num = (x, digits = 2) => x.toFixed(digits).padStart(6);
let printed = 0;
console.log(`wasm-errgroup bench: ${tasks} tasks, ${rounds} rounds, median µs per task; ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}); * = wasm-errgroup`);
for (const [engine, { results: byScenario, version }] of Object.entries(results)) {
  console.log(`\n## ${version}`);
  for (const { title, perTask } of Object.values(byScenario)) {
    // Scenario C compares withSignal with the peers doing the same by hand.
    const libraries = Object.entries(perTask).filter(([name]) => LIBRARIES.includes(name));
    const [fastestName, fastest] = libraries.reduce((a, b) => (b[1] < a[1] ? b : a));
    const floor = perTask.floor;
    const ratio = (a, b) => (b > 0 ? `${num(a / b)}x` : '     -');
    console.log(`\n${title} (fastest library: ${fastestName})`);
    console.log(`  ${pad('', 17)}  µs/task   × fastest   × floor`);
    for (const [name, us] of Object.entries(perTask)) {
      const mark = OURS.includes(name.replace(JS, '')) ? '*' : ' ';
      console.log(`${mark} ${pad(name, 17)}  ${num(us)}   ${ratio(us, fastest)}   ${ratio(us, floor)}`);
      printed++;
    }
  }
}
// The two cores side by side: the class over the core compiled to
// JavaScript (wasm-errgroup/no-wasm) against the same class over the wasm
// core (wasm-errgroup), per contender of ours, in each engine.
console.log(`\n## The JS-compiled core (wasm-errgroup/no-wasm) ÷ the wasm core (wasm-errgroup), time per task`);
console.log(`  ${pad('', 20)}${Object.values(results).map(({ version }) => pad(version.split(' ').slice(0, 2).join(' '), 25)).join('')}`);
for (const [key, { perTask }] of Object.entries(Object.values(results)[0]?.results ?? {})) {
  for (const name of Object.keys(perTask).filter((name) => OURS.includes(name))) {
    const cells = Object.values(results).map(({ results: byScenario }) => {
      const { [name]: wasm, [name + JS]: js } = byScenario[key].perTask;
      return pad(js === undefined ? '-' : `${num(js / wasm)}x (${js.toFixed(2)} µs)`, 25);
    });
    console.log(`  ${pad(`${key} ${name}`, 20)}${cells.join('')}`);
    printed++;
  }
}

if (results.node) {
  const { memory, rust } = results.node;
  console.log(`\n## ${results.node.version}: heap bytes a task holds while it waits for a slot (its promise held)`);
  for (const [name, bytes] of Object.entries(memory)) console.log(`  ${pad(name, 16)} ${String(bytes).padStart(5)} B   ${num(bytes / memory['p-limit'])}x p-limit`);
  console.log(`\n## Rust, wasm in Node: ${tasks} futures that complete at once, µs per future`);
  for (const [name, us] of Object.entries(rust)) {
    console.log(`  ${pad(name, 24)} ${num(us, 3)}   ${num(us / rust['spawn_local + counter'])}x spawn_local   ${num(us / rust['buffer_unordered(16)'])}x buffer_unordered(16)`);
    printed++;
  }
  // The ratios the Rust API is held to, each against what it replaces.
  console.log(`  map, limit 16 / buffer_unordered(16): ${num(rust['map, limit 16'] / rust['buffer_unordered(16)'])}x`);
  console.log(`  Group::go + wait / spawn_local + counter: ${num(rust['Group::go + wait'] / rust['spawn_local + counter'])}x`);
  console.log(`  Group::spawn + handles / spawn_local + oneshot: ${num(rust['Group::spawn + handles'] / rust['spawn_local + oneshot'])}x`);
}

// What a browser downloads, gzipped at level 9; the peers minified first.
const tools = createRequire(join(root, 'tools/package.json'));
const { transformSync } = tools('esbuild');
const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const minified = (path) => gz(transformSync(readFileSync(join(here, 'node_modules', path), 'utf8'), { minify: true, format: 'esm' }).code);
const ours = gz(readFileSync(join(root, 'pkg/index.js')));
// Each entry of the package, and the core alone in each form, gzipped.
const entries = ['index.js', 'index.cjs', 'no-wasm.js', 'no-wasm.cjs'];
const coreJs = transformSync(readFileSync(join(root, 'target/pkg-build/core.mjs'), 'utf8'), { minify: true, format: 'esm' }).code;
const peers = {
  'p-map': minified('p-map/index.js'),
  'p-limit + yocto-queue': minified('p-limit/index.js') + minified('yocto-queue/index.js'),
  '@henrygd/queue': minified('@henrygd/queue/dist/index.js'),
  'async (whole)': minified('async/dist/async.mjs'),
};
console.log('\n## Size of each entry, and of the core inside it, raw and gzipped');
for (const entry of entries) {
  const bytes = readFileSync(join(root, 'pkg', entry));
  console.log(`  ${pad(entry, 24)} ${String(bytes.length).padStart(6)} B ${String(gz(bytes)).padStart(6)} B`);
}
const coreWasm = readFileSync(join(root, 'target/pkg-build/core.wasm'));
console.log(`  ${pad('core.wasm', 24)} ${String(coreWasm.length).padStart(6)} B ${String(gz(coreWasm)).padStart(6)} B`);
console.log(`  ${pad('core, JS (minified)', 24)} ${String(coreJs.length).padStart(6)} B ${String(gz(coreJs)).padStart(6)} B`);
console.log('\n## Size, gzipped (peers minified)');
console.log(`  ${pad('wasm-errgroup', 24)} ${String(ours).padStart(6)} B`);
for (const [name, bytes] of Object.entries(peers)) console.log(`  ${pad(name, 24)} ${String(bytes).padStart(6)} B   wasm-errgroup is ${(ours / bytes).toFixed(1)}x`);

if (values.smoke && printed === 0) throw new Error('the bench printed no numbers');
