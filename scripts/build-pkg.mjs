// Builds the npm package in pkg/:
//   1. wasm-pack builds the core (`--no-default-features --features npm`);
//   2. wasm-opt from the npm `binaryen` package optimizes it, and drops the
//      one import and the exports that only wasm-bindgen's glue uses (the
//      class calls the core's exports directly, on numbers);
//   3. esbuild bundles src/js/index.js with the core inlined as bytes;
//   4. the hand-written files of pkg-templates/ are merged in.
// pkg/ is generated; edit src/js/ and pkg-templates/ instead.
//
//   node scripts/build-pkg.mjs [--test-hooks]
//
// With --test-hooks it builds only the core, into
// target/pkg-test-hooks/core.wasm, with the `test-hooks` feature, whose
// core also exports a deliberate panic and a stack probe, for tests that
// load src/js/errgroup.js over it. It is never published.
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
run(join(root, 'tools/node_modules/.bin/wasm-opt'), [
  '-Oz', '--converge', '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-multivalue', '--enable-mutable-globals',
  '--strip-debug', '--strip-producers', '--strip-target-features',
  // wasm-bindgen's start function only sets up its externref table, which
  // nothing here uses: the module then needs no imports at all.
  '--remove-imports', '--remove-exports=__*',
  join(work, 'wasm_errgroup_bg.wasm'), '-o', core,
]);
const size = statSync(core).size;
console.log(`core: ${size} bytes`);
const module = new WebAssembly.Module(readFileSync(core));
if (WebAssembly.Module.imports(module).length > 0) throw new Error('the core must import nothing');
// No function of the core calls another (src/js/mod.rs): a full JS stack
// can then stop a call only at its entry, before it changed anything.
const text = spawnSync(join(root, 'tools/node_modules/.bin/wasm-opt'), [core, '--print'], { encoding: 'utf8' }).stdout;
if (!testHooks && /\(call(_indirect|_ref)? /.test(text)) {
  throw new Error('a function of the core calls another: a full JS stack could stop a call halfway');
}
if (testHooks) process.exit(0);
if (size > SYNC_COMPILE_LIMIT) {
  throw new Error(`the core is ${size} bytes, over the ${SYNC_COMPILE_LIMIT} that Chromium compiles synchronously`);
}

rmSync(pkg, { recursive: true, force: true });
mkdirSync(pkg, { recursive: true });
const { build } = createRequire(join(root, 'tools/package.json'))('esbuild');
await build({
  entryPoints: [join(root, 'src/js/index.js')],
  outfile: join(pkg, 'index.js'),
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'neutral',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
  plugins: [{
    name: 'core',
    setup(build) {
      build.onResolve({ filter: /^wasm-errgroup:core$/ }, () => ({ path: core, namespace: 'core' }));
      build.onLoad({ filter: /.*/, namespace: 'core' }, () => ({ contents: readFileSync(core), loader: 'binary' }));
    },
  }],
});

// package.json: wasm-pack's fields (name, version, license, ...) plus ours.
const generated = JSON.parse(readFileSync(join(work, 'package.json'), 'utf8'));
const { files: _files, module: _module, types: _types, sideEffects: _sideEffects, main: _main, ...metadata } = generated;
const ours = JSON.parse(readFileSync(join(templates, 'package.json'), 'utf8'));
writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...metadata, ...ours }, null, 2) + '\n');
copyFileSync(join(templates, 'index.d.ts'), join(pkg, 'index.d.ts'));
copyFileSync(join(root, 'README.md'), join(pkg, 'README.md'));
console.log(`built ${pkg}`);
