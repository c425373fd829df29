// MD5All's worker: its `md5` handler digests one file with the Rust `Md5`
// (src/lib.rs, compiled to wasm). scripts/build-md5all.sh bundles it with
// the package into target/md5all/md5.worker.js, beside the wasm.
import { expose } from 'wasm-errgroup/workers';
import { digest, loadMd5 } from './digest.js';

const Md5 = await loadMd5(import.meta.url);

expose({
  md5: (file, signal) => digest(Md5, file, signal),
});
