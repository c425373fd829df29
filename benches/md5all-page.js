// The MD5All bench's page (benches/md5all.mjs serves it): the contenders on
// Blobs fetched from the bench's server, in this browser.
import { ErrGroup } from '/pkg/index.js';
import { WorkerPool } from '/pkg/workers.js';
import { digest, loadMd5 } from '/examples/md5all/digest.js';
import { run, started } from '/benches/md5all-contenders.js';

window.runMd5Bench = async ({ count, rounds, runs }) => {
  const md5Worker = new URL('/target/md5all/md5.worker.js', location.href);
  const Md5 = await loadMd5(md5Worker);
  const files = await Promise.all(Array.from({ length: count }, (_, i) => fetch(`/files/${i}`).then((r) => r.blob())));
  const spawn = () => {
    const pool = new WorkerPool('/benches/empty.worker.js', { size: 1 });
    const wp = window.workerpool.pool('/benches/empty.workerpool.js', { maxWorkers: 1 });
    const raw = new Worker('/benches/empty.raw.js', { type: 'module' });
    let answered = () => {};
    raw.onmessage = () => answered();
    return {
      pool, workerpool: wp,
      raw: () => new Promise((resolve) => {
        answered = resolve;
        raw.postMessage(0);
      }),
      close: async () => {
        await pool.close();
        await wp.terminate();
        raw.terminate();
      },
    };
  };
  const rawWorkers = (n) => started(Array.from({ length: n }, () => new Worker('/benches/md5.raw.js', { type: 'module' })),
    (raw, listener) => raw.addEventListener('message', (event) => listener(event.data)), (raw) => raw.terminate());
  return run({ ErrGroup, WorkerPool, Md5, digest, files, md5Worker, rawWorkers, spawn }, { rounds, runs });
};
