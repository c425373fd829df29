// Node entry (ESM, and CommonJS through require(esm) on Node >= 20.19):
// the WebAssembly module is read from disk and instantiated synchronously,
// so Node code needs no init() call.
import { readFileSync } from 'node:fs';
import { initSync } from './wasm_errgroup.js';

initSync({ module: readFileSync(new URL('./wasm_errgroup_bg.wasm', import.meta.url)) });

export * from './wasm_errgroup.js';
