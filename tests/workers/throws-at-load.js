// A worker script that throws before it calls expose().
import { expose } from './node_modules/wasm-errgroup/workers.js';

throw new Error('this script throws at load');
// eslint-disable-next-line no-unreachable
expose({});
