// The README's examples are code that runs: every ```js block is executed
// against the built package and the local test server, in Node 24 (the
// first Node with `await using`), and the ```rust blocks must be tested
// files of tests/examples/, verbatim.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startServer } from '../../scripts/test-server.mjs';

const root = new URL('../../', import.meta.url);
const node24 = new URL('tools/node_modules/node-24/bin/node', root).pathname;
const readme = readFileSync(new URL('README.md', root), 'utf8');
const blocks = (lang) => [...readme.matchAll(new RegExp('```' + lang + '\\n([\\s\\S]*?)```', 'g'))].map((m) => m[1]);

test('every JavaScript example in the README runs', async () => {
  const js = blocks('js');
  assert.ok(js.length >= 2, 'the README has JavaScript examples');
  const { server, origin } = await startServer();
  const dir = mkdtempSync(join(tmpdir(), 'readme-'));
  const entry = pathToFileURL(join(root.pathname, 'pkg/index.js')).href;
  try {
    for (const [i, code] of js.entries()) {
      const body = code.replace(/from 'wasm-errgroup'/g, `from '${entry}'`);
      const imports = body.includes(entry) ? '' : `import { ErrGroup } from '${entry}';\n`;
      const urls = `const urls = ['${origin}/ok', '${origin}/ok?delay=5', '${origin}/echo?text=hi'];\n`;
      const file = join(dir, `example${i}.mjs`);
      writeFileSync(file, imports + urls + body);
      // Async: the test server answering the example runs in this process.
      await promisify(execFile)(node24, [file]);
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('every Rust example in the README is a tested file of tests/examples/, verbatim', () => {
  const rust = blocks('rust');
  const dir = new URL('tests/examples/', root);
  const tested = readdirSync(dir).filter((name) => name.endsWith('.rs')).map((name) => readFileSync(new URL(name, dir), 'utf8'));
  assert.ok(rust.length >= 4, 'the README has its Rust examples');
  for (const [i, code] of rust.entries()) {
    assert.ok(tested.includes(code), `the README's Rust block ${i + 1} is not a file of tests/examples/, verbatim`);
  }
});

test("the README's size table is the built package's", async () => {
  const { gzipSync } = await import('node:zlib');
  const files = {
    '`index.js`, the whole package': 'pkg/index.js',
    'the core inside it, as a `.wasm`': 'target/pkg-build/core.wasm',
  };
  for (const [label, path] of Object.entries(files)) {
    const match = readme.match(new RegExp('\\| ' + label.replace(/[.*+?^${}()|[\]\\`]/g, '\\$&') + ' \\| ([\\d.]+) KB \\| \\**([\\d.]+) KB\\** \\|'));
    assert.ok(match, `the size table has a row for ${label}`);
    const bytes = readFileSync(new URL(path, root));
    const actual = { raw: bytes.length / 1000, gzip: gzipSync(bytes, { level: 9 }).length / 1000 };
    const stated = { raw: Number(match[1]), gzip: Number(match[2]) };
    for (const kind of ['raw', 'gzip']) {
      assert.ok(Math.abs(actual[kind] - stated[kind]) <= 0.1,
        `${label} ${kind}: the README says ${stated[kind]} KB, the package has ${actual[kind].toFixed(1)} KB`);
    }
  }
});
