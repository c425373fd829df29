// The MD5All bench's contenders, the same in Node and in browsers. `run`
// times each in turn, round after round (after one warm-up round), so that
// a slow moment of the machine hits them all.
//
// `env`: { ErrGroup, WorkerPool, Md5, digest, files, md5Worker, rawWorkers, spawn }:
// `files` are paths (Node) or Blobs; `md5Worker` starts MD5All's worker
// (target/md5all/md5.worker.js); `rawWorkers(n)` starts n hand-written
// digest workers (md5.raw.js), the ceiling; `spawn` returns { pool,
// workerpool, raw } for the per-run overhead: the empty handler's workers.

/** Go's MD5All over `files`, on `pool`: 20 digesters, the first failure stops the rest. */
export async function md5All({ ErrGroup }, pool, files) {
  const digests = new Array(files.length);
  const group = ErrGroup.withSignal();
  group.setLimit(20);
  files.forEach((file, index) => {
    group.go(async (signal) => {
      digests[index] = await pool.run('md5', file, { signal });
    });
  });
  await group.wait();
  return digests;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];

/**
 * Hand-written digest workers, once each has said it is ready: { workers:
 * [{ post(file), next() }], close() }, where next() resolves with the
 * worker's next message.
 */
export async function started(raws, listen, terminate) {
  const workers = await Promise.all(raws.map((raw) => new Promise((resolve) => {
    let answer = () => {};
    listen(raw, (message) => (message === 'ready' ? resolve(worker) : answer(message)));
    const worker = {
      post: (file) => raw.postMessage(file),
      next: () => new Promise((settle) => { answer = settle; }),
    };
  })));
  return { workers, close: () => Promise.all(raws.map(terminate)) };
}

/**
 * The same digests with no pool: each of `workers` ({ post(file), next })
 * takes the next file as soon as it has posted a digest.
 */
async function handWritten(workers, files) {
  const digests = new Array(files.length);
  let next = 0;
  await Promise.all(workers.map(async (worker) => {
    while (next < files.length) {
      const index = next++;
      worker.post(files[index]);
      digests[index] = await worker.next();
    }
  }));
  return digests;
}

/**
 * Times MD5All over `env.files` on one thread and on pools of 1 and 2
 * workers (milliseconds, median of `rounds`), and the per-run overhead of
 * an empty handler, run after run, in µs (median of `rounds` batches of
 * `runs`): wasm-errgroup/workers, workerpool (where given) and a
 * hand-written postMessage round trip. Returns the digests too.
 */
export async function run(env, { rounds, runs }) {
  const { WorkerPool, Md5, digest, files, md5Worker } = env;
  const pools = { 'pool, 1 worker': new WorkerPool(md5Worker, { size: 1 }), 'pool, 2 workers': new WorkerPool(md5Worker, { size: 2 }) };
  const contenders = {
    'one thread': async () => {
      const digests = [];
      for (const file of files) digests.push(await digest(Md5, file));
      return digests;
    },
    ...Object.fromEntries(Object.entries(pools).map(([name, pool]) => [name, () => md5All(env, pool, files)])),
  };
  const raw = await env.rawWorkers(2);
  contenders['hand-written, 2 workers'] = () => handWritten(raw.workers, files);
  const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
  const digests = {};
  for (let round = -1; round < rounds; round++) {
    for (const [name, contender] of Object.entries(contenders)) {
      const start = performance.now();
      digests[name] = await contender();
      if (round >= 0) times[name].push(performance.now() - start);
    }
  }
  for (const pool of Object.values(pools)) await pool.close();
  await raw.close();

  const overhead = {};
  const spawned = env.spawn();
  const trips = {
    'wasm-errgroup/workers': () => spawned.pool.run('empty'),
    ...(spawned.workerpool ? { 'workerpool 10': () => spawned.workerpool.exec('empty', []) } : {}),
    'hand-written postMessage': spawned.raw,
  };
  const tripTimes = Object.fromEntries(Object.keys(trips).map((name) => [name, []]));
  for (let round = -1; round < rounds; round++) {
    for (const [name, trip] of Object.entries(trips)) {
      const start = performance.now();
      for (let i = 0; i < runs; i++) await trip();
      if (round >= 0) tripTimes[name].push(((performance.now() - start) * 1000) / runs);
    }
  }
  await spawned.close();
  for (const [name, ts] of Object.entries(tripTimes)) overhead[name] = median(ts);
  return {
    ms: Object.fromEntries(Object.entries(times).map(([name, ts]) => [name, median(ts)])),
    overhead,
    digests,
  };
}
