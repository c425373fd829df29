// A small W3C WebDriver client over Node's fetch, for the browsers
// Playwright cannot drive here: Debian's Firefox (through geckodriver) and
// WebKitGTK's MiniBrowser (through WebKitWebDriver, under xvfb-run: it
// needs a display even when nothing is shown). Used by the tests, the bench
// and the demo's headless mode.
//
//   const browser = await openBrowser('firefox' | 'webkit');
//   await browser.goto(url);
//   const value = await browser.evaluate('return document.title');
//   const result = await browser.evaluateAsync('arguments[0](42)');  // last argument: done(value)
//   await browser.close();
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const WEBKIT_BROWSER = '/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser';

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function openBrowser(kind) {
  const port = await freePort();
  const driver = kind === 'webkit'
    ? spawn('xvfb-run', ['-a', 'WebKitWebDriver', `--port=${port}`], { stdio: 'ignore', detached: true })
    : spawn('geckodriver', ['--port', String(port)], { stdio: 'ignore', detached: true });
  const stop = () => {
    try {
      process.kill(-driver.pid, 'SIGTERM');
    } catch {
      // It has exited already.
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const call = async (method, path, body) => {
    const response = await fetch(base + path, {
      method, headers: { 'content-type': 'application/json' }, body: body && JSON.stringify(body),
    });
    const json = await response.json();
    if (json.value?.error) throw new Error(`${kind} WebDriver ${path}: ${json.value.error}: ${json.value.message}`);
    return json.value;
  };
  try {
    for (let i = 0; ; i++) {
      try {
        if ((await call('GET', '/status')).ready !== false) break;
      } catch (error) {
        if (i > 150) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const capabilities = kind === 'webkit'
      ? { browserName: 'MiniBrowser', 'webkitgtk:browserOptions': { binary: WEBKIT_BROWSER, args: ['--automation'] } }
      : { 'moz:firefoxOptions': { args: ['-headless'] } };
    const session = await call('POST', '/session', { capabilities: { alwaysMatch: capabilities } });
    const id = session.sessionId;
    await call('POST', `/session/${id}/timeouts`, { script: 600_000, pageLoad: 60_000 });
    const version = `${kind === 'webkit' ? 'WebKitGTK MiniBrowser' : 'Firefox'} ${session.capabilities.browserVersion}`;
    return {
      version,
      goto: (url) => call('POST', `/session/${id}/url`, { url }),
      evaluate: (script, ...args) => call('POST', `/session/${id}/execute/sync`, { script, args }),
      evaluateAsync: (script, ...args) => call('POST', `/session/${id}/execute/async`, { script, args }),
      /** Polls `expression` until it is not undefined or null; returns it. */
      async waitFor(expression, timeout = 20_000) {
        const until = Date.now() + timeout;
        for (;;) {
          const value = await call('POST', `/session/${id}/execute/sync`, { script: `return ${expression};`, args: [] });
          if (value !== null && value !== undefined) return value;
          if (Date.now() > until) throw new Error(`${kind}: timed out waiting for ${expression}`);
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      },
      async close() {
        await call('DELETE', `/session/${id}`).catch(() => {});
        stop();
      },
    };
  } catch (error) {
    stop();
    throw error;
  }
}
