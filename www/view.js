// How one contender's run of a batch is shown: one row per request with its
// state, timing and reason, live counters and a progress bar, and a
// waterfall whose bars show how many requests overlapped and where the
// first failure cut the rest off. The JS page and the Rust page share it.

const STATES = ['queued', 'running', 'done', 'failed', 'aborted', 'skipped'];

export class BatchView {
  /**
   * Fills `panel` (a <section>) for `plan`. `scaleMs` is the width of the
   * waterfall, fixed for the run so that nothing moves while it fills.
   */
  constructor(panel, plan, scaleMs) {
    this.panel = panel;
    this.plan = plan;
    this.scaleMs = scaleMs;
    this.start = performance.now();
    this.rows = new Map();
    this.cutAt = null;
    panel.dataset.state = 'running';
    const list = panel.querySelector('.rows');
    list.replaceChildren();
    for (const request of plan) {
      const row = document.createElement('li');
      row.className = 'row';
      row.dataset.id = String(request.id);
      row.innerHTML = `<span class="id">#${request.id}</span><span class="state"></span>`
        + '<span class="time"></span><span class="track" aria-hidden="true"><span class="bar"></span></span>'
        + '<span class="detail"></span>';
      list.append(row);
      this.rows.set(request.id, { el: row, started: null, ended: null, state: 'queued' });
      this.#paint(request.id);
    }
    this.cut = panel.querySelector('.cut');
    this.cut.hidden = true;
    this.progress = panel.querySelector('progress');
    this.progress.max = plan.length;
    this.progress.value = 0;
    this.meters = {
      active: panel.querySelector('[data-meter=active]'),
      queued: panel.querySelector('[data-meter=queued]'),
      ended: panel.querySelector('[data-meter=ended]'),
    };
    this.outcome = panel.querySelector('.outcome');
    this.outcome.textContent = 'Running…';
    /** @type {{ succeeded: number, failed: number, skipped: number } | undefined} The group's counters at the end. */
    this.counted = undefined;
    this.counts();
  }

  /** Repaints the running rows' bars; call it each frame while the run lasts. */
  tick() {
    for (const [id, row] of this.rows) if (row.state === 'running') this.#paint(id);
  }

  /** What the run shows, for the headless story and the tests. */
  snapshot() {
    return [...this.rows].map(([id, row]) => ({
      id, state: row.state, started: row.started, ended: row.ended, detail: row.detail ?? '', server: row.server ?? null,
    }));
  }

  /** Milliseconds since the run started. */
  now() {
    return performance.now() - this.start;
  }

  /** Request `id` is now in `state`; `detail` says why (a reason, an error). */
  set(id, state, detail = '') {
    if (!STATES.includes(state)) throw new Error(`unknown state ${state}`);
    const row = this.rows.get(id);
    const at = this.now();
    if (state === 'running') row.started = at;
    else if (state !== 'queued' && state !== 'skipped') row.ended = at;
    if (state === 'failed' && this.cutAt === null) this.cutAt = at;
    row.state = state;
    row.detail = detail;
    this.#paint(id);
    this.counts();
  }

  /**
   * Shows what the group counts (`active`, `queued`, and the tasks that
   * ended: `{ succeeded, failed, skipped }`); else counts the rows.
   */
  counts(active, queued, counted) {
    const states = [...this.rows.values()].map((row) => row.state);
    const ended = counted ? counted.succeeded + counted.failed + counted.skipped
      : states.filter((state) => state !== 'queued' && state !== 'running').length;
    this.meters.active.textContent = String(active ?? states.filter((state) => state === 'running').length);
    this.meters.queued.textContent = String(queued ?? states.filter((state) => state === 'queued').length);
    this.meters.ended.textContent = `${ended}/${this.plan.length}`;
    this.meters.ended.title = counted
      ? `${counted.succeeded} succeeded, ${counted.failed} failed, ${counted.skipped} skipped (the group's counters)` : '';
    this.progress.value = ended;
  }

  /**
   * The run is over: what was never started is skipped, the outcome is
   * shown, and each row says what the server saw of its request.
   */
  finish(outcome, serverLog) {
    for (const [id, row] of this.rows) {
      if (row.state === 'queued') this.set(id, 'skipped', 'never started');
      const seen = serverLog?.[id];
      row.server = seen ? seen.outcome : 'never requested';
      this.#paint(id);
    }
    this.counts(0, 0, this.counted);
    if (this.cutAt !== null) {
      this.cut.hidden = false;
      this.cut.style.setProperty('--at', String(this.#percent(this.cutAt) / 100));
      this.cut.title = `first failure at ${Math.round(this.cutAt)} ms`;
    }
    this.outcome.textContent = outcome;
    this.panel.dataset.state = 'done';
  }

  /** Most requests running at one moment, from the rows' start and end times. */
  peak() {
    const edges = [];
    for (const row of this.rows.values()) {
      if (row.started === null) continue;
      edges.push([row.started, 1], [row.ended ?? Infinity, -1]);
    }
    edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    let running = 0;
    let peak = 0;
    for (const [, step] of edges) peak = Math.max(peak, (running += step));
    return peak;
  }

  #percent(ms) {
    return Math.min(100, (ms / this.scaleMs) * 100);
  }

  #paint(id) {
    const row = this.rows.get(id);
    const { el } = row;
    el.dataset.state = row.state;
    el.querySelector('.state').textContent = row.state;
    const time = row.started === null ? '' : `${Math.round(row.started)}–${row.ended === null ? '…' : Math.round(row.ended)} ms`;
    el.querySelector('.time').textContent = time;
    const bar = el.querySelector('.bar');
    if (row.started === null) {
      bar.style.width = '0';
    } else {
      const end = row.ended ?? this.now();
      bar.style.left = `${this.#percent(row.started)}%`;
      bar.style.width = `${Math.max(0.6, this.#percent(end) - this.#percent(row.started))}%`;
    }
    const detail = [row.detail, row.server && `server: ${row.server}`].filter(Boolean).join(' · ');
    el.querySelector('.detail').textContent = detail;
    el.querySelector('.detail').title = detail;
  }
}

/** A short text for a failure or abort reason. */
export function describe(reason) {
  if (reason instanceof Error || reason instanceof DOMException) return `${reason.name}: ${reason.message}`;
  return String(reason);
}
