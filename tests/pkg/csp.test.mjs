// A page whose Content-Security-Policy is `script-src 'self'`, with no
// 'wasm-unsafe-eval': the browser refuses to compile any WebAssembly there.
// `wasm-errgroup/no-wasm` runs on it, in Chromium, Firefox and WebKit, and
// the browser reports no violation for it: no `securitypolicyviolation`
// event, nothing POSTed to the policy's report endpoint, and, in Chromium,
// no issue in DevTools (where Chromium logs CSP violations). What the wasm
// entry does there is measured too: its compile is refused, and Chromium
// and Firefox report that as a violation on each load of such a page,
// which is why the README names the other import for these pages rather
// than the wasm entry falling back to the JavaScript core.
//
// A violation is known to be absent without waiting for it: after the
// scenario, each page runs `eval`, which the policy refuses and reports, and
// the tests wait for that report, which the browser sends after any earlier
// one.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { expected } from './scenario.mjs';
import { bin, makeProject } from './project.mjs';
import { launchChromium } from '../../scripts/chromium.mjs';

let project;
before(async () => { project = await makeProject(); });
after(async () => { await project?.close(); });

/** The policy: every script from the page's own origin, and nothing else; reports to the test server. */
const CSP = { 'content-security-policy': "script-src 'self'; report-uri /report" };

/**
 * Collects the page's violations and errors: a classic script, since the
 * policy refuses inline ones. `window.afterEval()` runs the `eval` sentinel
 * and resolves with every violation seen up to its report.
 */
const WATCH = `window.violations = [];
addEventListener('securitypolicyviolation', (e) => { window.violations.push(e.blockedURI + ' ' + e.effectiveDirective); });
addEventListener('error', (e) => { window.pageError = e.message || String(e.error); });
addEventListener('unhandledrejection', (e) => { window.pageError = String(e.reason); });
window.afterEval = () => new Promise((resolve) => {
  addEventListener('securitypolicyviolation', (e) => { if (e.blockedURI === 'eval') setTimeout(() => resolve(window.violations)); });
  try { (0, eval)('0'); } catch {}
});
`;

/**
 * Writes a page under the policy whose module script is `name`.js: bundled
 * by esbuild from `source`, as a user's app would be, or `source` itself
 * with `bundle` false (the policy refuses inline import maps, so a page
 * without a bundler imports by path). Returns the page's file name.
 */
function policyPage(name, source, bundle = true) {
  project.write(`${name}-entry.js`, source);
  if (bundle) {
    execFileSync(bin('esbuild'), [`${name}-entry.js`, '--bundle', '--format=esm', '--platform=browser', '--target=es2022',
      `--outfile=dist/${name}.js`, '--log-level=warning'], { cwd: project.dir });
  }
  project.write('csp-watch.js', WATCH);
  project.write(`${name}.html`, `<!doctype html>
<script src="./csp-watch.js"></script>
<script type="module" src="./${bundle ? `dist/${name}` : `${name}-entry`}.js"></script>`, CSP);
  return `${name}.html`;
}

/** The scenario over `wasm-errgroup/no-wasm`, imported as `specifier`, then the eval sentinel. */
const noWasm = (specifier) => `import { ErrGroup } from '${specifier}';
import { scenario } from './scenario.mjs';
const out = await scenario(ErrGroup);
window.result = { scenario: out, violations: await window.afterEval() };
`;

/** The same page bundled, and without a bundler. */
const noWasmPages = () => [
  policyPage('csp-no-wasm', noWasm('wasm-errgroup/no-wasm')),
  policyPage('csp-no-wasm-by-path', noWasm('./node_modules/wasm-errgroup/no-wasm.js'), false),
];

/** The reports POSTed since `from`, once the sentinel's has come, as "blocked-uri directive". */
async function reportsUpTo(from) {
  for (;;) {
    const reports = project.reports.slice(from).map((body) => JSON.parse(body)['csp-report']);
    if (reports.some((report) => report['blocked-uri'] === 'eval')) {
      return reports.map((report) => `${report['blocked-uri']} ${report['effective-directive'] ?? report['violated-directive']}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Opens `page` in Chromium with Playwright, and returns window.result with
 * the kinds of the Content-Security-Policy issues DevTools showed (the
 * DevTools protocol's Audits domain), as `issues`.
 */
async function inChromium(page) {
  const browser = await launchChromium();
  try {
    const tab = await browser.newPage();
    const issues = [];
    const cdp = await tab.context().newCDPSession(tab);
    cdp.on('Audits.issueAdded', ({ issue }) => {
      const csp = issue.details.contentSecurityPolicyIssueDetails;
      if (csp !== undefined) issues.push(csp.contentSecurityPolicyViolationType);
    });
    await cdp.send('Audits.enable');
    await tab.goto(project.url(page));
    const result = await (await tab.waitForFunction(() => window.result || (window.pageError && { pageError: window.pageError }))).jsonValue();
    return { ...result, issues };
  } finally {
    await browser.close();
  }
}

test("chromium, script-src 'self': wasm-errgroup/no-wasm, bundled or by path, runs with no violation event, report or DevTools issue", { timeout: 120_000 }, async () => {
  for (const page of noWasmPages()) {
    const from = project.reports.length;
    const { scenario, violations, issues, pageError } = await inChromium(page);
    assert.equal(pageError, undefined, page);
    assert.deepEqual(scenario, expected, page);
    assert.deepEqual(violations, ['eval script-src'], `${page}: securitypolicyviolation events`);
    assert.deepEqual(await reportsUpTo(from), ['eval script-src'], `${page}: reports to the endpoint`);
    assert.deepEqual(issues, ['kEvalViolation'], `${page}: DevTools issues`);
  }
});

for (const engine of ['firefox', 'webkit']) {
  test(`${engine}, script-src 'self': wasm-errgroup/no-wasm, bundled or by path, runs with no violation event or report`, { timeout: 120_000 }, async () => {
    for (const page of noWasmPages()) {
      const from = project.reports.length;
      const { scenario, violations } = await project.open(engine, project.url(page));
      assert.deepEqual(scenario, expected, page);
      assert.deepEqual(violations, ['eval script-src'], `${page}: securitypolicyviolation events`);
      assert.deepEqual(await reportsUpTo(from), ['eval script-src'], `${page}: reports to the endpoint`);
    }
  });
}

/** A page that imports the wasm entry, and shows what that import did. */
const WASM = `let imported;
try {
  const { ErrGroup } = await import('wasm-errgroup');
  imported = 'ok';
} catch (error) {
  imported = error.name;
}
window.result = { imported, violations: await window.afterEval() };
`;

/** What each browser does with the wasm entry under the policy, as measured. */
const REFUSED = {
  chromium: { violations: ['wasm-eval script-src', 'eval script-src'], issues: ['kWasmEvalViolation', 'kEvalViolation'] },
  firefox: { violations: ['wasm-eval script-src', 'eval script-src'] },
  // WebKit refuses the compile too, but reports nothing.
  webkit: { violations: ['eval script-src'] },
};

for (const [engine, { violations, issues }] of Object.entries(REFUSED)) {
  const reported = violations.length > 1 ? 'and reports it as a violation' : 'and reports nothing';
  test(`${engine}, script-src 'self': importing the wasm entry rejects with CompileError, ${reported}`, { timeout: 120_000 }, async () => {
    const page = policyPage('csp-wasm', WASM);
    const from = project.reports.length;
    const result = engine === 'chromium' ? await inChromium(page) : await project.open(engine, project.url(page));
    assert.equal(result.imported, 'CompileError');
    assert.deepEqual(result.violations, violations, 'securitypolicyviolation events');
    assert.deepEqual(await reportsUpTo(from), violations, 'reports to the endpoint');
    if (issues !== undefined) assert.deepEqual(result.issues, issues, 'DevTools issues');
  });
}
