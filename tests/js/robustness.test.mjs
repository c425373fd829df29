// The robustness cases (robustness-cases.js) in Node; tests/robustness.rs
// runs the same cases in browsers.
import { runCases } from './cases.mjs';
import { cases } from './robustness-cases.js';

runCases(cases);
