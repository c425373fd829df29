// Where users' own tests run the package: Jest 30 with its default
// configuration (a CommonJS test file, and an ESM one), and Vitest 4 with
// no configuration file, each in environment node and in a DOM
// environment (jsdom; happy-dom too for Vitest), picked per file with a
// docblock. The packed package is installed in a fresh project, and the
// runners are that project's dev dependencies. Every file runs the
// scenario; the DOM ones run dom-cases.mjs too. Each runner writes a JSON
// report, and every test in it is a test here.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { domCases } from './dom-cases.mjs';
import { makeProject, tools } from './project.mjs';

let project;
/** The runners' reports: test file → test name → { status, failureMessages }. */
const reports = {};

/** The body of a test file: `header`, then the scenario, the environment's check and, in a DOM, dom-cases. */
function testFile(header, environment, { cases, scenario, importLine }) {
  const check = {
    node: "assert.equal(typeof window, 'undefined');",
    jsdom: 'assert.match(navigator.userAgent, /jsdom/); assert.equal(AbortSignal, window.AbortSignal);',
    'happy-dom': "assert.equal(typeof window.happyDOM, 'object'); assert.equal(AbortSignal, window.AbortSignal);",
  }[environment];
  const dom = environment === 'node' ? '' : `
for (const [name, run] of Object.entries(domCases)) test(name, () => run(ErrGroup));`;
  return `${header}
${importLine}
${scenario}
${cases}
test('the scenario', async () => { assert.deepEqual(await scenario(ErrGroup), expected); });
test('the environment is ${environment}', () => { ${check} });${dom}
`;
}

/** Runs `args` with Node in `cwd`; the runner's JSON report is `report`. */
function runReport(cwd, args, report, env = {}) {
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
  let json;
  try {
    json = JSON.parse(readFileSync(join(cwd, report), 'utf8'));
  } catch {
    throw new Error(`no report from ${args.join(' ')}:\n${result.stdout}\n${result.stderr}`);
  }
  for (const file of json.testResults) {
    const name = file.name.slice(file.name.lastIndexOf('/') + 1);
    reports[name] = Object.fromEntries(file.assertionResults.map((r) => [r.title, r]));
    if (file.assertionResults.length === 0) reports[name] = { failed: { status: 'failed', failureMessages: [file.message] } };
  }
}

const JEST = [
  ['cjs-node.test.js', 'node', 'CommonJS'],
  ['cjs-jsdom.test.js', 'jsdom', 'CommonJS'],
  ['esm-node.test.mjs', 'node', 'ESM'],
  ['esm-jsdom.test.mjs', 'jsdom', 'ESM'],
];
const VITEST = [
  ['node.test.mjs', 'node'],
  ['jsdom.test.mjs', 'jsdom'],
  ['happy-dom.test.mjs', 'happy-dom'],
];

before(async () => {
  project = await makeProject();
  project.link('jest', 'jest-environment-jsdom', 'vitest', 'jsdom', 'happy-dom');
  const { transformSync } = tools('esbuild');
  const cjs = (path) => transformSync(readFileSync(new URL(path, import.meta.url), 'utf8'), { format: 'cjs' }).code;

  // Jest: a CommonJS project (no "type"), no Jest configuration.
  project.write('jest/package.json', '{ "name": "jest-user", "private": true }\n');
  project.write('jest/scenario.cjs', cjs('./scenario.mjs'));
  project.write('jest/dom-cases.cjs', cjs('./dom-cases.mjs'));
  for (const [file, environment, kind] of JEST) {
    const header = environment === 'node' ? '' : `/** @jest-environment ${environment} */`;
    project.write(`jest/${file}`, testFile(header, environment, kind === 'CommonJS' ? {
      importLine: "const { ErrGroup } = require('wasm-errgroup');",
      scenario: "const assert = require('node:assert/strict');\nconst { scenario, expected } = require('./scenario.cjs');",
      cases: "const { domCases } = require('./dom-cases.cjs');",
    } : {
      importLine: "import { ErrGroup } from 'wasm-errgroup';",
      scenario: "import assert from 'node:assert/strict';\nimport { scenario, expected } from '../scenario.mjs';",
      cases: "import { domCases } from '../dom-cases.mjs';",
    }));
  }
  project.write('dom-cases.mjs', readFileSync(new URL('./dom-cases.mjs', import.meta.url), 'utf8'));
  const jest = join(project.dir, 'node_modules/jest/bin/jest.js');
  // ESM test files need Node's VM modules, as Jest's documentation says.
  runReport(join(project.dir, 'jest'), [jest, '--json', '--outputFile=cjs.json', 'cjs-'], 'cjs.json');
  runReport(join(project.dir, 'jest'), [jest, '--json', '--outputFile=esm.json', 'esm-'], 'esm.json',
    { NODE_OPTIONS: '--experimental-vm-modules' });

  // Vitest: no configuration file; the environment from a docblock.
  for (const [file, environment] of VITEST) {
    project.write(`vitest/${file}`, testFile(`// @vitest-environment ${environment}`, environment, {
      importLine: "import { test } from 'vitest';\nimport { ErrGroup } from 'wasm-errgroup';",
      scenario: "import assert from 'node:assert/strict';\nimport { scenario, expected } from '../scenario.mjs';",
      cases: "import { domCases } from '../dom-cases.mjs';",
    }));
  }
  runReport(join(project.dir, 'vitest'), [join(project.dir, 'node_modules/vitest/vitest.mjs'), 'run',
    '--reporter=json', '--outputFile=report.json'], 'report.json');
});
after(async () => { await project?.close(); });

/** Asserts that the runner ran `title` in `file`, and it passed. */
function passed(file, title) {
  const result = reports[file]?.[title] ?? reports[file]?.failed;
  assert.ok(result !== undefined, `${file} has no test "${title}"`);
  assert.equal(result.status, 'passed', result.failureMessages?.join('\n'));
}

/**
 * Known not to hold: Vitest's happy-dom environment turns off happy-dom's
 * error capturing, so an abort listener's throw escapes
 * AbortController.abort() inside the class, and wait() stays pending.
 */
/** Rules a runner is known to break, as `todo`. */
const KNOWN = {};

for (const [file, environment, kind] of JEST) {
  const where = `Jest 30, default configuration, ${kind} test file, testEnvironment ${environment}`;
  test(`${where}: ${kind === 'CommonJS' ? "require('wasm-errgroup')" : "import from 'wasm-errgroup'"} runs the scenario`,
    () => passed(file, 'the scenario'));
  test(`${where}: the test runs in ${environment}`, () => passed(file, `the environment is ${environment}`));
  if (environment !== 'node') {
    for (const name of Object.keys(domCases)) test(`${where}: ${name}`, { todo: KNOWN[`${file} ${name}`] }, () => passed(file, name));
  }
}

for (const [file, environment] of VITEST) {
  const where = `Vitest 4, no configuration, environment ${environment}`;
  test(`${where}: import from 'wasm-errgroup' runs the scenario`, () => passed(file, 'the scenario'));
  test(`${where}: the test runs in ${environment}`, () => passed(file, `the environment is ${environment}`));
  if (environment !== 'node') {
    for (const name of Object.keys(domCases)) test(`${where}: ${name}`, { todo: KNOWN[`${file} ${name}`] }, () => passed(file, name));
  }
}
