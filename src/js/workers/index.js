// The package's second entry, wasm-errgroup/workers: a pool of module
// workers (WorkerPool) for the main side, and expose() and transfer() for
// the workers' side. It needs no WebAssembly of its own.
export { WorkerPool } from './pool.js';
export { expose, transfer } from './expose.js';
