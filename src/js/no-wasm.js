// The package's entry for where WebAssembly may not compile (`wasm-errgroup/no-wasm`):
// the same ErrGroup class over the same core, compiled to JavaScript at
// build time by binaryen's wasm2js (scripts/build-pkg.mjs). It never
// compiles WebAssembly, so a page whose Content-Security-Policy lacks
// 'wasm-unsafe-eval' runs it and is sent no violation report.
import * as core from 'wasm-errgroup:core.js';
import { ErrGroup, install } from './api.js';

install(core);

export { ErrGroup };
