// The bench's scenarios, the same in Node and in browsers: every contender
// does the same work on no-op async tasks, and `run` times them in turn,
// round after round, so that a slow moment of the machine hits them all.
//
// `libs` holds what is measured: { ErrGroup, pMap, pLimit, mapLimit,
// newQueue }. `floor` is a hand-written worker loop: what the job costs
// with no library at all.

const noop = async () => {};
const noopWith = async (signal) => signal;

/** A hand-written worker loop: `limit` workers pull task indexes. */
async function workers(n, limit, task) {
  let next = 0;
  const worker = async () => {
    while (next < n) {
      next++;
      await task();
    }
  };
  const all = [];
  for (let i = 0; i < Math.min(limit, n); i++) all.push(worker());
  await Promise.all(all);
}

async function* generate(n) {
  for (let i = 0; i < n; i++) yield i;
}

export function scenarios({ ErrGroup, pMap, pMapIterable, pLimit, mapLimit, newQueue }, n) {
  const items = Array.from({ length: n }, (_, i) => i);
  const SMALL = 10;
  const groups = Math.max(1, Math.floor(n / SMALL));
  const ten = items.slice(0, SMALL);
  // B and C: withSignal's own controller per batch is what C does by hand.
  const withSignalBatches = async () => {
    for (let g = 0; g < groups; g++) {
      const group = ErrGroup.withSignal();
      group.setLimit(4);
      for (let i = 0; i < SMALL; i++) group.go(noopWith);
      await group.wait();
    }
  };
  return {
    A: {
      title: `A: ${n} tasks, limit 16`,
      contenders: {
        'ErrGroup': async () => {
          const group = new ErrGroup();
          group.setLimit(16);
          for (let i = 0; i < n; i++) group.go(noop);
          await group.wait();
        },
        'ErrGroup.map': () => ErrGroup.map(items, noop, { limit: 16 }),
        'withSignal': async () => {
          const group = ErrGroup.withSignal();
          group.setLimit(16);
          for (let i = 0; i < n; i++) group.go(noopWith);
          await group.wait();
        },
        'p-map': () => pMap(items, noop, { concurrency: 16 }),
        'async mapLimit': () => mapLimit(items, 16, noop),
        '@henrygd/queue': async () => {
          const queue = newQueue(16);
          for (let i = 0; i < n; i++) queue.add(noop);
          await queue.done();
        },
        'p-limit': () => {
          const limit = pLimit(16);
          return Promise.all(items.map(() => limit(noop)));
        },
        'floor': () => workers(n, 16, noop),
      },
    },
    B: {
      title: `B: ${groups} groups of ${SMALL} tasks, limit 4`,
      contenders: {
        'ErrGroup': async () => {
          for (let g = 0; g < groups; g++) {
            const group = new ErrGroup();
            group.setLimit(4);
            for (let i = 0; i < SMALL; i++) group.go(noop);
            await group.wait();
          }
        },
        'ErrGroup.map': async () => {
          for (let g = 0; g < groups; g++) await ErrGroup.map(ten, noop, { limit: 4 });
        },
        'withSignal': withSignalBatches,
        'p-map': async () => {
          for (let g = 0; g < groups; g++) await pMap(ten, noop, { concurrency: 4 });
        },
        'async mapLimit': async () => {
          for (let g = 0; g < groups; g++) await mapLimit(ten, 4, noop);
        },
        '@henrygd/queue': async () => {
          for (let g = 0; g < groups; g++) {
            const queue = newQueue(4);
            for (let i = 0; i < SMALL; i++) queue.add(noop);
            await queue.done();
          }
        },
        'p-limit': async () => {
          for (let g = 0; g < groups; g++) {
            const limit = pLimit(4);
            await Promise.all(ten.map(() => limit(noop)));
          }
        },
        'floor': async () => {
          for (let g = 0; g < groups; g++) await workers(SMALL, 4, noop);
        },
        // What withSignal and map pay for their signal in this engine: one
        // AbortController made and aborted per batch, and nothing else.
        'AbortController': async () => {
          const reason = new Error('settled');
          for (let g = 0; g < groups; g++) new AbortController().abort(reason);
        },
      },
    },
    C: {
      title: `C: as B, with an AbortController per batch passed to every task and aborted at the end`,
      contenders: {
        'withSignal': withSignalBatches,
        'p-map': async () => {
          for (let g = 0; g < groups; g++) {
            const controller = new AbortController();
            const { signal } = controller;
            await pMap(ten, () => noopWith(signal), { concurrency: 4 });
            controller.abort();
          }
        },
        'async mapLimit': async () => {
          for (let g = 0; g < groups; g++) {
            const controller = new AbortController();
            const { signal } = controller;
            await mapLimit(ten, 4, async () => noopWith(signal));
            controller.abort();
          }
        },
        '@henrygd/queue': async () => {
          for (let g = 0; g < groups; g++) {
            const controller = new AbortController();
            const { signal } = controller;
            const queue = newQueue(4);
            for (let i = 0; i < SMALL; i++) queue.add(() => noopWith(signal));
            await queue.done();
            controller.abort();
          }
        },
        'floor': async () => {
          for (let g = 0; g < groups; g++) {
            const controller = new AbortController();
            const { signal } = controller;
            await workers(SMALL, 4, () => noopWith(signal));
            controller.abort();
          }
        },
      },
    },
    D: {
      title: `D: an async generator of ${n} items, limit 16`,
      contenders: {
        'ErrGroup.map': () => ErrGroup.map(generate(n), noop, { limit: 16 }),
        'mapIterable': async () => {
          for await (const _ of ErrGroup.mapIterable(generate(n), noop, { limit: 16 })); // eslint-disable-line no-unused-vars
        },
        'p-map': () => pMap(generate(n), noop, { concurrency: 16 }),
        'pMapIterable': async () => {
          for await (const _ of pMapIterable(generate(n), noop, { concurrency: 16 })); // eslint-disable-line no-unused-vars
        },
        'floor': async () => {
          const source = generate(n);
          const worker = async () => {
            for (;;) {
              const { done, value } = await source.next();
              if (done) return;
              await noop(value);
            }
          };
          await Promise.all(Array.from({ length: 16 }, worker));
        },
      },
    },
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const macrotask = () => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Times every contender of every scenario: a warm-up, then `rounds` rounds
 * in turn, each run after a forced GC (where `gc` is given) and a
 * macrotask. Returns, per scenario, each contender's median in µs per task.
 */
export async function run(libs, { tasks, rounds, gc, only }) {
  const out = {};
  for (const [key, { title, contenders }] of Object.entries(scenarios(libs, tasks))) {
    if (only && !only.includes(key)) continue;
    const times = Object.fromEntries(Object.keys(contenders).map((name) => [name, []]));
    for (const fn of Object.values(contenders)) await fn();
    for (let round = 0; round < rounds; round++) {
      for (const [name, fn] of Object.entries(contenders)) {
        gc?.();
        await macrotask();
        const start = performance.now();
        await fn();
        times[name].push(performance.now() - start);
      }
    }
    out[key] = {
      title,
      perTask: Object.fromEntries(Object.entries(times).map(([name, ts]) => [name, (median(ts) * 1000) / tasks])),
    };
  }
  return out;
}
