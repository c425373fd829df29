// The demo pages (www/), served by the demo command's own server and driven
// in headless Chromium as a user would: the limit holds, the first failure
// aborts what runs and skips the rest, which the mock server confirms on
// the wire; Promise.all lets every request finish; Cancel aborts a batch;
// the Rust page does the same as the JS page; and neither logs an error or
// a warning. Screenshots of both pages at a desktop and a phone width are
// written to target/demo-screenshots/tests/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startDemoServer } from '../../www/server.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const shots = join(root, 'target/demo-screenshots/tests');
let server;
let browser;
const messages = [];

before(async () => {
  mkdirSync(shots, { recursive: true });
  server = await startDemoServer(0);
  browser = await launchChromium();
});
after(async () => {
  await browser?.close();
  await server?.close();
});

/**
 * Opens a page, records its console errors and warnings, except the
 * browser's own "Failed to load resource" line for each request the batch
 * fails on purpose (HTTP 500, a dropped connection).
 */
async function open(path, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    const on = message.location()?.url ?? '';
    if (/Failed to load resource/.test(message.text()) && /[?&]kind=(fail|drop)\b/.test(on)) return;
    messages.push(`${path}: ${message.type()}: ${message.text()} (${on})`);
  });
  page.on('pageerror', (error) => messages.push(`${path}: uncaught: ${error.message}`));
  await page.goto(`${server.origin}/${path}`);
  await page.waitForFunction(() => document.body.dataset.state === 'idle');
  return page;
}

async function run(page, settings = {}) {
  for (const [name, value] of Object.entries(settings)) {
    const field = page.locator(`[name=${name}]`);
    const type = await field.first().getAttribute('type');
    if (type === 'radio') await page.check(`[name=${name}][value=${value}]`);
    else if ((await field.first().evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(String(value));
    else await field.fill(String(value));
  }
  await page.click('#run');
  await page.waitForFunction(() => window.demo.state === 'done', null, { timeout: 60_000 });
  return page.evaluate(() => window.demo.runs);
}

const byState = (rows, state) => rows.filter((row) => row.state === state).map((row) => row.id);

/** The most rows whose bars overlap at one moment. */
function overlap(rows) {
  const edges = rows.filter((row) => row.started !== null)
    .flatMap((row) => [[row.started, 1], [row.ended, -1]])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step));
  return most;
}

test('withSignal: the failure is reported, running requests are aborted on the wire, queued ones never sent', async () => {
  const page = await open('');
  const { errgroup } = await run(page, { count: 10, limit: 3, failAt: 5, failAfter: 300, group: 'withSignal', via: 'go' });
  const { rows, log } = errgroup;
  assert.deepEqual(byState(rows, 'failed'), [5]);
  assert.match(rows[4].detail, /request 5 answered HTTP 500/);
  assert.match(errgroup.outcome, /^wait\(\) rejected at \d+ ms with Error: request 5 answered HTTP 500/);
  const aborted = byState(rows, 'aborted');
  assert.ok(aborted.length > 0, 'some requests were running when #5 failed');
  for (const id of aborted) assert.equal(log[id].outcome, 'closed early', `#${id}: the server saw the fetch close`);
  const skipped = byState(rows, 'skipped');
  assert.ok(skipped.length > 0, 'some requests were still queued');
  for (const id of skipped) assert.equal(log[id], undefined, `#${id}: the server never saw it`);
  assert.ok(overlap(rows) <= 3, `${overlap(rows)} bars overlap, over the limit of 3`);
  assert.ok(errgroup.peak <= 3);
  // The group's own counters, which the meters show, agree with the rows.
  assert.deepEqual(errgroup.counted, {
    succeeded: byState(rows, 'done').length,
    failed: byState(rows, 'failed').length + aborted.length,
    skipped: skipped.length,
  });
  // Promise.all ran the same batch: the server saw every other request complete.
  const { promiseAll } = await page.evaluate(() => window.demo.runs);
  for (const row of promiseAll.rows) {
    assert.equal(promiseAll.log[row.id].outcome, row.id === 5 ? 'failed' : 'completed', `Promise.all #${row.id}`);
  }
  assert.equal(overlap(promiseAll.rows), 10, 'Promise.all starts everything at once');
  await page.close();
});

test('ErrGroup.map() gives the same story', async () => {
  const page = await open('');
  const { errgroup } = await run(page, { via: 'map' });
  assert.deepEqual(byState(errgroup.rows, 'failed'), [5]);
  assert.ok(byState(errgroup.rows, 'aborted').length > 0);
  for (const id of byState(errgroup.rows, 'skipped')) assert.equal(errgroup.log[id], undefined);
  assert.ok(overlap(errgroup.rows) <= 3);
  assert.match(errgroup.outcome, /^ErrGroup\.map\(\) rejected at \d+ ms with Error: request 5/);
  await page.close();
});

test('Cancel mid-batch aborts every running request, and wait() rejects with the cancel reason', async () => {
  const page = await open('');
  for (const [name, value] of Object.entries({ count: 10, failAt: 0 })) await page.fill(`[name=${name}]`, String(value));
  await page.selectOption('[name=limit]', '3');
  await page.click('#run');
  await page.waitForFunction(() => document.querySelectorAll('[data-contender=errgroup] .row[data-state=done]').length >= 1);
  const running = await page.$$eval('[data-contender=errgroup] .row[data-state=running]', (rows) => rows.map((row) => Number(row.dataset.id)));
  assert.ok(running.length > 0);
  await page.click('#cancel');
  await page.waitForFunction(() => window.demo.state === 'done', null, { timeout: 60_000 });
  const { errgroup } = await page.evaluate(() => window.demo.runs);
  for (const id of running) {
    const row = errgroup.rows[id - 1];
    assert.equal(row.state, 'aborted', `#${id}`);
    assert.match(row.detail, /cancelled with the Cancel button/);
    assert.equal(errgroup.log[id].outcome, 'closed early');
  }
  assert.match(errgroup.outcome, /wait\(\) rejected at \d+ ms with AbortError: cancelled with the Cancel button/);
  assert.ok(byState(errgroup.rows, 'skipped').length > 0);
  await page.close();
});

test('the Rust page runs the same batch with the same outcome', async () => {
  const js = await open('');
  const { errgroup } = await run(js);
  await js.close();
  const rust = await open('rust.html');
  const { rust: fromRust } = await run(rust);
  await rust.close();
  assert.deepEqual(fromRust.rows.map((row) => row.state), errgroup.rows.map((row) => row.state));
  assert.deepEqual(fromRust.rows.map((row) => fromRust.log[row.id]?.outcome ?? null),
    errgroup.rows.map((row) => errgroup.log[row.id]?.outcome ?? null));
  assert.match(fromRust.outcome, /^wait\(\) returned Err at \d+ ms: Error: request 5 answered HTTP 500/);
  assert.ok(overlap(fromRust.rows) <= 3);
});

test('screenshots of both pages at 1280×800 and 390 px, with no layout overflow', async () => {
  for (const [size, viewport] of Object.entries({ desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } })) {
    for (const path of ['', 'rust.html']) {
      const page = await open(path, viewport);
      await run(page);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      assert.ok(overflow <= 0, `${path || 'index'} at ${size}: ${overflow} px wider than the window`);
      await page.screenshot({ path: join(shots, `${path ? 'rust' : 'index'}-${size}.png`), fullPage: true });
      await page.close();
    }
  }
});

test('keyboard: Tab reaches the controls and Enter runs the batch', async () => {
  const page = await open('');
  await page.focus('[name=count]');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => window.demo.state === 'done', null, { timeout: 60_000 });
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.id === 'run');
  }
  assert.ok(reached, 'Tab reaches the Run button');
  await page.close();
});

test('no console error or warning on either page', () => {
  assert.deepEqual(messages, []);
});
