// Headless Chromium through playwright-core (installed in tools/), the one
// way the page tests, the benches and the demo's headless run start it:
// the machine's Chromium, or $CHROMIUM, with nothing of its own running in
// the background.
import { createRequire } from 'node:module';

const { chromium } = createRequire(new URL('../tools/package.json', import.meta.url))('playwright-core');
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

/**
 * @param {string[]} [flags] more command-line flags
 * @returns {Promise<import('playwright-core').Browser>}
 */
export function launchChromium(flags = []) {
  return chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: [...ARGS, ...flags] });
}
