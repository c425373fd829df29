// MD5All's worker: its `md5` handler digests one file with the Rust `Md5`
// (src/lib.rs, compiled to wasm). scripts/build-md5all.sh bundles it with
// the package into target/md5all/md5.worker.js, beside the wasm.
import { expose } from 'wasm-errgroup/workers';
import { digest, loadMd5 } from './digest.js';

const Md5 = await loadMd5(import.meta.url);

expose({
  /** The MD5 of a file: a Blob (a File), bytes, or in Node a path. */
  md5: (file, signal) => digest(Md5, file, signal),
  /** The MD5 of what `url` serves, fetched with the run's signal. */
  async md5url(url, signal) {
    const response = await fetch(url, { signal });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return digest(Md5, /** @type {ReadableStream<Uint8Array>} */ (response.body), signal);
  },
});
