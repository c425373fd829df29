// The Rust page: the batch runs in www/rust/src/lib.rs (wasm-pack, web
// target), which reports each request; this file only shows it, with the
// same view as the JS page.
import init, { run_batch as runBatch } from '/rust/wasm_errgroup_demo.js';
import { makePlan, readSettings } from './plan.js';
import { BatchView, describe } from './view.js';
import { controls } from './controls.js';

const panel = document.querySelector('[data-contender=rust]');
let runs = 0;
window.demo = { state: 'idle', runs: {} };

await init();

async function run(form, cancelled, settled) {
  const settings = readSettings(form);
  const batch = `rust-${++runs}`;
  const plan = makePlan(settings, batch);
  window.demo.settings = settings;
  const parent = settings.timeout > 0
    ? AbortSignal.any([cancelled, AbortSignal.timeout(settings.timeout)])
    : cancelled;
  const title = settings.group === 'zero' ? 'Group::new()' : 'Group::with_context(&parent)';
  panel.querySelector('h2').textContent = title;
  const view = new BatchView(panel, plan, Math.max(...plan.map((request) => request.ms)) + 400);
  const started = performance.now();
  const report = (index, state, detail) => {
    view.set(plan[index].id, state, detail === undefined ? '' : describe(detail));
  };
  let frame = requestAnimationFrame(function paint() {
    view.tick();
    frame = requestAnimationFrame(paint);
  });
  let outcome;
  try {
    await runBatch(plan.map((request) => request.path), Number.isFinite(settings.limit) ? settings.limit : 0,
      settings.group !== 'zero', parent, report);
    outcome = 'wait() returned Ok(()): every request succeeded';
  } catch (error) {
    outcome = `wait() returned Err at ${Math.round(view.now())} ms: ${describe(error)}`;
  } finally {
    cancelAnimationFrame(frame);
    settled();
  }
  const wall = Math.round(performance.now() - started);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const log = await (await fetch(`/api/log?batch=${encodeURIComponent(batch)}`)).json();
  view.finish(`${outcome} (${wall} ms in all)`, log);
  window.demo.runs = { rust: { title, outcome, wall, peak: view.peak(), rows: view.snapshot(), log } };
}

controls(run);
