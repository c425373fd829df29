// Browser and bundler entry: fetches and instantiates the WebAssembly next to
// this file with top-level await, so importers need no init() call.
// `wasm-errgroup/manual` exports the raw init() for a wasm hosted elsewhere.
import init from './wasm_errgroup.js';

await init();

export * from './wasm_errgroup.js';
