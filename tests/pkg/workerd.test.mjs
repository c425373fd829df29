// Cloudflare's workerd, through `wrangler dev` (which bundles the Worker
// with the packed package installed in a fresh project): a Worker that
// imports the package at its top level, and one that imports it lazily
// inside a request, as frameworks with lazy routes do. workerd compiles
// WebAssembly only while a Worker's top level runs; the package's exports
// give workerd the core compiled to JavaScript (the "workerd" condition),
// which compiles nothing, so both work with no configuration.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expected } from './scenario.mjs';
import { makeProject, root } from './project.mjs';

/** Wrangler 4 needs Node 22.12 or later: the one tools/ installs. */
const NODE_22 = join(root, 'tools/node_modules/node-22/bin/node');

let project;
before(async () => {
  project = await makeProject();
  project.link('wrangler');
  project.write('static.js', `import { ErrGroup } from 'wasm-errgroup';
import { scenario } from './scenario.mjs';
export default {
  async fetch() {
    return Response.json(await scenario(ErrGroup));
  },
};
`);
  project.write('lazy.js', `export default {
  async fetch() {
    try {
      const { ErrGroup } = await import('wasm-errgroup');
      const { scenario } = await import('./scenario.mjs');
      return Response.json(await scenario(ErrGroup));
    } catch (error) {
      return Response.json({ error: String(error) });
    }
  },
};
`);
  for (const name of ['static', 'lazy']) {
    project.write(`${name}.toml`, `name = "${name}"\nmain = "${name}.js"\ncompatibility_date = "2025-09-01"\n`);
  }
});
after(async () => { await project?.close(); });

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Serves the Worker of `config` with `wrangler dev`, and returns what a request to it answers. */
async function requestWorker(config) {
  const port = await freePort();
  const wrangler = spawn(NODE_22, [join(project.dir, 'node_modules/wrangler/bin/wrangler.js'), 'dev', '-c', config,
    '--ip', '127.0.0.1', '--port', String(port), '--inspector-port', String(await freePort())], {
    cwd: project.dir, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
  });
  let log = '';
  const ready = new Promise((resolve, reject) => {
    const read = (chunk) => {
      log += chunk;
      if (/Ready on /.test(log)) resolve();
    };
    wrangler.stdout.on('data', read);
    wrangler.stderr.on('data', read);
    wrangler.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}):\n${log}`)));
  });
  try {
    await ready;
    const response = await fetch(`http://127.0.0.1:${port}/`);
    return await response.json();
  } finally {
    process.kill(-wrangler.pid, 'SIGTERM');
  }
}

test('workerd (wrangler dev): a Worker that imports the package at its top level runs the scenario', async () => {
  assert.deepEqual(await requestWorker('static.toml'), expected);
});

test('workerd (wrangler dev): a Worker that imports the package lazily, inside a request, runs the scenario', async () => {
  assert.deepEqual(await requestWorker('lazy.toml'), expected);
});
