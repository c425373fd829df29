// mapIterable's cases (iterable-cases.js) in Node; tests/iterable.rs runs
// the same cases in browsers.
import { runCases } from './cases.mjs';
import { cases } from './iterable-cases.js';

runCases(cases);
