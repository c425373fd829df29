// The npm package's entry: the ErrGroup class over the WebAssembly core.
//
// scripts/build-pkg.mjs bundles this file with the class and inlines the
// core (about 1 KiB) as bytes, so importing the package is all it takes:
// no init(), no .wasm file to serve or to configure a bundler for, and no
// top-level await, so it loads the same way in browsers, workers, Node,
// Deno, Bun and every bundler. The core is compiled synchronously, which
// Chromium allows on the main thread for modules up to 4 KiB.
import core from 'wasm-errgroup:core';
import { ErrGroup, install } from './api.js';

const { exports } = new WebAssembly.Instance(new WebAssembly.Module(core));
install(/** @type {import('./errgroup.js').Core} */ (/** @type {unknown} */ (exports)));

export { ErrGroup };
