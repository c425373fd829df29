// The MD5All page (www/md5all.html), driven in headless Chromium: the pool's
// digests are the files' MD5, as on one thread; each worker's lane holds one
// file at a time; a file that fails to read stops the others in their
// workers, and wait() settles with no run active. Screenshots go to
// target/demo-screenshots/tests/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileBytes, startDemoServer } from '../../www/server.mjs';
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

/** Runs the page with `settings`; records console errors but the dropped file's own. */
async function digest(settings, viewport = { width: 1280, height: 800 }) {
  const page = await browser.newPage({ viewport });
  page.on('console', (message) => {
    if (message.type() !== 'error' && message.type() !== 'warning') return;
    if (/ERR_INCOMPLETE_CHUNKED_ENCODING|Failed to load resource/.test(message.text()) && settings.failAt > 0) return;
    messages.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => messages.push(`uncaught: ${error.message}`));
  await page.goto(`${server.origin}/md5all.html`);
  await page.waitForFunction(() => document.body.dataset.state === 'idle');
  for (const [name, value] of Object.entries(settings)) await page.fill(`[name=${name}]`, String(value));
  await page.click('#run');
  await page.waitForFunction(() => window.demo.state === 'done', null, { timeout: 120_000 });
  return { page, demo: await page.evaluate(() => window.demo) };
}

const md5 = (bytes) => createHash('md5').update(bytes).digest('hex');

test('MD5All on the pool gives every file\'s MD5, the same as on one thread', async () => {
  const { page, demo } = await digest({ count: 12, kib: 256, failAt: 0, workers: 2 });
  const expected = Array.from({ length: 12 }, (_, i) => md5(fileBytes(i + 1, 256)));
  assert.deepEqual(demo.runs.one.digests, expected);
  assert.deepEqual(demo.runs.pool.digests, expected);
  assert.match(demo.runs.pool.outcome, /^wait\(\) resolved: 12 files digested/);
  await page.close();
});

test('each worker\'s lane holds one file at a time, and there are as many lanes as workers', async () => {
  const { page, demo } = await digest({ count: 12, kib: 256, failAt: 0, workers: 3 });
  const lanes = new Map();
  for (const file of demo.runs.pool.files) {
    if (!lanes.has(file.lane)) lanes.set(file.lane, []);
    lanes.get(file.lane).push(file);
  }
  assert.ok(lanes.size <= 3 && [...lanes.keys()].every((lane) => lane >= 0 && lane < 3), `lanes ${[...lanes.keys()]}`);
  for (const [lane, files] of lanes) {
    files.sort((a, b) => a.started - b.started);
    for (let i = 1; i < files.length; i++) assert.ok(files[i].started >= files[i - 1].ended, `lane ${lane}: two files at once`);
  }
  assert.equal(await page.locator('[data-contender=pool] .lane').count(), 3);
  await page.close();
});

test('a file that fails to read stops the rest: the others are aborted in their workers or never start', async () => {
  const { page, demo } = await digest({ count: 24, kib: 512, failAt: 6, workers: 2 });
  for (const key of ['one', 'pool']) {
    const { files, outcome } = demo.runs[key];
    assert.match(outcome, /^wait\(\) rejected at \d+ ms with TypeError/, key);
    const [failed, ...others] = files.filter((file) => file.state === 'failed');
    assert.equal(failed?.id, 6, key);
    assert.deepEqual(others, [], key);
    // Nothing starts after the failure, and nothing running then completes.
    for (const file of files) {
      if (file.started !== null) assert.ok(file.started <= failed.ended, `${key}: file ${file.id} started after the failure`);
      if (file.state === 'done') assert.ok(file.ended <= failed.ended, `${key}: file ${file.id} ran on`);
    }
    assert.ok(files.some((file) => file.state === 'skipped'), `${key}: some files never started`);
  }
  // wait() settled with no run active on the pool: the aborted ones had ended in their workers.
  assert.equal(demo.runs.pool.active, 0);
  assert.ok(demo.runs.pool.files.filter((file) => file.state === 'aborted').length <= 1, 'at most the other worker\'s file');
  await page.screenshot({ path: join(shots, 'md5all-desktop.png'), fullPage: true });
  await page.close();
});

test('the MD5All page fits a phone\'s width', async () => {
  const { page } = await digest({ count: 8, kib: 128, failAt: 3, workers: 2 }, { width: 390, height: 844 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `${overflow} px wider than the window`);
  await page.screenshot({ path: join(shots, 'md5all-phone.png'), fullPage: true });
  await page.close();
});

test('no console error or warning on the MD5All page', () => {
  assert.deepEqual(messages, []);
});
