// The class from its source files, over a core this process instantiates
// itself: the package's core, or the one `node scripts/build-pkg.mjs
// --test-hooks` builds, which traps on a chosen limit. The package bundles
// the same files (scripts/build-pkg.mjs); each test file runs in a process
// of its own, so each gets one class and one core.
import { readFileSync } from 'node:fs';
import { ErrGroup, install } from '../../src/js/api.js';

/** Instantiates `target/<build>/core.wasm` and hands it to the class. */
export function useCore(build = 'pkg-build') {
  const bytes = readFileSync(new URL(`../../target/${build}/core.wasm`, import.meta.url));
  const module = new WebAssembly.Module(bytes);
  const { exports } = new WebAssembly.Instance(module);
  install(exports);
  return { ErrGroup, module, exports };
}

/** The limit at which every call of the test-hooks core traps (src/js/mod.rs). */
export const TRAP_LIMIT = 57_005;
