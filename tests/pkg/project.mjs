// A user's project: the packed npm package installed into a fresh folder
// outside the repo, a static server over it on 127.0.0.1, and headless
// browsers to open its pages. Shared by the tests of tests/pkg/.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openBrowser } from '../../scripts/webdriver.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

export const root = fileURLToPath(new URL('../..', import.meta.url));
export const tools = createRequire(join(root, 'tools/package.json'));
export const bin = (name) => join(root, 'tools/node_modules/.bin', name);
const here = fileURLToPath(new URL('.', import.meta.url));

const TYPES = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm' };

/** Packs pkg/ and installs it, with `scenario.mjs`, into a new project. */
export async function makeProject() {
  const dir = mkdtempSync(join(tmpdir(), 'wasm-errgroup-user-'));
  const tarball = execFileSync('npm', ['pack', join(root, 'pkg'), '--pack-destination', dir, '--silent'], {
    encoding: 'utf8',
  }).trim().split('\n').pop();
  writeFileSync(join(dir, 'package.json'), '{ "name": "user-app", "private": true, "type": "module" }\n');
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', join(dir, tarball)], { cwd: dir });
  cpSync(join(here, 'scenario.mjs'), join(dir, 'scenario.mjs'));
  /** Response headers of some files, by URL path (see `write`). */
  const headers = new Map();
  /** Bodies POSTed to /report: what a page's Content-Security-Policy reports. */
  const reports = [];
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (req.method === 'POST' && pathname === '/report') {
      let body = '';
      req.on('data', (chunk) => { body += chunk; });
      req.on('end', () => { reports.push(body); res.writeHead(204).end(); });
      return;
    }
    try {
      const path = join(dir, pathname);
      const body = readFileSync(path);
      res.writeHead(200, { 'content-type': TYPES[extname(path)] ?? 'application/octet-stream', ...headers.get(pathname) });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const browsers = {};
  return {
    dir,
    reports,
    url: (path) => `http://127.0.0.1:${server.address().port}/${path}`,
    /** Writes `file` (and its folder), served with `responseHeaders` if given. */
    write(file, source, responseHeaders) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      writeFileSync(join(dir, file), source);
      if (responseHeaders !== undefined) headers.set(`/${file}`, responseHeaders);
    },
    /**
     * Makes dev packages of tools/ (a test runner, a framework) the
     * project's own, as if installed there: links in its node_modules.
     */
    link(...names) {
      for (const name of names) symlinkSync(join(root, 'tools/node_modules', name), join(dir, 'node_modules', name));
    },
    /** Runs `file` with Node (or `runtime`), and parses the JSON it prints last. */
    run(file, runtime = process.execPath, args = []) {
      const out = execFileSync(runtime, [...args, file], { cwd: dir, encoding: 'utf8' });
      return JSON.parse(out.trim().split('\n').pop());
    },
    /** Opens `url` in `engine` and returns `window.result` once set; fails on page errors. */
    async open(engine, url, timeout = 20_000) {
      if (engine === 'chromium') {
        browsers.chromium ??= await launchChromium();
        const page = await browsers.chromium.newPage();
        const errors = [];
        page.on('pageerror', (error) => errors.push(error));
        try {
          await page.goto(url);
          const result = await page.waitForFunction(() => window.result, null, { timeout });
          const value = await result.jsonValue();
          if (errors.length > 0) throw errors[0];
          return value;
        } finally {
          await page.close();
        }
      }
      browsers[engine] ??= await openBrowser(engine);
      const browser = browsers[engine];
      await browser.goto(url);
      const value = await browser.waitFor('window.result || (window.pageError && { pageError: String(window.pageError) })', timeout);
      if (value.pageError) throw new Error(`${engine}: ${value.pageError}`);
      return value;
    },
    async close() {
      for (const browser of Object.values(browsers)) await browser.close();
      server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
