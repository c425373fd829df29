// `./scripts/demo.sh --headless`: runs one batch on the demo page in headless
// Chromium, prints its story, and writes screenshots of the JS page and the
// Rust page at a desktop and a phone width; then MD5All (md5all.html) twice,
// once with every file read and once with file 12 failing.
//
//   node www/headless.mjs [--out target/demo-screenshots]
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDemoServer } from './server.mjs';
import { launchChromium } from '../scripts/chromium.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({ options: { out: { type: 'string', default: join(root, 'target/demo-screenshots') } } });
mkdirSync(values.out, { recursive: true });

const server = await startDemoServer(0);
const browser = await launchChromium();
try {
  const sizes = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } };
  let story = null;
  for (const [size, viewport] of Object.entries(sizes)) {
    for (const page of ['index', 'rust']) {
      const tab = await browser.newPage({ viewport });
      await tab.goto(`${server.origin}/${page === 'index' ? '' : 'rust.html'}`);
      await tab.click('#run');
      await tab.waitForFunction(() => window.demo?.state === 'done', null, { timeout: 60_000 });
      if (page === 'index' && !story) story = await tab.evaluate(() => window.demo);
      const file = join(values.out, `${page}-${size}.png`);
      await tab.screenshot({ path: file, fullPage: true });
      console.log(`screenshot: ${file}`);
      await tab.close();
    }
  }
  tell(story);
  await md5All(browser);
} finally {
  await browser.close();
  await server.close();
}

/** Prints what one batch did, contender by contender. */
function tell({ settings, runs }) {
  const limit = settings.limit === null || settings.limit === Infinity ? 'no limit' : `limit ${settings.limit}`;
  console.log(`\n${settings.count} requests, ${limit}; request ${settings.failAt} fails after ${settings.failAfter} ms.`);
  for (const run of Object.values(runs)) {
    console.log(`\n${run.title}: at most ${run.peak} requests ran at once`);
    for (const row of run.rows) {
      const when = row.started === null ? '' : `${Math.round(row.started)}–${Math.round(row.ended)} ms`;
      console.log(`  #${String(row.id).padEnd(3)} ${row.state.padEnd(8)} ${when.padEnd(14)} server: ${row.server.padEnd(15)} ${row.detail}`);
    }
    console.log(`  ${run.outcome}; wall time ${run.wall} ms`);
  }
}

/** MD5All on one thread and on a pool of 2 workers; then with a file that fails to read. */
async function md5All(browser) {
  for (const [name, failAt] of [['md5all', 0], ['md5all-failure', 12]]) {
    const tab = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await tab.goto(`${server.origin}/md5all.html`);
    await tab.waitForFunction(() => document.body.dataset.state === 'idle');
    await tab.fill('[name=failAt]', String(failAt));
    await tab.click('#run');
    await tab.waitForFunction(() => window.demo?.state === 'done', null, { timeout: 120_000 });
    const { runs, speedup } = await tab.evaluate(() => window.demo);
    const file = join(values.out, `${name}.png`);
    await tab.screenshot({ path: file, fullPage: true });
    console.log(`\nMD5All, ${runs.one.files.length} files${failAt ? `, file ${failAt} fails to read` : ''} (screenshot: ${file})`);
    for (const [key, run] of Object.entries(runs)) {
      const states = {};
      for (const { state } of run.files) states[state] = (states[state] ?? 0) + 1;
      console.log(`  ${(key === 'one' ? 'one thread' : 'pool of 2').padEnd(11)} ${String(run.wall).padStart(5)} ms, `
        + `${run.rate.toFixed(0).padStart(4)} MiB/s; ${Object.entries(states).map(([state, n]) => `${n} ${state}`).join(', ')}; ${run.outcome}`);
    }
    if (!failAt) console.log(`  the pool took ${speedup.toFixed(2)}× less time than one thread`);
    await tab.close();
  }
}
