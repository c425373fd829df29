// Next.js 15, App Router, no configuration: one `next build` (webpack) of a
// project with the packed package installed, served by `next start`, with
// the package in a client component (the page, in headless Chromium), in a
// route handler on Node, and in one on the edge runtime. The edge build
// gets the core compiled to JavaScript (the "edge-light" condition): the
// edge runtime refuses to compile WebAssembly from bytes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { expected } from './scenario.mjs';
import { makeProject } from './project.mjs';

const ENV = { ...process.env, NEXT_TELEMETRY_DISABLED: '1' };
let project;
let origin;
let server;

const ROUTE = `import { ErrGroup } from 'wasm-errgroup';
import { scenario } from '../../../scenario.mjs';

export const dynamic = 'force-dynamic';

export async function GET() {
  return Response.json(await scenario(ErrGroup));
}
`;

before(async () => {
  project = await makeProject();
  project.link('next', 'react', 'react-dom');
  project.write('app/layout.js', `export default function RootLayout({ children }) {
  return <html><body>{children}</body></html>;
}
`);
  project.write('app/page.js', `'use client';
import { useEffect } from 'react';
import { ErrGroup } from 'wasm-errgroup';
import { scenario } from '../scenario.mjs';

export default function Page() {
  useEffect(() => {
    scenario(ErrGroup).then((out) => { window.result = out; }, (error) => { window.pageError = String(error); });
  }, []);
  return <p>wasm-errgroup</p>;
}
`);
  project.write('app/api/node/route.js', ROUTE);
  project.write('app/api/edge/route.js', `${ROUTE}export const runtime = 'edge';\n`);
  const next = join(project.dir, 'node_modules/next/dist/bin/next');
  execFileSync(process.execPath, [next, 'build'], { cwd: project.dir, env: ENV, stdio: 'pipe' });
  const port = await new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = probe.address();
      probe.close(() => resolve(free));
    });
  });
  server = spawn(process.execPath, [next, 'start', '-H', '127.0.0.1', '-p', String(port)], {
    cwd: project.dir, env: ENV, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise((resolve, reject) => {
    let log = '';
    server.stdout.on('data', (chunk) => {
      log += chunk;
      if (/Ready in/.test(log)) resolve();
    });
    server.once('exit', (code) => reject(new Error(`next start exited (${code}):\n${log}`)));
  });
  origin = `http://127.0.0.1:${port}`;
});
after(async () => {
  if (server !== undefined) process.kill(-server.pid, 'SIGTERM');
  await project?.close();
});

test('Next.js 15: a client component runs the scenario on the page, in Chromium', async () => {
  assert.deepEqual(await project.open('chromium', `${origin}/`), expected);
});

test('Next.js 15: a route handler on the Node runtime runs the scenario', async () => {
  assert.deepEqual(await (await fetch(`${origin}/api/node`)).json(), expected);
});

test('Next.js 15: a route handler on the edge runtime runs the scenario', async () => {
  assert.deepEqual(await (await fetch(`${origin}/api/edge`)).json(), expected);
});

test('Next.js 15: the edge build compiles no WebAssembly', () => {
  const bundle = readFileSync(join(project.dir, '.next/server/app/api/edge/route.js'), 'utf8');
  assert.ok(bundle.includes('wasm-errgroup') || bundle.includes('ErrGroup'), 'the package is in the edge bundle');
  assert.ok(!bundle.includes('WebAssembly.Module'), 'the edge bundle compiles WebAssembly');
});
