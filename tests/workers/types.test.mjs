// wasm-errgroup/workers' types (pkg-templates/workers.d.ts), from the packed
// package under tsc --strict: a browser consumer (lib dom) and a Node one
// (lib es2022, @types/node), with lines that must not compile marked
// @ts-expect-error, so that tsc fails if they do.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bin, makeProject, root } from '../pkg/project.mjs';

let project;
before(async () => { project = await makeProject(); });
after(async () => { await project?.close(); });

const HANDLERS = `import { expose, transfer } from 'wasm-errgroup/workers';
export const handlers = {
  md5: async (file: Blob, signal: AbortSignal): Promise<string> => {
    signal.throwIfAborted();
    return String(file.size);
  },
  bytes: (n: number) => {
    const buffer = new ArrayBuffer(n);
    return transfer(buffer, [buffer]);
  },
};
expose(handlers);
`;

const CONSUMER = (start) => `import { ErrGroup } from 'wasm-errgroup';
import { WorkerPool, type RunOptions, type WorkerPoolOptions } from 'wasm-errgroup/workers';
import type { handlers } from './handlers.js';

const options: WorkerPoolOptions = { size: 2, grace: 500 };
const pool = new WorkerPool<typeof handlers>(${start}, options);
export async function digestAll(files: Blob[]): Promise<string[]> {
  const out: string[] = [];
  const group = ErrGroup.withSignal();
  for (const file of files) {
    group.go(async (signal) => {
      const run: RunOptions = { signal };
      const digest: string = await pool.run('md5', file, run);
      out.push(digest);
    });
  }
  await group.wait();
  const buffer: ArrayBuffer = await pool.run('bytes', 16, { transfer: [] });
  void buffer;
  // @ts-expect-error: no handler of that name
  await pool.run('sha1', file0());
  // @ts-expect-error: md5 takes a Blob
  await pool.run('md5', 42);
  // @ts-expect-error: size is a number
  new WorkerPool('./x.js', { size: '2' });
  const n: number = pool.size + pool.workers + pool.active + pool.queued;
  void n;
  await pool.close();
  return out;
}
declare function file0(): Blob;
`;

function tsc(name, compilerOptions, files) {
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
    return { ok: true, out: execFileSync(bin('tsc'), ['-p', dir], { cwd: project.dir, encoding: 'utf8' }) };
  } catch (error) {
    return { ok: false, out: `${error.stdout}${error.stderr}` };
  }
}

test('tsc --strict: a browser consumer types run() from the worker\'s handlers, and the worker types expose()', () => {
  const { ok, out } = tsc('workers-browser', { lib: ['es2022', 'dom'], types: [] }, {
    'handlers.ts': HANDLERS,
    'consumer.ts': CONSUMER("() => new Worker(new URL('./handlers.js', import.meta.url), { type: 'module' })"),
  });
  assert.ok(ok, out);
});

test('tsc --strict: a Node consumer, with a worker_threads Worker from the factory', () => {
  const { ok, out } = tsc('workers-node', { lib: ['es2022'], types: ['node'] }, {
    'handlers.ts': HANDLERS,
    'consumer.ts': `import { Worker } from 'node:worker_threads';\n`
      + CONSUMER("() => new Worker(new URL('./handlers.js', import.meta.url))"),
  });
  assert.ok(ok, out);
});
