// The per-run overhead bench's worker for wasm-errgroup/workers: one handler
// that does nothing. benches/md5all.mjs serves it (browsers) or starts it
// (Node) with the package built in pkg/.
import { expose } from '../pkg/workers.js';

expose({ empty: () => undefined });
