// The demo page: one batch of requests, run through ErrGroup, then through
// Promise.all and p-map, each shown as it happens and then next to what the
// server saw of each request.
import { ErrGroup } from '/pkg/index.js';
import pMap from '/p-map/index.js';
import { makePlan, readSettings } from './plan.js';
import { BatchView, describe } from './view.js';
import { runErrGroup, runPMap, runPromiseAll } from './runners.js';
import { controls } from './controls.js';

const panels = {
  errgroup: document.querySelector('[data-contender=errgroup]'),
  promiseAll: document.querySelector('[data-contender=promise-all]'),
  pMap: document.querySelector('[data-contender=p-map]'),
};
let runs = 0;

/** What the last run showed, for `demo.sh --headless` and the tests. */
window.demo = { state: 'idle', runs: {} };

async function serverLog(batch) {
  const response = await fetch(`/api/log?batch=${encodeURIComponent(batch)}`);
  return response.json();
}

/** Runs one contender in its panel and records what it showed. */
async function runIn(key, title, plan, batch, scaleMs, run) {
  const panel = panels[key];
  panel.querySelector('h2').textContent = title;
  const view = new BatchView(panel, plan, scaleMs);
  const started = performance.now();
  const outcome = await run(view);
  const wall = Math.round(performance.now() - started);
  // Give the server a moment to see the connections the client closed.
  await new Promise((resolve) => setTimeout(resolve, 50));
  const log = await serverLog(batch);
  view.finish(`${outcome} (${wall} ms in all)`, log);
  window.demo.runs[key] = { title, outcome, wall, peak: view.peak(), rows: view.snapshot(), counted: view.counted, log };
}

async function runBatch(form, cancelled, settled) {
  const settings = readSettings(form);
  const run = ++runs;
  window.demo.runs = {};
  window.demo.settings = settings;
  // The parent the group and p-map get: the Cancel button, and the timeout if one is set.
  const parent = settings.timeout > 0
    ? AbortSignal.any([cancelled, AbortSignal.timeout(settings.timeout)])
    : cancelled;
  const plan = (name) => makePlan(settings, `${run}-${name}`);
  const scaleMs = Math.max(...makePlan(settings, '').map((request) => request.ms)) + 400;
  const groupTitle = settings.via === 'map'
    ? 'ErrGroup.map()'
    : `${settings.group === 'zero' ? 'new ErrGroup()' : 'ErrGroup.withSignal()'} + go()`;
  try {
    await runIn('errgroup', groupTitle, plan('errgroup'), `${run}-errgroup`, scaleMs,
      (view) => runErrGroup(ErrGroup, plan('errgroup'), settings, view, parent));
    settled();
    await runIn('promiseAll', 'Promise.all()', plan('promise-all'), `${run}-promise-all`, scaleMs,
      (view) => runPromiseAll(plan('promise-all'), view));
    await runIn('pMap', 'p-map', plan('p-map'), `${run}-p-map`, scaleMs,
      (view) => runPMap(pMap, plan('p-map'), settings, view, undefined));
  } catch (error) {
    document.querySelector('#status').textContent = `The demo failed: ${describe(error)}`;
    throw error;
  }
}

controls(runBatch);
