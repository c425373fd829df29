// The packed npm package, installed into a fresh project outside the repo and
// used in the setups a user has: Node ESM, Node CommonJS, a
// <script type="module"> page with no bundler, an esbuild bundle and a
// webpack 5 bundle; the pages run in headless Chromium. A strict tsc run
// checks the types.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expected } from './scenario.mjs';
import { bin, makeProject, root, tools } from './project.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
let project;
before(async () => { project = await makeProject(); });
after(async () => { await project?.close(); });

function runNode(file, source) {
  project.write(file, source);
  return project.run(file);
}

function runPage(html) {
  project.write('page.html', html);
  return project.open('chromium', project.url('page.html'));
}

test('Node ESM: import { ErrGroup } from "wasm-errgroup", no init()', () => {
  const out = runNode('esm.mjs', `
    import { ErrGroup } from 'wasm-errgroup';
    import { scenario } from './scenario.mjs';
    console.log(JSON.stringify(await scenario(ErrGroup)));`);
  assert.deepEqual(out, expected);
});

test('Node CommonJS: require("wasm-errgroup"), no init()', () => {
  const out = runNode('cjs.cjs', `
    const { ErrGroup } = require('wasm-errgroup');
    import('./scenario.mjs').then(({ scenario }) => scenario(ErrGroup))
      .then((out) => console.log(JSON.stringify(out)));`);
  assert.deepEqual(out, expected);
});

test('a <script type="module"> page with no bundler, in headless Chromium', async () => {
  const out = await runPage(`<!doctype html><script type="importmap">
      { "imports": { "wasm-errgroup": "./node_modules/wasm-errgroup/index.js" } }
    </script>
    <script type="module">
      import { ErrGroup } from 'wasm-errgroup';
      import { scenario } from './scenario.mjs';
      window.result = await scenario(ErrGroup);
    </script>`);
  assert.deepEqual(out, expected);
});

test('an esbuild bundle, in headless Chromium', async () => {
  project.write('entry.js', `
    import { ErrGroup } from 'wasm-errgroup';
    import { scenario } from './scenario.mjs';
    window.result = await scenario(ErrGroup);`);
  execFileSync(bin('esbuild'), ['entry.js', '--bundle', '--format=esm', '--platform=browser',
    '--target=es2022', '--minify', '--outfile=dist/app.js', '--log-level=warning'], { cwd: project.dir });
  // The core is inlined: there is no .wasm file to copy next to the bundle.
  const bundle = readFileSync(join(project.dir, 'dist/app.js'), 'utf8');
  assert.ok(!bundle.includes('node:'), 'the browser bundle pulls in nothing of Node');
  const out = await runPage('<!doctype html><script type="module" src="./dist/app.js"></script>');
  assert.deepEqual(out, expected);
});

test('a webpack 5 bundle, in headless Chromium', async () => {
  project.write('entry-webpack.js', `
    import { ErrGroup } from 'wasm-errgroup';
    import { scenario } from './scenario.mjs';
    window.result = await scenario(ErrGroup);`);
  const webpack = tools('webpack');
  const stats = await new Promise((resolve, reject) => {
    webpack({
      mode: 'production',
      context: project.dir,
      entry: './entry-webpack.js',
      output: { path: join(project.dir, 'dist-webpack'), filename: 'app.js' },
    }, (error, result) => (error ? reject(error) : resolve(result)));
  });
  assert.ok(!stats.hasErrors(), stats.toString('errors-only'));
  // The core is inlined: webpack emits the bundle alone, with no loader set up.
  const emitted = stats.toJson({ assets: true }).assets.map((asset) => asset.name);
  assert.deepEqual(emitted, ['app.js']);
  const out = await runPage('<!doctype html><script src="./dist-webpack/app.js"></script>');
  assert.deepEqual(out, expected);
});

/** Runs tsc (`binary`) over `files` with `compilerOptions`; returns its output, and whether it passed. */
function tsc(name, compilerOptions, files, binary = bin('tsc')) {
  const dir = join(project.dir, name);
  mkdirSync(dir, { recursive: true });
  for (const [file, source] of Object.entries(files)) writeFileSync(join(dir, file), source);
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: true, noEmit: true, target: 'es2022', module: 'nodenext', moduleResolution: 'nodenext',
      skipLibCheck: false, typeRoots: [join(root, 'tools/node_modules/@types')], ...compilerOptions,
    },
    files: Object.keys(files),
  }));
  try {
    return { ok: true, out: execFileSync(binary, ['-p', dir], { cwd: project.dir, encoding: 'utf8' }) };
  } catch (error) {
    return { ok: false, out: `${error.stdout}${error.stderr}` };
  }
}

const consumer = readFileSync(join(here, 'consumer.ts'), 'utf8');

test('tsc --strict type-checks a browser consumer, including lines that must not compile', () => {
  // No esnext.disposable: the package's .d.ts references what it needs.
  const { ok, out } = tsc('browser', { lib: ['es2022', 'dom'], types: [] }, { 'consumer.ts': consumer });
  assert.ok(ok, out);
});

test('tsc --strict type-checks a Node-only consumer (lib es2022, types node)', () => {
  const { ok, out } = tsc('node', { lib: ['es2022'], types: ['node'] }, { 'consumer.ts': consumer });
  assert.ok(ok, out);
});

test('tsc rejects what the package does not export: init, initSync', () => {
  const { ok, out } = tsc('init', { lib: ['es2022', 'dom'], types: [] }, {
    'init.ts': "import init from 'wasm-errgroup';\nimport { initSync } from 'wasm-errgroup';\nvoid init; void initSync;\n",
  });
  assert.ok(!ok, 'tsc accepted a default import that does not exist');
  const errors = out.split('\n').filter((line) => line.includes('error TS'));
  assert.equal(errors.length, 2, out);
  for (const line of errors) assert.match(line, /^init\/init\.ts/, 'the errors are the consumer\'s, not in the .d.ts');
});

// A CommonJS scope (module node16, no "type": "module"), where TypeScript
// resolves the package's `require` condition: its types are index.d.cts.
// An ESM-only package fails there with TS1479. 5.4 is the lowest
// TypeScript checked, tools/typescript-5.4/; tools/' own is the newest.
for (const [version, binary] of [['5.4', join(root, 'tools/typescript-5.4/node_modules/.bin/tsc')], ['7', bin('tsc')]]) {
  test(`tsc ${version} --strict, module node16 in a CommonJS scope, type-checks a consumer of both entries`, () => {
    const name = `cjs-${version}`;
    mkdirSync(join(project.dir, name), { recursive: true });
    writeFileSync(join(project.dir, name, 'package.json'), '{ "type": "commonjs" }\n');
    const noWasm = "import { ErrGroup } from 'wasm-errgroup/no-wasm';\nconst group: ErrGroup = ErrGroup.withSignal();\nvoid group;\n";
    const { ok, out } = tsc(name, { module: 'node16', moduleResolution: 'node16', lib: ['es2022', 'dom'], types: [] },
      { 'consumer.ts': consumer, 'no-wasm.ts': noWasm }, binary);
    assert.ok(ok, out);
  });
}
