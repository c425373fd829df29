// The feature cases (features-cases.js) in Node; tests/features.rs runs
// the same cases in browsers.
import { runCases } from './cases.mjs';
import { cases } from './features-cases.js';

runCases(cases);
