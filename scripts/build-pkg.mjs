// Builds the npm package in pkg/: wasm-pack (web target), wasm-opt from the
// npm `binaryen` package, then the hand-written files of pkg-templates/
// merged in. pkg/ is generated; edit pkg-templates/ instead.
import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { homedir } from 'node:os';
import { join } from 'node:path';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = join(root, 'pkg');
const templates = join(root, 'pkg-templates');

function run(cmd, args, env = process.env) {
  const result = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${result.status ?? result.signal})`);
}

// Panic locations name source files: map this machine's paths to neutral
// ones, so the published wasm is smaller and the same from any machine.
const cargoHome = process.env.CARGO_HOME ?? join(homedir(), '.cargo');
const rustflags = [
  `--remap-path-prefix=${join(cargoHome, 'registry/src')}=/cargo`,
  `--remap-path-prefix=${root.replace(/\/$/, '')}=/wasm-errgroup`,
].join(' ');
run('wasm-pack', [
  'build', '--release', '--target', 'web', '--out-dir', 'pkg', '--out-name', 'wasm_errgroup',
  '--', '--no-default-features', '--features', 'npm',
], { ...process.env, RUSTFLAGS: rustflags });

const wasm = join(pkg, 'wasm_errgroup_bg.wasm');
const before = statSync(wasm).size;
run(join(root, 'tools/node_modules/.bin/wasm-opt'), [
  '-Oz', '--converge', '--enable-reference-types', '--enable-bulk-memory', '--enable-nontrapping-float-to-int',
  '--enable-sign-ext', '--enable-multivalue', '--enable-mutable-globals',
  '--strip-debug', '--strip-producers', '--strip-target-features', wasm, '-o', wasm,
]);
console.log(`wasm-opt: ${before} -> ${statSync(wasm).size} bytes`);

// The glue's doc comments are in the .d.ts; ship it minified, with the
// inline JS snippets it imports bundled in, as one file.
const glue = join(pkg, 'wasm_errgroup.js');
run(join(root, 'tools/node_modules/.bin/esbuild'), [
  glue, '--bundle', '--minify', '--format=esm', '--target=es2022', '--allow-overwrite', `--outfile=${glue}`,
  '--log-level=warning',
]);
rmSync(join(pkg, 'snippets'), { recursive: true, force: true });

// The generated class declares `[Symbol.dispose]`: name the lib that types
// it, so that consumers type-check with any `lib` setting.
const types = join(pkg, 'wasm_errgroup.d.ts');
writeFileSync(types, '/// <reference lib="esnext.disposable" />\n' + readFileSync(types, 'utf8'));

// package.json: wasm-pack's fields (name, version, license, ...) plus ours.
const generated = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
const ours = JSON.parse(readFileSync(join(templates, 'package.json'), 'utf8'));
writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...generated, ...ours }, null, 2) + '\n');

for (const file of readdirSync(templates)) {
  if (file !== 'package.json') copyFileSync(join(templates, file), join(pkg, file));
}
