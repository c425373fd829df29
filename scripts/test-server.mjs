// A local HTTP server for the fetch tests and the demo. Loopback only.
//
//   GET /ok?delay=MS          200 "ok" after MS milliseconds
//   GET /status?code=N        status N
//   GET /echo?text=T&delay=MS 200 T after MS milliseconds
//   GET /slow?ms=MS           200 after MS milliseconds, unless the client aborts
//   GET /stats                {"open": n, "served": n, "aborted": n} for /slow:
//                             requests in flight, completed, and closed by the client
//
// Every response allows any origin, so headless browsers on another port may
// read it. Started as a program, it prints one JSON line
// {"origin": ..., "deadOrigin": ...} where deadOrigin is a loopback port that
// nothing listens on, then serves until killed or for --lifetime seconds.
import http from 'node:http';

export async function startServer() {
  const stats = { open: 0, served: 0, aborted: 0 };
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const num = (key, fallback) => Number(url.searchParams.get(key) ?? fallback);
    const send = (status, body) => {
      res.writeHead(status, {
        'access-control-allow-origin': '*',
        'content-type': 'text/plain',
        'cache-control': 'no-store',
      });
      res.end(body);
    };
    const later = (ms, fn) => {
      const timer = setTimeout(fn, ms);
      res.on('close', () => {
        clearTimeout(timer);
        if (!res.writableEnded) stats.aborted++;
      });
    };
    switch (url.pathname) {
      case '/ok':
        return later(num('delay', 0), () => send(200, 'ok'));
      case '/echo':
        return later(num('delay', 0), () => send(200, url.searchParams.get('text') ?? ''));
      case '/status':
        return send(num('code', 500), `status ${num('code', 500)}`);
      case '/slow':
        stats.open++;
        res.on('close', () => stats.open--);
        return later(num('ms', 5000), () => {
          stats.served++;
          send(200, 'slow');
        });
      case '/stats':
        return send(200, JSON.stringify(stats));
      default:
        return send(404, 'not found');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return { server, origin, deadOrigin: await deadOrigin(), stats };
}

/// A loopback origin on a port that was free a moment ago and is closed now.
async function deadOrigin() {
  const probe = http.createServer();
  await new Promise((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return `http://127.0.0.1:${port}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const lifetime = Number(process.argv[process.argv.indexOf('--lifetime') + 1] || 3600);
  const { server, origin, deadOrigin: dead } = await startServer();
  console.log(JSON.stringify({ origin, deadOrigin: dead }));
  const timer = setTimeout(() => server.close(() => process.exit(0)), lifetime * 1000);
  timer.unref();
  server.on('close', () => process.exit(0));
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(0));
  setTimeout(() => process.exit(0), lifetime * 1000);
}
