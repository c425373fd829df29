// The class from its source file, over a core this process instantiates
// itself: a test can then read the instance's memory, or call the test
// hooks of the core `node scripts/build-pkg.mjs --test-hooks` builds. The
// package bundles the same two files (scripts/build-pkg.mjs); each test file
// runs in a process of its own, so each gets one class and one core.
import { readFileSync } from 'node:fs';
import { ErrGroup, install, trapped } from '../../src/js/errgroup.js';

/** Instantiates `target/<build>/core.wasm` and hands it to the class. */
export function useCore(build = 'pkg-build') {
  const bytes = readFileSync(new URL(`../../target/${build}/core.wasm`, import.meta.url));
  const module = new WebAssembly.Module(bytes);
  const { exports } = new WebAssembly.Instance(module);
  install(exports);
  return {
    ErrGroup,
    module,
    exports,
    /** Calls a core export the way the class does: a trap stops every group. */
    call(name, ...args) {
      try {
        return exports[name](...args);
      } catch (error) {
        throw trapped(error);
      }
    },
  };
}
