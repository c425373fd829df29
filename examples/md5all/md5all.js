import { ErrGroup } from 'wasm-errgroup';
import { WorkerPool } from 'wasm-errgroup/workers';

// One worker per core, each running md5.worker.js (below).
export const pool = new WorkerPool(new URL('./md5.worker.js', import.meta.url));

/**
 * Go's MD5All: the MD5 of every file (Files from a folder picker; paths in
 * Node), 20 digesters at a time. The first failure aborts the others in
 * their workers and is thrown once none of them is still digesting.
 */
export async function md5All(files, signal) {
  const digests = new Map();
  const group = ErrGroup.withSignal(signal);
  group.setLimit(20);
  for (const file of files) {
    group.go(async (signal) => {
      const name = typeof file === 'string' ? file : file.webkitRelativePath || file.name;
      digests.set(name, await pool.run('md5', file, { signal }));
    });
  }
  await group.wait();
  return digests;
}
