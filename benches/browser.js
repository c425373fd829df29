// The bench's browser entry: scripts/build-pkg.mjs's package and the peers,
// bundled by benches/run.mjs with esbuild. The page calls runBench().
import { ErrGroup } from '../pkg/index.js';
import pMap, { pMapIterable } from 'p-map';
import pLimit from 'p-limit';
import { mapLimit } from 'async';
import { newQueue } from '@henrygd/queue';
import { run } from './scenarios.js';

window.runBench = (options) =>
  run({ ErrGroup, pMap, pMapIterable, pLimit, mapLimit, newQueue }, { ...options, gc: globalThis.gc });
