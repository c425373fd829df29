// The contenders: the same batch through ErrGroup (go() or map()), through
// Promise.all and through p-map. Each reports to a BatchView as requests
// start and end, and resolves once every request it started has ended,
// with a line saying how the batch ended.
import { describe } from './view.js';
import { fetchRequest } from './plan.js';

/** Runs `request` in `view`'s row: running, then done, failed or aborted. */
async function track(view, request, signal) {
  view.set(request.id, 'running');
  try {
    await fetchRequest(request, signal);
  } catch (error) {
    // Aborted by the signal the task holds: the fetch rejects with its
    // reason (an AbortError in WebKit), and signal.aborted tells.
    if (signal?.aborted) view.set(request.id, 'aborted', describe(signal.reason));
    else view.set(request.id, 'failed', describe(error));
    throw error;
  }
  view.set(request.id, 'done');
}

/**
 * Repaints the view each frame until `done` settles; `counts` gives
 * active, queued, and how many tasks ended, as the group counts them.
 */
function animate(view, done, counts) {
  let frame = 0;
  const paint = () => {
    view.tick();
    const [active, queued, counted] = counts?.() ?? [];
    view.counts(active, queued, counted);
    frame = requestAnimationFrame(paint);
  };
  frame = requestAnimationFrame(paint);
  return done.finally(() => {
    cancelAnimationFrame(frame);
    view.counted = counts?.()[2];
  });
}

/** ErrGroup: go() for each request then wait(), or ErrGroup.map(). */
export async function runErrGroup(ErrGroup, plan, settings, view, parent) {
  const started = view.now();
  if (settings.via === 'map') {
    const mapped = ErrGroup.map(plan, (request, index, signal) => track(view, request, signal),
      { limit: settings.limit, signal: parent });
    const outcome = await animate(view, mapped.then(
      () => 'ErrGroup.map() resolved: every request succeeded',
      (error) => `ErrGroup.map() rejected at ${Math.round(view.now() - started)} ms with ${describe(error)}`));
    return outcome;
  }
  const group = settings.group === 'withSignal' ? ErrGroup.withSignal(parent) : new ErrGroup();
  group.setLimit(settings.limit);
  for (const request of plan) group.go((signal) => track(view, request, signal));
  return animate(view, group.wait().then(
    () => 'wait() resolved: every request succeeded',
    (error) => `wait() rejected at ${Math.round(view.now() - started)} ms with ${describe(error)}`),
  () => [group.active, group.queued, { succeeded: group.succeeded, failed: group.failed, skipped: group.skipped }]);
}

/** Promise.all: every request at once, nothing to stop them. */
export async function runPromiseAll(plan, view) {
  const all = plan.map((request) => track(view, request));
  let rejectedAt = null;
  let failure;
  Promise.all(all).catch((error) => {
    rejectedAt = view.now();
    failure = error;
  });
  await animate(view, Promise.allSettled(all));
  if (rejectedAt === null) return 'Promise.all resolved: every request succeeded';
  return `Promise.all rejected at ${Math.round(rejectedAt)} ms with ${describe(failure)}; `
    + `the other requests ran on until ${Math.round(view.now())} ms`;
}

/** p-map: a limit, but nothing that stops the requests already running. */
export async function runPMap(pMap, plan, settings, view, parent) {
  const started = new Set();
  let rejectedAt = null;
  let failure;
  const mapped = pMap(plan, (request) => {
    const running = track(view, request);
    started.add(running);
    return running;
  }, { concurrency: settings.limit, signal: parent });
  const settled = mapped.then(() => {}, (error) => {
    rejectedAt = view.now();
    failure = error;
  }).then(() => Promise.allSettled(started));
  await animate(view, settled);
  if (rejectedAt === null) return 'p-map resolved: every request succeeded';
  return `p-map rejected at ${Math.round(rejectedAt)} ms with ${describe(failure)}; `
    + `the requests already running ran on until ${Math.round(view.now())} ms`;
}
