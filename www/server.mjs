// The demo's one server, on 127.0.0.1: the pages of www/, the package built
// from this repo (pkg/), p-map for the comparison, the Rust demo's wasm,
// and a mock API that records what happened to each request on the wire.
//
//   node www/server.mjs [--port 8080]     serves until Ctrl-C
//
// The mock API, every answer after `ms` milliseconds:
//   GET /api/req?batch=B&id=N&kind=ok&ms=MS       200 {"id": N}
//   GET /api/req?batch=B&id=N&kind=fail&ms=MS     HTTP 500 (or &status=S)
//   GET /api/req?batch=B&id=N&kind=drop&ms=MS     the connection is dropped, no answer
//   GET /api/req?batch=B&id=N&kind=stream&ms=MS   200, its body streamed slowly over MS
//   GET /api/log?batch=B   what the server saw of each request of batch B:
//                          {"N": {"kind", "received", "ended", "outcome"}}, where outcome is
//                          "completed", "failed", "dropped", "closed early" (the client went
//                          away before the answer ended: an aborted fetch), or "open"
// Requests that never arrived are not in the log.
//
// The MD5All page's generated files (www/md5all.js):
//   GET /api/file?batch=B&id=N&kib=K          K KiB of bytes made from N, streamed
//   GET /api/file?batch=B&id=N&kib=K&fail=1   the same, but the connection drops halfway
// logged like /api/req, under `batch`.
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));

/** URL prefixes and the folders they serve. */
const MOUNTS = [
  ['/pkg/', join(root, 'pkg')],
  ['/p-map/', join(root, 'tools/node_modules/p-map')],
  ['/rust/', join(root, 'target/demo/rust')],
  ['/md5all/', join(root, 'target/md5all')],
  ['/md5all-src/', join(root, 'examples/md5all')],
  ['/', join(root, 'www')],
];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript',
  '.css': 'text/css', '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml',
};

/** Starts the server; resolves with its origin, the request log, and close(). */
export async function startDemoServer(port = 0) {
  const batches = new Map();
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    if (url.pathname === '/api/req') return mock(url, req, res, batches);
    if (url.pathname === '/api/file') return file(url, res, batches);
    if (url.pathname === '/api/log') {
      const batch = batches.get(url.searchParams.get('batch')) ?? {};
      return send(res, 200, JSON.stringify(batch), 'application/json');
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'GET only');
    return serveFile(url.pathname, res);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    batches,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }),
  };
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  res.end(body);
}

function mock(url, req, res, batches) {
  const batchId = url.searchParams.get('batch') ?? '-';
  const id = url.searchParams.get('id') ?? '?';
  const kind = url.searchParams.get('kind') ?? 'ok';
  const ms = Math.min(Number(url.searchParams.get('ms') ?? 0) || 0, 60_000);
  if (!batches.has(batchId)) batches.set(batchId, {});
  if (batches.size > 1000) batches.delete(batches.keys().next().value);
  const record = { kind, received: Date.now(), ended: null, outcome: 'open' };
  batches.get(batchId)[id] = record;
  const end = (outcome) => {
    if (record.outcome !== 'open') return;
    record.outcome = outcome;
    record.ended = Date.now();
  };
  const timers = [];
  // The client went away before the answer ended: an aborted fetch.
  res.on('close', () => {
    for (const timer of timers) clearTimeout(timer);
    if (!res.writableFinished) end('closed early');
  });
  const later = (delay, fn) => timers.push(setTimeout(fn, delay));
  switch (kind) {
    case 'fail':
      return later(ms, () => {
        const status = Number(url.searchParams.get('status') ?? 500);
        end('failed');
        send(res, status >= 400 && status < 600 ? status : 500, `request ${id} failed on purpose`);
      });
    case 'drop':
      return later(ms, () => {
        end('dropped');
        req.socket.destroy();
      });
    case 'stream': {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
      const chunks = 5;
      for (let i = 1; i <= chunks; i++) {
        later((ms * i) / chunks, () => {
          if (i < chunks) res.write(`chunk ${i} of request ${id}\n`);
          else {
            end('completed');
            res.end(`chunk ${i} of request ${id}\n`);
          }
        });
      }
      return;
    }
    default:
      return later(ms, () => {
        end('completed');
        send(res, 200, JSON.stringify({ id: Number(id) }), 'application/json');
      });
  }
}

/** The bytes of generated files made so far, by "id/kib": made once, then served from memory. */
const made = new Map();

/** The bytes of generated file `id`: `kib` KiB from a xorshift seeded with it. */
export function fileBytes(id, kib) {
  const key = `${id}/${kib}`;
  if (made.has(key)) return made.get(key);
  if (made.size > 512) made.delete(made.keys().next().value);
  const words = new Uint32Array(kib * 256);
  let x = (id * 2654435761) >>> 0 || 1;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    words[i] = x >>> 0;
  }
  made.set(key, Buffer.from(words.buffer));
  return made.get(key);
}

function file(url, res, batches) {
  const batchId = url.searchParams.get('batch') ?? '-';
  const id = Number(url.searchParams.get('id') ?? 0);
  const kib = Math.min(Math.max(Number(url.searchParams.get('kib') ?? 1024) || 1, 1), 16 * 1024);
  const fail = url.searchParams.get('fail') === '1';
  if (!batches.has(batchId)) batches.set(batchId, {});
  const record = { kind: fail ? 'drop' : 'ok', received: Date.now(), ended: null, outcome: 'open' };
  batches.get(batchId)[id] = record;
  const end = (outcome) => {
    if (record.outcome !== 'open') return;
    record.outcome = outcome;
    record.ended = Date.now();
  };
  res.on('close', () => end(res.writableFinished ? 'completed' : 'closed early'));
  const bytes = fileBytes(id, kib);
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'cache-control': 'no-store' });
  // In 256 KiB chunks, a macrotask apart, as a disk or a network would.
  let at = 0;
  const next = () => {
    if (res.destroyed) return;
    if (fail && at >= bytes.length / 2) {
      end('dropped');
      res.destroy();
      return;
    }
    if (at >= bytes.length) return void res.end();
    res.write(bytes.subarray(at, at + 262144));
    at += 262144;
    setImmediate(next);
  };
  next();
}

function serveFile(pathname, res) {
  for (const [prefix, dir] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    let path = normalize(join(dir, decodeURIComponent(pathname.slice(prefix.length))));
    if (!path.startsWith(dir + sep) && path !== dir) break;
    if (existsSync(path) && statSync(path).isDirectory()) path = join(path, 'index.html');
    if (!existsSync(path)) break;
    res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    return createReadStream(path).pipe(res);
  }
  return send(res, 404, 'not found');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' } } });
  let server;
  try {
    server = await startDemoServer(Number(values.port));
  } catch (error) {
    if (error.code !== 'EADDRINUSE') throw error;
    server = await startDemoServer(0);
  }
  console.log(`\nThe wasm-errgroup demo is at ${server.origin}/  (the Rust page: ${server.origin}/rust.html;`
    + ` MD5All on a worker pool: ${server.origin}/md5all.html)`);
  console.log('Ctrl-C stops it.\n');
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
