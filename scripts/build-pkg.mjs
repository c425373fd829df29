// Builds the npm package in pkg/:
//   1. wasm-pack builds the core (`--no-default-features --features npm`);
//   2. wasm-opt from the npm `binaryen` package optimizes it, and drops the
//      one import and the exports that only wasm-bindgen's glue uses (the
//      class calls the core's exports directly, on numbers); the protocol
//      the core carries becomes src/js/protocol.js;
//   3. binaryen's wasm2js compiles the same core to JavaScript, for where
//      WebAssembly may not compile (see compileToJs);
//   4. esbuild bundles the entries, each an ES module (.js) and a CommonJS
//      one (.cjs): src/js/index.js with the core inlined as bytes, and
//      src/js/no-wasm.js with the core compiled to JavaScript;
//   5. the hand-written files of pkg-templates/ are merged in.
// pkg/ is generated; edit src/js/ and pkg-templates/ instead.
//
//   node scripts/build-pkg.mjs [--test-hooks]
//
// With --test-hooks it builds only the core, into
// target/pkg-test-hooks/core.wasm, with the `test-hooks` feature, whose
// calls trap on a chosen limit, for tests that load the class over it. It
// is never published.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const templates = join(root, 'pkg-templates');
const { values } = parseArgs({ options: { 'test-hooks': { type: 'boolean' } } });
const testHooks = values['test-hooks'] ?? false;
const pkg = join(root, 'pkg');
const work = join(root, 'target', testHooks ? 'pkg-test-hooks' : 'pkg-build');

/** Chromium compiles a module synchronously on the main thread up to this size. */
const SYNC_COMPILE_LIMIT = 4096;

/**
 * `bytes`, a WebAssembly module, without its custom sections.
 * @param {Buffer} bytes
 */
function withoutCustomSections(bytes) {
  const kept = [bytes.subarray(0, 8)];
  let at = 8;
  while (at < bytes.length) {
    const start = at;
    const id = bytes[at++];
    let size = 0;
    for (let shift = 0; ; shift += 7) {
      const byte = bytes[at++];
      size |= (byte & 0x7f) << shift;
      if (byte < 0x80) break;
    }
    at += size;
    if (id !== 0) kept.push(bytes.subarray(start, at));
  }
  return Buffer.concat(kept);
}

/**
 * Compiles the core, given as the text `wasm-opt --print` prints, to an ES
 * module of plain JavaScript functions at `out`, with binaryen's wasm2js:
 * the same core, for where WebAssembly may not compile (a page whose
 * Content-Security-Policy lacks 'wasm-unsafe-eval', workerd after its
 * top level ran). tests/js-core/ checks that both answer alike.
 *
 * wasm2js translates a saturating float-to-int conversion as a plain
 * truncation, which wraps (`Infinity` would become a limit of 0), so
 * `i32.trunc_sat_f64_u` (Rust's `limit as u32`) is first spelled out in
 * instructions it translates exactly. A trap throws a
 * `WebAssembly.RuntimeError`, as the wasm core's does, where the class
 * looks for one.
 * @param {string} wat
 * @param {string} out
 */
function compileToJs(wat, out) {
  const lowered = wat.replace(/\(i32\.trunc_sat_f64_u\s*\(local\.get (\$\w+)\)\s*\)/g, (_, x) => `
    (if (result i32) (f64.ge (local.get ${x}) (f64.const 4294967296))
      (then (i32.const -1))
      (else (if (result i32) (f64.gt (local.get ${x}) (f64.const -1))
        (then (i32.trunc_f64_u (local.get ${x})))
        (else (i32.const 0)))))`);
  const saturating = lowered.match(/\([if](32|64)\.trunc_sat_\w+/);
  if (saturating !== null) throw new Error(`wasm2js does not translate ${saturating[0].slice(1)} exactly; spell it out here`);
  const wat2 = `${out}.wat`;
  writeFileSync(wat2, lowered);
  run(join(root, 'tools/node_modules/.bin/wasm2js'), [wat2, ...FEATURES, '-O3', '-o', out]);
  let js = readFileSync(out, 'utf8').replace(
    /function wasm2js_trap\(\) \{[^}]*\}/,
    "function wasm2js_trap() { throw new WebAssembly.RuntimeError('unreachable'); }",
  );
  // Unused aliases of Math functions, which wasm2js declares in any case.
  js = js.replace(/^ *var (Math_\w+) = Math\.\w+;\n/gm, (line, name) => (js.split(name).length > 2 ? line : ''));
  writeFileSync(out, js);
}

function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

// Panic locations name source files: map this machine's paths to neutral
// ones, so the module is the same from any machine.
const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
const rustflags = [
  `--remap-path-prefix=${join(cargoHome, 'registry/src')}=/cargo`,
  `--remap-path-prefix=${root.replace(/\/$/, '')}=/wasm-errgroup`,
].join(' ');
rmSync(work, { recursive: true, force: true });
run('wasm-pack', [
  'build', '--release', '--target', 'web', '--out-dir', work, '--out-name', 'wasm_errgroup',
  '--', '--no-default-features', '--features', testHooks ? 'npm,test-hooks' : 'npm',
], { ...process.env, RUSTFLAGS: rustflags });

const core = join(work, 'core.wasm');
const FEATURES = ['--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-multivalue', '--enable-mutable-globals'];
run(join(root, 'tools/node_modules/.bin/wasm-opt'), [
  '-Oz', '--converge', ...FEATURES,
  '--strip-debug', '--strip-producers', '--strip-target-features',
  // wasm-bindgen's start function only sets up its externref table, which
  // nothing here uses; the core needs no memory either (see below).
  '--remove-imports', '--remove-exports=__*', '--remove-exports=memory', '--remove-unused-module-elements',
  join(work, 'wasm_errgroup_bg.wasm'), '-o', core,
]);

// The protocol (src/js/protocol.rs) travels in a custom section of the
// core: it becomes src/js/protocol.js, and leaves the shipped core.
const PROTOCOL = 'wasm-errgroup.protocol';
const [protocol] = WebAssembly.Module.customSections(new WebAssembly.Module(readFileSync(core)), PROTOCOL);
if (protocol === undefined) throw new Error(`the core has no ${PROTOCOL} section`);
writeFileSync(join(root, 'src/js/protocol.js'), Buffer.from(protocol));
writeFileSync(core, withoutCustomSections(readFileSync(core)));

const size = statSync(core).size;
console.log(`core: ${size} bytes`);
const module = new WebAssembly.Module(readFileSync(core));
if (WebAssembly.Module.imports(module).length > 0) throw new Error('the core must import nothing');
// The core is pure functions on numbers (src/js/mod.rs): no function calls
// another, and none touches memory or a global, so a call can leave
// nothing behind however it ends, and a full JS stack can stop one only at
// its entry.
const printed = spawnSync(join(root, 'tools/node_modules/.bin/wasm-opt'), [core, ...FEATURES, '--print'], { encoding: 'utf8' });
if (printed.status !== 0) throw new Error(`wasm-opt --print failed: ${printed.stderr}`);
const text = printed.stdout;
const impure = text.match(/\((call|call_indirect|call_ref|global\.[gs]et|memory\.\w+|[if](32|64)\.(load|store)\w*) /);
if (!testHooks && impure !== null) {
  throw new Error(`the core must be pure functions on numbers, but it has ${impure[1]}:\n${text}`);
}
const coreJs = join(work, 'core.mjs');
compileToJs(text, coreJs);
if (testHooks) process.exit(0);
if (size > SYNC_COMPILE_LIMIT) {
  throw new Error(`the core is ${size} bytes, over the ${SYNC_COMPILE_LIMIT} that Chromium compiles synchronously`);
}

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
const { build } = createRequire(join(root, 'tools/package.json'))('esbuild');
for (const [entry, source] of [['index', 'src/js/index.js'], ['no-wasm', 'src/js/no-wasm.js']]) {
  for (const [format, extension] of [['esm', 'js'], ['cjs', 'cjs']]) {
    await build({
      entryPoints: [join(root, source)],
      outfile: join(pkg, `${entry}.${extension}`),
      bundle: true,
      minify: true,
      format,
      platform: 'neutral',
      target: 'es2022',
      legalComments: 'none',
      logLevel: 'warning',
      plugins: [{
        name: 'core',
        setup(build) {
          build.onResolve({ filter: /^wasm-errgroup:core$/ }, () => ({ path: core, namespace: 'core' }));
          // The bytes as a list of numbers: gzip finds the core's repeats
          // in it (0.9 KB gzipped), where base64 hides them (1.1 KB), and it
          // needs no decoder.
          build.onLoad({ filter: /.*/, namespace: 'core' }, () => ({
            contents: `export default new Uint8Array([${[...readFileSync(core)].join(',')}]);`,
            loader: 'js',
          }));
          build.onResolve({ filter: /^wasm-errgroup:core\.js$/ }, () => ({ path: coreJs }));
        },
      }],
    });
  }
}

// The class without the core, one unminified module, for the wasm-bindgen
// test suites (tests/common/mod.rs), which hand it a core themselves.
await build({
  entryPoints: [join(root, 'src/js/api.js')],
  outfile: join(work, 'api.js'),
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  logLevel: 'warning',
});

// The worker pool, the second entry (wasm-errgroup/workers): no core.
await build({
  entryPoints: [join(root, 'src/js/workers/index.js')],
  outfile: join(pkg, 'workers.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(templates, 'workers.d.ts'), join(pkg, 'workers.d.ts'));

// package.json: wasm-pack's fields (name, version, license, ...) plus ours.
const generated = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8'));
const { files: _files, module: _module, types: _types, sideEffects: _sideEffects, main: _main, ...metadata } = generated;
const ours = JSON.parse(readFileSync(join(templates, 'package.json'), 'utf8'));
writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...metadata, ...ours }, null, 2) + '\n');
copyFileSync(join(templates, 'index.d.ts'), join(pkg, 'index.d.ts'));
// The same declarations for require(): in a .d.cts, TypeScript reads them as
// CommonJS, what index.cjs is.
copyFileSync(join(templates, 'index.d.ts'), join(pkg, 'index.d.cts'));
copyFileSync(join(root, 'README.md'), join(pkg, 'README.md'));
console.log(`built ${pkg}`);
